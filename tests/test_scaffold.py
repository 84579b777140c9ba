"""`optout-atlas new <id>`: a platform file that cannot pass validation until every TODO is filled."""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, TODAY

from optout_atlas.dataset import load_dataset
from optout_atlas.problems import DataError, Problem
from optout_atlas.tools import cli

# A line the contributor must fill: optional "- ", optional "key:", the placeholder, "# TODO: hint".
PLACEHOLDER = re.compile(r"^(?P<lead>\s*(?:- )?)(?:(?P<key>\w+):)?\s*(?P<value>[^#]*?)\s*# TODO: \S")

# What a contributor would write on each placeholder line, by "section.key" or by key alone. A
# bare list item ("- # TODO") is filled by the key of the list it belongs to.
FILLED = {
    "name": "Acme Social",
    "kind.kind": "social",
    "owner": "Acme Corp",
    "products": "Acme Social",
    "text": "Acme trains AI models on public posts unless you switch it off.",
    "sources": "[acme-help]",
    "last_verified": "2025-11-03",
    "regions": "[OTHER]",
    "defaults.status": "opt_out",
    "category": "posts",
    "data.status": "used",
    "date": "2025-11-03",
    "type": "training_started",
    "mechanisms.id": "ai-setting",
    "mechanisms.kind": "setting",
    "title": "Turn off AI training",
    "covers": "Training on your posts from now on.",
    "retroactive": "false",
    "web": "Open **Settings**, then switch off **Use my data for AI**.",
    "app": "Tap your photo, then **Settings**.",
    "sources.id": "acme-help",
    "publisher": "Acme",
    "url": "https://acme.example/help/ai",
    "accessed": "2026-11-22",
    "sources.kind": "platform",
}


