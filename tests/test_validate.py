"""Validation of platform data: every class of bad input gives `file:line:col: field: message`."""

from __future__ import annotations

import copy as copy_module
import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, TODAY, line_of, real_today, with_archive

from optout_atlas import validate, yamlfile
from optout_atlas.dataset import load_dataset
from optout_atlas.problems import DataError

FILE = "platforms/example.yml"


def problems_for(data_dir: Path, text: str, *, today: dt.date = TODAY) -> list[str]:
    path = data_dir / FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir, today=today)
    # Paths as printed depend on the working directory; compare from the data dir on.
    return [str(p).split("data/", 1)[1] for p in caught.value.problems]


def replace(old: str, new: str, text: str = EXAMPLE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_example_is_valid(data_dir):
    dataset = load_dataset(data_dir, today=TODAY)
    (platform,) = dataset.platforms
    assert platform.id == "example"
    assert platform.mechanism("ai-setting").surfaces == ("web", "app")
    assert [e.date.isoformat() for e in platform.events] == ["2024-09", "2025-11-03"]


# (old text, new text, a fragment of the line the problem must point at, "col: field: message")
BAD_INPUTS = {
    "id-not-file-name": (
        "id: example",
        "id: sample",
        "id: sample",
        "5: id: 'sample' must equal the file name 'example'",
    ),
    "http-url": (
        "url: https://example.com/settings/ai",
        "url: http://example.com/settings/ai",
        "http://example.com/settings",
        "10: mechanisms[0].url: 'http://example.com/settings/ai' is not valid here: expected an https:// address",
    ),
    "credentials-in-url": (
        "url: https://example.com/settings/ai",
        "url: https://user:pw@example.com/ai",
        "user:pw",
        "10: mechanisms[0].url: 'https://user:pw@example.com/ai' must not contain a user name or password (an @ before the host name)",
    ),
    "unknown-source": (
        "  sources: [example-help]\nlast_verified",
        "  sources: [exmaple-help]\nlast_verified",
        "exmaple-help",
        "13: summary.sources[0]: unknown source 'exmaple-help' (did you mean 'example-help'?)",
    ),
    "uk-not-gb": (
        "  - regions: [EU, EEA, GB]\n    status: opt_out",
        "  - regions: [EU, EEA, UK]\n    status: opt_out",
        "EEA, UK]",
        "24: defaults[0].regions[2]: unknown region 'UK': the ISO code of the United Kingdom is 'GB'",
    ),
    "unknown-region": (
        "  - regions: [EU, EEA, GB]\n    status: opt_out",
        "  - regions: [EU, EEA, QQ]\n    status: opt_out",
        "EEA, QQ]",
        "24: defaults[0].regions[2]: unknown region 'QQ': use an ISO 3166-1 alpha-2 code or a group from data/regions.yml",
    ),
    "unknown-category": (
        "  - category: posts",
        "  - category: post",
        "category: post",
        "15: data[0].category: unknown category 'post' (did you mean 'posts'?)",
    ),
    "unreal-date": (
        "last_verified: 2025-11-03\ndefaults",
        "last_verified: 2025-02-30\ndefaults",
        "2025-02-30",
        "16: last_verified: '2025-02-30' is not a real date (expected YYYY-MM-DD)",
    ),
    "future-date": (
        "last_verified: 2025-11-03\ndefaults",
        "last_verified: 2026-12-01\ndefaults",
        "2026-12-01",
        "16: last_verified: 2026-12-01 is in the future (today is 2026-11-22)",
    ),
    "unreal-month": (
        "  - date: 2024-09\n",
        "  - date: 2024-13\n",
        "2024-13",
        "11: events[1].date: '2024-13' is not a real month",
    ),
    "raw-html": (
        "text: Private messages.",
        "text: Private <script>alert(1)</script> messages.",
        "<script>",
        "11: data[1].text: raw HTML is not allowed in text (<script…); write plain text (a < followed by a space is fine)",
    ),
    "markdown-link": (
        "text: Private messages.",
        "text: See [here](https://evil.example).",
        "evil.example",
        "11: data[1].text: links and images are not allowed in text; put addresses in a url field",
    ),
    "unknown-field": (
        "    minutes: 2",
        "    minuets: 2",
        "minuets",
        "5: mechanisms[0].minuets: unknown field 'minuets' (did you mean 'minutes'?)",
    ),
    "bad-enum": (
        "    status: opt_out\n",
        "    status: opt-out\n",
        "opt-out",
        "13: defaults[0].status: 'opt-out' is not one of: opt_out, opt_in, no_choice, not_trained, paused, unclear",
    ),
    "yaml-no-is-not-false": (
        "retroactive: false",
        "retroactive: no",
        "retroactive: no",
        "18: mechanisms[0].retroactive: expected true or false, got text",
    ),
    "missing-field": (
        "    retroactive: false\n",
        "",
        "- id: ai-setting",
        "5: mechanisms[0]: missing required field 'retroactive'",
    ),
    "app-and-ios": (
        "      app:\n",
        "      ios:\n        - Open the app.\n      app:\n",
        "      app:",
        "7: mechanisms[0].steps.app: use either 'app' (same steps on iOS and Android) or 'ios'/'android', not both",
    ),
    "empty-list": (
        "covers: [Training of content-generating models from now on.]",
        "covers: []",
        "covers: []",
        "13: mechanisms[0].covers: must not be empty",
    ),
}


@pytest.mark.parametrize(("old", "new", "anchor", "expected"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_names_file_line_and_field(data_dir, old, new, anchor, expected):
    text = replace(old, new)
    assert problems_for(data_dir, text) == [f"{FILE}:{line_of(text, anchor)}:{expected}"]


def test_every_problem_is_reported_at_once(data_dir):
    text = replace("id: example", "id: sample")
    text = replace("    minutes: 2", "    minuets: 2", text)
    text = replace("  - date: 2024-09\n", "  - date: 2024-13\n", text)
    found = problems_for(data_dir, text)
    assert len(found) == 3
    assert found == sorted(found, key=lambda line: int(line.split(":")[1]))


def test_duplicate_ids_and_uncited_sources(data_dir):
    text = replace("  - id: regulator-note\n", "  - id: example-help\n")
    found = problems_for(data_dir, text)
    line = line_of(text, "  - id: example-help")
    second = [n for n, row in enumerate(text.splitlines(), 1) if row == "  - id: example-help"][1]
    assert f"{FILE}:{second}:9: sources[1].id: source id 'example-help' is used twice" in found
    assert any("unknown source 'regulator-note'" in p for p in found)
    assert line < second


def test_source_never_cited(data_dir):
    text = (
        EXAMPLE
        + "  - id: spare\n    title: T\n    publisher: P\n    url: https://x.example/a\n    accessed: 2026-11-01\n    kind: press\n"
    )
    assert problems_for(data_dir, text) == [
        f"{FILE}:{line_of(text, 'id: spare')}:9: sources[2].id: source 'spare' is never cited; cite it or remove it"
    ]


def test_a_region_may_have_only_one_default(data_dir):
    text = replace("  - regions: [OTHER]\n", "  - regions: [GB, OTHER]\n")
    assert problems_for(data_dir, text) == [
        f"{FILE}:{line_of(text, 'regions: [GB, OTHER]')}:15: defaults[1].regions[0]: region 'GB' already has a default in defaults[0]"
    ]


def test_yaml_level_problems_come_through_with_the_file_name(data_dir):
    assert problems_for(data_dir, "") == [f"{FILE}:1:1: file is empty"]
    assert problems_for(data_dir, EXAMPLE + "name: Again\n") == [
        f"{FILE}:{len(EXAMPLE.splitlines()) + 1}:1: name: duplicate key (first defined on line 3)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (  # text with ": " in it
            "    text: Public posts and comments.",
            "    text: Note: public posts and comments.",
            '22:15: data[0].text: the text contains ": " (a colon and a space), which YAML reads as a new key;'
            ' put the whole text in double quotes: text: "Note: public posts and comments."',
        ),
        (  # a key indented one space too few
            "    kind: setting",
            "   kind: setting",
            "30:4: mechanisms[0].kind: this line is indented by 3 spaces, the entries above it by 4 (line 29):"
            " entries of the same mapping or list start in the same column; indent this line by 4 spaces",
        ),
        (  # a key indented too far
            "    retroactive: false",
            "      retroactive: false",
            "38:7: mechanisms[0].retroactive: this line is indented by 6 spaces, the entries above it by 4"
            " (line 37): entries of the same mapping or list start in the same column; indent this line by 4 spaces",
        ),
        (  # a tab
            "    minutes: 2",
            "\tminutes: 2",
            "35:1: mechanisms[0].minutes: a tab character: YAML indents with spaces only; replace each tab with spaces",
        ),
        (  # a double quote never closed
            "    title: Turn off AI training",
            '    title: "Turn off AI training',
            '31:12: mechanisms[0].title: the quote " opened here is never closed: end the text with "',
        ),
        (  # a single quote closed only by an apostrophe many lines below
            "    title: Turn off AI training",
            "    title: 'Turn off AI training",
            "31:12: mechanisms[0].title: the quote ' opened here is not closed on its line (YAML reads on"
            " until line 75): end the text with ' (a ' inside single quotes is written '')",
        ),
        (  # a bracket never closed
            "    regions: [EU, EEA, GB]\n    minutes",
            "    regions: [EU, EEA, GB\n    minutes",
            "34:14: mechanisms[0].regions: the list [ opened here is not closed: end it with ] on the same line"
            " (separate the entries with commas; quote an entry that contains , ] or :)",
        ),
    ],
)
def test_yaml_syntax_errors_say_what_is_wrong_where_and_how_to_fix_it(data_dir, old, new, expected):
    assert old in EXAMPLE
    assert problems_for(data_dir, EXAMPLE.replace(old, new, 1)) == [f"{FILE}:{expected}"]


def test_a_syntax_error_does_not_hide_the_problems_of_other_files(data_dir):
    other = EXAMPLE.replace("id: example", "id: other").replace("regions: [EU, EEA, GB]\n    status", "regions: [EU, EEA, UK]\n    status")
    (data_dir / "platforms" / "other.yml").write_text(other, encoding="utf-8")
    found = problems_for(data_dir, EXAMPLE.replace("    minutes: 2", "\tminutes: 2"))
    assert found[0] == (
        f"{FILE}:35:1: mechanisms[0].minutes: a tab character: YAML indents with spaces only; replace each tab with spaces"
    )
    assert (
        "platforms/other.yml:11:24: defaults[0].regions[2]: unknown region 'UK': the ISO code of the United Kingdom is 'GB'"
        in found
    )


def test_the_clock_decides_what_is_in_the_future(data_dir):
    assert load_dataset(data_dir, today=TODAY).platforms
    found = problems_for(data_dir, EXAMPLE, today=TODAY - dt.timedelta(days=1))
    assert found == [
        f"{FILE}:{number}:15: sources[{index}].accessed: 2026-11-22 is in the future (today is 2026-11-21)"
        for index, number in enumerate(
            n for n, line in enumerate(EXAMPLE.splitlines(), 1) if "accessed:" in line
        )
    ]


def test_project_data_takes_a_source_read_today_but_not_tomorrow(tmp_path):
    """The real data is checked against the real date: a pull request citing a document read
    today passes on the day it is opened, one dated tomorrow does not."""
    data = shutil.copytree(ROOT / "data", tmp_path / "data")
    linkedin = data / "platforms" / "linkedin.yml"
    original = linkedin.read_text(encoding="utf-8")

    def with_source_accessed(day: dt.date) -> str:
        text = original.replace("sources: [", "sources: [read-today, ", 1)
        return text + (
            "  - id: read-today\n"
            "    title: A page read by a contributor\n"
            "    publisher: LinkedIn\n"
            "    url: https://www.linkedin.com/help/linkedin/answer/a5538339\n"
            f"    accessed: {day.isoformat()}\n"
            "    kind: platform\n"
        )

    today = real_today()
    linkedin.write_text(with_source_accessed(today), encoding="utf-8")
    assert load_dataset(data, today=today).platform("linkedin")
    linkedin.write_text(with_source_accessed(today + dt.timedelta(days=1)), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(data, today=today)
    assert [p.message for p in caught.value.problems] == [
        f"{(today + dt.timedelta(days=1)).isoformat()} is in the future (today is {today.isoformat()})"
    ]


def test_announced_events_may_lie_ahead_but_not_far(data_dir):
    soon = replace("  - date: 2025-11-03\n", "  - date: 2027-06-01\n")
    assert load_dataset_ok(data_dir, soon)
    far = replace("  - date: 2025-11-03\n", "  - date: 2028-01-01\n")
    assert problems_for(data_dir, far) == [
        f"{FILE}:{line_of(far, '2028-01-01')}:11: events[0].date: 2028-01-01 is more than a year ahead (today is 2026-11-22)"
    ]


def load_dataset_ok(data_dir: Path, text: str):
    (data_dir / FILE).write_text(text, encoding="utf-8")
    return load_dataset(data_dir, today=TODAY)


def test_missing_platform_directory_contents(data_dir):
    (data_dir / FILE).unlink()
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir, today=TODAY)
    assert [p.message for p in caught.value.problems] == ["no platform files (*.yml) found"]


def test_bad_region_groups_are_reported(data_dir: Path):
    regions = data_dir / "regions.yml"
    regions.write_text(
        regions.read_text().replace('members: [EU, IS, LI, "NO"]', "members: [EU, IS, LI, NOPE]")
    )
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir, today=TODAY)
    assert [p.message for p in caught.value.problems] == [
        "unknown member 'NOPE': use a country code or a group defined above"
    ]


