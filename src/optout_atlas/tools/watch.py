"""Watching the platforms' own documents for changes (``optout-atlas watch``).

Each platform file lists under ``watch`` the documents that govern AI training on it. Where Open
Terms Archive records a document, its versions are Markdown files, one commit per recorded
version, in the public repository ``OpenTermsArchive/<collection>-versions``; the GitHub REST
API lists the commits that touched ``<service>/<document>.md`` after a date, and returns the
file as it was at any commit. A document changed when a version was recorded after the
platform's ``last_verified`` (or ``--since``); the report then links every such version (each
commit changes that one file, so its page is the diff), and quotes the changed sentences that
mention AI, machine learning, training, models or the platform's AI products.

Documents that no archive tracks (``archive: none``) are watched by content hash instead: with
``pages=True`` their address is fetched, its text normalised and hashed, and compared with the
hash stored in the state file by the previous run.

Nothing here changes the data. The HTTP settings (timeouts, retries, backoff, the longest
wait) are those of ``linkcheck.yml``; GitHub's rate limits (403 or 429 with
``x-ratelimit-reset`` or ``retry-after``) are waited out when the wait is short, and otherwise
end the run with a clear message. Answers are cached in a JSON file: lists of versions for
``cache_hours`` (then asked again with their ETag, which GitHub does not count against the
limit), texts at a commit for good, as they never change.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import html
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

from optout_atlas import REPOSITORY_URL, __version__
from optout_atlas.dataset import Dataset
from optout_atlas.model import ArchiveRef, Platform, WatchedDocument
from optout_atlas.tools.linkcheck import Rewrite, Settings, retry_after_seconds
from optout_atlas.tools.linkcheck.engine import swap_origin

USER_AGENT = f"optout-atlas-watch/{__version__} (+{REPOSITORY_URL})"
DEFAULT_API_URL = "https://api.github.com"
API_URL_VARIABLE = "OPTOUT_ATLAS_GITHUB_API"
GITHUB_WEB = "https://github.com"

# Statuses of a watched document, in the report's order.
CHANGED = "changed"  # a version was recorded (or the page's text changed) after the baseline
FAILED = "failed"  # could not be checked: the reason is in ``detail``
MISSING = "missing"  # the archive has no such document (renamed, or a typo in the data)
UNCHANGED = "unchanged"
RECORDED = "recorded"  # content hash: first run, the page's text is now remembered
UNTRACKED = "untracked"  # no archive, and content hashes were not asked for
STATUSES = (CHANGED, FAILED, MISSING, UNCHANGED, RECORDED, UNTRACKED)

# The archive's commit messages: "Record new changes of X Terms of Service", "First record of
# ...", "Apply technical or declaration upgrade on ..." (a change of how the archive extracts
# the text, not of the text itself).
TECHNICAL_MESSAGE = re.compile(r"^(Apply technical or declaration upgrade|Refilter|Clean)", re.I)

MAX_PASSAGES = 12
PASSAGE_CHARS = 420

# Words that make a changed sentence worth a maintainer's reading, besides product names.
AI_TERMS = (
    r"(?-i:\bA\.?I\b)",  # AI and A.I., not the ai of x.ai
    r"artificial intelligence",
    r"machine[- ]learning",
    r"\btrain(?:s|ed|ing)?\b",
    r"\bfine[- ]?tun\w*",
    r"\bmodels?\b",
    r"\bgenerative\b",
    r"\bLLMs?\b",
    r"large language",
    r"\bprompts?\b",
    r"\bagentic\b",
)
EFFECTIVE = re.compile(
    r"(?i)\b(?:effective(?: date)?|last (?:revised|updated|modified)|date effective)\b"
    r"\W{0,6}[^\n|]{0,40}?\b\d{4}\b"
)

Sleep = Callable[[float], object]


class CheckFailed(Exception):
    """A document could not be checked; the message says why, in one line."""


class RateLimited(CheckFailed):
    """The API refuses more requests for longer than we wait: stop asking for this run."""


class OutOfTime(CheckFailed):
    """The run's time limit is reached."""


