"""Escaping by construction, below validation: values that validation rejects (raw HTML, entities,
control and bidi characters, newlines, other schemes than https) are given straight to the
escapers and the templates, and what comes out must be inert text.

"Inert" is checked on the HTML that the site's own Markdown (the extensions of mkdocs.yml) makes
of the output: the reader sees the value's characters, and no element, attribute or link comes
from it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import quote

import markdown as python_markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, TODAY

from optout_atlas import escape
from optout_atlas.badges import badge
from optout_atlas.feeds import feed
from optout_atlas.inventory import render_pages
from optout_atlas.render import MACROS, PageMacros, Templates
from optout_atlas.translation import Untranslated

# ---------------------------------------------------------------------------------------------
# The site's Markdown
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def to_html():
    """Markdown to HTML with the extensions and settings of the site's mkdocs.yml."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    converter = python_markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )

    def convert(text: str) -> BeautifulSoup:
        converter.reset()
        return BeautifulSoup(converter.convert(text), "html.parser")

    return convert


def _made_by_the_value(soup: BeautifulSoup, allowed: set[str]) -> list[str]:
    """Elements in ``soup`` beyond the ``allowed`` names, and attributes that run script, load
    something, style or redirect, or link anywhere but to a page, an anchor or https."""
    found = []
    for element in soup.find_all(True):
        if element.name not in allowed:
            found.append(f"<{element.name}>")
        for name, value in element.attrs.items():
            if name.startswith("on") or name in {
                "src",
                "srcdoc",
                "style",
                "http-equiv",
                "action",
                "formaction",
            }:
                found.append(f"{element.name}[{name}]")
            if name == "href" and not re.match(r"(https://|#|guide\.md$)", value):
                found.append(f"{element.name}[href={value}]")
    return found


# Values validation rejects, by class. Each: (the value, what a reader must see).
HOSTILE_TEXT = {
    # raw HTML and comments
    "tag-img-onerror": ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    "tag-script": ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    "tag-closing-title": ("</title><script>alert(1)</script>", "</title><script>alert(1)</script>"),
    "meta-refresh": (
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    ),
    "html-comment": ("a <!-- hidden --> b", "a <!-- hidden --> b"),
    "svg-onload": ("<svg onload=alert(1)>", "<svg onload=alert(1)>"),
    # character references: shown as written, never decoded into markup
    "entity-lt": ("&lt;img src=x onerror=alert(1)&gt;", "&lt;img src=x onerror=alert(1)&gt;"),
    "entity-numeric": ("&#60;script&#62;", "&#60;script&#62;"),
    "entity-hex": ("&#x3C;b&#x3E;", "&#x3C;b&#x3E;"),
    "entity-quot": ("&quot; onmouseover=&quot;x", "&quot; onmouseover=&quot;x"),
    # quotes that would end an attribute
    "quote-double": ('" onmouseover="alert(1)', '" onmouseover="alert(1)'),
    "quote-single": ("' onfocus='alert(1)", "' onfocus='alert(1)"),
    # control and bidi characters: removed (line breaks become spaces)
    "nul": ("a\x00b", "ab"),
    "vertical-tab": ("a\vb", "a b"),
    "escape": ("a\x1b[31mb", "a[31mb"),
    "stx-etx-placeholder": ("a\x02wzxhzdk:0\x03b", "awzxhzdk:0b"),
    "c1-control": ("a\x85b\x9bc", "a bc"),
    "bidi-override": ("abc\u202edcba\u202c", "abcdcba"),
    "bidi-isolate": ("a\u2066b\u2069", "ab"),
    "line-separator": ("a\u2028b", "a b"),
    # newlines that would start blocks
    "newline-admonition": ('step\n\n!!! danger "Pay here"\n    now', 'step !!! danger "Pay here" now'),
    "newline-heading": ("step\n# Hacked", "step # Hacked"),
    "newline-code-block": ("step\n\n        code", "step code"),
    "newline-table-row": ("x\n| a | b |\n| - | - |", "x | a | b | | - | - |"),
    "crlf-list": ("step\r\n- fake item", "step - fake item"),
    # Markdown syntax inside a line
    "md-link-javascript": ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
    "md-image": ("![x](https://evil.example/x.png)", "![x](https://evil.example/x.png)"),
    "md-autolink": ("<https://evil.example/>", "<https://evil.example/>"),
    "md-emphasis": ("*a* _b_ __c__", "*a* _b_ __c__"),
    "md-code": ("`code` ``x``", "`code` ``x``"),
    "md-pipe": ("a | b", "a | b"),
    "md-footnote": ("[^x] and [TOC]", "[^x] and [TOC]"),
    "md-attr-list": ("text{: onclick=alert(1) }", "text{: onclick=alert(1) }"),
    "md-emoji": (":material-alert: :smile:", ":material-alert: :smile:"),
    "md-backslash": ("C:\\path\\*", "C:\\path\\*"),
    "md-tilde-fence": ("~~~", "~~~"),
    # a start that Markdown reads as a block
    "start-heading": ("# heading", "# heading"),
    "start-list": ("- item", "- item"),
    "start-plus": ("+ item", "+ item"),
    "start-ordered": ("1. item", "1. item"),
    "start-quote": ("> quote", "> quote"),
    "start-indent": ("    code", "    code"),
    "start-admonition": ('!!! danger "x"', '!!! danger "x"'),
    "start-details": ("??? note", "??? note"),
    "start-tab": ('=== "Tab"', '=== "Tab"'),
    "start-setext": ("===", "==="),
    "start-rule": ("---", "---"),
    "start-definition": (": definition", ": definition"),
}

