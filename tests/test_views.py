"""Computed views: the answers the guides, the home page and later the comparison share."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ROOT, TODAY, real_today, with_archive

from optout_atlas import views
from optout_atlas.dataset import load_dataset
from optout_atlas.escape import markdown as inline
from optout_atlas.locale_format import LocaleFormat
from optout_atlas.render import Templates


@pytest.fixture
def dataset(data_dir):
    return load_dataset(data_dir, today=TODAY)


def test_available_in_understands_groups_and_other(dataset):
    regions = dataset.regions
    assert views.available_in(("EEA",), "DE", regions)  # Germany is in the EU, which is in the EEA
    assert views.available_in(("EEA",), "EU", regions)
    assert not views.available_in(("EU",), "EEA", regions)  # Norway is in the EEA, not the EU
    assert not views.available_in(("EU", "GB"), "OTHER", regions)
    assert views.available_in(("OTHER",), "GB", regions)  # OTHER in a mechanism: everywhere


def test_region_rows_put_other_last_and_find_what_stops_training(dataset):
    (platform,) = dataset.platforms
    europe, elsewhere = views.region_rows(platform, dataset.regions)
    assert europe.default.regions == ("EU", "EEA", "GB")
    assert [m.id for m in europe.stopping] == ["ai-setting"]
    assert europe.can_stop and europe.trained_by_default and not europe.retroactive
    assert europe.minutes == 2
    assert elsewhere.default.regions == ("OTHER",)
    assert not elsewhere.can_stop and elsewhere.mechanisms == ()


def test_footnotes_follow_first_citation(dataset):
    (platform,) = dataset.platforms
    assert views.cited_sources(platform) == ["example-help", "regulator-note"]


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("Open **Settings & Privacy**.", "Open **Settings &amp; Privacy**."),
        ("Tap <b>here</b>", "Tap &lt;b&gt;here&lt;/b&gt;"),
        ("See [docs] (x) and `code`", "See &#91;docs&#93; (x) and &#96;code&#96;"),
        ("# not a heading", "&#35; not a heading"),
        ("1. not a list", "1&#46; not a list"),
        ("A *star* and _under_ | pipe", "A &#42;star&#42; and &#95;under&#95; &#124; pipe"),
        ('Say "yes"', "Say &quot;yes&quot;"),
        ("Note: at 10:30 :smile:", "Note: at 10&#58;30 &#58;smile:"),
        ("two\nlines", "two lines"),
    ],
    ids=[
        "bold-label",
        "html",
        "link-and-code",
        "heading",
        "ordered-list",
        "emphasis-and-table",
        "quotes",
        "emoji-colon",
        "newline",
    ],
)
def test_data_text_cannot_inject_markup(text, markdown):
    """Markdown's specials become character references: text in Markdown, in raw HTML blocks
    and in their attributes alike (see test_render_escaping for what a browser makes of them)."""
    assert inline(text) == markdown


def test_dates_are_formatted_for_the_reader(data_dir, tmp_path):
    english = LocaleFormat("en", today=TODAY)
    assert english.date(dt.date(2025, 11, 3)) == "November 3, 2025"
    german = LocaleFormat("de", today=TODAY)
    assert german.date(dt.date(2025, 11, 3)) == "3. November 2025"
    dataset = load_dataset(data_dir, today=TODAY)
    event_month = dataset.platforms[0].events[0].date
    assert english.date(event_month) == "September 2024"
    assert german.region_names(dataset.regions, ["CA", "GB"]) == "Kanada und Vereinigtes Königreich"


def test_guide_markdown_for_the_example(data_dir):
    dataset = load_dataset(data_dir, today=TODAY)
    markdown = Templates(ROOT / "overrides", today=TODAY).renderer(dataset).guide(dataset.platforms[0])
    assert "### Turn off AI training { #ai-setting }" in markdown
    web = '=== "Web browser"\n\n    **Web browser**\n    {: .atlas-print-only }\n\n'
    assert web + "    1. Open **Settings**.\n    2. Switch off **Use my data for AI**." in markdown
    app = '=== "iOS and Android app"\n\n    **iOS and Android app**\n    {: .atlas-print-only }\n\n'
    assert app + "    1. Tap your photo, then **Settings**." in markdown
    assert (
        "[^regulator-note]: Statement on Example's AI plans. A data protection authority, September 2025"
        in markdown
    )
    assert markdown.count("{ #ai-setting }") == 1


def test_archived_source_reads_as_the_platforms_own_text_with_its_date(data_dir):
    (data_dir / "platforms" / "example.yml").write_text(with_archive(), encoding="utf-8")
    dataset = load_dataset(data_dir, today=TODAY)
    markdown = Templates(ROOT / "overrides", today=TODAY).renderer(dataset).guide(dataset.platforms[0])
    footnote = next(line for line in markdown.splitlines() if line.startswith("[^example-terms]:"))
    assert footnote == (
        "[^example-terms]: Terms of Service. Example, October 1, 2025 (the platform's own text, archived"
        " by Open Terms Archive on February 20, 2026). <https://example.com/terms> Archived copy:"
        " <https://github.com/OpenTermsArchive/contrib-versions/blob/0123456789abcdef0123456789abcdef01234567"
        "/Example/Terms%20of%20Service.md> Accessed November 22, 2026."
    )
    note = next(line for line in markdown.splitlines() if line.startswith("[^regulator-note]:"))
    assert (
        "(regulator or court)" in note and "Read through a copy: <https://copy.example.net/statement>" in note
    )


WATCH = """\
watch:
  - document: Example Terms of Service
    url: https://example.com/terms
    archive: {collection: contrib, service: Example, document: Terms of Service}
  - document: Example Privacy Policy
    url: https://example.com/privacy
    archive: {collection: contrib, service: Example, document: Privacy Policy}
