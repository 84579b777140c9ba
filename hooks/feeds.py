"""Write an Atom feed of the policy events for each language, and announce it in every page.

The feed of the default language is ``feed.xml`` at the site root; the others are
``<lang>/feed.xml``. Journalists and privacy teams subscribe to it to hear of changes.

Events:

- ``on_page_context`` runs for every page: it tells the template where the page's language's
  feed is, for the ``<link rel="alternate" type="application/atom+xml">`` in the head.
- ``on_post_build`` runs at the end of each language build (the i18n plugin builds the other
  languages from inside the first build's ``on_post_build``): it writes that language's feed.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from optout_atlas import inventory, site

FEED = "feed.xml"

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


def on_page_context(context: dict, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    context["atlas_feed"] = _feed_path(config, site.current_language(config))
    return context


def on_post_build(*, config: MkDocsConfig) -> None:
    renderer = site.renderer(config, site.current_language(config))
    for path, xml in inventory.render_files(renderer, ["feed"]):
        target = Path(config.site_dir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(xml, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _feed_path(config: MkDocsConfig, language: str) -> str:
    return FEED if language == site.default_language(config) else f"{language}/{FEED}"
