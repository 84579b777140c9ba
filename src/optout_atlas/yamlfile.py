"""Strict YAML reading that remembers where every value came from.

PyYAML's defaults are wrong for contributor-edited data: duplicate keys silently keep the last
value, ``NO`` (Norway) becomes ``False``, ``2025-02-30`` raises a traceback, and anchors and
aliases can expand into gigabytes. This module composes the YAML node tree with the C parser
when available, then builds plain Python values itself so that it can

* read only regular files of a sane size: a pull request can add a symbolic link to
  ``/dev/zero`` (read without end), to a named pipe (an open that never returns) or to a file of
  the machine that builds (whose lines would end up in error messages),
* report the characters YAML forbids (a NUL, an escape, other control characters) where they
  are, rather than the parser's "position 9" at line 1,
* reject duplicate keys, aliases, merge keys and tags other than the core ones (on text, lists
  and mappings alike: ``!!python/tuple``, ``!!set`` or ``!foo`` would otherwise be dropped
  silently), and values nested deeper than any data file needs,
* resolve plain scalars the YAML 1.2 way (only ``true``/``false`` are booleans; dates stay
  strings for the schema to check),
* record the line and column of every value and every key, for error messages.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from optout_atlas import yamlsyntax
from optout_atlas.problems import Problem, display_path

MAX_BYTES = 1_000_000
# Lists and mappings inside each other; the data files need six levels. The C parser stops at
# 1000, which would exhaust Python's stack while building the values.
MAX_DEPTH = 40
# The characters YAML does not allow in a stream (YAML 1.1, 5.1; PyYAML's Reader uses the same set).
_FORBIDDEN = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FORBIDDEN_SHOWN = 10  # one line each; a binary file would otherwise print thousands
_CHARACTER_NAMES = {
    0x00: "NUL",
    0x07: "bell",
    0x08: "backspace",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x1B: "escape",
    0x7F: "delete",
    0xFFFE: "a noncharacter",
    0xFFFF: "a noncharacter",
}

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
# YAML 1.2 core schema: the words that are not text, and the forms of numbers.
_WORDS = {word: _BOOL for word in ("true", "True", "TRUE", "false", "False", "FALSE")} | {
    word: _NULL for word in ("~", "null", "Null", "NULL", "")
}
_NUMBER_STARTS = frozenset("-+0123456789.")
_INT_FORM = re.compile(r"[-+]?[0-9]+")
_FLOAT_FORM = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with YAML 1.2 core-schema resolution of plain scalars (``no``, ``on`` and
    ``2025-11-03`` are text)."""

    def resolve(self, kind, value, implicit):
        """The tag of an untagged node; called from C once per node, so kept short."""
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        if not implicit[0]:  # quoted
            return _STR
        if value in _WORDS:
            return _WORDS[value]
        if value[:1] in _NUMBER_STARTS:
            if _INT_FORM.fullmatch(value):
                return _INT
            if _FLOAT_FORM.fullmatch(value):
                return _FLOAT
        return _STR


