"""Today's date, which tests and reproducible builds can pin.

Set ``OPTOUT_ATLAS_TODAY=YYYY-MM-DD`` to pin it; freshness and "not in the future" checks all
read the date from here.
"""

from __future__ import annotations

import datetime as dt
import os

ENV_VAR = "OPTOUT_ATLAS_TODAY"


def today() -> dt.date:
    """Return the pinned date when ``OPTOUT_ATLAS_TODAY`` is set, else the local date."""
    pinned = os.environ.get(ENV_VAR, "").strip()
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError as error:
            raise SystemExit(f"{ENV_VAR}={pinned!r}: not a date (expected YYYY-MM-DD)") from error
    return dt.date.today()
