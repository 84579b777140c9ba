"""Files a pull request can put in the data directory, through `optout-atlas validate` as a
contributor runs it: one line per problem with file:line, exit 1, no traceback, and quickly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE, TODAY, line_of

from optout_atlas.dataset import load_dataset


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
