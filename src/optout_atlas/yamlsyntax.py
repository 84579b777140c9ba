"""YAML syntax errors explained for people who edit the data by hand.

PyYAML's messages ("mapping values are not allowed here", "did not find expected key") say
what the parser expected, not what the writer did wrong. :func:`explain` turns the common
mistakes into a message that names the mistake, says how to fix it, and points at the place to
fix (the opening quote of an unclosed quote, not the end of the file):

- a tab used for indentation;
- text that contains ``": "`` (YAML reads it as a new key): quote the text;
- a line indented more or less than the entries beside it;
- a quote or a bracket that is never closed.

The field is found from the lines above the error, since a file with a syntax error has no
tree to ask: ``mechanisms[0].steps.web[2]`` for the third web step of the first mechanism.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_KEY = re.compile(r"^(?P<indent> *)(?P<dash>(?:- +)*)(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s|$)")
_ITEM = re.compile(r"^(?P<indent> *)- ")


@dataclass(frozen=True)
class Explained:
    line: int
    column: int
    field: str
    message: str


def explain(text: str, error: yaml.MarkedYAMLError) -> Explained:
    """Line, column, field and message for a syntax error in ``text``."""
    lines = text.splitlines()
    problem = error.problem or ""
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    source = lines[line - 1] if 0 < line <= len(lines) else ""

    if "'\\t'" in problem or "\t" in source[: max(column, 1)] or _tab_in_indent(source):
        return Explained(
            line,
            (source.index("\t") + 1) if "\t" in source else column,
            field_at(lines, line, indent=_expected_indent(lines, line) if _tab_in_indent(source) else None),
            "a tab character: YAML indents with spaces only; replace each tab with spaces",
        )

    unclosed = _unclosed_quote(lines, line - 1) if "quoted scalar" not in context else None
    if unclosed is not None:
        number, start_column, quote = unclosed
        return Explained(
            number,
            start_column,
            field_at(lines, number),
            f"the quote {quote} opened here is not closed on its line (YAML reads on until line"
            f" {line}): end the text with {quote}"
            + (" (a ' inside single quotes is written '')" if quote == "'" else ""),
        )

    if "quoted scalar" in context and error.context_mark is not None:
        start = error.context_mark
        opening_line = lines[start.line] if start.line < len(lines) else '"'
        quote = opening_line[start.column : start.column + 1] or '"'
        if "unknown escape" in problem or "expected escape" in problem:
            return Explained(
                line,
                column,
                field_at(lines, line),
                f"{problem} in double quotes: write a backslash as \\\\, or use single quotes (')",
            )
        return Explained(
            start.line + 1,
            start.column + 1,
            field_at(lines, start.line + 1),
            f"the quote {quote} opened here is never closed: end the text with {quote}"
            + (" (a ' inside single quotes is written '')" if quote == "'" else ""),
        )

    flow = context.startswith(("while parsing a flow sequence", "while parsing a flow mapping"))
    if flow and error.context_mark:
        start = error.context_mark
        opening = "[" if "sequence" in context else "{"
        closing = "]" if opening == "[" else "}"
        return Explained(
            start.line + 1,
            start.column + 1,
            field_at(lines, start.line + 1),
            f"the list {opening} opened here is not closed: end it with {closing} on the same line"
            f" (separate the entries with commas; quote an entry that contains , {closing} or :)",
        )

    if "mapping values are not allowed" in problem:
        stray = _stray_colon(source)
        if stray is not None:
            key, value = stray
            return Explained(
                line,
                column,
                field_at(lines, line),
                f'the text contains ": " (a colon and a space), which YAML reads as a new key;'
                f' put the whole text in double quotes: {key}: "{value}"',
            )
        return _indentation(lines, line, line, column)

    if (
        "expected <block end>" in problem
        or "did not find expected key" in problem
        or "did not find expected '-' indicator" in problem
        or "block sequence entries are not allowed" in problem
        or "could not find expected ':'" in problem
    ):
        return _indentation(lines, _first_misindented(lines, line), line, column)

    if "another document" in problem:
        return Explained(
            line, column, "", "a second document starts here (---): a data file holds one; remove this line"
        )

    if "cannot start any token" in problem:
        character = problem.split("'")[1] if "'" in problem else "this character"
        return Explained(
            line,
            column,
            field_at(lines, line),
            f"{character} cannot start a value in YAML; put the whole text in double quotes",
        )

    return Explained(
        line,
        column,
        field_at(lines, line),
        f"YAML syntax error: {problem or context}; compare the line with the lines around it"
        " (indentation with spaces, quotes and brackets closed)",
    )


def _first_misindented(lines: list[str], number: int) -> int:
    """The line to blame for an indentation error reported at line ``number``. A line indented
    too far is read as part of the value above it, so the parser notices one line late: when
    the line above is indented further than the entries before it (and does not follow a line
    that opens a block), that line is the one."""
    previous = _previous(lines, number)
    if previous is not None:
        n, text = previous
        above = _previous(lines, n)
        too_far = _leading(text) > _expected_indent(lines, n)
        if above is not None and too_far and not above[1].rstrip().endswith(":"):
            return n
    return number


_VALUE_START = re.compile(r"^\s*(?:- +)*(?:[A-Za-z_][\w-]*\s*:\s+)?(?P<value>.*)$")


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, int, str] | None:
    """The first line up to ``upto`` whose value opens a quote that the line does not close:
    ``(line, column, quote)``."""
    for number in range(1, min(upto, len(lines)) + 1):
        text = lines[number - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        start = _VALUE_START.match(text)
        assert start is not None  # the pattern matches any line
        value = start["value"]
        quote = value[:1]
        if quote not in ("'", '"'):
            continue
        rest = value[1:].replace("''", "") if quote == "'" else re.sub(r"\\.", "", value[1:])
        if quote not in rest:
            return number, len(text) - len(value) + 1, quote
    return None


def _tab_in_indent(line: str) -> bool:
    return "\t" in line[: len(line) - len(line.lstrip(" \t"))]


def _stray_colon(line: str) -> tuple[str, str] | None:
    """``(key, value)`` when ``line`` is ``key: text`` (or ``- key: text``, ``- text``) whose
    unquoted text contains ``": "``."""
    stripped = line.strip()
    dashless = re.sub(r"^(?:- +)+", "", stripped)
    key, colon, value = dashless.partition(": ")
    quoted = value.startswith(("'", '"'))
    if colon and re.fullmatch(r"[A-Za-z_][\w-]*", key) and ": " in value + " " and not quoted:
        return key, value.replace('"', '\\"')
    if stripped.startswith("- ") and ": " in dashless and not re.fullmatch(r"[A-Za-z_][\w-]*", key):
        return "-", dashless.replace('"', '\\"')
    return None


def _previous(lines: list[str], number: int) -> tuple[int, str] | None:
    """The nearest line above ``number`` with content (not blank, not a comment)."""
    for n in range(number - 1, 0, -1):
        text = lines[n - 1]
        if text.strip() and not text.lstrip().startswith("#"):
            return n, text
    return None


def _expected_indent(lines: list[str], number: int) -> int:
    """The indentation of the entries beside line ``number``: that of the line above it (of
    its key, for a ``- key:`` line)."""
    previous = _previous(lines, number)
    if previous is None:
        return 0
    found = _KEY.match(previous[1])
    return _leading(previous[1]) + (len(found["dash"]) if found else 0)


def _indentation(lines: list[str], number: int, line: int, column: int) -> Explained:
    text = lines[number - 1] if 0 < number <= len(lines) else ""
    indent, expected = _leading(text), _expected_indent(lines, number)
    previous = _previous(lines, number)
    if previous is None or indent == expected:
        message = (
            "the indentation does not match the lines around it: entries of the same mapping or"
            " list start in the same column, and what belongs to an entry is indented further"
        )
        return Explained(line, column, field_at(lines, line), message)
    return Explained(
        number,
        indent + 1,
        field_at(lines, number, indent=expected),
        f"this line is indented by {indent} spaces, the entries above it by {expected}"
        f" (line {previous[0]}): entries of the same mapping or list start in the same column;"
        f" indent this line by {expected} spaces",
    )


def _leading(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def field_at(lines: list[str], number: int, *, indent: int | None = None) -> str:
    """The field path of line ``number`` (1-based), from the keys and list items above it.
    ``indent``: the indentation the line should have, when its own is wrong."""
    if not 0 < number <= len(lines):
        return ""
    target = lines[number - 1].lstrip(" \t")
    own = _leading(lines[number - 1]) if indent is None else indent
    parts: list[str | int] = []
    found = _KEY.match(" " * own + target)
    if found:
        parts.append(found["key"])
    if (found and found["dash"]) or _ITEM.match(" " * own + target):
        parts.append(_item_index(lines, number, own))
    limit = own
    for n in range(number - 1, 0, -1):
        if limit == 0:
            break
        text = lines[n - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        current = _leading(text)
        found = _KEY.match(text)
        if found and found["dash"]:
            if current + len(found["dash"]) < limit:
                parts.append(found["key"])
            if current < limit:
                parts.append(_item_index(lines, n, current))
                limit = current
        elif found:
            if current < limit:
                parts.append(found["key"])
                limit = current
        elif _ITEM.match(text) and current < limit:
            parts.append(_item_index(lines, n, current))
            limit = current
    out = ""
    for part in reversed(parts):
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _item_index(lines: list[str], number: int, indent: int) -> int:
    """The index of the list item starting on line ``number`` at ``indent``, among the items of
    its list (counted upwards to the line that opens the list)."""
    index = 0
    for n in range(number - 1, 0, -1):
        text = lines[n - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        current = len(text) - len(text.lstrip(" "))
        if current < indent:
            break
        if current == indent and text.lstrip(" ").startswith("- "):
            index += 1
        elif current == indent and not text.lstrip(" ").startswith("- "):
            break
    return index
