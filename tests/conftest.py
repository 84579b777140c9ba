"""Shared fixtures: a small valid data directory to break on purpose, a pinned clock for it, a
site built from fixture platforms, and the project's real site and data, checked against the real
date.

Two clocks, on purpose:

- ``TODAY`` is the pinned date of the fixtures. Tests of the code run on ``EXAMPLE``, on the
  fixture site (``fixture_site``, built from ``tests/fixtures/site/``) or on data written by the
  test, and assert exact dates and ages, so they pin the clock to ``TODAY``.
- ``real_today()`` is the date the tests run on. The project's own data (``data/``), the ``site``
  built from it and the ``dataset`` loaded from it are checked against it, as a reader would see
  them: a pull request with a source accessed today passes, one dated tomorrow does not.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from optout_atlas.dataset import Dataset, load_dataset

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = Path(__file__).resolve().parent / "fixtures" / "site"
TODAY = dt.date(2026, 11, 22)  # the fixtures' clock; never used for the project's real data


def real_today() -> dt.date:
    """Today's date, whatever ``OPTOUT_ATLAS_TODAY`` says in the caller's environment."""
    return dt.date.today()


# A minimal valid platform. Tests replace one line at a time and assert on the line number, so
# keep the line numbers of this text in mind when editing it (line 1 is the schema comment).
EXAMPLE = """\
# yaml-language-server: $schema=../schema/platform.schema.json
id: example
name: Example
kind: social
owner: Example Corp
products: [Example]
summary:
  text: Example trains AI on public posts unless you switch it off.
  sources: [example-help]
last_verified: 2025-11-03
defaults:
  - regions: [EU, EEA, GB]
    status: opt_out
    since: 2025-11-03
    legal_basis: Legitimate interest
    sources: [example-help]
  - regions: [OTHER]
    status: no_choice
    sources: [regulator-note]
data:
  - category: posts
    status: used
    text: Public posts and comments.
    sources: [example-help]
  - category: private_messages
    status: excluded
    text: Private messages.
    sources: [example-help]
mechanisms:
  - id: ai-setting
    kind: setting
    title: Turn off AI training
    label: Use my data for AI
    url: https://example.com/settings/ai
    regions: [EU, EEA, GB]
    minutes: 2
    covers: [Training of content-generating models from now on.]
    does_not_cover: [Models already trained.]
    retroactive: false
    steps:
      web:
        - Open **Settings**.
        - Switch off **Use my data for AI**.
      app:
        - Tap your photo, then **Settings**.
    caveats:
      - text: The setting does not remove data already used.
        sources: [example-help]
    last_verified: 2025-11-03
    sources: [example-help]
events:
  - date: 2025-11-03
    type: training_started
    regions: [EU, EEA, GB]
    text: Example starts training on posts of members in Europe.
    sources: [example-help, regulator-note]
  - date: 2024-09
    type: announced
    regions: [OTHER]
    text: Example announces AI training.
    approximate: true
    sources: [example-help]
disputes:
  - topic: Start year
    text: One summary says 2024; the platform and the regulator say 2025, which this guide follows.
    sources: [example-help, regulator-note]
sources:
  - id: example-help
    title: Control AI training
    publisher: Example
    url: https://example.com/help/ai
    published: 2025-09-18
    accessed: 2026-11-22
    kind: platform
  - id: regulator-note
    title: Statement on Example's AI plans
    publisher: A data protection authority
    url: https://regulator.example.org/statement
    via: https://copy.example.net/statement
    published: 2025-09
    accessed: 2026-11-22
    kind: regulator
"""


# An archived version of the platform's own text: cited by the summary, last in the file.
ARCHIVED = """\
  - id: example-terms
    title: Terms of Service
    publisher: Example
    url: https://example.com/terms
    via: https://github.com/OpenTermsArchive/contrib-versions/blob/0123456789abcdef0123456789abcdef01234567/Example/Terms%20of%20Service.md
    published: 2025-10-01
    accessed: 2026-11-22
    kind: archive
    archive:
      collection: contrib
      service: Example
      document: Terms of Service
      recorded: 2026-02-20
