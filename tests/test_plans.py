"""Services whose facts differ by plan: a fact that names plans shows for those plans only.

The fixture platform ``gamma`` is an AI assistant with personal, work, school, developer and
signed-out plans. Its EU default and several mechanisms hold for some plans only, so each test
below fails if a plan's fact leaks into another plan's row, answer, card or table. The reader
tests at the end use the project's real data and site.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, TODAY
from test_site_pages import page, words

from optout_atlas import badges, export, views
from optout_atlas.render import Templates


@pytest.fixture
def gamma(fixture_dataset):
    return fixture_dataset.platform("gamma")


def _mechanism_ids(items) -> set[str]:
    return {m.id for m in items}


def test_each_row_lists_only_the_mechanisms_of_its_plans(gamma, fixture_dataset):
    rows = views.region_rows(gamma, fixture_dataset.regions)
    by_plans = {row.default.plans: row for row in rows}
    personal = by_plans[("free", "plus", "guest")]
    work = by_plans[("team", "school", "api")]
    # The personal switch and the workspace admin's switch never share a row.
    assert "improve-gamma" in _mechanism_ids(personal.stopping)
    assert "workspace-training" not in _mechanism_ids(personal.mechanisms)
    assert "improve-gamma" not in _mechanism_ids(work.mechanisms)
    assert _mechanism_ids(work.stopping) == {"workspace-training", "email-opt-out"}
    assert work.admin_only and not personal.admin_only
    # A mechanism that serves some of a row's plans says which.
    parental = gamma.mechanism("parental-controls")
    assert personal.only_for(parental) == ("free", "plus")
    assert personal.only_for(gamma.mechanism("improve-gamma")) == ()
    assert work.only_for(gamma.mechanism("workspace-training")) == ("team", "school")
    assert work.only_for(gamma.mechanism("email-opt-out")) == ("team",)


def test_every_fact_in_a_row_holds_for_at_least_one_of_its_plans(fixture_dataset, dataset):
    """The rule behind every table, on the fixtures and on the real data: no row shows a
    mechanism that serves none of the row's plans, and a partial one is labelled."""
    for data in (fixture_dataset, dataset):
        for platform in data.platforms:
            for row in views.region_rows(platform, data.regions):
                for mechanism in row.mechanisms:
                    assert views.for_some_plans(mechanism.plans, row.default.plans), (
                        platform.id,
                        mechanism.id,
                    )
                    partial = row.only_for(mechanism)
                    assert not partial or set(partial) < set(row.default.plans)


def test_a_region_answers_per_plan_with_that_plans_default(gamma, fixture_dataset):
    regions = fixture_dataset.regions
    parts = {tuple(p.id for p in part.plans): part for part in views.plan_answers(gamma, "DE", regions)}
    # In Germany (EU), Free and Plus are asked first; signed-out use falls back to OTHER.
    assert parts[("free", "plus")].default.status == "opt_in"
    assert parts[("guest",)].default.status == "opt_out"
    assert parts[("team", "school", "api")].default.status == "not_trained"
    assert "workspace-training" not in _mechanism_ids(parts[("free", "plus")].mechanisms)
    assert "improve-gamma" not in _mechanism_ids(parts[("team", "school", "api")].mechanisms)
    # Outside the EU, the personal plans and signed-out use share one default.
    elsewhere = views.plan_answers(gamma, "US", regions)
    assert [tuple(p.id for p in part.plans) for part in elsewhere] == [
        ("free", "plus", "guest"),
        ("team", "school", "api"),
    ]
    for plan in ("free", "plus"):
        assert views.resolve_default(gamma, "FR", regions, plan).status == "opt_in"
    assert views.resolve_default(gamma, "FR", regions, "api").status == "not_trained"


def test_cards_never_merge_rows_of_different_plans(gamma, fixture_dataset):
    groups = views.group_rows(views.region_rows(gamma, fixture_dataset.regions))
    assert {(g.plans, g.status) for g in groups} == {
        (("free", "plus", "guest"), "opt_out"),
        (("free", "plus"), "opt_in"),
        (("team", "school", "api"), "not_trained"),
    }


def test_a_regions_badge_says_it_varies_by_plan(gamma, fixture_dataset):
    renderer = Templates(ROOT / "overrides", today=TODAY).renderer(fixture_dataset)
    assert badges.state(gamma, renderer, "DE").status == "varies_by_plan"
    assert "varies by plan" in badges.badge(renderer, gamma)


