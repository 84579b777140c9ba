"""Computed views of the data: what a guide, a summary box or a home card shows.

Guides, the home page and (later) comparison tables all read these views, so the same question
("can I stop it here?") always gets the same answer everywhere on the site.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from optout_atlas.model import (
    DataUse,
    Default,
    Event,
    Mechanism,
    Plan,
    Platform,
    WatchedDocument,
)
from optout_atlas.regions import OTHER, Regions

# Mechanisms that stop training outright, as opposed to ones that only limit what is used.
STOPPING_KINDS = frozenset({"setting", "objection_form", "email_request"})

# The groups platforms are listed in, in the order pages show them (``kind`` in the data).
PLATFORM_KINDS = ("social", "ai_assistant", "work_creative")

# Statuses under which the platform trains on data by default.
TRAINED_BY_DEFAULT = frozenset({"opt_out", "no_choice"})


# --------------------------------------------------------------------------------------------
# Memory of computed values: every page of every language asks the same questions of the same
# (immutable) platforms and regions, and large sites have many pages per platform and region.
# --------------------------------------------------------------------------------------------


class _PerObject:
    """A dict of computed values for each live object of the model. The model's frozen
    dataclasses hold dicts, so they cannot be hashed: the key is the object's identity, and the
    entry goes when the object is garbage-collected (so an id is never reused for a stale entry,
    and a long ``mkdocs serve`` does not accumulate old data)."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[Any], dict[str, Any]]] = {}

    def of(self, obj: object) -> dict[str, Any]:
        key = id(obj)
        entry = self._entries.get(key)
        if entry is None or entry[0]() is not obj:
            try:
                reference = weakref.ref(obj, partial(self._forget, key))
            except TypeError:  # not weak-referenceable: nothing is remembered
                return {}
            entry = self._entries[key] = (reference, {})
        return entry[1]

    def _forget(self, key: int, reference: weakref.ref[Any]) -> None:
        entry = self._entries.get(key)
        if entry is not None and entry[0] is reference:
            del self._entries[key]


_memory = _PerObject()


def _countries(regions: Regions, code: str) -> frozenset[str]:
    """``regions.countries(code)``, remembered per ``Regions``."""
    known: dict[str, frozenset[str]] = _memory.of(regions).setdefault("countries", {})
    found = known.get(code)
    if found is None:
        found = known[code] = regions.countries(code)
    return found


def available_in(mechanism_regions: tuple[str, ...], region: str, regions: Regions) -> bool:
    """Whether a list of region codes (a mechanism's availability) includes ``region``.

    ``OTHER`` in a mechanism's list means "everywhere else", so it includes every region; a group
    includes a region whose countries all belong to it.
    """
    if OTHER in mechanism_regions or region in mechanism_regions:
        return True
    if region == OTHER:
        return False
    wanted = _countries(regions, region)
    return any(wanted <= _countries(regions, code) for code in mechanism_regions)


# --------------------------------------------------------------------------------------------
# Plans: a fact that names plans holds for those plans only, and never shows in another plan's row
# --------------------------------------------------------------------------------------------


def for_plans(item_plans: tuple[str, ...], wanted: Iterable[str]) -> bool:
    """Whether an entry whose ``plans`` are ``item_plans`` holds for every plan in ``wanted``
    (an entry without plans holds for every plan; a wanted set that is empty, on a platform
    without plans, takes only entries without plans)."""
    if not item_plans:
        return True
    wanted = set(wanted)
    return bool(wanted) and wanted <= set(item_plans)


def for_some_plans(item_plans: tuple[str, ...], wanted: Iterable[str]) -> bool:
    """Whether an entry whose ``plans`` are ``item_plans`` holds for at least one plan in
    ``wanted`` (see :func:`for_plans`)."""
    if not item_plans:
        return True
    return bool(set(item_plans) & set(wanted))