_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass
class YamlDocument:
    """A loaded YAML file: its value, and its node tree to find the line and column of any value
    or key in it. Positions are looked up only when a problem is reported, so loading a valid
    file records none."""

    path: Path
    value: object = None
    node: yaml.Node | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def _nodes(self, path: Path_) -> tuple[yaml.Node | None, yaml.Node | None, bool]:
        """The key node and value node at ``path`` (the key is None for list items and the
        root), or those of its nearest ancestor, and whether ``path`` was reached."""
        key_node, node = None, self.node
        for part in path:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                pair = next((pair for pair in node.value if pair[0].value == part), None)
                if pair is None:
                    return key_node, node, False
                key_node, node = pair
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                key_node, node = None, node.value[part]
            else:
                return key_node, node, False
        return key_node, node, True

    def position(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at ``path``, or of its nearest ancestor."""
        _key, node, _found = self._nodes(tuple(path))
        return _mark(node) if node is not None else (1, 1)

    def key_position(self, path: Path_) -> tuple[int, int]:
        """Line and column of the key that ends ``path`` (falls back to the value's position)."""
        key, node, found = self._nodes(tuple(path))
        if found and key is not None:
            return _mark(key)
        return _mark(node) if node is not None else (1, 1)

    def problem(self, path: Path_, message: str, *, at_key: bool = False) -> Problem:
        line, column = self.key_position(path) if at_key else self.position(path)
        return Problem(self.name, line, column, format_path(path), message)


def format_path(path: Path_) -> str:
    """``("mechanisms", 0, "steps", "web", 2)`` → ``mechanisms[0].steps.web[2]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load(path: Path) -> tuple[YamlDocument, list[Problem]]:
    """Read ``path``; return the document and the problems found (none means it loaded)."""
    document = YamlDocument(path)
    name = document.name

    def whole_file(message: str, line: int = 1, column: int = 1) -> tuple[YamlDocument, list[Problem]]:
        return document, [Problem(name, line, column, "", message)]

    raw, refusal = read_regular_file(path)
    if raw is None:
        return whole_file(refusal)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return document, [not_utf8(name, raw, error)]
    forbidden = _forbidden_characters(text, name)
    if forbidden:
        return document, forbidden
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        return whole_file("file is empty")

    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        explained = yamlsyntax.explain(text, error)  # what is wrong, where, and how to fix it
        return document, [Problem(name, explained.line, explained.column, explained.field, explained.message)]
    except yaml.YAMLError as error:  # pragma: no cover - defensive, all parser errors are marked
        return whole_file(f"YAML error: {error}")
    finally:
        loader.dispose()
    if node is None:
        return whole_file("file is empty")

    problems: list[Problem] = []
    document.node = node
    document.value = _build(node, (), document, problems, set())
    if any(p.message == _ALIAS for p in problems):
        # The composed tree shares aliased nodes, so their marks point at the anchor. Parse the
        # events again (rare: only for a file that uses aliases) to name each alias's own place.
        problems = [p for p in problems if p.message != _ALIAS] + _alias_problems(text, name)
    return document, problems


_ALIAS = "anchors and aliases (&, *) are not allowed; write the value out"

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_regular_file(path: Path, limit: int = MAX_BYTES) -> tuple[bytes | None, str]:
    """The bytes of ``path``, or None and why it was not read.

    Only a regular file of at most ``limit`` bytes is read, and never through a symbolic link:
    the files come from pull requests, and a link can name anything on the machine that builds.
    The file is opened without following a link and without waiting (a named pipe would block
    the open), then checked again on the open descriptor, and read up to ``limit`` + 1 bytes,
    so that a file that grows, or a ``/proc`` file that claims a size of 0, is still bounded.
    """
    try:
        status = os.lstat(path)
    except OSError as error:
        return None, f"cannot read file: {error.strerror}"
    if stat.S_ISLNK(status.st_mode):
        return None, (
            "is a symbolic link; data files must be regular files (a link can point at a device"
            " or at a file outside the repository): copy the file here instead"
        )
    if not stat.S_ISREG(status.st_mode):
        return None, _not_regular(status.st_mode)
    flags = os.O_RDONLY
    for name in ("O_NOFOLLOW", "O_NONBLOCK", "O_CLOEXEC", "O_BINARY"):  # those the system has
        flags |= getattr(os, name, 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        return None, f"cannot read file: {error.strerror}"
    try:
        status = os.fstat(descriptor)  # the file may have been replaced since
        if not stat.S_ISREG(status.st_mode):
            return None, _not_regular(status.st_mode)
        if status.st_size > limit:
            return None, f"file is larger than {limit:,} bytes"
        with open(descriptor, "rb", closefd=False) as stream:
            raw = stream.read(limit + 1)
    except OSError as error:
        return None, f"cannot read file: {error.strerror}"
    finally:
        os.close(descriptor)
    if len(raw) > limit:
        return None, f"file is larger than {limit:,} bytes"
    return raw, ""


def _not_regular(mode: int) -> str:
    kind = next((kind for test, kind in _KINDS if test(mode)), "a special file")
    return f"is {kind}, not a regular file; data files must be regular files"


def not_utf8(name: str, raw: bytes, error: UnicodeDecodeError) -> Problem:
    """Where the first byte that is not UTF-8 is, counted in characters as an editor does (for
    data files and catalogs alike)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(name, 1, 1, "", "the file is saved as UTF-16; save it as UTF-8")
    line_start = raw.rfind(b"\n", 0, error.start) + 1
    line = raw.count(b"\n", 0, error.start) + 1
    before = raw[line_start : error.start].decode("utf-8", errors="replace")
    if line == 1:
        before = before.removeprefix("\ufeff")
    return Problem(
        name,
        line,
        len(before) + 1,
        "",
        f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
    )


def _position(text: str, index: int) -> tuple[int, int]:
    """The line and column (both from 1) of ``text[index]``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _forbidden_characters(text: str, name: str) -> list[Problem]:
    """One problem per character YAML forbids, at its line and column (the first few only).

    The parser reports only the first, at a character offset; people look for a line.
    """
    problems: list[Problem] = []
    found = list(_FORBIDDEN.finditer(text))
    for match in found[:_FORBIDDEN_SHOWN]:
        line, column = _position(text, match.start())
        code = ord(match.group())
        what = _CHARACTER_NAMES.get(code, "a control character")
        problems.append(
            Problem(
                name,
                line,
                column,
                "",
                f"U+{code:04X} ({what}) is not allowed in a YAML file; delete it"
                " (it is invisible in most editors: it often comes with pasted text)",
            )
        )
    if len(found) > _FORBIDDEN_SHOWN:
        line, column = _position(text, found[_FORBIDDEN_SHOWN].start())
        problems.append(
            Problem(
                name,
                line,
                column,
                "",
                f"{len(found) - _FORBIDDEN_SHOWN} more characters that YAML does not allow from here on;"
                " is this a text file?",
            )
        )
    return problems


def _alias_problems(text: str, name: str) -> list[Problem]:
    return [
        Problem(name, mark.line + 1, mark.column + 1, "", _ALIAS)
        for event in yaml.parse(text, Loader=_Loader)
        if isinstance(event, yaml.AliasEvent) and (mark := event.start_mark) is not None
    ]


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(node, path: Path_, document: YamlDocument, problems: list[Problem], seen: set[int]):
    """The plain value of ``node``; problems are placed at the node they concern."""

    def problem(at: yaml.Node, where: Path_, message: str) -> None:
        problems.append(Problem(document.name, *_mark(at), format_path(where), message))

    if id(node) in seen:
        problem(node, path, _ALIAS)
        return None
    seen.add(id(node))

    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        expected = _MAP if isinstance(node, yaml.MappingNode) else _SEQ
        if node.tag != expected:
            kind = "mapping" if expected == _MAP else "list"
            problem(node, path, f"the tag {_short(node.tag)} is not allowed; write a plain {kind}")
            return None
        if len(path) >= MAX_DEPTH:
            problem(node, path, f"nested more than {MAX_DEPTH} levels deep; no data file needs that")
            return None

    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problem(key_node, path, "merge keys (<<) are not allowed; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                problem(key_node, (*path, "?"), "keys must be plain text")
                continue
            key = key_node.value
            if key in result:
                problem(key_node, (*path, key), f"duplicate key (first defined on line {first_line[key]})")
                continue
            first_line[key] = key_node.start_mark.line + 1
            result[key] = _build(value_node, (*path, key), document, problems, seen)
        return result

    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, index), document, problems, seen) for index, item in enumerate(node.value)
        ]

    tag = node.tag
    if tag == _STR:
        return node.value
    if tag not in _SCALAR_TAGS:
        problem(node, path, f"the tag {_short(tag)} is not allowed; write plain values")
        return None
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return node.value.lower() == "true"
    try:
        return int(node.value) if tag == _INT else float(node.value)
    except ValueError:
        problem(node, path, f"{node.value!r} is not a number")
        return None


def _short(tag: str) -> str:
    """``tag:yaml.org,2002:set`` → ``!!set``, as it is written in the file."""
    return tag.replace("tag:yaml.org,2002:", "!!")
