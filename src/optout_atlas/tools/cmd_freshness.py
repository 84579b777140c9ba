"""``optout-atlas freshness``: what has not been checked for too long, and since when.

Prints one line per stale platform, mechanism or source (``--json`` for machines) and exits 0,
or 1 with ``--strict`` when anything is stale, which is what the scheduled check runs.
"""

from __future__ import annotations

import argparse
import json

from optout_atlas import clock, freshness
from optout_atlas.dataset import load_dataset
from optout_atlas.tools.options import add_data_option


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("freshness", help="list stale data; --strict exits 1 when anything is stale")
    add_data_option(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when anything is stale")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    today = clock.today()
    dataset = load_dataset(args.data, today=today)
    stale = freshness.stale_entries(dataset.platforms, today)
    if args.json:
        print(json.dumps({"today": today.isoformat(), "stale": [s.as_json() for s in stale]}, indent=2))
    else:
        for entry in stale:
            print(f"{entry.path}: {entry.describe(today)}")
        kinds = {
            kind: sum(1 for s in stale if s.kind == kind) for kind in ("platform", "mechanism", "source")
        }
        summary = ", ".join(f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in kinds.items())
        print(
            f"stale on {today.isoformat()}: {summary}" if stale else f"nothing stale on {today.isoformat()}"
        )
    return 1 if (args.strict and stale) else 0
