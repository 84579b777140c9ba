"""The HTTP side of the link checker: asking for each URL, and what the answer means.

A check asks with ``HEAD`` first and falls back to ``GET`` when ``HEAD`` is refused; it follows
redirects itself (so that loops are caught and the final URL is known), never reads a body,
keeps to a per-host and a global number of requests at a time, and retries rate limits, server
errors and timeouts with exponential backoff, honouring ``Retry-After``.

Two limits protect the machine that checks. The requests for one URL (its redirects and retries
together) get ``deadline`` seconds in all: a server that sends its answer one byte a second never
trips the read timeout, which counts the time between two bytes. And a URL or a redirect to an
address that is not public is refused without asking (see ``addresses``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import http
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from optout_atlas import REPOSITORY_URL, __version__
from optout_atlas.tools.linkcheck.addresses import host_refusal
from optout_atlas.tools.linkcheck.cache import Cache
from optout_atlas.tools.linkcheck.config import Config, HostRule, Settings
from optout_atlas.tools.linkcheck.results import (
    BLOCKED,
    BROKEN,
    ERROR,
    OK,
    REDIRECTED,
    SKIPPED,
    TIMEOUT,
    LinkResult,
)

# The project's public repository, named in the User-Agent so that site owners know who asks.
USER_AGENT = f"optout-atlas-linkcheck/{__version__} (+{REPOSITORY_URL})"

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
GONE_CODES = frozenset({404, 410})
REFUSING_CODES = frozenset({401, 403, 429, 451})  # alive, but not for us

NO_SUCH_HOST = "no such host"
# Name lookup answers that mean "this name does not exist" (not "the resolver failed").
_NO_SUCH_HOST = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}

Sleep = Callable[[float], Awaitable[object]]


# --------------------------------------------------------------------------------------------
# Rewrites: a testing aid
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rewrite:
    """Fetch the URLs of one origin (``https://example.com``) from another (``http://127.0.0.1:8000``).

    A testing aid, for code only (no command offers it): tests give rewrites to
    :func:`check_urls`, :class:`LinkChecker` or the policy watch's fetcher to point the https://
    URLs of test data at a local server, which is then asked although its address is not
    public. Results, rules and limits still use the original URL and host.
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


def swap_origin(url: str, pairs: Iterable[tuple[str, str]]) -> str:
    """``url`` on the origin that the first matching (old, new) pair sends it to."""
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


class _Requests:
    """The HTTP side of a check: one client, the global and per-host numbers of requests at a
    time, the timeouts of ``config``, and the rewrites of a test."""

    def __init__(self, config: Config, rewrites: Sequence[Rewrite]):
        self.config = config
        self.settings = config.settings
        self.forward = [(r.source, r.target) for r in rewrites]
        self.backward = [(r.target, r.source) for r in rewrites]
        self._client: httpx.AsyncClient | None = None
        self._all_hosts: asyncio.Semaphore | None = None
        self._per_host: dict[str, asyncio.Semaphore] = {}

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[None]:
        """The client and the global limit, for the requests made within."""
        self._all_hosts = asyncio.Semaphore(self.settings.concurrency)
        limits = httpx.Limits(
            max_connections=self.settings.concurrency, max_keepalive_connections=self.settings.concurrency
        )
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        async with httpx.AsyncClient(headers=headers, limits=limits, follow_redirects=False) as client:
            self._client = client
            try:
                yield
            finally:
                self._client = None

    async def send(
        self, method: str, url: str, budget: _Budget | None = None
    ) -> tuple[int, str | None, float | None, bool]:
        """One request within the limits: status, Location, Retry-After (seconds), sets a cookie?

        The body is never read: the response is closed as soon as its headers have arrived.
        Raises :class:`_DeadlineExceeded` when ``budget`` runs out before the headers are in.
        """
        assert self._client is not None and self._all_hosts is not None, "send() outside session()"
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
            request = self._client.build_request(method, swap_origin(url, self.forward), timeout=timeout)
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


class LinkChecker:
    """Checks URLs with one HTTP client, within the global and per-host limits of ``config``."""

    def __init__(self, config: Config, *, rewrites: Sequence[Rewrite] = (), sleep: Sleep = asyncio.sleep):
        self.config = config
        self.settings = config.settings
        self.rewrites = tuple(rewrites)
        self.sleep = sleep
        self._requests = _Requests(config, self.rewrites)
        self._lookups: dict[str, asyncio.Future[str | None]] = {}

    async def check_all(self, urls: Iterable[str]) -> list[LinkResult]:
        """Check every URL, concurrently within the limits; results in the order of ``urls``."""
        async with self._requests.session():
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
            send = self._requests.send
            try:
                code, location, retry_after, sets_cookie = await send(method, current, budget)
                if method == "HEAD" and code >= 400 and code != 429:
                    method = "GET"  # many servers refuse or mishandle HEAD; GET is the truth
                    code, location, retry_after, sets_cookie = await send(method, current, budget)
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
            target = swap_origin(urljoin(current, location), self._requests.backward)
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
        loopback address (127.0.0.1)"), or None. A URL that a :class:`Rewrite` sends elsewhere
        is asked where the tester said; a name that does not resolve is left to the request, which
        reports it."""
        if swap_origin(url, self._requests.forward) != url:
            return None
        host = (urlsplit(url).hostname or "").lower()
        if not host:
            return None
        if host not in self._lookups:
            self._lookups[host] = asyncio.ensure_future(host_refusal(host))
        return await self._lookups[host]


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# --------------------------------------------------------------------------------------------
# What the answers mean
# --------------------------------------------------------------------------------------------


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
