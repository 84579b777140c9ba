"""The external link checker against a local server: every answer a real site can give.

No test reaches the network: https:// test URLs are rewritten to a local server (``Rewrite``,
given to the checker in-process; the command offers no such option), and name lookups of
anything but localhost fail (``no_network``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import functools
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, line_of
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from optout_atlas import REPOSITORY_URL
from optout_atlas.problems import DataError
from optout_atlas.tools import cli, cmd_linkcheck
from optout_atlas.tools.linkcheck import (
    Cache,
    Config,
    HostRule,
    LinkResult,
    Rewrite,
    Settings,
    check_urls,
    load_config,
    looks_offline,
    non_public_kind,
    retry_after_seconds,
)
from optout_atlas.tools.linkcheck.config import schema as config_schema

SITE = "https://site.test"
LINKEDIN = "https://www.linkedin.com"
FAST = Settings(connect_timeout=1, read_timeout=0.3, retries=2, backoff=0.01, max_wait=60)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Name lookups fail for anything but localhost, and no proxy is used."""
    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host in ("localhost", "127.0.0.1", "::1"):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", local_only)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def local_server():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def server(local_server: HTTPServer) -> HTTPServer:
    local_server.clear()
    return local_server


def base(server: HTTPServer) -> str:
    return f"http://127.0.0.1:{server.port}"


