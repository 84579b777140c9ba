"""The ``optout-atlas`` command: tools for contributors and maintainers.

Every sub-command prints one line per problem and exits non-zero on failure, without a
traceback. Each sub-command lives in its own module, which exposes ``register(commands)``:
it adds its parser to the sub-parsers and sets ``handler`` to a function taking the parsed
arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from optout_atlas import clock
from optout_atlas.dataset import load_dataset
from optout_atlas.fserrors import describe_os_error
from optout_atlas.problems import DataError
from optout_atlas.tools.options import add_data_option
from optout_atlas.translation import SOURCE_LANGUAGE, catalog_languages

# Modules (in this package) that register further sub-commands, in the order of `--help`.
COMMAND_MODULES: tuple[str, ...] = (
    "cmd_new",
    "cmd_translations",
    "cmd_freshness",
    "cmd_sitecheck",
    "cmd_linkcheck",
    "cmd_watch",
)


def _validate(args: argparse.Namespace) -> int:
    locales = args.locales if args.locales is not None else Path(args.data).parent / "locales"
    # The site's languages: English and every language with catalogs (see translations --init).
    languages = [SOURCE_LANGUAGE, *catalog_languages(locales)]
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    try:
        dataset = load_dataset(args.data, today=clock.today(), languages=languages)
    except DataError as error:
        _print_problems(error.problems, annotate)
        errors = sum(not p.warning for p in error.problems)
        print(f"{errors} problem{'s' if errors != 1 else ''} found in {args.data}", file=sys.stderr)
        return 1
    _print_problems(dataset.warnings, annotate)
    if dataset.warnings and args.strict:
        count = len(dataset.warnings)
        print(
            f"{count} warning{'s' if count != 1 else ''} in {args.data}, an error with --strict",
            file=sys.stderr,
        )
        return 1
    platforms = ", ".join(p.id for p in dataset.platforms)
    print(f"ok: {len(dataset.platforms)} platforms ({platforms}) are valid")
    return 0


def _print_problems(problems, annotate: bool) -> None:
    for problem in problems:
        print(problem)
        if annotate:
            print(problem.github_annotation())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="optout-atlas", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check every data file; print file:line:col errors")
    add_data_option(validate)
    validate.add_argument(
        "--locales",
        type=Path,
        default=None,
        help="catalogs, whose languages labels may be given in (default: locales beside the data directory)",
    )
    validate.add_argument(
        "--strict", action="store_true", help="fail on warnings too (addresses that may be lookalikes)"
    )
    validate.set_defaults(handler=_validate)

    for name in COMMAND_MODULES:
        importlib.import_module(f"optout_atlas.tools.{name}").register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except DataError as error:  # a command that needs valid data got invalid data
        for problem in error.problems:
            print(problem)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as error:  # a file or folder that cannot be read or written: a full disk…
        print(f"optout-atlas {args.command}: {describe_os_error(error)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
