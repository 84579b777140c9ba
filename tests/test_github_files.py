"""The repository's GitHub files and contributor guide: valid for GitHub, and true to the project.

Workflows and issue forms are checked against the schemas vendored in check-jsonschema, offline
(any attempt to reach the network goes to a dead proxy), so a typo in a workflow fails here and
not after the merge.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from optout_atlas import yamlfile
from optout_atlas.tools import cli

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ISSUE_FORMS = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
PR_TEMPLATE = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
DEAD_PROXY = "http://127.0.0.1:9"


def check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess:
    """Run check-jsonschema with one of its vendored schemas, with the network out of reach."""
    env = {**os.environ, "NO_PROXY": "", "no_proxy": ""}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env[name] = DEAD_PROXY
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def load(path: Path) -> dict:
    """A YAML file read the YAML 1.2 way, so that a workflow's `on:` stays a string key."""
    document, problems = yamlfile.load(path)
    assert not problems, problems
    return document.value


def run_steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", []) if "run" in step]


@pytest.fixture
def atlas_parser(monkeypatch: pytest.MonkeyPatch) -> argparse.ArgumentParser:
    """The `optout-atlas` parser with every sub-command, `new` included whether or not it is registered yet."""
    if "cmd_new" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "cmd_new"))
    return cli.build_parser()


def command_is_valid(parser: argparse.ArgumentParser, arguments: str) -> bool:
    """Whether ``optout-atlas ARGUMENTS`` names a real sub-command with real options."""
    try:
        parser.parse_args(shlex.split(arguments))
    except SystemExit:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Valid for GitHub
# --------------------------------------------------------------------------------------------


def test_the_expected_github_files_exist():
    assert {p.name for p in WORKFLOWS} >= {"tests.yml", "deploy.yml", "scheduled-checks.yml"}
    assert {p.name for p in ISSUE_FORMS} >= {"steps-no-longer-work.yml", "new-platform.yml"}
    assert (GITHUB / "ISSUE_TEMPLATE" / "config.yml").is_file()