# --------------------------------------------------------------------------------------------
# The archive's versions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One recorded version of a document: a commit of the archive's versions repository."""

    sha: str
    recorded: dt.datetime  # the commit's (committer) date: when the archive recorded it
    message: str  # first line of the commit message
    html_url: str  # the commit's page on GitHub: the diff of this version
    parent: str | None

    @property
    def technical(self) -> bool:
        """True for the archive's own upgrades (new extraction rules), not a new text."""
        return bool(TECHNICAL_MESSAGE.match(self.message))

    def as_json(self) -> dict:
        return {
            "sha": self.sha,
            "recorded": self.recorded.isoformat().replace("+00:00", "Z"),
            "message": self.message,
            "url": self.html_url,
            "technical": self.technical,
        }


def parse_versions(answer: object, where: str) -> list[Version]:
    """The versions in a GitHub "list commits" answer; CheckFailed when it is not one."""
    if not isinstance(answer, list):
        raise CheckFailed(f"malformed answer for {where}: expected a list of commits, got {_kind(answer)}")
    versions = []
    for index, item in enumerate(answer):
        try:
            sha = item["sha"]
            commit = item["commit"]
            date = commit["committer"]["date"]
            message = commit["message"]
            html_url = item["html_url"]
            parents = item.get("parents") or []
            if not (isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{40}", sha)):
                raise ValueError(f"sha {sha!r}")
            recorded = dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
            if recorded.tzinfo is None:
                raise ValueError(f"date {date!r} without a time zone")
            parent = parents[0]["sha"] if parents else None
            if not isinstance(message, str) or not isinstance(html_url, str):
                raise ValueError("message or html_url is not text")
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise CheckFailed(f"malformed answer for {where}: commit {index}: {error}") from error
        versions.append(Version(sha, recorded, message.splitlines()[0] if message else "", html_url, parent))
    return versions


def _kind(value: object) -> str:
    return {dict: "an object", str: "text", type(None): "nothing"}.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------------------------
# The cache and state file
# --------------------------------------------------------------------------------------------


class WatchCache:
    """Answers of earlier runs, and the content hashes of untracked pages, in one JSON file.

    ``answers``: lists of versions by request URL, with their time and ETag; reused without
    asking while younger than ``max_age`` seconds, then asked again conditionally.
    ``texts``: a document's text at a commit (never changes); kept while used.
    ``pages``: the normalised text and hash of each untracked page, from the last run that
    fetched it: this is what a content-hash check compares with, so it is kept between runs.
    """

    VERSION = 1

    def __init__(self, path: Path | None, *, max_age: float, now: Callable[[], float] = time.time):
        self.path = Path(path) if path else None
        self.max_age = max_age
        self.now = now
        self.answers: dict[str, dict] = {}
        self.texts: dict[str, str] = {}
        self.pages: dict[str, dict] = {}
        self._used_texts: set[str] = set()
        if self.path is None:
            return
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(stored, dict) and stored.get("version") == self.VERSION:
            for name in ("answers", "texts", "pages"):
                if isinstance(stored.get(name), dict):
                    setattr(self, name, stored[name])

    def answer(self, url: str) -> dict | None:
        entry = self.answers.get(url)
        return entry if isinstance(entry, dict) and "body" in entry else None

    def fresh(self, entry: dict) -> bool:
        return self.now() - float(entry.get("time", 0)) <= self.max_age

    def text(self, key: str) -> str | None:
        value = self.texts.get(key)
        if isinstance(value, str):
            self._used_texts.add(key)
            return value
        return None

    def put_text(self, key: str, text: str) -> None:
        self.texts[key] = text
        self._used_texts.add(key)

    def save(self) -> None:
        if self.path is None:
            return
        now = self.now()
        document = {
            "version": self.VERSION,
            "answers": {
                u: e for u, e in sorted(self.answers.items()) if now - float(e.get("time", 0)) <= 30 * 86400
            },
            "texts": {k: v for k, v in sorted(self.texts.items()) if k in self._used_texts},
            "pages": dict(sorted(self.pages.items())),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(partial, self.path)


# --------------------------------------------------------------------------------------------
# HTTP: the GitHub API and the untracked pages
# --------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: httpx.Headers
    text: str


class Fetcher:
    """GET requests with retries, backoff, rate-limit handling and a time limit for the run."""

    def __init__(
        self,
        settings: Settings,
        *,
        api_url: str = DEFAULT_API_URL,
        token: str | None = None,
        cache: WatchCache | None = None,
        time_limit: float = 300.0,
        rewrites: Sequence[Rewrite] = (),
        sleep: Sleep = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.settings = settings
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.cache = cache or WatchCache(None, max_age=0)
        self.rewrites = [(r.source, r.target) for r in rewrites]
        self.sleep = sleep
        self.clock = clock
        self.deadline = clock() + time_limit
        self.time_limit = time_limit
        self.requests = 0
        self.stopped: CheckFailed | None = None  # set once the API refuses us for long
        self.client = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            follow_redirects=True,
            max_redirects=settings.max_redirects,
        )

    def close(self) -> None:
        self.client.close()

    # -- the archive ---------------------------------------------------------------------

    def versions(
        self,
        archive: ArchiveRef,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int = 100,
    ) -> list[Version]:
        """Versions of ``archive`` recorded from the start of ``since`` to the start of ``until``
        (either end open when None), newest first."""
        params = {"path": archive.path, "per_page": str(limit)}
        if since is not None:
            params["since"] = f"{since.isoformat()}T00:00:00Z"
        if until is not None:
            params["until"] = f"{until.isoformat()}T00:00:00Z"
        url = f"{self.api_url}/repos/{archive.repository}/commits"
        body = self._api_json(url, params, where=f"{archive.repository}:{archive.path}")
        return parse_versions(body, f"{archive.repository}:{archive.path}")

    def folder(self, archive: ArchiveRef) -> list[str] | None:
        """File names in the service's folder of the archive; None when there is no such folder."""
        url = f"{self.api_url}/repos/{archive.repository}/contents/{quote(archive.service)}"
        answer = self._get(url, {}, accept="application/vnd.github+json", api=True)
        if answer.status == 404:
            return None
        _raise_for(answer, f"{archive.repository}:{archive.service}/")
        body = _json(answer, f"{archive.repository}:{archive.service}/")
        if not isinstance(body, list):
            raise CheckFailed(
                f"malformed answer for {archive.repository}:{archive.service}/: expected a list"
            )
        return sorted(str(item.get("name")) for item in body if isinstance(item, dict) and item.get("name"))

    def text_at(self, archive: ArchiveRef, ref: str) -> str | None:
        """The document's text as it was at commit ``ref``; None when it did not exist there."""
        key = f"{archive.repository}:{archive.path}@{ref}"
        cached = self.cache.text(key)
        if cached is not None:
            return cached
        url = f"{self.api_url}/repos/{archive.repository}/contents/{quote(archive.path)}"
        answer = self._get(url, {"ref": ref}, accept="application/vnd.github.raw+json", api=True)
        if answer.status == 404:
            return None
        _raise_for(answer, key)
        self.cache.put_text(key, answer.text)
        return answer.text

    def _api_json(self, url: str, params: dict[str, str], *, where: str) -> object:
        key = url + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        entry = self.cache.answer(key)
        if entry is not None and self.cache.fresh(entry):
            return entry["body"]
        extra = {"If-None-Match": entry["etag"]} if entry is not None and entry.get("etag") else {}
        answer = self._get(url, params, accept="application/vnd.github+json", api=True, extra=extra)
        if answer.status == 304 and entry is not None:
            entry["time"] = self.cache.now()
            return entry["body"]
        _raise_for(answer, where)
        body = _json(answer, where)
        self.cache.answers[key] = {"time": self.cache.now(), "etag": answer.headers.get("etag"), "body": body}
        return body

    # -- pages watched by content hash ---------------------------------------------------

    def page(self, url: str) -> str:
        """The text of a web page (HTML reduced to its words); CheckFailed when it cannot be read."""
        answer = self._get(swap_origin(url, self.rewrites), {}, accept="text/html,*/*;q=0.8", api=False)
        if not 200 <= answer.status < 300:
            raise CheckFailed(f"{url} answered HTTP {answer.status}")
        return page_text(answer.text)

    # -- one request, with retries -------------------------------------------------------

    def _get(
        self, url: str, params: dict[str, str], *, accept: str, api: bool, extra: dict | None = None
    ) -> Answer:
        if self.stopped is not None and api:
            raise self.stopped
        headers = {"Accept": accept, **(extra or {})}
        if api:
            headers["X-GitHub-Api-Version"] = "2022-11-28"
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
        attempt = 0
        while True:
            if self.clock() > self.deadline:
                raise OutOfTime(f"stopped after the time limit of {self.time_limit:g} s")
            self.requests += 1
            try:
                response = self.client.get(url, params=params, headers=headers)
                answer = Answer(response.status_code, response.headers, response.text)
            except httpx.TimeoutException:
                failure = f"no answer from {_host(url)} within {self.settings.read_timeout:g} s"
                answer = None
            except httpx.HTTPError as error:
                failure = f"could not reach {_host(url)}: {error or type(error).__name__}"
                answer = None
            if answer is not None:
                wait, limited = rate_limit_wait(answer, now=time.time())
                if limited:
                    if (
                        wait is not None
                        and wait <= self.settings.max_wait
                        and attempt < self.settings.retries
                    ):
                        self._pause(wait)
                        attempt += 1
                        continue
                    limited_error = RateLimited(
                        rate_limit_message(answer, api=api, has_token=bool(self.token))
                    )
                    if api:
                        self.stopped = limited_error
                    raise limited_error
                if answer.status < 500 or answer.status == 501:
                    return answer
                failure = f"{_host(url)} answered HTTP {answer.status}"
            if attempt >= self.settings.retries:
                failed = CheckFailed(f"{failure} (after {attempt + 1} attempts)")
                if api:
                    self.stopped = failed  # the API is down or out of reach: do not try every document
                raise failed
            self._pause(self.settings.backoff * 2**attempt)
            attempt += 1

    def _pause(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self.settings.max_wait, self.deadline - self.clock()))
        if seconds:
            self.sleep(seconds)


def rate_limit_wait(answer: Answer, *, now: float) -> tuple[float | None, bool]:
    """(seconds to wait, is this a rate limit?) for an answer: GitHub says 403 or 429 with
    ``x-ratelimit-remaining: 0`` and ``x-ratelimit-reset`` (epoch seconds), or ``retry-after``."""
    if answer.status not in (403, 429):
        return None, False
    headers = answer.headers
    retry_after = retry_after_seconds(headers.get("retry-after"), now=now)
    if retry_after is not None:
        return retry_after, True
    if headers.get("x-ratelimit-remaining") == "0":
        try:
            return max(0.0, float(headers.get("x-ratelimit-reset", "")) - now), True
        except ValueError:
            return None, True
    if answer.status == 429 or "rate limit" in answer.text.lower():
        return None, True
    return None, False


def rate_limit_message(answer: Answer, *, api: bool, has_token: bool) -> str:
    reset = answer.headers.get("x-ratelimit-reset", "")
    until = ""
    if reset.isdigit():
        until = " until " + dt.datetime.fromtimestamp(int(reset), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    elif answer.headers.get("retry-after"):
        until = f" for {answer.headers['retry-after']} s"
    who = "the GitHub API" if api else "the server"
    hint = "" if has_token or not api else "; set GITHUB_TOKEN for a higher limit"
    return f"rate limited by {who}{until} (HTTP {answer.status}){hint}"


def _raise_for(answer: Answer, where: str) -> None:
    if answer.status == 404:
        raise CheckFailed(f"{where}: not found (HTTP 404)")
    if not 200 <= answer.status < 300:
        raise CheckFailed(f"{where}: HTTP {answer.status}")


def _json(answer: Answer, where: str) -> object:
    try:
        return json.loads(answer.text)
    except ValueError as error:
        start = " ".join(answer.text[:60].split())
        raise CheckFailed(f"malformed answer for {where}: not JSON ({start!r}…)") from error


def _host(url: str) -> str:
    return urlsplit(url).netloc


# --------------------------------------------------------------------------------------------
# Texts: pages reduced to words, and the passages that matter
# --------------------------------------------------------------------------------------------


class _TextParser(HTMLParser):
    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
    BLOCK = frozenset(
        {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "dd", "dt"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def page_text(markup: str) -> str:
    """The words of an HTML page, one block per line, spaces collapsed: what a content hash
    compares, so that changes of markup, scripts or spacing alone do not count."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(html.unescape(line).split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_BREAK = re.compile(r"<br\s*/?>|\s\|\s", re.IGNORECASE)  # line breaks and table cells
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(*A-Z0-9])")


def sentences(text: str) -> list[str]:
    """The text's sentences, Markdown links reduced to their words and emphasis marks dropped."""
    found: list[str] = []
    for line in _BREAK.sub("\n", text).splitlines():
        line = _LINK.sub(r"\1", line)
        line = re.sub(r"[*_`#>]+", "", line).strip(" -=|\t")
        line = " ".join(line.split())
        if line:
            found.extend(part for part in _SENTENCE_END.split(line) if part)
    return found


def term_pattern(extra_terms: Iterable[str] = ()) -> re.Pattern[str]:
    names = [rf"(?<!\w){re.escape(term)}(?!\w)" for term in extra_terms if term]
    return re.compile("|".join((*AI_TERMS, *names)), re.IGNORECASE)


@dataclass(frozen=True)
class Passage:
    sign: str  # "+" in the newer text, "-" only in the older one
    text: str


def ai_passages(
    old: str, new: str, pattern: re.Pattern[str], *, limit: int = MAX_PASSAGES
) -> tuple[list[Passage], int]:
    """The sentences added or removed between ``old`` and ``new`` that match ``pattern``, each
    once, shortened around the first match; and how many more there were beyond ``limit``."""
    before, after = sentences(old), sentences(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    found: list[Passage] = []
    seen: set[tuple[str, str]] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = before[i1:i2], after[j1:j2]
        for sign, group in (("-", removed), ("+", added)):
            for sentence in group:
                match = pattern.search(sentence)
                key = (sign, sentence)
                if match and key not in seen:
                    seen.add(key)
                    found.append(Passage(sign, _around(sentence, match.start())))
    return found[:limit], max(0, len(found) - limit)


def _around(sentence: str, position: int) -> str:
    if len(sentence) <= PASSAGE_CHARS:
        return sentence
    start = max(0, min(position - PASSAGE_CHARS // 3, len(sentence) - PASSAGE_CHARS))
    piece = sentence[start : start + PASSAGE_CHARS]
    return ("…" if start else "") + piece.strip() + ("…" if start + PASSAGE_CHARS < len(sentence) else "")


def effective_dates(text: str, *, limit: int = 3) -> list[str]:
    """The text's own statements of when it takes effect (a page may show the current terms and
    the next ones), each once, in the order they appear."""
    found: dict[str, None] = {}
    for sentence in sentences(text):
        for match in EFFECTIVE.finditer(sentence):
            found.setdefault(" ".join(match.group(0).split()), None)
    return list(found)[:limit]


# --------------------------------------------------------------------------------------------
# Watching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A source of the platform's file that cites the watched document, and the day it was read
    (``archive.recorded`` when it names an archived version, else ``accessed``)."""

    source: str
    date: dt.date
    archived: bool


@dataclass
class DocumentReport:
    platform: Platform
    watched: WatchedDocument
    baseline: dt.date
    status: str = UNCHANGED
    detail: str = ""
    versions: list[Version] = field(default_factory=list)  # recorded after the baseline, newest first
    newest: Version | None = None  # the newest version of any date
    base: Version | None = None  # the version in force at the baseline, when known
    passages: list[Passage] = field(default_factory=list)
    more_passages: int = 0
    effective: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    @property
    def changes(self) -> list[Version]:
        return [v for v in self.versions if not v.technical]

    @property
    def history_url(self) -> str | None:
        archive = self.watched.archive
        return archive.history_url if archive else None

    @property
    def cited_after_change(self) -> Citation | None:
        """The latest citing source read on or after the newest change, if any."""
        if not self.changes:
            return None
        newest = self.changes[0].recorded.date()
        later = [c for c in self.citations if c.date >= newest]
        return max(later, key=lambda c: c.date) if later else None

    def as_json(self) -> dict:
        archive = self.watched.archive
        return {
            "platform": self.platform.id,
            "document": self.watched.document,
            "url": self.watched.url,
            "archive": None
            if archive is None
            else {
                "collection": archive.collection,
                "service": archive.service,
                "document": archive.document,
                "repository": archive.repository,
                "path": archive.path,
            },
            "status": self.status,
            "detail": self.detail,
            "baseline": self.baseline.isoformat(),
            "last_verified": self.platform.last_verified.isoformat(),
            "versions": [v.as_json() for v in self.versions],
            "newest": self.newest.as_json() if self.newest else None,
            "compared_with": self.base.as_json() if self.base else None,
            "history": self.history_url,
            "effective": self.effective,
            "passages": [{"sign": p.sign, "text": p.text} for p in self.passages],
            "more_passages": self.more_passages,
            "cited_by": [
                {"source": c.source, "date": c.date.isoformat(), "archived": c.archived}
                for c in self.citations
            ],
        }


def product_terms(platform: Platform) -> list[str]:
    """The platform's AI product names for the passage filter: its products, less the
    platform's own name and the services it is watched under (Facebook in Meta's policy, X in
    X's terms, would make every sentence relevant)."""
    common = {platform.name.casefold()} | {
        w.archive.service.casefold() for w in platform.watch if w.archive is not None
    }
    return [p for p in platform.products if p.casefold() not in common] + [
        p for p in platform.products if re.search(r"\bAI\b", p)
    ]


def citations(platform: Platform, watched: WatchedDocument) -> list[Citation]:
    """The sources that cite ``watched``: same address, or (for archived sources) the same
    archived document, newest first. A source is dated by the day the archive recorded its
    version, or else by the day it was read."""
    found = []
    for source in platform.sources.values():
        archive = source.archive
        same_url = _same_url(source.url, watched.url)
        same_archive = (
            watched.archive is not None
            and archive is not None
            and (archive.collection, archive.service, archive.document)
            == (watched.archive.collection, watched.archive.service, watched.archive.document)
        )
        if same_url or same_archive:
            recorded = archive.recorded if archive is not None else None
            found.append(Citation(source.id, recorded or source.accessed, recorded is not None))
    return sorted(found, key=lambda c: (c.date, c.source), reverse=True)


def _same_url(a: str, b: str) -> bool:
    return a.rstrip("/").lower() == b.rstrip("/").lower()


def watch(
    dataset: Dataset,
    fetcher: Fetcher,
    *,
    since: dt.date | None = None,
    platforms: Sequence[str] = (),
    pages: bool = False,
) -> list[DocumentReport]:
    """Check every watched document of the chosen platforms (all when empty); never raises for
    one document's failure: it is reported as ``failed``."""
    reports = []
    for platform in dataset.platforms:
        if platforms and platform.id not in platforms:
            continue
        terms = term_pattern(product_terms(platform))
        for watched in platform.watch:
            report = DocumentReport(platform, watched, since or platform.last_verified)
            report.citations = citations(platform, watched)
            try:
                if watched.archive is not None:
                    _check_archived(report, fetcher, terms)
                elif pages:
                    _check_page(report, fetcher, terms)
                else:
                    report.status = UNTRACKED
                    report.detail = (
                        "no archive tracks it: the scheduled run compares its content hash (--pages)"
                    )
            except CheckFailed as error:
                report.status, report.detail = FAILED, str(error)
            reports.append(report)
    return reports


def _check_archived(report: DocumentReport, fetcher: Fetcher, terms: re.Pattern[str]) -> None:
    archive = report.watched.archive
    assert archive is not None
    report.versions = fetcher.versions(archive, since=report.baseline)
    if report.versions:
        report.newest = report.versions[0]
    else:
        latest = fetcher.versions(archive, limit=1)
        if not latest:
            _missing(report, fetcher, archive)
            return
        report.newest = latest[0]
    changes = report.changes
    if not changes:
        report.status = UNCHANGED
        report.detail = f"no version recorded since {report.baseline.isoformat()}" + (
            f"; newest version recorded {report.newest.recorded.date().isoformat()}" if report.newest else ""
        )
        return
    report.status = CHANGED
    # The version in force on the baseline day: what the maintainer last checked against.
    before = fetcher.versions(archive, until=report.baseline, limit=1)
    report.base = before[0] if before else None
    new_text = fetcher.text_at(archive, report.versions[0].sha)
    if new_text is None:
        raise CheckFailed(f"{archive.repository}:{archive.path}: no text at {report.versions[0].sha[:10]}")
    old_text = fetcher.text_at(archive, report.base.sha) if report.base else None
    report.effective = effective_dates(new_text)
    if old_text is None:
        report.detail = "first recorded after the baseline: no older version to compare with"
    report.passages, report.more_passages = ai_passages(old_text or "", new_text, terms)


def _missing(report: DocumentReport, fetcher: Fetcher, archive: ArchiveRef) -> None:
    report.status = MISSING
    names = fetcher.folder(archive)
    where = f"{GITHUB_WEB}/{archive.repository}/tree/main/{quote(archive.service)}"
    if names is None:
        report.detail = (
            f"the archive {archive.repository} has no service '{archive.service}': "
            "was it renamed? Fix the watch entry"
        )
        return
    documents = [n[:-3] for n in names if n.endswith(".md")]
    close = difflib.get_close_matches(archive.document, documents, n=3, cutoff=0.4)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    report.detail = (
        f"no version of '{archive.path}' in {archive.repository}: the archive may have renamed "
        f"the document{hint}; its folder: {where}"
    )


def _check_page(report: DocumentReport, fetcher: Fetcher, terms: re.Pattern[str]) -> None:
    url = report.watched.url
    text = fetcher.page(url)
    digest = text_hash(text)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    stored = fetcher.cache.pages.get(url)
    if not isinstance(stored, dict) or "hash" not in stored:
        report.status, report.detail = RECORDED, "first content hash recorded; later runs compare with it"
    elif stored["hash"] == digest:
        report.status, report.detail = UNCHANGED, f"same text as on {stored.get('checked', '?')[:10]}"
    else:
        report.status = CHANGED
        report.detail = f"its text changed since {stored.get('checked', '?')[:10]} (content hash)"
        report.passages, report.more_passages = ai_passages(stored.get("text", ""), text, terms)
    fetcher.cache.pages[url] = {"hash": digest, "text": text, "checked": now}


def exit_code(reports: Sequence[DocumentReport]) -> int:
    """1 when anything changed; else 2 when something could not be checked; else 0."""
    if any(r.status == CHANGED for r in reports):
        return 1
    if any(r.status in (FAILED, MISSING) for r in reports):
        return 2
    return 0
