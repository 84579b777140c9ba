"""Reading contributor YAML: every trap reported as file:line:col, never a traceback."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from optout_atlas import yamlfile


def load(tmp_path: Path, content: str | bytes):
    path = tmp_path / "x.yml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return yamlfile.load(path)


def messages(problems) -> list[str]:
    return [f"{p.line}:{p.column}: {p.field}: {p.message}" for p in problems]


def test_duplicate_key_is_rejected_at_the_second_occurrence(tmp_path):
    document, problems = load(tmp_path, "name: A\nowner: B\nname: C\n")
    assert messages(problems) == ["3:1: name: duplicate key (first defined on line 1)"]
    assert document.value["name"] == "A"


def test_norway_and_yes_stay_text(tmp_path):
    document, problems = load(tmp_path, 'regions: [NO, "NO", yes, on, off]\nflag: true\n')
    assert problems == []
    assert document.value == {"regions": ["NO", "NO", "yes", "on", "off"], "flag": True}


def test_dates_stay_text_for_the_schema_to_check(tmp_path):
    document, problems = load(tmp_path, "date: 2025-02-30\n")
    assert problems == []
    assert document.value == {"date": "2025-02-30"}


def test_aliases_are_rejected_where_they_are_used(tmp_path):
    _, problems = load(tmp_path, "a: &x [1, 2]\nb: *x\n")
    assert messages(problems) == ["2:4: : anchors and aliases (&, *) are not allowed; write the value out"]


def test_alias_bomb_is_rejected_without_expanding(tmp_path):
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    _document, problems = load(tmp_path, "\n".join(lines) + "\n")
    assert len(problems) == 80  # each alias once; 10**9 items were never built
    assert all("aliases" in p.message for p in problems)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "1:1: : file is empty"),
        ("# only a comment\n\n", "1:1: : file is empty"),
        (b"name: caf\xe9\n", "1:10: : not valid UTF-8 (byte 0xe9); save the file as UTF-8"),
        (
            "a: [1, 2\nb: 3\n",
            "1:4: a: the list [ opened here is not closed: end it with ] on the same line"
            " (separate the entries with commas; quote an entry that contains , ] or :)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "2:1: : a second document starts here (---): a data file holds one; remove this line",
        ),
        (
            "a: !!python/object:os.system x\n",
            "1:4: a: the tag !!python/object:os.system is not allowed; write plain values",
        ),
        ("? [1, 2]\n: x\n", "1:3: ?: keys must be plain text"),
    ],
)
def test_bad_files_give_one_located_problem(tmp_path, content, expected):
    _, problems = load(tmp_path, content)
    assert messages(problems) == [expected]


def test_utf8_with_byte_order_mark_is_fine(tmp_path):
    document, problems = load(tmp_path, "\ufeffname: Café\n".encode())
    assert problems == [] and document.value == {"name": "Café"}


def test_oversized_file_is_refused(tmp_path):
    _, problems = load(tmp_path, "a: " + "x" * yamlfile.MAX_BYTES + "\n")
    assert [p.message for p in problems] == [f"file is larger than {yamlfile.MAX_BYTES:,} bytes"]


def test_positions_point_at_values_and_keys(tmp_path):
    document, _ = load(tmp_path, "top:\n  list:\n    - a\n    - b: 1\n")
    assert document.position(("top", "list", 1, "b")) == (4, 10)
    assert document.key_position(("top", "list")) == (2, 3)
    assert document.position(("top", "missing", 3)) == (2, 3)  # nearest ancestor


# -------------------------------------------------------------------------------------------
# Files that must not be read: links, devices, pipes, folders
# -------------------------------------------------------------------------------------------


def _symlink_to(target: str):
    def make(path: Path) -> None:
        path.symlink_to(target)

    return make


def _symlink_outside(path: Path) -> None:
    secret = path.parent.parent / "secret.txt"
    secret.write_text("token: do-not-print-me\n")
    path.symlink_to(secret)


def _socket(path: Path) -> None:
    import socket

    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.close()


NOT_REGULAR = {
    "symlink-to-dev-zero": (_symlink_to("/dev/zero"), "is a symbolic link; data files must be regular files"),
    "symlink-to-dev-urandom": (_symlink_to("/dev/urandom"), "is a symbolic link"),
    "symlink-to-a-file-outside": (_symlink_outside, "is a symbolic link"),
    "dangling-symlink": (_symlink_to("nowhere.yml"), "is a symbolic link"),
    "named-pipe": (lambda path: os.mkfifo(path), "is a named pipe, not a regular file"),
    "directory": (lambda path: path.mkdir(), "is a directory, not a regular file"),
    "unix-socket": (_socket, "is a socket, not a regular file"),
}


@pytest.mark.parametrize(("make", "expected"), NOT_REGULAR.values(), ids=NOT_REGULAR.keys())
def test_only_regular_files_are_read_and_the_refusal_is_quick(tmp_path, make, expected):
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "x.yml"
    make(path)
    outcome: list = []
    reader = threading.Thread(target=lambda: outcome.append(yamlfile.load(path)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading the file did not end"
    _document, problems = outcome[0]
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (1, 1)
    assert problems[0].message.startswith(expected)
    assert "do-not-print-me" not in problems[0].message


def test_a_proc_file_claiming_size_zero_is_read_only_up_to_the_limit():
    # /proc files say they are empty and are not: the limit holds on what is read, not on the size.
    proc = Path("/proc/self/maps")
    assert proc.stat().st_size == 0
    assert yamlfile.read_regular_file(proc, limit=10) == (None, "file is larger than 10 bytes")


def test_a_regular_file_is_read(tmp_path):
    document, problems = load(tmp_path, "a: 1\n")
    assert (document.value, problems) == ({"a": 1}, [])


# -------------------------------------------------------------------------------------------
# Characters YAML forbids, and bytes that are not UTF-8: reported where they are
# -------------------------------------------------------------------------------------------

NOTE = " is not allowed in a YAML file; delete it (it is invisible in most editors: it often comes with pasted text)"

FORBIDDEN = {
    "nul-on-line-2": (b"a: 1\nb: x\x00y\n", [f"2:5: : U+0000 (NUL){NOTE}"]),
    "nul-in-quotes": (b'a: 1\nb: 2\nc: "x\x00"\n', [f"3:6: : U+0000 (NUL){NOTE}"]),
    "escape": (b"name: Ex\x1b[31mample\n", [f"1:9: : U+001B (escape){NOTE}"]),
    "vertical-tab": (b"a:\n  - one\n  - t\x0bwo\n", [f"3:6: : U+000B (vertical tab){NOTE}"]),
    "form-feed": (b"\x0ca: 1\n", [f"1:1: : U+000C (form feed){NOTE}"]),
    "delete": (b"a: b\x7f\n", [f"1:5: : U+007F (delete){NOTE}"]),
    "backspace": (b"a: b\x08\n", [f"1:5: : U+0008 (backspace){NOTE}"]),
    "c1-control-after-accents": ("a: café\u009b\n".encode(), [f"1:8: : U+009B (a control character){NOTE}"]),
    "noncharacter": ("a: x\ufffe\n".encode(), [f"1:5: : U+FFFE (a noncharacter){NOTE}"]),
    "two-on-two-lines": (
        b"a: \x00\nb: \x01\n",
        [f"1:4: : U+0000 (NUL){NOTE}", f"2:4: : U+0001 (a control character){NOTE}"],
    ),
    "binary-file": (
        b"a: 1\n" + b"\x00" * 25,
        [f"2:{n}: : U+0000 (NUL){NOTE}" for n in range(1, 11)]
        + ["2:11: : 15 more characters that YAML does not allow from here on; is this a text file?"],
    ),
    "bad-utf8-after-accents": (
        "a: 1\nb: 2\nname: Café \u00e9".encode() + b"\xff\n",
        ["3:13: : not valid UTF-8 (byte 0xff); save the file as UTF-8"],
    ),
    "latin-1": (b"name: caf\xe9\n", ["1:10: : not valid UTF-8 (byte 0xe9); save the file as UTF-8"]),
    "truncated-sequence-at-end": (
        "a: é".encode()[:-1],
        ["1:4: : not valid UTF-8 (byte 0xc3); save the file as UTF-8"],
    ),
    "utf-16": ("a: 1\n".encode("utf-16"), ["1:1: : the file is saved as UTF-16; save it as UTF-8"]),
}


@pytest.mark.parametrize(("content", "expected"), FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_forbidden_characters_and_bad_bytes_are_reported_at_their_line(tmp_path, content, expected):
    _, problems = load(tmp_path, content)
    assert messages(problems) == expected


# -------------------------------------------------------------------------------------------
# Tags: an error wherever they are, never dropped in silence
# -------------------------------------------------------------------------------------------

TAGS = {
    "python-tuple-on-a-list": (
        "a: !!python/tuple [1, 2]\n",
        "1:4: a: the tag !!python/tuple is not allowed; write a plain list",
    ),
    "set-on-a-mapping": (
        "a: 1\nb: !!set {x, y}\n",
        "2:4: b: the tag !!set is not allowed; write a plain mapping",
    ),
    "local-tag-on-a-mapping": (
        "a: !foo\n  b: 1\n",
        "1:4: a: the tag !foo is not allowed; write a plain mapping",
    ),
    "local-tag-on-a-block-list": (
        "a:\n  !foo\n  - 1\n",
        "2:3: a: the tag !foo is not allowed; write a plain list",
    ),
    "omap": ("- !!omap\n  - a: 1\n", "1:3: [0]: the tag !!omap is not allowed; write a plain list"),
    "pairs": ("a: !!pairs [b: 1]\n", "1:4: a: the tag !!pairs is not allowed; write a plain list"),
    "object-apply-on-a-list": (
        'x: 1\nsteps: !!python/object/apply:os.system ["echo hi"]\n',
        "2:8: steps: the tag !!python/object/apply:os.system is not allowed; write a plain list",
    ),
    "python-dict-on-a-nested-mapping": (
        "a:\n  b: !!python/dict {c: 1}\n",
        "2:6: a.b: the tag !!python/dict is not allowed; write a plain mapping",
    ),
    "binary-scalar": ("a: !!binary aGk=\n", "1:4: a: the tag !!binary is not allowed; write plain values"),
    "timestamp-scalar": (
        "a: !!timestamp 2025-01-01\n",
        "1:4: a: the tag !!timestamp is not allowed; write plain values",
    ),
    "local-tag-on-text": ("a: !foo text\n", "1:4: a: the tag !foo is not allowed; write plain values"),
    "tagged-key": ("!!python/str k: v\n", "1:1: ?: keys must be plain text"),
}


@pytest.mark.parametrize(("content", "expected"), TAGS.values(), ids=TAGS.keys())
def test_tags_are_errors_at_their_place(tmp_path, content, expected):
    _, problems = load(tmp_path, content)
    assert messages(problems) == [expected]


def test_the_core_tags_that_change_nothing_are_accepted(tmp_path):
    document, problems = load(tmp_path, "a: !!seq [1]\nb: !!map {c: !!str 2}\nd: ! [x]\n")
    assert problems == []
    assert document.value == {"a": [1], "b": {"c": "2"}, "d": ["x"]}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("a: " + "[" * 45 + "]" * 45 + "\n", f"nested more than {yamlfile.MAX_DEPTH} levels deep"),
        ("a: " + "[" * 995 + "]" * 995 + "\n", f"nested more than {yamlfile.MAX_DEPTH} levels deep"),
        ("a: " + "{b: " * 60 + "1" + "}" * 60 + "\n", f"nested more than {yamlfile.MAX_DEPTH} levels deep"),
        ("a: " + "[" * 1005 + "]" * 1005 + "\n", "exceeded maximum nesting depth"),
    ],
    ids=["flow-lists-45", "flow-lists-995", "flow-mappings-60", "beyond-the-parser-1005"],
)
def test_deep_nesting_is_one_problem_not_a_crash(tmp_path, content, expected):
    _, problems = load(tmp_path, content)
    assert len(problems) == 1 and expected in problems[0].message
