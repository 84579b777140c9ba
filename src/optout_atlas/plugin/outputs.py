"""The files of each language build that are not pages: the Atom feed of the policy events,
status badges (SVG) and the versioned JSON export with its schema.

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

from optout_atlas import clock, export, views
from optout_atlas.dataset import Dataset
from optout_atlas.render import Renderer

FEED = "feed.xml"


def feed_path(language: str, default: str) -> str:
    """The feed's path in the site."""
    return FEED if language == default else f"{language}/{FEED}"


def write_feed(
    root: Path,
    renderer: Renderer,
    dataset: Dataset,
    *,
    language: str,
    default: str,
    site_url: str,
    directory_urls: bool,
) -> None:
    xml = renderer.feed(
        dataset, base_url=_base_url(site_url, language, default), directory_urls=directory_urls
    )
    _write(root / feed_path(language, default), xml)


def write_badges(root: Path, renderer: Renderer, dataset: Dataset, *, language: str, default: str) -> None:
    badges = root / ("" if language == default else language) / "badges"
    for platform in dataset.platforms:
        _write(badges / f"{platform.id}.svg", renderer.badge(dataset, platform))
        for code in views.region_codes([platform], defaults_only=True):
            _write(badges / platform.id / f"{code.lower()}.svg", renderer.badge(dataset, platform, code))


def write_export(root: Path, dataset: Dataset, *, language: str, default: str, data_dir: Path) -> None:
    api = root / "api" / f"v{export.EXPORT_VERSION}"
    if language == default:
        schema = export.export_schema(data_dir / "schema")
        _write(api / "schema.json", export.dumps(schema))
    folder = api if language == default else api / language
    whole = export.export_document(dataset, generated=clock.today())
    _write(folder / "data.json", export.dumps(whole, compact=True))
    for platform_id, document in export.platform_documents(whole):
        _write(folder / "platforms" / f"{platform_id}.json", export.dumps(document, compact=True))


def _base_url(site_url: str, language: str, default: str) -> str:
    """Absolute base of the language's site when ``site_url`` is set, else empty (relative links)."""
    if not site_url:
        return ""
    base = site_url.rstrip("/") + "/"
    return base if language == default else f"{base}{language}/"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