"""


def test_watched_documents_show_the_archived_version_a_source_was_checked_against(data_dir):
    """An archived source of the same document gives the guide its date; others have none."""
    text = with_archive().replace("\nsources:\n", "\n" + WATCH + "sources:\n", 1)
    (data_dir / "platforms" / "example.yml").write_text(text, encoding="utf-8")
    platform = load_dataset(data_dir, today=TODAY).platforms[0]
    rows = views.watched_documents(platform)
    assert [row.document.document for row in rows] == ["Example Terms of Service", "Example Privacy Policy"]
    assert rows[0].archived_on == dt.date(2026, 2, 20)
    assert rows[1].archived_on is None  # no source was checked against an archived privacy policy
    page = Templates(ROOT / "overrides", today=TODAY).renderer(load_dataset(data_dir, today=TODAY)).guide(platform)
    assert "This guide was checked against the version archived on February 20, 2026." in page


def test_guide_says_how_changes_are_watched():
    """The project's Reddit guide, on the real date, lists the documents watched for it."""
    dataset = load_dataset(ROOT / "data", today=real_today())
    page = Templates(ROOT / "overrides", today=real_today()).renderer(dataset).guide(dataset.platform("reddit"))
    sources = page.split("## Sources", 1)[1]
    assert (
        "**How changes are watched**: every week, a scheduled check looks for new versions of Reddit's"
        in sources
    )
    assert (
        "- Reddit User Agreement: <https://www.redditinc.com/policies/user-agreement>. Every version recorded "
        "by Open Terms Archive: <https://github.com/OpenTermsArchive/contrib-versions/commits/main/"
        "Reddit/Terms%20of%20Service.md>" in sources
    )
    assert "- Reddit Public Content Policy: <https://support.reddithelp.com/" in sources
    assert "No public archive records it: its text is compared from one check to the next." in sources


def test_region_page_says_about_for_an_approximate_date(data_dir):
    """A date known only to the month reads "about September 2024" on a region page too, as in
    the guide and the timeline: the page must not claim more precision than the source has."""
    dataset = load_dataset(data_dir, today=TODAY)
    page = Templates(ROOT / "overrides", today=TODAY).renderer(dataset).region("US")
    assert "**about September 2024**" in page
    assert "Example announces AI training." in page
