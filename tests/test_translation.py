"""Translating the data: stable contexts, localised pages, and translations that cannot go stale
silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, TODAY

from optout_atlas import translation
from optout_atlas.dataset import load_dataset
from optout_atlas.locale_format import LocaleFormat
from optout_atlas.render import Templates
from optout_atlas.tools.cli import main

STEP = "Switch off **Use my data for AI**."
STEP_CONTEXT = "example|mechanisms.ai-setting.steps.web"


@pytest.fixture
def project(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the example data, the real page templates and no catalogs yet."""
    root = data_dir.parent
    shutil.copytree(ROOT / "overrides", root / "overrides")
    monkeypatch.chdir(root)
    monkeypatch.setenv("OPTOUT_ATLAS_TODAY", TODAY.isoformat())
    return root


def translate(root: Path, language: str, strings: dict[tuple[str | None, str], str]) -> None:
    path = translation.catalog_path(root / "locales", language, "data")
    catalog = translation.read_catalog(path, translation.babel_locale(language))
    for message in catalog:
        if (message.context, message.id) in strings:
            message.string = strings[(message.context, message.id)]
            message.flags.discard("fuzzy")
    translation.write_catalog(catalog, path)


def german_guide(root: Path) -> str:
    english = load_dataset(root / "data", today=TODAY)
    german = translation.localize(english, "de", root / "locales")
    templates = Templates(root / "overrides", language="de", today=TODAY, locales_dir=root / "locales")
    return templates.renderer(german).guide(german.platforms[0])


def test_contexts_name_the_place_of_each_string(data_dir):
    dataset = load_dataset(data_dir, today=TODAY)
    contexts = {m.context: m.text for m in translation.data_messages(dataset)}
    assert contexts["example|summary"].startswith("Example trains AI")
    assert contexts["example|mechanisms.ai-setting.label"] == "Use my data for AI"
    assert contexts["example|data.private_messages"] == "Private messages."
    assert contexts["example|events.2025-11-03.training_started"].startswith("Example starts")
    assert contexts["category.private_messages.question"] == "Are my private messages used?"
    assert contexts["region.EEA"] == "European Economic Area"
    assert "region.EU" not in contexts  # CLDR names the EU in every language already


def test_same_english_in_two_places_is_two_messages(data_dir):
    text = (data_dir / "platforms" / "example.yml").read_text()
    text = text.replace("    text: Private messages.", "    text: Public posts and comments.")
    (data_dir / "platforms" / "example.yml").write_text(text)
    dataset = load_dataset(data_dir, today=TODAY)
    catalog = translation.extract_data(dataset, root=data_dir.parent)
    same = [m for m in catalog if m.id == "Public posts and comments."]
    assert sorted(m.context for m in same) == ["example|data.posts", "example|data.private_messages"]
    # The file, without a line number: references do not change when lines move.
    assert same[0].locations == [("data/platforms/example.yml", None)]


def test_update_init_and_check(project, capsys):
    assert main(["translations", "--init", "de"]) == 0
    assert (project / "locales" / "de" / "LC_MESSAGES" / "data.po").is_file()
    assert main(["translations", "--check"]) == 0
    out = capsys.readouterr().out
    assert "de        data" in out and "0%" in out

    example = project / "data" / "platforms" / "example.yml"
    example.write_text(example.read_text().replace(STEP, "Switch **Use my data for AI** off."))
    assert main(["translations", "--check"]) == 1
    out = capsys.readouterr().out
    assert (
        "locales/data.pot: not extracted yet: [example|mechanisms.ai-setting.steps.web] Switch **Use my data for AI** off."
        in out
    )
    assert "locales/de/LC_MESSAGES/data.po: out of sync with the template (1 missing, 1 obsolete)" in out
    assert main(["translations", "--update"]) == 0
    assert main(["translations", "--check"]) == 0


def test_translated_page_then_stale_translation_shows_marked_english(project):
    assert main(["translations", "--init", "de"]) == 0
    translate(
        project,
        "de",
        {(STEP_CONTEXT, STEP): "Schalte **Use my data for AI** (Meine Daten für KI nutzen) aus."},
    )
    page = german_guide(project)
    assert "    2. Schalte **Use my data for AI** (Meine Daten für KI nutzen) aus." in page
    assert "3\\. November 2025" in page or "3. November 2025" in page

    example = project / "data" / "platforms" / "example.yml"
    example.write_text(example.read_text().replace(STEP, "Turn off **Use my data for AI**."))
    assert main(["translations", "--update"]) == 0
    po = (project / "locales" / "de" / "LC_MESSAGES" / "data.po").read_text()
    assert (
        '#, fuzzy\n#| msgid "Switch off **Use my data for AI**."\n'
        'msgctxt "example|mechanisms.ai-setting.steps.web"\n'
        'msgid "Turn off **Use my data for AI**."\n'
        'msgstr "Schalte **Use my data for AI** (Meine Daten für KI nutzen) aus."'
    ) in po
    page = german_guide(project)
    assert "Schalte" not in page
    assert '    2. <span lang="en" class="atlas-untranslated">Turn off **Use my data for AI**.</span>' in page
    assert main(["translations"]) == 0


def test_check_rejects_a_translated_label(project, capsys):
    assert main(["translations", "--init", "de"]) == 0
    translate(project, "de", {(STEP_CONTEXT, STEP): "Schalte **Meine Daten für KI nutzen** aus."})
    assert main(["translations", "--check"]) == 1
    assert "the label **Use my data for AI** must stay in English, in bold" in capsys.readouterr().out


def test_region_names_and_dates_come_from_cldr(data_dir):
    dataset = load_dataset(data_dir, today=TODAY)
    assert LocaleFormat("zh-Hant", today=TODAY).region_names(dataset.regions, ["HK"]) == "中國香港特別行政區"
    assert LocaleFormat("pt-BR", today=TODAY).date(TODAY) == "22 de novembro de 2026"


def test_project_catalogs_are_in_sync_with_the_data(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    result = main(["translations", "--check"])
    assert result == 0, capsys.readouterr().out
