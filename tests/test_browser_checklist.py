"""The reader's checklist and the reader's region, in a real browser (Chromium via Playwright).

The mechanics (products, the shared address, progress, the suggestion that is not saved, the
answer at the top of a guide, the page without JavaScript) are tried on the fixture site. What
readers of the real site were observed to need is tried on the project's own site: a reader in
Germany who uses Instagram and LinkedIn, and a reader in the United States who uses Facebook, on
a phone and on a desktop, in English and in German.
"""

from __future__ import annotations

import pytest
import test_browser
from test_browser import ARTIFACTS, _pdf_pages

# The browser and the served sites of the browser tests, shared with this module.
browser = test_browser.browser
site_url = test_browser.site_url
real_site_url = test_browser.real_site_url

pytestmark = pytest.mark.build

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"


def _tab(browser, viewport=PHONE, **options):
    context = browser.new_context(viewport=viewport, **options)
    return context, context.new_page()


def _visible_hrefs(tab, selector: str = "a") -> list[str]:
    return [a.get_attribute("href") for a in tab.locator(selector).all() if a.is_visible()]


def _stored(tab) -> dict[str, str]:
    """What the atlas keeps in this browser (Material keeps the colour scheme there too)."""
    stored = tab.evaluate("Object.assign({}, window.localStorage)")
    return {key: value for key, value in stored.items() if key.startswith("optout-atlas:")}


# -------------------------------------------------------------------------------------------
# The real site: the tasks readers were observed doing
# -------------------------------------------------------------------------------------------

INSTAGRAM_FORM = "https://help.instagram.com/contact/767264225370182"
FACEBOOK_FORM = "https://www.facebook.com/help/contact/712876720715583"
LINKEDIN_SETTING = "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_phone_reader_in_germany_reaches_both_buttons_in_three_taps(browser, real_site_url, language):
    """From the home page: tick Instagram, tick LinkedIn, show the checklist (the country is
    suggested from the time zone): both "Open it" buttons within two screens of scrolling."""
    context, tab = _tab(
        browser,
        timezone_id="Europe/Berlin",
        locale="de-DE",
        user_agent=IPHONE,
        is_mobile=True,
        has_touch=True,
    )
    prefix = "" if language == "en" else f"{language}/"
    tab.goto(real_site_url + prefix)
    assert tab.locator("#atlas-country").input_value() == "DE"
    assert _stored(tab) == {}  # a suggestion is not saved
    tab.locator("input[value='meta/instagram']").tap()
    tab.locator("input[value='linkedin']").tap()
    with tab.expect_navigation():
        tab.locator("[data-atlas-checklist-show]").tap()
    assert tab.url.endswith("#country=DE&services=linkedin,meta/instagram")
    stop = tab.locator("[data-atlas-section='stop']")
    for href in (INSTAGRAM_FORM, LINKEDIN_SETTING):
        button = stop.locator(f"a.md-button[href='{href}']")
        assert button.is_visible(), href
        box = button.bounding_box()
        assert box["y"] + box["height"] < 3 * PHONE["height"], (href, box)  # under two screens of scrolling
    assert FACEBOOK_FORM not in _visible_hrefs(tab)  # Facebook was not ticked
    # The steps open for the reader's device: the app's, on an iPhone.
    for step in tab.locator(".atlas-checklist-result .atlas-checklist-step").all():
        surfaces = step.locator("details").evaluate_all("d => d.map(e => e.dataset.surface)")
        opened = step.locator("details[open]").evaluate_all("d => d.map(e => e.dataset.surface)")
        expected = next((s for s in ("ios", "app", "web") if s in surfaces), surfaces[0])
        assert opened == [expected], (surfaces, opened)
    assert _stored(tab)["optout-atlas:country"] == "DE de"
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"checklist-de-instagram-linkedin-{language}.png"))
    context.close()


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_german_instagram_users_checklist_holds_the_instagram_form_on_a_desktop(
    browser, real_site_url, language
):
    context, tab = _tab(browser, DESKTOP)
    prefix = "" if language == "en" else f"{language}/"
    tab.goto(real_site_url + prefix + "checklist/#country=DE&services=meta/instagram")
    hrefs = _visible_hrefs(tab, "[data-atlas-section='stop'] a.md-button")
    assert INSTAGRAM_FORM in hrefs and FACEBOOK_FORM not in hrefs
    assert tab.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_a_us_facebook_users_checklist_holds_no_eu_form(browser, real_site_url, language, viewport):
    context, tab = _tab(browser, viewport)
    prefix = "" if language == "en" else f"{language}/"
    tab.goto(real_site_url + prefix + "checklist/#country=US&services=meta/facebook")
    result = tab.locator("[data-atlas-checklist-result]")
    assert result.is_visible()
    hrefs = _visible_hrefs(tab)
    assert FACEBOOK_FORM not in hrefs and INSTAGRAM_FORM not in hrefs
    assert tab.locator("[data-atlas-section='stop']").is_hidden()  # nothing stops it there
    cannot = tab.locator("[data-atlas-section='none']")
    assert cannot.is_visible() and "Meta" in cannot.inner_text()
    assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


def test_every_country_is_listed_with_the_page_that_answers_for_it(browser, real_site_url):
    context, tab = _tab(browser, DESKTOP)
    tab.goto(real_site_url + "regions/")
    countries = tab.locator(".atlas-countries li")
    assert countries.count() > 240
    portugal = tab.locator(".atlas-countries li", has_text="Portugal")
    assert "European Union" in portugal.inner_text()
    with tab.expect_navigation():
        portugal.locator("a").click()
    assert tab.url.endswith("regions/eu/")
    assert "Portugal" in tab.locator(".atlas-region-members").inner_text()
    context.close()


