"""Checking the external links: every URL in the data, and optionally in the built pages.

The data's URLs are the mechanisms' ``url`` and the sources' ``url`` and ``via``; each is
checked once however often it is written, and every place it is written is remembered (data
file and line, or built page) for the report.

A check asks with ``HEAD`` first and falls back to ``GET`` when ``HEAD`` is refused; it follows
redirects itself (so that loops are caught and the final URL is known), never reads a body,
keeps to a per-host and a global number of requests at a time, and retries rate limits, server
errors and timeouts with exponential backoff, honouring ``Retry-After``.

Two limits protect the machine that checks. The requests for one URL (its redirects and retries
together) get ``deadline`` seconds in all: a server that sends its answer one byte a second never
trips the read timeout, which counts the time between two bytes. And a URL, or a redirect, whose
host is or resolves to a loopback, private, link-local or otherwise non-public address is not
asked at all: a link in a pull request must not make the checker probe the network it runs in
(a cloud's metadata service at 169.254.169.254, a router, a service on localhost). Each URL ends
in one status:

``ok``          the page answers 2xx.
``redirected``  it answers 2xx after redirects; the final URL is shown, to update the data.
``broken``      404 or 410, no such host, connection refused, a redirect loop, or an address
                that is not public (refused without asking).
``blocked``     alive but refusing automated checks (401, 403, 429 after retries, 451, or a
                status named in ``blocked_statuses``, such as LinkedIn's 999): check by hand.
``timeout``     no answer in time, after retries, or none complete within the deadline.
``error``       anything else (5xx after retries, TLS problems, unexpected statuses).
``skipped``     the host's rule in ``linkcheck.yml`` says ``skip: true``.

Per-host rules and the settings come from ``linkcheck.yml`` (see ``load_config``). Results
that a server answered are cached (``Cache``), so that a rerun within ``cache_hours`` does not
ask again; failures to reach a server are always checked again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import http
import ipaddress
import json
import os
import re
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from optout_atlas import REPOSITORY_URL, __version__, yamlfile
from optout_atlas.dataset import load_dataset, platform_files
from optout_atlas.problems import DataError, Problem, display_path
from optout_atlas.tools.sitecheck import parse_html

# The project's public repository, named in the User-Agent so that site owners know who asks.
USER_AGENT = f"optout-atlas-linkcheck/{__version__} (+{REPOSITORY_URL})"

OK = "ok"
REDIRECTED = "redirected"
BROKEN = "broken"
BLOCKED = "blocked"
TIMEOUT = "timeout"
ERROR = "error"
SKIPPED = "skipped"
STATUSES = (BROKEN, TIMEOUT, ERROR, BLOCKED, REDIRECTED, OK, SKIPPED)  # the report's order

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
GONE_CODES = frozenset({404, 410})
REFUSING_CODES = frozenset({401, 403, 429, 451})  # alive, but not for us

NO_SUCH_HOST = "no such host"
# Name lookup answers that mean "this name does not exist" (not "the resolver failed").
_NO_SUCH_HOST = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}

Sleep = Callable[[float], Awaitable[object]]


# --------------------------------------------------------------------------------------------
# Configuration: linkcheck.yml
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """How hard and how long to try; the ``settings`` of ``linkcheck.yml``."""

    concurrency: int = 8  # requests at a time, all hosts together
    per_host_limit: int = 2  # requests at a time to one host
    connect_timeout: float = 10.0  # seconds
    read_timeout: float = 20.0  # seconds
    deadline: float = 120.0  # seconds for all the requests of one URL, redirects and retries included
    retries: int = 2  # further attempts after a rate limit, a 5xx or a timeout
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_wait: float = 30.0  # cap on any wait, Retry-After included
    max_redirects: int = 10
    cache_hours: float = 24.0


@dataclass(frozen=True)
class HostRule:
    """What to do differently for one host (``hosts`` in ``linkcheck.yml``)."""

    skip: bool = False  # do not check this host at all
    blocked_statuses: frozenset[int] = frozenset()  # statuses that mean "bot wall", not broken
    per_host_limit: int | None = None
    timeout: float | None = None  # read timeout for this host
    head: bool = True  # False: ask with GET straight away (for hosts that mishandle HEAD)
    note: str = ""  # why the rule exists; shown with the results it affects


@dataclass(frozen=True)
class Config:
    """The whole of ``linkcheck.yml``: settings and the rules by host name."""

    settings: Settings = field(default_factory=Settings)
    hosts: dict[str, HostRule] = field(default_factory=dict)

    def rule(self, host: str) -> HostRule:
        """The rule for ``host``: its own, else the nearest ``*.parent`` one, else the default."""
        host = host.lower()
        if host in self.hosts:
            return self.hosts[host]
        labels = host.split(".")
        for start in range(1, len(labels)):
            wildcard = "*." + ".".join(labels[start:])
            if wildcard in self.hosts:
                return self.hosts[wildcard]
        return HostRule()

    def per_host_limit(self, host: str) -> int:
        return self.rule(host).per_host_limit or self.settings.per_host_limit


# Setting name → (whole number?, smallest value allowed).
_SETTING_KINDS: dict[str, tuple[bool, float]] = {
    "concurrency": (True, 1),
    "per_host_limit": (True, 1),
    "connect_timeout": (False, 0.001),
    "read_timeout": (False, 0.001),
    "deadline": (False, 0.001),
    "retries": (True, 0),
    "backoff": (False, 0),
    "max_wait": (False, 0),
    "max_redirects": (True, 0),
    "cache_hours": (False, 0),
}
_HOST_KEYS = ("skip", "blocked_statuses", "per_host_limit", "timeout", "head", "note")
_HOST_NAME = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d+)?$")


def load_config(path: Path) -> Config:
    """Read and validate ``linkcheck.yml``; raise :class:`DataError` with one line per problem."""
    document, problems = yamlfile.load(path)
    if problems:
        raise DataError(problems)
    value = document.value
    if not isinstance(value, dict):
        raise DataError([document.problem((), "expected keys 'settings' and 'hosts'")])
    problems += _unknown_keys(document, (), value, ("settings", "hosts"))
    settings_value = value.get("settings") or {}
    hosts_value = value.get("hosts") or {}
    for key, expected in (("settings", settings_value), ("hosts", hosts_value)):
        if not isinstance(expected, dict):
            problems.append(document.problem((key,), "expected a mapping (key: value lines)"))
    if problems:
        raise DataError(problems)

    problems += _unknown_keys(document, ("settings",), settings_value, tuple(_SETTING_KINDS))
    for key, number in settings_value.items():
        if key in _SETTING_KINDS:
            problems += _number_problems(document, ("settings", key), number, *_SETTING_KINDS[key])
    hosts: dict[str, HostRule] = {}
    for host, rule in hosts_value.items():
        found = _host_problems(document, host, rule)
        problems += found
        if not found:
            hosts[host.lower()] = _host_rule(rule or {})
    if problems:
        raise DataError(problems)
    return Config(Settings(**settings_value), hosts)


def _unknown_keys(document: yamlfile.YamlDocument, path: tuple, value: dict, known: Sequence[str]) -> list:
    return [
        document.problem(
            (*path, key), f"unknown key '{key}': expected one of {', '.join(known)}", at_key=True
        )
        for key in value
        if key not in known
    ]


def _number_problems(
    document: yamlfile.YamlDocument, path: tuple, value: object, whole: bool, minimum: float
) -> list[Problem]:
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
        kind = "a whole number" if whole else "a number"
        return [
            document.problem(path, f"{value!r} is not valid here: expected {kind} of at least {minimum:g}")
        ]
    return []


def _host_problems(document: yamlfile.YamlDocument, host: str, rule: object) -> list[Problem]:
    path = ("hosts", host)
    if not _HOST_NAME.match(host.lower()):
        return [
            document.problem(
                path,
                f"'{host}' is not a host name: write it like www.example.com or *.example.com",
                at_key=True,
            )
        ]
    if rule is None:
        return []
    if not isinstance(rule, dict):
        return [document.problem(path, f"expected a mapping with some of: {', '.join(_HOST_KEYS)}")]
    problems = _unknown_keys(document, path, rule, _HOST_KEYS)
    for key in ("skip", "head"):
        if key in rule and not isinstance(rule[key], bool):
            problems.append(
                document.problem((*path, key), f"{rule[key]!r} is not valid here: expected true or false")
            )
    if "per_host_limit" in rule:
        problems += _number_problems(document, (*path, "per_host_limit"), rule["per_host_limit"], True, 1)
    if "timeout" in rule:
        problems += _number_problems(document, (*path, "timeout"), rule["timeout"], False, 0.001)
    if "note" in rule and not isinstance(rule["note"], str):
        problems.append(document.problem((*path, "note"), "expected text"))
    statuses = rule.get("blocked_statuses", [])
    if not isinstance(statuses, list):
        problems.append(
            document.problem((*path, "blocked_statuses"), "expected a list of HTTP statuses, like [999]")
        )
    else:
        for index, status in enumerate(statuses):
            if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 999:
                problems.append(
                    document.problem(
                        (*path, "blocked_statuses", index), f"{status!r} is not an HTTP status (100 to 999)"
                    )
                )
    return problems


def _host_rule(rule: dict) -> HostRule:
    return HostRule(
        skip=rule.get("skip", False),
        blocked_statuses=frozenset(rule.get("blocked_statuses", ())),
        per_host_limit=rule.get("per_host_limit"),
        timeout=rule.get("timeout"),
        head=rule.get("head", True),
        note=rule.get("note", ""),
    )


# --------------------------------------------------------------------------------------------
# Where the URLs come from
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Origin:
    """One place a URL is written: a line of a data file, or a built page (line 0)."""

    file: str
    line: int = 0
    platform: str = ""  # empty for a built page
    field: str = ""  # e.g. ``sources[3].via``

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}" if self.line else self.file


Origins = dict[str, list[Origin]]


def data_urls(data_dir: Path, *, today: dt.date) -> Origins:
    """Every URL in the data (mechanisms' ``url``, sources' ``url`` and ``via``) and where it is.

    The data is validated first: :class:`DataError` when it is not valid.
    """
    load_dataset(data_dir, today=today)
    found: Origins = {}
    for path in platform_files(Path(data_dir)):
        document, _ = yamlfile.load(path)
        platform = document.value["id"]
        places = [("mechanisms", i, "url") for i in range(len(document.value["mechanisms"]))]
        places += [
            ("sources", i, key) for i in range(len(document.value["sources"])) for key in ("url", "via")
        ]
        for place in places:
            url = document.value[place[0]][place[1]].get(place[2])
            if url:
                line, _column = document.position(place)
                found.setdefault(url, []).append(
                    Origin(document.name, line, platform, yamlfile.format_path(place))
                )
    return found


def site_urls(site_dir: Path) -> Origins:
    """Every external ``<a href>`` (http and https) of the built pages, and the pages using it."""
    found: Origins = {}
    for page in sorted(Path(site_dir).rglob("*.html")):
        for url in dict.fromkeys(parse_html(page).hyperlinks):
            if urlsplit(url).scheme.lower() in ("http", "https"):
                found.setdefault(url, []).append(Origin(display_path(page)))
    return found


def merge(*collections: Origins) -> Origins:
    """One entry per URL, with the places of every collection, in order."""
    merged: Origins = {}
    for collection in collections:
        for url, origins in collection.items():
            merged.setdefault(url, []).extend(origins)
    return merged


# --------------------------------------------------------------------------------------------
# Results and the cache
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkResult:
    """What checking one URL found."""

    url: str
    status: str  # one of STATUSES
    detail: str = ""  # e.g. "HTTP 404 Not Found", "connection refused"
    http_status: int | None = None  # the last status a server answered, if any
    final_url: str | None = None  # where redirects led, when they led elsewhere
    checked: float = 0.0  # when, in seconds since the epoch
    cached: bool = False  # True when taken from the cache instead of asked again

    @property
    def answered(self) -> bool:
        """True when a server gave a lasting answer (worth caching), not a failure to reach it."""
        return self.http_status is not None and self.status not in (TIMEOUT, ERROR)


class Cache:
    """Results of earlier runs in a JSON file, reused while younger than ``max_age`` seconds."""

    VERSION = 1

    def __init__(self, path: Path, *, max_age: float, now: Callable[[], float] = time.time):
        self.path = Path(path)
        self.max_age = max_age
        self.now = now
        self.entries: dict[str, dict] = {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored.get("version") == self.VERSION and isinstance(stored.get("urls"), dict):
                self.entries = stored["urls"]
        except (OSError, ValueError, AttributeError):
            pass  # no cache yet, or one we cannot read: start afresh

    def get(self, url: str) -> LinkResult | None:
        """The stored result for ``url`` if it is fresh enough, marked as cached."""
        entry = self.entries.get(url)
        if not isinstance(entry, dict) or entry.get("status") not in STATUSES:
            return None
        if self.now() - _epoch(entry.get("time", "")) > self.max_age:
            return None
        return LinkResult(
            url,
            entry["status"],
            entry.get("detail") or "",
            entry.get("http_status"),
            entry.get("final_url"),
            _epoch(entry["time"]),
            cached=True,
        )

    def put(self, result: LinkResult) -> None:
        """Remember ``result`` when a server answered it; forget older news of that URL otherwise."""
        if not result.answered:
            self.entries.pop(result.url, None)
            return
        self.entries[result.url] = {
            "time": iso_time(result.checked),
            "status": result.status,
            "http_status": result.http_status,
            "final_url": result.final_url,
            "detail": result.detail,
        }

    def save(self) -> None:
        """Write the fresh entries (stale ones are dropped) atomically."""
        now = self.now()
        fresh = {
            u: e for u, e in sorted(self.entries.items()) if now - _epoch(e.get("time", "")) <= self.max_age
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(
            json.dumps({"version": self.VERSION, "urls": fresh}, indent=1) + "\n", encoding="utf-8"
        )
        os.replace(partial, self.path)


def iso_time(epoch: float) -> str:
    """``epoch`` seconds as an ISO 8601 time in UTC, as the cache and the JSON report write it."""
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def _epoch(iso: str) -> float:
    try:
        return dt.datetime.fromisoformat(iso).timestamp()
    except (TypeError, ValueError):
        return 0.0


# --------------------------------------------------------------------------------------------
# Rewrites: a testing aid
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rewrite:
    """Fetch the URLs of one origin (``https://example.com``) from another (``http://127.0.0.1:8000``).

    A testing aid: it lets tests point the https:// URLs of test data at a local server.
    Results, rules and limits still use the original URL and host.
    """

    source: str
    target: str

    @classmethod
    def parse(cls, text: str) -> Rewrite:
        """``https://example.com=http://127.0.0.1:8000`` → a Rewrite; ValueError when malformed."""
        source, equals, target = text.partition("=")
        if not equals or not _is_origin(source) or not _is_origin(target):
            raise ValueError(
                f"{text!r}: expected FROM=TO, two origins like https://example.com=http://127.0.0.1:8000"
            )
        return cls(_origin(source), _origin(target))


def _is_origin(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path in ("", "/")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _swap(url: str, pairs: Iterable[tuple[str, str]]) -> str:
    origin = _origin(url)
    for old, new in pairs:
        if origin == old:
            return new + url[len(origin) :]
    return url


# --------------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """Where following a URL ended: the last status answered, or why no answer came."""

    final_url: str
    http_status: int | None = None
    failure: str | None = None  # BROKEN, TIMEOUT or ERROR when no usable answer came
    detail: str = ""
    retry_after: float | None = None  # seconds, from the Retry-After header
    transient: bool = False  # a failure worth another attempt
    out_of_time: bool = False  # the URL's deadline ran out while waiting for an answer


class _DeadlineExceeded(Exception):
    """The requests of one URL used up its ``deadline``."""


class _Budget:
    """The seconds left of one URL's deadline. Only the time spent waiting for servers counts:
    not the wait for a free slot (URLs queue for a busy host), nor the backoff between attempts
    (bounded by ``max_wait`` and ``retries``)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.left = seconds

    def spend(self, seconds: float) -> None:
        self.left -= seconds


class LinkChecker:
    """Checks URLs with one HTTP client, within the global and per-host limits of ``config``."""

    def __init__(self, config: Config, *, rewrites: Sequence[Rewrite] = (), sleep: Sleep = asyncio.sleep):
        self.config = config
        self.settings = config.settings
        self.rewrites = tuple(rewrites)
        self.sleep = sleep
        self._client: httpx.AsyncClient | None = None
        self._all_hosts: asyncio.Semaphore | None = None
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self._lookups: dict[str, asyncio.Future[str | None]] = {}

    async def check_all(self, urls: Iterable[str]) -> list[LinkResult]:
        """Check every URL, concurrently within the limits; results in the order of ``urls``."""
        self._all_hosts = asyncio.Semaphore(self.settings.concurrency)
        limits = httpx.Limits(
            max_connections=self.settings.concurrency, max_keepalive_connections=self.settings.concurrency
        )
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        async with httpx.AsyncClient(headers=headers, limits=limits, follow_redirects=False) as client:
            self._client = client
            return list(await asyncio.gather(*(self.check(url) for url in urls)))

    async def check(self, url: str) -> LinkResult:
        """Check one URL, retrying rate limits, server errors and timeouts with backoff."""
        rule = self.config.rule(_host(url))
        if rule.skip:
            return LinkResult(url, SKIPPED, rule.note or "skipped by linkcheck.yml", checked=time.time())
        attempt = 0
        budget = _Budget(self.settings.deadline)
        previous: _Outcome | None = None
        while True:
            outcome = await self._follow(url, rule, budget)
            if outcome.out_of_time and previous is not None:
                return classify(url, previous, rule)  # what the server said before time ran out
            delay = None if budget.left <= 0 else self._retry_delay(outcome, attempt, rule)
            if delay is None:
                return classify(url, outcome, rule)
            await self.sleep(delay)
            attempt += 1
            previous = outcome

    def _retry_delay(self, outcome: _Outcome, attempt: int, rule: HostRule) -> float | None:
        """Seconds to wait before another attempt, or None when the outcome is final."""
        code = outcome.http_status
        worth_it = outcome.transient or (
            outcome.failure is None
            and code is not None
            and code not in rule.blocked_statuses
            and (code == 429 or (code >= 500 and code != 501))
        )
        if not worth_it or attempt >= self.settings.retries:
            return None
        wait = outcome.retry_after if outcome.retry_after is not None else self.settings.backoff * 2**attempt
        return min(wait, self.settings.max_wait)

    async def _follow(self, url: str, rule: HostRule, budget: _Budget) -> _Outcome:
        """Ask for ``url`` and follow its redirects, HEAD first, falling back to GET."""
        method = "HEAD" if rule.head else "GET"
        current = url
        seen = {url}
        chain = [url]
        refusal = await self._non_public(url)
        if refusal:
            return _Outcome(url, None, BROKEN, f"refused, not asked: {_host(url)} {refusal}")
        for _hop in range(self.settings.max_redirects + 1):
            try:
                code, location, retry_after, sets_cookie = await self._request(method, current, budget)
                if method == "HEAD" and code >= 400 and code != 429:
                    method = "GET"  # many servers refuse or mishandle HEAD; GET is the truth
                    code, location, retry_after, sets_cookie = await self._request(method, current, budget)
            except _DeadlineExceeded:
                return _Outcome(
                    current,
                    None,
                    TIMEOUT,
                    f"no complete answer within the deadline of {budget.seconds:g} s",
                    out_of_time=True,
                )
            except (httpx.HTTPError, httpx.InvalidURL) as error:
                return _failure(current, error, self.settings, self.config.rule(_host(current)))
            if code not in REDIRECT_CODES or not location:
                return _Outcome(current, code, retry_after=retry_after)
            # A relative Location keeps the original host; an absolute one may name a rewritten one.
            target = _swap(urljoin(current, location), self._backward())
            if urlsplit(target).scheme not in ("http", "https"):
                return _Outcome(current, code, ERROR, f"HTTP {code} redirects to a non-web address: {target}")
            refusal = await self._non_public(target)
            if refusal:
                detail = f"refused, not followed: HTTP {code} redirects to {_host(target)}, which {refusal}"
                return _Outcome(target, code, BROKEN, detail)
            if sets_cookie:
                seen = set()  # a cookie changes what the server answers: revisiting may be fine
            if target in seen:
                return _Outcome(url, code, BROKEN, "redirect loop: " + " → ".join([*chain, target]))
            seen.add(target)
            chain.append(target)
            current = target
        return _Outcome(current, code, ERROR, f"more than {self.settings.max_redirects} redirects")

    async def _non_public(self, url: str) -> str | None:
        """Why ``url`` must not be asked (its host "is a private address" or "resolves to a
        loopback address (127.0.0.1)"), or None. A URL that a ``--rewrite`` sends elsewhere is
        asked where the tester said; a name that does not resolve is left to the request, which
        reports it."""
        if _swap(url, self._forward()) != url:
            return None
        host = (urlsplit(url).hostname or "").lower()
        if not host:
            return None
        if host not in self._lookups:
            self._lookups[host] = asyncio.ensure_future(_host_refusal(host))
        return await self._lookups[host]

    async def _request(
        self, method: str, url: str, budget: _Budget | None = None
    ) -> tuple[int, str | None, float | None, bool]:
        """One request within the limits: status, Location, Retry-After (seconds), sets a cookie?

        The body is never read: the response is closed as soon as its headers have arrived.
        Raises :class:`_DeadlineExceeded` when ``budget`` runs out before the headers are in.
        """
        assert self._client is not None and self._all_hosts is not None
        host = _host(url)
        if host not in self._per_host:
            self._per_host[host] = asyncio.Semaphore(self.config.per_host_limit(host))
        timeout = httpx.Timeout(
            self.config.rule(host).timeout or self.settings.read_timeout,
            connect=self.settings.connect_timeout,
        )
        budget = budget or _Budget(self.settings.deadline)
        # The host's slot first: URLs queueing for a busy host must not hold global slots.
        async with self._per_host[host], self._all_hosts:
            if budget.left <= 0:
                raise _DeadlineExceeded
            request = self._client.build_request(method, _swap(url, self._forward()), timeout=timeout)
            started = time.monotonic()
            deadline = asyncio.timeout(budget.left)
            try:
                async with deadline:
                    response = await self._client.send(request, stream=True)
                    await response.aclose()
            except TimeoutError:
                if deadline.expired():
                    raise _DeadlineExceeded from None
                raise
            finally:
                budget.spend(time.monotonic() - started)
        headers = response.headers
        return (
            response.status_code,
            headers.get("location"),
            retry_after_seconds(headers.get("retry-after")),
            "set-cookie" in headers,
        )

    def _forward(self) -> list[tuple[str, str]]:
        return [(r.source, r.target) for r in self.rewrites]

    def _backward(self) -> list[tuple[str, str]]:
        return [(r.target, r.source) for r in self.rewrites]


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# --------------------------------------------------------------------------------------------
# Addresses that are not public
# --------------------------------------------------------------------------------------------

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_KINDS = (
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_unspecified", "unspecified"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
)


def non_public_kind(address: IPAddress) -> str | None:
    """``"loopback"``, ``"private"``, ``"link-local"``… for an address a public link cannot
    mean, None for a public one. IPv6 forms that carry an IPv4 address (mapped, 6to4, Teredo,
    NAT64) are judged by that address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return non_public_kind(embedded)
    for test, kind in _KINDS:
        if getattr(address, test):
            return kind
    return None if address.is_global else "non-public"


async def _host_refusal(host: str) -> str | None:
    """``"resolves to a loopback address (127.0.0.1)"`` or ``"is a private address"`` when
    ``host`` is or resolves to an address that is not public (any of its addresses: a name with
    a public and a private one could be asked at either); None otherwise, and when the name
    does not resolve."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        literal = None
    if literal is not None:
        kind = non_public_kind(literal)
        return f"is {_article(kind)} {kind} address" if kind else None
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    addresses = sorted({ipaddress.ip_address(info[4][0].split("%")[0]) for info in found}, key=str)
    for address in addresses:
        kind = non_public_kind(address)
        if kind:
            return f"resolves to {_article(kind)} {kind} address ({address})"
    return None


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date); None when absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _failure(url: str, error: Exception, settings: Settings, rule: HostRule) -> _Outcome:
    """The outcome of a request that got no HTTP answer."""
    if isinstance(error, httpx.ConnectTimeout):
        return _Outcome(
            url, None, TIMEOUT, f"no connection within {settings.connect_timeout:g} s", transient=True
        )
    if isinstance(error, httpx.TimeoutException):
        seconds = rule.timeout or settings.read_timeout
        return _Outcome(url, None, TIMEOUT, f"no answer within {seconds:g} s", transient=True)
    causes = _causes(error)
    for cause in causes:
        if isinstance(cause, socket.gaierror):
            if cause.errno in _NO_SUCH_HOST:
                return _Outcome(url, None, BROKEN, f"{NO_SUCH_HOST}: {_host(url)}")
            return _Outcome(url, None, ERROR, f"name lookup failed: {cause.strerror}", transient=True)
        if isinstance(cause, ConnectionRefusedError):
            return _Outcome(url, None, BROKEN, "connection refused")
        if isinstance(cause, ssl.SSLError):
            return _Outcome(url, None, ERROR, f"TLS: {getattr(cause, 'reason', None) or cause}")
    if isinstance(error, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return _Outcome(url, None, BROKEN, f"not a valid URL: {error}")
    return _Outcome(url, None, ERROR, f"{type(error).__name__}: {error}", transient=True)


def _causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify(url: str, outcome: _Outcome, rule: HostRule) -> LinkResult:
    """The status a reader cares about, from where following ``url`` ended."""
    final = outcome.final_url if outcome.final_url != url else None
    code = outcome.http_status
    now = time.time()
    if outcome.failure:
        return LinkResult(url, outcome.failure, outcome.detail, code, final, now)
    assert code is not None
    answer = _describe(code)
    if code in rule.blocked_statuses:
        status, detail = BLOCKED, f"{answer}: {rule.note or 'a bot wall (linkcheck.yml)'}"
    elif 200 <= code < 300:
        status, detail = (REDIRECTED, answer) if final else (OK, answer)
    elif code in GONE_CODES:
        status, detail = BROKEN, answer
    elif code in REFUSING_CODES:
        status, detail = BLOCKED, f"{answer}: the server refuses automated checks; check it by hand"
    elif code >= 500:
        status, detail = ERROR, answer
    else:
        status, detail = ERROR, f"unexpected {answer}"
    return LinkResult(url, status, detail, code, final, now)


def _describe(code: int) -> str:
    try:
        return f"HTTP {code} {http.HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def check_urls(
    urls: Iterable[str],
    config: Config,
    *,
    cache: Cache | None = None,
    refresh: bool = False,
    rewrites: Sequence[Rewrite] = (),
    sleep: Sleep = asyncio.sleep,
) -> dict[str, LinkResult]:
    """Check each distinct URL once; reuse fresh cached results unless ``refresh``.

    New results go into ``cache`` (and the cache file) when one is given.
    """
    distinct = list(dict.fromkeys(urls))
    results: dict[str, LinkResult] = {}
    for url in distinct:
        cached = None if cache is None or refresh else cache.get(url)
        if cached is not None:
            results[url] = cached
    to_check = [url for url in distinct if url not in results]
    checker = LinkChecker(config, rewrites=rewrites, sleep=sleep)
    for result in asyncio.run(checker.check_all(to_check)) if to_check else []:
        results[result.url] = result
        if cache is not None:
            cache.put(result)
    if cache is not None and to_check:
        cache.save()
    return {url: results[url] for url in distinct}


def looks_offline(results: Iterable[LinkResult], *, min_hosts: int = 5) -> bool:
    """True when the name lookup failed for every URL asked about, on at least ``min_hosts`` hosts.

    That is what a machine without network (or without DNS) sees; dead domains are never that many.
    """
    fresh = [r for r in results if not r.cached and r.status != SKIPPED]
    hosts = {_host(r.url) for r in fresh}
    return len(hosts) >= min_hosts and all(
        r.detail.startswith((NO_SUCH_HOST, "name lookup failed")) for r in fresh
    )
