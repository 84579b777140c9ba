"""The internal link checker: hand-made sites with each kind of broken link, and the real build."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from optout_atlas.tools import cli
from optout_atlas.tools.sitecheck import BrokenLink, check_site, scan_site

PAGE = """<!doctype html>
<html><head><link rel="stylesheet" href="{up}assets/site.css"></head>
<body><h1 id="top-heading">Title</h1><p id="fnref:1">Text<sup><a href="#fn:1">1</a></sup></p>
{body}
<div class="footnote"><ol><li id="fn:1"><a href="#fnref:1">↩</a></li></ol></div>
</body></html>
"""


def write(site: Path, name: str, body: str = "") -> None:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(up="../" * name.count("/"), body=body), encoding="utf-8")


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """A valid three-page site (plus a language folder) to add one link to."""
    site = tmp_path / "site"
    write(site, "index.html", '<a href="guides/">Guides</a>')
    write(site, "guides/index.html", '<h2 id="meta">Meta</h2><a name="legacy"></a><a href="../">Home</a>')
    write(site, "fr/index.html", '<a href="../guides/#meta">Guides</a>')
    write(site, "my guide.html")
    (site / "assets").mkdir()
    (site / "assets" / "site.css").write_text("body {}")
    (site / "assets" / "logo.png").write_bytes(b"\x89PNG")
    # MkDocs writes the error page with root-absolute URLs; it must not count as broken.
    (site / "404.html").write_text('<link href="/assets/site.css"><a href="/missing/">Home</a>')
    return site


def test_a_valid_site_has_no_broken_links(tiny_site: Path):
    scan = scan_site(tiny_site)
    assert scan.broken == []
    assert scan.pages == 4  # 404.html is exempt
    assert scan.links == 4 * 3 + 1 + 1 + 1  # stylesheet and two footnote links each, plus the body links


@pytest.mark.parametrize(
    "url",
    [
        "guides/",
        "guides",
        "guides/index.html",
        "guides/#meta",
        "guides/#legacy",  # <a name> is an anchor too
        "#fn:1",
        "#fnref%3A1",  # percent-encoded fragment
        "#",  # top of the page
        "#top",  # top of the page, by HTML's rules
        "",
        ".",
        "?q=1",
        "my%20guide.html",
        "assets/logo.png",
        "https://example.com/missing",
        "http://example.com/",
        "mailto:someone@example.com",
        "tel:+3312345678",
        "data:image/png;base64,AAAA",
    ],
)
def test_links_that_resolve_are_not_reported(tiny_site: Path, url: str):
    write(tiny_site, "index.html", f'<a href="{url}">link</a>')
    assert check_site(tiny_site) == []


@pytest.mark.parametrize(
    ("html", "target", "reason"),
    [
        ('<a href="missing/">x</a>', "missing/", "no such file in the site: missing/index.html"),
        ('<a href="guide.html">x</a>', "guide.html", "no such file in the site: guide.html"),
        ('<img src="assets/nope.png">', "assets/nope.png", "no such file in the site: assets/nope.png"),
        (
            '<img src="assets/logo.png" srcset="assets/logo.png 1x, assets/logo@2x.png 2x">',
            "assets/logo@2x.png",
            "no such file in the site: assets/logo@2x.png",
        ),
        ('<script src="app.js"></script>', "app.js", "no such file in the site: app.js"),
        ('<a href="guides/#metaa">x</a>', "guides/#metaa", "no id 'metaa' in guides/index.html"),
        ('<a href="#fn:2">x</a>', "#fn:2", "no id 'fn:2' in index.html"),
        ('<a href="../outside.html">x</a>', "../outside.html", "points outside the site"),
        (
            '<link rel="stylesheet" href="/assets/site.css">',
            "/assets/site.css",
            "root-absolute path: it breaks when the site is served under a sub-path; use a relative URL",
        ),
        (
            '<script src="//cdn.example.com/app.js"></script>',
            "//cdn.example.com/app.js",
            "protocol-relative URL: it leaves the site; use a relative URL",
        ),
        (
            '<a href="file:///home/me/site/index.html">x</a>',
            "file:///home/me/site/index.html",
            "unexpected 'file:' URL: it does not work on the published site",
        ),
    ],
)
def test_each_kind_of_broken_link_is_reported_as_page_target_reason(
    tiny_site: Path, html: str, target: str, reason: str
):
    write(tiny_site, "index.html", html)
    broken = check_site(tiny_site)
    assert [str(link) for link in broken if link.page == "index.html"] == [f"index.html → {target}: {reason}"]


def test_pages_in_language_folders_are_checked(tiny_site: Path):
    write(tiny_site, "fr/index.html", '<a href="../guides/#meta">ok</a><a href="../guides/#rien">x</a>')
    assert check_site(tiny_site) == [
        BrokenLink("fr/index.html", "../guides/#rien", "no id 'rien' in guides/index.html")
    ]


def test_a_link_used_many_times_is_reported_once_with_its_count(tiny_site: Path):
    write(tiny_site, "index.html", '<a href="#gone">1</a>' * 3)
    assert [str(link) for link in check_site(tiny_site)] == [
        "index.html → #gone: no id 'gone' in index.html (3 times)"
    ]


def test_atom_feed_links_are_checked(tiny_site: Path):
    (tiny_site / "feed.xml").write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<link href="index.html"/><link rel="alternate" href="https://example.com/"/>'
        '<entry><link href="guides/gone/"/></entry></feed>'
    )
    (tiny_site / "sitemap.xml").write_text("<urlset><url><loc>/not/checked/</loc></url></urlset>")
    assert [str(link) for link in check_site(tiny_site)] == [
        "feed.xml → guides/gone/: no such file in the site: guides/gone/index.html"
    ]


# -------------------------------------------------------------------------------------------
# The real site
# -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built_site(site: Path) -> Path:
    """The project's site, built once per run (see conftest.py)."""
    return site


