"""The atlas plugin's options, as a maintainer writes them in mkdocs.yml: a mistake stops the
build before it starts, with one line that names the option, and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import fixture_project

OPTIONS = "    data_dir: data\n    locales_dir: locales\n"


def _build_with(tmp_path: Path, options: str, *, strict: bool) -> subprocess.CompletedProcess:
    """`mkdocs build` of the fixture project with the atlas plugin's options replaced by
    ``options``."""
    project = fixture_project(tmp_path / "project")
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert OPTIONS in text
    text = text.replace(OPTIONS, options).replace("strict: true", f"strict: {str(strict).lower()}")
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "site")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "not strict"])
def test_a_misspelt_option_stops_the_build_and_names_the_option(tmp_path: Path, strict: bool):
    result = _build_with(tmp_path, "    data_dri: data\n    locales_dir: locales\n", strict=strict)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1
    assert "Plugin 'atlas' option 'data_dri': no such option (did you mean 'data_dir'?)" in errors[0]
    assert "Traceback" not in output
    assert not (tmp_path / "site").exists()


def test_a_data_directory_that_does_not_exist_stops_the_build(tmp_path: Path):
    result = _build_with(tmp_path, "    data_dir: platform-data\n    locales_dir: locales\n", strict=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1
    assert "Plugin 'atlas' option 'data_dir'" in errors[0] and "platform-data" in errors[0]
    assert "Traceback" not in output
