"""Catalogs in the form the standard gettext tools write: `msgcat` (and so Poedit and Weblate,
which wrap the same way) gives every catalog back unchanged, and `translations --update` changes
only the messages whose English changed."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from conftest import ROOT

from optout_atlas import translation
from optout_atlas.tools.cli import main

CATALOGS = sorted((ROOT / "locales").glob("*.pot")) + sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po"))


def msgcat(path: Path) -> str:
    """What GNU gettext's msgcat writes for the catalog at ``path`` (its default width, 79)."""
    if shutil.which("msgcat") is None:
        message = "GNU gettext's msgcat is not installed (apt-get install gettext)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: the proof must not pass silently
        pytest.skip(message)
    result = subprocess.run(["msgcat", str(path)], capture_output=True, timeout=60, check=True)
    return result.stdout.decode("utf-8")


def diff(ours: str, theirs: str) -> str:
    return "\n".join(difflib.unified_diff(ours.splitlines(), theirs.splitlines(), lineterm="", n=1))


def test_the_project_has_catalogs():
    assert len(CATALOGS) >= 4


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT / "locales")))
def test_msgcat_gives_every_catalog_back_unchanged(path: Path):
    text = path.read_text(encoding="utf-8")
    assert diff(text, msgcat(path)) == ""


TRICKY = [
    "Short.",
    "Exactly long enough to fill a msgid line to its seventy-ninth column!!",
    "Exactly long enough to fill a msgid line to its seventy-ninth column!!!",
    "A long sentence with a https://example.com/a/rather/long/address/that/cannot/break/anywhere/at-all "
    "and more words after it, so that the wrapping has to decide where to go on.",
    "Two lines:\nthe second one is here, and it is long enough to be wrapped by itself at the width.\n",
    'Quotes "inside" and a backslash \\ and a tab\there, repeated: "inside" and \\ and\tmore text.',
    "請在 **Settings**（設定）中關閉「使用我的資料訓練 AI」，然後選擇 **Save**（儲存）。這段文字足夠長，需要換行。",
    "Ouvrez «\u00a0Paramètres\u00a0» puis désactivez l’option, qui est longue, très longue, vraiment.",
    "%(count)s platforms and %(regions)s regions: the placeholders must never be cut in the middle.",
    "Preis: 50,00\u00a0€ (inkl. MwSt.) — oder R$50,000（巴西雷亞爾）— je nach Region und Zeitraum…",
    "",
]


def test_tricky_strings_are_wrapped_as_msgcat_wraps_them(tmp_path: Path):
    catalog = Catalog(locale="zh_Hant_HK")
    for number, text in enumerate(TRICKY):
        if text:
            catalog.add(
                text,
                string=text[::-1],
                context=f"tricky.{number}",
                locations=[("data/platforms/example.yml", None), ("overrides/atlas/guide.md.j2", None)],
                auto_comments=["A comment for translators."],
                flags=["fuzzy"] if number % 2 else [],
                previous_id=[TRICKY[number - 1] or "An older English text."] if number % 2 else [],
            )
    path = tmp_path / "tricky.po"
    path.write_text(translation.format_catalog(catalog), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert diff(text, msgcat(path)) == ""
    assert "#: data/platforms/example.yml overrides/atlas/guide.md.j2\n" in text  # no line numbers
    assert "Generated-By" not in text and "POT-Creation-Date" not in text


# -------------------------------------------------------------------------------------------
# translations --update changes what changed, and nothing else
# -------------------------------------------------------------------------------------------


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for part in ("data", "locales", "overrides"):
        shutil.copytree(ROOT / part, tmp_path / part)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in sorted((root / "locales").rglob("*.po*"))
    }


def test_update_without_a_change_rewrites_nothing(project_copy: Path):
    before = _snapshot(project_copy)
    assert main(["translations", "--update"]) == 0
    assert _snapshot(project_copy) == before


