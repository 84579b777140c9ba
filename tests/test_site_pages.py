"""The generated pages beyond the guides, in every language: comparison, category tables,
region pages, timeline and feeds.

Two builds: what the code does with each field is asserted on the fixture site (fixture
platforms ``alpha``, ``beta`` and ``gamma``, in English and German, on the pinned date); that every page of
the project's own data exists and agrees with that data is asserted on the real strict build."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup

from optout_atlas import views
from optout_atlas.translation import babel_locale

pytestmark = pytest.mark.build

LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "pt-BR", "id", "zh-Hant"]
ATOM = "{http://www.w3.org/2005/Atom}"


def page(site: Path, language: str, path: str) -> BeautifulSoup:
    prefix = "" if language == "en" else f"{language}/"
    return BeautifulSoup((site / f"{prefix}{path}").read_text(encoding="utf-8"), "html.parser")


def words(node) -> str:
    """The text a reader sees in a node, without footnote numbers and heading permalinks."""
    node = BeautifulSoup(str(node), "html.parser")
    for extra in node.select("sup, a.headerlink"):
        extra.decompose()
    return " ".join(node.get_text(" ").split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_page_and_says_so_in_its_lang(site, dataset, language):
    pages = [
        "index.html",
        "about/index.html",
        "compare/index.html",
        "timeline/index.html",
        "regions/index.html",
    ]
    pages += [f"guides/{p.id}/index.html" for p in dataset.platforms]
    pages += [f"regions/{code.lower()}/index.html" for code in views.region_codes(dataset.platforms)]
    for path in pages:
        html = page(site, language, path)
        # Material declares plain "pt" for its pt-BR interface; hreflang keeps the region.
        assert html.html["lang"] == {"pt-BR": "pt"}.get(language, language), path
        assert {link["hreflang"] for link in html.select('link[rel="alternate"][hreflang]')} >= set(
            LANGUAGES
        ), path


def test_comparison_has_every_platform_and_attribute(site, dataset):
    tables = page(site, "en", "compare/index.html").select("table.atlas-compare")
    table = tables[0]
    headers = [words(th) for th in table.select("thead th")]
    assert headers == [
        "Platform",
        "Used for AI training by default?",
        "How you can stop it",
        "Removes data already used?",
        "Data used",
        "Data not used",
        "Users under 18",
        "Licensed to other AI companies?",
        "Shared with",
        "Legal basis stated",
        "Policy confirmed on",
    ]
    # One table per group of platforms, in the groups' order; together they list every platform.
    rows = [row for table in tables for row in table.select("tbody tr")]
    grouped = [p.name for _kind, members in views.by_kind(dataset.platforms) for p in members]
    assert [words(row.th) for row in rows] == grouped
    assert sorted(grouped) == sorted(p.name for p in dataset.platforms)
    for row in rows:
        assert len(row.select("td")) == len(headers) - 1
        assert all(td.get("data-label") for td in row.select("td"))  # labels for the phone layout


def test_comparison_agrees_with_the_guides(site, dataset):
    """The same computed view feeds both; what a reader sees in each must match."""
    compare = page(site, "en", "compare/index.html")
    for platform in dataset.platforms:
        row = compare.select_one(f"tr#{platform.id}")
        cells = row.select("td")
        guide = page(site, "en", f"guides/{platform.id}/index.html")
        glance = guide.select_one("h2#at-a-glance + table")
        headers = [words(th) for th in glance.select("thead th")]
        status_at, retro_at = (
            headers.index("Is your data used for AI training?"),
            headers.index("Removes data already used?"),
        )
        guide_statuses = [words(tr.select("td")[status_at]) for tr in glance.select("tbody tr")]
        for status in guide_statuses:
            assert status in words(cells[0])
        guide_retro = {words(tr.select("td")[retro_at]) for tr in glance.select("tbody tr")} - {"—"}
        assert words(cells[2]) in (guide_retro or {"—"})
        verified = guide.select_one(".atlas-verified").get_text()
        assert words(cells[-1]) in verified


def test_one_table_per_data_category(site, dataset):
    compare = page(site, "en", "compare/index.html")
    for category in dataset.categories.values():
        heading = compare.select_one(f"h3#{category.id.replace('_', '-')}")
        assert words(heading).startswith(category.question)
        # The platforms that say something get a row; the others are named on one line below.
        section = []
        for node in heading.find_next_siblings():
            if node.name in ("h2", "h3"):
                break
            section.append(node)
        rows = [tr for node in section for tr in node.select("tbody tr")]
        silent = [node for node in section if "atlas-silent" in (node.get("class") or [])]
        silent_names = {words(a) for node in silent for a in node.select("a")}
        assert {words(tr.th) for tr in rows} | silent_names == {p.name for p in dataset.platforms}
        for platform, uses in views.category_table(dataset.platforms, category.id):
            answers = [words(tr.select("td")[0]) for tr in rows if words(tr.th) == platform.name]
            expected = {"used": "Used", "excluded": "Not used", "disputed": "Sources disagree"}
            assert [a.split(" (")[0] for a in answers] == [expected[u.status] for u in uses]
            assert (platform.name in silent_names) == (not uses)


def test_every_region_in_the_data_has_a_page_that_answers_for_each_platform(site, dataset):
    codes = views.region_codes(dataset.platforms)
    assert codes
    index = page(site, "en", "regions/index.html")
    for code in codes:
        assert index.select_one(f'a[href="{code.lower()}/"]'), code
        region = page(site, "en", f"regions/{code.lower()}/index.html")
        groups = [words(h) for h in region.select("article h2")]
        headings = [words(h) for h in region.select("article h3")]
        by_kind = views.by_kind(dataset.platforms)
        assert len(groups) == len(by_kind)
        assert headings == [p.name for _kind, members in by_kind for p in members]


def test_fixture_regions_are_the_regions_its_platforms_name(fixture_site, fixture_dataset):
    """A region page for each group or country a platform names, and one for every other country."""
    assert sorted(views.region_codes(fixture_dataset.platforms)) == ["CA", "EEA", "EU", "GB"]
    pages = sorted(p.name for p in (fixture_site / "regions").iterdir() if p.is_dir())
    assert pages == ["ca", "eea", "eu", "gb", "other"]
    other = page(fixture_site, "en", "regions/other/index.html")
    assert "Japan" in words(other.select_one("details"))  # a country no platform names


def test_canada_reader_finds_each_platform_and_its_steps_in_two_clicks(fixture_site):
    home = page(fixture_site, "en", "index.html")
    assert home.select_one('.atlas-region-picker a[href="regions/ca/"]')  # click 1
    canada = page(fixture_site, "en", "regions/ca/index.html")
    # Grouped by kind: social networks, AI assistants, then work and creative tools.
    assert [words(h) for h in canada.select("article h3")] == ["Alpha Social", "Gamma Chat", "Beta Forum", "Delta Notes"]
    alpha = canada.select_one("h3#alpha").find_next("ul")
    link = alpha.select_one("a")["href"]  # click 2 lands on the steps
    assert link == "../../guides/alpha/#ai-training-setting"
    guide = page(fixture_site, "en", "guides/alpha/index.html")
    assert guide.select_one("h3#ai-training-setting")  # the anchor exists


def test_timeline_is_in_date_order_with_localised_dates(site, dataset):
    for language in ("en", "de", "zh-Hant"):
        times = page(site, language, "timeline/index.html").select("ol.atlas-timeline time")
        stamps = [t["datetime"] for t in times]
        assert len(stamps) == sum(len(p.events) for p in dataset.platforms)
        assert stamps == sorted(stamps, reverse=True)
        day = next(
            t for t in times if len(t["datetime"]) == 10 and not words(t).startswith(("about", "etwa"))
        )
        expected = format_date(dt.date.fromisoformat(day["datetime"]), "long", locale=babel_locale(language))
        assert words(day) == expected


def test_german_pages_use_german_dates_and_region_names(fixture_site):
    guide = words(page(fixture_site, "de", "guides/alpha/index.html").select_one("article"))
    assert "3. November 2025" in guide  # the training start, 2025-11-03
    assert "etwa Juni 2025" in guide  # the approximate pause, 2025-06
    assert "Kanada" in guide
    english = words(page(fixture_site, "en", "guides/alpha/index.html").select_one("article"))
    assert "November 3, 2025" in english and "about June 2025" in english and "Canada" in english


@pytest.mark.parametrize("language", ["en", "de", "zh-Hant"])
def test_feed_is_valid_atom_newest_first(site, dataset, language):
    path = site / ("feed.xml" if language == "en" else f"{language}/feed.xml")
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{element}") is not None, element
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == sum(len(p.events) for p in dataset.platforms)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    for entry in entries:
        for element in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{ATOM}{element}"), element
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("guides/")
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.language == language


def test_every_page_links_its_languages_feed(fixture_site):
    head = page(fixture_site, "de", "guides/alpha/index.html").select_one('link[type="application/atom+xml"]')
    assert head["href"] == "../../feed.xml"  # relative to de/guides/alpha/ → de/feed.xml
    assert (fixture_site / "de" / "feed.xml").is_file()
    head = page(fixture_site, "en", "guides/alpha/index.html").select_one('link[type="application/atom+xml"]')
    assert head["href"] == "../../feed.xml"  # → feed.xml, the English one
    root = ET.parse(fixture_site / "de" / "feed.xml").getroot()
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert len([title for title in titles if title.startswith("Alpha Social")]) == 3
    assert len([title for title in titles if title.startswith("Gamma Chat")]) == 2


@pytest.mark.parametrize(
    ("built", "language"), [("site", "en"), ("site", "it"), ("fixture_site", "en"), ("fixture_site", "de")]
)
def test_no_markup_leaks_into_the_text(request, built, language):
    """Generated Markdown that did not render (a lost blank line, an unknown shortcode) shows up
    as stray syntax in the text a reader sees: on the real pages, and on the fixture's, which
    fill in every field."""
    site = request.getfixturevalue(built)
    root = site if language == "en" else site / language
    leftovers = ("{:", '=== "', "[^", ":material-", "**", "{{", "{%")
    for html_file in root.rglob("index.html"):
        if language == "en" and html_file.relative_to(site).parts[0] in LANGUAGES:
            continue
        article = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser").select_one("article")
        for code in article.select("pre, code"):
            code.decompose()  # code samples (the embed snippet) may contain anything
        text = words(article)
        found = [token for token in leftovers if token in text]
        assert not found, f"{html_file.relative_to(site)}: {found}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_json_ld_howto_matches_the_steps_in_the_yaml(site, dataset, language):
    import json

    from conftest import ROOT

    from optout_atlas import structured
    from optout_atlas.translation import localize

    localized = localize(dataset, language, ROOT / "locales")
    for platform in localized.platforms:
        html = page(site, language, f"guides/{platform.id}/index.html")
        graph = json.loads(html.select_one('script[type="application/ld+json"]').string)["@graph"]
        stopping = [m for m in platform.mechanisms if m.kind in views.STOPPING_KINDS]
        assert [item["name"] for item in graph] == [structured.plain(m.title) for m in stopping]
        for item, mechanism in zip(graph, stopping, strict=True):
            assert item["@type"] == "HowTo" and item["inLanguage"] == language
            steps = [[s["text"] for s in section["itemListElement"]] for section in item["step"]]
            assert steps == [
                [structured.plain(s) for s in mechanism.steps[surface]] for surface in mechanism.surfaces
            ]


def test_comparison_has_faq_json_ld_for_every_question(site, dataset):
    import json

    html = page(site, "en", "compare/index.html")
    faq = json.loads(html.select_one('script[type="application/ld+json"]').string)
    assert faq["@type"] == "FAQPage"
    assert [q["name"] for q in faq["mainEntity"]] == [c.question for c in dataset.categories.values()]


def test_open_graph_and_descriptions_in_the_pages_language(fixture_site):
    german = page(fixture_site, "de", "guides/alpha/index.html")
    english = page(fixture_site, "en", "guides/alpha/index.html")
    assert german.select_one('meta[property="og:locale"]')["content"] == "de"
    assert english.select_one('meta[property="og:locale"]')["content"] == "en"
    assert german.select_one('meta[property="og:title"]')["content"].startswith("Alpha Social")
    for html, start in ((german, "Alpha trainiert KI"), (english, "Alpha trains AI")):
        description = html.select_one('meta[name="description"]')["content"]
        assert description.startswith(start)  # the summary, translated where the catalog has it
        assert description == html.select_one('meta[property="og:description"]')["content"]


def test_descriptions_are_plain_text(fixture_site):
    """A search result or a link preview shows the description as it is: no Markdown in it."""
    for language in ("en", "de"):
        for path in ("guides/alpha/index.html", "embed/alpha/index.html"):
            html = page(fixture_site, language, path)
            for selector in ('meta[name="description"]', 'meta[property="og:description"]'):
                assert "**" not in html.select_one(selector)["content"], (language, path, selector)


def test_guide_lists_its_myths_with_their_sources(fixture_site):
    html = page(fixture_site, "en", "guides/alpha/index.html")
    items = html.select_one("h2#myths").find_next("ul").find_all("li", recursive=False)
    assert [words(item) for item in items] == [
        "Posting a notice on your profile that forbids AI training does not stop it.",
        "Deleting the app does not switch AI training off.",
    ]
    assert items[1].select_one("strong").get_text() == "AI training"  # a label, in bold
    # Each myth cites its sources: one footnote for the blog, two for the help page and the news.
    cited = [[footnote(html, ref) for ref in item.select("a.footnote-ref")] for item in items]
    assert cited == [
        ["https://blog.example.net/alpha-opt-out"],
        ["https://alpha.example/help/ai", "https://news.example.org/alpha-ai"],
    ]
    beta = page(fixture_site, "en", "guides/beta/index.html")
    assert beta.select_one("h2#myths") is None  # no myths, no empty section


def footnote(html: BeautifulSoup, ref) -> str:
    """The address of the source a footnote reference points at."""
    target = html.select_one(f'[id="{ref["href"][1:]}"]')
    assert target is not None, ref
    link = target.select_one("a[href^='https://']")
    assert link is not None, target
    return str(link["href"])


def test_the_colour_scheme_toggle_speaks_each_pages_language(site):
    """Material's light/dark toggle (the title of its button, the names of its options) in each
    language's own words, on every kind of page. The i18n plugin merges each language's names
    into one shared configuration, so a language without its own names would show the previous
    language's: each language's must differ from every other's."""
    english = ("Switch to light mode", "Switch to dark mode", "Switch to system preference")
    seen: dict[str, tuple[str, ...]] = {}
    for language in LANGUAGES:
        for path in ("index.html", "guides/linkedin/index.html", "compare/index.html", "regions/index.html"):
            palette = page(site, language, path).select_one('form[data-md-component="palette"]')
            titles = tuple(label["title"] for label in palette.select("label"))
            assert sorted(titles) == sorted(i["aria-label"] for i in palette.select("input")), (language, path)
            assert titles == seen.setdefault(language, titles), (language, path)
        assert (seen[language] == english) == (language == "en"), (language, seen[language])
    assert len(set(seen.values())) == len(LANGUAGES)
