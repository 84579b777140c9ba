"""``optout-atlas check-links``: whether the external URLs of the data (and the site) still work."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from optout_atlas import clock
from optout_atlas.tools.linkcheck import (
    OK,
    REDIRECTED,
    SKIPPED,
    STATUSES,
    Cache,
    Config,
    LinkResult,
    Origin,
    Origins,
    check_urls,
    data_urls,
    iso_time,
    load_config,
    looks_offline,
    merge,
    site_urls,
)
from optout_atlas.tools.options import add_data_option

DEFAULT_CONFIG = Path("linkcheck.yml")
DEFAULT_CACHE = Path(".cache/linkcheck.json")
SITE_GROUP = "site pages"


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``check-links`` to the sub-commands of ``optout-atlas``."""
    parser = commands.add_parser(
        "check-links",
        help="check the external URLs of the data (and of built pages); report broken ones by file:line",
        description="Check every URL in the data (mechanisms' url, sources' url and via), and with --site "
        "every external link of the built pages. Needs the network. Rules per host: linkcheck.yml.",
    )
    add_data_option(parser)
    parser.add_argument(
        "--site", type=Path, metavar="DIR", help="also check the external links of this built site"
    )
    parser.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help="per-host rules (default: linkcheck.yml)"
    )
    parser.add_argument(
        "--cache",
        type=_cache_file,
        default=DEFAULT_CACHE,
        help="results file (default: .cache/linkcheck.json)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="ask again about every URL (the new results still update the cache)",
    )
    parser.add_argument("--json", action="store_true", help="print every result as JSON")
    parser.add_argument(
        "--fail-on",
        type=_statuses,
        default=frozenset({"broken"}),
        metavar="STATUSES",
        help="exit 1 when a URL ends in one of these, comma-separated (default: broken; any of "
        f"{', '.join(STATUSES)})",
    )
    parser.set_defaults(handler=run)


def _statuses(text: str) -> frozenset[str]:
    chosen = frozenset(s.strip() for s in text.split(",") if s.strip())
    unknown = sorted(chosen - set(STATUSES))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"{text!r}: expected some of {', '.join(STATUSES)}")
    return chosen


def _cache_file(text: str) -> Path:
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"'{text}' is a folder: give a file, like {DEFAULT_CACHE}")
    return path


def run(args: argparse.Namespace) -> int:
    """Check, print the report, and return 1 when a URL ends in a ``--fail-on`` status.

    Return 2, with no report, when no name lookup worked (offline): nothing could be checked.
    """
    config = read_config(args.config)
    origins = data_urls(args.data, today=clock.today())
    if args.site:
        if not args.site.is_dir():
            print(f"{args.site}: no such directory; build the site first (mkdocs build)", file=sys.stderr)
            return 1
        origins = merge(origins, site_urls(args.site))
    cache = Cache(args.cache, max_age=config.settings.cache_hours * 3600)
    hosts = {urlsplit(url).hostname for url in origins}
    print(f"checking {len(origins)} URLs on {len(hosts)} hosts…", file=sys.stderr)

    results = check_urls(origins, config, cache=cache, refresh=args.no_cache)
    if looks_offline(results.values()):
        print(
            f"no host name could be looked up ({len(results)} URLs): is this machine offline?",
            file=sys.stderr,
        )
        return 2
    if args.json:
        print(json.dumps(json_report(results, origins), indent=2, ensure_ascii=False))
    else:
        for line in human_report(results, origins):
            print(line)
    return 1 if any(r.status in args.fail_on for r in results.values()) else 0


def read_config(path: Path) -> Config:
    """``path`` checked and read; the default settings when the default file is absent."""
    if path == DEFAULT_CONFIG and not path.exists():
        print(f"no {path} here: default settings, no host rules", file=sys.stderr)
        return Config()
    return load_config(path)  # DataError (one line per problem) when it is not valid


def human_report(results: dict[str, LinkResult], origins: Origins) -> list[str]:
    """Every URL that is not simply ok, under its platform (or "site pages"), by file:line; then a summary.

    A URL written in the data is reported at its data lines only: that is where it is fixed.
    """
    groups: dict[str, list[tuple[Origin, str]]] = {}
    for url, result in results.items():
        if result.status in (OK, SKIPPED):
            continue
        places = [o for o in origins[url] if o.platform] or origins[url]
        for origin in places:
            groups.setdefault(origin.platform or SITE_GROUP, []).append((origin, describe(result)))
    lines = []
    for group in sorted(groups, key=lambda name: (name == SITE_GROUP, name)):
        lines.append(f"# {group}")
        lines += [f"{origin}: {text}" for origin, text in sorted(groups[group])]
    lines.append(summary(results))
    return lines


def describe(result: LinkResult) -> str:
    """``broken: https://… (HTTP 404 Not Found)``, ``redirected: https://a → https://b``."""
    text = f"{result.status}: {result.url}"
    if result.final_url:
        text += f" → {result.final_url}"
    if result.detail and result.status not in (OK, REDIRECTED):
        text += f" ({result.detail})"
    return text


def summary(results: dict[str, LinkResult]) -> str:
    """``193 URLs checked: 1 broken, 5 redirected, 187 ok (12 from the cache)``."""
    counts = Counter(r.status for r in results.values())
    parts = ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
    cached = sum(r.cached for r in results.values())
    return f"{len(results)} URLs checked: {parts or 'none'}" + (
        f" ({cached} from the cache)" if cached else ""
    )


def json_report(results: dict[str, LinkResult], origins: Origins) -> dict:
    """Every result with every place its URL is written, and the counts per status."""
    counts = Counter(r.status for r in results.values())
    return {
        "summary": {
            "urls": len(results),
            **{s: counts[s] for s in STATUSES},
            "cached": sum(r.cached for r in results.values()),
        },
        "results": [
            {
                "url": url,
                "status": result.status,
                "detail": result.detail,
                "http_status": result.http_status,
                "final_url": result.final_url,
                "checked": iso_time(result.checked),
                "cached": result.cached,
                "origins": [
                    {"file": o.file, "line": o.line, "platform": o.platform, "field": o.field}
                    if o.line
                    else {"page": o.file}
                    for o in origins[url]
                ],
            }
            for url, result in sorted(
                results.items(), key=lambda item: (STATUSES.index(item[1].status), item[0])
            )
        ],
    }
