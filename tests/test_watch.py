"""``optout-atlas watch`` against a local stand-in for the archive's GitHub API (tests/fake_archive.py).

The fixtures are the archive's real answers: the commits that recorded each watched document,
and short excerpts of the texts. The platform files the watch reads are the project's data as it
stood in December 2025, before the 2026 refresh (``tests/fixtures/watch/platforms``): against
them, the watch must find the changes of 2026 that the atlas then missed. The dates are pinned
to the fixtures' clock. No test touches the network.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import socket
import time
from pathlib import Path

import pytest
from conftest import ROOT
from fake_archive import FakeArchive
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from optout_atlas.tools import cli, watch
from optout_atlas.tools.linkcheck import Rewrite
from optout_atlas.tools.watch import ai_passages, page_text, term_pattern

COMMITS = "/repos/OpenTermsArchive/contrib-versions/commits"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, pinned_today) -> None:
    """Name lookups fail for anything but localhost; no token, no proxy; the date is pinned."""
    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host in ("localhost", "127.0.0.1", "::1"):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", local_only)
    for name in ("GITHUB_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


FIXTURE_PLATFORMS = ROOT / "tests" / "fixtures" / "watch" / "platforms"


@pytest.fixture(autouse=True)
def watched_data(tmp_path: Path) -> Path:
    """The project's schemas, regions and categories with the platform files of December 2025."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_PLATFORMS, target / "platforms")
    shutil.copytree(ROOT / "data" / "schema", target / "schema")
    for name in ("regions.yml", "categories.yml"):
        shutil.copy(ROOT / "data" / name, target / name)
    return target


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Quick retries, so that outages and rate limits take milliseconds."""
    path = tmp_path / "linkcheck.yml"
    path.write_text(
        "settings:\n  retries: 2\n  backoff: 0.01\n  max_wait: 2\n  read_timeout: 2\n  cache_hours: 24\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def archive(httpserver: HTTPServer) -> FakeArchive:
    fake = FakeArchive()
    httpserver.expect_request(re.compile("^/repos/")).respond_with_handler(fake)
    return fake


def run(
    capsys, httpserver: HTTPServer, config: Path, tmp_path: Path, *args: str, data: Path | None = None
) -> tuple[int, str, str]:
    code = cli.main(
        [
            "watch",
            "--data",
            str(data or tmp_path / "data"),
            "--api-url",
            httpserver.url_for("/").rstrip("/"),
            "--config",
            str(config),
            "--cache",
            str(tmp_path / "watch.json"),
            *args,
        ]
    )
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def block(output: str, title: str) -> str:
    """The lines of one document's entry in the report."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if f": {title}:" in line)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return "\n".join(lines[start:end])


# --------------------------------------------------------------------------------------------
# The changes the atlas missed in 2026
# --------------------------------------------------------------------------------------------


def test_finds_the_january_2026_x_terms(capsys, httpserver, archive, config, tmp_path):
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x")
    assert code == 1
    terms = block(out, "X Terms of Service")
    assert terms.startswith("changed: X Terms of Service: 4 new versions recorded since 2025-06-05")
    # The versions of 17 December 2025 and 16 January 2026, each linked to its diff.
    assert (
        "2026-01-16 https://github.com/OpenTermsArchive/contrib-versions/commit/"
        "89a515cf1c8d6ba5bb530941430e36aff4c90e18" in terms
    )
    assert "2025-12-17 https://github.com/OpenTermsArchive/contrib-versions/commit/827b23ff" in terms
    assert "2ade129c078921d0832793df6291b3317dee47ca (the archive's technical upgrade" in terms
    assert "Effective: January 15, 2026" in terms
    # Compared with what was in force when the data was verified, and only AI passages shown.
    assert "passages about AI that changed since the version of 2025-05-09:" in terms
    passages = [line for line in terms.splitlines() if line.startswith("    ")]
    assert 1 <= len(passages) <= 12
    assert any("prompt engineering or injection" in p for p in passages)
    assert all(re.search(r"(?i)\bAI\b|prompt|train|model|machine|Grok", p) for p in passages)


