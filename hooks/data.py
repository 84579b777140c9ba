"""Load and validate the platform data before MkDocs touches the site directory.

Events:

- ``on_config`` runs once per language build, before MkDocs cleans ``site_dir``. Bad data
  aborts here with one line per problem, so the last good site survives. The data is loaded
  once per change (see ``optout_atlas.dataset.cached_dataset``), not once per language.
- ``on_serve`` runs once when ``mkdocs serve`` starts: it watches the data directory and the
  catalogs, so that saving a YAML or a ``.po`` file rebuilds the site (the caches of
  ``optout_atlas.site`` know when a catalog changed).
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority

from optout_atlas import site

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


# Run early: fail before any other plugin does work, and long before the site is cleaned.
@event_priority(90)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    site.dataset(config)
    return config


def on_serve(server: LiveReloadServer, /, *, config: MkDocsConfig, builder) -> LiveReloadServer:
    server.watch(str(site.data_dir(config)))
    if site.locales_dir(config).is_dir():
        server.watch(str(site.locales_dir(config)))
    return server