# Where a page template puts a value; VALUE is replaced by the escaped value.
CONTEXTS = {
    "paragraph": ("VALUE", {"p"}),
    "after-text": ("Text: VALUE", {"p"}),
    "list-item": ("- VALUE", {"ul", "li"}),
    "ordered-step": ("1. VALUE", {"ol", "li"}),
    "heading": ("### VALUE { #h }", {"h3", "a"}),
    "table-cell": ("| A | B |\n| --- | --- |\n| VALUE | x |", {"table", "thead", "tbody", "tr", "th", "td"}),
    "link-text": ("[VALUE](guide.md)", {"p", "a"}),
    "admonition-title": ('!!! warning "VALUE"\n    body', {"div", "p"}),
    "tab-title": ('=== "VALUE"\n\n    body', {"div", "input", "label", "p"}),
    "html-span-cell": (
        '<table markdown><tr markdown><td markdown="span">VALUE</td></tr></table>',
        {"table", "tr", "td"},
    ),
    "raw-html-block": ("<div>\n<p>VALUE</p>\n</div>", {"div", "p"}),
}


@pytest.mark.parametrize("context", list(CONTEXTS))
@pytest.mark.parametrize(("value", "seen"), list(HOSTILE_TEXT.values()), ids=list(HOSTILE_TEXT))
def test_markdown_text_is_shown_as_written_and_makes_no_markup(to_html, context, value, seen):
    template, allowed = CONTEXTS[context]
    soup = to_html(template.replace("VALUE", escape.markdown(value)))
    allowed = allowed | {"a"} if context == "heading" else allowed
    assert _made_by_the_value(soup, allowed) == []
    if context in ("tab-title",):
        shown = soup.find("label").get_text()
    elif context == "heading":
        shown = soup.find("h3").contents[0]
        shown = shown.get_text() if hasattr(shown, "get_text") else str(shown)
    elif context == "table-cell":
        shown = soup.find("tbody").find("td").get_text()
    elif context == "admonition-title":
        shown = soup.find("p", class_="admonition-title").get_text()
    else:
        shown = soup.get_text().strip()
        shown = shown.removeprefix("Text: ")
    expected = seen.strip() if context in ("heading", "table-cell", "tab-title", "admonition-title") else seen
    assert " ".join(shown.split()) == " ".join(expected.split())


