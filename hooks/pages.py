"""Generate the guide pages (one per platform, in every language) from the platform data.

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

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files

from optout_atlas import site
from optout_atlas.dataset import Dataset

GENERATED_BY = "hooks/pages.py"

# src_uri -> Markdown, for the files added in this build
_contents: dict[str, str] = {}
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
    _contents.clear()
    for language in site.languages(config):
        for src_uri, markdown in _pages(config, language).items():
            uri = site.localized_uri(src_uri, language, default)
            if files.get_file_from_path(uri) is not None:
                raise Abort(f"docs/{uri} exists, but {GENERATED_BY} generates that page; remove the file")
            file = File.generated(config, uri, content=markdown)
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
        _rendered[language] = pages
    return _rendered[language]
