"""Compile the theme's templates once per process instead of once per build.

MkDocs makes a new Jinja environment for every build: the i18n plugin runs one build per
language and ``mkdocs serve`` one per saved change, so Material's templates were parsed and
compiled again each time (about 0.2 s a build on the CI machine). Sharing the compiled code
makes every build after the first skip that. An edited template (in ``overrides/``) is still
compiled again: Jinja compares a checksum of its source.

Events:

- ``on_env`` runs once per build (per language build), after MkDocs made the theme's Jinja
  environment and before any page or template is rendered with it.
"""

from __future__ import annotations

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from optout_atlas import site

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


def on_env(env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    site.share_compiled_templates(env)
    return env
