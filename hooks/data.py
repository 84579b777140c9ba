"""Load and validate the platform data and the catalogs before MkDocs touches the site directory.

Events:

- ``on_config`` runs once per language build, before MkDocs cleans ``site_dir``. Bad data, and
  catalogs of the languages being built with a syntax error, a translation against the text
  policy or a broken placeholder, abort here with one ``file:line:col`` line per problem (the
  checks of ``optout-atlas validate`` and ``translations --check``), so the last good site
  survives and no page fails half-way. Warnings (an address that may be a lookalike) are errors
  in a strict build, such as the project's (``strict: true``), and logged once otherwise. The
  data and the catalogs are checked once per change (see ``optout_atlas.dataset.cached_dataset``
  and ``optout_atlas.translation.catalog_problems``), not once per language.
- ``on_serve`` runs once when ``mkdocs serve`` starts: it watches the data directory and the
  catalogs, so that saving a YAML or a ``.po`` file rebuilds the site (the caches of
  ``optout_atlas.site`` know when a catalog changed).
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority

from optout_atlas import site, translation
from optout_atlas.problems import Problem

log = logging.getLogger("mkdocs.hooks.atlas")

# Warnings already logged by this process (a build logs each once, not once per language).
_reported: set[Problem] = set()

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


# Run early: fail before any other plugin does work, and long before the site is cleaned.
@event_priority(90)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    english = site.dataset(config)
    catalogs = translation.check_catalogs(site.locales_dir(config), site.languages(config))
    fatal = list(english.warnings) if config.strict else []
    if fatal or catalogs:
        what = []
        if fatal:
            what.append(f"{_count(fatal, 'warning')} in the data, fatal in a strict build")
        if catalogs:
            what.append(f"{_count(catalogs, 'problem')} in the catalogs")
        _abort(fatal + catalogs, " and ".join(what))
    for warning in english.warnings:
        if warning not in _reported:
            log.warning(str(warning))
            _reported.add(warning)
    return config


def on_serve(server: LiveReloadServer, /, *, config: MkDocsConfig, builder) -> LiveReloadServer:
    server.watch(str(site.data_dir(config)))
    if site.locales_dir(config).is_dir():
        server.watch(str(site.locales_dir(config)))
    return server


# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _count(items: list, noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


def _abort(problems: list[Problem], what: str) -> None:
    for problem in sorted(problems):
        log.error(str(problem))
    raise Abort(f"Aborted: {what} (listed above); the site directory was left as it was.")
