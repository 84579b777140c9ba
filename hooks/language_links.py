"""Make the language switcher's links relative, so they work under any sub-path and offline.

With ``site_url`` empty, mkdocs-static-i18n points the switcher of pages that have no
translated twin (the home page of each language) at root-absolute links such as ``/de/``, which
break when the site is served from ``/intranet/optout/`` or opened from a file share: the plugin
builds those links from ``site_url`` alone, and without one it falls back to the server's root.
Material passes each link through the ``url`` filter, which makes a site-relative link relative
to the current page, so the hook only has to strip the leading slash.

Events:

- ``on_page_context`` runs for every page after the i18n plugin (priority 50) has set
  ``config.extra.alternate`` for that page. It edits the links of that list in place: the
  plugin puts a fresh copy on the ``alternate`` attribute for every page, and the theme reads
  the switcher from there.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


@event_priority(-50)  # after the i18n plugin (50)
def on_page_context(context: dict, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    alternates = getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []
    for alternate in alternates:
        link = alternate.get("link", "")
        if link.startswith("/") and not link.startswith("//"):
            alternate["link"] = link.lstrip("/") or "./"
    return context
