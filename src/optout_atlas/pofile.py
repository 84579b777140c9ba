"""Writing gettext catalogs exactly as the standard gettext tools write them.

Catalogs are edited by people with Poedit, by translation platforms such as Weblate and by the
tools of GNU gettext (``msgcat``, ``msgmerge``). Each of them rewraps every string to the
width GNU gettext uses, 79 columns. If ``optout-atlas translations --update`` wrapped
differently, every save in one of those tools would rewrap thousands of lines, and a
translator's review diff would drown in them. So this module writes what ``msgcat`` writes:

- the entries in the order given, each with its comments in gettext's order: translator
  comments (``#``), extracted comments (``#.``), references (``#:``), flags (``#,``) and the
  previous English text of a fuzzy entry (``#|``);
- strings split after each ``\\n`` and wrapped at 79 columns at the places where the Unicode
  line breaking rules allow a break (after spaces, between Chinese characters, but never
  before a closing bracket or after an opening one), counting East Asian wide characters as two
  columns, as GNU gettext does;
- references without line numbers, so that they do not change when lines move.

``tests/test_catalog_format.py`` proves that ``msgcat`` gives every catalog of the project
back byte for byte.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import pairwise

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import unescape

PAGE_WIDTH = 79

# --------------------------------------------------------------------------------------------
# Line breaking: the pair table of Unicode's line breaking algorithm (UAX #14), as the
# libunistring library of GNU gettext applies it, for the classes that occur in text.
# --------------------------------------------------------------------------------------------

_CLASSES = ["OP", "CL", "CP", "QU", "GL", "NS", "EX", "SY", "IS", "PR", "PO", "NU", "AL", "ID", "IN"]
_CLASSES += ["HY", "BA", "BB", "B2", "CM", "WJ"]
# For each class before (row) and after (column) a place between two characters:
# "_" a break is allowed, "%" allowed only when spaces come between them, "^" never.
_PAIRS = """
OP ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
CL _ ^ ^ % % ^ ^ ^ ^ % % _ _ _ % % % _ _ % ^
CP _ ^ ^ % % ^ ^ ^ ^ % % % % _ % % % _ _ % ^
QU ^ ^ ^ % % % ^ ^ ^ % % % % % % % % % % % ^
GL % ^ ^ % % % ^ ^ ^ % % % % % % % % % % % ^
NS _ ^ ^ % % % ^ ^ ^ _ _ _ _ _ % % % _ _ % ^
EX _ ^ ^ % % % ^ ^ ^ _ _ _ _ _ % % % _ _ % ^
SY _ ^ ^ % % % ^ ^ ^ _ _ % _ _ % % % _ _ % ^
IS _ ^ ^ % % % ^ ^ ^ _ _ % _ _ % % % _ _ % ^
PR % ^ ^ % % % ^ ^ ^ _ _ % % % % % % _ _ % ^
PO % ^ ^ % % % ^ ^ ^ _ _ % % _ % % % _ _ % ^
NU % ^ ^ % % % ^ ^ ^ % % % % _ % % % _ _ % ^
AL % ^ ^ % % % ^ ^ ^ % % % % _ % % % _ _ % ^
ID _ ^ ^ % % % ^ ^ ^ _ % _ _ _ % % % _ _ % ^
IN _ ^ ^ % % % ^ ^ ^ _ _ _ _ _ % % % _ _ % ^
HY _ ^ ^ % _ % ^ ^ ^ _ _ % _ _ % % % _ _ % ^
BA _ ^ ^ % _ % ^ ^ ^ _ _ _ _ _ % % % _ _ % ^
BB % ^ ^ % % % ^ ^ ^ % % % % % % % % % % % ^
B2 _ ^ ^ % % % ^ ^ ^ _ _ _ _ _ % % % _ ^ % ^
CM % ^ ^ % % % ^ ^ ^ % % % % _ % % % _ _ % ^
WJ % ^ ^ % % % ^ ^ ^ % % % % % % % % % % % ^
"""
_TABLE = {
    (row[0], column): action
    for row in (line.split() for line in _PAIRS.strip().splitlines())
    for column, action in zip(_CLASSES, row[1:], strict=True)
}

_ASCII = {
    " ": "SP", "\t": "BA", "!": "EX", "?": "EX", '"': "QU", "'": "QU", "$": "PR", "+": "PR",
    "\\": "PR", "%": "PO", "(": "OP", "[": "OP", "{": "OP", ")": "CP", "]": "CP", "}": "CL",
    ",": "IS", ".": "IS", ":": "IS", ";": "IS", "-": "HY", "/": "SY", "|": "BA",
}  # fmt: skip
_OTHER = {
    "\u00a0": "GL", "\u202f": "GL", "\u2007": "GL", "\u2011": "GL",
    "\u00ab": "QU", "\u00bb": "QU", "\u2018": "QU", "\u2019": "QU", "\u201b": "QU",
    "\u201c": "QU", "\u201d": "QU", "\u201f": "QU", "\u2039": "QU", "\u203a": "QU",
    "\u201a": "OP", "\u201e": "OP", "\u00a1": "OP", "\u00bf": "OP",
    "\u00b0": "PO", "\u2030": "PO", "\u2032": "PO", "\u2033": "PO", "\u00a2": "PO",
    "\u00a3": "PR", "\u00a5": "PR", "\u20ac": "PR", "\u00b1": "PR", "\u2116": "PR",
    "\u2010": "BA", "\u2012": "BA", "\u2013": "BA", "\u00ad": "BA", "\u2014": "B2",
    "\u2026": "IN", "\u2024": "IN", "\u2025": "IN", "\u00b4": "BB", "\u2060": "WJ",
    "\u3001": "CL", "\u3002": "CL", "\uff0c": "CL", "\uff0e": "CL",
    "\u3009": "CL", "\u300b": "CL", "\u300d": "CL", "\u300f": "CL", "\u3011": "CL",
    "\u3015": "CL", "\u3017": "CL", "\u3019": "CL", "\u301b": "CL", "\uff09": "CL",
    "\uff3d": "CL", "\uff5d": "CL", "\u301e": "CL", "\u301f": "CL",
    "\u3008": "OP", "\u300a": "OP", "\u300c": "OP", "\u300e": "OP", "\u3010": "OP",
    "\u3014": "OP", "\u3016": "OP", "\u3018": "OP", "\u301a": "OP", "\uff08": "OP",
    "\uff3b": "OP", "\uff5b": "OP", "\u301d": "OP",
    "\uff01": "EX", "\uff1f": "EX", "\uff1a": "NS", "\uff1b": "NS", "\u30fb": "NS",
    "\u3005": "NS", "\u301c": "NS", "\u30fc": "NS", "\uff05": "PO", "\uff04": "PR",
}  # fmt: skip


@cache
def _line_class(char: str) -> str:
    if char in _ASCII:
        return _ASCII[char]
    if char.isascii():
        return "NU" if char.isdigit() else "AL"
    if char in _OTHER:
        return _OTHER[char]
    category = unicodedata.category(char)
    if category in ("Mn", "Mc", "Me"):
        return "CM"
    if category == "Zs":
        return "BA"
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return "ID"
    return "AL"


@cache
def _width(char: str) -> int:
    """Columns a character takes in a UTF-8 terminal, as GNU gettext counts them."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _wide_bracket_after_word(previous: str, current: str, char: str) -> bool:
    """Since Unicode 8 a word and a following bracket stay together only when the bracket is
    not a full-width one: a line may break between a number and a full-width parenthesis."""
    return current == "OP" and previous in ("AL", "NU") and unicodedata.east_asian_width(char) in ("W", "F")