@pytest.fixture
def new(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `optout-atlas new ARGS…` in-process with the command registered; return (code, out, err)."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("cmd_new",))

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["new", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def placeholder_lines(text: str) -> dict[int, str]:
    """Line number -> line, for every line (not a comment) that still holds a TODO."""
    return {
        number: line
        for number, line in enumerate(text.splitlines(), start=1)
        if "TODO" in line and not line.lstrip().startswith("#")
    }


def fill(text: str) -> str:
    """Replace each placeholder as a contributor would: a valid value, and the TODO comment gone."""
    out, section, list_key = [], "", ""
    for line in text.splitlines():
        top = re.match(r"^(\w+):", line)
        if top:
            section = top.group(1)
        opens_list = re.match(r"^\s*(?:- )?(\w+):\s*$", line)
        if opens_list:
            list_key = opens_list.group(1)
        match = PLACEHOLDER.match(line)
        if match and "TODO" in line and not line.lstrip().startswith("#"):
            key = match.group("key")
            lookup = key or list_key
            value = FILLED.get(f"{section}.{lookup}", FILLED.get(lookup))
            assert value is not None, f"the test does not know how to fill: {line!r}"
            line = f"{match.group('lead')}{key}: {value}" if key else f"{match.group('lead')}{value}"
        out.append(line)
    return "\n".join(out) + "\n"


def problems_in(data_dir: Path, name: str) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir, today=TODAY)
    return [p for p in caught.value.problems if p.file.endswith(f"platforms/{name}")]


def test_new_file_fails_validation_with_every_todo_on_its_own_line(data_dir: Path, new):
    code, _, err = new("acme", "--data", str(data_dir))
    assert code == 0, err
    path = data_dir / "platforms" / "acme.yml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/platform.schema.json"
    assert "\nid: acme\n" in text

    todo = placeholder_lines(text)
    assert len(todo) >= 25, "every required field of every list example should be a placeholder"
    assert all(PLACEHOLDER.match(line) for line in todo.values()), "each TODO says what goes there"

    problems = problems_in(data_dir, "acme.yml")
    # Exactly the TODO lines fail: none is silently accepted, and nothing else is wrong.
    assert {p.line for p in problems} == set(todo)
    for problem in problems:
        line = todo[problem.line]
        last_key = re.findall(r"[A-Za-z_]+", problem.field)[-1]
        assert f"{last_key}:" in line or (line.lstrip().startswith("- ") and problem.field.endswith("]")), (
            problem,
            line,
        )
    # The example platform next to it is untouched by the new file's problems.
    assert not [p for p in problems if "example.yml" in p.file]

    messages = {(p.field, p.message) for p in problems}
    assert ("name", "expected text, got nothing") in messages
    assert ("last_verified", "'0000-00-00' is not a real date (expected YYYY-MM-DD)") in messages
    kinds = json.loads((data_dir / "schema" / "platform.schema.json").read_text(encoding="utf-8"))["$defs"][
        "mechanism"
    ]["properties"]["kind"]["enum"]
    assert ("mechanisms[0].kind", f"'TODO' is not one of: {', '.join(kinds)}") in messages
    assert ("sources[0].url", "'TODO' is not valid here: expected an https:// address") in messages
    assert ("mechanisms[0].steps.web[0]", "expected text, got nothing") in messages
    assert ("mechanisms[0].steps.app[0]", "expected text, got nothing") in messages
    assert ("mechanisms[0].retroactive", "expected true or false, got text") in messages


def test_hints_name_every_value_the_schema_allows(data_dir: Path, new):
    """The comments list the statuses, kinds and event types from the schema, so they never go stale."""
    assert new("acme", "--data", str(data_dir))[0] == 0
    comments = "\n".join(
        line.split("#", 1)[1]
        for line in (data_dir / "platforms" / "acme.yml").read_text(encoding="utf-8").splitlines()
        if "#" in line
    )
    schema = json.loads((data_dir / "schema" / "platform.schema.json").read_text(encoding="utf-8"))
    for definition, field in [
        ("default", "status"),
        ("data_use", "status"),
        ("event", "type"),
        ("mechanism", "kind"),
        ("source", "kind"),
    ]:
        for value in schema["$defs"][definition]["properties"][field]["enum"]:
            assert re.search(rf"\b{value}\b", comments), f"{definition}.{field}: {value}"


def test_next_steps_name_the_file_the_check_and_the_preview(data_dir: Path, new):
    code, out, _ = new("acme", "--data", str(data_dir))
    assert code == 0
    assert "platforms/acme.yml" in out
    assert f"optout-atlas validate --data {data_dir}" in out
    assert "mkdocs serve" in out and "/guides/acme/" in out


def test_filled_in_file_validates(data_dir: Path, new):
    assert new("acme", "--data", str(data_dir))[0] == 0
    path = data_dir / "platforms" / "acme.yml"
    filled = fill(path.read_text(encoding="utf-8"))
    assert not placeholder_lines(filled)
    path.write_text(filled, encoding="utf-8")

    dataset = load_dataset(data_dir, today=TODAY)
    acme = dataset.platform("acme")
    assert acme.name == "Acme Social"
    assert acme.mechanism("ai-setting").surfaces == ("web", "app")
    assert [s.kind for s in acme.sources.values()] == ["platform"]
    assert acme.mechanism("ai-setting").last_verified is None  # optional: only after a real check


@pytest.mark.parametrize(
    "name", ["Acme", "Acme: Social", "yes", "#1 Social", 'O\'Reilly "Media"', "Ünïcode 社"]
)
def test_name_option_is_written_so_that_it_reads_back_exactly(data_dir: Path, new, name: str):
    assert new("acme", "--name", name, "--data", str(data_dir))[0] == 0
    path = data_dir / "platforms" / "acme.yml"
    text = path.read_text(encoding="utf-8")
    assert not any(line.startswith("name:") for line in placeholder_lines(text).values())
    path.write_text(fill(text), encoding="utf-8")
    assert load_dataset(data_dir, today=TODAY).platform("acme").name == name


def test_new_refuses_to_overwrite(data_dir: Path, new):
    assert new("acme", "--data", str(data_dir))[0] == 0
    path = data_dir / "platforms" / "acme.yml"
    path.write_text("# work in progress\n", encoding="utf-8")

    code, out, err = new("acme", "--name", "Acme", "--data", str(data_dir))
    assert code == 1
    assert "acme.yml already exists" in err and not out
    assert path.read_text(encoding="utf-8") == "# work in progress\n"

    example = (data_dir / "platforms" / "example.yml").read_text(encoding="utf-8")
    assert new("example", "--data", str(data_dir))[0] == 1
    assert (data_dir / "platforms" / "example.yml").read_text(encoding="utf-8") == example


BAD_IDS = {
    "capitals": "Acme",
    "underscore": "acme_social",
    "digit-first": "1acme",
    "extension": "acme.yml",
    "path": "../acme",
    "too-long": "a" * 32,
    "empty": "",
    "trailing-newline": "acme\n",
    "leading-newline": "\nacme",
    "carriage-return": "acme\r",
    "inner-newline": "ac\nme",
    "double-hyphen": "acme--social",
    "trailing-hyphen": "acme-",
    "space": "acme social",
    "nul": "acme\x00",
    "bidi": "acme\u202e",
    "cyrillic": "\u0430cme",
}


@pytest.mark.parametrize("bad_id", BAD_IDS.values(), ids=BAD_IDS.keys())
def test_bad_id_is_rejected_and_nothing_is_written(data_dir: Path, new, bad_id: str):
    code, out, err = new(bad_id, "--data", str(data_dir))
    assert code == 1
    assert f"{bad_id!r} is not a valid platform id" in err
    assert not out
    assert sorted(p.name for p in (data_dir / "platforms").iterdir()) == ["example.yml"]
    assert not list(data_dir.parent.glob("*.yml"))


RESERVED_IDS = {
    "guides-index": ("index", "'index' is reserved (guides/index.md is the list of guides, and embed/index.md would become a section page); pick another id"),
    "category-anchor": ("posts", "'posts' is the anchor of the category 'posts' on the comparison page; pick another id"),
    "category-anchor-with-hyphen": ("private-messages", "'private-messages' is the anchor of the category 'private_messages' on the comparison page; pick another id"),
    "compare-section": ("data", "'data' is the anchor of a section of the comparison and region pages; pick another id"),
}


@pytest.mark.parametrize(("reserved", "reason"), RESERVED_IDS.values(), ids=RESERVED_IDS.keys())
def test_ids_the_site_uses_itself_are_refused(data_dir: Path, new, reserved: str, reason: str):
    code, out, err = new(reserved, "--data", str(data_dir))
    assert (code, out) == (1, "")
    assert err == f"optout-atlas new: {reserved!r} cannot be used: {reason}\n"
    assert sorted(p.name for p in (data_dir / "platforms").iterdir()) == ["example.yml"]


HOSTILE_NAMES = {
    "script": ("Acme<script>alert(1)</script>", "raw HTML is not allowed in text (<script…)"),
    "img-onerror": ("<img src=x onerror=alert(1)>", "raw HTML is not allowed in text (<img…)"),
    "entity": ("Acme &lt;b&gt;", "HTML character references such as &lt; are not allowed"),
    "link": ("[Acme](https://evil.example)", "links and images are not allowed in text"),
    "bidi": ("Acme \u202eSocial", "bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    "escape": ("Acme\x1b[31m", "control character U+001B (ESCAPE)"),
    "zero-width": ("Ac\u200bme", "invisible character U+200B (ZERO WIDTH SPACE)"),
    "heading": ("# Acme", "starts with Markdown that would make a heading (#)"),
    "newline": ("Acme\nSocial", "--name must be a single line"),
}


@pytest.mark.parametrize(("name", "reason"), HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_hostile_name_is_refused(data_dir: Path, new, name: str, reason: str):
    code, out, err = new("acme", "--name", name, "--data", str(data_dir))
    assert (code, out) == (1, "")
    assert reason in err and err.count("\n") == 1
    assert not (data_dir / "platforms" / "acme.yml").exists()


def test_blank_name_and_missing_data_dir_are_clear_errors(tmp_path: Path, data_dir: Path, new):
    code, _, err = new("acme", "--name", "  ", "--data", str(data_dir))
    assert code == 1 and "--name must not be blank" in err
    code, _, err = new("acme", "--data", str(tmp_path / "nowhere"))
    assert code == 1 and "run this from the repository root, or pass --data" in err


def test_new_is_listed_in_help(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("cmd_new",))
    assert "new" in cli.build_parser().format_help()


def test_the_template_ships_with_the_package():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["optout_atlas.tools"]
    templates = ROOT / "src" / "optout_atlas" / "tools" / "templates"
    shipped = [p for p in templates.iterdir() if p.is_file()]
    assert shipped
    for path in shipped:
        relative = path.relative_to(templates.parent).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative
