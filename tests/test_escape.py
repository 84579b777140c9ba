"""The escaping of text from the data into the two forms not covered by the page tests: a
field that may hold paragraphs, and plain text (descriptions, search, badges)."""

from optout_atlas.escape import UNSAFE_URL, Markdown, mailto, markdown_paragraphs, plain_text
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


def test_an_email_link_encodes_its_subject_and_refuses_anything_but_an_address():
    assert mailto("feedback@slack.com", "Slack Global model opt-out request") == (
        "mailto:feedback@slack.com?subject=Slack%20Global%20model%20opt-out%20request"
    )
    # A subject cannot add headers, a body or a second recipient; an address cannot be a link.
    assert mailto("a@b.example", "x&bcc=c@d.example\r\nBody: y") == (
        "mailto:a@b.example?subject=x%26bcc%3Dc%40d.example%0D%0ABody%3A%20y"
    )
    for address in ("javascript:alert(1)", "a@b.example?cc=c@d.example", "a@b.example) [x](https://e.example", ""):
        assert mailto(address) == UNSAFE_URL
