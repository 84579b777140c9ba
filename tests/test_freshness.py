"""Freshness with a pinned clock: what goes stale when, what readers are told, and deadlines
that read correctly before and after they pass."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, real_today

from optout_atlas import freshness
from optout_atlas.cli import main
from optout_atlas.dataset import load_dataset
from optout_atlas.render import Templates

VERIFIED = dt.date(2025, 11, 3)  # the example's last_verified and training start


class StaleDataWarning(UserWarning):
    """Data that needs a fresh check: shown in the pytest summary, never a failure."""


def test_platform_goes_stale_the_day_after_its_review_interval(data_dir):
    platform = load_dataset(data_dir, today=TODAY).platforms[0]
    last_fresh_day = VERIFIED + dt.timedelta(days=90)
    assert not freshness.platform_is_stale(platform, last_fresh_day)
    assert freshness.platform_is_stale(platform, last_fresh_day + dt.timedelta(days=1))


def test_review_interval_can_be_set_per_platform(data_dir):
    path = data_dir / "platforms" / "example.yml"
    path.write_text(
        path.read_text().replace(
            "last_verified: 2025-11-03\ndefaults",
            "review_interval_days: 30\nlast_verified: 2025-11-03\ndefaults",
        )
    )
    platform = load_dataset(data_dir, today=TODAY).platforms[0]
    assert freshness.platform_is_stale(platform, VERIFIED + dt.timedelta(days=31))


def test_unconfirmed_mechanism_is_always_stale(data_dir):
    path = data_dir / "platforms" / "example.yml"
    path.write_text(
        path.read_text().replace(
            "    last_verified: 2025-11-03\n    sources: [example-help]\nevents",
            "    sources: [example-help]\nevents",
        )
    )
    platform = load_dataset(data_dir, today=TODAY).platforms[0]
    entries = freshness.stale_entries([platform], VERIFIED)
    assert [(e.kind, e.item, e.describe(VERIFIED)) for e in entries] == [
        (
            "mechanism",
            "ai-setting",
            "example mechanism ai-setting: never confirmed by a check or dated source",
        )
    ]


def test_stale_entries_say_since_when(data_dir):
    platform = load_dataset(data_dir, today=TODAY).platforms[0]
    entries = freshness.stale_entries([platform], TODAY)
    assert [(e.kind, e.item) for e in entries] == [("platform", "example"), ("mechanism", "ai-setting")]
    assert entries[0].describe(TODAY) == "example: last checked 2025-11-03, stale since 2026-02-01 (294 days)"
    later = TODAY + dt.timedelta(days=91)
    assert ("source", "example-help") in [
        (e.kind, e.item) for e in freshness.stale_entries([platform], later)
    ]


def guide(data_dir, today: dt.date) -> str:
    """The example's guide as built on ``today`` (the data itself is valid as of TODAY)."""
    dataset = load_dataset(data_dir, today=TODAY)
    return Templates(ROOT / "overrides", today=today).renderer(dataset).guide(dataset.platforms[0])


def test_deadline_reads_correctly_before_and_after_it_passes(data_dir):
    before = guide(data_dir, dt.date(2025, 11, 2))
    assert (
        "**Opt out before November 3, 2025 to keep what you have already shared out of training.**" in before
    )
    assert "Training began" not in before
    after = guide(data_dir, dt.date(2025, 11, 3))
    assert "Opt out before" not in after
    assert "Training began on November 3, 2025: opting out now only stops future use." in after


def test_readers_see_a_stale_banner_and_how_long_ago(data_dir):
    fresh = guide(data_dir, VERIFIED + dt.timedelta(days=10))
    assert "This guide may be out of date" not in fresh
    assert "Policy confirmed on November 3, 2025 (10 days ago)." in fresh
    assert "Steps last confirmed on November 3, 2025 (may have changed)" not in fresh
    stale = guide(data_dir, TODAY)
    assert '!!! warning atlas-stale "This guide may be out of date"' in stale
    assert "Policy confirmed on November 3, 2025: Example may have changed its policy or its settings since." in stale
    assert "Policy confirmed on November 3, 2025 (13 months ago)." in stale
    assert "Steps last confirmed on November 3, 2025 (may have changed)" in stale