class Sleeps(list):
    """Records the waits asked for instead of waiting."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def check(
    server: HTTPServer, *urls: str, config: Config | None = None, sleep: Callable | None = None, **options
) -> dict[str, LinkResult]:
    """Check ``urls`` (on site.test, b.test or LinkedIn), fetched from the local server."""
    rewrites = [Rewrite.parse(f"{origin}={base(server)}") for origin in (SITE, LINKEDIN, "https://b.test")]
    return check_urls(
        urls, config or Config(FAST), rewrites=rewrites, sleep=Sleeps() if sleep is None else sleep, **options
    )


def check_one(server: HTTPServer, url: str, **options) -> LinkResult:
    return check(server, url, **options)[url]


def requests(server: HTTPServer) -> list[str]:
    return [f"{request.method} {request.path}" for request, _ in server.log]


def answers(*statuses: int | tuple[int, dict]) -> Callable[[Request], Response]:
    """A handler giving each answer in turn, then the last one again and again."""
    queue = list(statuses)

    def handler(request: Request) -> Response:
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return Response("", status=status, headers=headers)

    return handler


# -------------------------------------------------------------------------------------------
# Answers
# -------------------------------------------------------------------------------------------


def test_200_is_ok_after_one_head_request_naming_the_project(server: HTTPServer):
    server.expect_request("/page").respond_with_data("hello")
    result = check_one(server, f"{SITE}/page")
    assert (result.status, result.http_status, result.final_url) == ("ok", 200, None)
    assert requests(server) == ["HEAD /page"]
    user_agent = server.log[0][0].headers["User-Agent"]
    assert "optout-atlas" in user_agent and REPOSITORY_URL in user_agent


def test_head_refused_falls_back_to_get(server: HTTPServer):
    server.expect_request("/page", method="HEAD").respond_with_data("", status=405)
    server.expect_request("/page", method="GET").respond_with_data("hello")
    assert check_one(server, f"{SITE}/page").status == "ok"
    assert requests(server) == ["HEAD /page", "GET /page"]


def test_a_redirect_shows_the_final_url(server: HTTPServer):
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data("hello")
    result = check_one(server, f"{SITE}/old")
    assert (result.status, result.final_url) == ("redirected", f"{SITE}/new")


def test_a_redirect_loop_is_broken_and_names_the_loop(server: HTTPServer):
    server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data("", status=302, headers={"Location": f"{base(server)}/a"})
    result = check_one(server, f"{SITE}/a")
    assert result.status == "broken"
    assert result.detail == f"redirect loop: {SITE}/a → {SITE}/b → {SITE}/a"
    assert requests(server) == ["HEAD /a", "HEAD /b"]


def test_too_many_redirects_is_an_error(server: HTTPServer):
    server.expect_request(re.compile(r"/r\d+")).respond_with_handler(
        lambda request: Response("", status=302, headers={"Location": f"/r{int(request.path[2:]) + 1}"})
    )
    result = check_one(server, f"{SITE}/r0", config=Config(Settings(max_redirects=3)))
    assert (result.status, result.detail) == ("error", "more than 3 redirects")
    assert len(server.log) == 4


@pytest.mark.parametrize(("status", "detail"), [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone")])
def test_404_and_410_are_broken(server: HTTPServer, status: int, detail: str):
    server.expect_request("/gone").respond_with_data("", status=status)
    result = check_one(server, f"{SITE}/gone")
    assert (result.status, result.detail) == ("broken", detail)
    assert requests(server) == ["HEAD /gone", "GET /gone"]  # a HEAD answer alone is not trusted


def test_linkedin_999_is_blocked_by_its_rule_and_an_error_without_it(server: HTTPServer):
    server.expect_request("/in/someone").respond_with_data("", status=999)
    url = f"{LINKEDIN}/in/someone"
    rules = load_config(ROOT / "linkcheck.yml").hosts
    with_rule = check_one(server, url, config=Config(FAST, rules))
    assert (with_rule.status, with_rule.http_status) == ("blocked", 999)
    assert "bot" in with_rule.detail
    assert check_one(server, url).status == "error"


def test_429_waits_as_long_as_retry_after_says(server: HTTPServer):
    server.expect_request("/busy").respond_with_handler(answers((429, {"Retry-After": "7"}), 200))
    sleeps = Sleeps()
    assert check_one(server, f"{SITE}/busy", sleep=sleeps).status == "ok"
    assert sleeps == [7.0]
    assert requests(server) == ["HEAD /busy", "HEAD /busy"]


def test_retry_after_as_an_http_date_and_its_cap(server: HTTPServer):
    later = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30), usegmt=True)
    unavailable = (503, {"Retry-After": later})
    server.expect_request("/date").respond_with_handler(answers(unavailable, unavailable, 200))  # HEAD, GET
    server.expect_request("/long").respond_with_handler(answers((429, {"Retry-After": "86400"}), 200))
    sleeps = Sleeps()
    check(server, f"{SITE}/date", sleep=sleeps)
    check(server, f"{SITE}/long", sleep=sleeps, config=Config(Settings(max_wait=5)))
    assert 28 <= sleeps[0] <= 30
    assert sleeps[1] == 5


def test_retry_after_is_really_waited_for(server: HTTPServer):
    times: list[float] = []

    def handler(request: Request) -> Response:
        times.append(time.monotonic())
        return Response("", status=429 if len(times) == 1 else 200, headers={"Retry-After": "1"})

    server.expect_request("/busy").respond_with_handler(handler)
    result = check_urls(
        [f"{SITE}/busy"], Config(Settings(max_wait=0.2)), rewrites=[Rewrite.parse(f"{SITE}={base(server)}")]
    )
    assert result[f"{SITE}/busy"].status == "ok"
    assert times[1] - times[0] >= 0.2  # Retry-After: 1, capped at max_wait


def test_429_after_every_retry_is_blocked_not_broken(server: HTTPServer):
    server.expect_request("/busy").respond_with_data("", status=429)
    result = check_one(server, f"{SITE}/busy")
    assert result.status == "blocked"
    assert len(server.log) == 3  # retries: 2


def test_403_is_blocked_not_broken(server: HTTPServer):
    server.expect_request("/wall").respond_with_data("", status=403)
    assert check_one(server, f"{SITE}/wall").status == "blocked"


def test_500_is_retried_with_exponential_backoff(server: HTTPServer):
    server.expect_request("/flaky").respond_with_handler(answers(500, 500, 500, 500, 200))
    sleeps = Sleeps()
    assert check_one(server, f"{SITE}/flaky", sleep=sleeps).status == "ok"
    assert requests(server) == ["HEAD /flaky", "GET /flaky", "HEAD /flaky", "GET /flaky", "HEAD /flaky"]
    assert sleeps == [0.01, 0.02]


def test_500_after_every_retry_is_an_error(server: HTTPServer):
    server.expect_request("/down").respond_with_data("", status=500)
    result = check_one(server, f"{SITE}/down")
    assert (result.status, result.detail) == ("error", "HTTP 500 Internal Server Error")


def test_a_slow_server_times_out(server: HTTPServer):
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(5)
        return Response("late")

    server.expect_request("/slow").respond_with_handler(slow)
    start = time.monotonic()
    result = check_one(
        server, f"{SITE}/slow", config=Config(Settings(read_timeout=0.2, retries=1, backoff=0))
    )
    elapsed = time.monotonic() - start
    release.set()
    assert (result.status, result.detail) == ("timeout", "no answer within 0.2 s")
    assert elapsed < 1.5
    deadline = time.monotonic() + 2
    while len(server.log) < 2 and time.monotonic() < deadline:  # let the handlers finish
        time.sleep(0.01)


def test_a_huge_body_is_not_downloaded(server: HTTPServer):
    chunk, chunks = b"x" * 65536, 3200  # 200 MiB
    sent = Counter()

    def huge(request: Request) -> Response:
        def body():
            for _ in range(chunks):
                sent["bytes"] += len(chunk)
                yield chunk

        return Response(body(), content_type="application/octet-stream")

    server.expect_request("/huge", method="HEAD").respond_with_data("", status=405)
    server.expect_request("/huge", method="GET").respond_with_handler(huge)
    start = time.monotonic()
    assert check_one(server, f"{SITE}/huge").status == "ok"
    assert time.monotonic() - start < 2
    time.sleep(0.2)  # let the server notice the closed connection
    assert sent["bytes"] < len(chunk) * chunks / 10


def test_connection_refused_is_broken():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"{SITE}/page"
    rewrites = [Rewrite.parse(f"{SITE}=http://127.0.0.1:{port}")]  # nothing listens there
    result = check_urls([url], Config(FAST), rewrites=rewrites, sleep=Sleeps())[url]
    assert (result.status, result.detail) == ("broken", "connection refused")


def test_a_host_that_does_not_exist_is_broken():
    url = "https://no-such-host.invalid/page"
    result = check_urls([url], Config(FAST), sleep=Sleeps())[url]
    assert (result.status, result.detail) == ("broken", "no such host: no-such-host.invalid")


def test_a_skipped_host_is_not_asked(server: HTTPServer):
    config = Config(FAST, {"site.test": HostRule(skip=True, note="asks for a login")})
    result = check_one(server, f"{SITE}/page", config=config)
    assert (result.status, result.detail) == ("skipped", "asks for a login")
    assert server.log == []


def test_requests_to_one_host_stay_within_its_limit(server: HTTPServer):
    lock, active, peak = threading.Lock(), Counter(), Counter()

    def handler(request: Request) -> Response:
        host = request.path.split("/")[1]
        with lock:
            active[host] += 1
            peak[host] = max(peak[host], active[host])
        time.sleep(0.1)
        with lock:
            active[host] -= 1
        return Response("ok")

    server.expect_request(re.compile(r"/[ab]/\d")).respond_with_handler(handler)
    config = Config(Settings(per_host_limit=2), {"b.test": HostRule(per_host_limit=1)})
    urls = [f"{SITE}/a/{n}" for n in range(6)] + [f"https://b.test/b/{n}" for n in range(4)]
    results = check(server, *urls, config=config)
    assert {r.status for r in results.values()} == {"ok"}
    assert peak == {"a": 2, "b": 1}


# -------------------------------------------------------------------------------------------
# The cache
# -------------------------------------------------------------------------------------------


def test_a_second_run_within_a_day_asks_nothing(server: HTTPServer, tmp_path: Path):
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data("hello")
    server.expect_request("/gone").respond_with_data("", status=404)
    urls = [f"{SITE}/old", f"{SITE}/gone"]
    path = tmp_path / ".cache" / "linkcheck.json"

    first = check(server, *urls, cache=Cache(path, max_age=86400))
    assert len(server.log) == 4
    server.clear_log()
    second = check(server, *urls, cache=Cache(path, max_age=86400))
    assert server.log == []
    assert all(r.cached for r in second.values())
    assert [(r.status, r.final_url) for r in second.values()] == [
        (r.status, r.final_url) for r in first.values()
    ]

    stored = json.loads(path.read_text())["urls"][f"{SITE}/old"]
    assert stored["status"] == "redirected" and stored["final_url"] == f"{SITE}/new"
    assert dt.datetime.fromisoformat(stored["time"]) > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


def test_the_cache_expires_and_can_be_bypassed(server: HTTPServer, tmp_path: Path):
    server.expect_request("/page").respond_with_data("hello")
    path = tmp_path / "linkcheck.json"
    check(server, f"{SITE}/page", cache=Cache(path, max_age=86400))
    server.clear_log()

    check(server, f"{SITE}/page", cache=Cache(path, max_age=86400), refresh=True)
    assert len(server.log) == 1
    tomorrow = time.time() + 86400 + 1
    check(server, f"{SITE}/page", cache=Cache(path, max_age=86400, now=lambda: tomorrow))
    assert len(server.log) == 2


def test_failures_to_reach_a_server_are_not_cached(tmp_path: Path):
    url = "https://no-such-host.invalid/"
    path = tmp_path / "linkcheck.json"
    check_urls([url], Config(FAST), cache=Cache(path, max_age=86400), sleep=Sleeps())
    assert json.loads(path.read_text())["urls"] == {}


# -------------------------------------------------------------------------------------------
# linkcheck.yml
# -------------------------------------------------------------------------------------------


def test_the_project_config_is_valid():
    config = load_config(ROOT / "linkcheck.yml")
    assert 999 in config.rule("www.linkedin.com").blocked_statuses
    assert config.rule("example.com") == HostRule()


def test_wildcard_rules_cover_sub_domains():
    config = Config(hosts={"*.example.com": HostRule(skip=True)})
    assert config.rule("help.example.com").skip and config.rule("a.b.example.com").skip
    assert not config.rule("example.com").skip


def test_a_bad_config_gives_one_line_per_problem(tmp_path: Path):
    path = tmp_path / "linkcheck.yml"
    path.write_text(
        "settings:\n"
        "  per_host_limit: 0\n"
        "  timeout: 5\n"
        "hosts:\n"
        "  https://www.linkedin.com:\n"
        "    skip: true\n"
        "  www.reddit.com:\n"
        "    blocked_statuses: [999, '403']\n"
        "    skip: yes\n"
    )
    with pytest.raises(DataError) as caught:
        load_config(path)
    name = path.as_posix()
    assert [str(p) for p in caught.value.problems] == [
        f"{name}:2:19: settings.per_host_limit: 0 is not valid here: expected a whole number of at least 1",
        f"{name}:3:3: settings.timeout: unknown key 'timeout': expected one of concurrency, per_host_limit, connect_timeout, read_timeout, deadline, retries, backoff, max_wait, max_redirects, cache_hours",
        f"{name}:5:3: hosts.https://www.linkedin.com: 'https://www.linkedin.com' is not a host name: write it like www.example.com or *.example.com",
        f"{name}:8:29: hosts.www.reddit.com.blocked_statuses[1]: '403' is not an HTTP status (100 to 999)",
        f"{name}:9:11: hosts.www.reddit.com.skip: 'yes' is not valid here: expected true or false",
    ]


def test_retry_after_values():
    now = time.time()
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(email.utils.formatdate(now + 60, usegmt=True), now=now) == pytest.approx(
        60, abs=1
    )
    assert retry_after_seconds(email.utils.formatdate(now - 60, usegmt=True), now=now) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


# -------------------------------------------------------------------------------------------
# optout-atlas check-links, end to end
# -------------------------------------------------------------------------------------------


@pytest.fixture
def project(data_dir: Path, server: HTTPServer, monkeypatch: pytest.MonkeyPatch, pinned_today) -> Path:
    """A data directory whose four URLs answer 200, 404, 301 and 999 on the local server."""
    text = EXAMPLE.replace("https://copy.example.net/statement", "https://www.linkedin.com/posts/copy")
    (data_dir / "platforms" / "example.yml").write_text(text, encoding="utf-8")
    server.expect_request("/settings/ai").respond_with_data("ok")
    server.expect_request("/help/ai").respond_with_data("", status=404)
    server.expect_request("/statement").respond_with_data(
        "", status=301, headers={"Location": "/statements/1"}
    )
    server.expect_request("/statements/1").respond_with_data("ok")
    server.expect_request("/posts/copy").respond_with_data("", status=999)
    server.expect_request("/elsewhere").respond_with_data("", status=410)
    (data_dir.parent / "linkcheck.yml").write_text((ROOT / "linkcheck.yml").read_text())
    monkeypatch.chdir(data_dir.parent)
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("cmd_linkcheck",))
    # The command checks with the URLs of the data's hosts fetched from the local server.
    origins = ("https://example.com", "https://regulator.example.org", LINKEDIN)
    rewrites = [Rewrite.parse(f"{origin}={base(server)}") for origin in origins]
    monkeypatch.setattr(cmd_linkcheck, "check_urls", functools.partial(check_urls, rewrites=rewrites))
    return data_dir.parent


def check_links(server: HTTPServer, *args: str) -> int:
    return cli.main(["check-links", "--data", "data", "--cache", ".cache/linkcheck.json", *args])


def test_command_reports_by_platform_and_line_and_fails_on_broken(project: Path, server: HTTPServer, capsys):
    assert check_links(server) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "# example",
        f"data/platforms/example.yml:{line_of(EXAMPLE, 'url: https://example.com/help/ai')}: sources[0].url: broken: https://example.com/help/ai (HTTP 404 Not Found)",
        f"data/platforms/example.yml:{line_of(EXAMPLE, 'url: https://regulator.example.org')}: sources[1].url: redirected: https://regulator.example.org/statement → https://regulator.example.org/statements/1",
        f"data/platforms/example.yml:{line_of(EXAMPLE, 'via: ')}: sources[1].via: blocked: https://www.linkedin.com/posts/copy (HTTP 999: LinkedIn answers 999 to clients it takes for bots; open the link by hand)",
        "4 URLs checked: 1 broken, 1 blocked, 1 redirected, 1 ok",
    ]


def test_command_exit_status_follows_fail_on(project: Path, server: HTTPServer, capsys):
    assert check_links(server, "--fail-on", "timeout,error") == 0  # one is broken, one blocked
    assert check_links(server, "--fail-on", "blocked") == 1
    with pytest.raises(SystemExit):
        check_links(server, "--fail-on", "brokn")
    assert "'brokn': expected some of broken, timeout" in capsys.readouterr().err


def test_command_json_lists_every_url_with_its_origins(project: Path, server: HTTPServer, capsys):
    assert check_links(server, "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {
        "urls": 4,
        **{"broken": 1, "timeout": 0, "error": 0, "blocked": 1, "redirected": 1, "ok": 1, "skipped": 0},
        "cached": 0,
    }
    by_url = {r["url"]: r for r in report["results"]}
    assert by_url["https://example.com/settings/ai"]["origins"] == [
        {
            "file": "data/platforms/example.yml",
            "line": line_of(EXAMPLE, "url: https://example.com/settings/ai"),
            "platform": "example",
            "field": "mechanisms[0].url",
        }
    ]
    redirected = by_url["https://regulator.example.org/statement"]
    assert redirected["final_url"] == "https://regulator.example.org/statements/1"
    assert redirected["status"] == "redirected" and redirected["http_status"] == 200


def test_command_second_run_uses_the_cache(project: Path, server: HTTPServer, capsys):
    check_links(server)
    server.clear_log()
    check_links(server)
    assert server.log == []
    assert capsys.readouterr().out.splitlines()[-1].endswith("(4 from the cache)")


def test_command_checks_external_links_of_built_pages(project: Path, server: HTTPServer, capsys):
    page = project / "site" / "guides" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<a href="https://example.com/help/ai">in the data</a><a href="https://example.com/elsewhere">only here</a>'
        '<a href="../about/">internal</a><a href="mailto:a@example.com">mail</a>'
        # The site's own "This step looks different" link: not a claim, never requested.
        f'<a href="{REPOSITORY_URL}/issues/new?template=steps-no-longer-work.yml&amp;platform=x">report</a>'
    )
    assert check_links(server, "--site", "site") == 1
    out = capsys.readouterr().out.splitlines()
    assert out[out.index("# site pages") :] == [
        "# site pages",
        "site/guides/index.html: broken: https://example.com/elsewhere (HTTP 410 Gone)",
        "5 URLs checked: 2 broken, 1 blocked, 1 redirected, 1 ok",
    ]


def test_command_with_a_bad_config_prints_file_line_and_fails(project: Path, server: HTTPServer, capsys):
    (project / "linkcheck.yml").write_text("hosts:\n  www.linkedin.com:\n    per_host_limit: -1\n")
    assert check_links(server) == 1
    assert capsys.readouterr().out.splitlines() == [
        "linkcheck.yml:3:21: hosts.www.linkedin.com.per_host_limit: -1 is not valid here: expected a whole number of at least 1"
    ]
    assert server.log == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "hosts:\n  www.linkedin.com:\n    blocked_status: [999]\n",
            "linkcheck.yml:3:5: hosts.www.linkedin.com.blocked_status: unknown key 'blocked_status': expected one of skip, blocked_statuses, per_host_limit, timeout, head, note",
        ),
        (
            "settings:\n  retries: two\n",
            "linkcheck.yml:2:12: settings.retries: 'two' is not valid here: expected a whole number of at least 0",
        ),
        (
            "hosts:\n  https://www.linkedin.com/feed:\n    skip: true\n",
            "linkcheck.yml:2:3: hosts.https://www.linkedin.com/feed: 'https://www.linkedin.com/feed' is not a host name: write it like www.example.com or *.example.com",
        ),
    ],
    ids=["misspelt-key", "wrong-type", "url-for-a-host"],
)
def test_command_reports_a_config_problem_in_one_line_without_checking(
    project: Path, server: HTTPServer, capsys, text, expected
):
    (project / "linkcheck.yml").write_text(text)
    assert check_links(server) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [expected]
    assert "Traceback" not in captured.err
    assert server.log == []


def test_the_schema_names_every_setting_and_host_rule_and_nothing_else():
    """A setting added to the code but not to the schema (or the reverse) would be refused, or
    accepted and ignored."""
    properties = config_schema()["properties"]
    assert list(properties["settings"]["properties"]) == [f.name for f in dataclasses.fields(Settings)]
    host_rule = properties["hosts"]["additionalProperties"]["properties"]
    assert list(host_rule) == [f.name for f in dataclasses.fields(HostRule)]


def test_a_whole_number_setting_refuses_a_fraction(tmp_path: Path):
    path = tmp_path / "linkcheck.yml"
    path.write_text("settings:\n  concurrency: 2.0\n  backoff: 2\n")
    with pytest.raises(DataError) as caught:
        load_config(path)
    assert [f"{p.line}: {p.message}" for p in caught.value.problems] == [
        "2: 2.0 is not valid here: expected a whole number of at least 1"
    ]


@pytest.mark.parametrize("command", ["check-links", "watch"])
def test_the_testing_aid_is_not_an_option_of_the_commands(command: str, capsys):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    assert "--rewrite" not in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main([command, "--rewrite", f"{SITE}=http://127.0.0.1:9"])
    assert "unrecognized arguments: --rewrite" in capsys.readouterr().err


def test_a_machine_without_network_is_not_told_that_every_link_is_broken():
    def lost(n: int) -> LinkResult:
        return LinkResult(f"https://h{n}.example/", "broken", f"no such host: h{n}.example")

    assert looks_offline([lost(n) for n in range(5)])
    assert not looks_offline([lost(n) for n in range(4)])  # a few dead domains are just broken
    assert not looks_offline([*(lost(n) for n in range(5)), LinkResult("https://up.example/", "ok", "", 200)])


# -------------------------------------------------------------------------------------------
# The deadline of one URL
# -------------------------------------------------------------------------------------------


class TrickleServer:
    """Answers every request with ``answer``, one byte every ``interval`` seconds: each byte comes
    well within any read timeout, and the whole answer takes ``len(answer) * interval``."""

    def __init__(self, answer: bytes, interval: float):
        self.answer, self.interval = answer, interval
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(4096)
                if not chunk:
                    return
                request += chunk
            for index in range(len(self.answer)):
                if self.stopped.is_set():
                    return
                try:
                    connection.sendall(self.answer[index : index + 1])
                except OSError:
                    return  # the checker gave up and closed the connection
                time.sleep(self.interval)

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.fixture
def trickle():
    servers: list[TrickleServer] = []

    def start(answer: bytes, interval: float) -> TrickleServer:
        servers.append(TrickleServer(answer, interval))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def let_handlers_finish(server: HTTPServer, quiet: float = 0.5) -> None:
    """Wait until the server logged nothing for ``quiet`` seconds: a request the checker gave up
    on is still being answered, and must not show up in the next test's log."""
    count, since = len(server.log), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.05)
        if len(server.log) != count:
            count, since = len(server.log), time.monotonic()


