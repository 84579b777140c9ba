"""`optout-atlas validate` as a contributor runs it: exit codes, one line per problem, no traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT, TODAY

LINE = re.compile(
    r"^(?P<file>[^:]+\.yml):(?P<line>\d+):(?P<col>\d+): (?P<field>[\w\[\].<>?-]+: )?(?P<message>.+)$"
)


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "OPTOUT_ATLAS_TODAY": TODAY.isoformat(), **env}
    if "GITHUB_ACTIONS" not in env:
        environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "optout_atlas.tools.cli", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_data_is_valid_today():
    result = run("validate", cwd=ROOT, OPTOUT_ATLAS_TODAY="")  # unpinned: the real date
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")


def test_broken_file_gives_one_line_per_problem_and_exit_1(data_dir: Path):
    broken = EXAMPLE.replace("url: https://example.com/settings/ai", "url: http://example.com/settings/ai")
    broken = broken.replace(
        "  - regions: [EU, EEA, GB]\n    status: opt_out", "  - regions: [EU, EEA, UK]\n    status: opt_out"
    )
    (data_dir / "platforms" / "example.yml").write_text(broken)
    result = run("validate", "--data", "data", cwd=data_dir.parent)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "data/platforms/example.yml:12:24: defaults[0].regions[2]: unknown region 'UK': the ISO code of the United Kingdom is 'GB'",
        "data/platforms/example.yml:34:10: mechanisms[0].url: 'http://example.com/settings/ai' is not valid here: expected an https:// address",
    ]
    assert all(LINE.match(line) for line in lines)
    assert result.stderr.strip() == "2 problems found in data"


def test_github_actions_annotations(data_dir: Path):
    (data_dir / "platforms" / "example.yml").write_text(EXAMPLE.replace("id: example", "id: other"))
    result = run("validate", "--data", "data", cwd=data_dir.parent, GITHUB_ACTIONS="true")
    assert result.returncode == 1
    assert (
        "::error file=data/platforms/example.yml,line=2,col=5::id: 'other' must equal the file name 'example'"
        in result.stdout.splitlines()
    )


def test_undecodable_and_empty_files(data_dir: Path):
    (data_dir / "platforms" / "example.yml").write_bytes(b"id: \xff\n")
    (data_dir / "platforms" / "empty.yml").write_text("")
    result = run("validate", "--data", "data", cwd=data_dir.parent)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        "data/platforms/empty.yml:1:1: file is empty",
        "data/platforms/example.yml:1:5: not valid UTF-8 (byte 0xff); save the file as UTF-8",
    ]


def test_bad_pinned_date_is_a_clean_error(data_dir: Path):
    result = run("validate", "--data", "data", cwd=data_dir.parent, OPTOUT_ATLAS_TODAY="tomorrow")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "OPTOUT_ATLAS_TODAY='tomorrow': not a date (expected YYYY-MM-DD)" in result.stderr
