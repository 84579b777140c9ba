"""Generate the pages of facts, in every language, from the platform data: a guide and an
embeddable version of it per platform, the comparison, the timeline, and a page per region. Region
guide and embed pages stay out of the navigation (guides and regions are linked from their index
pages), so that the sidebar of every page does not grow with the number of platforms or regions.

Generated pages must cooperate with mkdocs-static-i18n, which re-creates every File from disk in
its ``on_files`` (priority -100) and drops files it cannot place in ``docs_dir``: a File added
before it loses its content, and one added after it is missing from the language switcher and
the sitemap. So ``on_files`` runs twice:

- ``_add_generated`` (priority 50, before i18n): adds every page for *every* language, with a
  source path that pretends to live in ``docs_dir``, so that i18n can compute the alternates
  (language switcher, sitemap) of each page. This needs the list of pages, not their content;
- ``_restore_generated`` (priority -200, after i18n): puts the generated Markdown into the File
  objects i18n re-created (the pages of the language being built), and marks them as generated
  (no "edit this page" to a file that does not exist).

Both run once per language build. A language's pages are rendered in that language's build, so
each page is rendered once per build, and only one language's pages are in memory at a time
(holding every language's pages would take memory in proportion to platforms times languages).
"""

from __future__ import annotations

import os
import posixpath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from optout_atlas import inventory, site
from optout_atlas.dataset import Dataset
from optout_atlas.render import TEMPLATE_DIR

GENERATED_BY = "hooks/pages.py"

# The pages added in this language build: src_uri -> (language, src_uri in the default language)
_generated: dict[str, tuple[str, str]] = {}
# Pages linked from an index page rather than listed in the navigation.
# Guides are listed on their index (and the home page) rather than in the sidebar: the sidebar is
# rendered into every page, so listing N guides there would make the build quadratic in N.
NOT_IN_NAV_PREFIXES = ("guides/", "regions/", "embed/")
# The pages rendered in this language build, by language (normally only the language being built)
_rendered: dict[str, dict[str, str]] = {}
# The dataset of this language build (validated by hooks/data.py at the start of the build)
_dataset: list[Dataset] = []

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


@event_priority(50)  # before the i18n plugin's on_files (-100)
def _add_generated(files: Files, *, config: MkDocsConfig) -> Files:
    default = site.default_language(config)
    # The page templates live in the theme's custom_dir, so MkDocs would copy them into the site.
    prefix = f"{TEMPLATE_DIR}/"
    templates = [f for f in files if f.src_uri.startswith(prefix) and f.src_dir != config.docs_dir]
    for file in templates:
        files.remove(file)
    english = site.dataset(config)
    _dataset[:] = [english]
    _generated.clear()
    _rendered.clear()
    paths = _page_paths(config, english)
    for language in site.languages(config):
        for src_uri in paths:
            uri = site.localized_uri(src_uri, language, default)
            if files.get_file_from_path(uri) is not None:
                raise Abort(f"docs/{uri} exists, but {GENERATED_BY} generates that page; remove the file")
            # No content yet: i18n re-creates the file from its path anyway (see module docstring).
            file = File.generated(config, uri, content="", inclusion=_inclusion(src_uri))
            file.abs_src_path = os.path.join(config.docs_dir, file.src_path)  # see module docstring
            _generated[uri] = (language, src_uri)
            files.append(file)
    return files


@event_priority(-200)  # after the i18n plugin re-created the files
def _restore_generated(files: Files, *, config: MkDocsConfig) -> Files:
    for file in files:
        if file.src_uri in _generated:
            language, src_uri = _generated[file.src_uri]
            file.content_string = _pages(config, language)[src_uri]
            file.generated_by = GENERATED_BY
            file.inclusion = _inclusion(file.src_uri)
    return files


on_files = CombinedEvent(_add_generated, _restore_generated)

# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _page_paths(config: MkDocsConfig, english: Dataset) -> list[str]:
    """Every generated page, as its source path in the default language, in the order the
    default language renders them. That order is the site's: i18n places each page where its
    first file appears, and the default language's files are added first."""
    default = site.default_language(config)
    return inventory.page_paths(
        site.renderer(config, default, site.localized(config, default, english=english))
    )


def _pages(config: MkDocsConfig, language: str) -> dict[str, str]:
    """The pages of ``language``, by source path in the default language: rendered once per
    language build, from the dataset that build validated."""
    if language not in _rendered:
        _rendered.clear()  # a language build needs only its own language
        dataset = site.localized(config, language, english=_dataset[0])
        _rendered[language] = inventory.render_pages(site.renderer(config, language, dataset))
    return _rendered[language]


def _inclusion(src_uri: str) -> InclusionLevel:
    """Index pages and pages outside ``NOT_IN_NAV_PREFIXES`` go in the navigation (any language)."""
    is_index = posixpath.basename(src_uri).split(".")[0] == "index"
    in_nav = is_index or not src_uri.startswith(NOT_IN_NAV_PREFIXES)
    return InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
