"""The external link checker against a local server: every answer a real site can give.

No test reaches the network: https:// test URLs are rewritten to a local server, and name
lookups of anything but localhost fail (``no_network``).
"""

from __future__ import annotations

import datetime as dt
import email.utils
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

from optout_atlas import cli
from optout_atlas.linkcheck import (
    REPOSITORY_URL,
    Cache,
    Config,
    HostRule,
    LinkResult,
    Rewrite,
    Settings,
    check_urls,
    load_config,
    looks_offline,
    retry_after_seconds,
)
from optout_atlas.problems import DataError

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
    url = f"http://127.0.0.1:{port}/page"
    result = check_urls([url], Config(FAST), sleep=Sleeps())[url]
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
        f"{name}:3:3: settings.timeout: unknown key 'timeout': expected one of concurrency, per_host_limit, connect_timeout, read_timeout, retries, backoff, max_wait, max_redirects, cache_hours",
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
    return data_dir.parent


def check_links(server: HTTPServer, *args: str) -> int:
    origins = ("https://example.com", "https://regulator.example.org", LINKEDIN)
    rewrites = [f"--rewrite={origin}={base(server)}" for origin in origins]
    return cli.main(["check-links", "--data", "data", "--cache", ".cache/linkcheck.json", *rewrites, *args])


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


def test_a_machine_without_network_is_not_told_that_every_link_is_broken():
    def lost(n: int) -> LinkResult:
        return LinkResult(f"https://h{n}.example/", "broken", f"no such host: h{n}.example")

    assert looks_offline([lost(n) for n in range(5)])
    assert not looks_offline([lost(n) for n in range(4)])  # a few dead domains are just broken
    assert not looks_offline([*(lost(n) for n in range(5)), LinkResult("https://up.example/", "ok", "", 200)])
