"""Translation of the site through gettext catalogs managed with Babel.

Two domains, each with a template in ``locales/<domain>.pot`` and a catalog per language in
``locales/<lang>/LC_MESSAGES/<domain>.po``:

- ``ui``: the words of the templates in ``overrides/atlas/`` (and the few in ``render.py``);
- ``data``: every translatable string of the YAML data. The English text stays in the YAML; each
  message has a stable context naming where it comes from (``linkedin|mechanisms.x.steps.web``),
  so two identical English strings in different places can be translated differently.

A translation is used only while its English text (its msgid) is exactly the one in the YAML.
When the English changes, the old translation no longer matches: the page shows the English
text marked as untranslated (``Untranslated``, rendered with ``lang="en"``), and
``translations --update`` keeps the old translation as a fuzzy suggestion for the translator.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import denormalize, read_po

from optout_atlas import gcpause, pofile
from optout_atlas.dataset import Dataset, build_dataset
from optout_atlas.regions import _territories

DOMAINS = ("ui", "data")
SOURCE_LANGUAGE = "en"
PROJECT = "AI Opt-Out Atlas"

_BOLD = re.compile(r"\*\*(.+?)\*\*")

COMMENT_BOLD = (
    "Keep every **label** exactly as written: it is the platform's on-screen name in English. "
    "After a label you may add your translation in parentheses."
)
COMMENT_LABEL = (
    "The platform's English on-screen label. Translate its meaning: the page shows the English "
    "label, then your translation in parentheses."
)


class Untranslated(str):
    """English text standing in for a missing or outdated translation."""

    __slots__ = ()


@dataclass(frozen=True)
class Message:
    """One translatable string of the data."""

    context: str
    text: str
    path: tuple  # where it sits in Dataset.raw
    comment: str = ""


def language_dir(language: str) -> str:
    """Folder name of a site language under ``locales/`` (``pt-BR`` -> ``pt_BR``)."""
    return language.replace("-", "_")


def babel_locale(language: str) -> str:
    """A site language code (``pt-BR``, ``zh-Hant``) as a Babel locale (``pt_BR``, ``zh_Hant_HK``)."""
    return {"zh-Hant": "zh_Hant_HK"}.get(language, language.replace("-", "_"))


# --------------------------------------------------------------------------------------------
# Messages of the data
# --------------------------------------------------------------------------------------------

# Text fields of a platform file that are translated. Names, products, source titles and
# publishers stay as they are: they are proper names or the documents' own titles. (Sharing
# recipients are translated: they are often phrases such as "Meta's other apps".)
_MECHANISM_LISTS = ("covers", "does_not_cover")


def data_messages(raw: dict) -> Iterator[Message]:
    """Every translatable string of the data, with its stable context and its path in ``raw``."""
    for index, category in enumerate(raw["categories"]["categories"]):
        for key in ("name", "question"):
            yield Message(
                f"category.{category['id']}.{key}", category[key], ("categories", "categories", index, key)
            )
    for index, group in enumerate(raw["regions"]["groups"]):
        if group["id"] not in _territories("en"):  # CLDR names it in every language already
            yield Message(f"region.{group['id']}", group["name"], ("regions", "groups", index, "name"))
    for platform_id, value in raw["platforms"].items():
        yield from _platform_messages(platform_id, value)


def _platform_messages(pid: str, d: dict) -> Iterator[Message]:
    base = ("platforms", pid)

    def message(context: str, path: tuple, comment: str = "") -> Message:
        value = d
        for part in path:
            value = value[part]
        if _BOLD.search(value) and not comment:
            comment = COMMENT_BOLD
        return Message(f"{pid}|{context}", value, base + path, comment)

    yield message("summary", ("summary", "text"))
    for index, default in enumerate(d["defaults"]):
        where = "+".join(default["regions"])
        for key in ("note", "legal_basis"):
            if key in default:
                yield message(f"defaults.{where}.{key}", ("defaults", index, key))
    for index, use in enumerate(d["data"]):
        where = f"@{'+'.join(use['regions'])}" if "regions" in use else ""
        yield message(f"data.{use['category']}{where}", ("data", index, "text"))
    seen: dict[str, int] = {}
    for index, event in enumerate(d["events"]):
        key = f"events.{event['date']}.{event['type']}"
        seen[key] = seen.get(key, 0) + 1
        yield message(key if seen[key] == 1 else f"{key}.{seen[key]}", ("events", index, "text"))
    for index, mechanism in enumerate(d["mechanisms"]):
        prefix = f"mechanisms.{mechanism['id']}"
        yield message(f"{prefix}.title", ("mechanisms", index, "title"))
        if "label" in mechanism:
            yield message(f"{prefix}.label", ("mechanisms", index, "label"), COMMENT_LABEL)
        if "url_note" in mechanism:
            yield message(f"{prefix}.url_note", ("mechanisms", index, "url_note"))
        for key in _MECHANISM_LISTS:
            for position in range(len(mechanism.get(key, ()))):
                yield message(f"{prefix}.{key}", ("mechanisms", index, key, position))
        for surface, steps in mechanism["steps"].items():
            for position in range(len(steps)):
                yield message(f"{prefix}.steps.{surface}", ("mechanisms", index, "steps", surface, position))
        for position in range(len(mechanism.get("caveats", ()))):
            yield message(f"{prefix}.caveats", ("mechanisms", index, "caveats", position, "text"))
    for index in range(len(d.get("sharing", ()))):
        yield message(f"sharing.{index}.recipient", ("sharing", index, "recipient"))
        yield message(f"sharing.{index}.text", ("sharing", index, "text"))
    for index in range(len(d.get("myths", ()))):
        yield message(f"myths.{index}", ("myths", index, "text"))
    for index, _dispute in enumerate(d.get("disputes", ())):
        yield message(f"disputes.{index}.topic", ("disputes", index, "topic"))
        yield message(f"disputes.{index}.text", ("disputes", index, "text"))
    for index, source in enumerate(d["sources"]):
        if "note" in source:  # the title stays the document's own; our note about it is translated
            yield message(f"sources.{source['id']}.note", ("sources", index, "note"))


# --------------------------------------------------------------------------------------------
# Extraction: the templates (.pot)
# --------------------------------------------------------------------------------------------


def _new_catalog(locale: str | None = None) -> Catalog:
    return Catalog(
        locale=locale,
        header_comment=(
            "# Translations of AI Opt-Out Atlas. Edit msgstr lines only; keep **labels** in English.\n"
            "# Update after editing the data: optout-atlas translations --update"
        ),
        project=PROJECT,
        version="1",
        msgid_bugs_address="",
        last_translator="AI Opt-Out Atlas translators",
        language_team="AI Opt-Out Atlas translators",
        copyright_holder="AI Opt-Out Atlas contributors",
        creation_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        revision_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        fuzzy=False,
    )


def extract_data(dataset: Dataset, *, root: Path) -> Catalog:
    """The data template: one message per translatable string, with the file it comes from
    (no line number: the context already names the place, and references that do not move
    when lines move keep the catalogs' diffs to the strings that changed)."""
    catalog = _new_catalog()
    for message in data_messages(dataset.raw):
        kind = message.path[0]
        if kind == "platforms":
            path = dataset.data_dir / "platforms" / f"{message.path[1]}.yml"
        else:
            path = dataset.data_dir / f"{kind}.yml"
        location = (_relative(path, root), None)
        existing = catalog.get(message.text, message.context)
        if existing is not None:
            if location not in existing.locations:
                existing.locations.append(location)
            continue
        catalog.add(
            message.text,
            context=message.context,
            locations=[location],
            auto_comments=[message.comment] if message.comment else [],
        )
    return catalog


def extract_ui(template_dir: Path, python_dir: Path, *, root: Path) -> Catalog:
    """The UI template: the strings of the Jinja templates and of ``render.py``."""
    catalog = _new_catalog()
    sources = [
        (
            template_dir,
            [("**.j2", "jinja2")],
            {"**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}},
        ),
        (python_dir, [("render.py", "python")], {}),
    ]
    for directory, method_map, options in sources:
        for filename, _line, text, comments, context in extract_from_dir(
            directory, method_map, options, keywords={"_": None, "gettext": None, "ngettext": (1, 2)}
        ):
            # No line number (see extract_data). The package's own file is named as in the
            # repository wherever the package is installed.
            where = f"src/optout_atlas/{filename}" if directory == python_dir else None
            location = (where or _relative(directory / filename, root), None)
            existing = catalog.get(text, context)
            if existing is not None:
                if location not in existing.locations:
                    existing.locations.append(location)
            else:
                catalog.add(text, context=context, locations=[location], auto_comments=comments)
    return catalog


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


# --------------------------------------------------------------------------------------------
# Catalog files
# --------------------------------------------------------------------------------------------


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


HEADER_COMMENT = (
    "# Translations of AI Opt-Out Atlas. Edit msgstr lines only; keep **labels** in English.\n"
    "# Update after editing the data: optout-atlas translations --update"
)
# Header fields that tools fill with placeholders or with their own name and version: they
# would change with every tool that touches a catalog, so they are not written.
_NOISE = re.compile(r"EMAIL@ADDRESS|FULL NAME|LL@li\.org|YEAR-MO-DA|^2025-01-01 00:00\+0000$|^VERSION$")
_DROPPED_FIELDS = {"Generated-By", "POT-Creation-Date"}  # a tool's version; the time of extraction
# Babel's boilerplate comment of a new catalog (placeholders and this year's date).
_BOILERPLATE = re.compile(
    r"translations for |template for |Copyright \(C\)|distributed under the same license|FIRST AUTHOR|^#$"
)


def format_catalog(catalog: Catalog, *, existing: str | None = None) -> str:
    """The text of a catalog file, in the form GNU gettext, Poedit and Weblate write it (see
    ``pofile``), with a header that depends only on the language. ``existing``: the current
    text of the file, whose header comment and extra header fields (a translator's name, the
    editor that saved it) are kept as they are."""
    language = str(catalog.locale) if catalog.locale else None
    fields = {"Project-Id-Version": PROJECT}
    if language:
        fields["Language"] = language
        fields["Plural-Forms"] = catalog.plural_forms
    fields |= {
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    comment = HEADER_COMMENT
    if existing:
        old_comment, old_fields = _header(existing)
        comment = old_comment or comment
        for key, value in old_fields.items():
            if key not in fields and key not in _DROPPED_FIELDS and not _NOISE.search(value):
                fields[key] = value
    return pofile.format_catalog(catalog, header_comment=comment, header=fields)


def _header(text: str) -> tuple[str, dict[str, str]]:
    """The comment lines before the header entry of a catalog's text, and its header fields."""
    comment = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith(("#,", "#.", "#:", "#|")) and not _BOILERPLATE.search(line):
            comment.append(line)
    found = re.search(r'^msgid ""\nmsgstr ((?:".*"\n?)+)', text, re.MULTILINE)
    fields: dict[str, str] = {}
    if found:
        for line in denormalize(found.group(1).strip()).split("\n"):
            key, colon, value = line.partition(":")
            if colon:
                fields[key.strip()] = value.strip()
    return "\n".join(comment), fields


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Write ``catalog`` to ``path`` (see :func:`format_catalog`); an unchanged file is not
    touched."""
    existing = path.read_text(encoding="utf-8") if path.exists() else None
    text = format_catalog(catalog, existing=existing)
    if text != existing:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def template_path(locales_dir: Path, domain: str) -> Path:
    return locales_dir / f"{domain}.pot"


def catalog_path(locales_dir: Path, language: str, domain: str) -> Path:
    return locales_dir / language_dir(language) / "LC_MESSAGES" / f"{domain}.po"


def catalog_languages(locales_dir: Path) -> list[str]:
    """The languages that have catalogs (folder names back as site codes: ``pt_BR`` -> ``pt-BR``)."""
    return (
        sorted(
            folder.name.replace("_", "-")
            for folder in locales_dir.iterdir()
            if folder.is_dir() and (folder / "LC_MESSAGES").is_dir()
        )
        if locales_dir.is_dir()
        else []
    )


def update_catalog(template: Catalog, path: Path, language: str) -> Catalog:
    """Bring one language's catalog in line with the template; changed English becomes fuzzy."""
    if path.exists():
        catalog = read_catalog(path, babel_locale(language))
        catalog.update(
            template, no_fuzzy_matching=False, update_header_comment=False, keep_user_comments=True
        )
    else:
        catalog = _new_catalog(babel_locale(language))
        catalog.update(template)
    catalog.revision_date = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    catalog.fuzzy = False
    return catalog


# --------------------------------------------------------------------------------------------
# Lookup at build time
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Strings:
    """The usable translations of one catalog: not fuzzy, not empty."""

    by_key: dict[tuple[str | None, str], str]

    def get(self, context: str | None, text: str) -> str | None:
        return self.by_key.get((context, text))


def load_strings(path: Path, language: str) -> Strings:
    return _load_strings(path, language, path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _load_strings(path: Path, language: str, _mtime: int) -> Strings:
    if not path.exists():
        return Strings({})
    catalog = read_catalog(path, babel_locale(language))
    return Strings(
        {
            (message.context, message.id): message.string
            for message in catalog
            if message.id and isinstance(message.string, str) and message.string and not message.fuzzy
        }
    )


def translator(locales_dir: Path, language: str, domain: str) -> Callable[[str | None, str], str]:
    """``translate(context, english) -> text``: the translation, or ``Untranslated(english)``."""
    if language == SOURCE_LANGUAGE:
        return lambda context, text: text
    strings = load_strings(catalog_path(locales_dir, language, domain), language)

    def translate(context: str | None, text: str) -> str:
        found = strings.get(context, text)
        return found if found is not None else Untranslated(text)

    return translate


def localize(dataset: Dataset, language: str, locales_dir: Path) -> Dataset:
    """The dataset with every translatable string in ``language`` (English where missing,
    marked :class:`Untranslated`). Labels stay in English; their translation goes beside them."""
    if language == SOURCE_LANGUAGE:
        return dataset
    with gcpause.paused():
        return _localize(dataset, language, locales_dir)


def _localize(dataset: Dataset, language: str, locales_dir: Path) -> Dataset:
    translate = translator(locales_dir, language, "data")
    raw = _copy(dataset.raw)
    for message in data_messages(dataset.raw):
        *parents, key = message.path
        container = raw
        for part in parents:
            container = container[part]
        if key == "label":
            container["label_translation"] = translate(message.context, message.text)
        else:
            container[key] = translate(message.context, message.text)
    return build_dataset(raw, data_dir=dataset.data_dir, language=language)


def _copy(value):
    """A deep copy of loaded YAML values: what ``copy.deepcopy`` makes of them, several times
    faster. They are only dicts, lists and immutable scalars, and never share a container
    (``yamlfile`` rejects aliases), so there is no sharing to preserve."""
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value)


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def language_name(language: str) -> str:
    """The language's own name, from CLDR (``Deutsch``, ``português``)."""
    return Locale.parse(babel_locale(language)).get_display_name() or language