LONG_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Padding: " + b"x" * 400 + b"\r\n\r\n"
SHORT_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


def test_a_server_trickling_its_answer_times_out_at_the_deadline(trickle):
    server = trickle(LONG_ANSWER, 0.05)  # 22 s for the whole answer, a byte every 50 ms
    settings = Settings(read_timeout=1, retries=2, backoff=0, deadline=1)
    url = f"{SITE}/slow"
    start = time.monotonic()
    result = check_urls(
        [url], Config(settings), rewrites=[Rewrite.parse(f"{SITE}=http://127.0.0.1:{server.port}")]
    )[url]
    elapsed = time.monotonic() - start
    assert (result.status, result.detail) == ("timeout", "no complete answer within the deadline of 1 s")
    assert 1 <= elapsed < 4
    assert server.connections == 1  # the deadline covers the retries: none was made


def test_a_slow_answer_that_ends_within_the_deadline_is_ok(trickle):
    server = trickle(SHORT_ANSWER, 0.02)  # under a second in all, a byte every 20 ms
    settings = Settings(read_timeout=0.5, deadline=10)
    url = f"{SITE}/slow"
    result = check_urls(
        [url], Config(settings), rewrites=[Rewrite.parse(f"{SITE}=http://127.0.0.1:{server.port}")]
    )[url]
    assert result.status == "ok"