def test_bold_label_stays_bold_and_its_inside_is_text(to_html):
    soup = to_html(escape.markdown("Switch off **Use <my> data & [AI]**."))
    assert str(soup.find("strong")) == "<strong>Use &lt;my&gt; data &amp; [AI]</strong>"
    assert soup.get_text() == "Switch off Use <my> data & [AI]."


def test_untranslated_english_is_marked_and_still_escaped(to_html):
    soup = to_html("- " + escape.markdown(Untranslated("<b>Turn off</b> *it*")))
    span = soup.find("span")
    assert span.attrs == {"lang": "en", "class": ["atlas-untranslated"]}
    assert span.get_text() == "<b>Turn off</b> *it*"
    assert soup.find("b") is None and soup.find("em") is None


# ---------------------------------------------------------------------------------------------
# Attributes, titles, front matter
# ---------------------------------------------------------------------------------------------

ATTRIBUTE_VALUES = {
    "double-quote": ('x" onmouseover="alert(1)', 'x" onmouseover="alert(1)'),
    "single-quote": ("x' onmouseover='alert(1)", "x' onmouseover='alert(1)"),
    "tag": ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    "entity-stays-text": ("&lt;b&gt; &quot;", "&lt;b&gt; &quot;"),
    "newline": ("a\nb", "a b"),
    "control": ("a\x00\x1bb", "ab"),
}


@pytest.mark.parametrize(("value", "seen"), list(ATTRIBUTE_VALUES.values()), ids=list(ATTRIBUTE_VALUES))
@pytest.mark.parametrize("quote", ['"', "'"])
def test_attribute_value_stays_inside_its_attribute(value, seen, quote):
    page = BeautifulSoup(f"<p data-label={quote}{escape.attribute(value)}{quote} id=x>t</p>", "html.parser")
    assert page.p.attrs == {"data-label": seen, "id": "x"}


@pytest.mark.parametrize(("value", "seen"), list(ATTRIBUTE_VALUES.values()), ids=list(ATTRIBUTE_VALUES))
def test_attribute_of_translated_markdown_is_its_text(value, seen):
    """A UI string (Markdown-escaped) put into an attribute: the reader's text, escaped once."""
    page = BeautifulSoup(f'<p title="{escape.attribute(escape.markdown(value))}">t</p>', "html.parser")
    assert page.p["title"] == seen


@pytest.mark.parametrize(("value", "seen"), list(ATTRIBUTE_VALUES.values()), ids=list(ATTRIBUTE_VALUES))
def test_front_matter_title_is_html_text_in_one_line_of_yaml(value, seen):
    """Titles go to MkDocs as HTML (Material prints them as they are, in <title> and in
    attributes): the YAML value decodes to escaped HTML that shows the value's text."""
    line = f"title: {escape.front_matter(escape.html_text(value))}"
    assert "\n" not in line
    title = yaml.safe_load(line)["title"]
    page = BeautifulSoup(f'<head><title>{title}</title><meta content="{title}"></head>', "html.parser")
    assert page.title.get_text() == seen
    assert page.meta["content"] == seen


@pytest.mark.parametrize(
    "value",
    [
        "a\x85b",
        "a\u2028b\u2029c",
        "\ufeffbom",
        "emoji \U0001f600 and 中文",
        "tab\tand \x7f del",
        "\ud800 lone",
    ],
    ids=["nel", "line-separators", "bom", "astral-and-cjk", "tab-del", "lone-surrogate"],
)
def test_front_matter_yaml_reads_back_any_text(value):
    structure = {"name": value, "steps": [value, {"text": value}]}
    read = yaml.safe_load(f"x: {escape.front_matter(structure)}")["x"]
    assert read == json.loads(json.dumps(escape._plain_structure(structure)))
    assert read["name"] == escape.clean(value)


