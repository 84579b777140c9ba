"""The versioned JSON export (``api/v1/`` to ``api/v4/``) and its JSON Schemas.

Downstream tools break when an export changes shape silently, so the shape is versioned: the
schema published beside the data is derived from ``data/schema/platform.schema.json``, and a test
compares each version's schema with a committed snapshot. Changing the shape means a new
version (a new ``api/v<N>/`` folder), never an edit of an old one. Every version in
``EXPORT_VERSIONS`` is built; ``EXPORT_VERSION`` is the newest.

Version 2 adds plans (``plans`` on a platform, and on its defaults, data, mechanisms and
events), who can use a mechanism (``actor``, ``ask_admin``), per-conversation controls, the
desktop surface, retention, human review and ``certainty``. Version 3 adds the platform's
``kind`` (the group it is listed in), ``licensing`` (licensing content to other companies for
AI training), the mechanism kinds ``email_request``, ``permission`` and ``signal``, a
mechanism's ``applies_per``, ``email`` and ``email_subject``, and short entries without ``data``,
``events`` or ``mechanisms``. Version 4 adds a mechanism's ``products`` (a control that belongs to
some of the platform's products only, such as Instagram's objection form); it restates for
machines what the control's title and steps say, so versions 1 to 3 leave the field out and keep
the platform. An older version cannot express what a later one added:
it lists only the platforms that use none of it (see :func:`fits`), in its frozen shape.

Every file has the same top level: ``version``, ``language``, ``generated``, ``region_groups``,
``categories`` and ``platforms`` (all of them in ``data.json``, one in ``platforms/<id>.json``).
Text is in the file's language, English where a translation is missing; labels stay in English,
with ``label_translation`` beside them in other languages.

The files are written from the typed model (:mod:`optout_atlas.model`): each object becomes an
object with its fields in the model's order, and a field holding its default value is left out,
as an optional key left out of a data file.

Version 1 predates archived sources (``kind: archive`` with an ``archive`` object): in it they
appear as ``kind: platform`` (they are the platform's own text) without the ``archive`` object;
``via`` still links the archived version.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from optout_atlas.dataset import Dataset
from optout_atlas.model import (
    EXPORTED,
    LISTED_BY_ID,
    REFERENCE,
    WRITTEN_ORDER,
    DataUse,
    Default,
    Event,
    Mechanism,
    PartialDate,
    Platform,
)

EXPORT_VERSIONS = (1, 2, 3, 4)
EXPORT_VERSION = EXPORT_VERSIONS[-1]
# Data that only the maintainers' tools read, left out of the export.
WATCH_DEFINITIONS = ("watched_document", "archive_ref")
# What version 2 added to the data (version 1 leaves it out).
V2_PLATFORM_FIELDS = ("plans", "retention", "human_review")
V2_DEFINITIONS = ("plan", "plan_ids", "certainty", "retention", "human_review")
V2_ENTRY_FIELDS = {
    "default": ("plans", "certainty"),
    "data_use": ("plans", "certainty"),
    "event": ("plans", "certainty"),
    "mechanism": ("plans", "actor", "ask_admin", "certainty"),
}
# What version 3 added (versions 1 and 2 leave it out).
V3_PLATFORM_FIELDS = ("kind", "licensing")
V3_DEFINITIONS = ("licensing",)
V3_MECHANISM_FIELDS = ("applies_per", "email", "email_subject", "email_subject_translation")
V3_MECHANISM_KINDS = ("email_request", "permission", "signal")
# What version 4 added (versions 1 to 3 leave it out).
V4_MECHANISM_FIELDS = ("products",)
# Lists that every platform had up to version 2 (short entries came with version 3).
V2_REQUIRED = ("data", "events", "mechanisms")
V2_NON_EMPTY = ("data", "mechanisms")
V2_REQUIRED_ORDER = (
    "id",
    "name",
    "owner",
    "products",
    "summary",
    "last_verified",
    "sources",
    "data",
    "defaults",
    "events",
    "mechanisms",
)
V2_MECHANISM_KIND = (
    "How it works. Only `setting` and `objection_form` count as ways to stop AI training. setting: a "
    "switch in the platform's settings that turns AI training off; objection_form: a form to object to AI"
    " training under data-protection law; per_conversation: a mode that keeps single conversations out of"
    " training (a temporary or incognito chat), not an account-level opt-out; ads_setting: a switch about"
    " sharing data for advertising; privacy_setting: a setting that limits some other use of your data "
    "but is not an AI-training opt-out; make_private: limiting who sees your content; delete_content: "
    "deleting posts, chats or history; data_request: a form about data the platform holds on you from "
    "other sources, not your own posts."
)
V2_DESCRIPTIONS = {
    "data": (
        "Categories of data (ids from `data/categories.yml`) and whether the platform uses them for AI "
        "training."
    ),
    "mechanisms": (
        "Every way to opt out or object, or the closest thing where no opt-out exists (for example deleting "
        "content)."
    ),
}


def schema_id(version: int) -> str:
    return f"https://optout-atlas.github.io/api/v{version}/schema.json"


def export_schema(schema_dir: Path, version: int = EXPORT_VERSION) -> dict[str, Any]:
    """The JSON Schema of every export file of ``version``."""
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
    definitions["mechanism"]["properties"]["label_translation"] = {
        "description": "The label's meaning in the file's language (absent in English).",
        "type": "string",
    }
    if version >= 3:
        _add_after(
            definitions["mechanism"]["properties"],
            "email_subject",
            "email_subject_translation",
            {
                "description": "The subject's meaning in the file's language (absent in English).",
                "type": "string",
            },
        )
    if version <= 3:
        for name in V4_MECHANISM_FIELDS:
            definitions["mechanism"]["properties"].pop(name, None)
    if version <= 2:
        _without_v3_fields(platform, definitions)
    if version == 1:
        _as_v1_source(definitions)
        _without_v2_fields(platform, definitions)
    definitions["platform"] = platform
    definitions["region_group"] = regions["properties"]["groups"]["items"]
    definitions["category"] = categories["properties"]["categories"]["items"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id(version),
        "title": f"AI Opt-Out Atlas export, version {version}",
        "description": "Which platforms train AI on their users' data, where, and how to stop it.",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "language", "generated", "region_groups", "categories", "platforms"],
        "properties": {
            "version": {"const": version},
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
V1_MECHANISM_KIND = (
    "How it works. Only `setting` and `objection_form` count as ways to stop AI training. setting: a switch "
    "in the platform's settings that turns AI training off; objection_form: a form to object to AI training "
    "under data-protection law; ads_setting: a switch about sharing data for advertising; privacy_setting: a "
    "setting that limits some other use of your data but is not an AI-training opt-out; make_private: "
    "limiting who sees your content; delete_content: deleting posts, chats or history; data_request: a form "
    "about data the platform holds on you from other sources, not your own posts."
)
V1_STEPS = "Steps per surface: web, ios, android, or app when the iOS and Android apps share the same path."
V1_SOURCE_VIA = (
    "The address of the copy that was actually read, when the original could not be "
    "(an archive or syndicated copy)."
)


def _as_v1_source(definitions: dict[str, Any]) -> None:
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


def _add_after(properties: dict[str, Any], after: str, name: str, value: Any) -> None:
    """Insert ``name`` into ``properties`` (in place) right after the key ``after``."""
    items = list(properties.items())
    position = [key for key, _value in items].index(after) + 1
    items.insert(position, (name, value))
    properties.clear()
    properties.update(items)


def _without_v3_fields(platform: dict[str, Any], definitions: dict[str, Any]) -> None:
    """The platform and its entries as versions 1 and 2 published them."""
    for name in V3_PLATFORM_FIELDS:
        platform["properties"].pop(name, None)
    platform["required"] = [
        name for name in V2_REQUIRED_ORDER if name in platform["required"] or name in V2_REQUIRED
    ]
    for name in V2_NON_EMPTY:
        platform["properties"][name]["minItems"] = 1
        platform["properties"][name]["description"] = V2_DESCRIPTIONS[name]
    for name in V3_DEFINITIONS:
        definitions.pop(name, None)
    mechanism = definitions["mechanism"]
    for name in V3_MECHANISM_FIELDS:
        mechanism["properties"].pop(name, None)
    mechanism["allOf"] = [rule for rule in mechanism["allOf"] if "email" not in json.dumps(rule)]
    mechanism["dependentRequired"].pop("email_subject", None)
    kind = mechanism["properties"]["kind"]
    kind["enum"] = [value for value in kind["enum"] if value not in V3_MECHANISM_KINDS]
    kind["description"] = V2_MECHANISM_KIND


def _without_v2_fields(platform: dict[str, Any], definitions: dict[str, Any]) -> None:
    """The platform and its entries as version 1 published them."""
    for name in V2_PLATFORM_FIELDS:
        platform["properties"].pop(name, None)
    for name in V2_DEFINITIONS:
        definitions.pop(name, None)
    for definition, fields in V2_ENTRY_FIELDS.items():
        properties = definitions[definition]["properties"]
        for name in fields:
            properties.pop(name, None)
    mechanism = definitions["mechanism"]
    for keyword in ("allOf", "dependentRequired"):
        mechanism.pop(keyword, None)
    kind = mechanism["properties"]["kind"]
    kind["enum"] = [value for value in kind["enum"] if value != "per_conversation"]
    kind["description"] = V1_MECHANISM_KIND
    steps = mechanism["properties"]["steps"]
    steps["properties"].pop("desktop", None)
    steps["description"] = V1_STEPS


def fits(platform: Platform, version: int) -> bool:
    """Whether ``version`` of the export can describe ``platform`` without losing a fact."""
    if version >= 3:
        return True
    return fits_v2(platform) and (version == 2 or fits_v1(platform))


def fits_v2(platform: Platform) -> bool:
    """Whether version 2 can describe ``platform``: it uses nothing that version 3 added."""
    return not (
        platform.licensing
        or not platform.data
        or not platform.mechanisms
        or any(
            m.kind in V3_MECHANISM_KINDS or m.applies_per or m.email or m.email_subject
            for m in platform.mechanisms
        )
    )


def fits_v1(platform: Platform) -> bool:
    """Whether version 1 can describe ``platform`` without losing a fact: it uses nothing that
    version 2 added."""
    entries: tuple[Default | DataUse | Event | Mechanism, ...] = (
        *platform.defaults,
        *platform.data,
        *platform.events,
        *platform.mechanisms,
    )
    return not (
        platform.plans
        or platform.retention
        or platform.human_review
        or any(entry.plans or entry.certainty for entry in entries)
        or any(
            m.actor != "account_holder" or m.kind == "per_conversation" or "desktop" in m.steps
            for m in platform.mechanisms
        )
    )


def export_document(dataset: Dataset, *, generated: dt.date, version: int = EXPORT_VERSION) -> dict[str, Any]:
    """``data.json``: the whole (localised) dataset; see :func:`platform_documents` for one platform."""
    platforms = [_in_version(_json(p), version) for p in dataset.platforms if fits(p, version)]
    return {
        "version": version,
        "language": dataset.language,
        "generated": generated.isoformat(),
        "region_groups": [_json(group) for group in dataset.regions.groups.values()],
        "categories": [_json(category) for category in dataset.categories.values()],
        "platforms": platforms,
    }


_PLATFORM_FIELDS = tuple(spec.name for spec in dataclasses.fields(Platform))


def _in_version(platform: dict[str, Any], version: int) -> dict[str, Any]:
    """``platform`` (a fresh copy) in the shape of ``version``: before version 4 without its
    mechanisms' ``products``; before version 3 without its ``kind``, whose place the older
    versions do not know; in version 1, archived sources become
    the platform's own (``kind: platform``), without the ``archive`` object."""
    if version <= 2:
        # Without ``kind``; an empty list of events is left out as a default, and version 2
        # required it (in the model's order of fields).
        platform = {
            name: platform.get(name, [])
            for name in _PLATFORM_FIELDS
            if name != "kind" and (name in platform or name in V2_REQUIRED)
        }
    if version <= 3:
        for mechanism in platform.get("mechanisms", ()):
            for name in V4_MECHANISM_FIELDS:
                mechanism.pop(name, None)
    if version >= 2:
        return platform
    for source in platform["sources"]:
        if source.get("kind") == "archive":
            source["kind"] = "platform"
            source.pop("archive", None)
    return platform


