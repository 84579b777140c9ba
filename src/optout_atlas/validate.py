"""Validation of the data directory: the JSON Schemas, then the checks a schema cannot express.

Every problem in every file is collected and returned at once, each tied to a file, a line and
a field, so that a contributor can fix them all in one pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import jsonschema
import jsonschema_rs

from optout_atlas import textpolicy
from optout_atlas.model import PartialDate
from optout_atlas.problems import Problem
from optout_atlas.regions import Regions, country_codes
from optout_atlas.yamlfile import Path_, YamlDocument

DATE_FIELDS = {"last_verified", "accessed", "published", "since", "date", "recorded"}
# Dates that may lie ahead: an announced event, or a default that starts on an announced day.
SCHEDULED_DATE_FIELDS = {"since", "date"}
# Dates the schema checks as full dates (format: date); the others may be a month.
FULL_DATE_FIELDS = {"last_verified", "accessed", "recorded"}
MAX_SCHEDULED_AHEAD = dt.timedelta(days=366)
_TYPE_NAMES = {
    "object": "a mapping (key: value)",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "number": "a number",
}


@dataclass(frozen=True)
class Schema:
    """A JSON Schema, checked twice over. ``verdict`` (jsonschema-rs, compiled) answers "valid or
    not" about a hundred times faster than ``explainer`` (jsonschema), whose error objects carry
    what a contributor needs: the failing keyword, the path and the subschema. A valid document,
    nearly every document in a build, is checked by ``verdict`` alone; an invalid one by both.
    Both implement draft 2020-12 with format checks; tests/test_validate.py holds them to the
    same answers."""

    verdict: jsonschema_rs.Validator
    explainer: jsonschema.protocols.Validator
    # The schema itself, for the checks that read it (which fields hold text).
    definition: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def is_valid(self, value: object) -> bool:
        return self.verdict.is_valid(value)


@cache
def load_schema(path: Path) -> Schema:
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return Schema(
        verdict=jsonschema_rs.validator_for(schema, validate_formats=True),
        explainer=validator_class(schema, format_checker=validator_class.FORMAT_CHECKER),
        definition=schema,
    )


# --------------------------------------------------------------------------------------------
# Schema errors, rephrased for contributors
# --------------------------------------------------------------------------------------------


def schema_problems(document: YamlDocument, schema: Schema) -> list[Problem]:
    """The schema's verdict on a document, one problem per error, placed on the right line."""
    if schema.is_valid(document.value):
        return []
    problems = []
    for error in schema.explainer.iter_errors(cast(Any, document.value)):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = list(_subschema(error).get("properties", {}))
            for key in sorted(set(error.instance) - set(known)):
                hint = difflib.get_close_matches(key, known, n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else f"; allowed: {', '.join(known)}"
                problems.append(
                    document.problem((*path, key), f"unknown field '{key}'{suggestion}", at_key=True)
                )
            continue
        if (
            error.validator == "not"
            and isinstance(error.validator_value, dict)
            and set(error.validator_value) == {"required"}
        ):
            # a field that another field's value rules out: point at the field itself
            for key in error.validator_value["required"]:
                message = _subschema(error).get("description") or f"field '{key}' is not allowed here"
                problems.append(document.problem((*path, key), message, at_key=True))
            continue
        problems.append(document.problem(path, _schema_message(error), at_key=False))
    if not problems:  # the two disagree: never let the document through unexplained
        problems = [
            document.problem(tuple(error.instance_path), error.message)
            for error in schema.verdict.iter_errors(document.value)
        ]
    return problems


def _subschema(error: jsonschema.ValidationError) -> Mapping[str, Any]:
    """The part of the schema that an error is about (a mapping, in the schemas of the data)."""
    return error.schema if isinstance(error.schema, Mapping) else {}


def _describe(value: object) -> str:
    for name, kind in (
        ("true or false", bool),
        ("a number", (int, float)),
        ("text", str),
        ("a list", list),
        ("a mapping", dict),
    ):
        if isinstance(value, kind):
            return name
    return "nothing" if value is None else type(value).__name__


def _schema_message(error: jsonschema.ValidationError) -> str:
    value, schema = error.instance, _subschema(error)
    match error.validator:
        case "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            return f"missing required field '{missing}'"
        case "type":
            expected = cast(Any, error.validator_value)
            names = [_TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)]
            return f"expected {' or '.join(names)}, got {_describe(value)}"
        case "enum":
            return f"{value!r} is not one of: {', '.join(map(str, cast(Any, error.validator_value)))}"
        case "pattern" if isinstance(value, str) and value.startswith("https://"):
            # An address the schema's pattern rejects (a space in it): the text policy says why.
            errors, _warnings = textpolicy.url_problems(value)
            return f"{value!r} {errors[0]}" if errors else f"{value!r} is not a valid address"
        case "pattern":
            description = re.split(r"\.(?:\s|$)", schema.get("description") or "")[0].strip()
            expected = (
                description[:1].lower() + description[1:]
                if description
                else f"the pattern {error.validator_value}"
            )
            return f"{value!r} is not valid here: expected {expected}"
        case "format":
            if error.validator_value == "date":
                return f"{value!r} is not a real date (expected YYYY-MM-DD)"
            return f"{value!r} is not a valid {error.validator_value}"
        case "minItems":
            return (
                "must not be empty"
                if error.validator_value == 1
                else f"needs at least {error.validator_value} items"
            )
        case "minLength":
            return "must not be empty"
        case "maxLength":
            return f"is longer than {error.validator_value} characters"
        case "minimum" | "maximum":
            return f"{value!r} is out of range ({schema.get('minimum')} to {schema.get('maximum')})"
        case "uniqueItems":
            return "lists the same item twice"
        case "minProperties":
            return f"needs at least one of: {', '.join(schema.get('properties', {}))}"
        case "propertyNames":
            return f"{error.message}"
        case "anyOf" | "oneOf":
            # The reason within the form the value was meant to take (a mapping's missing key).
            deeper = [e for e in error.context or () if e.validator not in ("type", "const", "enum")]
            if deeper:
                return _schema_message(jsonschema.exceptions.best_match(deeper))
            description = re.split(r"\.(?:\s|$)", schema.get("description") or "")[0].strip()
            return f"{value!r} is not valid here" + (
                f": expected {description[:1].lower() + description[1:]}" if description else ""
            )
    return error.message