def test_impossible_day_in_a_partial_date_is_a_problem_not_a_crash(data_dir):
    text = replace("  - date: 2025-11-03\n", "  - date: 2025-02-30\n")
    assert problems_for(data_dir, text) == [
        f"{FILE}:{line_of(text, '2025-02-30')}:11: events[0].date: '2025-02-30' is not a real date"
    ]


def _mutations(value, path=()):
    """Documents that differ from ``value`` in one place each, to probe every schema keyword."""
    yield path, 7
    yield path, ""
    yield path, None
    if isinstance(value, str):
        yield path, value + "-2025-02-30"
        yield path, "2025-02-30"
        yield path, "http://" + value
        yield path, "x" * 400
    if isinstance(value, list):
        yield path, []
        if value:
            yield path, [*value, value[0]]
    if isinstance(value, dict):
        yield path, {**value, "unexpected": 1}
        for key in value:
            yield path, {k: v for k, v in value.items() if k != key}
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    )
    for key, child in children:
        yield from _mutations(child, (*path, key))


def _replaced(document, path, new):
    if not path:
        return new
    copy = copy_module.deepcopy(document)
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return copy


def test_the_fast_and_the_explaining_schema_checks_agree(data_dir):
    """The compiled validator decides alone whether a document is valid (see validate.Schema):
    if it passed a document the explaining one rejects, bad data would reach the site."""
    schema = validate.load_schema(ROOT / "data" / "schema" / "platform.schema.json")
    document, problems = yamlfile.load(data_dir / FILE)
    assert not problems
    checked = 0
    for path, new in _mutations(document.value):
        value = _replaced(document.value, path, new)
        explained = next(iter(schema.explainer.iter_errors(value)), None) is None
        assert schema.is_valid(value) == explained, (path, new)
        checked += 1
    assert checked > 500
    for real in sorted((ROOT / "data" / "platforms").glob("*.yml")):
        assert schema.is_valid(yamlfile.load(real)[0].value), real


