"""Checking the internal links of a built site, offline: every page, every language.

``check_site`` reads every HTML page under the site directory (and any Atom feed) once, and
reports each internal link that would fail for a reader:

* the file it points to is not in the site (a directory URL means its ``index.html``),
* its ``#fragment`` names no ``id`` (nor ``<a name>``) in the target page,
* it is root-absolute (``/assets/...``): the site is published under a sub-path, where such a
  URL leaves the site,
* it is protocol-relative (``//host/...``): it leaves the site, and over plain http when the
  site is opened from a file.

External ``http(s)``, ``mailto``, ``tel`` and ``data`` URLs are skipped here; ``linkcheck``
checks the external ones.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that hold a URL, per element. ``srcset`` holds several.
LINK_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "embed": ("src",),
}

# Schemes that leave the site on purpose. Any other scheme (file:, javascript:) is reported.
EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "data"})

# MkDocs renders error pages with root-absolute URLs (``/assets/...``), and mkdocs-static-i18n
# renders one per language the same way: a server shows the 404 page at whatever URL was
# missing, so relative URLs could not work there. Those URLs are right only when the site is
# served from the root of its domain, which is the server's business, not the pages'.
EXEMPT_PAGES = frozenset({"404.html"})

ATOM_NAMESPACE = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True, order=True)
class BrokenLink:
    """One internal link, on one page, that a reader could not follow."""

    page: str  # path of the page in the site, e.g. ``guides/meta/index.html``
    target: str  # the URL as written in the page
    reason: str
    count: int = 1  # how many times the page uses this link

    def __str__(self) -> str:
        times = f" ({self.count} times)" if self.count > 1 else ""
        return f"{self.page} → {self.target}: {self.reason}{times}"


@dataclass
class SiteScan:
    """What ``scan_site`` found: the broken links and how much was checked."""

    pages: int = 0
    links: int = 0  # internal links checked, every use counted
    external: int = 0  # external links skipped
    broken: list[BrokenLink] = field(default_factory=list)


@dataclass
class ParsedPage:
    """The anchors a page defines and the URLs it refers to, from one parse."""

    ids: set[str] = field(default_factory=set)
    urls: list[str] = field(default_factory=list)  # every URL of every element in LINK_ATTRIBUTES
    hyperlinks: list[str] = field(default_factory=list)  # the ``<a href>`` ones among them


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        for attribute in LINK_ATTRIBUTES.get(tag, ()):
            if attribute not in values:
                continue
            if attribute == "srcset":
                self.page.urls += srcset_urls(values[attribute])
            else:
                self.page.urls.append(values[attribute].strip())
        if tag == "a" and "href" in values:
            self.page.hyperlinks.append(values["href"].strip())


def parse_html(path: Path) -> ParsedPage:
    """Read a page once: the ids it defines and every URL its elements refer to."""
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser.page


def parse_feed(path: Path) -> ParsedPage | None:
    """The ``<link href>`` URLs of an Atom feed; None for any other XML file (a sitemap)."""
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError:
        return None
    if root.tag != f"{ATOM_NAMESPACE}feed":
        return None
    return ParsedPage(urls=[link.get("href", "").strip() for link in root.iter(f"{ATOM_NAMESPACE}link")])


def srcset_urls(srcset: str) -> list[str]:
    """The URLs of a ``srcset`` (``a.png 1x, b.png 2x``), without their descriptors."""
    urls = []
    for candidate in srcset.split(","):
        words = candidate.split()
        if words:
            urls.append(words[0])
    return urls


def check_site(site_dir: Path) -> list[BrokenLink]:
    """Every broken internal link in the built site at ``site_dir``, sorted by page."""
    return scan_site(site_dir).broken


def scan_site(site_dir: Path) -> SiteScan:
    """Check the site at ``site_dir``; return the broken links and the counts checked."""
    site_dir = Path(site_dir)
    files = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}
    parsed = {name: parse_html(site_dir / name) for name in files if name.endswith((".html", ".htm"))}
    feeds = {name: feed for name in files if name.endswith(".xml") and (feed := parse_feed(site_dir / name))}

    scan = SiteScan()
    for page, content in sorted({**parsed, **feeds}.items()):
        if posixpath.basename(page) in EXEMPT_PAGES:
            continue
        scan.pages += 1
        problems: Counter[tuple[str, str]] = Counter()
        for url in content.urls:
            if is_external(url):
                scan.external += 1
                continue
            scan.links += 1
            reason = link_problem(page, url, files, parsed)
            if reason:
                problems[(url, reason)] += 1
        scan.broken += [BrokenLink(page, url, reason, n) for (url, reason), n in problems.items()]
    scan.broken.sort()
    return scan


def is_external(url: str) -> bool:
    """True for a URL that leaves the site on purpose (``https:``, ``mailto:``, ``data:``...)."""
    return urlsplit(url).scheme.lower() in EXTERNAL_SCHEMES


def link_problem(page: str, url: str, files: set[str], parsed: dict[str, ParsedPage]) -> str | None:
    """Why ``url`` on ``page`` fails, or None when it resolves (file and anchor)."""
    parts = urlsplit(url)
    if parts.scheme:
        return f"unexpected '{parts.scheme}:' URL: it does not work on the published site"
    if parts.netloc or url.startswith("//"):
        return "protocol-relative URL: it leaves the site; use a relative URL"
    if parts.path.startswith("/"):
        return "root-absolute path: it breaks when the site is served under a sub-path; use a relative URL"

    target = resolve(page, unquote(parts.path), files)
    if target is None:
        return "points outside the site"
    if target not in files:
        return f"no such file in the site: {target}"
    if parts.fragment and target in parsed and not has_anchor(parsed[target], parts.fragment):
        return f"no id '{unquote(parts.fragment)}' in {target}"
    return None


def resolve(page: str, path: str, files: set[str]) -> str | None:
    """The site file a relative ``path`` on ``page`` refers to; None when it climbs out of the site.

    An empty path is the page itself; a directory (``guides/`` or ``..``) means its index.html.
    """
    if not path:
        return page
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if joined == ".." or joined.startswith("../"):
        return None
    if joined == ".":
        return "index.html"
    if path.endswith("/") or (joined not in files and f"{joined}/index.html" in files):
        return f"{joined}/index.html"
    return joined


def has_anchor(page: ParsedPage, fragment: str) -> bool:
    """Whether a browser finds ``#fragment`` on the page (HTML's rules, ``#top`` included)."""
    return fragment in page.ids or unquote(fragment) in page.ids or fragment.lower() == "top"