def test_version_1_of_the_export_leaves_out_what_it_cannot_describe(fixture_dataset):
    """Version 1 has no plans: a platform whose facts differ by plan is in version 2 only, and
    version 1 keeps its frozen shape."""
    v1 = export.export_document(fixture_dataset, generated=TODAY, version=1)
    v2 = export.export_document(fixture_dataset, generated=TODAY, version=2)
    v3 = export.export_document(fixture_dataset, generated=TODAY, version=3)
    assert [p["id"] for p in v1["platforms"]] == ["alpha", "beta"]
    # Gamma licenses chats and has a permission, a signal and an email request (version 3), and
    # delta is a short entry without mechanisms.
    assert [p["id"] for p in v2["platforms"]] == ["alpha", "beta"]
    assert [p["id"] for p in v3["platforms"]] == ["alpha", "beta", "delta", "gamma"]
    gamma = v3["platforms"][3]
    assert [plan["id"] for plan in gamma["plans"]] == ["free", "plus", "team", "school", "api", "guest"]
    assert gamma["mechanisms"][1]["actor"] == "admin"
    assert gamma["retention"][0] == {
        "when": "training_allowed",
        "period": "5 years",
        "plans": ["free", "plus"],
        "regions": ["OTHER"],
        "mechanism": "improve-gamma",
        "text": "Chats are kept while they may be used for training.",
        "certainty": "single_source",
        "sources": ["gamma-blog"],
    }


# --- On the fixture site ------------------------------------------------------------------


def _anchors(node) -> set[str]:
    """The sections of the same page a node links to (footnotes and the count of further
    sources aside)."""
    return {
        a["href"]
        for a in node.select("a[href^='#']")
        if not a["href"].startswith("#fn:") and not a.find_parent(class_="atlas-cites-count")
    }


@pytest.mark.build
def test_the_guide_table_names_each_rows_plans_and_keeps_their_steps_apart(fixture_site):
    guide = page(fixture_site, "en", "guides/gamma/index.html")
    table = guide.select_one("article table")
    assert words(table.select_one("thead th")) == "Your plan"
    rows = {words(tr.select_one("td")): tr for tr in table.select("tbody tr")}
    assert set(rows) == {"Free, Plus, and Guest use", "Free and Plus", "Team, Campus, and API"}
    personal = _anchors(rows["Free, Plus, and Guest use"])
    work = _anchors(rows["Team, Campus, and API"])
    assert "#improve-gamma" in personal and "#workspace-training" not in personal
    assert work == {"#workspace-training", "#email-opt-out"}
    assert "your admin does this" in words(rows["Team, Campus, and API"])
    assert "One source only" in words(rows["Free and Plus"])


@pytest.mark.build
def test_the_guide_shows_plans_retention_review_and_who_can_act(fixture_site):
    guide = page(fixture_site, "en", "guides/gamma/index.html")
    text = words(guide.select_one("article"))
    assert "Campus · School and university accounts" in text
    assert "Guest use · Without an account" in text
    retention = words(guide.select_one("#retention").find_next("ul"))
    assert "While training is allowed (Free and Plus; All other regions): 5 years" in retention
    assert "With training turned off : 30 days" in retention
    assert "Temporary or incognito chats : The sources give no period." in retention
    review = words(guide.select_one("#human-review").find_next("ul"))
    assert review.startswith("Free and Plus : Reviewers may read chats") and "Undated sources only" in review
    # Each mechanism says who can use it and how long what it governs is kept.
    admin = guide.select_one("#workspace-training").find_parent("div")
    assert "Only an admin can do this" in words(admin)
    assert "Ask your workspace admin to leave Share with Gamma off." in words(admin)
    setting = words(guide.select_one("#improve-gamma").find_parent("div"))
    assert "How long it is kept" in setting and "5 years" in setting and "30 days" in setting
    assert "Desktop app" in setting
    temporary = words(guide.select_one("#temporary-chat").find_parent("div"))
    assert "One conversation at a time (not an account-wide opt-out)" in temporary
    assert "Only future training" not in temporary
    parent = words(guide.select_one("#parental-controls").find_parent("div"))
    assert "A parent or guardian does this for a child's account." in parent
    timeline = words(guide.select_one("#timeline").find_next("ul"))
    assert "(Free and Plus)" in timeline


@pytest.mark.build
def test_german_pages_translate_plan_names_periods_and_kinds(fixture_site):
    guide = words(page(fixture_site, "de", "guides/gamma/index.html").select_one("article"))
    assert "5 Jahre" in guide and "30 Tage" in guide


