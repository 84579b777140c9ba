"""Options that several sub-commands share, spelt once."""

from __future__ import annotations

import argparse
from pathlib import Path

from optout_atlas import DEFAULT_DATA_DIR


def add_data_option(parser: argparse.ArgumentParser, *, metavar: str | None = None) -> None:
    """``--data DIR``: the data directory, by default ``DEFAULT_DATA_DIR``."""
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help=f"data directory (default: {DEFAULT_DATA_DIR})",
        metavar=metavar,
    )
