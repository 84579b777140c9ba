"""Replace markers in hand-written pages with blocks generated from the data.

A marker is an HTML comment, so a page stays valid Markdown without the hook:

- ``<!-- atlas:platforms -->``: a card per platform with its status per region;
- ``<!-- atlas:statuses -->``: the table of statuses and what they mean;
- ``<!-- atlas:regions -->``: links to the page of every region the data names.

Events:

- ``on_page_markdown`` runs for every page of every language build, after the page's Markdown
  is read and before it is converted to HTML. An unknown ``atlas:`` marker aborts the build.
  A translated page whose English page changed since it was translated (its front matter's
  ``translated_from`` no longer matches, see ``optout_atlas.translated_pages``) gets a notice
  under its title.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from optout_atlas import site, translated_pages

MARKER = re.compile(r"<!--\s*atlas:([a-z-]+)\s*-->")

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


def on_page_markdown(markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if translated_pages.KEY in page.meta and page.file.abs_src_path:
        markdown = _flag_if_stale(markdown, page, config)
    if "atlas:" not in markdown:
        return markdown
    return MARKER.sub(lambda match: _render_marker(match.group(1), page, config), markdown)


# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _flag_if_stale(markdown: str, page: Page, config: MkDocsConfig) -> str:
    path = Path(page.file.abs_src_path)
    english = translated_pages.english_page(path, site.languages(config))
    if english is None or not english.is_file():
        return markdown
    if translated_pages.page_state(path, english).state != "stale":
        return markdown
    notice = site.templates(config, site.current_language(config)).stale_translation_notice()
    title, _newline, rest = markdown.partition("\n")
    if title.startswith("# "):
        return f"{title}\n\n{notice}{rest}"
    return f"{notice}{markdown}"


def _render_marker(name: str, page: Page, config: MkDocsConfig) -> str:
    language = site.current_language(config)
    block = site.renderer(config, language).marker(name, src_uri=page.file.src_uri)
    if block is None:
        raise PluginError(f"{page.file.src_uri}: unknown marker <!-- atlas:{name} -->")
    return block