def _break_opportunities(chars: str) -> list[bool]:
    """For each character, whether a line may break before it."""
    allowed = [False] * len(chars)
    previous: str | None = None  # class of the last character that is not a space
    spaces = False
    for index, char in enumerate(chars):
        current = _line_class(char)
        if current == "SP":
            spaces = True
            continue
        if current == "CM" and previous is not None and not spaces:
            continue  # a combining mark belongs to the character before it
        if previous is not None:
            action = _TABLE.get((previous, current), "%")
            if action == "%" and _wide_bracket_after_word(previous, current, char):
                action = "_"
            allowed[index] = action == "_" or (action == "%" and spaces)
        previous = current if current != "CM" else "AL"
        spaces = False
    return allowed


# --------------------------------------------------------------------------------------------
# Strings
# --------------------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\", '"': '"', "\n": "n", "\t": "t", "\r": "r", "\a": "a", "\b": "b", "\f": "f", "\v": "v"}


def _portions(value: str) -> list[str]:
    """``value`` split after each newline, as gettext prints it: one portion per line."""
    portions, start = [], 0
    for index, char in enumerate(value):
        if char == "\n":
            portions.append(value[start : index + 1])
            start = index + 1
    if start < len(value) or not portions:
        portions.append(value[start:])
    return portions


