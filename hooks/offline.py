"""Keep the offline build (``mkdocs.offline.yml``) self-contained and its search complete.

Events:

- ``on_config`` runs after Material's offline plugin has added the ``iframe-worker`` polyfill
  from unpkg.com (a third-party request on every page): polyfills from other hosts are dropped.
- ``on_post_build`` runs last in the outer build, after the i18n plugin built every language and
  merged their search entries: the offline plugin's ``search_index.js`` is written again from the
  merged index (it was written before the other languages existed; pipeline notes, G8).
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


@event_priority(-150)  # after the offline plugin
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _offline(config) is not None:
        polyfills = config.extra.get("polyfills") or []
        config.extra["polyfills"] = [url for url in polyfills if "://" not in str(url)]
    return config


@event_priority(-200)  # after the i18n plugin (-100) built and merged every language
def on_post_build(*, config: MkDocsConfig) -> None:
    plugin = _offline(config)
    i18n = config.plugins.get("i18n")
    if plugin is not None and not getattr(i18n, "building", False):
        plugin.on_post_build(config=config)


# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _offline(config: MkDocsConfig):
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return plugin if plugin is not None and plugin.config.enabled else None
