"""The results of earlier runs, so that a rerun within ``cache_hours`` does not ask again.

Only results that a server answered are kept; failures to reach a server are always checked
again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from optout_atlas.tools.linkcheck.results import STATUSES, LinkResult


class Cache:
    """Results of earlier runs in a JSON file, reused while younger than ``max_age`` seconds."""

    VERSION = 1

    def __init__(self, path: Path, *, max_age: float, now: Callable[[], float] = time.time):
        self.path = Path(path)
        self.max_age = max_age
        self.now = now
        self.entries: dict[str, dict] = {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored.get("version") == self.VERSION and isinstance(stored.get("urls"), dict):
                self.entries = stored["urls"]
        except (OSError, ValueError, AttributeError):
            pass  # no cache yet, or one we cannot read: start afresh

    def get(self, url: str) -> LinkResult | None:
        """The stored result for ``url`` if it is fresh enough, marked as cached."""
        entry = self.entries.get(url)
        if not isinstance(entry, dict) or entry.get("status") not in STATUSES:
            return None
        if self.now() - _epoch(entry.get("time", "")) > self.max_age:
            return None
        return LinkResult(
            url,
            entry["status"],
            entry.get("detail") or "",
            entry.get("http_status"),
            entry.get("final_url"),
            _epoch(entry["time"]),
            cached=True,
        )

    def put(self, result: LinkResult) -> None:
        """Remember ``result`` when a server answered it; forget older news of that URL otherwise."""
        if not result.answered:
            self.entries.pop(result.url, None)
            return
        self.entries[result.url] = {
            "time": iso_time(result.checked),
            "status": result.status,
            "http_status": result.http_status,
            "final_url": result.final_url,
            "detail": result.detail,
        }

    def save(self) -> None:
        """Write the fresh entries (stale ones are dropped) atomically."""
        now = self.now()
        fresh = {
            u: e for u, e in sorted(self.entries.items()) if now - _epoch(e.get("time", "")) <= self.max_age
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(
            json.dumps({"version": self.VERSION, "urls": fresh}, indent=1) + "\n", encoding="utf-8"
        )
        os.replace(partial, self.path)


def iso_time(epoch: float) -> str:
    """``epoch`` seconds as an ISO 8601 time in UTC, as the cache and the JSON report write it."""
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def _epoch(iso: str) -> float:
    try:
        return dt.datetime.fromisoformat(iso).timestamp()
    except (TypeError, ValueError):
        return 0.0