def only_for(item_plans: tuple[str, ...], wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The plans of ``wanted`` that an entry holds for, when it does not hold for all of them
    (the page names them beside it); empty when it holds for every plan of ``wanted``."""
    if for_plans(item_plans, wanted):
        return ()
    return tuple(plan for plan in wanted if plan in item_plans)


def plans_of(platform: Platform, ids: Iterable[str]) -> tuple[Plan, ...]:
    """The plans named by ``ids``, in the platform's order."""
    wanted = set(ids)
    return tuple(plan for plan in platform.plans if plan.id in wanted)


def _plan_order(platform: Platform, plans: tuple[str, ...]) -> int:
    order = [plan.id for plan in platform.plans]
    return min((order.index(p) for p in plans if p in order), default=len(order))


@dataclass(frozen=True)
class RegionRow:
    """One line of a guide's summary box: a default and what can be done about it there."""

    default: Default
    # Every mechanism available in all of the row's regions, on at least one of its plans (see
    # ``only_for``).
    mechanisms: tuple[Mechanism, ...]
    # No other row speaks for the same plans: the row's regions are all the regions there are
    # ("everywhere" rather than "all other regions").
    alone: bool = False

    @property
    def stopping(self) -> tuple[Mechanism, ...]:
        return tuple(m for m in self.mechanisms if m.kind in STOPPING_KINDS)

    @property
    def can_stop(self) -> bool:
        return bool(self.stopping)

    def only_for(self, mechanism: Mechanism) -> tuple[str, ...]:
        """The row's plans that ``mechanism`` serves, when it does not serve all of them."""
        return only_for(mechanism.plans, self.default.plans)

    @property
    def admin_only(self) -> bool:
        """Whether only an admin can stop it (the reader has to ask theirs)."""
        return bool(self.stopping) and all(m.actor == "admin" for m in self.stopping)

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
    known: dict[int, tuple[Regions, tuple[RegionRow, ...]]] = _memory.of(platform).setdefault(
        "region_rows", {}
    )
    found = known.get(id(regions))
    if found is None or found[0] is not regions:
        found = known[id(regions)] = (regions, _region_rows(platform, regions))
    return found[1]


def _region_rows(platform: Platform, regions: Regions) -> tuple[RegionRow, ...]:
    rows = []
    for default in platform.defaults:
        available = tuple(
            m
            for m in platform.mechanisms
            if all(available_in(m.regions, code, regions) for code in default.regions)
            and for_some_plans(m.plans, default.plans)
        )
        alone = not any(
            other is not default and (not default.plans or set(other.plans) & set(default.plans))
            for other in platform.defaults
        )
        rows.append(RegionRow(default, available, alone))
    return tuple(
        sorted(
            rows,
            key=lambda row: (_plan_order(platform, row.default.plans), OTHER in row.default.regions),
        )
    )


def data_by_status(platform: Platform, status: str) -> tuple[DataUse, ...]:
    return tuple(use for use in platform.data if use.status == status)


def cited_sources(platform: Platform) -> list[str]:
    """Source ids in the order the guide first cites them. The guide defines its footnotes in this
    order, so a source's number is its position here plus one, on the guide and on every page
    that links to the guide's footnotes."""
    known = _memory.of(platform)
    if "cited_sources" not in known:
        known["cited_sources"] = tuple(_cited_sources(platform))
    return list(known["cited_sources"])


def _cited_sources(platform: Platform) -> list[str]:
    order: dict[str, None] = {}

    def add(ids: Iterable[str]) -> None:
        for source_id in ids:
            order.setdefault(source_id, None)

    rows = sorted(platform.defaults, key=lambda d: (_plan_order(platform, d.plans), OTHER in d.regions))
    add(platform.summary.sources)
    for default in rows:
        add(default.sources)
    for plan in platform.plans:
        add(plan.sources)
    for status in ("used", "excluded", "disputed"):
        for use in data_by_status(platform, status):
            add(use.sources)
    for retention in platform.retention:
        add(retention.sources)
    for review in platform.human_review:
        add(review.sources)
    for sharing in platform.sharing:
        add(sharing.sources)
    for mechanism in platform.mechanisms:
        for label in mechanism.localized_labels.values():
            add(label.sources)
        for caveat in mechanism.caveats:
            add(caveat.sources)
        add(mechanism.sources)
    for event in reversed(platform.events):
        add(event.sources)
    for myth in platform.myths:
        add(myth.sources)
    for dispute in platform.disputes:
        add(dispute.sources)
    add(platform.sources)
    return list(order)


def source_numbers(platforms: Iterable[Platform]) -> dict[str, dict[str, int]]:
    """Footnote number of each source on each platform's guide."""
    return {p.id: {sid: n for n, sid in enumerate(cited_sources(p), start=1)} for p in platforms}


# --------------------------------------------------------------------------------------------
# Regions: what applies where a reader lives
# --------------------------------------------------------------------------------------------


def resolve_default(
    platform: Platform, region: str, regions: Regions, plan: str | None = None
) -> Default | None:
    """The default that applies in ``region`` (on ``plan``, for a platform with plans): one
    naming it, else the smallest group that contains it, else the platform's ``OTHER`` entry;
    ``None`` when the data says nothing. Without ``plan``, a platform with plans answers for its
    first plan."""
    if plan is None and platform.plans:
        plan = platform.plans[0].id
    known: dict[tuple[str, int, str | None], tuple[Regions, Default | None]] = _memory.of(
        platform
    ).setdefault("resolve_default", {})
    key = (region, id(regions), plan)
    found = known.get(key)
    if found is None or found[0] is not regions:
        found = known[key] = (regions, _resolve_default(platform, region, regions, plan))
    return found[1]


def _resolve_default(platform: Platform, region: str, regions: Regions, plan: str | None) -> Default | None:
    wanted = _countries(regions, region) if region != OTHER else frozenset()
    best: tuple[int, Default] | None = None
    defaults = [d for d in platform.defaults if plan is None or plan in d.plans]
    for default in defaults:
        if region in default.regions:
            return default
        for code in default.regions:
            if code == OTHER or region == OTHER:
                continue
            members = _countries(regions, code)
            if wanted and wanted <= members and (best is None or len(members) < best[0]):
                best = (len(members), default)
    if best:
        return best[1]
    return next((d for d in defaults if OTHER in d.regions), None)


def event_applies(platform: Platform, event: Event, region: str, regions: Regions) -> bool:
    """Whether an event concerns ``region``. ``OTHER`` in an event means the regions that fall
    under the platform's ``OTHER`` default."""
    if any(available_in((code,), region, regions) for code in event.regions if code != OTHER):
        return True
    if OTHER in event.regions:
        plans = event.plans or tuple(plan.id for plan in platform.plans) or (None,)
        return any(
            (default := resolve_default(platform, region, regions, plan)) is not None
            and OTHER in default.regions
            for plan in plans
        )
    return False


def region_codes(platforms: Iterable[Platform], *, defaults_only: bool = False) -> list[str]:
    """Every region the data names (``OTHER`` aside): the regions that get a page. With
    ``defaults_only``, only regions named by a default (those with a status of their own)."""
    codes: set[str] = set()
    for platform in platforms:
        for default in platform.defaults:
            codes.update(default.regions)
        if defaults_only:
            continue
        for mechanism in platform.mechanisms:
            codes.update(mechanism.regions)
        for event in platform.events:
            codes.update(event.regions)
    codes.discard(OTHER)
    return sorted(codes)


@dataclass(frozen=True)
class PlanAnswer:
    """The default in one region for some plans (all of them on a platform without plans), and
    what can be done about it on those plans there."""

    plans: tuple[Plan, ...]  # empty: the platform's facts do not differ by plan
    default: Default | None
    mechanisms: tuple[Mechanism, ...]  # on at least one of its plans (see ``only_for``)

    def only_for(self, mechanism: Mechanism) -> tuple[str, ...]:
        """Its plans that ``mechanism`` serves, when it does not serve all of them."""
        return only_for(mechanism.plans, tuple(plan.id for plan in self.plans))

    @property
    def stopping(self) -> tuple[Mechanism, ...]:
        return tuple(m for m in self.mechanisms if m.kind in STOPPING_KINDS)

    @property
    def others(self) -> tuple[Mechanism, ...]:
        return tuple(m for m in self.mechanisms if m.kind not in STOPPING_KINDS)


@dataclass(frozen=True)
class RegionAnswer:
    """One platform, seen from one region: the default there (per group of plans that share
    it) and what can be done about it."""

    platform: Platform
    parts: tuple[PlanAnswer, ...]  # one per group of plans with the same default; one without plans
    events: tuple[Event, ...]  # events that concern the region, oldest first


def plan_answers(platform: Platform, region: str, regions: Regions) -> tuple[PlanAnswer, ...]:
    """What applies in ``region``, one part per group of plans that share a default there."""
    available = tuple(m for m in platform.mechanisms if available_in(m.regions, region, regions))
    if not platform.plans:
        default = resolve_default(platform, region, regions)
        return (PlanAnswer((), default, tuple(m for m in available if not m.plans)),)
    groups: dict[int, tuple[Default | None, list[Plan]]] = {}
    for plan in platform.plans:
        default = resolve_default(platform, region, regions, plan.id)
        groups.setdefault(id(default), (default, []))[1].append(plan)
    parts = []
    for default, plans in groups.values():
        ids = tuple(plan.id for plan in plans)
        mechanisms = tuple(m for m in available if for_some_plans(m.plans, ids))
        parts.append(PlanAnswer(tuple(plans), default, mechanisms))
    return tuple(parts)


def region_answers(platforms: Iterable[Platform], region: str, regions: Regions) -> tuple[RegionAnswer, ...]:
    return tuple(
        RegionAnswer(
            platform,
            plan_answers(platform, region, regions),
            tuple(e for e in platform.events if event_applies(platform, e, region, regions)),
        )
        for platform in platforms
    )


# --------------------------------------------------------------------------------------------
# Comparison: one row per platform, derived from the same views as the guides
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A platform's answers to the comparison's questions; every cell has a guide section."""

    platform: Platform
    rows: tuple[RegionRow, ...]

    @property
    def stop_kinds(self) -> tuple[str, ...]:
        """How you can stop it somewhere: mechanism kinds that stop training, in data order."""
        kinds: dict[str, None] = {}
        for row in self.rows:
            for mechanism in row.stopping:
                kinds.setdefault(mechanism.kind, None)
        return tuple(kinds)

    @property
    def retroactive(self) -> bool | None:
        """Whether stopping also removes data already used; ``None`` when nothing stops it."""
        stopping = [m for row in self.rows for m in row.stopping]
        return any(m.retroactive for m in stopping) if stopping else None

    def data(self, status: str) -> tuple[DataUse, ...]:
        return data_by_status(self.platform, status)

    @property
    def minors(self) -> DataUse | None:
        return next((use for use in self.platform.data if use.category.id == "minors"), None)

    @property
    def legal_bases(self) -> tuple[Default, ...]:
        return tuple(d for d in self.platform.defaults if d.legal_basis)


def comparison(platforms: Iterable[Platform], regions: Regions) -> tuple[Comparison, ...]:
    return tuple(Comparison(p, region_rows(p, regions)) for p in platforms)


def by_kind(items: Iterable[Any]) -> list[tuple[str, list[Any]]]:
    """``items`` grouped by their platform's kind, groups in the order of :data:`PLATFORM_KINDS`,
    items in their order; empty groups are left out. An item is a platform, a tuple that starts
    with one (a home card) or a view with a ``platform``."""
    groups: dict[str, list[Any]] = {kind: [] for kind in PLATFORM_KINDS}
    for item in items:
        if isinstance(item, Platform):
            platform = item
        elif isinstance(item, tuple):
            platform = item[0]
        else:
            platform = item.platform
        groups[platform.kind].append(item)
    return [(kind, members) for kind, members in groups.items() if members]


def category_table(
    platforms: Iterable[Platform], category_id: str
) -> tuple[tuple[Platform, tuple[DataUse, ...]], ...]:
    # A data use that names plans carries them into its row (the template shows them), so a
    # plan's answer never reads as the platform's.
    """For one category: each platform with what it says about it (possibly nothing)."""
    return tuple((p, tuple(u for u in p.data if u.category.id == category_id)) for p in platforms)


def all_events(platforms: Iterable[Platform]) -> list[tuple[Platform, Event]]:
    """Every event of every platform, newest first."""
    return sorted(
        ((p, e) for p in platforms for e in p.events), key=lambda pe: (pe[1].date, pe[0].name), reverse=True
    )


def event_key(platform: Platform, event: Event) -> str:
    """A permanent id for an event: date and type, numbered only among same-day events of the
    same type (as in the translation contexts), so adding other events never changes it."""
    same = [e for e in platform.events if e.date == event.date and e.type == event.type]
    suffix = f"/{same.index(event) + 1}" if len(same) > 1 else ""
    return f"{platform.id}/{event.date.isoformat()}/{event.type}{suffix}"


@dataclass(frozen=True)
class RowGroup:
    """Rows of a summary that say the same thing, for a compact card: one status, one answer to
    "can I stop it?", and every region it applies to (``OTHER`` last)."""

    status: str
    can_stop: bool
    regions: tuple[str, ...]
    plans: tuple[str, ...] = ()  # the plans of its rows, in the platform's order (none: no plans)
    alone: bool = False  # it has the only row of its plans (see RegionRow.alone)


def group_rows(rows: tuple[RegionRow, ...]) -> tuple[RowGroup, ...]:
    """Rows grouped by what they say; on a platform with plans, only rows of the same plans are
    grouped, so one plan's answer never reads as another's."""
    groups: dict[tuple[str, bool, tuple[str, ...]], list[RegionRow]] = {}
    for row in rows:
        groups.setdefault((row.default.status, row.can_stop, row.default.plans), []).append(row)
    result = []
    for (status, can_stop, plans), members in groups.items():
        codes = dict.fromkeys(code for row in members for code in row.default.regions)
        alone = sum(1 for row in rows if row.default.plans == plans) == 1
        ordered = tuple(sorted(codes, key=lambda code: code == OTHER))
        result.append(RowGroup(status, can_stop, ordered, plans, alone))
    return tuple(result)


@dataclass(frozen=True)
class WatchedRow:
    """A watched document as its guide lists it, with the newest dated archived version that
    a source of the data was checked against (sources naming an archived version, when present)."""

    document: WatchedDocument
    archived_on: dt.date | None


def watched_documents(platform: Platform) -> tuple[WatchedRow, ...]:
    return tuple(WatchedRow(doc, _archived_on(platform, doc)) for doc in platform.watch)


def _archived_on(platform: Platform, document: WatchedDocument) -> dt.date | None:
    """The newest ``archive.recorded`` date among the archived sources that cite this document:
    the same archived document, or the same address."""
    dates = [
        source.archive.recorded
        for source in platform.sources.values()
        if source.archive is not None
        and (
            (
                document.archive is not None
                and (source.archive.collection, source.archive.service, source.archive.document)
                == (document.archive.collection, document.archive.service, document.archive.document)
            )
            or source.url.rstrip("/") == document.url.rstrip("/")
        )
    ]
    return max(dates, default=None)