def test_archived_source_is_loaded_with_where_the_archive_keeps_it(data_dir):
    platform = load_dataset_ok(data_dir, with_archive()).platforms[0]
    source = platform.sources["example-terms"]
    assert source.kind == "archive"
    assert source.archive is not None
    assert (source.archive.collection, source.archive.service, source.archive.document) == (
        "contrib",
        "Example",
        "Terms of Service",
    )
    assert source.archive.recorded == dt.date(2026, 2, 20)
    assert platform.sources["example-help"].archive is None


ARCHIVE_PROBLEMS = {
    "archive-without-its-object": (
        "    kind: archive\n    archive:\n      collection: contrib\n      service: Example\n      document: Terms of Service\n      recorded: 2026-02-20\n",
        "    kind: archive\n",
        "- id: example-terms",
        "5: sources[2]: missing required field 'archive'",
    ),
    "archive-without-its-copy": (
        "    via: https://github.com/OpenTermsArchive/contrib-versions/blob/0123456789abcdef0123456789abcdef01234567/Example/Terms%20of%20Service.md\n",
        "",
        "- id: example-terms",
        "5: sources[2]: missing required field 'via'",
    ),
    "archive-object-on-another-kind": (
        "    kind: archive\n",
        "    kind: platform\n",
        "    archive:",
        "5: sources[2].archive: 'archive' belongs only to sources of kind 'archive'",
    ),
    "recorded-in-the-future": (
        "recorded: 2026-02-20",
        "recorded: 2026-11-23",
        "recorded:",
        "17: sources[2].archive.recorded: 2026-11-23 is in the future (today is 2026-11-22)",
    ),
    "recorded-not-a-real-date": (
        "recorded: 2026-02-20",
        "recorded: 2026-02-30",
        "recorded:",
        "17: sources[2].archive.recorded: '2026-02-30' is not a real date (expected YYYY-MM-DD)",
    ),
    "recorded-after-it-was-read": (
        "accessed: 2026-11-22\n    kind: archive",
        "accessed: 2026-01-10\n    kind: archive",
        "recorded:",
        "17: sources[2].archive.recorded: 2026-02-20 is after accessed (2026-01-10): a version is read after it is recorded",
    ),
    "unknown-archive-field": (
        "      document: Terms of Service\n",
        "      document: Terms of Service\n      commit: 0123456\n",
        "commit:",
        "7: sources[2].archive.commit: unknown field 'commit'; allowed: collection, service, document, recorded",
    ),
}


