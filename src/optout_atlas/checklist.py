"""The reader's checklist: a country and the services a reader uses in, only their steps out.

A reader picks their country and the services (or, where a platform's controls differ by product,
the products) they use; the checklist page lists the controls that apply to them, those that stop
training first. The page is static and the same for every reader: it carries every platform's
controls once, each marked with the region pages where it is available, and a small script picks
what applies. Nothing here knows a platform by name: everything follows from the data.

Regions: every country resolves to one region page (:func:`region_pages`): its own when the data
names it, else the smallest group with a page (the European Union for Portugal) or the page for
everywhere else, but only when that page's answers are exactly the country's. A country whose
answers match no page gets a page of its own, so no reader is ever sent to answers that are not
theirs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from optout_atlas import views
from optout_atlas.model import Mechanism, Platform
from optout_atlas.regions import OTHER, Regions, country_codes

# The kinds of control, from easiest to hardest, for the grade a guide shows beside its answer.
GRADES = ("setting", "objection_form", "email_request")


@dataclass(frozen=True)
class RegionPages:
    """The regions with a page, and the page that answers for each country."""

    codes: tuple[str, ...]  # named regions first, in the data's order of codes; OTHER last
    countries: dict[str, str]  # every country CLDR knows -> the code of its page

    def members(self, code: str) -> tuple[str, ...]:
        """The countries a page answers for (besides the region it is named after)."""
        return tuple(country for country, page in self.countries.items() if page == code and country != code)


def _answers(platforms: Sequence[Platform], code: str, regions: Regions) -> tuple[object, ...]:
    """What the data says for ``code``, as a value two regions share when their pages would say
    the same: each platform's defaults per group of plans, its controls there, and its events."""
    return tuple(
        (
            tuple(
                (
                    tuple(plan.id for plan in part.plans),
                    id(part.default),
                    tuple(m.id for m in part.mechanisms),
                )
                for part in answer.parts
            ),
            tuple(id(event) for event in answer.events),
        )
        for answer in views.region_answers(platforms, code, regions)
    )


def region_pages(platforms: Sequence[Platform], regions: Regions) -> RegionPages:
    """Which regions get a page, and which page answers for each country (module docstring)."""
    named = views.region_codes(platforms)
    codes = list(named)
    known: dict[str, tuple[object, ...]] = {}

    def answers(code: str) -> tuple[object, ...]:
        if code not in known:
            known[code] = _answers(platforms, code, regions)
        return known[code]

    # The groups with a page, smallest first: a country takes the first whose answers are its own.
    groups = sorted(
        (code for code in named if code in regions.groups), key=lambda code: len(regions.countries(code))
    )
    countries: dict[str, str] = {}
    for country in sorted(country_codes()):
        if country in named:
            countries[country] = country
            continue
        candidates = [code for code in groups if country in regions.countries(code)]
        if not candidates:  # named nowhere, in no group the data names: OTHER answers for it
            countries[country] = OTHER
            continue
        candidates.append(OTHER)
        mine = answers(country)
        page = next((code for code in candidates if answers(code) == mine), None)
        if page is None:  # nothing says the same: the country needs a page of its own
            page = country
            codes.append(country)
        countries[country] = page
    codes.append(OTHER)
    return RegionPages(tuple(codes), countries)


# --------------------------------------------------------------------------------------------
# What the checklist page carries
# --------------------------------------------------------------------------------------------


def slug(name: str) -> str:
    """A product's name as part of an address ("WordPress.com" -> "wordpress-com")."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class Choice:
    """One box a reader can tick: a platform, or one of its products."""

    platform: Platform
    product: str | None = None  # None: the whole platform

    @property
    def key(self) -> str:
        """Its name in the checklist's address (``meta/instagram``, ``linkedin``)."""
        return self.platform.id if self.product is None else f"{self.platform.id}/{slug(self.product)}"


def choices(platform: Platform) -> tuple[Choice, ...]:
    """The boxes of a platform: one per product when some of its controls belong to some
    products only (Instagram's form is not Facebook's), else one for the platform."""
    if any(mechanism.products for mechanism in platform.mechanisms):
        return tuple(Choice(platform, product) for product in platform.products)
    return (Choice(platform),)


@dataclass(frozen=True)
class Outcome:
    """What a platform does in some region pages (those whose answers are the same)."""

    pages: tuple[str, ...]
    parts: tuple[views.PlanAnswer, ...]

    @property
    def trained(self) -> bool:
        """Whether it trains on the reader's data unless they act, on at least one plan."""
        return any(
            part.default is not None and part.default.status in views.TRAINED_BY_DEFAULT
            for part in self.parts
        )


@dataclass(frozen=True)
class Step:
    """One control, with the region pages where it is available."""

    mechanism: Mechanism
    pages: tuple[str, ...]

    @property
    def stops(self) -> bool:
        return self.mechanism.kind in views.STOPPING_KINDS

    @property
    def product_keys(self) -> tuple[str, ...]:
        return tuple(slug(product) for product in self.mechanism.products)


@dataclass(frozen=True)
class Entry:
    """A platform as the checklist page carries it."""

    platform: Platform
    choices: tuple[Choice, ...]
    outcomes: tuple[Outcome, ...]
    steps: tuple[Step, ...]  # those that stop training first, each in the data's order


