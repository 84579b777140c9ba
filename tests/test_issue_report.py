"""The "This step looks different" links: GitHub's issue form, filled in from the page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import parse_qs, urlsplit

from conftest import ROOT

from optout_atlas import REPOSITORY_URL, escape, issue_report, yamlfile
from optout_atlas.model import SURFACES

FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / issue_report.STEPS_FORM
BUILT = dt.date(2026, 12, 3)


def _form() -> dict:
    document, problems = yamlfile.load(FORM)
    assert not problems, problems
    return document.value


def _fields() -> dict[str, dict]:
    return {field["id"]: field for field in _form()["body"] if "id" in field}


def _query(address: str) -> dict[str, str]:
    values = parse_qs(urlsplit(address).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in values.values())
    return {key: v[0] for key, v in values.items()}


def test_the_fields_the_links_fill_in_exist_in_the_form():
    fields = _fields()
    assert fields[issue_report.PLATFORM_FIELD]["type"] == "dropdown"
    assert fields[issue_report.SURFACE_FIELD]["type"] == "dropdown"
    assert fields[issue_report.DATE_FIELD]["type"] == "input"
    assert fields[issue_report.DESCRIPTION_FIELD]["type"] == "textarea"
    assert _form()["title"] == issue_report.TITLE_PREFIX


def test_every_platform_and_surface_is_an_option_of_the_form(dataset):
    """A new platform missing from the dropdown (or renamed in one place only) fails here."""
    fields = _fields()
    platforms = fields[issue_report.PLATFORM_FIELD]["attributes"]["options"]
    missing = [
        issue_report.platform_option(p) for p in dataset.platforms if issue_report.platform_option(p) not in platforms
    ]
    assert missing == [], f"add these options to the platform dropdown of {FORM.name}"
    surfaces = fields[issue_report.SURFACE_FIELD]["attributes"]["options"]
    assert set(issue_report.SURFACE_OPTIONS.values()) <= set(surfaces)
    assert set(SURFACES) - set(issue_report.SURFACE_OPTIONS) == {"app"}  # two options: the reader chooses


def test_the_link_opens_the_form_with_the_platform_mechanism_surface_language_and_date(fixture_dataset):
    beta = fixture_dataset.platform("beta")
    (mechanism,) = beta.mechanisms
    assert mechanism.surfaces == ("web",)
    address = issue_report.steps_report_url(beta, mechanism, language="de", date=BUILT)
    assert address.startswith(f"{REPOSITORY_URL}/issues/new?")
    query = _query(address)
    assert query["template"] == "steps-no-longer-work.yml"
    assert query["title"] == f"[Steps] Beta Forum: {mechanism.title}"
    assert query["platform"] == "Beta Forum (beta)"
    assert query["surface"] == "Web"
    assert query["date-seen"] == "2026-12-03"
    description = query["what-you-saw"]
    assert "page language: de" in description
    assert f"{mechanism.title} ({mechanism.id})" in description
    assert "+" not in address and " " not in address  # spaces are %20, which every reader decodes
    assert escape.url(address) == address  # the template's url filter keeps it as it is


def test_a_mechanism_on_several_surfaces_leaves_the_surface_to_the_reader(fixture_dataset):
    alpha = fixture_dataset.platform("alpha")
    several = alpha.mechanism("ai-training-setting")
    assert "surface" not in _query(issue_report.steps_report_url(alpha, several, language="en", date=BUILT))
    app_only = alpha.mechanism("objection-form")
    assert app_only.surfaces == ("app",)  # iOS and Android: two options of the dropdown
    assert "surface" not in _query(issue_report.steps_report_url(alpha, app_only, language="en", date=BUILT))


def test_text_from_the_data_cannot_add_fields_to_the_address(fixture_dataset):
    beta = fixture_dataset.platform("beta")
    (mechanism,) = beta.mechanisms
    hostile = dataclasses.replace(mechanism, title="x&platform=Other (other)#y\n?z=1")
    query = _query(issue_report.steps_report_url(beta, hostile, language="en", date=BUILT))
    assert query["platform"] == "Beta Forum (beta)"
    assert query["title"] == "[Steps] Beta Forum: x&platform=Other (other)#y\n?z=1"
    assert "z" not in query