# --------------------------------------------------------------------------------------------
# Checks beyond the schema
# --------------------------------------------------------------------------------------------


def walk(value: object, path: Path_ = ()) -> Iterator[tuple[Path_, object]]:
    """Every value in a loaded document with its path, parents before children, in file order."""
    stack: list[tuple[Path_, object]] = [(path, value)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(((*path, key), child) for key, child in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, index), value[index]) for index in range(len(value) - 1, -1, -1))


# The free-text fields that may hold paragraphs (separated by a blank line), as (definition in the
# platform schema, property): the text of a dispute, printed as paragraphs of its own. Every other
# free-text field is printed inside a sentence, a list item, a heading or a table cell, where a
# line break would end it.
PARAGRAPH_FIELDS = frozenset({("dispute", "text")})


def text_problems(document: YamlDocument, *, today: dt.date, schema: Schema | None = None) -> list[Problem]:
    """Every string against the text policy (:mod:`optout_atlas.textpolicy`), as the kind of
    text its field holds, read from the schema: an address (``$defs/url``); an id, code, choice
    or date (a pattern, enum, const or format: only its characters are checked here, the schema
    checks its form); text that may hold paragraphs (``PARAGRAPH_FIELDS``); else one line of
    text. Then unreal or future dates. Warnings about addresses (punycode, a lookalike host
    name) come back as problems marked ``warning``."""
    problems: list[Problem] = []
    defs = schema.definition.get("$defs", {}) if schema else {}

    def check(value: str, path: Path_, key: str, kind: str) -> None:
        if kind == textpolicy.URL:
            if not value.startswith("https://"):
                return  # the schema reports it
            errors, warnings = textpolicy.url_problems(value)
            problems.extend(document.problem(path, f"{value!r} {message}") for message in errors)
            problems.extend(
                dataclasses.replace(document.problem(path, message), warning=True) for message in warnings
            )
            return
        problems.extend(document.problem(path, message) for message in textpolicy.text_problems(value, kind))
        if key in DATE_FIELDS and path[-1] == key:
            found = _date_problems(document, path, value, today)
            if not found and key == "recorded":
                found = _recorded_problems(document, path, value)
            problems.extend(found)

    # A recursive walk (the fastest here) beside the schema: ``node`` is the subschema of
    # ``value``, ``owner`` the schema definition of the object that holds it.
    def visit(value: object, path: Path_, key: str, node: dict | None, owner: str) -> None:
        node, definition, is_url = _resolve(node, defs, value)
        if isinstance(value, str):
            if is_url or (schema is None and key in ("url", "via")):
                kind = textpolicy.URL
            elif (owner, key) in PARAGRAPH_FIELDS:
                kind = textpolicy.PARAGRAPHS
            elif any(word in node for word in ("pattern", "enum", "const", "format")):
                kind = textpolicy.TOKEN
            else:
                kind = textpolicy.LINE
            check(value, path, key, kind)
        elif isinstance(value, dict):
            properties = node.get("properties", {})
            extra = node.get("additionalProperties")
            for child_key, child in value.items():
                child_node = properties.get(child_key, extra if isinstance(extra, dict) else None)
                visit(child, (*path, child_key), child_key, child_node, definition or owner)
        elif isinstance(value, list):
            items = node.get("items")
            for index, child in enumerate(value):
                visit(child, (*path, index), key, items, definition or owner)

    visit(document.value, (), "", schema.definition if schema else None, "")
    return problems