@pytest.mark.build
def test_the_region_page_answers_per_plan(fixture_site):
    eu = page(fixture_site, "en", "regions/eu/index.html")
    section = eu.select_one("h3#gamma")
    headings = []
    for node in section.find_all_next(["h2", "h3", "h4"]):
        if node.name in ("h2", "h3"):
            break
        headings.append(node)
    # In the platform's order of plans; plans that share the default there share a heading.
    assert [words(h) for h in headings] == ["Free and Plus", "Team, Campus, and API", "Guest use"]
    free = headings[0].find_next("p")
    assert "Used only if you agree" in words(free)
    assert "Used unless you opt out" in words(headings[2].find_next("p"))
    work_links = {a["href"] for a in headings[1].find_next("ul").select("a")}
    assert work_links == {"../../guides/gamma/#workspace-training", "../../guides/gamma/#email-opt-out"}
    # A mechanism that serves only some of a heading's plans names them.
    britain = page(fixture_site, "en", "regions/gb/index.html")
    personal = britain.select_one("h4#gamma-free")
    assert words(personal) == "Free, Plus, and Guest use"
    assert "Limit a teen's account (Free and Plus only)" in words(personal.find_next("ul").find_next("ul"))


@pytest.mark.build
def test_the_comparison_names_plans_in_its_cells(fixture_site):
    compare = page(fixture_site, "en", "compare/index.html")
    cell = compare.select_one("tr#gamma td")
    assert "Free, Plus, and Guest use" in words(cell) and "Team, Campus, and API" in words(cell)
    voice = compare.select_one("#voice").find_next("table")
    assert "Used (Plus)" in words(voice)


@pytest.mark.build
def test_version_2_is_published_beside_the_frozen_version_1(fixture_site):
    v3 = json.loads((fixture_site / "api" / "v3" / "data.json").read_text(encoding="utf-8"))
    v2 = json.loads((fixture_site / "api" / "v2" / "data.json").read_text(encoding="utf-8"))
    v1 = json.loads((fixture_site / "api" / "v1" / "data.json").read_text(encoding="utf-8"))
    assert (v3["version"], v2["version"], v1["version"]) == (3, 2, 1)
    assert "gamma" in {p["id"] for p in v3["platforms"]} - {p["id"] for p in v2["platforms"]}
    assert {p["id"] for p in v2["platforms"]} == {p["id"] for p in v1["platforms"]}
    assert (fixture_site / "api" / "v2" / "schema.json").is_file()
    assert (fixture_site / "api" / "v3" / "de" / "platforms" / "gamma.json").is_file()


# --- Readers, on the real site -------------------------------------------------------------


@pytest.mark.build
def test_a_chatgpt_plus_reader_in_france_gets_the_answer_and_the_switch_in_two_clicks(site):
    home = page(site, "fr", "index.html")
    assert home.select_one('.atlas-region-picker a[href="regions/fr/"]')  # click 1
    france = page(site, "fr", "regions/fr/index.html")
    heading = next(
        h for h in france.select("h4") if "Plus" in words(h) and h.get("id", "").startswith("chatgpt")
    )
    status = words(heading.find_next("p"))
    assert status.startswith(("Utilisé", "Used"))  # trained unless they opt out
    switch = heading.find_next("ul").select_one("a")["href"]  # click 2
    assert switch == "../../guides/chatgpt/#improve-model-setting"
    guide = page(site, "fr", "guides/chatgpt/index.html")
    assert guide.select_one("h3#improve-model-setting")


@pytest.mark.build
def test_a_reader_with_a_company_copilot_licence_finds_their_row_in_two_clicks(site, dataset):
    copilot = dataset.platform("copilot")
    work = next(plan for plan in copilot.plans if plan.kind == "business")
    home = page(site, "en", "index.html")
    card = next(li for li in home.select(".atlas-platforms > ul > li") if "Microsoft Copilot" in words(li))
    assert work.name in words(card)  # the answer is on the home page already
    link = card.select_one("a.md-button:not(.md-button--primary)")["href"]  # click 1
    assert link == "guides/copilot/"
    guide = page(site, "en", "guides/copilot/index.html")
    row = next(tr for tr in guide.select("article table tbody tr") if work.name in words(tr))
    assert "Not used for AI training" in words(row)
    steps = sorted(_anchors(row))  # click 2: what they can do on a work account
    assert steps and all(work.id in copilot.mechanism(href[1:]).plans for href in steps)
