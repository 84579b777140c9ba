"""How fresh the data is: what has not been checked for too long, and time-bound statements.

Rules (all relative to a ``today`` the caller passes, so a pinned clock decides):

- a platform is stale when its ``last_verified`` is older than its review interval (default 90
  days, ``review_interval_days`` in the file);
- a mechanism is stale the same way, and also when no check or dated source has ever confirmed
  it (no ``last_verified``);
- a source is stale when the project last read it (``accessed``) longer ago than the interval.

Honesty: nothing here ever changes a date. A stale banner on old data is the truthful outcome.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from optout_atlas.model import Mechanism, Platform


@dataclass(frozen=True, order=True)
class Stale:
    """One entry that needs a fresh check."""

    platform: str
    kind: str  # platform | mechanism | source
    item: str  # the mechanism or source id, or the platform id
    last_checked: dt.date | None  # None: never confirmed by a check or dated source
    stale_since: dt.date | None
    path: str = ""

    def describe(self, today: dt.date) -> str:
        what = f"{self.platform} {self.kind} {self.item}" if self.kind != "platform" else f"{self.platform}"
        if self.last_checked is None:
            return f"{what}: never confirmed by a check or dated source"
        overdue = (today - self.stale_since).days if self.stale_since else 0
        return (
            f"{what}: last checked {self.last_checked.isoformat()}, "
            f"stale since {self.stale_since} ({overdue} days)"
        )

    def as_json(self) -> dict:
        return {
            "platform": self.platform,
            "kind": self.kind,
            "item": self.item,
            "last_checked": self.last_checked.isoformat() if self.last_checked else None,
            "stale_since": self.stale_since.isoformat() if self.stale_since else None,
            "file": self.path,
        }


def interval(platform: Platform) -> dt.timedelta:
    return dt.timedelta(days=platform.review_interval_days)


def is_stale(checked: dt.date | None, platform: Platform, today: dt.date) -> bool:
    return checked is None or today > checked + interval(platform)


def platform_is_stale(platform: Platform, today: dt.date) -> bool:
    return is_stale(platform.last_verified, platform, today)


def mechanism_is_stale(mechanism: Mechanism, platform: Platform, today: dt.date) -> bool:
    return is_stale(mechanism.last_verified, platform, today)


def stale_entries(platforms, today: dt.date) -> list[Stale]:
    """Everything that needs a fresh check today, platform by platform."""
    found: list[Stale] = []
    for platform in platforms:
        if platform_is_stale(platform, today):
            found.append(_entry(platform, "platform", platform.id, platform.last_verified))
        for mechanism in platform.mechanisms:
            if mechanism_is_stale(mechanism, platform, today):
                found.append(_entry(platform, "mechanism", mechanism.id, mechanism.last_verified))
        for source in platform.sources.values():
            if is_stale(source.accessed, platform, today):
                found.append(_entry(platform, "source", source.id, source.accessed))
    return found


def _entry(platform: Platform, kind: str, item: str, checked: dt.date | None) -> Stale:
    since = checked + interval(platform) if checked else None
    return Stale(platform.id, kind, item, checked, since, platform.path.as_posix())


# --------------------------------------------------------------------------------------------
# Time-bound statements: what a deadline means before and after it passes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingStart:
    """When training on a region's data starts (or started): the deadline for keeping existing
    data out of it. Before it, opting out keeps past posts out; after it, only future use stops."""

    date: dt.date
    upcoming: bool


def training_start(platform: Platform, region_codes: tuple[str, ...], today: dt.date) -> TrainingStart | None:
    """The latest ``training_started`` event that names all of ``region_codes``, seen from
    ``today``; ``None`` when the data has no such event (or only a month for it)."""
    wanted = set(region_codes)
    starts = [
        event.date.first_day
        for event in platform.events
        if event.type == "training_started" and not event.date.is_month and wanted <= set(event.regions)
    ]
    if not starts:
        return None
    date = max(starts)
    return TrainingStart(date, upcoming=date > today)
