"""A contributor's worst valid input, through a real strict build and a real browser.

The fixture project has one platform whose every text holds what validation lets through but a
page must not act on: quotes that would end an attribute, ``&``, a lone ``<`` or ``>``,
backslashes, Markdown syntax (emphasis, code, brackets, emoji, table pipes, a ``#`` inside a
line), and addresses with ``)``, ``(``, ``*``, ``!``, ``$``,
``;``, ``,`` and ``=``; ``regions.yml`` and ``categories.yml`` too; in German, a data catalog
whose summary tries the refresh attack of the security review and a UI catalog with quotes.
(What validation rejects — tags, entities, control characters, newlines — is fed straight to
the templates in test_render_escaping.py.)

The pages must show every such text as written, make no element, attribute or link of it,
carry their Content-Security-Policy, and, in Chromium, run no dialog, go nowhere, load nothing
from another origin and break no rule of the policy, while search and tabs still work and the
embed page still renders in an iframe of another origin."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import EXAMPLE, ROOT, TODAY, mkdocs_build
from test_browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    RECORD_VIOLATIONS,
    SUB_PATH,
    _Quiet,
    _require_chromium,
    _serve,
    _SubPath,
)

from optout_atlas import escape, translation
from optout_atlas.dataset import load_dataset

pytestmark = pytest.mark.build

# Valid text that would act if it were printed raw, by class. (Validation refuses tags, which
# includes "<" before a letter, Markdown links, images, attribute lists, block syntax at the start
# of a line, and "[" or "]" in addresses; the unit tests of the escaper cover those.)
NAME = "Wolpertinger \"Q\" & Co \\ <3 'x'"
SUMMARY = '0;url=https://evil.example/" http-equiv="refresh" data-x=" & x <= 3 > 2: trains AI on posts'
TITLE = 'Turn off "AI" & training > 0 | now'
LABEL = "Use my data for 'AI' & more"
STEP_MARKDOWN = (
    "Open **Settings & Privacy**, then *not emphasis* _not_ `code` | [not a link] ~~x~~ "
    ":material-alert: .hidden ^example-help <3"
)
STEP_HASH = "Not a heading: # here, C:\\Users\\*\\ and a \\` backslash"
EVENT = 'Starts training | a | b | & "quotes" ]) ( [x]: https://evil.example/'
SOURCE_TITLE = 'Statement ] "x" & y [1]: https://evil.example/'
PUBLISHER = "A \\ publisher *x* <3"
REGION = 'Europe "EEA" & co <3 > 2 [x] *y*'
CATEGORY = 'Posts *and* "articles" & <3'
QUESTION = "Are my posts used? [x] | # no *maybe*"
MECHANISM_URL = "https://example.com/settings/a)b(c)*!$;,=?q=1&r=(2)#frag)x"
SOURCE_URL = "https://example.com/help/ai)(x)*_"
# The summaries try the review's refresh (through the description's attribute), in English
# and in the German data catalog; the German UI catalog's words carry quotes and handlers.
DE_SUMMARY = '0;url=https://evil.example/de" http-equiv="refresh" x=" & \\ <3: trainiert KI'
DE_STEP = 'Keine Überschrift: # hier, C:\\Benutzer\\* "jetzt" & | ok'
DE_OPEN = 'Öffne „%(platform)s“ " onclick="alert(1)" & \'x\''
DE_GUIDES = 'Anleitungen " onmouseover="alert(1)" & <3'


def _hostile_platform() -> dict:
    platform = yaml.safe_load(EXAMPLE)
    platform["name"] = NAME
    platform["owner"] = PUBLISHER
    platform["summary"]["text"] = SUMMARY
    mechanism = platform["mechanisms"][0]
    mechanism.update(title=TITLE, label=LABEL, url=MECHANISM_URL)
    mechanism["steps"]["web"] = [STEP_MARKDOWN, STEP_HASH]
    platform["events"][0]["text"] = EVENT
    platform["sources"][0].update(title=SOURCE_TITLE, publisher=PUBLISHER, url=SOURCE_URL)
    return platform


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The project with the hostile platform as its only one, hostile names in regions.yml and
    categories.yml, and German catalogs with hostile translations."""
    root = tmp_path_factory.mktemp("hostile") / "project"
    root.mkdir()
    for part in ("mkdocs.yml", "docs", "overrides", "locales"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    data = root / "data"
    (data / "platforms").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "schema", data / "schema")
    regions = (ROOT / "data" / "regions.yml").read_text(encoding="utf-8")
    (data / "regions.yml").write_text(
        regions.replace("name: European Economic Area", f"name: {_yaml(REGION)}")
    )
    categories = (ROOT / "data" / "categories.yml").read_text(encoding="utf-8")
    categories = categories.replace("name: Public posts and articles", f"name: {_yaml(CATEGORY)}")
    categories = categories.replace("question: Are my public posts used?", f"question: {_yaml(QUESTION)}")
    (data / "categories.yml").write_text(categories, encoding="utf-8")
    (data / "platforms" / "example.yml").write_text(
        yaml.safe_dump(_hostile_platform(), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    _german_catalogs(root)
    return root


def _yaml(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1000).removesuffix("\n...\n").strip()


def _german_catalogs(root: Path) -> None:
    """data.po for the hostile data (summary and a step translated), and the real ui.po with
    two translations replaced."""
    dataset = load_dataset(root / "data", today=TODAY)
    catalog = translation.extract_data(dataset, root=root)
    catalog.locale = translation.babel_locale("de")
    wanted = {"example|summary": DE_SUMMARY, "example|mechanisms.ai-setting.steps.web": DE_STEP}
    for message in catalog:
        if message.context in wanted and message.id in (SUMMARY, STEP_HASH):
            message.string = wanted[message.context]
    translation.write_catalog(catalog, translation.catalog_path(root / "locales", "de", "data"))
    path = translation.catalog_path(root / "locales", "de", "ui")
    ui = translation.read_catalog(path, "de")
    for message in ui:
        if message.id == "Open it on %(platform)s":
            message.string = DE_OPEN
        if message.id == "Guides":
            message.string = DE_GUIDES
    translation.write_catalog(ui, path)


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    site_dir = project / "site"
    result = mkdocs_build(project, site_dir, language="de", today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site_dir


def _page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text().split())


def _plain(text: str) -> str:
    return " ".join(text.replace("**", "").split())


PAGES = {
    "guide": "guides/example",
    "embed": "embed/example",
    "compare": "compare",
    "timeline": "timeline",
    "region": "regions/eea",
    "regions-index": "regions",
    "guides-index": "guides",
    "home": "",
    "guide-de": "de/guides/example",
    "embed-de": "de/embed/example",
    "compare-de": "de/compare",
    "region-de": "de/regions/eea",
}


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_no_page_has_markup_made_of_data(site, path):
    """What an attack would leave: event handlers, a refresh, scripts in the content, links or
    loads to another site, a second policy."""
    soup = _page(site, path)
    handlers = [f"{e.name}[{a}]" for e in soup.find_all(True) for a in e.attrs if a.lower().startswith("on")]
    assert handlers == []
    equiv = [m["http-equiv"] for m in soup.find_all("meta", attrs={"http-equiv": True})]
    assert equiv == ["Content-Security-Policy"]
    assert soup.find_all("meta", attrs={"name": "referrer"})[0]["content"] == "no-referrer"
    article = soup.select_one("article")
    assert (
        article.find_all(["script", "iframe", "object", "embed", "style", "meta", "base", "img", "form"])
        == []
    )
    assert [a["href"] for a in soup.find_all("a", href=True) if "evil.example" in a["href"]] == []
    assert [e.name for e in soup.find_all(src=True) if "evil.example" in e["src"]] == []
    assert not [
        a["href"] for a in soup.find_all("a", href=True) if a["href"].lower().startswith("javascript")
    ]
    assert not soup.select(".hidden")  # the attribute list in a step stayed text


def _german_title() -> str:
    words = translation.translator(ROOT / "locales", "de", "ui")(
        None, "%(platform)s: stop AI training on your data"
    )
    return words % {"platform": NAME}


@pytest.mark.parametrize(
    ("path", "title", "description"),
    [
        ("guides/example", f"{NAME}: stop AI training on your data", SUMMARY),
        ("embed/example", f"{NAME}: stop AI training on your data", SUMMARY),
        ("regions/eea", f"AI training in {REGION}", None),
        ("de/guides/example", "german", DE_SUMMARY),
        ("de/embed/example", "german", DE_SUMMARY),
    ],
    ids=["guide", "embed", "region", "guide-de", "embed-de"],
)
def test_title_and_description_read_as_written_in_every_attribute(site, path, title, description):
    """Class 1 of the review: quotes and entities in text that reaches <title>, <meta content>,
    og:title and og:description."""
    soup = _page(site, path)
    title = _german_title() if title == "german" else title
    assert soup.title.get_text() == f"{title} - AI Opt-Out Atlas"
    assert soup.find("meta", property="og:title")["content"] == title
    if description is not None:
        assert soup.find("meta", attrs={"name": "description"})["content"] == description
        assert soup.find("meta", property="og:description")["content"] == description


def _shown(element) -> str:
    """The text a reader sees of ``element``, without footnote numbers and heading anchors."""
    copy = BeautifulSoup(str(element), "html.parser")
    for extra in copy.select("sup, a.headerlink"):
        extra.decompose()
    return _text(copy)


STEPS = ".atlas-steps .tabbed-block:first-of-type ol > li"


@pytest.mark.parametrize(
    ("path", "selector", "expected", "whole"),
    [
        ("guides/example", "article h1", f"{NAME} and AI training", True),
        ("guides/example", ".atlas-lede", _plain(SUMMARY), True),
        ("guides/example", "h3#ai-setting", TITLE, True),
        ("guides/example", f"{STEPS}:nth-of-type(1)", _plain(STEP_MARKDOWN), True),
        ("guides/example", f"{STEPS}:nth-of-type(2)", STEP_HASH, True),
        ("guides/example", "#timeline + ul > li:first-child", EVENT, False),
        ("guides/example", ".atlas-meta", PUBLISHER, False),
        ("guides/example", "#fn\\:example-help", f"{SOURCE_TITLE}. {PUBLISHER}", False),
        ("embed/example", "article h1", f"{NAME} and AI training", True),
        ("embed/example", "article ul", REGION, False),
        ("compare", "th[scope=row] a", NAME, True),
        ("compare", "h3#posts", QUESTION, True),
        ("compare", ".atlas-compare td", CATEGORY, False),
        ("timeline", ".atlas-event--training-started", EVENT, False),
        ("regions/eea", "article h1", f"AI training in {REGION}", True),
        ("regions", ".atlas-region-picker", REGION, False),
        ("", ".atlas-platforms", NAME, False),
        ("de/guides/example", ".atlas-lede", DE_SUMMARY, True),
        ("de/guides/example", f"{STEPS}:nth-of-type(2)", DE_STEP, True),
    ],
    ids=[
        "guide-heading",
        "guide-summary",
        "guide-mechanism-title",
        "guide-step-markdown",
        "guide-step-hash-backslash",
        "guide-event",
        "guide-owner",
        "guide-footnote",
        "embed-heading",
        "embed-region",
        "compare-platform",
        "compare-category-question",
        "compare-category-name",
        "timeline-event",
        "region-heading",
        "regions-index",
        "home-cards",
        "guide-de-summary",
        "guide-de-step",
    ],
)
def test_text_is_shown_as_written(site, path, selector, expected, whole):
    """Classes 2, 3 and 5 of the review (as far as validation lets them through): the text of
    platform files, regions.yml, categories.yml and data.po reads as written, and none of its
    Markdown became emphasis, code, an image, a heading, a link or an attribute list."""
    elements = _page(site, path).select(selector)
    assert elements, selector
    shown = [_shown(element) for element in elements]
    assert (expected in shown) if whole else any(expected in text for text in shown), (shown, expected)
    for element in elements:
        made = element.find_all(["em", "code", "img"]) + element.select("a[href*=evil], .hidden, h1 h1")
        assert made == [], made


def test_addresses_are_links_to_exactly_the_data_address_percent_encoded(site):
    guide = _page(site, "guides/example")
    button = guide.select_one("#ai-setting ~ p a.md-button--primary")
    assert (
        button["href"]
        == escape.url(MECHANISM_URL)
        == ("https://example.com/settings/a%29b%28c%29%2A%21%24%3B,=?q=1&r=%282%29#frag%29x")
    )
    footnote = guide.select_one("#fn\\:example-help")
    links = [a["href"] for a in footnote.find_all("a", href=True) if not a["href"].startswith("#")]
    assert links == [escape.url(SOURCE_URL)] == ["https://example.com/help/ai%29%28x%29%2A_"]
    assert SOURCE_TITLE in _text(footnote)
    german = _page(site, "de/guides/example").select_one("#ai-setting ~ p a.md-button--primary")
    assert german["href"] == escape.url(MECHANISM_URL)
    assert _text(german) == DE_OPEN % {"platform": NAME}


def test_ui_translation_in_the_navigation_is_text(site):
    home = _page(site, "de")
    labels = [_text(item) for item in home.select(".md-nav--primary .md-nav__link")]
    assert DE_GUIDES in labels


def test_every_page_has_one_policy_without_the_placeholder(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 20
    for html_file in pages:
        text = html_file.read_text(encoding="utf-8")
        assert text.count('http-equiv="Content-Security-Policy"') == 1, html_file
        assert "atlas-content-security-policy" not in text, html_file


@pytest.mark.parametrize("feed", ["feed.xml", "de/feed.xml"])
def test_feeds_and_badges_are_well_formed_with_the_text(site, feed):
    root = ElementTree.fromstring((site / feed).read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    summaries = [entry.find(f"{atom}summary").text for entry in root.iter(f"{atom}entry")]
    assert EVENT in summaries
    badge = ElementTree.fromstring((site / feed.replace("feed.xml", "badges/example.svg")).read_bytes())
    assert NAME in badge.find("{http://www.w3.org/2000/svg}title").text


# -------------------------------------------------------------------------------------------
# In Chromium
# -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def site_url(site: Path):
    server = _serve(_SubPath, site)
    yield f"http://127.0.0.1:{server.server_port}{SUB_PATH}"
    server.shutdown()


class Watch:
    """What a page does that an attack would make it do."""

    def __init__(self, page, allowed_origins: tuple[str, ...]):
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.navigations: list[str] = []
        self.page = page
        page.on("dialog", self._dialog)
        page.on("framenavigated", lambda frame: self.navigations.append(frame.url))
        page.add_init_script(RECORD_VIOLATIONS)

        def route(route):
            url = route.request.url
            if url.startswith(allowed_origins) or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                self.foreign.append(url)
                route.abort()

        page.route("**/*", route)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def violations(self, frame=None) -> list[str]:
        return (frame or self.page).evaluate("window.atlasViolations || []")


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_hostile_pages_run_nothing_go_nowhere_and_load_only_from_the_site(browser, site_url, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    origin = site_url.split(SUB_PATH)[0]
    watch = Watch(page, (origin,))
    url = f"{site_url}{path}/" if path else site_url
    assert page.goto(url).status == 200
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1200)  # a refresh "after 0 seconds" would have happened by now
    # Point at what the data put on the page: a handler would fire now.
    for element in page.locator("article h1, article li, article td, article a.md-button").all()[:25]:
        if element.is_visible():
            element.hover(timeout=2000)
    assert watch.dialogs == []
    assert watch.foreign == []
    assert set(watch.navigations) == {url}
    assert page.url == url
    assert watch.violations() == []
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    context.close()


def test_the_policy_refuses_a_script_that_is_not_the_sites(browser, site_url):
    """The policy is in force: an inline script added to the page is refused and reported."""
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page, (site_url.split(SUB_PATH)[0],))
    page.goto(f"{site_url}guides/example/")
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.atlasInjected = true;";
                   document.body.appendChild(s); }"""
    )
    assert page.evaluate("window.atlasInjected === undefined")
    assert any(v.startswith("script-src") for v in watch.violations())
    context.close()


def test_search_and_tabs_still_work(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page, (site_url.split(SUB_PATH)[0],))
    page.goto(f"{site_url}guides/example/")
    page.wait_for_load_state("networkidle")
    # Tabs: the second surface's steps show when its label is clicked.
    tabs = page.locator(".atlas-steps .tabbed-set").first
    second = tabs.locator(".tabbed-labels label").nth(1)
    second.click()
    assert tabs.locator(".tabbed-block").nth(1).is_visible()
    assert not tabs.locator(".tabbed-block").nth(0).is_visible()
    # Search: the platform is found by its name; the result shows the name as text.
    page.keyboard.press("/")
    search = page.locator("input.md-search__input")
    search.press_sequentially("Wolpertinger", delay=40)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert "Wolpertinger" in results.first.inner_text()
    assert page.locator(".md-search-result i, .md-search-result img, .md-search-result script").count() == 0
    assert watch.dialogs == [] and watch.foreign == [] and watch.violations() == []
    context.close()


def test_embed_renders_in_an_iframe_of_another_origin(browser, site, site_url, tmp_path):
    snippet = _page(site, "guides/example").select_one(".atlas-embed-snippet code").get_text()
    snippet = snippet.replace("https://your-atlas-address.example/EMBED", f"{site_url}embed/example/")
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Intranet</title></head>"
        f"<body><h1>Intranet</h1>{snippet}</body></html>",
        encoding="utf-8",
    )
    host = _serve(_Quiet, tmp_path)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        host_origin = f"http://127.0.0.1:{host.server_port}"
        watch = Watch(page, (host_origin, site_url.split(SUB_PATH)[0]))
        page.goto(f"{host_origin}/index.html")
        frame = page.frame_locator("#optout-atlas-example")
        assert frame.locator("h1").inner_text(timeout=15000).startswith(f"{NAME} and AI training")
        page.wait_for_function(
            "() => document.getElementById('optout-atlas-example').style.height !== '1200px'", timeout=15000
        )
        embedded = next(f for f in page.frames if f.url.startswith(site_url))
        assert watch.dialogs == [] and watch.foreign == []
        assert watch.violations(embedded) == []
        assert page.url == f"{host_origin}/index.html"
        context.close()
    finally:
        host.shutdown()


def test_a_hand_written_page_with_script_or_refresh_stops_the_strict_build(project, tmp_path):
    """Markup that data cannot produce but a hand-written page could: the strict build names it,
    one line per problem, and publishes nothing."""
    copy = tmp_path / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site"))
    about = copy / "docs" / "about.md"
    about.write_text(
        about.read_text(encoding="utf-8")
        + '\n<meta http-equiv="refresh" content="0;url=https://evil.example/">\n\n'
        + "<script>alert(1)</script>\n\n"
        + '<p onclick="alert(1)">x</p>\n',
        encoding="utf-8",
    )
    result = mkdocs_build(copy, copy / "site", language="en", today=TODAY)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    warnings = [line for line in output.splitlines() if "the page's content has" in line]
    assert warnings == [
        "WARNING -  about.md: the page's content has a <meta> element, which no page may carry",
        "WARNING -  about.md: the page's content has a <script> element, which no page may carry",
        "WARNING -  about.md: the page's content has an onclick= attribute, which no page may carry",
    ]
    assert not (copy / "site").exists()
