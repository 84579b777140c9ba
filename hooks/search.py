"""Keep the search index's cross-language clean-up linear in the number of pages.

mkdocs-static-i18n removes, from the one search index of all languages, the entries of pages that
fell back to the default language; its own way of finding them compares every entry with every
other and took minutes at 400 platforms in ten languages (see ``optout_atlas.search_entries``).
This hook gives the plugin the same rule, found with a lookup table.

Events:

- ``on_config`` runs once per build (and per rebuild of ``mkdocs serve``, which makes new plugin
  objects), before any page is built: it replaces the i18n plugin's duplicate finder. If a new
  version of the plugin no longer has that method, the build stops and says so.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from optout_atlas.search_entries import drop_duplicates

# The method of mkdocs_static_i18n's plugin (1.x) that this hook replaces.
REPLACED = "reconfigure_search_duplicates"

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return config
    if not callable(getattr(plugin, REPLACED, None)):
        raise PluginError(
            f"mkdocs-static-i18n has no {REPLACED}() any more: check how it removes duplicate "
            "search entries now, and update or remove hooks/search.py"
        )

    def replacement(entries: list[dict]) -> None:
        drop_duplicates(entries, tuple(f"{language}/" for language in plugin.build_languages))

    setattr(plugin, REPLACED, replacement)
    return config
