"""The site in a real browser (Debian's Chromium driven by Playwright): served under a sub-path,
embedded in a page on another origin, and never contacting another host.

What the pages do (language switcher, search, embedding, checklists, keyboard use, accessibility,
the offline build) is tried on the fixture site, whose platforms fill in every field; that each
real guide prints on one page is tried on the project's own site.

Screenshots are saved under ``tests/artifacts/`` for people to look at."""

from __future__ import annotations

import base64
import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURE_LANGUAGE, ROOT, TODAY, fixture_project, mkdocs_build

# Debian's chromium package; CHROMIUM names another build (the GitHub workflow uses Playwright's).
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
SUB_PATH = "/intranet/optout/"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.build


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a missing browser must not pass silently
        pytest.skip(message)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _SubPath(_Quiet):
    """Serves the site only under SUB_PATH, as an intranet would."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(SUB_PATH):
            return str(Path(self.directory) / "__outside_the_sub_path__")
        return super().translate_path("/" + path[len(SUB_PATH) :])


def _serve(handler, directory: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def site_url(fixture_site: Path):
    """The fixture site, served under SUB_PATH."""
    server = _serve(_SubPath, fixture_site)
    yield f"http://127.0.0.1:{server.server_port}{SUB_PATH}"
    server.shutdown()


@pytest.fixture(scope="session")
def real_site_url(site: Path):
    """The project's own site, served under SUB_PATH."""
    server = _serve(_SubPath, site)
    yield f"http://127.0.0.1:{server.server_port}{SUB_PATH}"
    server.shutdown()


