"""``optout-atlas watch``: which of the platforms' own documents changed since the data was checked.

Exit codes, like ``freshness --strict``: 0 nothing new, 1 changes to review, 2 could not check
(nothing changed, but a document could not be checked). The data is never changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

import jinja2

from optout_atlas import clock
from optout_atlas.dataset import load_dataset
from optout_atlas.tools import watch
from optout_atlas.tools.cmd_linkcheck import DEFAULT_CONFIG, read_config
from optout_atlas.tools.options import add_data_option

DEFAULT_CACHE = Path(".cache/watch.json")
TEMPLATES = Path(__file__).parent / "templates"
ISSUE_TITLE = "Policy watch: {name}"
MAX_VERSIONS = 6  # versions listed per document; the archive's history link has them all


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "watch",
        help="report the platforms' own documents that changed since the data was last verified",
        description="For each document under `watch` in the data, ask Open Terms Archive (through the "
        "GitHub API) for the versions recorded since the platform's last_verified, and show the "
        "changed passages about AI. Exit 0: nothing new; 1: changes to review; 2: could not check.",
    )
    add_data_option(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--since",
        type=_date,
        metavar="DATE",
        help="report versions recorded since DATE (YYYY-MM-DD) instead of each platform's last_verified",
    )
    parser.add_argument(
        "--platform", action="append", default=[], metavar="ID", help="only this platform (repeatable)"
    )
    parser.add_argument(
        "--pages",
        action="store_true",
        help="also fetch the documents no archive tracks and compare their content hash with the last run's",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        metavar="DIR",
        help="write one Markdown report per platform with something to review, and DIR/reports.json",
    )
    parser.add_argument(
        "--api-url",
        default=os.environ.get(watch.API_URL_VARIABLE, watch.DEFAULT_API_URL),
        help=f"GitHub API address (default: ${watch.API_URL_VARIABLE} or {watch.DEFAULT_API_URL})",
    )
    parser.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help="HTTP settings (default: linkcheck.yml)"
    )
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help=f"cache and state file (default: {DEFAULT_CACHE})"
    )
    parser.add_argument("--no-cache", action="store_true", help="ask again about every list of versions")
    parser.add_argument(
        "--time-limit", type=float, default=300.0, metavar="SECONDS", help="stop asking after this long"
    )
    parser.set_defaults(handler=run)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date, YYYY-MM-DD") from error


def run(args: argparse.Namespace) -> int:
    today = clock.today()
    dataset = load_dataset(args.data, today=today)
    unknown = sorted(set(args.platform) - {p.id for p in dataset.platforms})
    if unknown:
        print(f"unknown platform: {', '.join(unknown)}", file=sys.stderr)
        return 2
    settings = read_config(args.config).settings
    cache = watch.WatchCache(args.cache, max_age=0 if args.no_cache else settings.cache_hours * 3600)
    fetcher = watch.Fetcher(
        settings,
        api_url=args.api_url,
        token=os.environ.get("GITHUB_TOKEN") or None,
        cache=cache,
        time_limit=args.time_limit,
    )
    try:
        reports = watch.watch(dataset, fetcher, since=args.since, platforms=args.platform, pages=args.pages)
    finally:
        fetcher.close()
        cache.save()
    if args.json:
        print(json.dumps(json_report(reports, today=today, since=args.since), indent=2, ensure_ascii=False))
    else:
        for line in human_report(reports):
            print(line)
    if args.report_dir:
        write_reports(reports, args.report_dir, today=today)
    return watch.exit_code(reports)


def json_report(reports: list[watch.DocumentReport], *, today: dt.date, since: dt.date | None) -> dict:
    return {
        "today": today.isoformat(),
        "since": since.isoformat() if since else None,
        "summary": {status: sum(r.status == status for r in reports) for status in watch.STATUSES},
        "documents": [r.as_json() for r in reports],
    }


def human_report(reports: list[watch.DocumentReport]) -> list[str]:
    """One block per platform, changed documents first with their versions and passages."""
    lines: list[str] = []
    order = {status: index for index, status in enumerate(watch.STATUSES)}
    platforms = {r.platform.id: r.platform for r in reports}
    for platform in platforms.values():
        mine = sorted((r for r in reports if r.platform.id == platform.id), key=lambda r: order[r.status])
        baseline = mine[0].baseline
        since = (
            f"last verified {platform.last_verified.isoformat()}"
            if baseline == platform.last_verified
            else f"since {baseline.isoformat()} (last verified {platform.last_verified.isoformat()})"
        )
        lines.append(f"# {platform.name} ({platform.path.name}): {since}")
        for report in mine:
            lines += _document_lines(report)
        lines.append("")
    lines.append(summary(reports))
    return lines


def _document_lines(report: watch.DocumentReport) -> list[str]:
    title = report.watched.document
    archive = report.watched.archive
    if report.status != watch.CHANGED:
        return [f"{report.status}: {title}: {report.detail}"]
    changes = report.changes
    if archive is None:
        lines = [f"changed: {title}: {report.detail}", f"  page: {report.watched.url}"]
    else:
        count = f"{len(changes)} new version{'s' if len(changes) != 1 else ''}"
        lines = [
            f"changed: {title}: {count} recorded since {report.baseline.isoformat()}, "
            f"newest {changes[0].recorded.date().isoformat()}",
            f"  archive: {archive} ({report.history_url})",
        ]
        for version in report.versions[:MAX_VERSIONS]:
            note = " (the archive's technical upgrade, not a new text)" if version.technical else ""
            lines.append(f"  {version.recorded.date().isoformat()} {version.html_url}{note}")
        if len(report.versions) > MAX_VERSIONS:
            lines.append(f"  … and {len(report.versions) - MAX_VERSIONS} older: see the archive's list above")
        if report.effective:
            lines.append(f"  the newest text says: {'; '.join(report.effective)}")
    cited = report.cited_after_change
    if cited:
        lines.append(f"  source '{cited.source}' was read on {cited.date.isoformat()}, after this change")
    elif report.citations:
        latest = report.citations[0]
        lines.append(
            f"  cited by source '{latest.source}', read on {latest.date.isoformat()}, before this change"
        )
    else:
        lines.append("  no source of the data cites this document yet")
    if report.passages:
        if report.base:
            heading = f"passages about AI that changed since the version of {report.base.recorded.date()}"
        else:
            first = report.versions[-1].recorded.date() if report.versions else report.baseline
            heading = f"passages about AI in the text, first recorded on {first}, after the baseline"
        lines.append(f"  {heading}:")
        lines += [f"    {p.sign} {p.text}" for p in report.passages]
        if report.more_passages:
            lines.append(f"    … and {report.more_passages} more: open the versions above")
    else:
        lines.append("  no changed passage mentions AI, training or models: skim the versions above")
    return lines


def summary(reports: list[watch.DocumentReport]) -> str:
    """``16 documents watched: 2 changed, 12 unchanged, 2 untracked``."""
    counts = {s: sum(r.status == s for r in reports) for s in watch.STATUSES}
    parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return f"{len(reports)} document{'s' if len(reports) != 1 else ''} watched: {parts or 'none'}"


def write_reports(reports: list[watch.DocumentReport], directory: Path, *, today: dt.date) -> None:
    """``DIR/<platform>.md`` for each platform with a change, a missing or a failed document, and
    ``DIR/reports.json`` listing them with the title of their issue."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown for a GitHub issue; values are escaped by the md_code filter
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["md_code"] = lambda text: str(text).replace("`", "'")
    environment.filters["md_text"] = _md_text
    template = environment.get_template("watch_issue.md.j2")
    directory.mkdir(parents=True, exist_ok=True)
    listed = []
    for platform in {r.platform.id: r.platform for r in reports}.values():
        mine = [r for r in reports if r.platform.id == platform.id]
        to_review = [r for r in mine if r.status in (watch.CHANGED, watch.MISSING, watch.FAILED)]
        if not to_review:
            continue
        path = directory / f"{platform.id}.md"
        path.write_text(
            template.render(platform=platform, reports=mine, today=today, watch=watch), encoding="utf-8"
        )
        listed.append(
            {
                "platform": platform.id,
                "title": ISSUE_TITLE.format(name=platform.name),
                "file": path.name,
                "changed": sum(r.status == watch.CHANGED for r in mine),
            }
        )
    (directory / "reports.json").write_text(json.dumps(listed, indent=1) + "\n", encoding="utf-8")


def _md_text(text: str) -> str:
    """Plain text in Markdown: characters that would become markup are escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in str(text))