# Format directives, which gettext never breaks inside. It reads them from the start of the
# string up to the first thing that is not valid for the message's format flag.
_PYTHON = re.compile(r"%(\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")
_BRACE_FIELD = re.compile(
    r"\{(?:[0-9]+|[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]{}]*\])*"
    r"(?::(?:[^{}]?[<>=^])?[-+ ]?#?0?\d*[,_]?(?:\.\d+)?[bcdeEfFgGnosxX%]?)?\}"
)


def _python_directives(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    named = unnamed = False
    position = text.find("%")
    while position != -1:
        match = _PYTHON.match(text, position)
        if match is None:
            break
        if match.group(2) != "%":
            named, unnamed = named or bool(match.group(1)), unnamed or not match.group(1)
            if named and unnamed:
                break
        spans.append(match.span())
        position = text.find("%", match.end())
    return spans


def _brace_directives(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char in "{}" and text[position : position + 2] in ("{{", "}}"):
            position += 2
        elif char == "{":
            match = _BRACE_FIELD.match(text, position)
            if match is None:
                break
            spans.append(match.span())
            position = match.end()
        elif char == "}":
            break
        else:
            position += 1
    return spans


_PARSERS = {"python-format": _python_directives, "python-brace-format": _brace_directives}


def _inside_directives(text: str, formats: Iterable[str]) -> set[int]:
    """Positions in ``text`` that continue a format directive."""
    inside: set[int] = set()
    for flag in formats:
        parser = _PARSERS.get(flag)
        for start, end in parser(text) if parser else ():
            inside.update(range(start + 1, end))
    return inside


_ESCAPE_TABLE = str.maketrans({char: f"\\{name}" for char, name in _ESCAPES.items()})


def _wrapped_lines(
    portion: str, *, first_column: int, width: int, inside: set[int] | frozenset[int] = frozenset()
) -> list[str]:
    """The escaped ``portion`` cut into the pieces gettext prints between quotes. ``inside``:
    positions of ``portion`` that continue a format directive."""
    escaped = portion.translate(_ESCAPE_TABLE)
    total = len(escaped) if escaped.isascii() else sum(map(_width, escaped))
    if first_column + total <= width:
        return [escaped]  # it fits: gettext breaks a line only where it would be too long
    if inside:
        prohibited: list[bool] = []
        for position, char in enumerate(portion):
            prohibited += [position in inside, True] if char in _ESCAPES else [position in inside]
    else:
        prohibited = [False] * len(escaped)
    index = escaped.find("\\")
    while index != -1:  # the character after an escape's backslash
        prohibited[index + 1] = True
        index = escaped.find("\\", index + 2)
    if portion.endswith("\n"):
        prohibited[-2] = True  # never break right before the closing \n
    possible = _break_opportunities(escaped)

    cuts: list[int] = []
    last_break: int | None = None
    column, piece = first_column, 0
    for index, char in enumerate(escaped):
        if possible[index] and not prohibited[index]:
            if last_break is not None and column + piece > width:
                cuts.append(last_break)
                column = 0
            last_break = index
            column += piece
            piece = 0
        piece += _width(char)
    if last_break is not None and column + piece > width:
        cuts.append(last_break)
    bounds = [0, *cuts, len(escaped)]
    return [escaped[a:b] for a, b in pairwise(bounds)]


def format_string(
    name: str, value: str, *, prefix: str = "", width: int = PAGE_WIDTH, formats: Iterable[str] = ()
) -> list[str]:
    """The lines of one ``msgid``, ``msgstr`` (etc.) keyword and its string, as gettext
    prints them: wrapped, and starting with an empty string when the value needs more than one
    line."""
    return list(_format_string(name, value, prefix, width, tuple(formats)))


@lru_cache(maxsize=65536)  # every catalog of a domain repeats the same English and contexts
def _format_string(
    name: str, value: str, prefix: str, width: int, formats: tuple[str, ...]
) -> tuple[str, ...]:
    after_break = len(prefix) + 1  # continuation lines start with the prefix and a quote
    room = width - 1 - after_break  # and end with a quote
    lines: list[str] = []
    first = True
    portions = _portions(value)
    directives = _inside_directives(value, formats)
    offset = 0
    for portion in portions:
        inside = {position - offset for position in directives if 0 <= position - offset < len(portion)}
        offset += len(portion)
        start = len(name) + 1 if first else 0  # columns counted from the opening quote
        pieces = _wrapped_lines(portion, first_column=start, width=room, inside=inside) if portion else [""]
        if first and portion and (len(portions) > 1 or len(pieces) > 1 or start > room):
            lines.append(f'{prefix}{name} ""')
            first = False
            start = 0
            pieces = _wrapped_lines(portion, first_column=start, width=room, inside=inside)
        for number, piece in enumerate(pieces):
            head = f"{prefix}{name} " if first and number == 0 else prefix
            lines.append(f'{head}"{piece}"')
        first = False
    return tuple(lines)


# --------------------------------------------------------------------------------------------
# Catalogs
# --------------------------------------------------------------------------------------------

# The order in which gettext lists flags: fuzzy, then the format flags in its own order.
_FORMATS = "c objc cplusplus python python-brace java java-printf csharp javascript scheme lisp elisp"
_FORMATS += " librep ruby sh awk lua pascal smalltalk qt qt-plural kde kde-kuit boost tcl perl perl-brace"
_FORMATS += " php gcc-internal gfc-internal ycp"
_FLAG_ORDER = ["fuzzy"] + [f"{name}-format" for name in _FORMATS.split(" ")]


def _references(locations: Iterable[tuple[str, int | None]], width: int) -> list[str]:
    files: list[str] = []
    for filename, _line in locations:
        if filename not in files:
            files.append(filename)
    lines: list[str] = []
    current, column = "#:", 2
    for filename in files:
        length = len(filename) + 1
        if column > 2 and column + length > width:
            lines.append(current)
            current, column = "#:", 2
        current += f" {filename}"
        column += length
    if files:
        lines.append(current)
    return lines


def _comment_lines(marker: str, comments: Iterable[str]) -> list[str]:
    lines = []
    for comment in comments:
        for line in comment.split("\n"):
            lines.append(f"{marker} {line}" if line else marker)
    return lines


_PREVIOUS_LINE = re.compile(r'^\|\s*(?:(msgctxt|msgid|msgid_plural)\s+)?("(?:[^"\\]|\\.)*")\s*$')


def _previous_text(comments: list[str], width: int, *, formats: Iterable[str]) -> list[str]:
    """The ``#|`` lines of a fuzzy entry as Babel read them (comments starting with "|"),
    rewrapped as gettext wraps them, whatever tool wrote them.

    The previous text is only a hint for the translator (what the English said when they last
    translated it). Lines that gettext could not read would make ``msgcat`` and Poedit reject
    the whole catalog, so they are dropped; of a keyword given twice, the first is kept."""
    fields: dict[str, str] = {}
    current: str | None = None
    for comment in comments:
        match = _PREVIOUS_LINE.match(comment)
        if match is None:
            return []
        keyword, quoted = match.groups()
        if keyword:
            current = keyword if keyword not in fields else None
            if current:
                fields[current] = unescape(quoted)
        elif current:
            fields[current] += unescape(quoted)
        elif not fields:
            return []
    used = [flag for flag in formats if flag.endswith("-format") and not flag.startswith("no-")]
    lines: list[str] = []
    for keyword, value in sorted(
        fields.items(), key=lambda item: ("msgctxt", "msgid", "msgid_plural").index(item[0])
    ):
        lines += format_string(
            keyword, value, prefix="#| ", width=width, formats=used if keyword != "msgctxt" else ()
        )
    return lines


def format_message(message: Message, *, width: int = PAGE_WIDTH) -> list[str]:
    # Babel reads a fuzzy entry's previous text (``#| msgid``) as a translator comment starting
    # with "|"; those lines go back where gettext puts them, after the flags. The previous text
    # means something only while the entry is fuzzy: once the translator has reviewed it (and
    # removed the flag), it goes, as msgmerge and Poedit drop it.
    previous_lines = (
        _previous_text([c for c in message.user_comments if c.startswith("|")], width, formats=message.flags)
        if message.fuzzy
        else []
    )
    lines = _comment_lines("#", [c for c in message.user_comments if not c.startswith("|")])
    lines += _comment_lines("#.", message.auto_comments)
    lines += _references(message.locations, width)
    flags = sorted(
        message.flags,
        key=lambda flag: (_FLAG_ORDER.index(flag) if flag in _FLAG_ORDER else len(_FLAG_ORDER), flag),
    )
    formats = [flag for flag in flags if flag.endswith("-format") and not flag.startswith("no-")]
    if flags:
        lines.append("#, " + ", ".join(flags))
    if message.previous_id and message.fuzzy:  # from a catalog update: the English translated before
        previous = message.previous_id
        previous_id = previous[0] if isinstance(previous, (list, tuple)) else previous
        lines += format_string("msgid", previous_id, prefix="#| ", width=width, formats=formats)
        if isinstance(previous, (list, tuple)) and len(previous) > 1:
            lines += format_string("msgid_plural", previous[1], prefix="#| ", width=width, formats=formats)
    else:
        lines += previous_lines
    if message.context is not None:
        lines += format_string("msgctxt", message.context, width=width)
    if isinstance(message.id, (list, tuple)):  # a plural message: (singular, plural)
        lines += format_string("msgid", message.id[0], width=width, formats=formats)
        lines += format_string("msgid_plural", message.id[1], width=width, formats=formats)
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for index, string in enumerate(strings):
            lines += format_string(f"msgstr[{index}]", string or "", width=width, formats=formats)
    else:
        lines += format_string("msgid", message.id, width=width, formats=formats)
        string = message.string[0] if isinstance(message.string, (list, tuple)) else message.string
        lines += format_string("msgstr", string or "", width=width, formats=formats)
    return lines


def format_catalog(
    catalog: Catalog, *, header_comment: str, header: dict[str, str], width: int = PAGE_WIDTH
) -> str:
    """The text of a ``.po``/``.pot`` file: ``header_comment`` (lines starting with ``#``),
    the ``header`` entry with its fields in the order given, then every message that is not
    obsolete, in the catalog's order."""
    lines = [line.rstrip() for line in header_comment.strip().splitlines()]
    lines += ['msgid ""']
    fields = "".join(f"{key}: {value}\n" for key, value in header.items())
    lines += format_string("msgstr", fields, width=width)
    for message in catalog:
        if not message.id:
            continue
        lines.append("")
        lines += format_message(message, width=width)
    return "\n".join(lines) + "\n"