def test_json_ld_cannot_end_its_script_element():
    """main.html prints JSON-LD with Jinja's tojson: no "</script" and no "<!--" survive."""
    import jinja2

    text = "</script><script>alert(1)</script><!-- x --> ' &"
    out = jinja2.Environment().from_string("{{ data | tojson }}").render(data={"name": text})
    assert "</" not in out and "<!--" not in out and "<" not in out
    assert json.loads(out)["name"] == text


# ---------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------

URLS = {
    # kept, percent-encoded where a character could end a link or an attribute
    "plain": ("https://example.com/help/ai", "https://example.com/help/ai"),
    "bare-host": ("https://example.com", "https://example.com"),
    "bare-host-query": ("https://example.com?a=b", "https://example.com?a=b"),
    "host-case": ("https://EXAMPLE.com/A?B=C", "https://example.com/A?B=C"),
    "paren-close": ("https://example.com/a)b", "https://example.com/a%29b"),
    "parens": ("https://en.example.org/wiki/X_(y)", "https://en.example.org/wiki/X_%28y%29"),
    "quotes-in-query": ('https://example.com/x?a=1&b="2"', "https://example.com/x?a=1&b=%222%22"),
    "sub-delims": ("https://example.com/'*[]!$;,=", "https://example.com/%27%2A%5B%5D%21%24%3B,="),
    "angle-brackets": ("https://example.com/<img/onerror=x>", "https://example.com/%3Cimg/onerror=x%3E"),
    "entity-like": ("https://example.com/?a=1&lt;b&copy=2", "https://example.com/?a=1&lt%3Bb&copy=2"),
    "percent-kept": ("https://example.com/a%2Fb%zz", "https://example.com/a%2Fb%25zz"),
    "backtick-star": ("https://example.com/`x`*y*", "https://example.com/%60x%60%2Ay%2A"),
    "fragment": ("https://example.com/p#a)b#c", "https://example.com/p#a%29b%23c"),
    "unicode-path": ("https://example.com/über", "https://example.com/%C3%BCber"),
    "idn-host": ("https://bücher.example/", "https://xn--bcher-kva.example/"),
    "port": ("https://example.com:8443/x", "https://example.com:8443/x"),
    # refused: the link goes nowhere
    "javascript": ("javascript:alert(1)", escape.UNSAFE_URL),
    "javascript-mixed-case": ("JaVaScRiPt:alert(1)", escape.UNSAFE_URL),
    "data": ("data:text/html,<script>alert(1)</script>", escape.UNSAFE_URL),
    "http": ("http://example.com/", escape.UNSAFE_URL),
    "protocol-relative": ("//evil.example/", escape.UNSAFE_URL),
    "relative": ("/admin", escape.UNSAFE_URL),
    "credentials": ("https://user:pw@example.com/", escape.UNSAFE_URL),
    "backslash-host": ("https://example.com\\@evil.example/", escape.UNSAFE_URL),
    "space": ("https://example.com/a b", escape.UNSAFE_URL),
    "newline": ("https://example.com/\nx", escape.UNSAFE_URL),
    "nul": ("https://example.com/\x00", escape.UNSAFE_URL),
    "bad-port": ("https://example.com:99999/", escape.UNSAFE_URL),
    "host-with-quote": ('https://exa"mple.com/', escape.UNSAFE_URL),
    "empty": ("", escape.UNSAFE_URL),
}


@pytest.mark.parametrize(("value", "expected"), list(URLS.values()), ids=list(URLS))
def test_url_is_an_https_address_encoded_for_any_link(to_html, value, expected):
    address = escape.url(value)
    assert address == expected
    # As a Markdown link, an autolink and a raw HTML attribute: one link, to exactly that address.
    for source in (
        f"[Open it]({address})",
        f"<{address}>",
        f'<p><a href="{escape.attribute(address)}">x</a></p>',
    ):
        soup = to_html(source)
        links = soup.find_all("a")
        assert [link["href"] for link in links] == [expected], source
        assert _made_by_the_value(soup, {"p", "a"}) == [], source