@pytest.fixture(scope="module")  # Playwright's loop must be gone before other tests use asyncio
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def _requests_of(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


# Records every Content-Security-Policy violation of the page in window.atlasViolations.
RECORD_VIOLATIONS = """
window.atlasViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.atlasViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sample);
});
"""


def _violations_of(page) -> list[str]:
    return page.evaluate("window.atlasViolations")


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def host_page(fixture_site: Path, site_url: str, tmp_path_factory):
    """An intranet page on another origin with the snippet copied from the guide, as an admin would."""
    guide = BeautifulSoup((fixture_site / "guides" / "alpha" / "index.html").read_text(), "html.parser")
    snippet = guide.select_one(".atlas-embed-snippet code").get_text()
    snippet = snippet.replace("https://your-atlas-address.example/EMBED", f"{site_url}embed/alpha/")
    folder = tmp_path_factory.mktemp("intranet")
    (folder / "index.html").write_text(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Intranet</title></head>"
        f"<body><h1>Company privacy tips</h1>{snippet}<p id='after'>After the guide.</p></body></html>"
    )
    server = _serve(_Quiet, folder)
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()


def test_embed_in_another_origin_resizes_and_has_no_chrome(page, host_page, site_url):
    requests = _requests_of(page)
    page.goto(host_page)
    frame_element = page.locator("#optout-atlas-alpha")
    page.wait_for_function(
        "() => document.getElementById('optout-atlas-alpha').style.height !== '1200px'", timeout=15000
    )
    frame = page.frame_locator("#optout-atlas-alpha")
    assert frame.locator("h1").inner_text().startswith("Alpha Social")
    assert frame.locator(".md-header, .md-sidebar, .md-footer").count() == 0
    content_bottom = frame.locator(".md-content").evaluate("e => Math.ceil(e.getBoundingClientRect().bottom)")
    assert content_bottom <= frame_element.bounding_box()["height"] <= content_bottom + 40
    host_origin = host_page.rsplit("/", 1)[0]
    site_origin = site_url.split(SUB_PATH)[0]
    assert [u for u in requests if not u.startswith((host_origin, site_origin, "data:", "blob:"))] == []
    _screenshot(page, "embed-in-host-page")


@pytest.mark.parametrize(
    "path",
    [
        "",
        "guides/alpha/",
        "guides/beta/",
        "compare/",
        "regions/ca/",
        "timeline/",
        "about/",
        "embed/alpha/",
        "de/",
        "de/guides/alpha/",
    ],
)
def test_pages_contact_no_other_host(page, site_url, path):
    requests = _requests_of(page)
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(site_url + path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert _violations_of(page) == []  # the policy allows everything the page itself does
    origin = site_url.split(SUB_PATH)[0]
    assert [u for u in requests if not u.startswith((origin, "data:", "blob:"))] == []
    assert all(u.startswith(site_url) for u in requests if u.startswith(origin))  # never above the sub-path
    # Material's language selector would look for a sitemap beside each translation's address.
    assert [u for u in requests if u.endswith("sitemap.xml")] == []


def test_language_switcher_stays_on_the_page_under_the_sub_path(page, site_url):
    page.goto(site_url + "guides/alpha/")
    page.locator(".md-select").first.hover()
    page.locator('a.md-select__link[hreflang="de"]').click()
    page.wait_for_load_state()
    assert page.url == site_url + "de/guides/alpha/"
    assert page.locator("html").get_attribute("lang") == "de"
    page.locator(".md-select").first.hover()
    page.locator('a.md-select__link[hreflang="en"]').click()
    page.wait_for_load_state()
    assert page.url == site_url + "guides/alpha/"
    page.goto(site_url)
    page.locator(".md-select").first.hover()
    page.locator('a.md-select__link[hreflang="de"]').click()
    page.wait_for_load_state()
    assert page.url == site_url + "de/"


def test_search_finds_pages_in_the_readers_language_under_the_sub_path(page, real_site_url):
    # On the full build: a build of two languages (ATLAS_LANGUAGE, as the fixture site is built)
    # finds nothing at all.
    first = sorted((ROOT / "data" / "platforms").glob("*.yml"))[0].stem
    page.goto(real_site_url + f"de/guides/{first}/")
    page.keyboard.press("/")
    page.locator("input.md-search__input").fill("Einstellung")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=15000)
    links = [results.nth(i).get_attribute("href") for i in range(min(results.count(), 5))]
    assert any("/de/" in (link or "") or (link or "").startswith("../../") for link in links)
    _screenshot(page, "search-de")


@pytest.mark.parametrize(
    ("name", "path"), [("home", ""), ("guide", "guides/alpha/"), ("embed", "embed/alpha/")]
)
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_screenshots(browser, site_url, name, path, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    tab.goto(site_url + path)
    tab.wait_for_load_state("networkidle")
    assert tab.locator("h1").count() == 1
    _screenshot(tab, f"{name}-{width}")
    context.close()


# -------------------------------------------------------------------------------------------
# Reader experience: accessibility, print, the step checklist, keyboard use
# -------------------------------------------------------------------------------------------

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _require_axe() -> None:
    if not AXE.exists():
        message = "axe-core is not installed (npm ci)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _axe_violations(tab) -> list[str]:
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


# One page of every type: home, the reader's checklist (with a choice made), guides (one with
# plans), comparison, timeline, regions index, region page, embed and the hand-written method page.
PAGE_TYPES = [
    "",
    "checklist/#country=FR&services=alpha,gamma/gamma-chat",
    "guides/alpha/",
    "guides/beta/",
    "compare/",
    "timeline/",
    "regions/",
    "regions/ca/",
    "embed/alpha/",
    "about/",
]


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_axe_finds_no_wcag_violations(browser, site_url, language, path, scheme, width, height):
    """On a phone too: there the comparison's rows are cards whose shaded title once held a link
    of too little contrast in the dark scheme."""
    _require_axe()  # before any page is loaded
    # axe is injected as an inline script, which the page's Content-Security-Policy refuses (as
    # it would any script that is not the site's own): this context does not enforce it.
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, bypass_csp=True
    )
    tab = context.new_page()
    prefix = "" if language == "en" else f"{language}/"
    tab.goto(site_url + prefix + path)
    tab.wait_for_load_state("networkidle")
    violations = _axe_violations(tab)
    context.close()
    assert violations == []


def _pdf_pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


# The guides whose printed handout is longest (the most ways to opt out, steps and regions),
# printed in languages whose text runs longer (German, French) or wider (Traditional Chinese).
LONGEST_GUIDES = ("meta", "google", "chatgpt", "copilot")


def _printed_guides() -> list[str]:
    """Every guide of the project's data in English, and the longest guides (those above and the
    one from the largest data file) in three languages whose text runs longer or wider."""
    files = sorted((ROOT / "data" / "platforms").glob("*.yml"))
    largest = max(files, key=lambda path: path.stat().st_size).stem
    longest = dict.fromkeys([*LONGEST_GUIDES, largest])
    return [f"guides/{p.stem}" for p in files] + [
        f"{language}/guides/{guide}" for language in ("de", "fr", "zh-Hant") for guide in longest
    ]


# Every visible element of the page's content with text of its own, whose computed font size is
# below ``px`` CSS pixels: "tag.class NN px: text".
SMALL_TEXT = """px => {
  const small = [];
  for (const element of document.querySelectorAll(".md-content *")) {
    if (!element.checkVisibility()) continue;
    const own = [...element.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("").trim();
    if (!own) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < px) small.push(`${element.tagName.toLowerCase()}.${element.className} ${size}px: ${own.slice(0, 40)}`);
  }
  return small;
}"""

# The title of every way to opt out, as the page shows it (without the heading's permalink).
MECHANISM_TITLES = """() => [...document.querySelectorAll(".atlas-mechanism > h3")].map(
  h => [...h.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("").trim())"""

TEN_POINTS = 10 * 96 / 72  # CSS pixels


@pytest.mark.parametrize("path", _printed_guides())
def test_printed_guide_is_a_one_page_handout(page, real_site_url, path):
    page.goto(real_site_url + f"{path}/")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    handout = page.locator(".atlas-handout")
    assert handout.is_visible()
    assert real_site_url + f"{path}/" in handout.inner_text()  # the page's address
    assert page.locator("#sources").is_hidden() and page.locator("#timeline").is_hidden()
    # Every way to opt out prints, whatever its kind, with its address and its steps.
    printed = page.locator(".md-content").inner_text()
    titles = page.evaluate(MECHANISM_TITLES)
    assert [t for t in titles if t not in printed] == []
    for index in range(len(titles)):
        mechanism = page.locator(".atlas-mechanism").nth(index)
        assert mechanism.locator("ol > li").first.is_visible(), titles[index]
        button = mechanism.locator("a.md-button")
        if button.count():
            assert button.get_attribute("href") in mechanism.inner_text(), titles[index]
    # The answer for every region, on a page without any of the screen's controls.
    answers = page.locator(".atlas-print-answers table")
    assert answers.is_visible() and answers.locator("tbody tr").count() >= 1
    for hidden in (".atlas-print-button", ".atlas-report", ".atlas-feed-link", "a.md-button"):
        assert all(not element.is_visible() for element in page.locator(hidden).all()), hidden
    # Readable: no printed text below 10 pt.
    body = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-content .md-typeset')).fontSize)")
    assert body >= TEN_POINTS - 0.01
    assert page.evaluate(SMALL_TEXT, TEN_POINTS - 0.01) == []
    pdf = page.pdf(format="A4", print_background=False)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"print-{path.replace('/', '-')}.pdf").write_bytes(pdf)
    assert _pdf_pages(pdf) == 1


