"""Real, strict MkDocs builds: what a reader gets, and what a failed build leaves behind."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, mkdocs_build

pytestmark = pytest.mark.build

PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "data", "locales")


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def plain(text: str) -> str:
    """Data text as it reads on the page: bold markers gone, white space folded."""
    return " ".join(text.replace("**", "").split())


def test_every_platform_has_a_guide_and_the_home_page_links_it(site, dataset):
    assert len(dataset.platforms) >= 4
    home = page(site, "index.html")
    cards = home.select(".atlas-platforms")
    assert cards, "home page has no platform cards"
    for platform in dataset.platforms:
        assert (site / "guides" / platform.id / "index.html").is_file()
        assert home.select_one(f'.atlas-platforms a[href="guides/{platform.id}/"]'), platform.id
        assert platform.name in cards[0].get_text()


def test_guide_shows_summary_steps_links_and_footnotes(site, dataset):
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


def test_disputes_and_unconfirmed_steps_are_visible(site, dataset):
    for platform in dataset.platforms:
        content = page(site, f"guides/{platform.id}/index.html").select_one("article").get_text()
        for dispute in platform.disputes:
            assert plain(dispute.topic) in " ".join(content.split())
        for mechanism in platform.mechanisms:
            if mechanism.last_verified is None:
                assert "Not yet confirmed by a dated source" in content


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
def project(tmp_path: Path, site: Path) -> Path:
    """A copy of the project whose site/ holds the last good build: the shared real build,
    hard-linked (builds never write into an existing site/; they replace it whole)."""
    target = tmp_path / "project"
    target.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / part)
    shutil.copytree(site, target / "site", copy_function=os.link)
    return target


def test_bad_data_fails_before_the_site_is_touched(project: Path):
    site_dir = project / "site"
    before = (site_dir / "index.html").read_bytes()
    guides = sorted(p.name for p in (site_dir / "guides").iterdir())

    linkedin = project / "data" / "platforms" / "linkedin.yml"
    text = linkedin.read_text()
    text = text.replace("url: https://", "url: http://", 1)
    text = text.replace("regions: [EU, EEA, CH, GB", "regions: [EU, EEA, CH, UK", 1)
    linkedin.write_text(text)

    result = mkdocs_build(project, site_dir, language="en")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 2
    assert all(re.match(r"ERROR\s+-\s+data/platforms/linkedin\.yml:\d+:\d+: \S+: ", line) for line in errors)
    assert "the site directory was left as it was" in output
    assert (site_dir / "index.html").read_bytes() == before
    assert sorted(p.name for p in (site_dir / "guides").iterdir()) == guides


def test_a_build_failing_late_keeps_the_previous_site(project: Path):
    site_dir = project / "site"
    before = (site_dir / "about" / "index.html").read_bytes()

    about = project / "docs" / "about.md"
    about.write_text(about.read_text() + "\nSee [a page that does not exist](missing.md).\n")
    result = mkdocs_build(project, site_dir, language="en")
    assert result.returncode == 1
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr
    assert (site_dir / "about" / "index.html").read_bytes() == before
    assert not (project / "site.partial").exists()

    about.write_text(about.read_text().replace("See [a page that does not exist](missing.md).", "Fixed."))
    assert mkdocs_build(project, site_dir, language="en").returncode == 0
    assert (site_dir / "about" / "index.html").read_bytes() != before
    assert not (project / "site.partial").exists() and not (project / "site.previous").exists()
