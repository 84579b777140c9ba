"""The text policy on its own: what a contributor's text, address or translation may contain, and
the strict reading of catalog files. Each table holds hostile inputs by class, with the reason a
contributor is given; the allowed tables hold the text the policy must never refuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from optout_atlas import textpolicy, translation
from optout_atlas.textpolicy import LINE, PARAGRAPHS, TOKEN

# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

# id -> (text, the start of the only message)
HOSTILE_TEXT = {
    # raw HTML
    "script-tag": ("Private <script>alert(1)</script> messages.", "raw HTML is not allowed in text (<script…)"),
    "img-onerror": ('Tap <img src=x onerror="alert(1)">', "raw HTML is not allowed in text (<img…)"),
    "closing-tag": ("Done </p><p>", "raw HTML is not allowed in text (</p…)"),
    "comment": ("Hidden <!-- note --> text", "raw HTML is not allowed in text (<!--…)"),
    "processing-instruction": ("Odd <?php echo 1 ?> text", "raw HTML is not allowed in text (<?php…)"),
    "autolink": ("See <https://evil.example>", "raw HTML is not allowed in text (<https://evil.example…)"),
    "meta-refresh": (
        'Summary" <meta http-equiv="refresh" content="0;url=https://evil.example">',
        "raw HTML is not allowed in text (<meta…)",
    ),
    # character references
    "named-reference": ("&lt;script&gt;alert(1)", "HTML character references such as &lt; are not allowed"),
    "decimal-reference": ("&#60;script>", "HTML character references such as &#60; are not allowed"),
    "hex-reference": ("&#x3C;img>", "HTML character references such as &#x3C; are not allowed"),
    "reference-without-semicolon": ("&ltscript", "HTML character references such as &lt are not allowed"),
    "legacy-reference-prefix": ("Since &copy2024", "HTML character references such as &copy are not allowed"),
    "quote-reference": ("Say &quot;hi&quot;", "HTML character references such as &quot; are not allowed"),
    # links and structure-making Markdown inside a line
    "markdown-link": ("See [here](https://evil.example).", "links and images are not allowed in text"),
    "markdown-image": ("![x](https://evil.example/x.png)", "links and images are not allowed in text"),
    "reference-link": ("See [here][1].", "links and images are not allowed in text"),
    "footnote-reference": ("Claim[^evil]", "links and images are not allowed in text"),
    "javascript-url": ("Open javascript:alert(1)", "links and images are not allowed in text"),
    "data-url": ("Open data:text/html;base64,PHNjcmlwdD4=", "links and images are not allowed in text"),
    "attribute-list": ("Title {: onclick=alert(1) }", "Markdown attribute lists"),
    "attribute-list-id": ("Title { #sources }", "Markdown attribute lists"),
    "attribute-list-key": ("Title {onmouseover=alert(1)}", "Markdown attribute lists"),
    # block syntax at the start of a one-line text
    "heading": ("# Danger", "starts with Markdown that would make a heading (#)"),
    "heading-level-2": ("## Danger", "starts with Markdown that would make a heading (#)"),
    "admonition": ('!!! danger "Your account is closed"', "starts with Markdown that would make an admonition"),
    "collapsible": ("??? note", "starts with Markdown that would make an admonition"),
    "tab": ('=== "Web"', 'starts with Markdown that would make a tab (=== "…")'),
    "code-fence": ("```html", "starts with Markdown that would make a code fence"),
    "tilde-fence": ("~~~", "starts with Markdown that would make a code fence"),
    "indented-code": ("    print(1)", "starts with Markdown that would make an indented code block"),
    "rule": ("---", "starts with Markdown that would make a rule"),
    "quotation": ("> quoted", "starts with Markdown that would make a quotation (>)"),
    "list-item": ("- Open settings.", "starts with Markdown that would make a list item"),
    "numbered-item": ("1. Open settings.", "starts with Markdown that would make a list item"),
    "abbreviation": ("*[AI]: Artificial Intelligence", "starts with Markdown that would make an abbreviation"),
    "link-definition": ("[1]: https://evil.example", "starts with Markdown that would make a link or footnote"),
    "html-block-start": ("< section", "starts with Markdown that would make an HTML block (<)"),
    # line breaks
    "newline": ("Open **Settings**.\n!!! danger", "must be one line: a line break at character 19"),
    "trailing-newline": ("Open **Settings**.\n", "ends with a line break; remove it"),
    "carriage-return": ("Open\rSettings", "control character U+000D (CARRIAGE RETURN) at character 5"),
    "line-separator": ("Open\u2028Settings", "line separator U+2028 (LINE SEPARATOR) at character 5"),
    "paragraph-separator": ("Open\u2029Settings", "line separator U+2029 (PARAGRAPH SEPARATOR)"),
    # control characters
    "nul": ("Open\x00Settings", "control character U+0000 (NUL) at character 5"),
    "escape": ("Open\x1b[31mSettings", "control character U+001B (ESCAPE) at character 5"),
    "vertical-tab": ("Open\x0bSettings", "control character U+000B (VERTICAL TAB)"),
    "form-feed": ("Open\x0cSettings", "control character U+000C (FORM FEED)"),
    "bell": ("Open\x07", "control character U+0007 (BELL)"),
    "delete": ("Open\x7fSettings", "control character U+007F (DELETE)"),
    "c1-next-line": ("Open\x85Settings", "control character U+0085 (NEXT LINE)"),
    "c1-csi": ("Open\x9bSettings", "control character U+009B"),
    "tab-character": ("Open\tSettings", "a tab character at character 5: use a space"),
    # bidirectional controls
    "rtl-override": ("Open \u202eSettings", "bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    "ltr-override": ("Open \u202dSettings", "bidirectional control U+202D (LEFT-TO-RIGHT OVERRIDE)"),
    "rtl-embedding": ("Open \u202bSettings", "bidirectional control U+202B (RIGHT-TO-LEFT EMBEDDING)"),
    "pop-directional": ("Open \u202cSettings", "bidirectional control U+202C (POP DIRECTIONAL FORMATTING)"),
    "ltr-isolate": ("Open \u2066Settings", "bidirectional control U+2066 (LEFT-TO-RIGHT ISOLATE)"),
    "first-strong-isolate": ("Open \u2068Settings", "bidirectional control U+2068 (FIRST STRONG ISOLATE)"),
    "pop-isolate": ("Open \u2069Settings", "bidirectional control U+2069 (POP DIRECTIONAL ISOLATE)"),
    "rtl-mark": ("Open \u200fSettings", "bidirectional control U+200F (RIGHT-TO-LEFT MARK)"),
    # invisible characters
    "zero-width-space": ("Set\u200btings", "invisible character U+200B (ZERO WIDTH SPACE)"),
    "zero-width-joiner-in-latin": ("Set\u200dtings", "invisible character U+200D (ZERO WIDTH JOINER)"),
    "zero-width-non-joiner-in-latin": ("Set\u200ctings", "invisible character U+200C (ZERO WIDTH NON-JOINER)"),
    "word-joiner": ("Set\u2060tings", "invisible character U+2060 (WORD JOINER)"),
    "byte-order-mark": ("Set\ufefftings", "invisible character U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    "soft-hyphen": ("Set\u00adtings", "invisible character U+00AD (SOFT HYPHEN)"),
    "tag-characters": ("Settings\U000e0069\U000e0067\U000e006e", "invisible character U+E0069 (TAG LATIN SMALL LETTER I)"),
    "private-use": ("Settings\ue000", "character U+E000 at character 9 is not allowed"),
    "noncharacter": ("Settings\ufffe", "character U+FFFE at character 9 is not allowed"),
}


@pytest.mark.parametrize(("text", "expected"), HOSTILE_TEXT.values(), ids=HOSTILE_TEXT.keys())
def test_hostile_text_is_refused_with_one_reason(text, expected):
    problems = textpolicy.text_problems(text, LINE)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


ALLOWED_TEXT = {
    "plain": "Open **Settings & Privacy**, then switch off **Use my data for AI**.",
    "less-than-with-space": "Fewer users: a < b and b > c.",
    "less-than-digit": "Children <13 years are excluded.",
    "ampersand-words": "AT&T, Q&A, R&D and Lutzker & Lutzker",
    "quotes": "The box \"Allow your posts\" and the 'Grok' entry",
    "hashtag-name": "#1 Social",
    "hash-inside": "Issue #42 was fixed",
    "percent": "About 50 % of posts, or 50% of them",
    "braces-in-prose": "The {curly} word",
    "colon": "Note: public posts only.",
    "no-break-spaces": "50\u00a0% et 10\u202f%",
    "cjk": "Grok涉深度偽造不雅內容 私隱公署主動聯絡了解",
    "devanagari-joiner": "क्\u200dष",
    "emoji-sequence": "Family \U0001f468\u200d\U0001f469\u200d\U0001f467",
    "accents": "Südostschweiz, CBH Rechtsanwälte, Evrim Ağac\u0131, Rádio 93",
    "code-span": "Type `settings` in the search box.",
    "dash-inside": "Settings - Privacy - Data",
}


@pytest.mark.parametrize("text", ALLOWED_TEXT.values(), ids=ALLOWED_TEXT.keys())
def test_ordinary_text_passes(text):
    assert textpolicy.text_problems(text, LINE) == []


def test_paragraphs_may_break_lines_but_not_start_blocks():
    assert textpolicy.text_problems("One side says 2024.\n\nThe other says 2025.", PARAGRAPHS) == []
    assert textpolicy.text_problems("One side says 2024.\n\nThe other says 2025.", LINE) == [
        "must be one line: a line break at character 20 would end the sentence on the page; write it on one line"
    ]
    for block, meaning in [
        ("#hashtag", "a heading (#)"),
        ("!!! danger", "an admonition or block (!!!, ???, ///)"),
        ("    code", "an indented code block (four spaces)"),
        ("```", "a code fence"),
        ("---", "a rule or a heading underline (---)"),
        ("< div", "an HTML block (<)"),
    ]:
        problems = textpolicy.text_problems(f"First paragraph.\n\n{block}", PARAGRAPHS)
        assert problems[-1] == (
            f"line 3 of the text starts with Markdown that would make {meaning}; start the line with a word"
        )


def test_ids_and_dates_are_checked_for_characters_only():
    assert textpolicy.text_problems("2025-11-03", TOKEN) == []
    assert textpolicy.text_problems("# not markup here", TOKEN) == []
    assert textpolicy.text_problems("linkedin\n", TOKEN) == [
        "ends with a line break; remove it (in YAML, fold a long text with >-, not > or |)"
    ]


# --------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------

BAD_URLS = {
    "http": ("http://example.com/a", "must be an https:// address"),
    "javascript": ("javascript:alert(1)", "must be an https:// address"),
    "credentials": ("https://user:pw@example.com/", "must not contain a user name or password"),
    "empty-credentials": ("https://@example.com/", "must not contain a user name or password"),
    "port-too-large": ("https://example.com:99999/", "has an invalid port in 'example.com:99999'"),
    "port-zero": ("https://example.com:0/", "has an invalid port in 'example.com:0'"),
    "port-not-a-number": ("https://example.com:https/", "has an invalid port in 'example.com:https'"),
    "localhost": ("https://localhost/admin", "host name 'localhost' is a single name"),
    "localhost-subdomain": ("https://app.localhost/", "host name 'app.localhost' is not a public name"),
    "single-label": ("https://intranet/page", "host name 'intranet' is a single name"),
    "mdns": ("https://printer.local/", "host name 'printer.local' is not a public name"),
    "internal": ("https://wiki.corp.internal/", "host name 'wiki.corp.internal' is not a public name"),
    "trailing-dot": ("https://example.com./", "host name 'example.com.' ends with a dot"),
    "loopback": ("https://127.0.0.1/", "points to a non-public address (127.0.0.1)"),
    "loopback-short": ("https://127.1/", "points to a non-public address (127.0.0.1)"),
    "loopback-hex": ("https://0x7f.0.0.1/", "points to a non-public address (127.0.0.1)"),
    "loopback-number": ("https://2130706433/", "points to a non-public address (127.0.0.1)"),
    "loopback-octal": ("https://0177.0.0.1/", "points to a non-public address (127.0.0.1)"),
    "private-10": ("https://10.1.2.3/", "points to a non-public address (10.1.2.3)"),
    "private-192": ("https://192.168.0.1/", "points to a non-public address (192.168.0.1)"),
    "private-172": ("https://172.16.5.4/", "points to a non-public address (172.16.5.4)"),
    "link-local-metadata": ("https://169.254.169.254/latest/meta-data", "points to a non-public address (169.254.169.254)"),
    "unspecified": ("https://0.0.0.0/", "points to a non-public address (0.0.0.0)"),
    "ipv6-loopback": ("https://[::1]/", "points to a non-public address (::1)"),
    "ipv6-link-local": ("https://[fe80::1]/", "points to a non-public address (fe80::1)"),
    "ipv6-unique-local": ("https://[fd00::1]/", "points to a non-public address (fd00::1)"),
    "ipv4-mapped-loopback": ("https://[::ffff:127.0.0.1]/", "points to a non-public address"),
    "bad-ipv4": ("https://1.2.3.999/", "has an invalid host name '1.2.3.999'"),
    "public-ip-odd-form": ("https://134744072/", "writes the address 8.8.8.8 in an unusual form"),
    "space": ("https://example.com/a b", "contains a space at character 22"),
    "double-quote": ('https://example.com/a"onmouseover=alert(1)', "contains '\"' at character 22"),
    "single-quote": ("https://example.com/a'b", "contains \"'\" at character 22"),
    "less-than": ("https://example.com/<script>", "contains '<' at character 21"),
    "greater-than": ("https://example.com/a>b", "contains '>' at character 22"),
    "backslash": ("https://example.com\\@evil.example/", "contains '\\\\' at character 20"),
    "backtick": ("https://example.com/`x`", "contains '`' at character 21"),
    "brace": ("https://example.com/{x}", "contains '{' at character 21"),
    "pipe": ("https://example.com/a|b", "contains '|' at character 22"),
    "bracket-in-path": ("https://example.com/[x]", "contains '[' at character 21"),
    "broken-percent": ("https://example.com/100%", "has a % at character 24 not followed by two hex digits"),
    "control": ("https://example.com/\x1b", "control character U+001B (ESCAPE)"),
    "newline": ("https://example.com/\nx", "must be one line"),
    "bidi": ("https://example.com/\u202egpj.exe", "bidirectional control U+202E"),
    "zero-width": ("https://exa\u200bmple.com/", "invisible character U+200B"),
    "no-host": ("https:///path", "has no host name"),
    "underscore-host": ("https://ex_ample.com/", "host name 'ex_ample.com' has an invalid part 'ex_ample'"),
    "hyphen-label": ("https://-example.com/", "host name '-example.com' has an invalid part '-example'"),
    "bad-punycode": ("https://xn--zz.com/", "host name 'xn--zz.com' has an invalid"),
}


@pytest.mark.parametrize(("url", "expected"), BAD_URLS.values(), ids=BAD_URLS.keys())
def test_bad_addresses_are_errors(url, expected):
    errors, warnings = textpolicy.url_problems(url)
    assert len(errors) == 1 and errors[0].startswith(expected), errors
    assert warnings == []


WARNED_URLS = {
    "punycode": ("https://xn--pple-43d.com/", ["written in punycode (xn--pple-43d reads \u0430pple)", "mixes Cyrillic and Latin"]),
    "punycode-single-script": ("https://xn--mnchen-3ya.de/", ["written in punycode (xn--mnchen-3ya reads münchen)"]),
    "cyrillic-a-in-latin": ("https://\u0430pple.com/", ["mixes Cyrillic and Latin letters in '\u0430pple'"]),
    "greek-omicron-in-latin": ("https://g\u03bf\u03bfgle.com/", ["mixes Greek and Latin letters"]),
    "cyrillic-in-subdomain": ("https://www.linked\u0456n.com/", ["mixes Cyrillic and Latin letters in 'linked\u0456n'"]),
}


@pytest.mark.parametrize(("url", "expected"), WARNED_URLS.values(), ids=WARNED_URLS.keys())
def test_lookalike_addresses_are_warnings(url, expected):
    errors, warnings = textpolicy.url_problems(url)
    assert errors == []
    assert len(warnings) == len(expected)
    for warning, fragment in zip(warnings, expected, strict=True):
        assert fragment in warning


GOOD_URLS = {
    "plain": "https://www.linkedin.com/help/linkedin/answer/a6278444",
    "query-and-fragment": "https://example.com/a?b=1&c=2#d",
    "reference-like-query": "https://example.com/x?a=1&lt=2",
    "parentheses": "https://en.wikipedia.org/wiki/Meta_(company)",
    "percent-encoded": "https://github.com/OpenTermsArchive/contrib-versions/blob/abc/X/Terms%20of%20Service.md",
    "port": "https://example.com:8443/a",
    "unicode-host": "https://münchen.de/",
    "japanese-host": "https://例え.jp/",
    "unicode-path": "https://de.wikipedia.org/wiki/Köln",
    "public-ipv4": "https://8.8.8.8/",
    "public-ipv6": "https://[2001:4860:4860::8888]/",
}


@pytest.mark.parametrize("url", GOOD_URLS.values(), ids=GOOD_URLS.keys())
def test_ordinary_addresses_pass(url):
    assert textpolicy.url_problems(url) == ([], [])


# --------------------------------------------------------------------------------------------
# Translations
# --------------------------------------------------------------------------------------------

# id -> (msgid, msgstr, python-format, expected messages)
PLACEHOLDERS = {
    "unknown-name": ("since %(date)s", "seit %(datum)s", True, ["unknown placeholder %(datum)s: the English text has no such placeholder", "the placeholder %(date)s is missing"]),
    "missing": ("Policy confirmed on %(date)s", "Richtlinie bestätigt", True, ["the placeholder %(date)s is missing"]),
    "other-conversion": ("since %(date)s", "seit %(date)d", True, ["the placeholder %(date)d must be written %(date)s, as in English"]),
    "stray-percent": ("Done", "100% fertig", True, ["'% f' at character 4 is not a placeholder of the English text: write %% for a percent sign"]),
    "stray-percent-at-end": ("Done", "100%", True, ["'%' at character 4 is not a placeholder of the English text: write %% for a percent sign"]),
    "percent-space-letter": ("about %(minutes)s min", "environ %(minutes)s min, 50 % des cas", True, ["'% d' at character 29 is not a placeholder of the English text: write %% for a percent sign"]),
    "unnamed": ("about %(minutes)s min", "etwa %s min", True, ["'%s' at character 6 is not a placeholder of the English text: write %% for a percent sign", "the placeholder %(minutes)s is missing"]),
    "broken-name": ("Open it on %(platform)s", "Auf %(platform öffnen", True, ["'%(' at character 5 is not a placeholder of the English text: write %% for a percent sign", "the placeholder %(platform)s is missing"]),
    "unknown-brace": ("Open it", "Öffnen {name}", False, ["unknown placeholder {name}: the English text has no such placeholder"]),
    "missing-brace": ("Hello {name}", "Hallo", False, ["the placeholder {name} is missing"]),
}


@pytest.mark.parametrize(("msgid", "msgstr", "python_format", "expected"), PLACEHOLDERS.values(), ids=PLACEHOLDERS.keys())
def test_broken_placeholders(msgid, msgstr, python_format, expected):
    assert textpolicy.placeholder_problems(msgid, msgstr, python_format=python_format) == expected


def test_kept_placeholders_and_plain_percent_signs_pass():
    assert textpolicy.placeholder_problems("since %(date)s", "seit dem %(date)s", python_format=True) == []
    assert textpolicy.placeholder_problems("Done", "100 %% fertig", python_format=True) == []
    assert textpolicy.placeholder_problems(
        "%(platform)s: %(date)s", "%(date)s — %(platform)s", python_format=True
    ) == []
    # data strings are not formatted: a percent sign is only a percent sign
    assert textpolicy.placeholder_problems("About half.", "Environ 50 % des cas.", python_format=False) == []


# id -> (msgid, msgstr, the start of the only message)
HOSTILE_TRANSLATIONS = {
    "new-link": ("Tap **Settings**.", "Tippe auf **Settings** ([hier](https://evil.example)).", "a link or image the English text does not have"),
    "new-image": ("Open it", "![x](https://evil.example/x.png)", "a link or image the English text does not have"),
    "img-onerror": ("Open it", "Öffnen <img src=x onerror=alert(1)>", "raw HTML is not allowed in text (<img…)"),
    "entity": ("Open it", "&lt;b&gt;Öffnen", "HTML character references such as &lt; are not allowed"),
    "new-bold": ("Open it", "**Öffnen**", "**bold** the English text does not have"),
    "new-code": ("Open it", "`Öffnen`", "a code span (`) the English text does not have"),
    "new-line-break": ("Open it", "Öffnen\n!!! danger", "must be one line: a line break at character 7"),
    "new-admonition": ("Open it", '!!! danger "Öffnen"', "starts with Markdown that would make an admonition"),
    "attribute-list": ("Open it", "Öffnen {: onclick=alert(1) }", "Markdown attribute lists"),
    "bidi": ("Open it", "Öff\u202enen", "bidirectional control U+202E"),
    "escape": ("Open it", "Öffnen\x1b", "control character U+001B (ESCAPE)"),
}


@pytest.mark.parametrize(("msgid", "msgstr", "expected"), HOSTILE_TRANSLATIONS.values(), ids=HOSTILE_TRANSLATIONS.keys())
def test_translation_uses_no_markup_beyond_its_english(msgid, msgstr, expected):
    problems = textpolicy.translation_problems(msgid, msgstr)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_translation_may_use_the_markup_of_its_english():
    assert textpolicy.translation_problems("Tap **Settings**.", "Tippe auf **Settings** (Einstellungen).") == []
    assert textpolicy.translation_problems("Line one\nline two", "Zeile eins\nZeile zwei") == []
    assert textpolicy.translation_problems("Type `x`.", "Tippe `x`.") == []


# --------------------------------------------------------------------------------------------
# Catalog files
# --------------------------------------------------------------------------------------------

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'

# id -> (catalog text after the header, (line, column, message) of the only problem)
MALFORMED_CATALOGS = {
    "garbage-line": ('msgid "a"\nmsgstr "b"\ngarbage here\n', (7, 1, "not a line of a gettext catalog: 'garbage here'")),
    "unclosed-string": ('msgid "a"\nmsgstr "b\n', (6, 8, 'the quote " opened here is not closed on its line')),
    "text-after-quote": ('msgid "a"\nmsgstr "b" junk\n', (6, 11, "text after the closing quote: 'junk'")),
    "unknown-escape": ('msgid "a"\nmsgstr "b\\q"\n', (6, 10, "unknown escape \\q: write \\\\ for a backslash")),
    "octal-escape": ('msgid "a"\nmsgstr "\\033[31m"\n', (6, 9, "unknown escape \\0: write \\\\ for a backslash")),
    "missing-msgstr": ('msgid "a"\n\nmsgid "c"\nmsgstr "d"\n', (5, 1, "msgid without msgstr")),
    "msgstr-first": ('msgstr "b"\nmsgid "a"\nmsgstr "c"\n', (5, 1, "msgstr without a msgid before it")),
    "duplicate": ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', (8, 1, "the same message (msgctxt and msgid) is already on line 5")),
    "duplicate-with-context": ('msgctxt "x|summary"\nmsgid "a"\nmsgstr "b"\n\nmsgctxt "x|summary"\nmsgid "a"\nmsgstr "c"\n', (10, 1, "the same message (msgctxt and msgid) is already on line 6")),
    "second-msgstr": ('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', (7, 1, "a second msgstr for the same msgid")),
    "lonely-string": ('"stray"\nmsgid "a"\nmsgstr "b"\n', (5, 1, "a string with no msgid, msgstr or msgctxt before it")),
    "comment-inside": ('msgid "a"\n# note\nmsgstr "b"\n', (6, 1, "a comment inside a message")),
    "context-alone": ('msgctxt "x"\n\nmsgid "a"\nmsgstr "b"\n', (5, 1, "msgctxt without msgid and msgstr")),
    "plural-without-plural": ('msgid "a"\nmsgstr[0] "b"\n', (6, 1, "msgstr[0] without msgid_plural")),
    "plural-out-of-order": ('msgid "a"\nmsgid_plural "as"\nmsgstr[1] "b"\n', (7, 1, "msgstr[1] out of order")),
    "unquoted": ("msgid a\nmsgstr \"b\"\n", (5, 7, "expected text in double quotes")),
    "unknown-keyword": ('msgid "a"\nmsgstr "b"\nmsgtxt "c"\n', (7, 1, "not a line of a gettext catalog: 'msgtxt \"c\"'")),
}


@pytest.mark.parametrize(("body", "expected"), MALFORMED_CATALOGS.values(), ids=MALFORMED_CATALOGS.keys())
def test_malformed_catalogs_are_errors_at_their_line(tmp_path: Path, body, expected):
    path = tmp_path / "ui.po"
    path.write_text(HEADER + body, encoding="utf-8")
    _entries, problems = translation.parse_catalog(path)
    assert [(p.line, p.column, p.message[: len(expected[2])]) for p in problems] == [expected]


def test_invalid_utf8_in_a_catalog_is_an_error_at_its_line(tmp_path: Path):
    path = tmp_path / "ui.po"
    path.write_bytes(HEADER.encode() + b'msgid "a"\nmsgstr "caf\xe9"\n')
    assert [str(p).split("ui.po:", 1)[1] for p in translation.parse_catalog(path)[1]] == [
        "6:12: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_strict_reading_agrees_with_babel_on_every_catalog_of_the_project():
    """The strict reader decides whether a catalog is valid; Babel then reads it for the build.
    On every real catalog both must read the same messages, or a check could pass text the
    build does not use."""
    files = sorted((ROOT / "locales").rglob("*.po")) + sorted((ROOT / "locales").glob("*.pot"))
    assert len(files) >= 20
    for path in files:
        entries, problems = translation.parse_catalog(path)
        assert problems == [], path
        mine = {(e.context, e.msgid): e.msgstr[0] if len(e.msgstr) == 1 else tuple(e.msgstr) for e in entries}
        babel = {(m.context, m.id): m.string for m in translation.read_catalog(path) if m.id}
        del mine[(None, "")]  # the header, which Babel keeps apart
        assert mine == babel, path
