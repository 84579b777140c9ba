"""The text policy: what a string a contributor writes may contain, wherever they write it.

Every string of a platform file, of ``regions.yml`` and ``categories.yml``, and every translation
(msgstr) of ``ui.po`` and ``data.po`` reaches a page as plain text with a little Markdown
(``**label**``). The templates escape what they print, but a value that only escaping keeps
harmless is a value no reviewer can read safely in a diff either, so text that could act as
markup is refused where it is written, one line per problem, before any build:

- raw HTML: ``<`` followed by a letter, ``/``, ``!`` or ``?`` (a tag, a comment, an autolink).
  A lone ``<`` as in "a < b", ``>``, ``&`` and quotes stay allowed;
- HTML character references (``&lt;``, ``&#60;``, ``&copy``): text is written with the
  character itself, so a reference can only be there to hide markup from a reviewer;
- Markdown that creates structure: links and images, attribute lists (``{: onclick=…}``), and
  at the start of any line, block syntax (headings, admonitions, tabs, code blocks, fences,
  rules, quotes, lists, definitions). A one-line field may not contain a line break at all;
- characters that do not show: control characters (C0 but for a line break where one is
  allowed, DEL, C1), bidirectional controls (they make text read differently from the way it
  displays), and invisible format characters (zero-width spaces, word joiners, tag characters).
  Zero-width joiners and non-joiners are allowed only between two non-ASCII characters: Indic
  and Arabic scripts and emoji sequences need them there, while between Latin letters they can
  only hide a word from search and from a reviewer;
- addresses (:func:`url_problems`): ``https`` with a public host name, checked structurally.

Translations are held to the same rules, except that a msgstr may use the markup its msgid
uses (:func:`translation_problems`), and placeholders must match (:func:`placeholder_problems`).

Each function returns messages (no file or line): the callers know where the text came from.
"""

from __future__ import annotations

import html.entities
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

# Kinds of strings, decided per field from the JSON Schema (see optout_atlas.validate).
LINE = "line"  # free text on one line: names, titles, labels, steps, summaries
PARAGRAPHS = "paragraphs"  # free text that may hold paragraphs (separated by a blank line)
TOKEN = "token"  # ids, codes, choices and dates: the schema checks their form
URL = "url"

# --------------------------------------------------------------------------------------------
# Characters
# --------------------------------------------------------------------------------------------

_CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x09: "TAB",
    0x0A: "LINE FEED",
    0x0B: "VERTICAL TAB",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner, zero-width joiner


def _describe(char: str) -> str:
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def character_problems(text: str, *, newlines: bool = False) -> list[str]:
    """Characters that do not belong in text: one message per kind, at its first place.
    ``newlines``: whether line breaks are allowed (in fields that hold paragraphs)."""
    if text.isprintable():  # the common case, decided in C: no control, format or separator
        return []
    found: dict[str, str] = {}
    for index, char in enumerate(text):
        if char.isprintable():
            continue
        code = ord(char)
        where = f"at character {index + 1}"
        category = unicodedata.category(char)
        if char == "\n":
            if not newlines and index == len(text) - 1:
                found.setdefault(
                    "newline",
                    "ends with a line break; remove it (in YAML, fold a long text with >-, not > or |)",
                )
            elif not newlines:
                found.setdefault(
                    "newline",
                    f"must be one line: a line break {where} would end the sentence on the page;"
                    " write it on one line",
                )
        elif char == "\t":
            found.setdefault("tab", f"a tab character {where}: use a space")
        elif category == "Cc":
            found.setdefault("control", f"control character {_describe(char)} {where} is not allowed")
        elif category in ("Zl", "Zp"):
            found.setdefault("separator", f"line separator {_describe(char)} {where} is not allowed")
        elif char in _BIDI:
            found.setdefault(
                "bidi",
                f"bidirectional control {_describe(char)} {where} is not allowed: it makes text read"
                " differently from the way it displays",
            )
        elif char in _JOINERS:
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if before.isascii() or after.isascii() or before.isspace() or after.isspace():
                found.setdefault(
                    "invisible",
                    f"invisible character {_describe(char)} {where} is not allowed here: it only joins"
                    " letters of scripts that need it",
                )
        elif category == "Cf":
            found.setdefault(
                "invisible", f"invisible character {_describe(char)} {where} is not allowed: remove it"
            )
        elif category in ("Cs", "Co") or _noncharacter(code):
            found.setdefault("unusable", f"character {_describe(char)} {where} is not allowed")
        # Everything else that is not "printable" is a space (Zs, such as a no-break space) or a
        # character newer than this Python's Unicode tables (Cn): both may stay.
    return list(found.values())


