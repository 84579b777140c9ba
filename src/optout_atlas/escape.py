"""One escaping path per output context, for every value that comes from the data or the catalogs.

Contributors write the platform files, ``regions.yml``, ``categories.yml`` and the catalogs; their
text must reach readers as text, whatever characters it holds. Validation rejects markup and
control characters first, but the output does not rely on it: each context escapes on its own.

- :func:`markdown` — text inside the Markdown of a page (also inside the raw HTML blocks of that
  Markdown and their double-quoted attributes). Every character that Markdown, the site's Markdown
  extensions or HTML read as syntax becomes a numeric character reference, which Markdown passes
  through untouched and every browser shows as the character itself. Backslash escapes would not
  do: they are Markdown only, and show as backslashes inside raw HTML. ``**bold**``, the one piece
  of Markdown the data may use, stays bold.
- :func:`attribute` — an HTML attribute value (``data-label``, ``aria-label``, ``title``).
- :func:`url` — an address in a link: a parsed ``https`` URL, percent-encoded so that no character
  can end the Markdown link, the autolink or the attribute it sits in; anything else becomes an
  address that goes nowhere.
- :func:`html_text` — front matter titles and descriptions, which MkDocs and Material print into
  ``<title>``, ``<meta content>`` and the navigation as HTML.
- :func:`xml_text` — the Atom feed and the SVG badges: characters that XML 1.0 forbids removed.
- :func:`front_matter` — a value as one line of YAML (JSON syntax, which YAML reads).

:class:`Markdown` marks text that our own code produced or escaped: the page templates print it
as it is and escape everything else (see ``optout_atlas.render``).
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote, urlsplit

import markupsafe
from markupsafe import Markup

from optout_atlas.textpolicy import BOLD
from optout_atlas.translation import Untranslated


class Markdown(Markup):
    """Markdown that is safe to print as it is: escaped data, or markup written by the atlas.

    A subclass of ``Markup``, so that Jinja's autoescaping leaves it alone; its own operations
    (``+``, ``%``, ``join``, ``format``) escape their other operands as Markdown text rather
    than with HTML escaping alone, which would leave Markdown syntax active. Operands land
    inside a line: whoever puts the result at the start of one passes it through
    :func:`markdown_line`."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: object) -> Markdown:
        if isinstance(s, cls):
            return s
        if hasattr(s, "__html__"):  # markup made by a template (a macro's output)
            return cls(s.__html__())
        return markdown(s, line_start=False)


class Xml(Markup):
    """Text escaped for XML (the feed, the badges), with the characters XML forbids removed."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: object) -> Xml:
        if isinstance(s, cls):
            return s
        return cls(markupsafe.escape(xml_text(s)))


# ------------------------------------------------------------------------------------------
# Characters that no output should carry
# ------------------------------------------------------------------------------------------

# Line breaks of any kind: data text is one line wherever it is printed (a newline in Markdown
# can start a heading, a list, an admonition or a code block).
_LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# Other C0 and C1 controls and DEL (ESC, NUL, and Python-Markdown's own placeholder markers STX
# and ETX), bidirectional overrides and isolates (they reorder what a reader sees), lone
# surrogates (not encodable) and the two noncharacters XML forbids.
_DROPPED = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_BREAKS = re.compile(f"[{_LINE_BREAKS}]+")


def clean(text: str) -> str:
    """``text`` on one line (each run of line breaks becomes a space), without control or
    bidirectional-override characters."""
    if text.isprintable():  # the usual case: nothing to remove (tabs are not "printable")
        return text
    return _BREAKS.sub(" ", _DROPPED.sub("", text))


# ------------------------------------------------------------------------------------------
# Markdown text
# ------------------------------------------------------------------------------------------

# Characters that are syntax anywhere in a line: HTML, code spans, emphasis, links and images,
# footnotes, attribute lists, table cells, fences, escapes.
_ANYWHERE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\\": "&#92;",
        "`": "&#96;",
        "*": "&#42;",
        "_": "&#95;",
        "[": "&#91;",
        "]": "&#93;",
        "{": "&#123;",
        "}": "&#125;",
        "|": "&#124;",
        "~": "&#126;",
        "\t": " ",
    }
)
# Any character that _ANYWHERE or _SHORTCODE would replace.
_SPECIAL = re.compile(r"""[&<>"\\`*_\[\]{}|~\t]|:(?=[\w+-])""")
# A colon that could open an emoji shortcode (":material-alert:").
_SHORTCODE = re.compile(r":(?=[\w+-])")
# A start that Markdown reads as a block: indentation (code), a heading, a list item, a quote,
# a setext underline, an admonition (!!!), a details block (???), a tab (===), a definition.
_BLOCK_START = re.compile(r"^(?:([ #+\-=!?:])|(\d+)([.)]))")


