"""The reader's checklist and the reader's region on other pages, computed without MkDocs.

The fixture's ``gamma`` has controls for one of its two products (its setting and its temporary
chats are Gamma Chat's, not the Gamma API's); ``alpha`` has different defaults in Europe, Canada
and everywhere else. The real data's tests check that every country of the world reaches a page
that answers for it.
"""

from __future__ import annotations

import pytest

from optout_atlas import checklist, views
from optout_atlas.regions import OTHER, country_codes


@pytest.fixture
def pages(fixture_dataset):
    return checklist.region_pages(fixture_dataset.platforms, fixture_dataset.regions)


def test_every_country_reaches_a_page_that_says_what_its_own_would(fixture_dataset, pages):
    regions = fixture_dataset.regions
    platforms = fixture_dataset.platforms
    assert set(pages.countries) == country_codes()
    assert pages.codes[-1] == OTHER
    assert pages.countries["PT"] == "EU"  # no platform names Portugal: the EU's rules apply
    assert pages.countries["NO"] == "EEA"  # in the EEA, not in the EU
    assert pages.countries["CA"] == "CA"  # named by alpha
    assert pages.countries["JP"] == OTHER
    for country, code in pages.countries.items():
        for platform in platforms:
            assert views.plan_answers(platform, country, regions) == views.plan_answers(
                platform, code, regions
            ), (
                country,
                code,
                platform.id,
            )


def test_the_real_data_sends_every_country_to_a_page_that_exists(dataset):
    pages = checklist.region_pages(dataset.platforms, dataset.regions)
    assert set(pages.countries) == country_codes()
    assert set(pages.countries.values()) <= set(pages.codes)
    assert pages.countries["PT"] == "EU" and pages.countries["DE"] == "DE"
    assert "PT" in pages.members("EU") and "JP" in pages.members(OTHER)


def test_a_platform_whose_controls_differ_by_product_offers_a_box_per_product(fixture_dataset):
    gamma = fixture_dataset.platform("gamma")
    alpha = fixture_dataset.platform("alpha")
    assert [c.key for c in checklist.choices(gamma)] == ["gamma/gamma-chat", "gamma/gamma-api"]
    assert [c.key for c in checklist.choices(alpha)] == ["alpha"]
    assert checklist.slug("WordPress.com") == "wordpress-com"


def test_entries_put_what_stops_training_first_with_the_pages_where_it_works(fixture_dataset, pages):
    entries = {
        e.platform.id: e for e in checklist.entries(fixture_dataset.platforms, pages, fixture_dataset.regions)
    }
    alpha = entries["alpha"]
    steps = {step.mechanism.id: step for step in alpha.steps}
    assert [step.stops for step in alpha.steps] == sorted((step.stops for step in alpha.steps), reverse=True)
    assert "EU" in steps["objection-form"].pages and "CA" not in steps["objection-form"].pages
    assert steps["objection-form"].product_keys == ()
    assert OTHER in steps["ai-training-setting"].pages
    gamma = {step.mechanism.id: step for step in entries["gamma"].steps}
    assert gamma["improve-gamma"].product_keys == ("gamma-chat",) and gamma["improve-gamma"].stops
    trained = {code for outcome in alpha.outcomes if outcome.trained for code in outcome.pages}
    assert "EU" in trained
    # Every page appears in exactly one outcome of each platform.
    for entry in entries.values():
        listed = [code for outcome in entry.outcomes for code in outcome.pages]
        assert sorted(listed) == sorted(pages.codes)


def test_a_guides_answers_merge_rows_that_say_the_same_and_offer_a_button_per_product(fixture_dataset, pages):
    alpha = fixture_dataset.platform("alpha")
    rows = views.region_rows(alpha, fixture_dataset.regions)
    answers = checklist.answers(alpha, rows, pages, fixture_dataset.regions)
    europe = next(a for a in answers if "EU" in a.regions)
    assert europe.grade == "setting"
    assert [m.id for m in europe.buttons] == ["ai-training-setting"]  # the first that stops it
    assert "PT" not in europe.pages and "EU" in europe.pages and "GB" in europe.pages
    assert sorted(i for a in answers for i in a.rows) == list(range(len(rows)))
    assert {code for a in answers for code in a.pages} == set(pages.codes)
    gamma = fixture_dataset.platform("gamma")
    for answer in checklist.answers(
        gamma, views.region_rows(gamma, fixture_dataset.regions), pages, fixture_dataset.regions
    ):
        if answer.grade == "setting":  # the setting belongs to Gamma Chat: its button says so
            assert [m.products for m in answer.buttons] == [("Gamma Chat",)]


def test_the_grade_is_the_easiest_control_the_reader_can_use_themselves(fixture_dataset):
    gamma = fixture_dataset.platform("gamma")
    by_id = {m.id: m for m in gamma.mechanisms}
    assert checklist.grade([]) is None
    assert checklist.grade([by_id["improve-gamma"]]) == "setting"
    assert checklist.grade([by_id["workspace-training"]]) == "admin"


def test_stop_it_now_leads_each_region_to_a_control_that_works_there(fixture_dataset, pages):
    alpha = fixture_dataset.platform("alpha")
    targets = dict(checklist.stop_targets(alpha, pages, fixture_dataset.regions))
    by_id = {m.id: m for m in alpha.mechanisms}
    for mechanism_id, codes in targets.items():
        for code in codes:
            assert views.available_in(by_id[mechanism_id].regions, code, fixture_dataset.regions)
    assert len({code for codes in targets.values() for code in codes}) == sum(
        len(c) for c in targets.values()
    )