def test_workflows_match_the_github_workflow_schema():
    result = check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_forms_and_chooser_match_their_schemas():
    forms = check_jsonschema("vendor.github-issue-forms", *ISSUE_FORMS)
    assert forms.returncode == 0, forms.stdout + forms.stderr
    chooser = check_jsonschema("vendor.github-issue-config", GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert chooser.returncode == 0, chooser.stdout + chooser.stderr


@pytest.mark.parametrize(
    ("schema", "text", "error"),
    [
        ("vendor.github-workflows", "name: x\non: pushh\njobs:\n  a:\n    runs-on: ubuntu-latest\n", "pushh"),
        ("vendor.github-issue-forms", "name: x\ndescription: y\nbody:\n  - type: dropdwn\n", "dropdwn"),
    ],
)
def test_the_schema_check_rejects_broken_files_offline(tmp_path: Path, schema: str, text: str, error: str):
    broken = tmp_path / "broken.yml"
    broken.write_text(text, encoding="utf-8")
    result = check_jsonschema(schema, broken)
    assert result.returncode == 1
    assert error in result.stdout


# --------------------------------------------------------------------------------------------
# True to the project
# --------------------------------------------------------------------------------------------


def test_tests_workflow_runs_the_readme_test_command_and_validates_pull_requests():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = [
        line for line in readme.splitlines() if line.startswith("python3 -m venv") and "pytest" in line
    ]
    workflow = load(GITHUB / "workflows" / "tests.yml")
    assert {"pull_request", "push"} <= set(workflow["on"])
    steps = workflow["jobs"]["test"]["steps"]
    assert any(s.get("with", {}).get("python-version") == "3.11" for s in steps)
    assert command in [s.get("run") for s in steps]
    (validate,) = [s for s in steps if "optout-atlas validate" in s.get("run", "")]
    assert "pull_request" in validate["if"]


def test_tests_workflow_installs_what_the_suite_needs_before_it_runs():
    """GitHub sets CI=true, under which a missing browser, axe-core or msgcat fails the tests."""
    job = load(GITHUB / "workflows" / "tests.yml")["jobs"]["test"]
    runs = [s.get("run", "") for s in job["steps"]]
    readme_step = next(i for i, run in enumerate(runs) if "pytest" in run)
    before = "\n".join(runs[:readme_step])
    assert "npm ci" in before  # axe-core, for the accessibility tests
    assert "playwright install" in before and "CHROMIUM=" in before
    assert "msgcat" in before
    assert job["timeout-minutes"] >= 25  # the suite takes about 7 minutes; installs and slow runners


def test_deploy_workflow_publishes_to_pages_with_the_site_url():
    workflow = load(GITHUB / "workflows" / "deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    uses = [s.get("uses", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    (build,) = [s for s in run_steps(workflow) if "mkdocs build" in s["run"]]
    assert "pages.outputs.base_url" in build["env"]["SITE_URL"]
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_scheduled_checks_report_in_one_issue_and_fail_on_stale_data():
    workflow = load(GITHUB / "workflows" / "scheduled-checks.yml")
    assert "schedule" in workflow["on"] and "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"]["issues"] == "write"
    runs = "\n".join(s["run"] for s in run_steps(workflow))
    assert "optout-atlas check-links --json" in runs
    assert "optout-atlas freshness --strict" in runs
    assert workflow["env"]["REPORT_LABEL"] == "link-report"
    assert "gh issue list --label" in runs and "gh issue edit" in runs and "gh issue create" in runs
    steps = workflow["jobs"]["check"]["steps"]
    assert steps[-1]["if"] == "${{ steps.freshness.outcome == 'failure' }}" and "exit 1" in steps[-1]["run"]


def test_scheduled_checks_watch_the_policies_and_keep_one_issue_per_platform():
    workflow = load(GITHUB / "workflows" / "scheduled-checks.yml")
    steps = workflow["jobs"]["check"]["steps"]
    (watch,) = [s for s in steps if s.get("id") == "watch"]
    assert watch["run"].startswith(".venv/bin/optout-atlas watch ")
    assert "--pages" in watch["run"] and "--report-dir watch-reports" in watch["run"]
    assert watch["continue-on-error"] is True and "GITHUB_TOKEN" in watch["env"]
    (state,) = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert state["with"]["path"] == ".cache/watch.json"  # the content hashes of the last run
    (issues,) = [s for s in steps if "watch-reports/reports.json" in s.get("run", "")]
    assert workflow["env"]["WATCH_LABEL"] == "policy-watch"
    assert "gh issue edit" in issues["run"] and "gh issue create" in issues["run"]
    assert "select(.title == $title)" in issues["run"]
    assert steps.index(state) < steps.index(watch) < steps.index(issues)


def test_the_steps_form_lists_every_platform():
    form = load(GITHUB / "ISSUE_TEMPLATE" / "steps-no-longer-work.yml")
    (dropdown,) = [f for f in form["body"] if f.get("id") == "platform"]
    listed = [
        re.search(r"\(([a-z0-9-]+)\)$", option).group(1) for option in dropdown["attributes"]["options"]
    ]
    platforms = sorted(p.stem for p in (ROOT / "data" / "platforms").glob("*.yml"))
    assert sorted(listed) == sorted([*platforms, "other"]), (
        "add the platform to the dropdown in .github/ISSUE_TEMPLATE/steps-no-longer-work.yml"
    )
    fields = {f.get("id") for f in form["body"]}
    assert {"region", "surface", "date-seen", "what-you-saw", "source"} <= fields


def contributing_checklist() -> list[str]:
    """The check boxes between CONTRIBUTING.md's checklist markers."""
    block = CONTRIBUTING.split("<!-- checklist:start -->", 1)[1].split("<!-- checklist:end -->", 1)[0]
    return [line for line in block.strip().splitlines() if line.startswith("- [ ] ")]


def test_pull_request_template_has_the_reviewers_checklist():
    checklist = contributing_checklist()
    assert checklist, "CONTRIBUTING.md has no check boxes between <!-- checklist:start --> and :end"
    template_items = [line for line in PR_TEMPLATE.splitlines() if line.startswith("- [ ] ")]
    assert template_items == checklist, "CONTRIBUTING.md and the PR template must list the same checks"


_FENCED = re.compile(r"^[ \t]*```[a-z]*\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE)
_SPAN = re.compile(r"`([^`\n]+)`")
_COMMAND = re.compile(r"(?:^|[\s/])optout-atlas((?:[ \t]+[^\s#][^\s]*)*)")


def shown_commands(markdown: str) -> list[str]:
    """The arguments of every ``optout-atlas`` command a Markdown text shows as code (in a code
    block or a code span), without a shell comment after it. The program's name alone (`optout-atlas`)
    names the tool rather than showing a command."""
    code = [*_FENCED.findall(markdown), *_SPAN.findall(_FENCED.sub("", markdown))]
    return [
        match.group(1).strip()
        for text in code
        for line in text.splitlines()
        for match in _COMMAND.finditer(line.split("  #")[0])
        if match.group(1).strip()
    ]


def test_shown_commands_are_found_in_blocks_and_spans():
    text = (
        "Run `optout-atlas validate` first; optout-atlas in prose is not a command, nor is"
        " `optout-atlas` alone.\n\n"
        "   ```sh\n   .venv/bin/optout-atlas translations --check   # a comment\n   ```\n"
    )
    assert shown_commands(text) == ["translations --check", "validate"]


def test_contributing_shows_only_commands_that_exist(atlas_parser: argparse.ArgumentParser):
    """Every `optout-atlas ...` that CONTRIBUTING.md shows names a sub-command and options that
    the command line accepts."""
    shown = shown_commands(CONTRIBUTING)
    assert shown
    assert [arguments for arguments in shown if not command_is_valid(atlas_parser, arguments)] == []


def test_pre_commit_hooks_are_local_and_call_real_commands(atlas_parser: argparse.ArgumentParser):
    config = load(ROOT / ".pre-commit-config.yaml")
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert all(hook["language"] == "system" for hook in hooks)
    entries = {hook["entry"] for hook in hooks}
    assert entries == {
        "optout-atlas validate",
        "optout-atlas translations --check",
        "ruff check",
        "ruff format --check",
        "mypy",
    }
    for entry in entries:
        if entry.startswith("optout-atlas "):
            assert command_is_valid(atlas_parser, entry.removeprefix("optout-atlas ")), entry
    by_entry = {hook["entry"]: hook for hook in hooks}
    assert re.search(by_entry["optout-atlas validate"]["files"], "data/platforms/linkedin.yml")
    assert re.search(by_entry["optout-atlas translations --check"]["files"], "locales/de/LC_MESSAGES/data.po")