# --------------------------------------------------------------------------------------------
# Markup
# --------------------------------------------------------------------------------------------

# A **label**, the one Markdown the data's text may use: a platform's on-screen name, kept in
# English and in bold by every translation. Group 1 is the label.
BOLD = re.compile(r"\*\*(.+?)\*\*")
_HTML = re.compile(r"<[A-Za-z/!?][^>\s]*")
_NUMERIC_REFERENCE = re.compile(r"&#(?:[0-9]+|[xX][0-9A-Fa-f]+);?")
_NAMED_REFERENCE = re.compile(r"&([A-Za-z][A-Za-z0-9]*)(;?)")
# Named references that HTML decodes even without their semicolon (&copy2024, &ltscript).
_LEGACY_NAMES = tuple(sorted((n for n in html.entities.html5 if not n.endswith(";")), key=len, reverse=True))
_LINK = re.compile(r"(?:!\[|\]\s*[(\[]|\[\^)[^)\]\s]*")
_SCRIPT_URL = re.compile(r"(?i)\b(?:javascript|vbscript):|\bdata:[a-z-]+/[a-z]")
_ATTRIBUTE_LIST = re.compile(r"\{\s*:|\{\s*[#.][A-Za-z]|\{[^{}\n]*[A-Za-z_][-\w:.]*\s*=[^{}\n]*\}")
_BOLD_START = re.compile(r"\*\*(?=\S)")  # where Markdown may start bold text, closed or not
_CODE = re.compile(r"`")
# Text that can hold no markup: a letter first, one line, none of the characters markup needs.
_PLAIN = re.compile(r"[^\W\d_][^<&\[\]!{}`*:\n]*\Z")

# Markdown block syntax at the start of a line (after up to three spaces, which Markdown
# ignores), and what it would make of the line. Python-Markdown needs no space after #.
_HTML_BLOCK = "an HTML block (<)"
_HEADING = "a heading (#)"
# On one line, only "# " and "##" start a heading the way a contributor would mean one: a name
# such as "#1 Social" stays allowed there (a line of a paragraph it would still turn into one).
_LINE_HEADING = re.compile(r" {0,3}#(?:[ \t#]|$)")
_BLOCKS = (
    (re.compile(r"(?: {4}|\t)"), "an indented code block (four spaces)"),
    (re.compile(r" {0,3}#"), _HEADING),
    (re.compile(r" {0,3}(?:!!!|\?\?\?|///)"), "an admonition or block (!!!, ???, ///)"),
    (re.compile(r" {0,3}==="), 'a tab (=== "…") or a heading underline'),
    (re.compile(r" {0,3}(?:```|~~~)"), "a code fence"),
    (re.compile(r" {0,3}(?:[-*_] *){3,}$"), "a rule or a heading underline (---)"),
    (re.compile(r" {0,3}>"), "a quotation (>)"),
    (re.compile(r" {0,3}<"), _HTML_BLOCK),
    (re.compile(r" {0,3}(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)"), "a list item (-, *, +, 1.)"),
    (re.compile(r" {0,3}\*\["), "an abbreviation (*[…]:)"),
    (re.compile(r" {0,3}\[[^\]\n]*\]:"), "a link or footnote definition ([…]:)"),
    (re.compile(r" {0,3}:[ \t]"), "a definition (:)"),
    (re.compile(r" {0,3}\{:"), "an attribute list ({:)"),
)


def _references(text: str) -> list[str]:
    """The HTML character references in ``text``, as written, in order."""
    found = [(m.start(), m.group(0)) for m in _NUMERIC_REFERENCE.finditer(text)]
    for match in _NAMED_REFERENCE.finditer(text):
        name, semicolon = match.groups()
        if semicolon:
            found.append((match.start(), match.group(0)))
        elif legacy := next((n for n in _LEGACY_NAMES if name.startswith(n)), None):
            found.append((match.start(), f"&{legacy}"))
    return [written for _start, written in sorted(found)]