@pytest.mark.parametrize(
    ("old", "new", "anchor", "expected"), ARCHIVE_PROBLEMS.values(), ids=ARCHIVE_PROBLEMS.keys()
)
def test_archived_source_problems_name_file_line_and_field(data_dir, old, new, anchor, expected):
    text = replace(old, new, with_archive())
    assert problems_for(data_dir, text) == [f"{FILE}:{line_of(text, anchor)}:{expected}"]
WATCH = """watch:
  - document: Example Terms
    url: https://example.com/terms
    archive: {collection: contrib, service: Example, document: Terms of Service}
  - document: Example AI help page
    url: https://example.com/help/ai
    archive: none
"""


def test_watch_list_is_loaded(data_dir):
    path = data_dir / "platforms" / "example.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nsources:\n", "\n" + WATCH + "sources:\n"))
    (platform,) = load_dataset(data_dir, today=TODAY).platforms
    terms, help_page = platform.watch
    assert terms.archive is not None and terms.archive.path == "Example/Terms of Service.md"
    assert terms.archive.repository == "OpenTermsArchive/contrib-versions"
    assert help_page.archive is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "archive: none",
            "archive: nowhere",
            "watch[1].archive: 'nowhere' is not valid here: expected none, or the collection, service and "
            "document under which Open Terms Archive records its versions",
        ),
        (
            "service: Example, document: Terms of Service}",
            "service: Example}",
            "watch[0].archive: missing required field 'document'",
        ),
        (
            "url: https://example.com/help/ai",
            "url: https://example.com/terms",
            "watch[1].url: this address is already watched in watch[0]",
        ),
        (
            "url: https://example.com/help/ai",
            "url: http://example.com/help/ai",
            "watch[1].url: 'http://example.com/help/ai' is not valid here: expected an https:// address",
        ),
    ],
)
def test_bad_watch_entries(data_dir, old, new, expected):
    path = data_dir / "platforms" / "example.yml"
    text = path.read_text(encoding="utf-8").replace(
        "\nsources:\n", "\n" + WATCH.replace(old, new) + "sources:\n"
    )
    path.write_text(text)
    with pytest.raises(DataError) as error:
        load_dataset(data_dir, today=TODAY)
    messages = [str(p) for p in error.value.problems]
    assert any(m.endswith(expected) for m in messages), messages