def test_policy_and_steps_dates_are_told_apart(data_dir):
    """A newer dated text of the policy moves the policy's date, not the steps': the reader sees
    both dates, each named for what it confirms, and the old steps keep their warning."""
    path = data_dir / "platforms" / "example.yml"
    path.write_text(
        path.read_text().replace("last_verified: 2025-11-03\ndefaults", "last_verified: 2026-11-12\ndefaults")
    )
    text = guide(data_dir, TODAY)
    assert "This guide may be out of date" not in text  # the policy is fresh: no page-wide banner
    assert "Policy confirmed on November 12, 2026 (10 days ago)." in text
    assert "Steps last confirmed on November 3, 2025 (may have changed)" in text
    assert "Last verified" not in text
    path.write_text(
        path.read_text().replace(
            "    last_verified: 2025-11-03\n    sources: [example-help]\nevents",
            "    sources: [example-help]\nevents",
        )
    )
    unconfirmed = guide(data_dir, TODAY)
    assert "**Not yet confirmed by a dated source**" in unconfirmed
    assert "Steps last confirmed" not in unconfirmed


def test_freshness_command(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("OPTOUT_ATLAS_TODAY", TODAY.isoformat())
    assert main(["freshness", "--data", str(data_dir)]) == 0
    assert main(["freshness", "--data", str(data_dir), "--strict"]) == 1
    capsys.readouterr()
    assert main(["freshness", "--data", str(data_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["today"] == "2026-11-22"
    assert report["stale"][0] == {
        "platform": "example",
        "kind": "platform",
        "item": "example",
        "last_checked": "2025-11-03",
        "stale_since": "2026-02-01",
        "file": (data_dir / "platforms" / "example.yml").as_posix(),
    }
    path = data_dir / "platforms" / "example.yml"
    path.write_text(path.read_text().replace("last_verified: 2025-11-03", "last_verified: 2026-11-01"))
    assert main(["freshness", "--data", str(data_dir), "--strict"]) == 0
    assert "nothing stale on 2026-11-22" in capsys.readouterr().out


def test_project_report_and_guides_agree_on_the_real_date(capsys, monkeypatch):
    """On the project's data and the real date, `optout-atlas freshness` lists exactly what the
    rules call stale, and a guide carries the out-of-date notice exactly when its platform is
    listed. Each stale item is also shown in the pytest summary, so maintainers see it."""
    today = real_today()
    monkeypatch.delenv("OPTOUT_ATLAS_TODAY", raising=False)
    monkeypatch.chdir(ROOT)
    dataset = load_dataset(Path("data"), today=today)  # as the command loads it
    stale = freshness.stale_entries(dataset.platforms, today)
    assert main(["freshness"]) == 0  # a report; only --strict fails on it
    report = capsys.readouterr().out
    for entry in stale:
        assert f"{entry.path}: {entry.describe(today)}" in report
        warnings.warn(StaleDataWarning(entry.describe(today)), stacklevel=1)
    assert report.count("\n") == len(stale) + 1  # one line each and the summary
    templates = Templates(ROOT / "overrides", today=today)
    for platform in dataset.platforms:
        listed = any(entry.kind == "platform" and entry.platform == platform.id for entry in stale)
        assert listed == freshness.platform_is_stale(platform, today)
        assert ("This guide may be out of date" in templates.renderer(dataset).guide(platform)) == listed


@pytest.mark.parametrize("days", [0, 89, 90])
def test_within_interval_is_fresh(data_dir, days):
    platform = load_dataset(data_dir, today=TODAY).platforms[0]
    assert not freshness.platform_is_stale(platform, VERIFIED + dt.timedelta(days=days))
