"""``optout-atlas new <id>``: start a platform file with every required field marked TODO.

Run it when adding a platform. It writes ``data/platforms/<id>.yml`` (never over an existing
file) and prints the next steps; ``optout-atlas validate`` then lists each TODO left to fill.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from optout_atlas import DEFAULT_DATA_DIR
from optout_atlas.problems import display_path
from optout_atlas.tools.options import add_data_option
from optout_atlas.tools.scaffold import ScaffoldError, create_platform


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``new`` sub-command to the ``optout-atlas`` parser."""
    parser = commands.add_parser(
        "new",
        help="start data/platforms/<id>.yml for a new platform, with every field to fill marked TODO",
        description=(
            "Write data/platforms/<id>.yml with every required field, each value to fill marked TODO "
            "(validation fails until all are filled). Never overwrites an existing file."
        ),
    )
    parser.add_argument("id", help="the platform's id: lower-case letters, digits and '-', e.g. mastodon")
    parser.add_argument("--name", help="the platform's name as readers know it, e.g. 'Mastodon'")
    add_data_option(parser, metavar="DIR")
    parser.set_defaults(handler=run)


def next_steps(path: Path, platform_id: str, data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """What a contributor does after ``new``, as printed."""
    shown = display_path(path)
    validate = ".venv/bin/optout-atlas validate"
    if Path(data_dir) != DEFAULT_DATA_DIR:
        validate += f" --data {display_path(Path(data_dir))}"
    return "\n".join(
        [
            f"Created {shown}. Next:",
            f"  1. Fill in every line marked TODO in {shown}: the comment on each",
            "     line says what goes there. Every claim cites a source listed under `sources`",
            "     (CONTRIBUTING.md has the rules).",
            f"  2. Run `{validate}`: it lists each TODO still left as file:line:col.",
            "  3. Preview: run `.venv/bin/mkdocs serve` and open",
            f"     http://127.0.0.1:8000/guides/{platform_id}/ (the site builds once the file is valid).",
            "  4. Open a pull request; the checklist in its description is what reviewers check.",
        ]
    )


def run(args: argparse.Namespace) -> int:
    """Create the file and print the next steps; on failure print why and return 1."""
    try:
        path = create_platform(args.data, args.id, args.name)
    except ScaffoldError as error:
        print(f"optout-atlas new: {error}", file=sys.stderr)
        return 1
    print(next_steps(path, args.id, args.data))
    return 0