def test_print_button_appears_with_javascript_and_does_not_print(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(site_url + "guides/alpha/")
    button = tab.get_by_role("button", name="Print this guide")
    assert button.is_visible()
    tab.evaluate("() => { window.print = () => { window.atlasPrinted = (window.atlasPrinted || 0) + 1; }; }")
    button.click()
    assert tab.evaluate("window.atlasPrinted") == 1
    tab.emulate_media(media="print")
    assert button.is_hidden()
    context.close()
    # Without JavaScript there is no button that would do nothing.
    quiet = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    still = quiet.new_page()
    still.goto(site_url + "guides/alpha/")
    assert still.locator("button").filter(has_text="Print").count() == 0
    assert still.locator(".atlas-print-action").is_hidden()
    quiet.close()


def test_every_mechanism_links_to_the_prefilled_steps_form(page, site_url):
    page.goto(site_url + f"{FIXTURE_LANGUAGE}/guides/gamma/")
    mechanisms = page.locator(".atlas-mechanism")
    assert mechanisms.count() == 7
    for index in range(mechanisms.count()):
        mechanism = mechanisms.nth(index)
        link = mechanism.locator(".atlas-report a")
        assert link.is_visible()
        query = parse_qs(urlsplit(link.get_attribute("href")).query)
        mechanism_id = mechanism.locator("h3").get_attribute("id")
        assert query["template"] == ["steps-no-longer-work.yml"]
        assert query["platform"] == ["Gamma Chat (gamma)"]
        assert f"({mechanism_id})" in query["what-you-saw"][0]
        assert f"page language: {FIXTURE_LANGUAGE}" in query["what-you-saw"][0]
        assert query["date-seen"] == [TODAY.isoformat()]  # the day the page was built
    page.emulate_media(media="print")
    assert all(not link.is_visible() for link in page.locator(".atlas-report").all())


@pytest.mark.parametrize("language", ["en", FIXTURE_LANGUAGE])
@pytest.mark.parametrize("path", ["guides/alpha/", "timeline/"])
def test_guides_and_the_timeline_link_to_their_languages_feed(page, site_url, language, path):
    prefix = "" if language == "en" else f"{language}/"
    page.goto(site_url + prefix + path)
    link = page.locator("a.atlas-feed-link")
    assert link.is_visible()
    target = link.evaluate("a => a.href")
    assert target == site_url + prefix + "feed.xml"
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').evaluate("l => l.href") == target
    response = page.request.get(target)
    assert response.ok and "<feed" in response.text()
    assert f'xml:lang="{language}"' in response.text()


def test_step_checklist_survives_a_reload(page, site_url):
    page.goto(site_url + "guides/alpha/")
    boxes = page.locator(".atlas-steps[data-atlas-mechanism='ai-training-setting'] input.atlas-step-done")
    first = boxes.first
    assert first.get_attribute("aria-label") == "Done: 1"
    assert not first.is_checked()
    first.check()
    page.reload()
    again = page.locator(".atlas-steps[data-atlas-mechanism='ai-training-setting'] input.atlas-step-done")
    assert again.first.is_checked()
    assert again.nth(1).is_checked() is False
    # Another mechanism's list keeps its own state.
    other = page.locator(".atlas-steps[data-atlas-mechanism='objection-form'] input.atlas-step-done")
    assert other.count() == 2 and not other.first.is_checked()


def test_the_finder_narrows_the_services_as_the_reader_types(page, site_url):
    page.goto(site_url)
    cards = page.locator(".atlas-platforms > ul > li")
    assert cards.count() == 4
    page.get_by_label("Find a service").fill("gamma")
    assert [
        t.strip().rstrip("¶").strip()
        for t in page.locator(".atlas-platforms > ul > li:visible h3").all_inner_texts()
    ] == ["Gamma Chat"]
    assert page.locator(".atlas-finder-list > li:visible").all_inner_texts() == ["Gamma Chat"]
    # Only the group that still has a service keeps its heading.
    groups = page.locator("h2.atlas-kind:visible").all_inner_texts()
    assert [text.rstrip("¶").strip() for text in groups] == ["AI assistants"]
    page.get_by_label("Find a service").fill("no such service")
    assert page.locator(".atlas-finder-empty").inner_text().startswith("No service matches")
    page.get_by_label("Find a service").fill("")
    assert page.locator(".atlas-platforms > ul > li:visible").count() == 4


def test_keyboard_reaches_stop_it_now_from_the_home_page(page, site_url):
    page.goto(site_url)
    for _ in range(80):
        page.keyboard.press("Tab")
        if (
            page.evaluate("document.activeElement && document.activeElement.textContent.trim()")
            == "Stop it now"
        ):
            break
    else:
        pytest.fail("'Stop it now' cannot be reached with the Tab key")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Without a country, to the answers by region at the top of the guide.
    assert page.url == site_url + "guides/alpha/#answer"


def _focused_tab(page) -> dict:
    """The label of the focused tab (the focus is on its hidden radio button) and its outline."""
    return page.evaluate(
        """() => {
          const input = document.activeElement;
          const label = document.querySelector(`label[for="${input.id}"]`);
          const style = getComputedStyle(label);
          return {label: label.textContent.trim(), outline: style.outlineStyle,
                  width: parseFloat(style.outlineWidth)};
        }"""
    )


def _outline_of(page, label: str) -> str:
    style = page.locator(".tabbed-labels > label", has_text=label).first.evaluate(
        "label => getComputedStyle(label).outlineStyle"
    )
    return str(style)


def test_the_focused_tab_shows_an_outline_not_only_a_colour(page, site_url):
    """The steps for each surface (web, app) are tabs; a keyboard user sees which one has the
    focus by its outline."""
    page.goto(site_url + "guides/alpha/")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.tabbed-set')"):
            break
    else:
        pytest.fail("no tab of steps can be reached with the Tab key")
    first = _focused_tab(page)
    assert first["outline"] != "none" and first["width"] >= 1, first
    page.keyboard.press("ArrowRight")  # the next tab: the outline moves with the focus
    second = _focused_tab(page)
    assert second["label"] != first["label"]
    assert second["outline"] != "none" and second["width"] >= 1, second
    assert _outline_of(page, first["label"]) == "none"
    page.locator("h1").click()  # focus elsewhere: no tab has an outline
    assert _outline_of(page, second["label"]) == "none"


GERMAN_PALETTE = {"Zum hellen Modus wechseln", "Zum dunklen Modus wechseln", "Zur Systemeinstellung wechseln"}


def test_the_colour_scheme_toggle_speaks_german_on_german_pages(page, site_url):
    page.goto(site_url + "de/guides/alpha/")
    palette = page.locator("form[data-md-component='palette']")
    for _ in range(3):  # each of the three states the toggle goes through
        toggle = palette.locator("label:visible")
        assert toggle.count() == 1
        assert toggle.get_attribute("title") in GERMAN_PALETTE
        toggle.click()
    names = palette.locator("input").evaluate_all("inputs => inputs.map(i => i.getAttribute('aria-label'))")
    assert set(names) == GERMAN_PALETTE
    page.goto(site_url + "guides/alpha/")
    assert palette.locator("label:visible").get_attribute("title").startswith("Switch to ")


# Every svg shown in the page's content that a screen reader would announce as an unnamed image.
UNNAMED_ICONS = """() => [...document.querySelectorAll("article svg")]
  .filter(svg => svg.getClientRects().length > 0)
  .map(svg => {
    const named = e => e && (e.getAttribute("aria-label") || e.getAttribute("aria-labelledby")
      || (e.tagName.toLowerCase() === "svg" && e.querySelector(":scope > title")));
    const hidden = !!svg.closest("[aria-hidden='true']");
    return {hidden, named: !!(named(svg) || (svg.parentElement.getAttribute("role") === "img"
      && named(svg.parentElement))), html: svg.parentElement.outerHTML.slice(0, 100)};
  })"""


@pytest.mark.parametrize("path", ["", "guides/alpha/", "compare/", "timeline/", "de/guides/alpha/"])
def test_icons_are_named_or_hidden_from_screen_readers(page, site_url, path):
    """Status, brand and myth icons stand beside words that say the same: hidden, not read out
    as "image"."""
    page.goto(site_url + path)
    icons = page.evaluate(UNNAMED_ICONS)
    assert len(icons) >= 3  # the page does show icons
    assert [icon["html"] for icon in icons if not (icon["hidden"] or icon["named"])] == []


# The parts of each table that are on screen (clipped by the boxes it scrolls in) which overlap a
# sidebar (navigation or table of contents) that is shown.
TABLES_UNDER_SIDEBARS = """() => {
  const shown = r => r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth;
  const sidebars = [...document.querySelectorAll(".md-sidebar")]
    .filter(s => getComputedStyle(s).visibility !== "hidden")
    .map(s => (s.querySelector(".md-sidebar__scrollwrap") || s).getBoundingClientRect()).filter(shown);
  const found = [];
  for (const table of document.querySelectorAll("article table")) {
    let r = table.getBoundingClientRect(), left = r.left, right = r.right;
    for (let e = table; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== "visible") {
        const box = e.getBoundingClientRect();
        left = Math.max(left, box.left); right = Math.min(right, box.right);
      }
    }
    for (const s of sidebars) {
      if (left < s.right - 1 && right > s.left + 1 && r.top < s.bottom && r.bottom > s.top) {
        found.push(`${table.className || "table"} ${Math.round(left)}-${Math.round(right)} under a sidebar at ${Math.round(s.left)}-${Math.round(s.right)}`);
      }
    }
  }
  return found;
}"""


def _check_layout(tab, url: str, width: int) -> None:
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    assert tab.evaluate("document.documentElement.scrollWidth") <= width, url
    # The tables of the guide (At a glance) and of the comparison stay beside the sidebars.
    assert tab.evaluate(TABLES_UNDER_SIDEBARS) == [], url


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1024, 768), (1280, 900)])
def test_no_horizontal_overflow_on_any_page_type(browser, site_url, language, width, height):
    """Nothing is wider than the screen, and no table runs under the navigation or the table of
    contents: a wide table scrolls in its own box (the German comparison is wider than 1024 px)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    prefix = "" if language == "en" else f"{language}/"
    for path in PAGE_TYPES:
        _check_layout(tab, site_url + prefix + path, width)
    context.close()


@pytest.mark.parametrize("language", ["en", "de", "nl", "pl"])
def test_the_real_comparison_fits_the_screen(browser, real_site_url, language):
    """The project's own comparison, whose longest words (German, Dutch, Polish) made its tables
    wider than the screen at 1280 and 1440 px."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    tab = context.new_page()
    prefix = "" if language == "en" else f"{language}/"
    for width in (1024, 1280, 1440):
        tab.set_viewport_size({"width": width, "height": 900})
        _check_layout(tab, real_site_url + prefix + "compare/", width)
    context.close()