def entries(platforms: Iterable[Platform], pages: RegionPages, regions: Regions) -> tuple[Entry, ...]:
    """Every platform as the checklist page carries it."""
    result = []
    for platform in platforms:
        outcomes: dict[tuple[object, ...], list[str]] = {}
        parts_of: dict[tuple[object, ...], tuple[views.PlanAnswer, ...]] = {}
        for code in pages.codes:
            parts = views.plan_answers(platform, code, regions)
            key = tuple(
                (
                    tuple(plan.id for plan in part.plans),
                    id(part.default),
                    tuple(m.id for m in part.mechanisms),
                )
                for part in parts
            )
            outcomes.setdefault(key, []).append(code)
            parts_of.setdefault(key, parts)
        steps = [
            Step(
                mechanism,
                tuple(code for code in pages.codes if views.available_in(mechanism.regions, code, regions)),
            )
            for mechanism in platform.mechanisms
        ]
        steps.sort(key=lambda step: not step.stops)
        result.append(
            Entry(
                platform,
                choices(platform),
                tuple(Outcome(tuple(codes), parts_of[key]) for key, codes in outcomes.items()),
                tuple(step for step in steps if step.pages),
            )
        )
    return tuple(result)


def grade(mechanisms: Iterable[Mechanism]) -> str | None:
    """How hard stopping it is, by the easiest control that stops it: ``setting``,
    ``objection_form`` or ``email_request``; ``admin`` when only an admin can; None when nothing
    stops it."""
    stopping = [m for m in mechanisms if m.kind in views.STOPPING_KINDS]
    own = [m for m in stopping if m.actor != "admin"]
    if not own:
        return "admin" if stopping else None
    return min((m.kind for m in own), key=GRADES.index)


# --------------------------------------------------------------------------------------------
# The reader's region on the other pages
# --------------------------------------------------------------------------------------------


def row_pages(
    platform: Platform, rows: Sequence[views.RegionRow], pages: RegionPages, regions: Regions
) -> tuple[tuple[str, ...], ...]:
    """For each row of a guide's summary, the region pages whose readers it answers (a guide
    marks the reader's row once they have told the site their country)."""
    return tuple(
        tuple(
            code
            for code in pages.codes
            if any(
                views.resolve_default(platform, code, regions, plan) is row.default
                for plan in row.default.plans or (None,)
            )
        )
        for row in rows
    )


def stop_targets(
    platform: Platform, pages: RegionPages, regions: Regions
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Where "Stop it now" leads a reader of each region page: the first control that stops
    training there, as (mechanism id, its pages). Pages where nothing stops it are in none."""
    taken: set[str] = set()
    targets = []
    for mechanism in platform.mechanisms:
        if mechanism.kind not in views.STOPPING_KINDS:
            continue
        codes = tuple(
            code
            for code in pages.codes
            if code not in taken and views.available_in(mechanism.regions, code, regions)
        )
        if codes:
            targets.append((mechanism.id, codes))
            taken.update(codes)
    return tuple(targets)


def answer_buttons(row: views.RegionRow) -> tuple[Mechanism, ...]:
    """The controls a guide's answer offers for a row: the first that stops training, or, when
    controls belong to some products only (Instagram's form, Facebook's), each of those."""
    stopping = row.stopping
    own = tuple(m for m in stopping if m.products)
    return own or stopping[:1]


@dataclass(frozen=True)
class Answer:
    """Rows of a guide's summary that give the same answer: one line at the top of the guide."""

    rows: tuple[int, ...]  # their places in the summary
    regions: tuple[str, ...]  # OTHER last
    plans: tuple[str, ...]
    status: str
    grade: str | None
    buttons: tuple[Mechanism, ...]  # see answer_buttons
    instead: tuple[Mechanism, ...]  # when nothing stops it: what can be done instead
    pages: tuple[str, ...]  # the region pages whose readers it answers
    alone: bool  # the only answer for its plans: its regions are everywhere


def answers(
    platform: Platform, rows: Sequence[views.RegionRow], pages: RegionPages, regions: Regions
) -> tuple[Answer, ...]:
    """The answers at the top of a guide: its summary's rows, those that say the same merged."""
    page_lists = row_pages(platform, rows, pages, regions)
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, row in enumerate(rows):
        instead = () if row.can_stop else tuple(m.id for m in row.mechanisms)
        key = (
            row.default.plans,
            row.default.status,
            grade(row.mechanisms),
            tuple(m.id for m in answer_buttons(row)),
            instead,
        )
        groups.setdefault(key, []).append(index)
    result = []
    for indices in groups.values():
        first = rows[indices[0]]
        codes = dict.fromkeys(code for i in indices for code in rows[i].default.regions)
        result.append(
            Answer(
                rows=tuple(indices),
                regions=tuple(sorted(codes, key=lambda code: code == OTHER)),
                plans=first.default.plans,
                status=first.default.status,
                grade=grade(first.mechanisms),
                buttons=answer_buttons(first),
                instead=() if first.can_stop else first.mechanisms,
                pages=tuple(dict.fromkeys(code for i in indices for code in page_lists[i])),
                alone=sum(1 for row in rows if row.default.plans == first.default.plans) == len(indices),
            )
        )
    return tuple(result)