def _resolve(node: dict | None, defs: dict, value: object) -> tuple[dict, str | None, bool]:
    """The subschema ``node`` stands for with its ``$ref`` followed: (the subschema, the name of
    the last definition on the way, whether it is the address definition). A choice between forms
    (``anyOf``: ``none`` or an object) resolves to the form of the value's type."""
    definition, is_url = None, False
    while isinstance(node, dict):
        if "$ref" in node:
            definition = node["$ref"].rsplit("/", 1)[-1]
            is_url = is_url or definition == "url"
            node = defs.get(definition)
            continue
        choices = node.get("anyOf") or node.get("oneOf")
        if choices and "properties" not in node:
            forms = [_resolve(choice, defs, value) for choice in choices]
            wanted = "object" if isinstance(value, dict) else "array" if isinstance(value, list) else None
            matching = [form for form in forms if not wanted or form[0].get("type") == wanted]
            return (matching or forms)[0]
        return node, definition, is_url
    return {}, definition, is_url


def _date_problems(document: YamlDocument, path: Path_, text: str, today: dt.date) -> list[Problem]:
    """Real dates only. Checks and publications cannot be in the future; an event or the start of
    a default can (a change announced for a later date), but not absurdly far ahead."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?", text):
        return []  # the schema reports the form
    try:
        date = PartialDate.parse(text)
    except ValueError:
        if path[-1] in FULL_DATE_FIELDS:
            return []  # the schema's date format reports it
        kind = "date" if len(text) == 10 else "month"
        return [document.problem(path, f"{text!r} is not a real {kind}")]
    if path[-1] in SCHEDULED_DATE_FIELDS:
        if date.first_day > today + MAX_SCHEDULED_AHEAD:
            return [
                document.problem(path, f"{text} is more than a year ahead (today is {today.isoformat()})")
            ]
        return []
    if date.first_day > today:
        return [document.problem(path, f"{text} is in the future (today is {today.isoformat()})")]
    return []


def _recorded_problems(document: YamlDocument, path: Path_, recorded: str) -> list[Problem]:
    """An archived version cannot have been read before the archive recorded it."""
    source: Any = document.value
    for part in path[:-2]:  # sources, index (the path ends with archive, recorded)
        source = source[part]
    accessed = source.get("accessed") if isinstance(source, dict) else None
    if not isinstance(accessed, str):
        return []  # the schema reports a missing date
    try:
        later = dt.date.fromisoformat(recorded) > dt.date.fromisoformat(accessed)
    except (TypeError, ValueError):
        return []  # the schema reports a missing or unreal date
    if later:
        return [
            document.problem(
                path, f"{recorded} is after accessed ({accessed}): a version is read after it is recorded"
            )
        ]
    return []


# Ids that name pages and anchors of the site. Platform files give the names of generated pages
# (guides/<id>.md, embed/<id>.md: see optout_atlas.inventory) and element ids (the rows of the
# comparison, the sections of region pages); mechanism ids are the anchors of their sections in
# the guide and the embed page; region groups name region pages (regions/<id>.md); categories name
# the sections of the comparison (their id with - for _). Each must not collide with a page or
# an anchor the templates write themselves; tests/test_validate.py reads the templates and the
# page list and fails when these lists fall behind them.
PLATFORM_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
RESERVED_PLATFORM_IDS: Mapping[str, str] = {
    "index": "guides/index.md is the list of guides, and embed/index.md would become a section page",
}
# The groups of platforms (their kinds, with - for _): sections of the comparison, the region
# pages and the home page, beside the platforms.
PLATFORM_KIND_IDS = frozenset({"social", "ai-assistant", "work-creative"})
COMPARE_PAGE_IDS = frozenset({"data"}) | PLATFORM_KIND_IDS  # overrides/atlas/compare.md.j2
REGION_PAGE_IDS = PLATFORM_KIND_IDS  # overrides/atlas/region.md.j2, beside platform sections
GUIDE_PAGE_IDS = frozenset(  # overrides/atlas/guide.md.j2 and embed.md.j2, beside mechanisms
    {
        "answer",
        "at-a-glance",
        "data",
        "data-used",
        "data-excluded",
        "data-disputed",
        "sharing",
        "plans",
        "retention",
        "licensing",
        "human-review",
        "mechanisms",
        "myths",
        "timeline",
        "disputes",
        "embed",
        "sources",
    }
)
RESERVED_REGION_IDS: Mapping[str, str] = {"INDEX": "regions/index.md is the list of regions"}


def category_anchor(category_id: str) -> str:
    """The element id of a category's section on the comparison page."""
    return category_id.replace("_", "-")


