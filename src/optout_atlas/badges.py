"""Status badges (SVG) for other sites to show: a platform's status in words, readable without
colour, across its regions or in one of them.

:func:`badge` chooses the words; ``overrides/atlas/badge.svg.j2`` lays them out."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from optout_atlas import views
from optout_atlas.model import Platform

if TYPE_CHECKING:
    from optout_atlas.render import Renderer

TEMPLATE = "badge.svg.j2"
# Space around the text of each half of a badge, in pixels.
PADDING = 12


@dataclass(frozen=True)
class BadgeState:
    """What a badge says: the default status ("varies" when regions differ), and whether it can
    be stopped ("yes", "some" regions, "no")."""

    status: str
    stop: str


def state(platform: Platform, renderer: Renderer, region: str | None = None) -> BadgeState:
    regions = renderer.dataset.regions
    if region:
        parts = views.plan_answers(platform, region, regions)
        statuses = {part.default.status if part.default else "unclear" for part in parts}
        stoppable = [bool(part.stopping) for part in parts]
        stop = "yes" if all(stoppable) else ("some" if any(stoppable) else "no")
        return BadgeState(statuses.pop() if len(statuses) == 1 else "varies_by_plan", stop)
    rows = views.region_rows(platform, regions)
    statuses = {row.default.status for row in rows}
    stoppable = [row.can_stop for row in rows]
    varies = "varies_by_plan" if platform.plans else "varies"
    return BadgeState(
        statuses.pop() if len(statuses) == 1 else varies,
        "yes" if all(stoppable) else ("some" if any(stoppable) else "no"),
    )


def badge(renderer: Renderer, platform: Platform, region: str | None = None) -> str:
    """The SVG badge of ``platform``: for one region, or across regions ("varies by region")."""
    gettext = renderer.gettext
    found = state(platform, renderer, region)
    status_words = {
        "opt_out": gettext("on by default"),
        "opt_in": gettext("only if you agree"),
        "no_choice": gettext("on, no opt-out"),
        "not_trained": gettext("not used"),
        "paused": gettext("paused"),
        "unclear": gettext("unclear"),
        "varies": gettext("varies by region"),
        "varies_by_plan": gettext("varies by plan"),
    }
    stop_words = {
        "yes": gettext("opt-out available"),
        "some": gettext("opt-out on some plans") if platform.plans else gettext("opt-out in some regions"),
        "no": gettext("no opt-out"),
    }
    if found.status not in status_words:
        raise ValueError(f"unknown status {found.status}")
    verified = gettext("verified %(date)s") % {"date": platform.last_verified.isoformat()}
    label = gettext("AI training") + " · " + platform.name
    message = " · ".join([status_words[found.status], stop_words[found.stop], verified])
    label_width, message_width = text_width(label) + PADDING, text_width(message) + PADDING
    return renderer.templates.render(
        TEMPLATE, label=label, message=message, label_width=label_width, width=label_width + message_width
    )


def text_width(text: str) -> int:
    """Rough width in pixels of text at 11px (wide East Asian characters count double)."""
    return round(sum(11 if unicodedata.east_asian_width(c) in "WF" else 6.6 for c in text))
