"""The versioned JSON export (``api/v1/``) and its JSON Schema.

Downstream tools break when an export changes shape silently, so the shape is versioned: the
schema published beside the data is derived from ``data/schema/platform.schema.json``, and a test
compares it with a committed snapshot. Changing the shape means a new ``EXPORT_VERSION`` (and a
new ``api/v<N>/`` folder), never an edit of version 1.

Every file has the same top level: ``version``, ``language``, ``generated``, ``region_groups``,
``categories`` and ``platforms`` (all of them in ``data.json``, one in ``platforms/<id>.json``).
Text is in the file's language, English where a translation is missing; labels stay in English,
with ``label_translation`` beside them in other languages.

Version 1 predates archived sources (``kind: archive`` with an ``archive`` object): in it they
appear as ``kind: platform`` (they are the platform's own text) without the ``archive`` object;
``via`` still links the archived version.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from optout_atlas.dataset import Dataset

EXPORT_VERSION = 1
# Data that only the maintainers' tools read, left out of the export (its shape stays version 1).
WATCH_DEFINITIONS = ("watched_document", "archive_ref")
SCHEMA_ID = f"https://optout-atlas.github.io/api/v{EXPORT_VERSION}/schema.json"


def export_schema(schema_dir: Path) -> dict:
    """The JSON Schema of every export file of this version."""
    platform = json.loads((schema_dir / "platform.schema.json").read_text(encoding="utf-8"))
    categories = json.loads((schema_dir / "categories.schema.json").read_text(encoding="utf-8"))
    regions = json.loads((schema_dir / "regions.schema.json").read_text(encoding="utf-8"))
    definitions = copy.deepcopy(platform.pop("$defs"))
    # The watch list is the maintainers' tooling (optout-atlas watch), not part of the export.
    platform["properties"].pop("watch", None)
    for name in WATCH_DEFINITIONS:
        definitions.pop(name, None)
    for key in ("$schema", "$id"):
        platform.pop(key, None)
    _as_v1_source(definitions)
    definitions["mechanism"]["properties"]["label_translation"] = {
        "description": "The label's meaning in the file's language (absent in English).",
        "type": "string",
    }
    definitions["platform"] = platform
    definitions["region_group"] = regions["properties"]["groups"]["items"]
    definitions["category"] = categories["properties"]["categories"]["items"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"AI Opt-Out Atlas export, version {EXPORT_VERSION}",
        "description": "Which platforms train AI on their users' data, where, and how to stop it.",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "language", "generated", "region_groups", "categories", "platforms"],
        "properties": {
            "version": {"const": EXPORT_VERSION},
            "language": {"description": "Language of the text in this file.", "type": "string"},
            "generated": {"description": "Date the file was built.", "$ref": "#/$defs/date"},
            "region_groups": {"type": "array", "items": {"$ref": "#/$defs/region_group"}},
            "categories": {"type": "array", "items": {"$ref": "#/$defs/category"}},
            "platforms": {"type": "array", "items": {"$ref": "#/$defs/platform"}},
        },
        "$defs": definitions,
    }


# Version 1's words for the source fields whose meaning later versions widened.
V1_SOURCE_KIND = (
    "platform: the platform's own page or statement; regulator: a regulator, court or official body; "
    "press: news outlets and law firms; third_party: blogs, trackers and guides (least reliable)."
)
V1_SOURCE_VIA = (
    "The address of the copy that was actually read, when the original could not be "
    "(an archive or syndicated copy)."
)


def _as_v1_source(definitions: dict) -> None:
    """The source definition as version 1 published it: no ``archive`` kind or object."""
    source = definitions["source"]
    for keyword in ("if", "then", "else"):
        source.pop(keyword, None)
    source["properties"].pop("archive", None)
    kind = source["properties"]["kind"]
    kind["enum"] = [value for value in kind["enum"] if value != "archive"]
    kind["description"] = V1_SOURCE_KIND
    source["properties"]["via"]["description"] = V1_SOURCE_VIA
    definitions.pop("archive", None)


def export_document(dataset: Dataset, *, generated: dt.date) -> dict:
    """``data.json``: the whole (localised) dataset; see :func:`platform_documents` for one platform."""
    return {
        "version": EXPORT_VERSION,
        "language": dataset.language,
        "generated": generated.isoformat(),
        "region_groups": _plain(dataset.raw["regions"]["groups"]),
        "categories": _plain(dataset.raw["categories"]["categories"]),
        "platforms": [_v1_platform(_exported(dataset.raw["platforms"][p.id])) for p in dataset.platforms],
    }


def _v1_platform(platform: dict) -> dict:
    """``platform`` (a fresh copy) in version 1's shape: archived sources become the platform's
    own (``kind: platform``), without the ``archive`` object that version 1 does not know."""
    for source in platform["sources"]:
        if source.get("kind") == "archive":
            source["kind"] = "platform"
            source.pop("archive", None)
    return platform


def platform_documents(document: dict) -> Iterator[tuple[str, dict]]:
    """The export file of each platform of ``document`` (made by :func:`export_document`), by
    platform id: the same top level with one platform, sharing the values (not copies)."""
    for platform in document["platforms"]:
        yield platform["id"], {**document, "platforms": [platform]}


def _exported(platform: dict) -> dict:
    """A platform's export: its values without ``watch``."""
    return _plain({key: value for key, value in platform.items() if key != "watch"})


def _plain(value):
    """A copy made of plain JSON types (translated strings are ``str`` subclasses)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def dumps(document: dict, *, compact: bool = False) -> str:
    """``document`` as JSON text. ``compact`` for data files: no indentation, which lets Python
    use its C encoder (several times faster; ``data.json`` of 400 platforms is 15 MB)."""
    if compact:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