def test_finds_the_july_2026_meta_policy(capsys, httpserver, archive, config, tmp_path):
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "meta")
    assert code == 1
    policy = block(out, "Meta Privacy Policy (as published for Instagram)")
    assert "newest 2026-07-24" in policy
    assert "commit/bd22d209d9693fd731efc5244ff66953f2d9dd68" in policy
    assert "Effective July 23, 2026" in policy
    assert "changed since the version of 2025-11-26" in policy
    assert "+ We've updated our Privacy Policy with details about agentic AI capabilities" in policy
    assert "+ Develop and improve AI at Meta for Meta Products and for third parties." in policy
    # A document with no version since the baseline is reported as such.
    assert "unchanged: WhatsApp Privacy Policy (European Region): no version recorded since 2025-12-11" in out


def test_json_report_and_since(capsys, httpserver, archive, config, tmp_path):
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x", "--json")
    report = json.loads(out)
    terms = next(d for d in report["documents"] if d["document"] == "X Terms of Service")
    assert terms["status"] == "changed"
    assert terms["archive"]["path"] == "Twitter/Terms of Service.md"
    assert [v["recorded"][:10] for v in terms["versions"]][:3] == ["2026-04-11", "2026-01-16", "2025-12-17"]
    assert terms["compared_with"]["sha"] == "bad9fd431c4c4c68b8d74b620cace2d4adbb9707"
    assert report["summary"]["changed"] == 4

    # No change: nothing recorded after 22 August 2026 (the archive's newest commits here).
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x", "--since", "2026-08-23")
    assert code == 0
    assert (
        "unchanged: X Terms of Service: no version recorded since 2026-08-23; newest version recorded 2026-04-11"
        in out
    )
    assert out.strip().endswith("4 documents watched: 4 unchanged")


def test_cache_answers_a_second_run(capsys, httpserver, archive, config, tmp_path):
    run(capsys, httpserver, config, tmp_path, "--platform", "x")
    asked = len(archive.requests)
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x")
    assert code == 1 and "Effective: January 15, 2026" in out
    assert len(archive.requests) == asked  # every answer came from .cache/watch.json
    code, _, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x", "--no-cache")
    assert len(archive.requests) > asked


def test_sources_that_cite_the_document(capsys, httpserver, archive, config, tmp_path, data_copy):
    """A source with the document's address, read after the change, is named in the report."""
    x = data_copy / "platforms" / "x.yml"
    text = x.read_text(encoding="utf-8").replace(
        "sources:\n  - id:",
        "sources:\n  - id: x-terms-2026\n    title: X Terms of Service\n    publisher: X\n"
        "    url: https://x.com/en/tos\n    accessed: 2026-11-22\n    kind: platform\n  - id:",
        1,
    )
    text = text.replace(
        "sources: [9to5mac-2024-07, macrumors-2024-07, dpc-2024-09",
        "sources: [x-terms-2026, 9to5mac-2024-07, macrumors-2024-07, dpc-2024-09",
        1,
    )
    x.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x", data=data_copy)
    assert code == 1
    assert "source 'x-terms-2026' was read on 2026-11-22, after this change" in block(
        out, "X Terms of Service"
    )


# --------------------------------------------------------------------------------------------
# When the archive does not answer as expected
# --------------------------------------------------------------------------------------------


@pytest.fixture
def data_copy(watched_data: Path) -> Path:
    return watched_data