def _block_syntax(text: str) -> list[tuple[int, str]]:
    """(line number in the text, what Markdown would make of it) for each line that starts with
    block syntax."""
    found = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        for pattern, meaning in _BLOCKS:
            if pattern.match(line):
                if meaning != _HEADING or len(lines) > 1 or _LINE_HEADING.match(line):
                    found.append((number, meaning))
                break
    return found


@dataclass(frozen=True)
class _Markup:
    """The markup a text uses, by kind, each use as written, in order."""

    html: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    attribute_lists: tuple[str, ...] = ()
    blocks: tuple[tuple[int, str], ...] = ()
    bold: bool = False
    code: bool = False


def _markup(text: str, *, lines: bool = True) -> _Markup:
    """The markup of ``text``; ``lines``: whether to look at the start of every line for block
    syntax, or of the first only (a line break in one-line text is an error of its own)."""
    if _PLAIN.match(text):
        return _Markup()
    return _Markup(
        html=tuple(_HTML.findall(text)),
        references=tuple(_references(text)) if "&" in text else (),
        links=tuple(_LINK.findall(text)) + tuple(m.group(0) for m in _SCRIPT_URL.finditer(text)),
        attribute_lists=tuple(m.group(0) for m in _ATTRIBUTE_LIST.finditer(text)),
        blocks=tuple(_block_syntax(text if lines else text.split("\n", 1)[0])),
        bold=bool(_BOLD_START.search(text)),
        code=bool(_CODE.search(text)),
    )


def _new(used: tuple[str, ...], allowed: tuple[str, ...]) -> list[str]:
    return [item for item in used if item not in allowed]


def _markup_messages(used: _Markup, allowed: _Markup | None = None, *, multiline: bool = False) -> list[str]:
    """Messages for markup ``used`` beyond ``allowed``: the markup of the English text that a
    translation translates, or None for text written in English (where ``**bold**`` and code
    spans are free, and nothing else is)."""
    base = allowed or _Markup()
    messages = []
    if tags := _new(used.html, base.html):
        messages.append(
            f"raw HTML is not allowed in text ({tags[0]}…); write plain text (a < followed by a space"
            " is fine)"
        )
    if references := _new(used.references, base.references):
        messages.append(
            f"HTML character references such as {references[0]} are not allowed; write the character itself"
        )
    if _new(used.links, base.links):
        messages.append(
            "links and images are not allowed in text; put addresses in a url field"
            if allowed is None
            else "a link or image the English text does not have: keep to the English text's links"
        )
    if _new(used.attribute_lists, base.attribute_lists):
        messages.append("Markdown attribute lists ({: …}, { #id }, {key=value}) are not allowed in text")
    allowed_blocks = {meaning for _number, meaning in base.blocks}
    if used.html:
        allowed_blocks.add(_HTML_BLOCK)  # said above
    if blocks := [(n, m) for n, m in used.blocks if m not in allowed_blocks]:
        number, meaning = blocks[0]
        where = f"line {number} of the text " if multiline else ""
        messages.append(f"{where}starts with Markdown that would make {meaning}; start the line with a word")
    if allowed is not None:
        if used.bold and not base.bold:
            messages.append("**bold** the English text does not have: keep to the English text's Markdown")
        if used.code and not base.code:
            messages.append("a code span (`) the English text does not have: keep to its Markdown")
    return messages


def text_problems(text: str, kind: str = LINE) -> list[str]:
    """What is wrong with ``text`` as a value of a field of ``kind`` (see the constants above)."""
    if kind == URL:
        errors, _warnings = url_problems(text)
        return errors
    problems = character_problems(text, newlines=kind == PARAGRAPHS)
    if kind != TOKEN:
        problems += _markup_messages(_markup(text, lines=kind == PARAGRAPHS), multiline=kind == PARAGRAPHS)
    return problems


# --------------------------------------------------------------------------------------------
# Translations
# --------------------------------------------------------------------------------------------

