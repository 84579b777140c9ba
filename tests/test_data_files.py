"""Files a pull request can put in the data directory, through `optout-atlas validate` as a
contributor runs it: one line per problem with file:line, exit 1, no traceback, and quickly.
Then the data directories themselves: the fixture platforms fill in every field of the schema,
and the project's data is valid on the real date."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE, FIXTURE_SITE, ROOT, TODAY, line_of, real_today

from optout_atlas.dataset import DataError, load_dataset


def validate(project: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "OPTOUT_ATLAS_TODAY": TODAY.isoformat()}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "optout_atlas.tools.cli", "validate", "--data", "data"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,  # a read without end fails the test instead of hanging it
    )


def _replace_example(make: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        path = data / "platforms" / "example.yml"
        path.unlink()
        make(path)

    return change


def _add(name: str, text: str = EXAMPLE) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        (data / "platforms" / name).write_text(text, encoding="utf-8")

    return change


def _edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        path = data / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


SYMLINK = "is a symbolic link; data files must be regular files"
RENAME = "not read: only files ending in .yml are platform files (the id is the file name); rename it to"
NUL = "U+0000 (NUL) is not allowed in a YAML file"

# A change to the data directory → how the lines `validate` prints start (after "data/").
HOSTILE_FILES = {
    "platform-symlink-to-dev-zero": (
        _replace_example(lambda p: p.symlink_to("/dev/zero")),
        [f"platforms/example.yml:1:1: {SYMLINK}"],
    ),
    "platform-named-pipe": (
        _replace_example(os.mkfifo),
        ["platforms/example.yml:1:1: is a named pipe, not a regular file; data files must be regular files"],
    ),
    "platform-directory": (
        _replace_example(lambda p: p.mkdir()),
        ["platforms/example.yml:1:1: is a directory, not a regular file; data files must be regular files"],
    ),
    "regions-symlink-to-etc-passwd": (
        lambda data: ((data / "regions.yml").unlink(), (data / "regions.yml").symlink_to("/etc/passwd")),
        [f"regions.yml:1:1: {SYMLINK}"],
    ),
    "second-platform-as-yaml": (_add("second.yaml"), [f"platforms/second.yaml:1:1: {RENAME} second.yml"]),
    "second-platform-as-upper-case-yml": (
        _add("Second.YML"),
        [f"platforms/Second.YML:1:1: {RENAME} Second.yml"],
    ),
    "second-platform-as-mixed-case-yaml": (
        _add("second.Yaml"),
        [f"platforms/second.Yaml:1:1: {RENAME} second.yml"],
    ),
    "nul-in-a-platform-summary": (
        _edit("platforms/example.yml", "Example trains AI", "Example\x00 trains AI"),
        [f"platforms/example.yml:{line_of(EXAMPLE, 'Example trains AI')}:16: {NUL}"],
    ),
    "escape-in-a-region-name": (
        _edit("regions.yml", "name: ", "name: \x1b[2J"),
        [None],  # its line depends on the project's regions.yml: checked below
    ),
    "tag-on-a-platform-list": (
        _edit("platforms/example.yml", "products: [Example]", "products: !!python/tuple [Example]"),
        [
            f"platforms/example.yml:{line_of(EXAMPLE, 'products:')}:11: products: the tag !!python/tuple is not allowed; write a plain list"
        ],
    ),
}


@pytest.mark.parametrize(("change", "expected"), HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
def test_hostile_files_give_one_line_each(data_dir: Path, change, expected):
    change(data_dir)
    result = validate(data_dir.parent)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line.removeprefix("data/") for line in result.stdout.splitlines()]
    if expected == [None]:
        assert len(lines) == 1 and lines[0].startswith("regions.yml:") and "U+001B (escape)" in lines[0]
        number = int(lines[0].split(":")[1])
        assert "\x1b" in (data_dir / "regions.yml").read_text().splitlines()[number - 1]
    else:
        assert len(lines) == len(expected), lines
        assert all(line.startswith(start) for line, start in zip(lines, expected, strict=True)), lines


def test_other_files_in_the_platforms_folder_are_left_alone(data_dir: Path):
    (data_dir / "platforms" / "README.md").write_text("# notes\n")
    (data_dir / "platforms" / "example.yml.orig").write_text("not: read\n")
    (data_platforms := data_dir / "platforms" / "drafts").mkdir()
    (data_platforms / "draft.yaml").write_text(EXAMPLE)
    assert [p.id for p in load_dataset(data_dir, today=TODAY).platforms] == ["example"]


# --------------------------------------------------------------------------------------------
# The fixture platforms and the project's own data
# --------------------------------------------------------------------------------------------


def _schema_fields(schema: dict, node: dict, path: str = "") -> set[str]:
    """Every field a platform file can have, as a path: ``mechanisms[].steps.web``; ``*`` for
    a key of the file's choosing (a language of ``localized_labels``)."""
    if "$ref" in node:
        return _schema_fields(schema, schema["$defs"][node["$ref"].rsplit("/", 1)[1]], path)
    fields: set[str] = set()
    for option in node.get("anyOf", []):
        fields |= _schema_fields(schema, option, path)
    if "items" in node:
        fields |= _schema_fields(schema, node["items"], f"{path}[]")
    if isinstance(node.get("additionalProperties"), dict):
        fields |= _schema_fields(schema, node["additionalProperties"], f"{path}.*")
    for name, child in node.get("properties", {}).items():
        child_path = f"{path}.{name}".lstrip(".")
        fields |= {child_path} | _schema_fields(schema, child, child_path)
    return fields


