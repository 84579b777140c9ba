"""The escaping of text from the data into the two forms not covered by the page tests: a
field that may hold paragraphs, and plain text (descriptions, search, badges)."""

from optout_atlas.escape import Markdown, markdown_paragraphs, plain_text
from optout_atlas.translation import Untranslated


def test_paragraphs_stay_paragraphs_and_each_is_escaped():
    text = "The help page says *no*.\n\n  \n# A newspaper says yes.\nSame paragraph."
    assert markdown_paragraphs(text) == Markdown(
        "The help page says &#42;no&#42;.\n\n&#35; A newspaper says yes. Same paragraph."
    )


def test_untranslated_paragraphs_are_each_marked_english():
    result = markdown_paragraphs(Untranslated("One.\n\nTwo."))
    assert result.count('lang="en"') == 2
    assert "\n\n" in result


def test_plain_text_shows_bold_as_a_reader_sees_it():
    assert plain_text("Turn off **Data for Generative AI Improvement** now") == (
        "Turn off Data for Generative AI Improvement now"
    )
    assert plain_text("2 ** 3 stays") == "2 ** 3 stays"
