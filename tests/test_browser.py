"""The site in a real browser (Debian's Chromium driven by Playwright): served under a sub-path,
embedded in a page on another origin, and never contacting another host.

What the pages do (language switcher, search, embedding, checklists, keyboard use, accessibility,
the offline build) is tried on the fixture site, whose platforms fill in every field; that each
real guide prints on one page is tried on the project's own site.

Screenshots are saved under ``tests/artifacts/`` for people to look at."""

from __future__ import annotations

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


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    "path", ["", "guides/alpha/", "guides/beta/", "compare/", "timeline/", "embed/alpha/", "regions/ca/"]
)
def test_axe_finds_no_wcag_violations(browser, site_url, language, path, scheme):
    _require_axe()  # before any page is loaded
    # axe is injected as an inline script, which the page's Content-Security-Policy refuses (as
    # it would any script that is not the site's own): this context does not enforce it.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True
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
    assert page.url == site_url + "guides/alpha/#ai-training-setting"  # the first platform's first way


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
