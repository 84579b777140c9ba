"""Fill in every page's Content-Security-Policy, and refuse page content that carries markup a
page must not (see ``optout_atlas.csp``).

``overrides/main.html`` writes the policy's ``<meta http-equiv>`` with a placeholder; the policy
allows the theme's inline scripts by hash, and only the built page says which they are.

Events:

- ``on_post_page`` runs for every page of every language build, once its HTML is rendered, and
  last (after any plugin that changes the HTML): it fills in the policy from the page's inline
  scripts outside its content, and reports a script, style, meta, base, frame, object, form,
  event handler or ``javascript:`` address inside the content as a warning (the strict build
  stops on it).
- ``on_post_template`` runs for theme pages that are not documentation pages (``404.html``):
  the same policy, every inline script being the theme's.
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from optout_atlas import csp

log = logging.getLogger("mkdocs.hooks.csp")

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


@event_priority(-200)  # after every plugin that may still change the page (i18n: -100)
def on_post_page(output: str, /, *, page: Page, config: MkDocsConfig) -> str:
    content = page.content or ""
    for problem in csp.content_problems(content):
        log.warning(f"{page.file.src_uri}: the page's content has {problem}, which no page may carry")
    try:
        return csp.apply(output, content=content)
    except ValueError as error:
        raise PluginError(f"{page.file.src_uri}: no Content-Security-Policy: {error}") from None


@event_priority(-200)
def on_post_template(output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
    if not template_name.endswith(".html"):
        return output_content
    try:
        return csp.apply(output_content)
    except ValueError as error:
        raise PluginError(f"{template_name}: no Content-Security-Policy: {error}") from None
