"""The Content-Security-Policy filled into each page: which inline scripts it allows, and which
markup a page's content may not carry (see optout_atlas.csp). A real build and a browser check
the result in test_hostile_pages.py."""

from __future__ import annotations

import base64
import hashlib

import pytest

from optout_atlas import csp

THEME_SCRIPT = "var target=document.getElementById(location.hash.slice(1));target&&(target.checked=!0)"


def _page(content: str, *, head_script: str = THEME_SCRIPT) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" {csp.PLACEHOLDER_ATTRIBUTE}>'
        f"<script>{head_script}</script>"
        '<script id="__config" type="application/json">{"base": "."}</script>'
        '<script src="assets/javascripts/bundle.js"></script></head>'
        f'<body><article class="md-content__inner">{content}</article>'
        '<script type="application/ld+json">{"@context": "https://schema.org"}</script>'
        "</body></html>"
    )


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _policy_of(html: str) -> dict[str, list[str]]:
    start = html.index('http-equiv="Content-Security-Policy" content="') + len(
        'http-equiv="Content-Security-Policy" content="'
    )
    text = html[start : html.index('"', start)]
    return {part.split()[0]: part.split()[1:] for part in text.split("; ")}


def test_theme_scripts_are_allowed_by_hash_and_nothing_else_inline():
    html = csp.apply(_page("<p>Text</p>"), content="<p>Text</p>")
    policy = _policy_of(html)
    assert policy["script-src"] == ["'self'", _sha256(THEME_SCRIPT)]  # not the JSON data blocks
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "frame-ancestors" not in policy  # a meta policy cannot set it (see the README)
    assert csp.PLACEHOLDER not in html


def test_a_script_inside_the_content_is_never_hashed():
    content = "<p>Text</p><script>alert(1)</script>"
    policy = _policy_of(csp.apply(_page(content), content=content))
    assert _sha256("alert(1)") not in policy["script-src"]
    assert policy["script-src"] == ["'self'", _sha256(THEME_SCRIPT)]


def test_the_same_script_twice_is_listed_once_and_crlf_is_hashed_as_the_browser_reads_it():
    page = _page("", head_script="a();\r\nb();").replace("</head>", "<script>a();\nb();</script></head>")
    policy = _policy_of(csp.apply(page))
    assert policy["script-src"] == ["'self'", _sha256("a();\nb();")]


@pytest.mark.parametrize(
    ("page", "content", "message"),
    [
        ("<html><head></head><body>x</body></html>", "x", "0 policy placeholders"),
        (_page("<p>a</p>") + _page("<p>a</p>"), "<p>a</p>", "2 policy placeholders"),
        (_page("<p>a</p>"), "<p>changed by a plugin</p>", "content is not in its HTML"),
    ],
    ids=["no-placeholder", "two-placeholders", "content-not-found"],
)
def test_a_page_without_exactly_one_placeholder_or_its_content_is_an_error(page, content, message):
    with pytest.raises(ValueError, match=message):
        csp.apply(page, content=content)


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        ("<p>Plain &lt;script&gt; text, javascript: and onload= as words</p>", []),
        ("<pre><code>&lt;script&gt;x&lt;/script&gt;</code></pre>", []),
        ("<script>alert(1)</script>", ["a <script> element"]),
        ('<SCRIPT src="x.js"></SCRIPT>', ["a <script> element"]),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', ["a <meta> element"]),
        ('<base href="https://evil.example/">', ["a <base> element"]),
        ("<style>body{display:none}</style>", ["a <style> element"]),
        ('<iframe src="https://evil.example/"></iframe>', ["a <iframe> element"]),
        ('<object data="x.swf"></object>', ["a <object> element"]),
        ('<embed src="x.swf">', ["a <embed> element"]),
        ('<form action="https://evil.example/"></form>', ["a <form> element"]),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', ["a <link> element"]),
        ('<img src="x.png" onerror="alert(1)">', ["an onerror= attribute"]),
        ('<p ONCLICK = "x">a</p>', ["an onclick= attribute"]),
        ('<p style="display:none">a</p>', ["a style= attribute"]),
        ('<a href="javascript:alert(1)">a</a>', ["a javascript: address"]),
        ("<a href=' JavaScript:alert(1)'>a</a>", ["a javascript: address"]),
        ("<script>a</script><script>b</script>", ["a <script> element"]),
    ],
    ids=[
        "escaped-text",
        "code-block",
        "script",
        "script-src-upper-case",
        "meta-refresh",
        "base",
        "style-element",
        "iframe",
        "object",
        "embed",
        "form",
        "link",
        "event-handler",
        "event-handler-upper-case",
        "style-attribute",
        "javascript-href",
        "javascript-href-spaced",
        "reported-once",
    ],
)
def test_markup_a_page_content_may_not_carry(content, problems):
    assert csp.content_problems(content) == problems
