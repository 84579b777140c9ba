"""Real, strict MkDocs builds: what a reader gets, and what a failed build leaves behind.

The guides are checked on the project's data (every platform has a guide that shows all of its
data) and on the fixture platforms, which fill in every field of the schema."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import TODAY, fixture_project, mkdocs_build

pytestmark = pytest.mark.build


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def plain(text: str) -> str:
    """Data text as it reads on the page: bold markers gone, white space folded."""
    return " ".join(text.replace("**", "").split())


@pytest.fixture(params=["site", "fixture_site"])
def built(request) -> tuple[Path, object]:
    """A built site and the dataset it was built from: the project's, then the fixture's."""
    if request.param == "site":
        return request.getfixturevalue("site"), request.getfixturevalue("dataset")
    return request.getfixturevalue("fixture_site"), request.getfixturevalue("fixture_dataset")


def test_every_platform_has_a_guide_and_the_home_page_links_it(built):
    site, dataset = built
    assert sorted(p.stem for p in (dataset.data_dir / "platforms").glob("*.yml")) == sorted(
        p.id for p in dataset.platforms
    )
    names = [p.name for p in dataset.platforms]
    assert names == sorted(names, key=str.casefold)  # readers find a service by its name
    home = page(site, "index.html")
    cards = home.select(".atlas-platforms")
    assert cards, "home page has no platform cards"
    for platform in dataset.platforms:
        assert (site / "guides" / platform.id / "index.html").is_file()
        assert home.select_one(f'.atlas-platforms a[href="guides/{platform.id}/"]'), platform.id
        assert any(platform.name in grid.get_text() for grid in cards)


def test_guide_shows_summary_steps_links_and_footnotes(built):
    site, dataset = built
    for platform in dataset.platforms:
        html = page(site, f"guides/{platform.id}/index.html")
        content = html.select_one("article")
        assert content.h1.get_text(strip=True).startswith(platform.name)
        glance = content.select_one("h2#at-a-glance + table")
        assert glance is not None, platform.id
        assert len(glance.select("tbody tr")) == len(platform.defaults)

        for mechanism in platform.mechanisms:
            heading = content.select_one(f"h3#{mechanism.id}")
            assert heading is not None, (platform.id, mechanism.id)
            block = []
            for sibling in heading.find_next_siblings():
                if sibling.name in ("h2", "h3"):
                    break
                block.append(sibling)
            tabs = [
                t
                for b in block
                for t in ([b] if "tabbed-set" in (b.get("class") or []) else b.select(".tabbed-set"))
            ]
            assert len(tabs) == 1, (platform.id, mechanism.id)
            lists = tabs[0].select(".tabbed-block > ol")
            assert [len(ol.find_all("li", recursive=False)) for ol in lists] == [
                len(mechanism.steps[s]) for s in mechanism.surfaces
            ]
            for ol, surface in zip(lists, mechanism.surfaces, strict=True):
                items = [" ".join(li.get_text().split()) for li in ol.find_all("li", recursive=False)]
                assert items == [plain(step) for step in mechanism.steps[surface]]
            if mechanism.url:
                assert any(a.get("href") == mechanism.url for b in block for a in b.select("a.md-button"))

        footnotes = content.select(".footnote ol > li")
        assert len(footnotes) == len(platform.sources)
        footnote_text = content.select_one(".footnote").decode()
        for source in platform.sources.values():
            assert f'href="{source.url}"' in footnote_text.replace("&amp;", "&"), source.id
        for ref in content.select("a.footnote-ref"):
            assert content.select_one(f'[id="{ref["href"][1:]}"]') is not None


def test_disputes_and_unconfirmed_steps_are_visible(built):
    site, dataset = built
    for platform in dataset.platforms:
        content = page(site, f"guides/{platform.id}/index.html").select_one("article").get_text()
        for dispute in platform.disputes:
            assert plain(dispute.topic) in " ".join(content.split())
        for mechanism in platform.mechanisms:
            if mechanism.last_verified is None:
                assert "Not yet confirmed by a dated source" in content


def test_fixture_guide_shows_every_field(fixture_site):
    """Each optional field of the fixture platform ``alpha`` where a reader looks for it."""
    article = page(fixture_site, "guides/alpha/index.html").select_one("article")
    text = plain(article.get_text())
    for shown in (
        "Alpha, Alpha Messenger",  # products
        "Alpha Corp",  # owner
        "Legitimate interest",  # defaults: legal_basis
        "Training paused while the privacy commissioner looks into it.",  # defaults: note
        "The platform says profiles are not used; a newspaper reports that they are.",  # disputed data
        "Model Labs",  # sharing without regions
        "Alpha shares activity data with partners to show ads.",  # sharing with regions
        "This address comes from a third-party guide; the platform does not publish it.",  # url_note
        "Models already trained.",  # does_not_cover
        "Sharing with partners for ads.",
        "The setting does not remove data already used.",  # caveats
        "Whether profiles are used",  # disputes: topic
        "Alpha Terms of Service",  # watch
        "Alpha AI help page",
        "Read in a copy; the original page was unavailable.",  # sources: note
    ):
        assert shown in text, shown
    # minutes, per mechanism
    assert "about 2 min" in text and "about 10 min" in text
    # An approximate date says so; an exact one does not.
    assert "about June 2025" in text and "about November 3, 2025" not in text
    # Surfaces: web, iPhone and iPad, Android for one mechanism; the shared app for the other.
    labels = [
        [plain(label.get_text()) for label in tabs.select(".tabbed-labels > label")]
        for tabs in article.select(".tabbed-set")
    ]
    assert [tabs for tabs in labels if tabs] == [
        ["Web browser", "iPhone and iPad", "Android"],
        ["iOS and Android app"],
    ]
    # Sources: the archived version and the copy that was read are linked beside the original.
    links = {a["href"] for a in article.select(".footnote a[href]")}
    assert {
        "https://github.com/OpenTermsArchive/contrib-versions/blob/0123456789abcdef0123456789abcdef01234567/Alpha/Terms%20of%20Service.md",
        "https://copy.example.net/statement",
    } <= links
    # The German label sits beside the English one on German pages only.
    german = plain(page(fixture_site, "de/guides/alpha/index.html").select_one("article").get_text())
    assert "KI-Training" in german.split("Bei Alpha Social öffnen")[0]
    assert "KI-Training" not in text


def test_a_dispute_keeps_its_paragraphs(fixture_site):
    """The schema lets a dispute's text hold paragraphs, separated by a blank line."""
    article = page(fixture_site, "guides/alpha/index.html").select_one("article")
    dispute = article.select_one("h3#whether-profiles-are-used").find_next_siblings("p")[:2]
    assert dispute[1].select("sup a[href^='#fn']"), "the sources follow the last paragraph"
    for reference in (sup for p in dispute for sup in p.select("sup")):
        reference.decompose()
    assert [plain(p.get_text()) for p in dispute] == [
        "The platform's help page says profiles are not used for training.",
        "A newspaper reports that profile photos are; this guide shows the data as disputed.",
    ]