# ---------------------------------------------------------------------------------------------
# XML: the feed and the badges
# ---------------------------------------------------------------------------------------------

XML_VALUES = {
    "nul": ("a\x00b", "ab"),
    "escape": ("a\x1bb", "ab"),
    "vertical-tab-form-feed": ("a\vb\fc", "a b c"),
    "noncharacter": ("a\ufffeb\uffffc", "abc"),
    "lone-surrogate": ("a\udc80b", "ab"),
    "markup": ('</title><script>alert("x")</script>&amp;', '</title><script>alert("x")</script>&amp;'),
}


@pytest.mark.parametrize(("value", "seen"), list(XML_VALUES.values()), ids=list(XML_VALUES))
def test_feed_and_badge_are_well_formed_xml_whatever_the_text(data_dir, value, seen):
    from optout_atlas.dataset import load_dataset

    dataset = load_dataset(data_dir, today=TODAY)
    platform = dataset.platforms[0]
    event = platform.events[0]
    hostile_event = dataclasses.replace(event, text=value)
    hostile = dataclasses.replace(platform, name=value, events=(hostile_event,))
    dataset = dataclasses.replace(dataset, platforms=(hostile,))
    renderer = Templates(ROOT / "overrides", today=TODAY).renderer(dataset)
    atom_feed = ElementTree.fromstring(feed(renderer).encode("utf-8"))
    atom = "{http://www.w3.org/2005/Atom}"
    entry = atom_feed.find(f"{atom}entry")
    assert entry.find(f"{atom}summary").text == seen
    assert entry.find(f"{atom}title").text.startswith(f"{seen}: ")
    svg_badge = ElementTree.fromstring(badge(renderer, hostile).encode("utf-8"))
    svg = "{http://www.w3.org/2000/svg}"
    assert svg_badge.find(f"{svg}title").text.startswith(f"AI training · {seen}: ")
    assert svg_badge.get("aria-label").startswith(f"AI training · {seen}: ")
    assert [element.tag for element in svg_badge.iter()].count(f"{svg}script") == 0


# ---------------------------------------------------------------------------------------------
# The templates cannot print a raw value
# ---------------------------------------------------------------------------------------------


def test_page_templates_escape_what_they_print_and_cannot_mark_it_safe():
    import jinja2

    env = Templates(ROOT / "overrides", today=TODAY).env
    value = "<b>*x*</b> [a](javascript:b)"
    assert env.from_string("{{ value }}").render(value=value) == str(escape.markdown(value))
    assert env.from_string("{{ value | replace('x', 'y') }}").render(value=value) == str(
        escape.markdown(value.replace("x", "y"))
    )
    assert env.from_string("{{ [value, value] | join(', ') }}").render(value=value) == str(
        escape.markdown(f"{value}, {value}")
    )
    assert env.from_string("{{ value | e }}").render(value=value) == str(escape.markdown(value))
    # A macro's markup is printed as it is; put together with a value, the whole is text.
    m = PageMacros(env.get_template(MACROS).module)
    assert env.from_string("{{ m.status_icon('opt_out') }}").render(m=m) == ":material-toggle-switch:"
    joined = env.from_string("{{ m.status_icon('opt_out') ~ value }}").render(m=m, value=value)
    assert joined == str(escape.markdown(":material-toggle-switch:" + value))
    for unsafe in ("safe", "forceescape", "tojson", "urlize", "xmlattr"):
        with pytest.raises(jinja2.TemplateAssertionError, match=f"No filter named '{unsafe}'"):
            env.from_string(f"{{{{ value | {unsafe} }}}}")


