"""Translated hand-written pages (docs/<page>.<lang>.md) record the English page they were made
from; when the English page changes they are reported stale, and the site says so on them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from optout_atlas import translated_pages
from optout_atlas.render import Templates
from optout_atlas.tools.cli import main

LANGUAGES = ["de", "fr", "pt-BR", "zh-Hant"]


@pytest.fixture
def docs(data_dir: Path, monkeypatch: pytest.MonkeyPatch, pinned_today) -> Path:
    """A project with the example data, German and Brazilian catalogs, and one English page
    translated twice (translations not yet tracked)."""
    tmp_path = data_dir.parent
    shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "about.md").write_text("---\ntitle: About\n---\n\n# About\n\nWe check facts.\n")
    (folder / "about.de.md").write_text("---\ntitle: Über uns\n---\n\n# Über uns\n\nWir prüfen Fakten.\n")
    (folder / "about.pt-BR.md").write_text("# Sobre\n\nVerificamos fatos.\n")  # no front matter
    monkeypatch.chdir(tmp_path)
    for language in ("de", "pt-BR"):
        assert main(["translations", "--init", language]) == 0
    return folder


def states(docs: Path) -> dict[str, str]:
    return {page.path.name: page.state for page in translated_pages.translated_pages(docs, LANGUAGES)}


def test_every_translated_page_of_the_project_is_tracked_and_current():
    pages = translated_pages.translated_pages(ROOT / "docs", [*LANGUAGES, "es", "it", "nl", "pl", "id"])
    assert len(pages) >= 18
    assert {page.path.name: page.state for page in pages if page.state != "current"} == {}


def test_untracked_then_marked_then_stale(docs: Path, capsys):
    assert states(docs) == {"about.de.md": "untracked", "about.pt-BR.md": "untracked"}
    assert main(["translations", "--check"]) == 1
    out = capsys.readouterr().out
    assert (
        "docs/about.de.md: does not record which version of docs/about.md it translates;"
        " run `optout-atlas translations --mark-translated docs/about.de.md` once it matches"
    ) in out

    assert main(["translations", "--mark-translated", "docs/about.de.md", "docs/about.pt-BR.md"]) == 0
    assert states(docs) == {"about.de.md": "current", "about.pt-BR.md": "current"}
    german = (docs / "about.de.md").read_text()
    assert german.startswith("---\ntitle: Über uns\ntranslated_from: ")
    assert german.endswith("---\n\n# Über uns\n\nWir prüfen Fakten.\n")  # the page itself unchanged
    assert (docs / "about.pt-BR.md").read_text().endswith("---\n\n# Sobre\n\nVerificamos fatos.\n")
    assert main(["translations", "--check"]) == 0
    assert "hand-written pages: 2 translated, 0 stale" in capsys.readouterr().out

    (docs / "about.md").write_text("---\ntitle: About\n---\n\n# About\n\nWe check every fact.\n")
    assert states(docs) == {"about.de.md": "stale", "about.pt-BR.md": "stale"}
    assert main(["translations"]) == 0
    out = capsys.readouterr().out
    assert "hand-written pages: 2 translated, 2 stale" in out
    assert (
        "  docs/about.de.md: stale: docs/about.md changed since it was translated; update the"
        " translation, then run `optout-atlas translations --mark-translated docs/about.de.md`"
    ) in out
    assert main(["translations", "--check"]) == 0  # stale is reported, like fuzzy strings; not an error

    assert main(["translations", "--mark-translated", "docs/about.de.md"]) == 0
    assert states(docs)["about.de.md"] == "current"
    assert (docs / "about.de.md").read_text().count("translated_from:") == 1


def test_marking_a_page_that_is_not_a_translation_fails(docs: Path, capsys):
    assert main(["translations", "--mark-translated", "docs/about.md"]) == 1
    assert "docs/about.md: not a translated page" in capsys.readouterr().out


def test_the_notice_on_a_stale_page_is_in_the_readers_language_where_translated():
    notice = Templates(ROOT / "overrides", language="en", today=dt.date(2026, 11, 22)).stale_translation_notice()
    assert notice.startswith('!!! warning atlas-stale-translation "This translation may be out of date"\n    ')
    assert "the English page is the current one" in notice