def platform_id_problems(platform_id: str, categories: Collection[str] = ()) -> list[str]:
    """Why ``platform_id`` cannot name a platform: it is not made of words joined by single
    hyphens (the schema checks the characters), or a page or an anchor of the site has it."""
    if re.fullmatch(r"[a-z][a-z0-9-]*", platform_id) and not re.fullmatch(PLATFORM_ID, platform_id):
        return [f"'{platform_id}' is not a valid id: join words with single hyphens, with none at the end"]
    if platform_id in RESERVED_PLATFORM_IDS:
        return [f"'{platform_id}' is reserved ({RESERVED_PLATFORM_IDS[platform_id]}); pick another id"]
    if platform_id in COMPARE_PAGE_IDS | REGION_PAGE_IDS:
        return [
            f"'{platform_id}' is the anchor of a section of the comparison and region pages; pick another id"
        ]
    clashing = [c for c in categories if category_anchor(c) == platform_id]
    if clashing:
        return [
            f"'{platform_id}' is the anchor of the category '{clashing[0]}' on the comparison page;"
            " pick another id"
        ]
    return []


def reference_problems(
    document: YamlDocument,
    *,
    regions: Regions,
    categories: Collection[str],
    languages: Collection[str] | None = None,
) -> list[Problem]:
    """Ids that must match, and references that must resolve, inside one platform file.
    ``languages``: the site's languages, which labels of the platform's own may be given in
    (None: not checked)."""
    data = document.value
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []

    expected_id = document.path.stem
    if isinstance(data.get("id"), str) and data["id"] != expected_id:
        problems.append(document.problem(("id",), f"'{data['id']}' must equal the file name '{expected_id}'"))
    if isinstance(data.get("id"), str):
        problems += [
            document.problem(("id",), message) for message in platform_id_problems(data["id"], categories)
        ]

    sources = [s for s in data.get("sources") or [] if isinstance(s, dict)]
    source_ids: set[str] = set()
    for index, source in enumerate(sources):
        source_id = source.get("id")
        if not isinstance(source_id, str):
            continue  # the schema reports it
        if source_id in source_ids:
            problems.append(
                document.problem(("sources", index, "id"), f"source id '{source_id}' is used twice")
            )
        source_ids.add(source_id)

    plans = [p for p in data.get("plans") or [] if isinstance(p, dict)]
    plan_ids = {p["id"] for p in plans if isinstance(p.get("id"), str)}
    products = [p for p in data.get("products") or [] if isinstance(p, str)]
    cited: set[str] = set()
    for path, value in walk(data):
        if not path or not isinstance(value, list):
            continue
        key = path[-1]
        if key == "sources" and len(path) > 1:
            for index, source_id in enumerate(value):
                cited.add(source_id)
                if isinstance(source_id, str) and source_id not in source_ids:
                    hint = difflib.get_close_matches(source_id, sorted(source_ids), n=1)
                    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                    problems.append(
                        document.problem((*path, index), f"unknown source '{source_id}'{suggestion}")
                    )
        elif key == "regions":
            for index, code in enumerate(value):
                if isinstance(code, str) and not regions.is_known(code):
                    problems.append(document.problem((*path, index), _unknown_region(code, regions)))
        elif key == "plans" and len(path) > 1:
            for index, plan_id in enumerate(value):
                if isinstance(plan_id, str) and plan_id not in plan_ids:
                    problems.append(document.problem((*path, index), _unknown_plan(plan_id, plan_ids)))
        elif key == "products" and len(path) > 1:
            for index, product in enumerate(value):
                if isinstance(product, str) and product not in products:
                    hint = difflib.get_close_matches(product, products, n=1)
                    suggestion = (
                        f" (did you mean '{hint[0]}'?)" if hint else f"; known: {', '.join(products)}"
                    )
                    problems.append(
                        document.problem((*path, index), f"unknown product '{product}'{suggestion}")
                    )

    for index, source in enumerate(sources):
        if source.get("id") not in cited:
            problems.append(
                document.problem(
                    ("sources", index, "id"),
                    f"source '{source.get('id')}' is never cited; cite it or remove it",
                )
            )

    for index, use in enumerate(data.get("data") or []):
        if (
            isinstance(use, dict)
            and isinstance(use.get("category"), str)
            and use["category"] not in categories
        ):
            hint = difflib.get_close_matches(use["category"], sorted(categories), n=1)
            suggestion = (
                f" (did you mean '{hint[0]}'?)" if hint else f"; known: {', '.join(sorted(categories))}"
            )
            problems.append(
                document.problem(
                    ("data", index, "category"), f"unknown category '{use['category']}'{suggestion}"
                )
            )

    problems += _unique_ids(document, "mechanisms")
    problems += _unique_ids(document, "plans")
    problems += _overlapping_defaults(document, "defaults")
    problems += _overlapping_defaults(document, "licensing")
    problems += _plan_problems(document, plan_ids)
    problems += _watch_problems(document)
    for index, mechanism in enumerate(data.get("mechanisms") or []):
        if not isinstance(mechanism, dict):
            continue
        if mechanism.get("id") in GUIDE_PAGE_IDS:
            problems.append(
                document.problem(
                    ("mechanisms", index, "id"),
                    f"'{mechanism['id']}' is the anchor of a section of the guide (#{mechanism['id']});"
                    " pick another id",
                )
            )
        labels = mechanism.get("localized_labels")
        if languages is not None and isinstance(labels, dict):
            for language in labels:
                if language not in languages:
                    problems.append(
                        document.problem(
                            ("mechanisms", index, "localized_labels", language),
                            f"'{language}' is not a language of the site ({', '.join(sorted(languages))}):"
                            " a label is shown only on pages in its language",
                            at_key=True,
                        )
                    )
        steps = mechanism.get("steps")
        if isinstance(steps, dict) and "app" in steps and ({"ios", "android"} & set(steps)):
            problems.append(
                document.problem(
                    ("mechanisms", index, "steps", "app"),
                    "use either 'app' (same steps on iOS and Android) or 'ios'/'android', not both",
                    at_key=True,
                )
            )
    return problems


