"""The Content-Security-Policy of every page, and the markup a page's content may not carry.

The policy is the second line of defence behind escaping: if a value ever reached a page as
markup, the browser would still refuse to run script from it, to load anything from another
origin, or to send a form elsewhere.

- Scripts: the site's own files (``'self'``), plus the inline scripts that the theme writes
  around the content, allowed one by one by their SHA-256 hash. Material writes a few (one of
  them names the page's depth, so the hashes differ from page to page); they are hashed from
  each built page. Inline scripts inside the page's content (the rendered Markdown, where data,
  catalogs and hand-written pages end up) are never hashed, so the policy blocks them.
- Styles: the site's own stylesheets only. Material needs no inline style: it writes no
  ``<style>`` element or ``style`` attribute, and its script sets styles through the DOM,
  which a policy does not restrict.
- Images: the site's own, and ``data:`` URIs (Material's stylesheets draw icons with them).
- No plugins (``object-src``), no ``<base href>`` to another site, no form sent elsewhere.

A ``<meta http-equiv>`` policy cannot say who may frame the page (``frame-ancestors``), so the
embed pages keep working in any intranet's iframe; a host that wants to restrict it sends the
header itself (see the README's deployment notes).
"""

from __future__ import annotations

import base64
import hashlib
import re

# What the page template writes as the policy; replaced in every page by the real one.
PLACEHOLDER = "atlas-content-security-policy"
PLACEHOLDER_ATTRIBUTE = f'content="{PLACEHOLDER}"'

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
# Script types a browser runs (the others are data blocks: JSON, JSON-LD).
_RUNNABLE = frozenset(
    {"", "module", "text/javascript", "application/javascript", "text/ecmascript", "application/ecmascript"}
)


def inline_scripts(html: str) -> list[str]:
    """The text of each inline script of ``html`` that a browser would run."""
    found = []
    for match in _SCRIPT.finditer(html):
        attributes, body = match.groups()
        if _SRC.search(attributes):
            continue
        kind = _TYPE.search(attributes)
        if (kind[1].lower() if kind else "") in _RUNNABLE:
            found.append(body)
    return found


def script_hash(body: str) -> str:
    """The source expression that allows an inline script: the hash of its text as the
    browser sees it (HTML parsing turns CR LF and CR into LF)."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def policy(script_hashes: list[str]) -> str:
    """The policy, allowing the inline scripts with these hashes (each once, in order)."""
    scripts = " ".join(["'self'", *dict.fromkeys(script_hashes)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def apply(html: str, *, content: str | None = None) -> str:
    """``html`` with its policy filled in. The inline scripts inside ``content`` (the page's
    rendered Markdown, found verbatim in ``html``) are left out of it; without ``content``
    (a theme page such as 404.html), every inline script is the theme's.

    Raises ``ValueError`` when ``html`` has no placeholder, or ``content`` is not in it."""
    if html.count(PLACEHOLDER_ATTRIBUTE) != 1:
        raise ValueError(f"the page has {html.count(PLACEHOLDER_ATTRIBUTE)} policy placeholders, not one")
    theme = html
    if content:
        start = html.find(content)
        if start == -1:
            raise ValueError("the page's content is not in its HTML as rendered")
        theme = html[:start] + html[start + len(content) :]
    hashes = [script_hash(body) for body in inline_scripts(theme)]
    return html.replace(PLACEHOLDER_ATTRIBUTE, f'content="{policy(hashes)}"', 1)


# Markup in a page's content that the policy blocks (so it would fail silently), or that no
# policy stops (a refresh to another address, a base address). Content is escaped text and the
# elements Markdown makes, so every "<" followed by a letter opens a tag.
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_ELEMENTS = frozenset(
    {"script", "style", "meta", "base", "link", "iframe", "frame", "frameset", "object", "embed", "form"}
)
_ATTRIBUTE = re.compile(
    r"""\s(on[a-z]+|style)\s*=|\b(?:href|src|action|formaction|data)\s*=\s*["']?\s*(javascript):""", re.I
)


def content_problems(content: str) -> list[str]:
    """What the page's rendered Markdown holds that a page must not: one phrase each."""
    problems = []
    for tag in _TAG.finditer(content):
        name, attributes = tag[1].lower(), tag[2]
        if name in _ELEMENTS:
            problems.append(f"a <{name}> element")
        if "=" in attributes:
            for match in _ATTRIBUTE.finditer(attributes):
                if match[1]:
                    name = match[1].lower()
                    problems.append(f"{'an' if name[0] in 'aeiou' else 'a'} {name}= attribute")
                else:
                    problems.append("a javascript: address")
    return list(dict.fromkeys(problems))