def _used_fields(value: object, path: str = "", keyed: frozenset[str] = frozenset()) -> set[str]:
    """Every field present in a loaded platform file, as :func:`_schema_fields` writes it."""
    if isinstance(value, list):
        return set().union(*(_used_fields(item, f"{path}[]", keyed) for item in value))
    if not isinstance(value, dict):
        return set()
    fields: set[str] = set()
    for name, child in value.items():
        child_path = f"{path}.*" if path in keyed else f"{path}.{name}".lstrip(".")
        fields |= {child_path} | _used_fields(child, child_path, keyed)
    return fields


def test_fixture_platforms_fill_in_every_field_of_the_schema() -> None:
    """The fixture site's platforms use every field a platform file can have, so that the
    tests of the site's code see each of them rendered. A field added to the schema fails here
    until a fixture platform uses it."""
    schema = json.loads((ROOT / "data" / "schema" / "platform.schema.json").read_text(encoding="utf-8"))
    possible = _schema_fields(schema, schema)
    keyed = frozenset(path.split(".*", 1)[0] for path in possible if ".*" in path)
    used: set[str] = set()
    for path in sorted((FIXTURE_SITE / "data" / "platforms").glob("*.yml")):
        used |= _used_fields(yaml.safe_load(path.read_text(encoding="utf-8")), keyed=keyed)
    assert "mechanisms[].localized_labels.*.sources" in possible  # the walk reaches nested fields
    assert sorted(possible - used) == [], "use these fields in tests/fixtures/site/data/platforms/"


def test_fixture_platforms_are_valid_on_the_pinned_date():
    dataset = load_dataset(FIXTURE_SITE / "data", today=TODAY, languages=["en", "de"])
    assert [p.id for p in dataset.platforms] == ["alpha", "beta", "delta", "gamma"]


def test_project_data_is_valid_on_the_real_date_and_not_before_its_newest_date():
    """The project's data, checked as a reader sees it on the real date. The check of dates is
    live: the day before the newest date in the data, the same data is refused."""
    data = ROOT / "data"
    dataset = load_dataset(data, today=real_today())
    newest = max(
        date
        for platform in dataset.platforms
        for date in (
            platform.last_verified,
            *(source.accessed for source in platform.sources.values()),
            *(m.last_verified for m in platform.mechanisms if m.last_verified),
        )
    )
    assert newest <= real_today()
    with pytest.raises(DataError) as refused:
        load_dataset(data, today=newest - dt.timedelta(days=1))
    assert any(newest.isoformat() in str(problem) for problem in refused.value.problems)