def _escape_span(text: str) -> str:
    return _SHORTCODE.sub("&#58;", text.translate(_ANYWHERE))


def _escape_block_start(markdown_text: str) -> str:
    match = _BLOCK_START.match(markdown_text)
    if match is None:
        return markdown_text
    if match[1]:
        return f"&#{ord(match[1])};{markdown_text[1:]}"
    return f"{match[2]}&#{ord(match[3])};{markdown_text[match.end() :]}"


def markdown(value: object, *, line_start: bool = True) -> Markdown:
    """``value`` as literal text in Markdown, on one line. ``**label**`` stays bold (the only
    Markdown the data may use). English standing in for a missing translation is marked
    ``lang="en"``, so that screen readers switch voice and readers know why it is English.
    ``line_start``: the value may begin a line (in a template, any printed value may), so a
    start that Markdown would read as a block is escaped too."""
    if isinstance(value, Markdown):
        return value
    if isinstance(value, Untranslated):
        inner = markdown(str(value), line_start=False)
        return Markdown(f'<span lang="en" class="atlas-untranslated">{inner}</span>')
    text = clean(str(value))
    if _SPECIAL.search(text) is None:  # most values: words, dates, numbers
        return Markdown(
            text if not line_start or _BLOCK_START.match(text) is None else _escape_block_start(text)
        )
    parts = []
    position = 0
    for match in BOLD.finditer(text):
        parts.append(_escape_span(text[position : match.start()]))
        parts.append(f"**{_escape_span(match.group(1))}**")
        position = match.end()
    parts.append(_escape_span(text[position:]))
    escaped = "".join(parts)
    return Markdown(_escape_block_start(escaped) if line_start else escaped)


def markdown_paragraphs(value: object) -> Markdown:
    """``value`` as literal Markdown paragraphs: each run of text between blank lines (the one
    break a field that may hold paragraphs keeps) is escaped as :func:`markdown` escapes a line."""
    if isinstance(value, Markdown):
        return value
    paragraphs = _PARAGRAPH_BREAK.split(str(value).strip())
    if isinstance(value, Untranslated):
        return Markdown("\n\n".join(markdown(Untranslated(p)) for p in paragraphs if p.strip()))
    return Markdown("\n\n".join(markdown(p) for p in paragraphs if p.strip()))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def markdown_line(value: Markdown) -> Markdown:
    """``value`` (escaped Markdown, perhaps put together from pieces) with a start that cannot
    open a block: "%(count)s. step" filled in with "1" would otherwise be a numbered list."""
    return Markdown(_escape_block_start(str(value)))


def is_untranslated(value: object) -> bool:
    """Whether ``value`` is English standing in for a missing translation."""
    return isinstance(value, Untranslated)


# ------------------------------------------------------------------------------------------
# Plain text, HTML attributes and front matter
# ------------------------------------------------------------------------------------------