def test_the_deadline_covers_a_chain_of_slow_redirects(server: HTTPServer):
    def hop(request: Request) -> Response:
        time.sleep(0.3)
        return Response("", status=302, headers={"Location": f"/r{int(request.path[2:]) + 1}"})

    server.expect_request(re.compile(r"/r\d+")).respond_with_handler(hop)
    start = time.monotonic()
    result = check_one(server, f"{SITE}/r0", config=Config(Settings(read_timeout=1, deadline=1, backoff=0)))
    assert (result.status, result.detail) == ("timeout", "no complete answer within the deadline of 1 s")
    assert time.monotonic() - start < 3
    let_handlers_finish(server)
    assert 3 <= len(server.log) <= 5  # each hop within its read timeout; all of them not


def test_when_retries_run_out_of_time_the_last_answer_is_reported(server: HTTPServer):
    def unavailable(request: Request) -> Response:
        time.sleep(0.3)
        return Response("", status=503)

    server.expect_request("/busy").respond_with_handler(unavailable)
    config = Config(Settings(read_timeout=1, retries=20, backoff=0, deadline=1))
    start = time.monotonic()
    result = check_one(server, f"{SITE}/busy", config=config)
    assert (result.status, result.detail) == ("error", "HTTP 503 Service Unavailable")
    assert time.monotonic() - start < 3
    let_handlers_finish(server)
    assert len(server.log) < 6  # not 42 requests (HEAD and GET, 21 attempts)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.5", None),
        ("0", "settings.deadline: 0 is not valid here: expected a number of at least 0.001"),
        ("-1", "settings.deadline: -1 is not valid here: expected a number of at least 0.001"),
        ("soon", "settings.deadline: 'soon' is not valid here: expected a number of at least 0.001"),
        ("true", "settings.deadline: True is not valid here: expected a number of at least 0.001"),
    ],
    ids=["fraction", "zero", "negative", "text", "boolean"],
)
def test_the_deadline_setting(tmp_path: Path, value, expected):
    path = tmp_path / "linkcheck.yml"
    path.write_text(f"settings:\n  deadline: {value}\n")
    if expected is None:
        assert load_config(path).settings.deadline == 2.5
        return
    with pytest.raises(DataError) as caught:
        load_config(path)
    assert [f"{p.line}:{p.column}: {p.field}: {p.message}" for p in caught.value.problems] == [
        f"2:13: {expected}"
    ]