def test_ui_string_and_the_values_put_into_it_are_escaped():
    renderer = Templates(ROOT / "overrides", today=TODAY)
    renderer._translate = lambda context, text: {"Owner: %(owner)s": "<i>Eigentümer</i>: %(owner)s"}.get(
        text, text
    )
    out = renderer.env.from_string('{{ _("Owner: %(owner)s", owner="*Corp* <b>") }}').render()
    assert out == "&lt;i&gt;Eigentümer&lt;/i&gt;: &#42;Corp&#42; &lt;b&gt;"
    # A value at the start of a line that would start a list once put in place is escaped.
    renderer._translate = lambda context, text: "%(date)s. Schritt" if text == "Step %(date)s" else text
    assert renderer.env.from_string('{{ _("Step %(date)s", date="1") }}').render() == "1&#46; Schritt"


def test_broken_placeholder_in_a_translation_falls_back_to_english():
    renderer = Templates(ROOT / "overrides", today=TODAY)
    renderer._translate = lambda context, text: (
        "Eigentümer: %(besitzer)s %" if text.startswith("Owner") else text
    )
    out = renderer.env.from_string('{{ _("Owner: %(owner)s", owner="Corp") }}').render()
    assert out == "Owner: Corp"


def test_navigation_titles_are_html_text():
    renderer = Templates(ROOT / "overrides", today=TODAY)
    renderer._translate = lambda context, text: '<img src=x onerror="a">' if text == "Guides" else text
    assert renderer.section_title("guides") == "&lt;img src=x onerror=&quot;a&quot;&gt;"
    assert html.unescape(renderer.section_title("guides")) == '<img src=x onerror="a">'


# A marker is "zq<n>zq" followed by TAIL; every string of the data gets its own n.
TAIL = '<i x=1>"\'&amp;*_`[a](javascript:alert(1))|\\{~}:x:\n!!! danger "y"\n# h\x00\x1b\u202e'
URL_TAIL = ")(<i>\"'*[x]!$;,=&amp;%zz`"
MARKER = re.compile(r"z([qu])(\d+)z[qu]")


def _allowed_forms(tail: str) -> list[str]:
    """Every escaped form a marker's TAIL may take in a page template's output."""
    plain = " ".join(escape.clean(tail).split())
    return [
        str(escape.markdown(tail, line_start=False)),
        str(escape.attribute(tail)),
        str(escape.html_text(tail)),
        json.dumps(escape.clean(tail))[1:-1],
        json.dumps(plain)[1:-1],
        json.dumps(str(escape.html_text(tail)))[1:-1],
        str(escape.url("https://example.com/zq0zq" + tail)).removeprefix("https://example.com/zq0zq"),
        # in an address the model builds with quote() (an archive's history page)
        str(escape.url("https://example.com/zq0zq" + quote(tail))).removeprefix("https://example.com/zq0zq"),
    ]


def raw_values(output: str, tails: dict[str, list[str]]) -> list[str]:
    """Each place in ``output`` where a marker is followed by none of its tails' escaped forms."""
    forms = {
        kind: [form for tail in kind_tails for form in _allowed_forms(tail)]
        for kind, kind_tails in tails.items()
    }
    bad = []
    for match in MARKER.finditer(output):
        rest = output[match.end() :]
        if not any(rest.startswith(form) for form in forms[match[1]]):
            bad.append(output[max(0, match.start() - 40) : match.end() + 40])
    return bad


def test_the_marker_check_finds_a_value_printed_raw_or_escaped_for_html_only():
    """The check below must be able to fail: raw, or escaped for HTML but not for Markdown."""
    tails = {"q": [TAIL], "u": [TAIL]}
    assert raw_values(f"x zq1zq{TAIL} y", tails) != []
    assert raw_values(f"x zq1zq{html.escape(TAIL)} y", tails) != []
    assert raw_values(f"x zq1zq{escape.markdown(TAIL, line_start=False)} y", tails) == []