# A Python %-format conversion: %(name)s, %s, %5.2f, %% and the like.
_FORMAT = re.compile(
    r"%(?:\((?P<name>[^()]*)\))?[#0 +-]*(?:\*|[0-9]+)?(?:\.(?:\*|[0-9]+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
_BRACE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _conversions(text: str) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """The named %-conversions of ``text`` (name -> as written, ``date`` -> ``%(date)s``), and
    each percent sign that starts no named conversion and is not ``%%``, with its position and
    what follows it (``% d`` in "50 % des" is an unnamed conversion to Python: it fails too)."""
    named: dict[str, str] = {}
    stray: list[tuple[int, str]] = []
    position = 0
    while (index := text.find("%", position)) != -1:
        match = _FORMAT.match(text, index)
        if match is None:
            stray.append((index, text[index : index + 2]))
            position = index + 1
        elif match.group("name") is not None:
            named.setdefault(match.group("name"), match.group(0))
            position = match.end()
        else:
            if match.group(0) != "%%":
                stray.append((index, match.group(0)))
            position = match.end()
    return named, stray


def placeholder_problems(msgid: str, msgstr: str, *, python_format: bool) -> list[str]:
    """Placeholders of the translation against those of the English text: each one kept and
    written the same way, none added, and (in strings formatted with ``%``) no other ``%``,
    which would stop the build with an error in the middle of a page."""
    problems = []
    if python_format:
        expected, _ = _conversions(msgid)
        found, stray = _conversions(msgstr)
        if stray:
            index, written = stray[0]
            problems.append(
                f"{written!r} at character {index + 1} is not a placeholder of the English text:"
                " write %% for a percent sign"
            )
        for name in sorted(found.keys() - expected.keys()):
            problems.append(f"unknown placeholder {found[name]}: the English text has no such placeholder")
        for name in sorted(found.keys() & expected.keys()):
            if found[name] != expected[name]:
                problems.append(
                    f"the placeholder {found[name]} must be written {expected[name]}, as in English"
                )
        for name in sorted(expected.keys() - found.keys()):
            problems.append(f"the placeholder {expected[name]} is missing")
    expected_braces, found_braces = set(_BRACE.findall(msgid)), set(_BRACE.findall(msgstr))
    for name in sorted(found_braces - expected_braces):
        problems.append(f"unknown placeholder {{{name}}}: the English text has no such placeholder")
    for name in sorted(expected_braces - found_braces):
        problems.append(f"the placeholder {{{name}}} is missing")
    return problems


def translation_problems(msgid: str, msgstr: str) -> list[str]:
    """The text policy for a translation: the characters of any text (line breaks only where the
    English has them), and no markup beyond the English text's own (no new links or images)."""
    problems = character_problems(msgstr, newlines="\n" in msgid)
    lines = "\n" in msgid
    problems += _markup_messages(_markup(msgstr, lines=lines), _markup(msgid), multiline=lines)
    return problems


# --------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------

_URL_CHARACTER = re.compile(r"[\s\"'<>\\^`{|}\[\]]")
_BROKEN_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# Names that never reach a public site: RFC 6761 and 8375 special-use names, mDNS, and the
# top-level domain ICANN reserved for private networks.
_PRIVATE_SUFFIXES = ("localhost", "local", "internal", "localdomain", "home.arpa", "test", "invalid", "lan")
# Scripts that mix within one label without being a lookalike (UTS #39, "highly restrictive").
_COMPATIBLE_SCRIPTS = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)


_SCRIPT_ALIASES = {"FULLWIDTH": "LATIN", "KATAKANA-HIRAGANA": "KATAKANA", "IDEOGRAPHIC": "CJK"}


def _whatwg_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a browser reads ``host`` as (``127.1``, ``0x7f.0.0.1``, ``2130706433``
    are all 127.0.0.1), or None when it is not one. Raises ValueError for a host a browser
    rejects (numeric last label, but not a valid address)."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    if not (re.fullmatch(r"[0-9]+", last) or re.fullmatch(r"0[xX][0-9A-Fa-f]*", last)):
        return None
    numbers = []
    for part in parts:
        if re.fullmatch(r"0[xX][0-9A-Fa-f]*", part):
            numbers.append(int(part[2:] or "0", 16))
        elif re.fullmatch(r"0[0-7]+", part):
            numbers.append(int(part, 8))
        elif re.fullmatch(r"[0-9]+", part):
            numbers.append(int(part))
        else:
            raise ValueError(host)
    if len(numbers) > 4 or any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValueError(host)
    value = numbers[-1]
    for position, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - position))
    return ipaddress.IPv4Address(value)