def test_the_project_config_sets_a_deadline():
    assert load_config(ROOT / "linkcheck.yml").settings.deadline == 120


# -------------------------------------------------------------------------------------------
# Addresses that are not public: never asked
# -------------------------------------------------------------------------------------------

# Names a fake resolver answers (the tests never ask a real one for anything but localhost).
FAKE_NAMES = {
    "intranet.test": ["10.1.2.3"],
    "both.test": ["93.184.216.34", "192.168.0.10"],
    "public.test": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "metadata.test": ["169.254.169.254"],
    "2130706433": ["127.0.0.1"],  # the decimal form of 127.0.0.1, which the C library accepts
    "0177.0.0.1": ["127.0.0.1"],  # and the octal one
    "v6.test": ["fd12:3456::1"],
}


@pytest.fixture
def fake_names(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Resolve FAKE_NAMES (and record every name looked up); everything else as ``no_network``."""
    looked_up: list[str] = []
    fallback = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        looked_up.append(host)
        if host in FAKE_NAMES:
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port or 0, 0, 0))
                if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 0))
                for a in FAKE_NAMES[host]
            ]
        return fallback(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return looked_up


NOT_ASKED = "refused, not asked: "
NON_PUBLIC_URLS = {
    "loopback-ip": ("http://127.0.0.1:{port}/page", "127.0.0.1 is a loopback address"),
    "loopback-ip-elsewhere-in-127": ("https://127.8.9.10/", "127.8.9.10 is a loopback address"),
    "localhost": ("http://localhost:{port}/page", "localhost resolves to a loopback address (127.0.0.1)"),
    "private-10": ("https://10.0.0.1/admin", "10.0.0.1 is a private address"),
    "private-172-16": ("https://172.16.5.4/", "172.16.5.4 is a private address"),
    "private-192-168": ("https://192.168.1.1/", "192.168.1.1 is a private address"),
    "cloud-metadata": ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    "unspecified": ("http://0.0.0.0:{port}/", "0.0.0.0 is an unspecified address"),
    "shared-address-space": ("https://100.64.0.1/", "100.64.0.1 is a non-public address"),
    "multicast": ("https://224.0.0.1/", "224.0.0.1 is a multicast address"),
    "ipv6-loopback": ("http://[::1]:{port}/", "::1 is a loopback address"),
    "ipv6-unique-local": ("https://[fd00::1]/", "fd00::1 is a private address"),
    "ipv6-link-local": ("https://[fe80::1]/", "fe80::1 is a link-local address"),
    "ipv4-mapped-ipv6": ("https://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address"),
    "nat64-of-loopback": ("https://[64:ff9b::7f00:1]/", "64:ff9b::7f00:1 is a loopback address"),
    "6to4-of-private": ("https://[2002:a00:1::1]/", "2002:a00:1::1 is a private address"),
    "name-resolving-to-private": (
        "https://intranet.test/",
        "intranet.test resolves to a private address (10.1.2.3)",
    ),
    "name-with-a-public-and-a-private-address": (
        "https://both.test/",
        "both.test resolves to a private address (192.168.0.10)",
    ),
    "name-resolving-to-ipv6-private": (
        "https://v6.test/",
        "v6.test resolves to a private address (fd12:3456::1)",
    ),
    "decimal-ip": ("http://2130706433/", "2130706433 resolves to a loopback address (127.0.0.1)"),
    "octal-ip": ("http://0177.0.0.1/", "0177.0.0.1 resolves to a loopback address (127.0.0.1)"),
    "upper-case-localhost": (
        "http://LOCALHOST:{port}/page",
        "localhost resolves to a loopback address (127.0.0.1)",
    ),
}


@pytest.mark.parametrize(("url", "detail"), NON_PUBLIC_URLS.values(), ids=NON_PUBLIC_URLS.keys())
def test_a_url_on_a_non_public_address_is_refused_without_asking(server: HTTPServer, fake_names, url, detail):
    server.expect_request("/page").respond_with_data("the intranet")
    url = url.format(port=server.port)
    result = check_urls([url], Config(FAST), sleep=Sleeps())[url]
    assert (result.status, result.detail, result.http_status) == ("broken", NOT_ASKED + detail, None)
    assert server.log == []


NOT_FOLLOWED = "refused, not followed: HTTP 302 redirects to "
NON_PUBLIC_REDIRECTS = {
    "to-the-checker-own-machine": ("http://127.0.0.1:1/admin", "127.0.0.1, which is a loopback address"),
    "to-localhost-where-a-server-listens": (
        "http://localhost:{port}/secret",
        "localhost, which resolves to a loopback address (127.0.0.1)",
    ),
    "to-cloud-metadata": (
        "http://169.254.169.254/latest/meta-data/",
        "169.254.169.254, which is a link-local address",
    ),
    "to-metadata-by-name": (
        "http://metadata.test/computeMetadata/v1/",
        "metadata.test, which resolves to a link-local address (169.254.169.254)",
    ),
    "to-a-router": ("http://192.168.0.1/", "192.168.0.1, which is a private address"),
    "to-ipv6-loopback": ("http://[::1]:{port}/secret", "::1, which is a loopback address"),
    "to-a-private-name": (
        "https://intranet.test/wiki",
        "intranet.test, which resolves to a private address (10.1.2.3)",
    ),
    "to-a-decimal-ip": (
        "http://2130706433:{port}/secret",
        "2130706433, which resolves to a loopback address (127.0.0.1)",
    ),
}


@pytest.mark.parametrize(
    ("location", "detail"), NON_PUBLIC_REDIRECTS.values(), ids=NON_PUBLIC_REDIRECTS.keys()
)
def test_a_redirect_to_a_non_public_address_is_refused(server: HTTPServer, fake_names, location, detail):
    location = location.format(port=server.port)
    server.expect_request("/moved").respond_with_data("", status=302, headers={"Location": location})
    server.expect_request("/secret").respond_with_data("internal")
    result = check_one(server, f"{SITE}/moved")
    assert (result.status, result.detail, result.http_status) == ("broken", NOT_FOLLOWED + detail, 302)
    assert result.final_url == location
    assert requests(server) == ["HEAD /moved"]


def test_a_redirect_chain_is_refused_at_the_hop_that_leaves_the_public_network(server: HTTPServer):
    server.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data("", status=302, headers={"Location": "http://10.0.0.1/"})
    result = check_one(server, f"{SITE}/a")
    assert (result.status, result.detail) == ("broken", NOT_FOLLOWED + "10.0.0.1, which is a private address")
    assert requests(server) == ["HEAD /a", "HEAD /b"]


def test_public_names_are_asked_and_looked_up_once_per_host(server: HTTPServer, fake_names):
    # public.test resolves to public addresses: the check goes on (here to the request, which
    # cannot connect to the documentation address in a test and says so).
    urls = ["https://public.test/a", "https://public.test/b"]
    results = check_urls(urls, Config(Settings(connect_timeout=0.2, retries=0)), sleep=Sleeps())
    assert all(not r.detail.startswith("refused") for r in results.values())
    assert fake_names.count("public.test") <= 1 + len(urls)  # once for the check, then the requests'


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("93.184.216.34", None),
        ("8.8.8.8", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
        ("2002:5db8:d822::1", None),  # 6to4 of a public address
        ("::ffff:93.184.216.34", None),
        ("127.0.0.1", "loopback"),
        ("10.255.255.255", "private"),
        ("169.254.1.1", "link-local"),
        ("100.127.255.254", "non-public"),
        ("192.0.2.1", "private"),  # documentation
        ("240.0.0.1", "private"),
        ("255.255.255.255", "private"),
        ("ff02::1", "multicast"),
        ("::", "unspecified"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private"),  # Teredo, client 10.0.0.1
    ],
)
def test_which_addresses_are_public(address, kind):
    import ipaddress

    assert non_public_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    ("cache", "expected"),
    [
        ("notes.txt/linkcheck.json", "File exists: 'notes.txt' (a file is where a folder should go)"),
        (
            "notes.txt/deeper/linkcheck.json",
            "Not a directory: 'notes.txt/deeper' (a part of the path is a file, not a folder)",
        ),
    ],
    ids=["cache-under-a-file", "cache-deeper-under-a-file"],
)
def test_command_with_a_cache_it_cannot_write_says_so_in_one_line(
    project: Path, server: HTTPServer, capsys, cache, expected
):
    (project / "notes.txt").write_text("not a folder")
    assert check_links(server, "--cache", cache) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"optout-atlas check-links: {expected}")


@pytest.mark.parametrize("cache", [".", "data"], ids=["working-folder", "data-folder"])
def test_command_refuses_a_folder_as_cache(project: Path, server: HTTPServer, capsys, cache):
    with pytest.raises(SystemExit):
        check_links(server, "--cache", cache)
    assert f"'{cache}' is a folder: give a file, like .cache/linkcheck.json" in capsys.readouterr().err
    assert server.log == []