# The colours of a row of pixels of a screenshot (PNG), decoded by the browser itself.
DECODE_ROW = """async (url) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = 1;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, 1).data;
  const row = [];
  for (let i = 0; i < data.length; i += 4) row.push([data[i], data[i + 1], data[i + 2]]);
  return row;
}"""


def _edge_shading(tab, rect: dict) -> dict[str, int]:
    """How far the first and last 6 pixels of a row across ``rect`` differ from its middle (the
    page's colour): 0 to 2 where the box is plain, more where a shadow is drawn."""
    png = tab.screenshot(clip={"x": rect["x"], "y": rect["y"] + rect["height"] / 2, "width": rect["width"], "height": 1})
    row = tab.evaluate(DECODE_ROW, "data:image/png;base64," + base64.b64encode(png).decode())
    middle = row[len(row) // 2]

    def shading(pixels: list) -> int:
        return max(abs(a - b) for pixel in pixels for a, b in zip(pixel, middle, strict=True))

    return {"left": shading(row[:6]), "right": shading(row[-6:])}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_table_wider_than_a_phone_shows_that_it_scrolls(browser, site_url, scheme):
    """On a phone, "At a glance" is wider than the screen: it scrolls in its own box, and a shadow
    on the side where more of it lies says so (none where nothing more is)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    tab = context.new_page()
    tab.goto(site_url + "guides/alpha/")
    tab.wait_for_load_state("networkidle")
    box = tab.locator("#at-a-glance + .md-typeset__scrollwrap")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth + 50")  # a column is out of view
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    # The box's own background: the table hidden, the box in the middle of the screen.
    box.evaluate(
        "e => { e.querySelector('table').style.visibility = 'hidden'; e.scrollIntoView({block: 'center'}); }"
    )
    rect = box.bounding_box()
    rect = {**rect, "height": min(rect["height"], 844 - rect["y"])}
    at_start = _edge_shading(tab, rect)
    assert at_start["left"] <= 2 and at_start["right"] >= 30, at_start
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    at_end = _edge_shading(tab, rect)
    assert at_end["left"] >= 30 and at_end["right"] <= 2, at_end
    # A table that fits shows no shadow: the same box on a desktop screen.
    tab.set_viewport_size({"width": 1280, "height": 900})
    box.evaluate("e => { e.scrollLeft = 0; e.scrollIntoView({block: 'center'}); }")
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")
    rect = box.bounding_box()
    rect = {**rect, "height": min(rect["height"], 900 - rect["y"])}
    assert max(_edge_shading(tab, rect).values()) <= 2
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_reader_screenshots(browser, site_url, scheme, width, height):
    """What a reader sees first, on a phone and a desktop, light and dark: the page's title in
    view, the colour scheme the reader asked for, and nothing wider than the screen."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    tab = context.new_page()
    for name, path in (("home", ""), ("guide", "guides/alpha/"), ("compare", "compare/")):
        tab.goto(site_url + path)
        tab.wait_for_load_state("networkidle")
        heading = tab.locator("article h1")
        assert heading.is_visible(), (name, width, scheme)
        assert heading.bounding_box()["y"] < height, (name, width, scheme)  # above the fold
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, (name, width, scheme)
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
        assert (sum(channels) < 200) == (scheme == "dark"), (name, scheme, background)
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{name}-{width}-{scheme}.png"), full_page=False)
    context.close()


# -------------------------------------------------------------------------------------------
# The offline build (mkdocs.offline.yml): from a file share, and under a sub-path
# -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    """The offline build of the fixture site, in English and German (enough to switch language)."""
    project = fixture_project(tmp_path_factory.mktemp("offline") / "project")
    site_dir = project / "site-offline"
    result = mkdocs_build(
        project, site_dir, language=FIXTURE_LANGUAGE, today=TODAY, config="mkdocs.offline.yml"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


def test_offline_build_opened_from_a_file_share(page, offline_site: Path):
    from urllib.parse import unquote, urlparse

    requests = _requests_of(page)
    page.add_init_script(RECORD_VIOLATIONS)
    guide = offline_site / "guides" / "alpha.html"
    page.goto(guide.as_uri())
    page.wait_for_load_state("load")
    assert page.locator("article h1").inner_text().startswith("Alpha Social")
    # From file:// too, the policy's 'self' allows the site's own scripts (the step checklist
    # is made by one) and refuses nothing the page does.
    assert page.locator(".atlas-step-done").count() > 0
    assert _violations_of(page) == []
    # Every link to a page of the atlas opens a file: nothing ends in a folder, which a browser
    # would show as a directory listing.
    for href in page.eval_on_selector_all("a[href^='file:']", "links => links.map(a => a.href)"):
        target = Path(unquote(urlparse(href).path))
        assert target.is_file(), href
    # The snippet names the embed page as it exists in this build.
    snippet = page.locator(".atlas-embed-snippet code").inner_text()
    assert f'src="{(offline_site / "embed" / "alpha.html").as_uri()}"' in snippet
    page.locator(".md-select").first.hover()
    page.locator('a.md-select__link[hreflang="de"]').click()
    page.wait_for_load_state()
    assert page.url == (offline_site / "de" / "guides" / "alpha.html").as_uri()
    assert [u for u in requests if "sitemap.xml" in u] == []
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []


def test_offline_embed_snippet_works_under_a_sub_path(page, offline_site: Path, tmp_path: Path):
    server = _serve(_SubPath, offline_site)
    try:
        site = f"http://127.0.0.1:{server.server_port}{SUB_PATH}"
        page.goto(site + "guides/alpha.html")
        snippet = page.locator(".atlas-embed-snippet code").inner_text()
        assert f'src="{site}embed/alpha.html"' in snippet
        (tmp_path / "index.html").write_text(
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Intranet</title></head>"
            f"<body>{snippet}</body></html>"
        )
        host = _serve(_Quiet, tmp_path)
        try:
            page.goto(f"http://127.0.0.1:{host.server_port}/index.html")
            frame = page.frame_locator("#optout-atlas-alpha")
            assert frame.locator("h1").inner_text(timeout=15000).startswith("Alpha Social")
            page.wait_for_function(
                "() => document.getElementById('optout-atlas-alpha').style.height !== '1200px'",
                timeout=15000,
            )
        finally:
            host.shutdown()
    finally:
        server.shutdown()
