"""Computed views of the data: what a guide, a summary box or a home card shows.

Guides, the home page and (later) comparison tables all read these views, so the same question
("can I stop it here?") always gets the same answer everywhere on the site.
"""

from __future__ import annotations

from dataclasses import dataclass

from optout_atlas.model import Default, Mechanism, Platform
from optout_atlas.regions import OTHER, Regions

# Mechanisms that stop training outright, as opposed to ones that only limit what is used.
STOPPING_KINDS = frozenset({"setting", "objection_form"})

# Statuses under which the platform trains on data by default.
TRAINED_BY_DEFAULT = frozenset({"opt_out", "no_choice"})


def available_in(mechanism_regions: tuple[str, ...], region: str, regions: Regions) -> bool:
    """Whether a list of region codes (a mechanism's availability) includes ``region``.

    ``OTHER`` in a mechanism's list means "everywhere else", so it includes every region; a group
    includes a region whose countries all belong to it.
    """
    if OTHER in mechanism_regions or region in mechanism_regions:
        return True
    if region == OTHER:
        return False
    wanted = regions.countries(region)
    return any(wanted <= regions.countries(code) for code in mechanism_regions)


@dataclass(frozen=True)
class RegionRow:
    """One line of a guide's summary box: a default and what can be done about it there."""

    default: Default
    mechanisms: tuple[Mechanism, ...]  # every mechanism available in all of the row's regions

    @property
    def stopping(self) -> tuple[Mechanism, ...]:
        return tuple(m for m in self.mechanisms if m.kind in STOPPING_KINDS)

    @property
    def can_stop(self) -> bool:
        return bool(self.stopping)

    @property
    def trained_by_default(self) -> bool:
        return self.default.status in TRAINED_BY_DEFAULT

    @property
    def retroactive(self) -> bool:
        return any(m.retroactive for m in self.stopping)

    @property
    def minutes(self) -> int | None:
        times = [m.minutes for m in self.stopping if m.minutes]
        return min(times) if times else None


def region_rows(platform: Platform, regions: Regions) -> tuple[RegionRow, ...]:
    """The summary box of a platform: one row per default, ``OTHER`` last."""
    rows = []
    for default in platform.defaults:
        available = tuple(
            m
            for m in platform.mechanisms
            if all(available_in(m.regions, code, regions) for code in default.regions)
        )
        rows.append(RegionRow(default, available))
    return tuple(sorted(rows, key=lambda row: OTHER in row.default.regions))


def data_by_status(platform: Platform, status: str):
    return tuple(use for use in platform.data if use.status == status)


def cited_sources(platform: Platform) -> list[str]:
    """Source ids in the order the guide first cites them, which is the footnote order."""
    order: dict[str, None] = {}

    def add(ids):
        for source_id in ids:
            order.setdefault(source_id, None)

    add(platform.summary.sources)
    for default in platform.defaults:
        add(default.sources)
    for use in platform.data:
        add(use.sources)
    for mechanism in platform.mechanisms:
        add(mechanism.sources)
        for caveat in mechanism.caveats:
            add(caveat.sources)
        for label in mechanism.localized_labels.values():
            add(label.sources)
    for sharing in platform.sharing:
        add(sharing.sources)
    for event in platform.events:
        add(event.sources)
    for dispute in platform.disputes:
        add(dispute.sources)
    add(platform.sources)
    return list(order)
