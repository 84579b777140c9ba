"""Order the top level of the navigation (home, guides, comparison, regions, timeline, method)
and name the sections of generated pages in the page's language.

MkDocs' automatic navigation sorts pages alphabetically, which would put the method page first;
listing every generated page in ``nav:`` instead would mean editing ``mkdocs.yml`` for every new
platform. The order lives in ``extra.atlas.nav_order`` as source paths (``guides/`` for a section).

Events:

- ``on_nav`` runs once per language build, after the i18n plugin has built that language's
  navigation (priority -100); items not in the list keep their place after the listed ones.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from optout_atlas import site

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


@event_priority(-150)  # after the i18n plugin's on_nav (-100)
def on_nav(nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
    order = (config.extra.get("atlas") or {}).get("nav_order") or []
    if order:
        nav.items.sort(key=lambda item: _rank(item, order))
    templates = site.templates(config, site.current_language(config))
    for item in nav.items:
        if isinstance(item, Section) and (key := _key(item)):
            item.title = templates.section_title(key.rstrip("/"))
    return nav


# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _rank(item, order: list[str]) -> int:
    key = _key(item)
    return order.index(key) if key in order else len(order)


def _key(item) -> str:
    """``guides/`` for a section of generated guides, ``about.md`` for a page (any language)."""
    if isinstance(item, Section):
        pages = [child for child in item.children if isinstance(child, Page)]
        return (pages[0].file.src_uri.split("/")[0] + "/") if pages else ""
    if isinstance(item, Page):
        name = item.file.src_uri.split(".")[0]
        return f"{name}.md"
    return ""
