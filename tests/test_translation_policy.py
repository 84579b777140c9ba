"""Hostile and malformed catalogs through `optout-atlas translations --check`: every translation
is held to the text policy and to the placeholders of its English text, and a catalog that is not
valid gettext is refused at its line, before anything reads it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, TODAY

from optout_atlas import translation
from optout_atlas.tools.cli import main

UI = Path("locales/de/LC_MESSAGES/ui.po")
DATA = Path("locales/de/LC_MESSAGES/data.po")
SUMMARY = "Example trains AI on public posts unless you switch it off."
STEP = "Open **Settings**."


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example data with the real page templates and fresh German catalogs, made once."""
    root = tmp_path_factory.mktemp("pristine")
    (root / "data" / "platforms").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "schema", root / "data" / "schema")
    for name in ("regions.yml", "categories.yml"):
        shutil.copy(ROOT / "data" / name, root / "data" / name)
    (root / "data" / "platforms" / "example.yml").write_text(EXAMPLE, encoding="utf-8")
    shutil.copytree(ROOT / "overrides", root / "overrides")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("OPTOUT_ATLAS_TODAY", TODAY.isoformat())
        assert main(["translations", "--init", "de"]) == 0
        assert main(["translations", "--check"]) == 0
    return root


@pytest.fixture
def project(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:
    """A copy of the pristine project, as the working directory."""
    root = tmp_path / "project"
    shutil.copytree(pristine, root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("OPTOUT_ATLAS_TODAY", TODAY.isoformat())
    capsys.readouterr()
    return root


def po_string(text: str) -> str:
    """``text`` as a quoted catalog string, escaped as gettext writes it (control characters
    other than a line break or a tab stay raw: gettext has no escape for them that Babel reads)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def translate(path: Path, english: str, translated: str, *, raw: str | None = None) -> int:
    """Write a translation of ``english`` into the catalog as a translator's editor would, and
    return the line of its msgstr. ``raw``: the msgstr line's string exactly as written."""
    text = path.read_text(encoding="utf-8")
    old = f"msgid {po_string(english)}\nmsgstr \"\"\n"
    assert old in text, english
    text = text.replace(old, f"msgid {po_string(english)}\nmsgstr {raw or po_string(translated)}\n", 1)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(old.split("\n")[0])].count("\n") + 2


PROBLEM_LINE = re.compile(r"^locales/\S+:\d+:\d+: ")


def check(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run `translations --check`: its exit code and its file:line:col problems (the edits of
    these tests are not wrapped as gettext wraps lines, which --check reports without a line)."""
    code = main(["translations", "--check"])
    out = capsys.readouterr().out.splitlines()
    return code, [line for line in out if PROBLEM_LINE.match(line)]


# id -> (catalog, English, translation, "field: message" of each problem)
HOSTILE_TRANSLATIONS = {
    "ui-img-onerror": (UI, "Compare platforms", "Vergleich <img src=x onerror=alert(1)>", 'msgid "Compare platforms": raw HTML is not allowed in text (<img…); write plain text (a < followed by a space is fine)'),
    "ui-script": (UI, "Compare platforms", "<script>alert(1)</script>", 'msgid "Compare platforms": raw HTML is not allowed in text (<script…); write plain text (a < followed by a space is fine)'),
    "ui-entity": (UI, "Compare platforms", "&lt;img src=x onerror=alert(1)&gt;", 'msgid "Compare platforms": HTML character references such as &lt; are not allowed; write the character itself'),
    "ui-new-link": (UI, "Compare platforms", "[Vergleich](https://evil.example)", 'msgid "Compare platforms": a link or image the English text does not have: keep to the English text\'s links'),
    "ui-line-break": (UI, "Compare platforms", 'Vergleich\n!!! danger "Gesperrt"', 'msgid "Compare platforms": must be one line: a line break at character 10 would end the sentence on the page; write it on one line'),
    "ui-bidi": (UI, "Compare platforms", "Plattformen \u202evergleichen", 'msgid "Compare platforms": bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE) at character 13 is not allowed: it makes text read differently from the way it displays'),
    "ui-stray-percent": (UI, "Compare platforms", "100% vergleichen", "msgid \"Compare platforms\": '% ' at character 4 is not a placeholder of the English text: write %% for a percent sign"),
    "ui-unknown-placeholder": (UI, "since %(date)s", "seit %(datum)s", ['msgid "since %(date)s": unknown placeholder %(datum)s: the English text has no such placeholder', 'msgid "since %(date)s": the placeholder %(date)s is missing']),
    "ui-missing-placeholder": (UI, "since %(date)s", "seit kurzem", 'msgid "since %(date)s": the placeholder %(date)s is missing'),
    "ui-broken-placeholder": (UI, "since %(date)s", "seit %(date)", ["msgid \"since %(date)s\": '%(' at character 6 is not a placeholder of the English text: write %% for a percent sign", 'msgid "since %(date)s": the placeholder %(date)s is missing']),
    "ui-other-conversion": (UI, "since %(date)s", "seit %(date)r", 'msgid "since %(date)s": the placeholder %(date)r must be written %(date)s, as in English'),
    "data-meta-refresh": (DATA, SUMMARY, 'Example trainiert KI." <meta http-equiv="refresh" content="0;url=https://evil.example">', "[example|summary]: raw HTML is not allowed in text (<meta…); write plain text (a < followed by a space is fine)"),
    "data-admonition": (DATA, STEP, 'Öffne **Settings**.\n!!! danger "Konto gesperrt"\n# Owned', "[example|mechanisms.ai-setting.steps.web]: must be one line: a line break at character 20 would end the sentence on the page; write it on one line"),
    "data-new-link": (DATA, STEP, "Öffne **Settings** ([hier](https://evil.example)).", "[example|mechanisms.ai-setting.steps.web]: a link or image the English text does not have: keep to the English text's links"),
    "data-attribute-list": (DATA, STEP, "Öffne **Settings** {: onclick=alert(1) }", "[example|mechanisms.ai-setting.steps.web]: Markdown attribute lists ({: …}, { #id }, {key=value}) are not allowed in text"),
    "data-escape-character": (DATA, STEP, "Öffne \x1b[31m**Settings**.", "[example|mechanisms.ai-setting.steps.web]: control character U+001B (ESCAPE) at character 7 is not allowed"),
    "data-zero-width-joiner": (DATA, STEP, "Öff\u200dne **Settings**.", "[example|mechanisms.ai-setting.steps.web]: invisible character U+200D (ZERO WIDTH JOINER) at character 4 is not allowed here: it only joins letters of scripts that need it"),
    "data-unknown-brace": (DATA, STEP, "Öffne **Settings** {name}.", "[example|mechanisms.ai-setting.steps.web]: unknown placeholder {name}: the English text has no such placeholder"),
}


@pytest.mark.parametrize(("path", "english", "translated", "expected"), HOSTILE_TRANSLATIONS.values(), ids=HOSTILE_TRANSLATIONS.keys())
def test_hostile_translation_is_one_line_at_its_msgstr(project, capsys, path, english, translated, expected):
    line = translate(path, english, translated)
    code, lines = check(capsys)
    assert code == 1
    expected = [expected] if isinstance(expected, str) else expected
    assert lines == [f"{path.as_posix()}:{line}:1: {message}" for message in expected]


def test_a_percent_sign_in_the_data_is_text(project, capsys):
    """Data strings are not formatted: "50 %" in a translation of the data is only text, while in
    a UI string it must be written %%."""
    translate(DATA, STEP, "Öffne **Settings** (50 % der Nutzer).")
    translate(UI, "Compare platforms", "100 %% vergleichen")
    assert check(capsys) == (0, [])


def test_a_fuzzy_translation_is_held_to_the_policy_but_not_to_placeholders(project, capsys):
    """A fuzzy translation is not used (its English changed since), so a placeholder it lacks is
    not an error; markup in it still is: the next translator would only remove the flag."""
    line = translate(UI, "since %(date)s", "seit <b>damals</b>")
    text = UI.read_text(encoding="utf-8").replace('#, python-format\nmsgid "since %(date)s"', '#, fuzzy, python-format\nmsgid "since %(date)s"')
    UI.write_text(text, encoding="utf-8")
    code, lines = check(capsys)
    assert code == 1
    assert lines == [f'{UI.as_posix()}:{line}:1: msgid "since %(date)s": raw HTML is not allowed in text (<b…); write plain text (a < followed by a space is fine)']


# id -> (catalog, old text, new text, fragment of the line of the problem (its last occurrence),
#        "col: message")
MALFORMED = {
    "unclosed-string": (UI, 'msgid "Compare platforms"\nmsgstr ""', 'msgid "Compare platforms"\nmsgstr "Vergleichen', 'msgstr "Vergleichen', '8: the quote " opened here is not closed on its line'),
    "garbage-line": (UI, 'msgid "Compare platforms"\nmsgstr ""', 'msgid "Compare platforms"\nmsgstr ""\n<img src=x onerror=alert(1)>', "<img", "1: not a line of a gettext catalog: '<img src=x onerror=alert(1)>'"),
    "unknown-escape": (DATA, f'msgid "{STEP}"\nmsgstr ""', f'msgid "{STEP}"\nmsgstr "Öffne\\x1b **Settings**."', "Öffne\\x1b", "14: unknown escape \\x: write \\\\ for a backslash"),
    "duplicate-message": (UI, 'msgid "Compare platforms"\nmsgstr ""', 'msgid "Compare platforms"\nmsgstr ""\n\nmsgid "Compare platforms"\nmsgstr "Vergleichen"', 'msgid "Compare platforms"', "1: msgid \"Compare platforms\": the same message (msgctxt and msgid) is already on line {first}"),
    "msgid-without-msgstr": (DATA, f'msgid "{STEP}"\nmsgstr ""\n', f'msgid "{STEP}"\n', f'msgid "{STEP}"', "1: [example|mechanisms.ai-setting.steps.web]: msgid without msgstr"),
}


@pytest.mark.parametrize(("path", "old", "new", "anchor", "expected"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_catalog_is_refused_at_its_line_in_every_mode(project, capsys, path, old, new, anchor, expected):
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    number = max(i for i, line in enumerate(text.splitlines(), 1) if anchor in line)
    # Where the anchor is first (a message written twice: where the catalog has it already).
    expected = expected.format(first=min(i for i, line in enumerate(text.splitlines(), 1) if anchor in line))
    for args in (["--check"], [], ["--update"]):
        before = {p: p.read_bytes() for p in Path("locales").rglob("*.po*")}
        code = main(["translations", *args])
        out = capsys.readouterr().out
        assert code == 1, args
        assert "Traceback" not in out
        assert [line for line in out.splitlines() if line.startswith("locales/")] == [f"{path.as_posix()}:{number}:{expected}"], args
        assert {p: p.read_bytes() for p in Path("locales").rglob("*.po*")} == before  # --update wrote nothing


def test_the_project_catalogs_pass_the_policy():
    """Every translation of the project: the policy, the placeholders and the syntax."""
    languages = [folder.name.replace("_", "-") for folder in (ROOT / "locales").iterdir() if folder.is_dir()]
    assert len(languages) == 9
    assert translation.check_catalogs(ROOT / "locales", languages) == []


def test_build_and_check_share_the_checks(project):
    """What `--check` reports is what a build checks before it starts (the atlas plugin's on_config)."""
    translate(UI, "since %(date)s", "seit %(date)s und %(mehr)s")
    problems = translation.check_catalogs(Path("locales"), ["en", "de"])
    assert [(p.file, p.field, p.message) for p in problems] == [
        (UI.as_posix(), 'msgid "since %(date)s"', "unknown placeholder %(mehr)s: the English text has no such placeholder")
    ]
    assert json.dumps([str(p) for p in problems])  # plain lines, nothing else


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/dev/zero", "is a symbolic link"), ("../../../data/regions.yml", "is a symbolic link")],
    ids=["link-to-dev-zero", "link-to-another-file"],
)
def test_catalog_that_is_a_link_is_refused_not_read(project, capsys, target, expected):
    """A catalog is read as a data file is: a link (to a device that never ends, or to a file of
    the machine that builds) is one line, at once, in every mode."""
    UI.unlink()
    UI.symlink_to(target)
    for args in (["--check"], []):
        code = main(["translations", *args])
        out = capsys.readouterr().out
        assert code == 1, args
        assert "Traceback" not in out
        lines = [line for line in out.splitlines() if line.startswith("locales/")]
        assert len(lines) == 1 and lines[0].startswith(f"{UI.as_posix()}:1:1:") and expected in lines[0], out
