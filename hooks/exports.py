"""Write the files meant for other sites and tools: status badges (SVG) and the versioned JSON
export with its schema. Nothing here is a page; everything is in every language.

- ``badges/<platform>.svg``, and ``badges/<platform>/<region>.svg`` for each region the platform's
  data names a default for (``<lang>/badges/…`` for other languages): the status in words,
  readable without colour;
- ``api/v1/schema.json``, ``api/v1/data.json``, ``api/v1/platforms/<id>.json``, and the same
  under ``api/v1/<lang>/`` for every other language (see ``optout_atlas.export``).

Events:

- ``on_post_build`` runs at the end of each language build (the i18n plugin builds the other
  languages from inside the first build's ``on_post_build``): it writes that language's badges
  and export files.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from optout_atlas import inventory, site

# The inventory's kinds of files that this hook writes.
KINDS = ("badge", "export schema", "export")

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


def on_post_build(*, config: MkDocsConfig) -> None:
    renderer = site.renderer(config, site.current_language(config))
    for path, text in inventory.render_files(renderer, KINDS):
        _write(Path(config.site_dir) / path, text)


# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