def test_fixture_guide_without_optional_fields_leaves_out_their_sections(fixture_site):
    sections = {
        name: [h.get("id") for h in page(fixture_site, f"guides/{name}/index.html").select("article h2")]
        for name in ("alpha", "beta")
    }
    assert sections == {
        "alpha": ["answer", "at-a-glance", "data", "mechanisms", "myths", "timeline", "disputes", "embed", "sources"],
        "beta": ["answer", "at-a-glance", "data", "mechanisms", "embed", "sources"],  # no myths, events or disputes
    }
    article = page(fixture_site, "guides/beta/index.html").select_one("article")
    assert article.select_one("h3#sharing") is None
    notice = article.select_one("p.atlas-stale")  # last_verified is overdue: one line, with the date
    assert notice and "Policy confirmed on January 10, 2026: it may have changed since." in plain(notice.get_text())
    alpha = page(fixture_site, "guides/alpha/index.html").select_one("article")
    assert alpha.select_one(".atlas-stale") is None


_RESOURCE = re.compile(r"<(script|link|img|iframe)\b[^>]*>", re.IGNORECASE)
_FOREIGN = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_no_third_party_resources(site):
    # Pages that load something from another host (a script, a style sheet, a font, an image
    # or a frame). Links to other sites are fine, and so are a page's alternate and canonical
    # addresses. A regular expression over the tags: parsing every page of ten languages with
    # an HTML parser took most of a minute.
    checked = 0
    for html_file in site.rglob("*.html"):
        for tag in _RESOURCE.finditer(html_file.read_text(encoding="utf-8")):
            text = tag.group(0)
            if tag.group(1).lower() == "link" and re.search(r"""rel=["']?(alternate|canonical)\b""", text):
                continue
            assert not _FOREIGN.search(text), f"{html_file}: {text}"
            checked += 1
    assert checked > 1000


# -------------------------------------------------------------------------------------------
# A failed build never destroys the last good site
# -------------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, fixture_site: Path) -> Path:
    """The fixture project with data and pages of its own to break, whose site/ holds the last
    good build: the shared fixture build, hard-linked (builds never write into an existing
    site/; they replace it whole)."""
    target = fixture_project(tmp_path / "project", editable=("data", "docs"))
    shutil.copytree(fixture_site, target / "site", copy_function=os.link)
    return target


def test_bad_data_fails_before_the_site_is_touched(project: Path):
    site_dir = project / "site"
    before = (site_dir / "index.html").read_bytes()
    guides = sorted(p.name for p in (site_dir / "guides").iterdir())

    alpha = project / "data" / "platforms" / "alpha.yml"
    text = alpha.read_text()
    assert "url: https://alpha.example/terms" in text and "  - regions: [EU, EEA, GB]" in text
    text = text.replace("url: https://alpha.example/terms", "url: http://alpha.example/terms", 1)
    text = text.replace("  - regions: [EU, EEA, GB]", "  - regions: [EU, EEA, UK]", 1)
    alpha.write_text(text)

    result = mkdocs_build(project, site_dir, language="en", today=TODAY)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 2
    assert all(re.match(r"ERROR\s+-\s+data/platforms/alpha\.yml:\d+:\d+: \S+: ", line) for line in errors)
    assert "the site directory was left as it was" in output
    assert (site_dir / "index.html").read_bytes() == before
    assert sorted(p.name for p in (site_dir / "guides").iterdir()) == guides


def test_a_build_failing_late_keeps_the_previous_site(project: Path):
    site_dir = project / "site"
    before = (site_dir / "about" / "index.html").read_bytes()

    about = project / "docs" / "about.md"
    about.write_text(about.read_text() + "\nSee [a page that does not exist](missing.md).\n")
    result = mkdocs_build(project, site_dir, language="en", today=TODAY)
    assert result.returncode == 1
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr
    assert (site_dir / "about" / "index.html").read_bytes() == before
    assert not (project / "site.partial").exists()

    about.write_text(about.read_text().replace("See [a page that does not exist](missing.md).", "Fixed."))
    assert mkdocs_build(project, site_dir, language="en", today=TODAY).returncode == 0
    assert (site_dir / "about" / "index.html").read_bytes() != before
    assert not (project / "site.partial").exists() and not (project / "site.previous").exists()
