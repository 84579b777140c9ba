"""What other sites and tools consume: embed pages, badges and the versioned JSON export."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, TODAY, with_archive

from optout_atlas import export, views
from optout_atlas.dataset import load_dataset

SNAPSHOTS = Path(__file__).parent / "snapshots"
SVG = "{http://www.w3.org/2000/svg}"


def shape(schema):
    """A schema without its prose (descriptions, titles, examples): what consumers depend on."""
    if isinstance(schema, dict):
        return {k: shape(v) for k, v in schema.items() if k not in ("description", "title", "examples")}
    if isinstance(schema, list):
        return [shape(v) for v in schema]
    return schema


@pytest.mark.parametrize("version", export.EXPORT_VERSIONS)
def test_export_shape_is_frozen_for_its_version(version):
    """Changing the export's shape must come with a new version, never silently: every version
    still built keeps the shape it was published with."""
    current = export.export_schema(ROOT / "data" / "schema", version)
    snapshot = SNAPSHOTS / f"export-v{version}.schema.json"
    assert shape(json.loads(snapshot.read_text())) == shape(current), (
        "The export's shape changed. Publish it as a new version: add it to EXPORT_VERSIONS in "
        "src/optout_atlas/export.py (it writes api/v<N>/) and add tests/snapshots/export-v<N>.schema.json."
    )


def test_version_1_shows_archived_sources_as_the_platforms_own(data_dir):
    """Version 1 predates archived sources: they stay valid v1, as the platform's own text, and
    keep the link to the archived version."""
    (data_dir / "platforms" / "example.yml").write_text(with_archive(), encoding="utf-8")
    dataset = load_dataset(data_dir, today=TODAY)
    document = export.export_document(dataset, generated=TODAY, version=1)
    schema = export.export_schema(data_dir / "schema", 1)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(document)) == []
    sources = {s["id"]: s for s in document["platforms"][0]["sources"]}
    assert sources["example-terms"]["kind"] == "platform"
    assert "archive" not in sources["example-terms"]
    assert sources["example-terms"]["via"].startswith(
        "https://github.com/OpenTermsArchive/contrib-versions/blob/"
    )
    assert dataset.platform("example").sources["example-terms"].kind == "archive"  # the data is untouched
    assert "archive" not in json.dumps(schema["$defs"]["source"]["properties"]["kind"]["enum"])


@pytest.mark.build
@pytest.mark.parametrize("version", export.EXPORT_VERSIONS)
@pytest.mark.parametrize("language", ["en", "de", "zh-Hant"])
def test_export_files_validate_against_the_published_schema(site, dataset, language, version):
    """Each version is built and valid against its own schema: the newest with every platform,
    the older ones with those they can describe (the others' files are not written)."""
    api = site / "api" / f"v{version}"
    schema = json.loads((api / "schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    folder = api if language == "en" else api / language
    everything = json.loads((folder / "data.json").read_text())
    assert list(validator.iter_errors(everything)) == []
    assert everything["version"] == version and everything["language"] == language
    listed = [p for p in dataset.platforms if export.fits(p, version)]
    assert version < export.EXPORT_VERSION or listed == list(dataset.platforms)
    assert [p["id"] for p in everything["platforms"]] == [p.id for p in listed]
    assert version > 1 or {"linkedin", "meta", "x", "reddit"} <= {p.id for p in listed}
    for platform in dataset.platforms:
        path = folder / "platforms" / f"{platform.id}.json"
        assert path.is_file() == (platform in listed)
        if platform in listed:
            one = json.loads(path.read_text())
            assert list(validator.iter_errors(one)) == []
            assert [p["id"] for p in one["platforms"]] == [platform.id]


@pytest.mark.build
def test_translated_export_keeps_labels_in_english_with_their_meaning(site):
    german = json.loads((site / "api" / "v1" / "de" / "platforms" / "linkedin.json").read_text())
    setting = next(m for m in german["platforms"][0]["mechanisms"] if m["id"] == "generative-ai-setting")
    assert setting["label"] == "Data for Generative AI Improvement"
    assert setting["label_translation"] and setting["label_translation"] != setting["label"]


@pytest.mark.build
@pytest.mark.parametrize("language", ["en", "fr"])
def test_badges_state_the_status_in_words(site, dataset, language):
    folder = site / ("badges" if language == "en" else f"{language}/badges")
    for platform in dataset.platforms:
        badge = ET.parse(folder / f"{platform.id}.svg").getroot()
        title = badge.findtext(f"{SVG}title")
        assert badge.get("role") == "img" and badge.get("aria-label") == title
        assert platform.name in title and platform.last_verified.isoformat() in title
        badges = sorted(p.stem.upper() for p in (folder / platform.id).glob("*.svg"))
        assert badges == views.region_codes([platform], defaults_only=True)
    us = ET.parse(folder / "meta" / "us.svg").getroot().findtext(f"{SVG}title")
    if language == "en":
        assert "on, no opt-out · no opt-out" in us
        eu = ET.parse(folder / "meta" / "eu.svg").getroot().findtext(f"{SVG}title")
        assert "on by default · opt-out available" in eu


@pytest.mark.build
@pytest.mark.parametrize("language", ["en", "pl"])
def test_embed_pages_have_the_steps_and_no_site_chrome(site, dataset, language):
    prefix = "" if language == "en" else f"{language}/"
    for platform in dataset.platforms:
        html = BeautifulSoup((site / f"{prefix}embed/{platform.id}/index.html").read_text(), "html.parser")
        assert html.select_one('meta[name="robots"]')["content"] == "noindex"
        assert html.select_one("base")["target"] == "_top"
        assert not html.select(".md-header, .md-sidebar, .md-footer, .md-search")
        assert html.select_one('script[src$="atlas-embed.js"]')
        stopping = [m for m in platform.mechanisms if m.kind in views.STOPPING_KINDS]
        assert [h["id"] for h in html.select("article h2[id]")] == [m.id for m in stopping]
        assert html.select_one(f'article a[href="../../guides/{platform.id}/"]')
    index = json.loads((site / "search" / "search_index.json").read_text())
    assert not [doc for doc in index["docs"] if "/embed/" in "/" + doc["location"]]
    regions = {doc["location"].split("#")[0] for doc in index["docs"] if "regions/" in doc["location"]}
    assert regions and all(location.endswith("regions/") for location in regions)  # only the index


@pytest.mark.build
def test_guide_offers_the_embed_snippet(site):
    guide = BeautifulSoup((site / "guides" / "linkedin" / "index.html").read_text(), "html.parser")
    block = guide.select_one(".atlas-embed-snippet")
    assert block["data-atlas-embed"] == "../../embed/linkedin/"
    code = block.get_text()
    assert 'id="optout-atlas-linkedin"' in code and "event.origin !== new URL(frame.src).origin" in code
    assert "https://your-atlas-address.example/EMBED" in code  # filled in by the page's script
