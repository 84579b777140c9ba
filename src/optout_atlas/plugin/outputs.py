"""The files of each language build that are not pages, as the page inventory
(:mod:`optout_atlas.inventory`) lists them: the Atom feed of the policy events, status badges
(SVG) and the versioned JSON export with its schema.

- ``feed.xml`` for the default language, ``<lang>/feed.xml`` for the others; journalists and
  privacy teams subscribe to it to hear of changes;
- ``badges/<platform>.svg``, and ``badges/<platform>/<region>.svg`` for each region the platform's
  data names a default for (``<lang>/badges/…`` for other languages): the status in words,
  readable without colour;
- ``api/v1/schema.json``, ``api/v1/data.json``, ``api/v1/platforms/<id>.json``, and the same
  under ``api/v1/<lang>/`` for every other language (see ``optout_atlas.export``).
"""

from __future__ import annotations

from pathlib import Path

from optout_atlas import inventory
from optout_atlas.render import Renderer

# The inventory's output kinds that a language build writes, in this order.
KINDS = ("feed", "badge", "export schema", "export")


def write(root: Path, renderer: Renderer) -> None:
    """Every output file of the renderer's language, under the built site ``root``."""
    for path, text in inventory.render_files(renderer, KINDS):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
