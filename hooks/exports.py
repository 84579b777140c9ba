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

from optout_atlas import clock, export, site, views

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


def on_post_build(*, config: MkDocsConfig) -> None:
    language = site.current_language(config)
    default = language == site.default_language(config)
    dataset = site.localized(config, language)
    renderer = site.renderer(config, language)
    root = Path(config.site_dir)

    badges = root / ("" if default else language) / "badges"
    for platform in dataset.platforms:
        _write(badges / f"{platform.id}.svg", renderer.badge(dataset, platform))
        for code in views.region_codes([platform], defaults_only=True):
            _write(badges / platform.id / f"{code.lower()}.svg", renderer.badge(dataset, platform, code))

    api = root / "api" / f"v{export.EXPORT_VERSION}"
    if default:
        schema = export.export_schema(site.data_dir(config) / "schema")
        _write(api / "schema.json", export.dumps(schema))
    folder = api if default else api / language
    generated = clock.today()
    whole = export.export_document(dataset, generated=generated)
    _write(folder / "data.json", export.dumps(whole, compact=True))
    for platform_id, document in export.platform_documents(whole):
        _write(folder / "platforms" / f"{platform_id}.json", export.dumps(document, compact=True))


# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
