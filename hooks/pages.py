"""Generate the pages of facts, in every language, from the platform data: a guide and an
embeddable version of it per platform, the comparison, the timeline, and a page per region. Region
guide and embed pages stay out of the navigation (guides and regions are linked from their index
pages), so that the sidebar of every page does not grow with the number of platforms or regions.

Generated pages must cooperate with mkdocs-static-i18n, which re-creates every File from disk in
its ``on_files`` (priority -100) and drops files it cannot place in ``docs_dir``. So ``on_files``
runs twice (see ``research/mkdocs-pipeline.md`` §1.2):

- ``_add_generated`` (priority 50, before i18n): adds every page for *every* language, with a
  source path that pretends to live in ``docs_dir``, so that i18n can compute the alternates
  (language switcher, sitemap) of each page;
- ``_restore_generated`` (priority -200, after i18n): puts the generated Markdown back into the
  File objects i18n re-created, and marks them as generated (no "edit this page" to a file that
  does not exist).

Both run once per language build; rendering is cached per data version and language.
"""

from __future__ import annotations

import os
import posixpath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from optout_atlas import site
from optout_atlas.dataset import Dataset
from optout_atlas.render import TEMPLATE_DIR

GENERATED_BY = "hooks/pages.py"

# src_uri -> Markdown, for the files added in this build
_contents: dict[str, str] = {}
# Pages linked from an index page rather than listed in the navigation.
# Guides are listed on their index (and the home page) rather than in the sidebar: the sidebar is
# rendered into every page, so listing N guides there would make the build quadratic in N.
NOT_IN_NAV_PREFIXES = ("guides/", "regions/", "embed/")
# Rendered pages per language, for one version of the data: every language build needs every
# language's pages, but each language is rendered only once.
_rendered: dict[str, dict[str, str]] = {}
_rendered_from: list[Dataset] = []

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
    _contents.clear()
    for language in site.languages(config):
        for src_uri, markdown in _pages(config, language).items():
            uri = site.localized_uri(src_uri, language, default)
            if files.get_file_from_path(uri) is not None:
                raise Abort(f"docs/{uri} exists, but {GENERATED_BY} generates that page; remove the file")
            file = File.generated(config, uri, content=markdown, inclusion=_inclusion(src_uri))
            file.abs_src_path = os.path.join(config.docs_dir, file.src_path)  # see module docstring
            _contents[uri] = markdown
            files.append(file)
    return files


@event_priority(-200)  # after the i18n plugin re-created the files
def _restore_generated(files: Files, *, config: MkDocsConfig) -> Files:
    for file in files:
        if file.src_uri in _contents:
            file.content_string = _contents[file.src_uri]
            file.generated_by = GENERATED_BY
            file.inclusion = _inclusion(file.src_uri)
    return files


on_files = CombinedEvent(_add_generated, _restore_generated)

# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _pages(config: MkDocsConfig, language: str) -> dict[str, str]:
    english = site.dataset(config)
    if not _rendered_from or _rendered_from[0] is not english:
        _rendered.clear()
        _rendered_from[:] = [english]
    if language not in _rendered:
        dataset = site.localized(config, language)
        renderer = site.renderer(config, language)
        pages = {"guides/index.md": renderer.guides_index(dataset)}
        for platform in dataset.platforms:
            pages[f"guides/{platform.id}.md"] = renderer.guide(dataset, platform)
            pages[f"embed/{platform.id}.md"] = renderer.embed(dataset, platform)
        pages["compare.md"] = renderer.compare(dataset)
        pages["timeline.md"] = renderer.timeline(dataset)
        pages["regions/index.md"] = renderer.regions_index(dataset)
        for code, _name in renderer.region_links(dataset):
            pages[f"regions/{code.lower()}.md"] = renderer.region(dataset, code)
        _rendered[language] = pages
    return _rendered[language]


def _inclusion(src_uri: str) -> InclusionLevel:
    """Index pages and pages outside ``NOT_IN_NAV_PREFIXES`` go in the navigation (any language)."""
    is_index = posixpath.basename(src_uri).split(".")[0] == "index"
    in_nav = is_index or not src_uri.startswith(NOT_IN_NAV_PREFIXES)
    return InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
