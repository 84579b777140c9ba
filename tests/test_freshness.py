"""Freshness with a pinned clock: what goes stale when, what readers are told, and deadlines
that read correctly before and after they pass."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_SITE, ROOT, TODAY, real_today

from optout_atlas import freshness
from optout_atlas.dataset import load_dataset
from optout_atlas.render import Templates
from optout_atlas.tools.cli import main

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
    assert "Policy confirmed on November 3, 2025 (10 days ago)." in fresh
    assert "Steps last confirmed on November 3, 2025 (may have changed)" not in fresh
    stale = guide(data_dir, TODAY)
    # One line at the top, not a box.
    assert "Policy confirmed on November 3, 2025: it may have changed since.\n{: .atlas-stale }" in stale
    assert "Policy confirmed on November 3, 2025: it may have changed since." not in fresh
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
    assert "{: .atlas-stale }" not in text  # the policy is fresh: no page-wide notice
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


def test_report_and_guides_agree_on_the_fixture_platforms(capsys, monkeypatch):
    """On the pinned date, `optout-atlas freshness` lists exactly what is due on the fixture
    platforms (beta, checked on 2026-01-10 with the default 90 days, and alpha's unconfirmed
    objection form), and only beta's guide says it may be out of date."""
    monkeypatch.setenv("OPTOUT_ATLAS_TODAY", TODAY.isoformat())
    monkeypatch.chdir(ROOT)
    data = FIXTURE_SITE.relative_to(ROOT) / "data"
    assert main(["freshness", "--data", str(data)]) == 0  # a report; only --strict fails on it
    alpha, beta = (data / "platforms" / f"{name}.yml" for name in ("alpha", "beta"))
    assert capsys.readouterr().out.splitlines() == [
        f"{alpha.as_posix()}: alpha mechanism objection-form: never confirmed by a check or dated source",
        f"{beta.as_posix()}: beta: last checked 2026-01-10, stale since 2026-04-10 (226 days)",
        f"{beta.as_posix()}: beta mechanism delete-posts: last checked 2026-01-10, stale since 2026-04-10 (226 days)",
        f"{beta.as_posix()}: beta source beta-policy: last checked 2026-01-10, stale since 2026-04-10 (226 days)",
        "stale on 2026-11-22: 1 platform, 2 mechanisms, 1 source",
    ]
    assert main(["freshness", "--data", str(data), "--strict"]) == 1
    dataset = load_dataset(data, today=TODAY)
    renderer = Templates(ROOT / "overrides", today=TODAY).renderer(dataset)
    notices = {p.id: "{: .atlas-stale }" in renderer.guide(p) for p in dataset.platforms}
    assert notices == {"alpha": False, "beta": True, "delta": False, "gamma": False}


def _overdue_platforms(data: Path, today: dt.date) -> set[str]:
    """The platforms whose policy check is overdue on ``today``, read from the files themselves
    (last_verified plus review_interval_days, 90 by default): the rule as the schema states it,
    independent of the code under test."""
    overdue = set()
    for path in sorted((data / "platforms").glob("*.yml")):
        platform = yaml.safe_load(path.read_text(encoding="utf-8"))
        days = platform.get("review_interval_days", 90)
        if today > platform["last_verified"] + dt.timedelta(days=days):
            overdue.add(platform["id"])
    return overdue


def test_project_data_due_for_review_is_reported_as_warnings(capsys, monkeypatch):
    """The project's data on the real date: stale data never fails the report (only --strict
    does, in the scheduled checks), the report names exactly the platforms whose check is overdue,
    and each stale item is shown in the pytest summary, so that maintainers see it."""
    today = real_today()
    monkeypatch.delenv("OPTOUT_ATLAS_TODAY", raising=False)
    monkeypatch.chdir(ROOT)
    assert main(["freshness", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["today"] == today.isoformat()
    named = {entry["platform"] for entry in report["stale"] if entry["kind"] == "platform"}
    assert named == _overdue_platforms(ROOT / "data", today)
    for entry in report["stale"]:
        assert (ROOT / entry["file"]).is_file(), entry
        checked = entry["last_checked"]
        state = (
            f"last checked {checked}, stale since {entry['stale_since']}" if checked else "never confirmed"
        )
        warnings.warn(
            StaleDataWarning(f"{entry['file']}: {entry['kind']} {entry['item']}: {state}"), stacklevel=1
        )
    strict = main(["freshness", "--strict"])
    capsys.readouterr()
    assert strict == (1 if report["stale"] else 0)


@pytest.mark.parametrize("days", [0, 89, 90])
def test_within_interval_is_fresh(data_dir, days):
    platform = load_dataset(data_dir, today=TODAY).platforms[0]
    assert not freshness.platform_is_stale(platform, VERIFIED + dt.timedelta(days=days))