def test_renamed_document(capsys, httpserver, archive, config, tmp_path, data_copy):
    """The archive has no version under the old name: say so, and suggest the names it has."""
    x = data_copy / "platforms" / "x.yml"
    x.write_text(
        x.read_text(encoding="utf-8").replace(
            "service: Twitter, document: Terms of Service}", "service: Twitter, document: Terms}"
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x", data=data_copy)
    line = next(line for line in out.splitlines() if line.startswith("missing: X Terms of Service"))
    assert "no version of 'Twitter/Terms.md' in OpenTermsArchive/contrib-versions" in line
    assert "'Terms of Service'" in line.split("did you mean")[1]
    assert "https://github.com/OpenTermsArchive/contrib-versions/tree/main/Twitter" in line
    assert code == 1  # the other documents of X did change

    code, out, _ = run(
        capsys, httpserver, config, tmp_path, "--platform", "x", "--since", "2026-08-23", data=data_copy
    )
    assert code == 2  # nothing changed, but one document could not be checked


def _answer_with(httpserver: HTTPServer, handler) -> None:
    httpserver.expect_request(re.compile("^/repos/")).respond_with_handler(handler)


def test_rate_limit_waited_out_when_short(capsys, httpserver, config, tmp_path):
    fake = FakeArchive()
    refused = []

    def handler(request: Request) -> Response:
        if not refused:  # GitHub's secondary rate limit: 403 with Retry-After
            refused.append(request.full_path)
            return Response(
                json.dumps({"message": "You have exceeded a secondary rate limit."}),
                403,
                headers={"Retry-After": "1", "Content-Type": "application/json"},
            )
        return fake(request)

    _answer_with(httpserver, handler)
    started = time.monotonic()
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x")
    assert code == 1 and "Effective: January 15, 2026" in out
    assert time.monotonic() - started >= 1  # it waited as asked


def test_rate_limit_until_reset_stops_the_run(capsys, httpserver, config, tmp_path):
    reset = int(time.time()) + 3600
    calls = []

    def handler(request: Request) -> Response:
        calls.append(request.full_path)
        return Response(
            json.dumps({"message": "API rate limit exceeded for 203.0.113.7."}),
            403,
            headers={
                "Content-Type": "application/json",
                "X-RateLimit-Limit": "60",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
                "X-RateLimit-Resource": "core",
            },
        )

    _answer_with(httpserver, handler)
    started = time.monotonic()
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x")
    assert code == 2
    assert time.monotonic() - started < 5  # an hour's wait is not waited
    failed = [line for line in out.splitlines() if line.startswith("failed:")]
    assert len(failed) == 4
    assert "rate limited by the GitHub API until" in failed[0] and "set GITHUB_TOKEN" in failed[0]
    assert len(calls) == 1  # once refused for long, it stops asking


def test_outage(capsys, httpserver, config, tmp_path):
    calls = []

    def handler(request: Request) -> Response:
        calls.append(request.full_path)
        return Response("<html><body>Unicorn! 503</body></html>", 503, content_type="text/html")

    _answer_with(httpserver, handler)
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x", "--json")
    report = json.loads(out)
    assert code == 2
    assert {d["status"] for d in report["documents"]} == {"failed"}
    assert "answered HTTP 503 (after 3 attempts)" in report["documents"][0]["detail"]
    assert len(calls) == 3  # three attempts, then the documents after it are not asked about


def test_malformed_answers(capsys, httpserver, config, tmp_path):
    answers = {
        "Twitter/Terms of Service.md": ("<!DOCTYPE html><html>maintenance</html>", "text/html"),
        "Twitter/Privacy Policy.md": (json.dumps({"message": "Bad credentials"}), "application/json"),
    }
    fake = FakeArchive()

    def handler(request: Request) -> Response:
        path = request.args.get("path", "")
        if request.path.endswith("/commits") and path in answers:
            body, kind = answers[path]
            return Response(body, 200, content_type=kind)
        if request.path.endswith("/commits") and path.startswith("Grok/Terms"):
            commits = json.loads(fake.commits(request, "genai-eu").get_data(as_text=True))
            commits[0]["commit"]["committer"]["date"] = "yesterday"
            return Response(json.dumps(commits), 200, content_type="application/json")
        return fake(request)

    _answer_with(httpserver, handler)
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "x")
    assert "failed: X Terms of Service: malformed answer for OpenTermsArchive/contrib-versions:" in out
    assert "not JSON ('<!DOCTYPE html><html>maintenance</html>'" in out
    assert (
        "failed: X Privacy Policy: malformed answer" in out
        and "expected a list of commits, got an object" in out
    )
    assert "failed: xAI Terms of Service (Grok): malformed answer" in out and "'yesterday'" in out
    assert "changed: xAI Privacy Policy (Grok)" in out  # the others are still checked
    assert code == 1


# --------------------------------------------------------------------------------------------
# Pages no archive tracks: content hashes, in the scheduled run
# --------------------------------------------------------------------------------------------


def test_untracked_page_by_content_hash(capsys, httpserver, archive, config, tmp_path, monkeypatch):
    page = {
        "html": "<html><head><title>x</title><script>var a=1</script></head><body>"
        "<p>You can choose whether your public content is used to train generative AI models.</p>"
        "<p>Contact us.</p></body></html>"
    }
    httpserver.expect_request("/help/linkedin/answer/a6278444").respond_with_handler(
        lambda request: Response(page["html"], 200, content_type="text/html")
    )
    origin = httpserver.url_for("/").rstrip("/")
    rewrites = [Rewrite.parse(f"https://www.linkedin.com={origin}")]
    monkeypatch.setattr(watch, "Fetcher", functools.partial(watch.Fetcher, rewrites=rewrites))
    args = ("--platform", "linkedin", "--since", "2026-08-23", "--pages")
    code, out, _ = run(capsys, httpserver, config, tmp_path, *args)
    assert "recorded: Control whether LinkedIn uses your data to improve generative AI models" in out
    assert code == 0

    page["html"] = page["html"].replace("<script>var a=1</script>", "<script>var a=2</script>  ")
    code, out, _ = run(capsys, httpserver, config, tmp_path, *args)
    assert code == 0 and "unchanged: Control whether LinkedIn" in out  # scripts and spaces do not count

    page["html"] = page["html"].replace("is used to train", "is used by default to train")
    code, out, _ = run(capsys, httpserver, config, tmp_path, *args)
    assert code == 1
    entry = block(out, "Control whether LinkedIn uses your data to improve generative AI models")
    assert "(content hash)" in entry
    assert (
        "+ You can choose whether your public content is used by default to train generative AI models."
        in entry
    )
    assert "- You can choose whether your public content is used to train generative AI models." in entry


def test_without_pages_untracked_documents_are_listed(capsys, httpserver, archive, config, tmp_path):
    code, out, _ = run(capsys, httpserver, config, tmp_path, "--platform", "reddit", "--since", "2026-08-23")
    assert code == 0
    assert "untracked: Reddit Public Content Policy: no archive tracks it" in out


# --------------------------------------------------------------------------------------------
# The report issue of each platform, and the passages
# --------------------------------------------------------------------------------------------


def test_report_dir_writes_one_issue_per_platform(capsys, httpserver, archive, config, tmp_path):
    reports = tmp_path / "reports"
    code, _, _ = run(
        capsys,
        httpserver,
        config,
        tmp_path,
        "--report-dir",
        str(reports),
        "--platform",
        "x",
        "--platform",
        "meta",
    )
    assert code == 1
    listed = json.loads((reports / "reports.json").read_text(encoding="utf-8"))
    assert [(r["platform"], r["title"]) for r in listed] == [
        ("meta", "Policy watch: Meta"),
        ("x", "Policy watch: X"),
    ]
    body = (reports / "x.md").read_text(encoding="utf-8")
    assert "## X Terms of Service" in body
    assert (
        "- [2026-01-16](https://github.com/OpenTermsArchive/contrib-versions/commit/89a515cf1c8d6ba5bb530941430e36aff4c90e18)"
        in body
    )
    assert "```diff\n+ You are responsible for your use of the Services" in body
    assert "`Effective: January 15, 2026`" in body


def test_passages_only_about_ai_and_each_once():
    old = "Intro.\n\nWe use your posts to improve the Services. We may share data.\n\nOther text."
    new = (
        "Intro.\n\nWe use your posts to train our machine learning models. We may share data.\n\n"
        "Grok may use your chats. Grok may use your chats.\n\nOther text, changed."
    )
    passages, more = ai_passages(old, new, term_pattern(["Grok"]))
    assert [(p.sign, p.text) for p in passages] == [
        ("+", "We use your posts to train our machine learning models."),
        ("+", "Grok may use your chats."),
    ]
    assert more == 0
    assert ai_passages(old, old, term_pattern())[0] == []


def test_page_text_ignores_markup_and_scripts():
    assert page_text("<p>A&amp;B</p><script>x()</script><div>  two   words </div>") == "A&B\ntwo words"
