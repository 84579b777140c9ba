"""Validation of platform data: every class of bad input gives `file:line:col: field: message`."""

from __future__ import annotations

import copy as copy_module
import datetime as dt
import re
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
    "unknown-product": (
        "    minutes: 2",
        "    products: [Exampel]\n    minutes: 2",
        "Exampel",
        "16: mechanisms[0].products[0]: unknown product 'Exampel' (did you mean 'Example'?)",
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
    "plan-without-plans": (
        "    status: no_choice\n",
        "    plans: [free]\n    status: no_choice\n",
        "plans: [free]",
        "13: defaults[1].plans[0]: unknown plan 'free': this file has no `plans`; list the platform's plans first",
    ),
    "admin-without-ask-admin": (
        "    kind: setting\n",
        "    kind: setting\n    actor: admin\n",
        "- id: ai-setting",
        "5: mechanisms[0]: missing required field 'ask_admin'",
    ),
    "retention-bad-period-and-mechanism": (
        "events:\n",
        "retention:\n  - when: training_off\n    period: 30 dayz\n    text: Kept.\n    sources: [example-help]\n"
        "events:\n",
        "30 dayz",
        "13: retention[0].period: '30 dayz' is not valid here: expected how long, as '<n> days', '<n> months'"
        " or '<n> years'",
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
            '23:15: data[0].text: the text contains ": " (a colon and a space), which YAML reads as a new key;'
            ' put the whole text in double quotes: text: "Note: public posts and comments."',
        ),
        (  # a key indented one space too few
            "    kind: setting",
            "   kind: setting",
            "31:4: mechanisms[0].kind: this line is indented by 3 spaces, the entries above it by 4 (line 30):"
            " entries of the same mapping or list start in the same column; indent this line by 4 spaces",
        ),
        (  # a key indented too far
            "    retroactive: false",
            "      retroactive: false",
            "39:7: mechanisms[0].retroactive: this line is indented by 6 spaces, the entries above it by 4"
            " (line 38): entries of the same mapping or list start in the same column; indent this line by 4 spaces",
        ),
        (  # a tab
            "    minutes: 2",
            "\tminutes: 2",
            "36:1: mechanisms[0].minutes: a tab character: YAML indents with spaces only; replace each tab with spaces",
        ),
        (  # a double quote never closed
            "    title: Turn off AI training",
            '    title: "Turn off AI training',
            '32:12: mechanisms[0].title: the quote " opened here is never closed: end the text with "',
        ),
        (  # a single quote closed only by an apostrophe many lines below
            "    title: Turn off AI training",
            "    title: 'Turn off AI training",
            "32:12: mechanisms[0].title: the quote ' opened here is not closed on its line (YAML reads on"
            " until line 76): end the text with ' (a ' inside single quotes is written '')",
        ),
        (  # a bracket never closed
            "    regions: [EU, EEA, GB]\n    minutes",
            "    regions: [EU, EEA, GB\n    minutes",
            "35:14: mechanisms[0].regions: the list [ opened here is not closed: end it with ] on the same line"
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
        f"{FILE}:36:1: mechanisms[0].minutes: a tab character: YAML indents with spaces only; replace each tab with spaces"
    )
    assert (
        "platforms/other.yml:12:24: defaults[0].regions[2]: unknown region 'UK': the ISO code of the United Kingdom is 'GB'"
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


# -------------------------------------------------------------------------------------------
# Hostile input through `optout-atlas validate`: one line per problem, at its file and line
# -------------------------------------------------------------------------------------------

STEP = "        - Open **Settings**.\n"

# id -> (file under data/, old text, new text, a fragment of the line the problem is on,
#        "col: field: message" of the only line printed)
HOSTILE_DATA = {
    # raw HTML and references, in every file a contributor edits
    "summary-meta-refresh": (FILE, "  text: Example trains AI on public posts unless you switch it off.", '  text: \'Example" <meta http-equiv="refresh" content="0;url=https://evil.example">\'', "http-equiv", "9: summary.text: raw HTML is not allowed in text (<meta…); write plain text (a < followed by a space is fine)"),
    "name-entity": (FILE, "name: Example\n", 'name: "Example &lt;script&gt;"\n', "&lt;script", "7: name: HTML character references such as &lt; are not allowed; write the character itself"),
    "name-numeric-entity": (FILE, "name: Example\n", 'name: "Example &#60;img src=x onerror=alert(1)>"\n', "&#60;", "7: name: HTML character references such as &#60; are not allowed; write the character itself"),
    "step-img-onerror": (FILE, STEP, "        - Open <img src=x onerror=alert(1)> **Settings**.\n", "onerror", "11: mechanisms[0].steps.web[0]: raw HTML is not allowed in text (<img…); write plain text (a < followed by a space is fine)"),
    "regions-name-script": ("regions.yml", "name: European Union", "name: European <script>alert(1)</script> Union", "<script>", "11: groups[0].name: raw HTML is not allowed in text (<script…); write plain text (a < followed by a space is fine)"),
    "regions-name-reference": ("regions.yml", "name: European Union", 'name: "European &lt;b&gt; Union"', "&lt;b", "11: groups[0].name: HTML character references such as &lt; are not allowed; write the character itself"),
    "categories-name-img": ("categories.yml", "name: Profile details", "name: Profile <img src=x onerror=alert(1)>", "onerror", "11: categories[0].name: raw HTML is not allowed in text (<img…); write plain text (a < followed by a space is fine)"),
    "categories-question-comment": ("categories.yml", "question: Is my profile used?", "question: Is my profile used? <!-- hidden -->", "hidden", "15: categories[0].question: raw HTML is not allowed in text (<!--…); write plain text (a < followed by a space is fine)"),
    # Markdown that makes structure
    "caveat-link": (FILE, "      - text: The setting does not remove data already used.", "      - text: See [the form](https://evil.example).", "evil.example", "15: mechanisms[0].caveats[0].text: links and images are not allowed in text; put addresses in a url field"),
    "dispute-image": (FILE, "    text: One summary says 2024; the platform and the regulator say 2025, which this guide follows.", "    text: '![x](https://evil.example/x.png) One summary says 2024.'", "x.png", "11: disputes[0].text: links and images are not allowed in text; put addresses in a url field"),
    "title-attribute-list": (FILE, "    title: Turn off AI training", "    title: 'Turn off AI training {: onclick=alert(1) }'", "onclick", "12: mechanisms[0].title: Markdown attribute lists ({: …}, { #id }, {key=value}) are not allowed in text"),
    "step-block-with-admonition": (FILE, STEP, '        - |\n          Open **Settings**.\n          !!! danger "Your account is closed"\n          # Owned\n', "        - |", "11: mechanisms[0].steps.web[0]: must be one line: a line break at character 19 would end the sentence on the page; write it on one line"),
    "step-folded-keeps-final-break": (FILE, STEP, "        - >\n          Open **Settings**.\n", "        - >", "11: mechanisms[0].steps.web[0]: ends with a line break; remove it (in YAML, fold a long text with >-, not > or |)"),
    "covers-list-marker": (FILE, "covers: [Training of content-generating models from now on.]", 'covers: ["- Training from now on."]', "- Training", "14: mechanisms[0].covers[0]: starts with Markdown that would make a list item (-, *, +, 1.); start the line with a word"),
    "step-heading": (FILE, STEP, "        - '# Open Settings'\n", "# Open Settings", "11: mechanisms[0].steps.web[0]: starts with Markdown that would make a heading (#); start the line with a word"),
    "dispute-paragraph-heading": (FILE, "    text: One summary says 2024; the platform and the regulator say 2025, which this guide follows.", "    text: |-\n      One summary says 2024.\n\n      # The regulator says 2025", "    text: |-", "11: disputes[0].text: line 3 of the text starts with Markdown that would make a heading (#); start the line with a word"),
    "regions-name-newline": ("regions.yml", "name: European Union", 'name: "European\\nUnion"', "European\\nUnion", "11: groups[0].name: must be one line: a line break at character 9 would end the sentence on the page; write it on one line"),
    # characters that do not show
    "title-nul": (FILE, "    title: Turn off AI training", '    title: "Turn off\\0 AI training"', "Turn off\\0", "12: mechanisms[0].title: control character U+0000 (NUL) at character 9 is not allowed"),
    "title-escape": (FILE, "    title: Turn off AI training", '    title: "Turn off \\e[31mAI training"', "\\e[31m", "12: mechanisms[0].title: control character U+001B (ESCAPE) at character 10 is not allowed"),
    "step-vertical-tab": (FILE, STEP, '        - "Open\\v**Settings**."\n', "Open\\v", "11: mechanisms[0].steps.web[0]: control character U+000B (VERTICAL TAB) at character 5 is not allowed"),
    "step-next-line": (FILE, STEP, '        - "Open\\N**Settings**."\n', "Open\\N", "11: mechanisms[0].steps.web[0]: control character U+0085 (NEXT LINE) at character 5 is not allowed"),
    "label-bidi-override": (FILE, "    label: Use my data for AI", '    label: "Use my data \\u202efor AI"', "\\u202e", "12: mechanisms[0].label: bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE) at character 13 is not allowed: it makes text read differently from the way it displays"),
    "owner-isolate": (FILE, "owner: Example Corp", 'owner: "Example \\u2066Corp"', "\\u2066", "8: owner: bidirectional control U+2066 (LEFT-TO-RIGHT ISOLATE) at character 9 is not allowed: it makes text read differently from the way it displays"),
    "label-zero-width-space": (FILE, "    label: Use my data for AI", '    label: "Use my da\\u200bta for AI"', "\\u200b", "12: mechanisms[0].label: invisible character U+200B (ZERO WIDTH SPACE) at character 10 is not allowed: remove it"),
    "categories-question-bidi": ("categories.yml", "question: Is my profile used?", 'question: "Is my \\u202eprofile used?"', "\\u202e", "15: categories[0].question: bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE) at character 7 is not allowed: it makes text read differently from the way it displays"),
    "choice-trailing-newline": (FILE, "    kind: setting\n", '    kind: "setting\\n"\n', 'kind: "setting', "11: mechanisms[0].kind: ends with a line break; remove it (in YAML, fold a long text with >-, not > or |)"),
    # addresses
    "url-space": (FILE, "url: https://example.com/settings/ai", "url: https://example.com/settings/ai x", "ai x", "10: mechanisms[0].url: 'https://example.com/settings/ai x' contains a space at character 32, which an address may not contain (percent-encode it as %20)"),
    "url-quote-breakout": (FILE, "url: https://example.com/settings/ai", "url: 'https://example.com/a\"onmouseover=\"alert(1)'", "onmouseover", "10: mechanisms[0].url: 'https://example.com/a\"onmouseover=\"alert(1)' contains '\"' at character 22, which an address may not contain (percent-encode it as %22)"),
    "url-angle-breakout": (FILE, "url: https://example.com/help/ai", "url: https://example.com/help/ai><img", "><img", "10: sources[0].url: 'https://example.com/help/ai><img' contains '>' at character 28, which an address may not contain (percent-encode it as %3E)"),
    "url-loopback": (FILE, "url: https://example.com/settings/ai", "url: https://127.0.0.1/settings", "127.0.0.1", "10: mechanisms[0].url: 'https://127.0.0.1/settings' points to a non-public address (127.0.0.1)"),
    "url-link-local": (FILE, "via: https://copy.example.net/statement", "via: https://169.254.169.254/latest", "169.254", "10: sources[1].via: 'https://169.254.169.254/latest' points to a non-public address (169.254.169.254)"),
    "url-localhost": (FILE, "url: https://regulator.example.org/statement", "url: https://localhost:8000/statement", "localhost", "10: sources[1].url: 'https://localhost:8000/statement' host name 'localhost' is a single name; use the public host name (example.org)"),
    "url-bad-port": (FILE, "url: https://example.com/settings/ai", "url: https://example.com:99999/ai", "99999", "10: mechanisms[0].url: 'https://example.com:99999/ai' has an invalid port in 'example.com:99999' (a number from 1 to 65535)"),
    "url-empty-credentials": (FILE, "url: https://example.com/settings/ai", "url: https://@evil.example/ai", "@evil", "10: mechanisms[0].url: 'https://@evil.example/ai' must not contain a user name or password (an @ before the host name)"),
    "url-javascript": (FILE, "url: https://example.com/settings/ai", "url: javascript:alert(1)", "javascript", "10: mechanisms[0].url: 'javascript:alert(1)' is not valid here: expected an https:// address"),
    # ids that pages and anchors of the site already have
    "mechanism-id-sources": (FILE, "  - id: ai-setting", "  - id: sources", "id: sources", "9: mechanisms[0].id: 'sources' is the anchor of a section of the guide (#sources); pick another id"),
    "mechanism-id-timeline": (FILE, "  - id: ai-setting", "  - id: timeline", "id: timeline", "9: mechanisms[0].id: 'timeline' is the anchor of a section of the guide (#timeline); pick another id"),
    "region-group-index": ("regions.yml", "  - id: OTHER\n", "  - id: INDEX\n    name: Index\n    members: [FR]\n  - id: OTHER\n", "id: INDEX", "9: groups[2].id: 'INDEX' is reserved (regions/index.md is the list of regions); pick another id"),
    "category-id-data": ("categories.yml", "  - id: profile", "  - id: data", "id: data", "9: categories[0].id: 'data' would be the anchor of a section of the comparison page; pick another id"),
    # labels for a language the site does not have
    "label-in-unknown-language": (FILE, "    label: Use my data for AI\n", "    label: Use my data for AI\n    localized_labels:\n      ja:\n        text: AIのためにデータを使用\n        sources: [example-help]\n", "      ja:", "7: mechanisms[0].localized_labels.ja: 'ja' is not a language of the site (en): a label is shown only on pages in its language"),
}


@pytest.fixture
def validate_cli(data_dir: Path, pinned_today, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `optout-atlas validate` in-process from the project folder of ``data_dir``; return
    (exit code, printed lines, error output)."""
    from optout_atlas.tools import cli

    monkeypatch.chdir(data_dir.parent)
    monkeypatch.setattr(cli, "COMMAND_MODULES", ())

    def run(*args: str) -> tuple[int, list[str], str]:
        code = cli.main(["validate", *args])
        captured = capsys.readouterr()
        return code, captured.out.splitlines(), captured.err

    return run


@pytest.mark.parametrize(("name", "old", "new", "anchor", "expected"), HOSTILE_DATA.values(), ids=HOSTILE_DATA.keys())
def test_hostile_input_is_one_line_at_its_place(data_dir, validate_cli, name, old, new, anchor, expected):
    path = data_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    code, lines, err = validate_cli()
    assert code == 1
    assert lines == [f"data/{name}:{line_of(text, anchor)}:{expected}"]
    assert err.strip() == "1 problem found in data"


RESERVED_PLATFORMS = {
    "index": ("index", "1:1: id: 'index' is reserved (guides/index.md is the list of guides, and embed/index.md would become a section page); pick another id"),
    "category-anchor": ("private-messages", "1:1: id: 'private-messages' is the anchor of the category 'private_messages' on the comparison page; pick another id"),
    "compare-section": ("data", "1:1: id: 'data' is the anchor of a section of the comparison and region pages; pick another id"),
    "double-hyphen": ("acme--social", "1:1: id: 'acme--social' is not a valid id: join words with single hyphens, with none at the end"),
    "trailing-hyphen": ("acme-", "1:1: id: 'acme-' is not a valid id: join words with single hyphens, with none at the end"),
}


@pytest.mark.parametrize(("platform_id", "expected"), RESERVED_PLATFORMS.values(), ids=RESERVED_PLATFORMS.keys())
def test_platform_ids_the_site_uses_itself_are_refused(data_dir, validate_cli, platform_id, expected):
    (data_dir / FILE).unlink()
    text = EXAMPLE.replace("\nid: example\n", f"\nid: {platform_id}\n").replace("# yaml-language-server: $schema=../schema/platform.schema.json\n", "")
    (data_dir / "platforms" / f"{platform_id}.yml").write_text(text, encoding="utf-8")
    code, lines, _err = validate_cli()
    assert code == 1
    assert lines == [f"data/platforms/{platform_id}.yml:{expected.replace('1:1', '1:5', 1)}"]


def test_labels_in_the_languages_of_the_catalogs_pass(data_dir, validate_cli):
    for language in ("de", "nl"):
        (data_dir.parent / "locales" / language / "LC_MESSAGES").mkdir(parents=True)
    text = EXAMPLE.replace(
        "    label: Use my data for AI\n",
        "    label: Use my data for AI\n    localized_labels:\n      nl:\n        text: Mijn gegevens voor AI\n        sources: [example-help]\n",
    )
    (data_dir / FILE).write_text(text, encoding="utf-8")
    assert validate_cli()[0] == 0
    (data_dir / FILE).write_text(text.replace("      nl:", "      fr:"), encoding="utf-8")
    code, lines, _err = validate_cli()
    assert code == 1
    assert lines == [
        f"data/{FILE}:{line_of(text, '      nl:') }:7: mechanisms[0].localized_labels.fr: 'fr' is not a language of the site (de, en, nl): a label is shown only on pages in its language"
    ]


def test_lookalike_addresses_are_warnings_and_fail_only_with_strict(data_dir, validate_cli):
    text = EXAMPLE.replace("url: https://example.com/settings/ai", "url: https://xn--exmple-cua.com/settings/ai")
    text = text.replace("url: https://regulator.example.org/statement", "url: https://regul\u0430tor.example.org/statement")
    (data_dir / FILE).write_text(text, encoding="utf-8")
    code, lines, err = validate_cli()
    assert code == 0, lines
    assert lines == [
        f"data/{FILE}:{line_of(text, 'xn--exmple')}:10: mechanisms[0].url: warning: host name 'xn--exmple-cua.com' is written in punycode (xn--exmple-cua reads exämple): check it is the site's real address and not a lookalike",
        f"data/{FILE}:{line_of(text, 'url: https://regul')}:10: sources[1].url: warning: host name 'regul\u0430tor.example.org' mixes Cyrillic and Latin letters in 'regul\u0430tor': a lookalike of another address?",
        "ok: 1 platforms (example) are valid",
    ]
    code, lines, err = validate_cli("--strict")
    assert code == 1
    assert len(lines) == 2 and all(": warning: " in line for line in lines)
    assert err.strip() == "2 warnings in data, an error with --strict"


def test_warnings_are_github_warnings(data_dir, validate_cli, monkeypatch):
    text = EXAMPLE.replace("url: https://example.com/settings/ai", "url: https://xn--exmple-cua.com/settings/ai")
    (data_dir / FILE).write_text(text, encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, lines, _err = validate_cli()
    assert code == 0
    assert lines[1].startswith(f"::warning file=data/{FILE},line={line_of(text, 'xn--')},col=10::mechanisms[0].url: host name")


def test_every_string_field_is_one_line_but_the_text_of_a_dispute(data_dir):
    """Paragraphs are allowed where the guide prints a text as paragraphs of its own, and
    nowhere else: the schema's text fields are one line."""
    two = "|-\n      One summary says 2024.\n\n      The platform and the regulator say 2025."
    text = replace("    text: One summary says 2024; the platform and the regulator say 2025, which this guide follows.", f"    text: {two}")
    dispute = load_dataset_ok(data_dir, text).platforms[0].disputes[0]
    assert dispute.text == "One summary says 2024.\n\nThe platform and the regulator say 2025."
    topic = replace("  - topic: Start year", "  - topic: |-\n      Start\n      year")
    assert problems_for(data_dir, topic) == [
        f"{FILE}:{line_of(topic, 'topic: |-')}:12: disputes[0].topic: must be one line: a line break at character 6 would end the sentence on the page; write it on one line"
    ]


def test_the_reserved_ids_follow_the_pages_and_anchors_the_site_writes():
    """The lists of reserved ids come from what the templates and the page list write: this
    fails when a template adds an anchor, or the renderer a page, that a data id could take."""
    import re as re_module

    from optout_atlas.inventory import page_paths
    from optout_atlas.render import Templates

    templates = ROOT / "overrides" / "atlas"
    statuses = json_enum("data_use", "status")
    kinds = json_property_enum("kind")

    def anchors(name: str) -> set[str]:
        found = set()
        for anchor in re_module.findall(r"\{ #((?:[^{}]|\{\{[^}]*\}\})+?) \}", (templates / name).read_text(encoding="utf-8")):
            if "{{ status }}" in anchor:
                found |= {anchor.replace("{{ status }}", status) for status in statuses}
            elif anchor == '{{ kind | replace("_", "-") }}':
                found |= {kind.replace("_", "-") for kind in kinds}
            elif "{{" not in anchor:
                found.add(anchor)
        return found

    assert anchors("guide.md.j2") | anchors("embed.md.j2") == validate.GUIDE_PAGE_IDS
    assert anchors("compare.md.j2") == validate.COMPARE_PAGE_IDS
    assert anchors("region.md.j2") == validate.REGION_PAGE_IDS  # beside platform ids
    dataset = load_dataset(ROOT / "data", today=real_today())
    renderer = Templates(ROOT / "overrides", language="en", today=real_today()).renderer(dataset)
    platform_pages = {f"{folder}/{p.id}.md" for p in dataset.platforms for folder in ("guides", "embed")}
    region_pages = {f"regions/{code.lower()}.md" for code, _name in renderer.region_links()}
    others = set(page_paths(renderer)) - platform_pages - region_pages
    under = {path.split("/", 1)[1].removesuffix(".md") for path in others if path.startswith(("guides/", "embed/"))}
    assert under == set(validate.RESERVED_PLATFORM_IDS)
    assert {p.split("/", 1)[1].removesuffix(".md").upper() for p in others if p.startswith("regions/")} == set(
        validate.RESERVED_REGION_IDS
    )


def json_property_enum(field: str) -> list[str]:
    """The values the platform schema allows for a top-level ``field``."""
    import json

    schema = json.loads((ROOT / "data" / "schema" / "platform.schema.json").read_text(encoding="utf-8"))
    return schema["properties"][field]["enum"]


def json_enum(definition: str, field: str) -> list[str]:
    import json

    schema = json.loads((ROOT / "data" / "schema" / "platform.schema.json").read_text(encoding="utf-8"))
    return schema["$defs"][definition]["properties"][field]["enum"]


# -------------------------------------------------------------------------------------------
# The build runs the same checks before it starts, and fails before it touches the site
# -------------------------------------------------------------------------------------------

PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "data", "locales")

# id -> (file, old text, new text, fragment of the problem's line, "col: field: message")
HOSTILE_BUILDS = {
    "regions-name-script": ("data/regions.yml", "name: European Union", "name: European <script>alert(1)</script> Union", "<script>", "11: groups[0].name: raw HTML is not allowed in text (<script…); write plain text (a < followed by a space is fine)"),
    "url-attribute-breakout": ("data/platforms/linkedin.yml", "data-for-ai-improvement\n", 'data-for-ai-improvement"><img src=x onerror=alert(1)>\n', "onerror", "10: mechanisms[0].url: 'https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement\"><img src=x onerror=alert(1)>' contains '\"' at character 74, which an address may not contain (percent-encode it as %22)"),
    "punycode-warning-in-strict-build": ("data/platforms/linkedin.yml", "url: https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement", "url: https://www.xn--linkedn-wfb.com/mypreferences/d/settings/data-for-ai-improvement", "xn--linkedn", "10: mechanisms[0].url: warning: host name 'www.xn--linkedn-wfb.com' is written in punycode (xn--linkedn-wfb reads linked\u0131n): check it is the site's real address and not a lookalike"),
    "ui-po-unknown-placeholder": ("locales/de/LC_MESSAGES/ui.po", 'msgstr "seit %(date)s"', 'msgstr "seit %(datum)s und %(date)s"', "seit %(datum)s", '1: msgid "since %(date)s": unknown placeholder %(datum)s: the English text has no such placeholder'),
    "ui-po-stray-percent": ("locales/de/LC_MESSAGES/ui.po", 'msgstr "Plattformen vergleichen"', 'msgstr "100% vergleichen"', "100% vergleichen", "1: msgid \"Compare platforms\": '% ' at character 4 is not a placeholder of the English text: write %% for a percent sign"),
    "ui-po-img-onerror": ("locales/de/LC_MESSAGES/ui.po", 'msgstr "Plattformen vergleichen"', 'msgstr "Plattformen <img src=x onerror=alert(1)>"', "onerror", '1: msgid "Compare platforms": raw HTML is not allowed in text (<img…); write plain text (a < followed by a space is fine)'),
    "data-po-malformed": ("locales/de/LC_MESSAGES/data.po", 'msgctxt "linkedin|summary"', 'msgctxt "linkedin|summary"\ngarbage', "garbage", "1: not a line of a gettext catalog: 'garbage'"),
}


@pytest.mark.build
@pytest.mark.parametrize(("name", "old", "new", "anchor", "expected"), HOSTILE_BUILDS.values(), ids=HOSTILE_BUILDS.keys())
def test_strict_build_refuses_hostile_input_before_it_touches_the_site(tmp_path, name, old, new, anchor, expected):
    from conftest import mkdocs_build

    project = tmp_path / "project"
    project.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / part)
    site = project / "site"
    (site / "guides").mkdir(parents=True)
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")

    result = mkdocs_build(project, site)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    errors = [re.sub(r"^ERROR\s+-\s+", "", line) for line in output.splitlines() if line.startswith("ERROR")]
    line = max(n for n, row in enumerate(text.splitlines(), 1) if anchor in row)
    assert errors == [f"{name}:{line}:{expected}"]
    assert "the site directory was left as it was" in output
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == ["guides", "index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"


def test_the_build_logs_warnings_once_and_stops_on_them_only_when_strict(tmp_path, caplog, monkeypatch):
    """The atlas plugin's on_config, on a real configuration: a lookalike address is a warning
    in a build that is not strict (logged once, however many languages are built), an error in a
    strict one (the project's)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    project = tmp_path / "project"
    project.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / part)
    linkedin = project / "data" / "platforms" / "linkedin.yml"
    linkedin.write_text(linkedin.read_text(encoding="utf-8").replace("url: https://www.linkedin.com/", "url: https://www.xn--linkedn-wfb.com/", 1), encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.setenv("OPTOUT_ATLAS_TODAY", real_today().isoformat())

    config = load_config(str(project / "mkdocs.yml"), strict=False)
    with caplog.at_level("WARNING", logger="mkdocs.plugins.atlas"):
        config.plugins.on_config(config)
        config.plugins.on_config(config)  # the next language's build
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "is written in punycode" in warnings[0]

    caplog.clear()
    strict = load_config(str(project / "mkdocs.yml"), strict=True)
    with caplog.at_level("ERROR", logger="mkdocs.plugins.atlas"), pytest.raises(Abort) as aborted:
        strict.plugins.on_config(strict)
    assert "Aborted: 1 warning in the data, fatal in a strict build (listed above)" in str(aborted.value)
    assert [r.getMessage().split(": ", 1)[0] for r in caplog.records] == [f"data/platforms/linkedin.yml:{line_of(linkedin.read_text(encoding='utf-8'), 'xn--')}:10"]

PLANS = """\
plans:
  - {id: free, name: Free, kind: personal}
  - {id: team, name: Team, kind: business}
"""


def test_plans_are_named_on_every_default_and_each_has_one(data_dir):
    """On a platform with plans, a default without plans, a plan without a default, an unknown
    plan and a retention entry naming an unknown mechanism are each one line."""
    text = replace("defaults:\n", PLANS + "defaults:\n")
    text = replace("    status: opt_out\n", "    plans: [fre]\n    status: opt_out\n", text)
    text = replace(
        "events:\n",
        "retention:\n  - when: training_off\n    mechanism: ai-settings\n    text: Kept.\n"
        "    sources: [example-help]\nevents:\n",
        text,
    )
    found = [line.split(":", 2)[2] for line in problems_for(data_dir, text)]
    assert found == [
        "10: plans[0].id: plan 'free' has no default; add it to a default's `plans`",
        "10: plans[1].id: plan 'team' has no default; add it to a default's `plans`",
        "13: defaults[0].plans[0]: unknown plan 'fre' (did you mean 'free'?)",
        "5: defaults[1]: this platform lists plans, so each default must name its `plans`",
        "16: retention[0].mechanism: unknown mechanism 'ai-settings' (did you mean 'ai-setting'?)",
    ]


def test_a_region_may_have_one_default_per_plan(data_dir):
    text = replace("defaults:\n", PLANS + "defaults:\n")
    text = replace("    status: opt_out\n", "    plans: [free, team]\n    status: opt_out\n", text)
    text = replace("    status: no_choice\n", "    plans: [free, team]\n    status: no_choice\n", text)
    (data_dir / FILE).write_text(text, encoding="utf-8")
    assert load_dataset(data_dir, today=TODAY).platforms[0].defaults[0].plans == ("free", "team")
    clash = replace("  - regions: [OTHER]\n", "  - regions: [OTHER, GB]\n", text)
    found = problems_for(data_dir, clash)
    assert len(found) == 1 and "region 'GB' already has a default for plan 'free' in defaults[0]" in found[0]