# -------------------------------------------------------------------------------------------
# The fixture site: how the checklist works
# -------------------------------------------------------------------------------------------


def test_a_products_own_controls_are_listed_only_for_that_product(browser, site_url):
    context, tab = _tab(browser, DESKTOP)
    tab.goto(site_url + "checklist/#country=FR&services=gamma/gamma-api")
    steps = tab.locator(".atlas-checklist-result .atlas-checklist-step")
    mechanisms = steps.evaluate_all("s => s.map(e => e.dataset.mechanism)")
    assert "improve-gamma" not in mechanisms and "temporary-chat" not in mechanisms
    assert "no-ai-tag" in mechanisms  # it belongs to no product in particular
    tab.locator("input[value='gamma/gamma-chat']").check()  # the reader also uses Gamma Chat
    mechanisms = steps.evaluate_all("s => s.map(e => e.dataset.mechanism)")
    assert mechanisms[0] == "improve-gamma" and "temporary-chat" in mechanisms
    assert tab.url.endswith("#country=FR&services=gamma/gamma-chat,gamma/gamma-api")
    # Stopping comes first, then what limits it.
    order = tab.locator("[data-atlas-section]:visible").evaluate_all(
        "s => s.map(e => e.dataset.atlasSection)"
    )
    assert order[0] == "stop"
    context.close()


def test_the_checklists_address_and_progress_survive_a_reload_and_a_share(browser, site_url):
    context, tab = _tab(browser, DESKTOP)
    tab.goto(site_url + "checklist/#country=CA&services=alpha,beta")
    # Canada resolves to its own page; alpha's setting works there.
    done = tab.locator(".atlas-checklist-result .atlas-step-done").first
    done.check()
    tab.reload()
    assert tab.locator(".atlas-checklist-result .atlas-step-done").first.is_checked()
    shared = tab.locator("[data-atlas-checklist-link]").get_attribute("href")
    assert shared == "#country=CA&services=alpha,beta"
    # Someone else opens the shared address: the same checklist, nothing of the first reader's.
    other_context, other = _tab(browser, DESKTOP)
    other.goto(site_url + "checklist/" + shared)
    assert other.locator("#atlas-country").input_value() == "CA"
    assert not other.locator(".atlas-checklist-result .atlas-step-done").first.is_checked()
    other_context.close()
    context.close()


def test_a_hostile_address_changes_nothing_but_the_choice(browser, site_url):
    context, tab = _tab(browser, DESKTOP, locale="en", timezone_id="Etc/UTC")  # nothing to suggest
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(site_url + 'checklist/#country=%3Cimg%20src=x%3E&services="><script>alert(1)</script>,%E0%A4%A')
    assert errors == []
    assert tab.locator("#atlas-country").input_value() == ""
    assert tab.locator("input[name=service]:checked").count() == 0
    context.close()


def test_the_guide_starts_with_the_readers_answer_once_they_chose_a_country(browser, site_url):
    context, tab = _tab(browser, PHONE)
    tab.goto(site_url + "guides/alpha/")
    rows = tab.locator(".atlas-answer-row")
    assert rows.count() >= 3 and all(row.is_visible() for row in rows.all())  # no country yet
    answer_y = tab.locator("#answer").bounding_box()["y"]
    assert answer_y < PHONE["height"]  # the answer is on the first screen
    tab.goto(site_url + "checklist/#country=FR&services=alpha")
    tab.locator("#atlas-country").select_option("FR")  # the reader confirms: France is saved
    tab.goto(site_url + "guides/alpha/")
    visible = [row for row in tab.locator(".atlas-answer-row").all() if row.is_visible()]
    assert len(visible) == 1 and "European Union" in visible[0].inner_text()
    assert tab.locator("tr.atlas-row--yours").count() == 1
    tab.locator(".atlas-answer-more").click()
    assert all(row.is_visible() for row in tab.locator(".atlas-answer-row").all())
    # "Stop it now" on the home page leads a reader in France to a control that works there.
    tab.goto(site_url)
    stop = tab.locator("a[data-atlas-stop]").first
    assert stop.get_attribute("href").endswith("guides/alpha/#ai-training-setting")
    context.close()


def test_without_javascript_the_home_page_leads_to_every_country(browser, site_url):
    context, tab = _tab(browser, PHONE, java_script_enabled=False)
    tab.goto(site_url)
    assert tab.locator(".atlas-checklist-form").is_hidden()
    link = tab.locator(".atlas-checklist-nojs a")
    assert link.is_visible()
    with tab.expect_navigation():
        link.click()
    assert tab.url.endswith("regions/#every-country")
    assert tab.locator(".atlas-countries li").count() > 240
    context.close()


def test_the_printed_checklist_is_one_page_of_steps(browser, real_site_url):
    context, tab = _tab(browser, DESKTOP)
    tab.goto(real_site_url + "checklist/#country=DE&services=linkedin,meta/instagram")
    tab.emulate_media(media="print")
    assert tab.locator(".atlas-checklist-form").is_hidden()
    assert tab.locator("[data-atlas-section='stop']").is_visible()
    # Paper has no links: the checklist prints the address that opens it again, each button its own.
    summary = tab.locator(".atlas-checklist-summary")
    assert "checklist/#country=DE&services=linkedin,meta/instagram" in summary.evaluate(
        "p => getComputedStyle(p, '::after').content"
    )
    button = tab.locator(f"[data-atlas-section='stop'] a.md-button[href='{INSTAGRAM_FORM}']")
    assert INSTAGRAM_FORM in button.evaluate("a => getComputedStyle(a, '::after').content")
    pdf = tab.pdf(format="A4", print_background=False)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "print-checklist-de.pdf").write_bytes(pdf)
    assert _pdf_pages(pdf) == 1
    context.close()