def _scripts(label: str) -> frozenset[str]:
    """The scripts of the letters of ``label`` (by Unicode character name: LATIN, CYRILLIC…)."""
    scripts = set()
    for char in label:
        if char.isalpha():
            name = unicodedata.name(char, "")
            script = name.split(" ")[0] if name else "UNKNOWN"
            scripts.add(_SCRIPT_ALIASES.get(script, script))
    return frozenset(scripts)


def _mixed(label: str) -> frozenset[str] | None:
    scripts = _scripts(label)
    if len(scripts) < 2 or any(scripts <= allowed for allowed in _COMPATIBLE_SCRIPTS):
        return None
    return scripts


def url_problems(url: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) about an address. Errors: anything but an https address of a public
    host, written with the characters an address may contain. Warnings: a host name in punycode
    or mixing scripts within a label, the marks of a lookalike of a well-known name."""
    errors = character_problems(url)
    if errors:
        return errors, []
    if not url.startswith("https://"):
        return ["must be an https:// address"], []
    # Square brackets belong around an IPv6 address, and nowhere else.
    ipv6 = re.match(r"https://\[[0-9A-Fa-f:.]*\]", url)
    bad = _URL_CHARACTER.search(url, ipv6.end() if ipv6 else 0)
    if bad:
        shown = {" ": "a space", "\t": "a tab"}.get(bad.group(0), repr(bad.group(0)))
        return [
            f"contains {shown} at character {bad.start() + 1}, which an address may not contain"
            f" (percent-encode it as %{ord(bad.group(0)):02X})"
        ], []
    broken = _BROKEN_PERCENT.search(url)
    if broken:
        index = broken.start()
        return [f"has a % at character {index + 1} not followed by two hex digits (write %25 for a %)"], []
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return [f"is not a valid address: {error}"], []
    if "@" in parts.netloc:
        return ["must not contain a user name or password (an @ before the host name)"], []
    try:
        port = parts.port
    except ValueError:
        return [f"has an invalid port in {parts.netloc!r} (a number from 1 to 65535)"], []
    if port == 0:
        return [f"has an invalid port in {parts.netloc!r} (a number from 1 to 65535)"], []
    host = parts.hostname or ""
    if not host:
        return ["has no host name"], []
    if parts.netloc.startswith("["):
        try:
            address = ipaddress.IPv6Address(host)
        except ValueError:
            return [f"has an invalid IPv6 address {host!r}"], []
        return ([] if address.is_global else [f"points to a non-public address ({address})"]), []
    try:
        ipv4 = _whatwg_ipv4(host)
    except ValueError:
        return [f"has an invalid host name {host!r}"], []
    if ipv4 is not None:
        if not ipv4.is_global:
            return [f"points to a non-public address ({ipv4})"], []
        if str(ipv4) != host:
            return [f"writes the address {ipv4} in an unusual form ({host}); write {ipv4}"], []
        return [], []
    if host.endswith("."):
        return [f"host name {host!r} ends with a dot; remove it"], []
    labels = host.split(".")
    if len(labels) < 2:
        return [f"host name {host!r} is a single name; use the public host name (example.org)"], []
    if any(host == s or host.endswith("." + s) for s in _PRIVATE_SUFFIXES):
        return [f"host name {host!r} is not a public name"], []
    warnings = []
    for label in labels:
        ascii_label = label
        if not label.isascii():
            try:
                ascii_label = label.encode("idna").decode("ascii")
            except UnicodeError:
                return [f"host name {host!r} is not a valid international name"], []
        if not _LABEL.fullmatch(ascii_label) or len(ascii_label) > 63:
            return [f"host name {host!r} has an invalid part {label!r}"], []
        unicode_label = label
        if label.startswith("xn--"):
            try:
                unicode_label = ascii_label.encode("ascii").decode("idna")
            except UnicodeError:
                return [f"host name {host!r} has an invalid punycode part {label!r}"], []
            warnings.append(
                f"host name {host!r} is written in punycode ({label} reads {unicode_label}):"
                " check it is the site's real address and not a lookalike"
            )
        scripts = _mixed(unicode_label)
        if scripts:
            warnings.append(
                f"host name {host!r} mixes {' and '.join(s.title() for s in sorted(scripts))} letters in"
                f" {unicode_label!r}: a lookalike of another address?"
            )
    if len(host) > 253:
        return [f"host name {host!r} is too long"], []
    return [], warnings
