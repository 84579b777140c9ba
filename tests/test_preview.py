"""The translator's preview: `ATLAS_LANGUAGE=de mkdocs serve` rebuilds in the same process after
each save, so a saved catalog or template must show at the next rebuild, not after a restart.
The test builds twice in one process, as the server does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from optout_atlas import translation

pytestmark = pytest.mark.build


def _build(project: Path, site_dir: Path) -> str:
    """One build of ``project`` in this process, as `mkdocs serve` rebuilds; the German guide."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return (site_dir / "de" / "guides" / "linkedin" / "index.html").read_text(encoding="utf-8")


def _retranslate(project: Path, domain: str, english: str, german: str) -> None:
    path = translation.catalog_path(project / "locales", "de", domain)
    catalog = translation.read_catalog(path, "de")
    found = [message for message in catalog if message.id == english]
    assert found, english
    for message in found:
        message.string = german
    translation.write_catalog(catalog, path)


def test_a_saved_catalog_and_template_show_at_the_next_rebuild(tmp_path: Path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    for part in ("mkdocs.yml", "docs", "overrides", "data", "locales"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / part)
    monkeypatch.setenv("ATLAS_LANGUAGE", "de")
    monkeypatch.delenv("OPTOUT_ATLAS_TODAY", raising=False)
    monkeypatch.chdir(project)
    site_dir = project / "site"

    first = _build(project, site_dir)
    assert "Eine Übersetzung aus der Vorschau" not in first

    linkedin = (project / "data" / "platforms" / "linkedin.yml").read_text(encoding="utf-8")
    step = next(
        line.strip()[2:] for line in linkedin.splitlines() if line.strip().startswith("- Select **Me**")
    )
    _retranslate(project, "data", step, "Eine Übersetzung aus der Vorschau: **Me**.")
    _retranslate(project, "ui", "Embed this guide", "Eine eingebettete Überschrift aus der Vorschau")
    guide = project / "overrides" / "atlas" / "guide.md.j2"
    guide.write_text(
        guide.read_text(encoding="utf-8").replace(
            '## {{ _("Sources") }} { #sources }', '## {{ _("Sources") }} (aus der Vorlage) { #sources }'
        ),
        encoding="utf-8",
    )

    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more English paragraph.\n", encoding="utf-8")
    assert "atlas-stale-translation" not in (site_dir / "de" / "about" / "index.html").read_text(encoding="utf-8")

    second = _build(project, site_dir)
    assert "Eine Übersetzung aus der Vorschau: <strong>Me</strong>." in second  # data catalog
    assert "Eine eingebettete Überschrift aus der Vorschau" in second  # interface catalog
    assert "(aus der Vorlage)" in second  # page template
    # The German page was translated from the English page as it was: it now says so.
    german_about = (site_dir / "de" / "about" / "index.html").read_text(encoding="utf-8")
    assert "atlas-stale-translation" in german_about
