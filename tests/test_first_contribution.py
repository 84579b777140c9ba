"""CONTRIBUTING.md's first-pull-request walkthrough, performed on a copy of the repository on the
real date: change a step, add a source read today, update the catalogs, run the checks the guide
shows. If a step of the guide stops working, this fails.

The walkthrough is found by what it shows (the YAML of the edit and the block of commands that
checks it), not by its heading, so its wording can change freely."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, real_today

from optout_atlas import translation

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")

OLD_STEP = "        - Select **Me** (your profile photo) at the top right."
NEW_STEP = "        - Select **Me** (your profile photo) in the top right corner."
OLD_CHECK = "    last_verified: 2025-12-11\n    sources: [pcmag-2025,"
NEW_CHECK = "    last_verified: {today}\n    sources: [example-news-menu, pcmag-2025,"
SOURCE = """\
  - id: example-news-menu
    title: The article's own title
    publisher: Example News
    url: https://news.example.org/2026/12/linkedin-menu
    accessed: {today}
    kind: press
"""


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


def test_the_walkthrough_shows_the_edits_this_test_makes():
    yaml_blocks = "\n".join(_blocks(CONTRIBUTING, "yaml"))
    assert OLD_STEP.strip() in yaml_blocks and NEW_STEP.strip() in yaml_blocks
    assert (
        "last_verified: YYYY-MM-DD" in yaml_blocks
        and "sources: [example-news-menu, pcmag-2025," in yaml_blocks
    )
    for line in SOURCE.format(today="YYYY-MM-DD").splitlines():
        assert line in yaml_blocks, line


CHECKS = ("optout-atlas validate", "optout-atlas translations --update", "optout-atlas translations --check")


def _commands() -> list[str]:
    """The walkthrough's block of checks: the first shell block that validates the data and
    updates and checks the catalogs, one command a line, without comments."""
    blocks = [b for b in _blocks(CONTRIBUTING, "sh") if all(check in b for check in CHECKS)]
    assert blocks, f"CONTRIBUTING.md shows no block that runs {', '.join(CHECKS)}"
    return [line.split("  #")[0].strip() for line in blocks[0].splitlines() if line.strip()]


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """The parts of the repository the contributor's checks read."""
    for part in ("data", "locales", "overrides", "docs"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def test_first_pull_request_passes_on_the_day_it_is_made(clone: Path):
    today = real_today().isoformat()
    linkedin = clone / "data" / "platforms" / "linkedin.yml"
    text = linkedin.read_text(encoding="utf-8")
    assert OLD_STEP in text and OLD_CHECK in text
    text = text.replace(OLD_STEP, NEW_STEP, 1).replace(OLD_CHECK, NEW_CHECK.format(today=today), 1)
    linkedin.write_text(text + SOURCE.format(today=today), encoding="utf-8")

    # Every command of the block but the test suite (this very suite), in the guide's order; the
    # catalogs must be updated before they are checked.
    commands = [c for c in _commands() if c.split()[0].endswith("optout-atlas")]
    checks = [c.split("/")[-1] for c in commands]
    assert [checks.index(check) for check in CHECKS] == sorted(checks.index(check) for check in CHECKS)
    env = {**os.environ}
    env.pop("OPTOUT_ATLAS_TODAY", None)  # the real date, as on the contributor's machine
    env.pop("GITHUB_ACTIONS", None)
    outputs = {}
    for command in commands:
        arguments = command.split()[1:]
        result = subprocess.run(
            [sys.executable, "-m", "optout_atlas.tools.cli", *arguments],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        outputs[command.split("/")[-1]] = result.stdout
    assert outputs["optout-atlas validate"].startswith("ok: ")

    # Every translation of the changed step is now fuzzy, with the English it was made for:
    # translators see the change.
    for language in translation.catalog_languages(clone / "locales"):
        path = translation.catalog_path(clone / "locales", language, "data")
        catalog = translation.read_catalog(path, translation.babel_locale(language))
        (message,) = [m for m in catalog if m.id == NEW_STEP.strip()[2:]]
        assert message.fuzzy, language
        entry = (
            path.read_text(encoding="utf-8").split(f'msgid "{NEW_STEP.strip()[2:]}"')[0].rsplit("\n\n", 1)[-1]
        )
        assert f'#| msgid "{OLD_STEP.strip()[2:]}"' in entry, language
