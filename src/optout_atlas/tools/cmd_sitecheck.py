"""``optout-atlas check-site [SITE_DIR]``: the internal links of a built site, offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from optout_atlas.tools.sitecheck import scan_site

DEFAULT_SITE_DIR = Path("site")


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``check-site`` to the sub-commands of ``optout-atlas``."""
    parser = commands.add_parser(
        "check-site",
        help="check every internal link and #anchor of a built site; print page → target lines",
        description="Check that every internal link and #anchor of a built site (every language) resolves, "
        "and that none is root-absolute or protocol-relative. Build the site first: mkdocs build.",
    )
    parser.add_argument(
        "site_dir", nargs="?", type=Path, default=DEFAULT_SITE_DIR, help="built site (default: site)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per broken link and a summary; 1 when a link is broken or there is no site."""
    site_dir: Path = args.site_dir
    if not (site_dir / "index.html").is_file():
        print(f"{site_dir}: no built site here (no index.html); run mkdocs build first", file=sys.stderr)
        return 1
    scan = scan_site(site_dir)
    for link in scan.broken:
        print(link)
    counts = f"{scan.links:,} internal links in {scan.pages} pages of {site_dir}"
    if scan.broken:
        print(
            f"{len(scan.broken)} broken link{'s' if len(scan.broken) != 1 else ''} among {counts}",
            file=sys.stderr,
        )
        return 1
    print(f"ok: {counts} resolve ({scan.external:,} external links not checked here)")
    return 0