def platform_documents(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The export file of each platform of ``document`` (made by :func:`export_document`), by
    platform id: the same top level with one platform, sharing the values (not copies)."""
    for platform in document["platforms"]:
        yield platform["id"], {**document, "platforms": [platform]}


def _json(value: Any) -> Any:
    """A model value as plain JSON values (translated strings, ``str`` subclasses, become ``str``)."""
    if isinstance(value, str):
        return str(value)
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, (dt.date, PartialDate)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _object(value)
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _object(item: Any) -> dict[str, Any]:
    """A model object: its fields in their order, without those that are not data (see
    ``model.NOT_DATA``) or hold their default value."""
    found = {}
    for spec in dataclasses.fields(item):
        if not spec.metadata.get(EXPORTED, True):
            continue
        value = getattr(item, spec.name)
        if spec.default is not dataclasses.MISSING and value == spec.default:
            continue
        if spec.default_factory is not dataclasses.MISSING and value == spec.default_factory():
            continue
        if spec.metadata.get(REFERENCE):
            value = getattr(value, spec.metadata[REFERENCE])
        elif spec.metadata.get(LISTED_BY_ID):
            value = tuple(value.values())
        elif spec.metadata.get(WRITTEN_ORDER):
            value = sorted(value, key=lambda entry: getattr(entry, spec.metadata[WRITTEN_ORDER]))
        found[spec.name] = _json(value)
    return found


def dumps(document: dict[str, Any], *, compact: bool = False) -> str:
    """``document`` as JSON text. ``compact`` for data files: no indentation, which lets Python
    use its C encoder (several times faster; ``data.json`` of 400 platforms is 15 MB)."""
    if compact:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
