"""The "This step looks different" link of each way to opt out: the repository's issue form
``.github/ISSUE_TEMPLATE/steps-no-longer-work.yml``, filled in through GitHub's issue-form query
parameters (``?template=…&title=…&<field id>=…``) with what the page already knows.

A dropdown takes the text of one of its options; a text field takes any text. The field ids and
option labels used here must exist in the form: ``tests/test_issue_report.py`` reads the form
and checks them, so that renaming a field or an option there fails a test rather than leaving
the links half filled.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from optout_atlas import REPOSITORY_URL
from optout_atlas.model import Mechanism, Platform

# The form's file name under .github/ISSUE_TEMPLATE/, as GitHub's ``template`` parameter takes it.
STEPS_FORM = "steps-no-longer-work.yml"
# The form's default title, which the prefilled title keeps as its start.
TITLE_PREFIX = "[Steps] "

# The ids of the form's fields that the link fills in.
PLATFORM_FIELD = "platform"
SURFACE_FIELD = "surface"
DATE_FIELD = "date-seen"
DESCRIPTION_FIELD = "what-you-saw"

# The surface dropdown's option for each surface of the data that has exactly one ("app", the
# iOS and Android app, is two options: the reader chooses).
SURFACE_OPTIONS = {
    "web": "Web",
    "ios": "iOS app",
    "android": "Android app",
    "desktop": "Desktop app or code editor",
}


def platform_option(platform: Platform) -> str:
    """The platform's option in the form's platform dropdown: its name and, in brackets, its id."""
    return f"{platform.name} ({platform.id})"


def steps_report_url(
    platform: Platform,
    mechanism: Mechanism,
    *,
    language: str,
    date: dt.date,
    repository: str = REPOSITORY_URL,
) -> str:
    """The address of a new "Steps no longer work" issue about ``mechanism``, with the platform,
    the mechanism (its title as the page shows it, in ``language``, and its id), its surface when
    it has only one, the page's language and ``date`` (the day the page was built: the closest
    the page knows to the day the reader tried the steps) filled in. The reader sees the form
    with these answers and completes or corrects them before sending anything."""
    surfaces = mechanism.surfaces
    fields = {
        "template": STEPS_FORM,
        "title": f"{TITLE_PREFIX}{platform.name}: {mechanism.title}",
        PLATFORM_FIELD: platform_option(platform),
    }
    if len(surfaces) == 1 and surfaces[0] in SURFACE_OPTIONS:
        fields[SURFACE_FIELD] = SURFACE_OPTIONS[surfaces[0]]
    fields[DATE_FIELD] = date.isoformat()
    lines = [
        f"Guide: {platform.id}, page language: {language}",
        f"Way to opt out: {mechanism.title} ({mechanism.id})",
    ]
    if len(surfaces) == 1:
        lines.append(f"Steps for: {surfaces[0]}")
    lines += ["", "Step that no longer matches, and what you saw instead:", ""]
    fields[DESCRIPTION_FIELD] = "\n".join(lines)
    # quote, not quote_plus: a space is %20 in every part of the address.
    return f"{repository.rstrip('/')}/issues/new?{urlencode(fields, quote_via=quote)}"