def _text_dates(value):
    """YAML dates as the data loader keeps them (text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_text_dates(item) for item in value]
    return value


def _is_scalar_or_list(value) -> bool:
    """A value of ids, codes or dates (not a mapping, not a list of mappings such as sources)."""
    return not isinstance(value, dict) and not (
        isinstance(value, list) and value and isinstance(value[0], dict)
    )


def _hostile_dataset(tmp_path, addresses: str = "https"):
    """The example platform with every text and address a marker, regions and categories too,
    bypassing validation (which would reject most of it). ``addresses``: "https" (valid, with
    characters that end links) or "javascript" (a script address)."""
    from conftest import EXAMPLE, with_archive

    from optout_atlas.dataset import build_dataset

    text = with_archive(EXAMPLE)
    raw_platform = yaml.safe_load(text)
    raw_platform["icon"] = "material/shield"
    raw_platform["myths"] = [{"text": "myth", "sources": ["example-help"]}]
    raw_platform["sharing"] = [
        {"recipient": "r", "purpose": "p", "text": "t", "sources": ["example-help"], "regions": ["EEA"]}
    ]
    raw_platform["watch"] = [
        {"document": "d", "url": "https://example.com/w", "archive": "none"},
        {
            "document": "d",
            "url": "https://example.com/w",
            "archive": {"collection": "contrib", "service": "Example", "document": "Terms of Service"},
        },
    ]
    mechanism = raw_platform["mechanisms"][0]
    mechanism["url_note"] = "note"
    mechanism["localized_labels"] = {"de": {"text": "label", "sources": ["example-help"]}}
    raw_platform["sources"][0]["note"] = "note"
    raw_platform["defaults"][0]["note"] = "note"
    raw_platform["data"][0]["regions"] = ["EEA"]
    regions = yaml.safe_load((ROOT / "data" / "regions.yml").read_text())
    categories = yaml.safe_load((ROOT / "data" / "categories.yml").read_text())
    counter = iter(range(1, 100000))
    where: dict[int, str] = {}
    structural = {
        "id",
        "sources",
        "regions",
        "status",
        "kind",
        "category",
        "date",
        "since",
        "published",
        "accessed",
        "last_verified",
        "recorded",
        "type",
        "icon",
        "collection",
        "service",
        "members",
        "archive",
    }

    def mark(value, path):
        if isinstance(value, dict):
            return {
                k: (_text_dates(v) if k in structural and _is_scalar_or_list(v) else mark(v, f"{path}.{k}"))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [mark(item, f"{path}[]") for item in value]
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            n = next(counter)
            where[n] = path
            if path.endswith((".url", ".via")):
                if addresses == "javascript":
                    return f"javascript:alert(document.domain)//zq{n}zq"
                return f"https://example.com/zq{n}zq{URL_TAIL}"
            return f"zq{n}zq{TAIL}"
        return value

    raw = {
        "platforms": {"example": mark(raw_platform, "platform")},
        "regions": {"groups": [g if g["id"] != "EEA" else mark(g, "regions.EEA") for g in regions["groups"]]},
        "categories": mark(categories, "categories"),
    }
    raw["platforms"]["example"]["watch"][0]["archive"] = "none"
    return build_dataset(raw, data_dir=tmp_path), where


def _hostile_ui_catalog(locales):
    """A German UI catalog whose every translation is a marker followed by the English text."""
    from babel.messages.pofile import read_po, write_po

    with (ROOT / "locales" / "ui.pot").open("rb") as handle:
        catalog = read_po(handle, locale="de")
    for n, message in enumerate(catalog, start=1):
        if message.id:
            message.string = f"zu{n}zu{TAIL} {message.id}"
    folder = locales / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "ui.po").open("wb") as handle:
        write_po(handle, catalog)


# Text fields that no template prints (the export has them), and the label a language does
# not show: English pages show the label, a page in a language with its own label shows that.
NOT_PRINTED = {"platform.sharing[].purpose", "platform.sources[].archive.document"}
NOT_SHOWN_IN = {"en": "platform.mechanisms[].localized_labels.de.text", "de": "platform.mechanisms[].label"}


def _markup_from_values(soup: BeautifulSoup) -> list[str]:
    """What TAIL would make if a template let it through as Markdown or HTML."""
    found = [f"<{e.name}>" for e in soup.find_all(["i", "script", "img", "iframe", "meta"])]
    found += [
        f"href={a['href']}" for a in soup.find_all("a", href=True) if a["href"].startswith("javascript")
    ]
    found += ["danger admonition" for _ in soup.select(".admonition.danger")]
    found += [f"{e.name}[{n}]" for e in soup.find_all(True) for n in e.attrs if n.startswith("on")]
    return found


@pytest.mark.parametrize("addresses", ["https", "javascript"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_no_template_prints_a_raw_value(tmp_path, to_html, language, addresses):
    """Every page template, marker block, feed and badge, rendered from data whose every text
    is hostile (and, in German, a UI catalog whose every translation is): each value appears
    only in one of its escaped forms, and every text field of the data is printed somewhere."""
    from optout_atlas import translation

    dataset, where = _hostile_dataset(tmp_path, addresses)
    locales = tmp_path / "locales"
    if language == "de":
        _hostile_ui_catalog(locales)
        dataset = translation.localize(dataset, "de", locales)  # no data.po: English, marked
    templates = Templates(
        ROOT / "overrides",
        language=language,
        today=TODAY,
        locales_dir=locales if language == "de" else None,
        site_url="https://atlas.example/a_b/",
    )
    renderer = templates.renderer(dataset)
    outputs = dict(render_pages(renderer))
    for marker in ("platforms", "statuses", "regions"):
        outputs[f"marker:{marker}"] = renderer.marker(marker, src_uri="index.md")
    outputs["stale"] = templates.stale_translation_notice()
    outputs["nav"] = str(templates.section_title("guides"))
    tails = {"q": [TAIL, URL_TAIL], "u": [TAIL]}
    for name, output in outputs.items():
        assert raw_values(output, tails) == [], name
        if name == "nav":  # HTML, as Material prints it
            assert _markup_from_values(BeautifulSoup(output, "html.parser")) == [], name
            continue
        body = output.split("\n---\n", 1)[1] if output.startswith("---\n") else output
        assert _markup_from_values(to_html(body)) == [], name
    printed = {int(m[2]) for output in outputs.values() for m in MARKER.finditer(output) if m[1] == "q"}
    missing = set(where.values()) - {where[n] for n in printed}
    refused = (
        {path for path in where.values() if path.endswith((".url", ".via"))}
        if addresses == "javascript"
        else set()
    )
    assert missing == NOT_PRINTED | {NOT_SHOWN_IN[language]} | refused
    if language == "de":
        assert any(m[1] == "u" for m in MARKER.finditer(outputs["guides/example.md"]))
    # The XML outputs parse, and hold the values as text.
    platform = dataset.platforms[0]
    for xml in (
        feed(renderer),
        badge(renderer, platform),
        badge(renderer, platform, "EEA"),
    ):
        root = ElementTree.fromstring(xml.encode("utf-8"))
        texts = " ".join(root.itertext()) + " ".join(v for e in root.iter() for v in e.attrib.values())
        assert "zq" in texts and "<i x=1>" in texts
        assert not any(e.tag.endswith(("script", "i")) for e in root.iter())


def test_the_projects_addresses_are_printed_as_written(dataset):
    """Encoding changes no address of the real data (links stay the ones the link checker and
    the sources' readers know), apart from the case of a host name."""
    addresses = [
        address
        for platform in dataset.platforms
        for address in (
            *(source.url for source in platform.sources.values()),
            *(source.via for source in platform.sources.values() if source.via),
            *(mechanism.url for mechanism in platform.mechanisms if mechanism.url),
            *(document.url for document in platform.watch),
        )
    ]
    assert len(addresses) > 100
    assert [a for a in addresses if escape.url(a) != a] == []