def test_a_one_line_data_change_changes_only_that_message(project_copy: Path):
    before = _snapshot(project_copy)
    linkedin = project_copy / "data" / "platforms" / "linkedin.yml"
    text = linkedin.read_text(encoding="utf-8")
    old = "Open LinkedIn's **Data Processing Objection Form** in your web browser."
    assert old in text
    linkedin.write_text(text.replace(old, "Open the **Data Processing Objection Form** in a browser."))
    assert main(["translations", "--update"]) == 0
    after = _snapshot(project_copy)

    changed = {name for name in before if before[name] != after[name]}
    data_catalogs = {name for name in before if name.endswith("data.po") or name.endswith("data.pot")}
    assert changed == data_catalogs  # the ui catalogs and their template are untouched
    for name in changed:
        removed = [line for line in diff(before[name], after[name]).splitlines() if line.startswith("-")]
        added = [line for line in diff(before[name], after[name]).splitlines() if line.startswith("+")]
        # Only the message itself: its msgid (and, in a translation, the fuzzy flag and the
        # previous English kept for the translator).
        assert len(removed) <= 3 and len(added) <= 5, (name, removed, added)


def test_check_reports_a_catalog_saved_in_another_form_and_update_restores_it(project_copy: Path, capsys):
    from babel.messages.pofile import write_po

    path = project_copy / "locales" / "de" / "LC_MESSAGES" / "ui.po"
    original = path.read_text(encoding="utf-8")
    catalog = translation.read_catalog(path, "de")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)  # another tool's wrapping and header
    assert main(["translations", "--check"]) == 1
    assert (
        "locales/de/LC_MESSAGES/ui.po: not in the standard gettext form (wrapping, header or references);"
        " `optout-atlas translations --update` rewrites it"
    ) in capsys.readouterr().out
    assert main(["translations", "--update"]) == 0
    assert path.read_text(encoding="utf-8") == original


def test_check_reports_a_template_whose_comments_are_out_of_date(project_copy: Path, capsys):
    path = project_copy / "locales" / "data.pot"
    original = path.read_text(encoding="utf-8")
    comment = "#. Keep every **label** exactly as written"
    assert comment in original
    path.write_text(
        original.replace(comment, "#. An old comment. Keep every **label** exactly as written", 1)
    )
    assert main(["translations", "--check"]) == 1
    assert (
        "locales/data.pot: references or comments out of date with the data and templates;"
        " `optout-atlas translations --update` rewrites it"
    ) in capsys.readouterr().out
    assert main(["translations", "--update"]) == 0
    assert path.read_text(encoding="utf-8") == original


def test_changed_english_keeps_its_translation_as_a_suggestion_and_new_text_gets_none(project_copy: Path):
    """A changed message keeps the translation of the same field (fuzzy, with the old English);
    a new platform's messages start untranslated, never with another platform's translation."""
    linkedin = project_copy / "data" / "platforms" / "linkedin.yml"
    text = linkedin.read_text(encoding="utf-8")
    old = "Open LinkedIn's **Data Processing Objection Form** in your web browser."
    linkedin.write_text(text.replace(old, "Open the **Data Processing Objection Form** in a browser."))
    copy = (project_copy / "data" / "platforms" / "reddit.yml").read_text(encoding="utf-8")
    (project_copy / "data" / "platforms" / "reddit2.yml").write_text(
        copy.replace("id: reddit\n", "id: reddit2\n"), encoding="utf-8"
    )
    assert main(["translations", "--update"]) == 0
    path = project_copy / "locales" / "de" / "LC_MESSAGES" / "data.po"
    catalog = translation.read_catalog(path, "de")
    changed = next(m for m in catalog if m.id == "Open the **Data Processing Objection Form** in a browser.")
    assert changed.fuzzy and changed.string.startswith("Öffne LinkedIns")
    previous = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#| ")]
    assert any("Open LinkedIn's" in line for line in previous)
    # Each language keeps its own translation: none reaches another language's catalog.
    french = translation.read_catalog(project_copy / "locales" / "fr" / "LC_MESSAGES" / "data.po", "fr")
    assert not next(m for m in french if m.id == changed.id).string.startswith("Öffne")
    new = [m for m in catalog if m.context and m.context.startswith("reddit2|")]
    assert new and all(not m.string and not m.fuzzy for m in new)