"""


def with_archive(text: str = EXAMPLE) -> str:
    """``text`` with ARCHIVED as its last source, cited by the summary."""
    old = "  sources: [example-help]\nlast_verified"
    assert old in text
    return text.replace(old, "  sources: [example-help, example-terms]\nlast_verified", 1) + ARCHIVED


def line_of(text: str, fragment: str) -> int:
    """1-based number of the first line of ``text`` containing ``fragment``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in text")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the project's schemas, regions and categories with one example platform."""
    target = tmp_path / "data"
    (target / "platforms").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "schema", target / "schema")
    for name in ("regions.yml", "categories.yml"):
        shutil.copy(ROOT / "data" / name, target / name)
    (target / "platforms" / "example.yml").write_text(EXAMPLE, encoding="utf-8")
    return target


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setenv("OPTOUT_ATLAS_TODAY", TODAY.isoformat())
    return TODAY


def mkdocs_build(
    project: Path,
    site_dir: Path,
    *,
    language: str | None = None,
    today: dt.date | None = None,
    config: str = "mkdocs.yml",
) -> subprocess.CompletedProcess:
    """A real `mkdocs build --strict` of ``project``, of every language or (faster) of one.
    ``today``: the date the build takes as today; by default the real date (the project's data
    must be valid today), pinned only for fixture data."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("ATLAS_LANGUAGE", None)
    env.pop("OPTOUT_ATLAS_TODAY", None)
    if today is not None:
        env["OPTOUT_ATLAS_TODAY"] = today.isoformat()
    if language:
        env["ATLAS_LANGUAGE"] = language
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(project / config),
            "-d",
            str(site_dir),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built once per test run from the real data on the real date: every
    language, strict, zero warnings. Every test of the built site shares it."""
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = mkdocs_build(ROOT, site_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site_dir


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The project's data in English, valid on the real date."""
    return load_dataset(ROOT / "data", today=real_today())


def fixture_project(target: Path, *, editable: tuple[str, ...] = ()) -> Path:
    """A project at ``target`` that builds the fixture platforms with the project's own site
    configuration: ``mkdocs.yml`` and ``mkdocs.offline.yml`` as they are, the real pages,
    templates and interface catalogs, and ``tests/fixtures/site/`` in place of the data
    and the data catalogs.

    The one place that decides where the fixture's data and catalogs come from. Files the build
    reads as data (the configuration, whose data directory is found beside its real path, and the
    catalogs, which must be regular files) are copied; the rest is linked, unless ``editable``
    names it (``data``, ``docs``): then it is a copy the test may change."""
    target.mkdir(parents=True)
    for name in ("mkdocs.yml", "mkdocs.offline.yml"):
        shutil.copy(ROOT / name, target / name)
    parts = {"docs": ROOT / "docs", "overrides": ROOT / "overrides"}
    for part, source in {**parts, "data": FIXTURE_SITE / "data"}.items():
        if part in editable:
            shutil.copytree(source, target / part)  # links inside (the schema) become copies
        else:
            (target / part).symlink_to(source, target_is_directory=True)
    locales = target / "locales"
    locales.mkdir()
    shutil.copy(ROOT / "locales" / "ui.pot", locales / "ui.pot")
    for catalog in (FIXTURE_SITE / "locales").glob("*/LC_MESSAGES/data.po"):
        folder = locales / catalog.relative_to(FIXTURE_SITE / "locales").parent
        folder.mkdir(parents=True)
        shutil.copy(catalog, folder / "data.po")
        shutil.copy(ROOT / "locales" / folder.relative_to(locales) / "ui.po", folder / "ui.po")
    return target


# The fixture site's languages: English and the one other language its catalogs translate.
FIXTURE_LANGUAGE = "de"


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture platforms (``tests/fixtures/site/data``) built as the project builds its own
    site, strict and with zero warnings, on the pinned date, in English and German only (a few
    seconds). Every test of what the site's code does with a field shares it."""
    project = fixture_project(tmp_path_factory.mktemp("fixture") / "project")
    site_dir = project / "site"
    result = mkdocs_build(project, site_dir, language=FIXTURE_LANGUAGE, today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site_dir


@pytest.fixture(scope="session")
def fixture_dataset() -> Dataset:
    """The fixture platforms in English, as the fixture site's build loads them."""
    return load_dataset(FIXTURE_SITE / "data", today=TODAY, languages=["en", FIXTURE_LANGUAGE])