def _unknown_plan(plan_id: str, plan_ids: set[str]) -> str:
    if not plan_ids:
        return f"unknown plan '{plan_id}': this file has no `plans`; list the platform's plans first"
    hint = difflib.get_close_matches(plan_id, sorted(plan_ids), n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else f"; known: {', '.join(sorted(plan_ids))}"
    return f"unknown plan '{plan_id}'{suggestion}"


def _plan_problems(document: YamlDocument, plan_ids: set[str]) -> list[Problem]:
    """On a platform with plans, every default names its plans and every plan has a default;
    retention entries name mechanisms that exist."""
    data = _mapping(document)
    problems: list[Problem] = []
    defaults = [d for d in data.get("defaults") or [] if isinstance(d, dict)]
    if plan_ids:
        covered: set[str] = set()
        for index, entry in enumerate(data.get("defaults") or []):
            if not isinstance(entry, dict):
                continue
            if "plans" not in entry:
                problems.append(
                    document.problem(
                        ("defaults", index),
                        "this platform lists plans, so each default must name its `plans`",
                    )
                )
            covered.update(p for p in entry.get("plans") or [] if isinstance(p, str))
        for index, plan in enumerate(data.get("plans") or []):
            if isinstance(plan, dict) and plan.get("id") in plan_ids - covered and defaults:
                problems.append(
                    document.problem(
                        ("plans", index, "id"),
                        f"plan '{plan['id']}' has no default; add it to a default's `plans`",
                    )
                )
    mechanism_ids = sorted(str(m.get("id")) for m in data.get("mechanisms") or [] if isinstance(m, dict))
    for list_key in ("retention", "licensing"):
        for index, entry in enumerate(data.get(list_key) or []):
            named = entry.get("mechanism") if isinstance(entry, dict) else None
            if isinstance(named, str) and named not in mechanism_ids:
                hint = difflib.get_close_matches(named, mechanism_ids, n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                problems.append(
                    document.problem(
                        (list_key, index, "mechanism"), f"unknown mechanism '{named}'{suggestion}"
                    )
                )
    return problems


def _unknown_region(code: str, regions: Regions) -> str:
    if code == "UK":
        return "unknown region 'UK': the ISO code of the United Kingdom is 'GB'"
    known = sorted(regions.groups) + sorted(country_codes())
    hint = difflib.get_close_matches(code, known, n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    where = "an ISO 3166-1 alpha-2 code or a group from data/regions.yml"
    return f"unknown region '{code}': use {where}{suggestion}"


def _mapping(document: YamlDocument) -> dict[str, Any]:
    """The value of a document that has the schema's shape (a mapping at the top)."""
    return cast(dict[str, Any], document.value)


def _unique_ids(document: YamlDocument, list_key: str) -> list[Problem]:
    seen: set[object] = set()
    problems = []
    for index, item in enumerate(_mapping(document).get(list_key) or []):
        item_id = item.get("id") if isinstance(item, dict) else None
        if item_id in seen:
            problems.append(
                document.problem((list_key, index, "id"), f"id '{item_id}' is used twice in {list_key}")
            )
        seen.add(item_id)
    return problems


def _overlapping_defaults(document: YamlDocument, list_key: str) -> list[Problem]:
    """A region (or country) may have only one default (or licensing status) per plan;
    overlapping groups need a country entry."""
    problems = []
    named: dict[tuple[str, str | None], int] = {}
    what = "a default" if list_key == "defaults" else "a licensing status"
    for index, entry in enumerate(_mapping(document).get(list_key) or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("regions"), list):
            continue
        plans = [p for p in entry.get("plans") or [None] if p is None or isinstance(p, str)]
        for position, code in enumerate(entry["regions"]):
            if not isinstance(code, str):
                continue
            for plan in plans:
                key = (code, plan)
                if key in named and named[key] != index:
                    for_plan = f" for plan '{plan}'" if plan else ""
                    problems.append(
                        document.problem(
                            (list_key, index, "regions", position),
                            f"region '{code}' already has {what}{for_plan} in {list_key}[{named[key]}]",
                        )
                    )
                    break
                named.setdefault(key, index)
    return problems


def _watch_problems(document: YamlDocument) -> list[Problem]:
    """Each watched document once: no address, and no archived document, named twice."""
    problems: list[Problem] = []
    seen_urls: dict[str, int] = {}
    seen_archives: dict[tuple, int] = {}
    for index, item in enumerate(_mapping(document).get("watch") or []):
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        if isinstance(url, str):
            if url in seen_urls:
                problems.append(
                    document.problem(
                        ("watch", index, "url"), f"this address is already watched in watch[{seen_urls[url]}]"
                    )
                )
            seen_urls.setdefault(url, index)
        archive = item.get("archive")
        if isinstance(archive, dict):
            key = tuple(archive.get(k) for k in ("collection", "service", "document"))
            if key in seen_archives:
                problems.append(
                    document.problem(
                        ("watch", index, "archive"),
                        f"this archived document is already watched in watch[{seen_archives[key]}]",
                    )
                )
            seen_archives.setdefault(key, index)
    return problems