_OWN_MARKUP = re.compile(r'<span lang="en" class="atlas-untranslated">|</span>|\*\*')
_TAG = re.compile(r"<[^>]*>")
_OWN_REFERENCES = re.compile(r"&(?:#(\d+)|(amp|lt|gt|quot));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}


def plain_text(value: object) -> str:
    """The text a reader sees of ``value``: markup made by :func:`markdown` (or a template)
    turned back into characters; a plain string as it is.

    Only the references that :func:`markdown` writes are decoded (not every name HTML knows:
    ``&copy`` in an address's query must stay as it is)."""
    if not hasattr(value, "__html__"):  # text from the data: its one piece of Markdown is **bold**
        return clean(BOLD.sub(r"\1", str(value)))
    text = _TAG.sub("", _OWN_MARKUP.sub("", str(value.__html__())))
    return clean(_OWN_REFERENCES.sub(lambda m: chr(int(m[1])) if m[1] else _NAMED[m[2]], text))


def attribute(value: object) -> Markdown:
    """``value`` as the text of a double- or single-quoted HTML attribute."""
    return Markdown(html.escape(plain_text(value), quote=True))


def html_text(value: object) -> Markup:
    """``value`` as HTML text for places where MkDocs and Material print a value as HTML
    (a page's title and description, navigation titles)."""
    return Markup(html.escape(plain_text(value), quote=True))


# YAML refuses these even inside a quoted string, and JSON leaves them as they are.
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def front_matter(value: object) -> Markdown:
    """``value`` (text, or a structure of lists, dicts and text) as a one-line YAML value."""
    encoded = json.dumps(_plain_structure(value), ensure_ascii=False)
    return Markdown(_YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", encoded))


def _plain_structure(value):
    if isinstance(value, dict):
        return {str(key): _plain_structure(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_structure(item) for item in value]
    if isinstance(value, str):
        return clean(str(value))
    return value


# ------------------------------------------------------------------------------------------
# Addresses
# ------------------------------------------------------------------------------------------

# Where a link whose address is not a well-formed https URL points instead: a reserved name that
# never resolves (RFC 2606), so the link is inert. Validation rejects such addresses first.
UNSAFE_URL = "https://unsafe-address.invalid/"
# Characters kept as they are in a path, query or fragment: unreserved ones, and the delimiters
# that carry meaning in them (/ : @ and, in queries, = & + ,). Everything else is encoded,
# including ( ) [ ] ' * ! $ ; which could end a Markdown link or form an HTML reference.
_KEPT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/:@=&+,")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.?$")


_ALL_KEPT = re.compile(r"[A-Za-z0-9\-._~/:@=&+,]*")


def _encode(part: str, also: str = "") -> str:
    if _ALL_KEPT.fullmatch(part):  # the usual case: nothing to encode
        return part
    out = []
    index = 0
    while index < len(part):
        char = part[index]
        if char == "%" and _PERCENT.match(part, index):
            out.append(part[index : index + 3].upper())
            index += 3
            continue
        if char in _KEPT or char in also:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
        index += 1
    return "".join(out)


def url(value: object) -> Markdown:
    """``value`` as an https address for a Markdown link, an autolink or (through
    :func:`attribute`) an HTML attribute: host in lower case (IDNA for other scripts), path,
    query and fragment percent-encoded. Anything but an https URL with a host and without
    credentials becomes :data:`UNSAFE_URL`."""
    text = plain_text(value) if hasattr(value, "__html__") else str(value)
    # isprintable() is false for every white space but the ASCII space, and for controls.
    if not text or not text.isprintable() or " " in text or "\\" in text:
        return Markdown(UNSAFE_URL)
    try:
        parts = urlsplit(text)
        port = parts.port
        host = parts.hostname or ""
    except ValueError:
        return Markdown(UNSAFE_URL)
    if parts.scheme.lower() != "https" or parts.username is not None or parts.password is not None:
        return Markdown(UNSAFE_URL)
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return Markdown(UNSAFE_URL)
    if not _HOST.match(host):
        return Markdown(UNSAFE_URL)
    address = f"https://{host}" + (f":{port}" if port is not None else "")
    address += _encode(parts.path)
    if parts.query:
        address += "?" + _encode(parts.query, also="?")
    if parts.fragment:
        address += "#" + _encode(parts.fragment, also="?")
    return Markdown(address)


_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


def mailto(address: object, subject: object = None) -> Markdown:
    """A ``mailto:`` address for a Markdown link: the address as the schema allows it (letters,
    digits and ``._%+-`` before a plain host), the subject percent-encoded whole. Anything else
    becomes :data:`UNSAFE_URL`."""
    text = plain_text(address) if hasattr(address, "__html__") else str(address)
    if not _EMAIL.match(text):
        return Markdown(UNSAFE_URL)
    link = "mailto:" + text
    if subject:
        words = plain_text(subject) if hasattr(subject, "__html__") else str(subject)
        link += "?subject=" + quote(words, safe="")
    return Markdown(link)


# ------------------------------------------------------------------------------------------
# XML
# ------------------------------------------------------------------------------------------

# Beyond clean(): anything outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """``value`` as text that XML allows (escaping is left to the template's autoescaping)."""
    if isinstance(value, Xml):
        return str(value)
    return _NOT_XML.sub("", plain_text(value))
