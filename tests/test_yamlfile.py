"""Reading contributor YAML: every trap reported as file:line:col, never a traceback."""

from __future__ import annotations

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
        ("a: 1\n---\nb: 2\n", "2:1: : a second document starts here (---): a data file holds one; remove this line"),
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
