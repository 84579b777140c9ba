"""A new platform file to fill in: every required field, with placeholders that fail validation.

``create_platform`` writes ``<data>/platforms/<id>.yml`` from the Jinja template
``templates/new_platform.yml.j2``. Every value a contributor must supply is a placeholder that
``optout-atlas validate`` rejects, on its own line, with a ``# TODO:`` comment saying what goes
there: ``TODO`` where the field only takes an id, a code, a choice or a boolean; ``0000-00-00``
for the dates that must be real; and an empty value for free text. So a half-filled file can
never be published: each placeholder left is one ``file:line:col`` problem.

The id pattern and the lists of choices (statuses, kinds, event types) with their explanations
are read from the data directory's platform schema, so the file's hints never disagree with
what the validator accepts.

Used by ``optout-atlas new`` (see :mod:`optout_atlas.tools.cmd_new`); nothing here prints.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from optout_atlas import textpolicy, validate, yamlfile
from optout_atlas.problems import display_path

TEMPLATE = "new_platform.yml.j2"
SCHEMA = Path("schema") / "platform.schema.json"
COMMENT_WIDTH = 100

# Template name -> the enum's place in the platform schema.
CHOICES = {
    "default_status": ("default", "status"),
    "data_status": ("data_use", "status"),
    "event_type": ("event", "type"),
    "mechanism_kind": ("mechanism", "kind"),
    "source_kind": ("source", "kind"),
}


class ScaffoldError(Exception):
    """The file cannot be created; the message says why and what to do instead."""


@dataclass(frozen=True)
class Choice:
    """The values one field accepts, and an explanation that names every one of them."""

    values: tuple[str, ...]
    explanation: str


def load_schema(data_dir: Path) -> dict:
    """The platform schema of ``data_dir``; raise :class:`ScaffoldError` when it cannot be read."""
    schema_path = Path(data_dir) / SCHEMA
    try:
        return json.loads(schema_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScaffoldError(
            f"{display_path(schema_path)} not found: run this from the repository root, or pass --data"
        ) from None
    except (OSError, ValueError) as error:
        raise ScaffoldError(f"cannot read {display_path(schema_path)}: {error}") from None


def id_pattern(schema: dict) -> str:
    """The pattern a platform id must match."""
    return schema["properties"]["id"]["pattern"]


def choices(schema: dict) -> dict[str, Choice]:
    """Each enum field the template explains, from the schema: its values and what they mean."""
    found = {}
    for name, (definition, field) in CHOICES.items():
        spec = schema["$defs"][definition]["properties"][field]
        values = tuple(spec["enum"])
        description = (spec.get("description") or "").strip()
        if not all(value in description for value in values):
            description = f"{description} One of: {or_list(values)}.".strip()
        found[name] = Choice(values, description)
    return found


def check_id(platform_id: str, pattern: str, categories: Collection[str] = ()) -> None:
    """Raise :class:`ScaffoldError` unless ``platform_id`` is a valid platform id: the whole of it
    matches the schema's pattern (``re.search`` with ``$`` would take an id with a line break at
    its end) and words joined by single hyphens, and no page or anchor of the site has it."""
    if not (
        re.fullmatch(pattern.removeprefix("^").removesuffix("$"), platform_id)
        and re.fullmatch(validate.PLATFORM_ID, platform_id)
    ):
        raise ScaffoldError(
            f"{platform_id!r} is not a valid platform id: use lower-case letters and digits, words joined"
            f" by single hyphens (the schema's pattern is {pattern}), for example 'mastodon' or"
            " 'google-gemini'"
        )
    reserved = validate.platform_id_problems(platform_id, categories)
    if reserved:
        raise ScaffoldError(f"{platform_id!r} cannot be used: {reserved[0]}")


def _category_ids(data_dir: Path) -> list[str]:
    """The category ids of ``data_dir`` (their anchors share the comparison page with platform
    ids), or none when ``categories.yml`` cannot be read: validation reports that file."""
    document, problems = yamlfile.load(Path(data_dir) / "categories.yml")
    if problems or not isinstance(document.value, dict):
        return []
    return [c["id"] for c in document.value.get("categories") or [] if isinstance(c, dict) and "id" in c]


def or_list(values: tuple[str, ...] | list[str]) -> str:
    """``a, b or c``."""
    values = list(values)
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def comment(text: str, indent: int = 0) -> str:
    """``text`` as YAML comment lines, wrapped, each starting with ``indent`` spaces and ``# ``."""
    prefix = " " * indent + "# "
    return textwrap.fill(
        text, width=COMMENT_WIDTH, initial_indent=prefix, subsequent_indent=prefix, break_on_hyphens=False
    )


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back as exactly this string: plain when safe, else quoted."""
    for candidate in (text, json.dumps(text, ensure_ascii=False)):
        try:
            if yaml.safe_load(f"key: {candidate}") == {"key": text}:
                return candidate
        except yaml.YAMLError:
            continue
    return json.dumps(text)  # pure ASCII escapes: always reads back


def render_platform(platform_id: str, schema: dict, name: str | None = None) -> str:
    """The text of a new platform file for ``platform_id``; ``name`` fills the name when given."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("optout_atlas.tools", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    environment.filters.update(yaml_scalar=yaml_scalar, comment=comment, or_list=or_list)
    return environment.get_template(TEMPLATE).render(id=platform_id, name=name, choices=choices(schema))


def create_platform(data_dir: Path, platform_id: str, name: str | None = None) -> Path:
    """Write ``<data_dir>/platforms/<platform_id>.yml`` and return its path.

    Raises :class:`ScaffoldError` when the id is invalid or reserved, the name is blank, spans
    lines or breaks the text policy (:mod:`optout_atlas.textpolicy`), the data directory has no
    schema or no ``platforms/`` folder, or the file already exists (it is never overwritten).
    """
    data_dir = Path(data_dir)
    schema = load_schema(data_dir)
    check_id(platform_id, id_pattern(schema), _category_ids(data_dir))
    if name is not None:
        name = name.strip()
        if not name:
            raise ScaffoldError("--name must not be blank; leave it out to fill the name in the file")
        if "\n" in name or "\r" in name:
            raise ScaffoldError("--name must be a single line")
        problems = textpolicy.text_problems(name, textpolicy.LINE)
        if problems:
            raise ScaffoldError(f"--name {name!r}: {problems[0]}")
    platforms = data_dir / "platforms"
    if not platforms.is_dir():
        raise ScaffoldError(
            f"{display_path(platforms)} is not a directory: run this from the repository root, or pass --data"
        )
    path = platforms / f"{platform_id}.yml"
    text = render_platform(platform_id, schema, name)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except FileExistsError:
        raise ScaffoldError(
            f"{display_path(path)} already exists; edit it instead (new never overwrites a file)"
        ) from None
    return path