@pytest.mark.build
def test_the_built_site_has_no_broken_internal_links(built_site: Path):
    start = time.perf_counter()
    scan = scan_site(built_site)
    elapsed = time.perf_counter() - start
    print(f"\ncheck-site: {scan.links} internal links in {scan.pages} pages checked in {elapsed:.3f} s")
    assert scan.broken == []
    assert scan.pages >= 7 and scan.links > 1000


@pytest.mark.build
def test_breaking_links_in_a_built_page_reports_exactly_those_links(built_site: Path, tmp_path: Path):
    site = shutil.copytree(built_site, tmp_path / "site", copy_function=os.link)  # hard links: fast
    page = site / "de" / "guides" / "linkedin" / "index.html"
    html = page.read_text(encoding="utf-8")
    for old, new in (
        ('href="../../compare/"', 'href="../../compare-all/"'),
        ('href="#timeline"', 'href="#timelines"'),
    ):
        assert old in html
        html = html.replace(old, new, 1)
    page.unlink()  # a new file, so that the built site's hard-linked one stays as it was
    page.write_text(html, encoding="utf-8")
    assert [str(link) for link in check_site(site)] == [
        "de/guides/linkedin/index.html → #timelines: no id 'timelines' in de/guides/linkedin/index.html",
        "de/guides/linkedin/index.html → ../../compare-all/: no such file in the site: de/compare-all/index.html",
    ]


# -------------------------------------------------------------------------------------------
# optout-atlas check-site
# -------------------------------------------------------------------------------------------


@pytest.fixture
def check_site_command(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("cmd_sitecheck",))
    return lambda *args: cli.main(["check-site", *args])


def test_command_prints_each_broken_link_and_exits_1(tiny_site: Path, check_site_command, capsys):
    write(tiny_site, "index.html", '<a href="/guides/">x</a><a href="missing.html">y</a>')
    assert check_site_command(str(tiny_site)) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "index.html → /guides/: root-absolute path: it breaks when the site is served under a sub-path; use a relative URL",
        "index.html → missing.html: no such file in the site: missing.html",
    ]
    assert err.strip() == f"2 broken links among 16 internal links in 4 pages of {tiny_site}"


def test_command_on_a_good_site_says_ok(tiny_site: Path, check_site_command, capsys):
    assert check_site_command(str(tiny_site)) == 0
    assert capsys.readouterr().out.startswith("ok: 15 internal links in 4 pages")


def test_command_without_a_built_site_explains(tmp_path: Path, check_site_command, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert check_site_command() == 1
    assert (
        capsys.readouterr().err.strip() == "site: no built site here (no index.html); run mkdocs build first"
    )
