"""Translation of the site through gettext catalogs managed with Babel.

Two domains, each with a template in ``locales/<domain>.pot`` and a catalog per language in
``locales/<lang>/LC_MESSAGES/<domain>.po``:

- ``ui``: the words of the templates in ``overrides/atlas/`` (and the few in ``UI_PYTHON_FILES``);
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
import dataclasses
import datetime as dt
import difflib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

from babel.messages import catalog as babel_catalog
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import denormalize, read_po

from optout_atlas import gcpause, pofile, textpolicy, yamlfile
from optout_atlas.dataset import Dataset
from optout_atlas.model import COMMENT_LABEL, WRITTEN_ORDER, Text, Translatable
from optout_atlas.problems import DataError, Problem, display_path
from optout_atlas.regions import _territories

DOMAINS = ("ui", "data")
SOURCE_LANGUAGE = "en"
PROJECT = "AI Opt-Out Atlas"


COMMENT_BOLD = (
    "Keep every **label** exactly as written: it is the platform's on-screen name in English. "
    "After a label you may add your translation in parentheses."
)
__all__ = ["COMMENT_BOLD", "COMMENT_LABEL", "Message", "data_messages", "extract_data", "localize"]


class Untranslated(str):
    """English text standing in for a missing or outdated translation."""

    __slots__ = ()


@dataclass(frozen=True)
class Message:
    """One translatable string of the data."""

    context: str
    text: str
    file: Path  # the data file it is written in
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

# Which fields are translated, and the context of their messages, is declared once, in each model
# class's TRANSLATED (see optout_atlas.model.Text). Names, products, source titles and publishers
# stay as they are: they are proper names or the documents' own titles.

# Replaces one translatable string: (its message's context, its English text, the comment for
# translators) -> the text to put in its place.
Visit = Callable[[str, str, str], str]
_Item = TypeVar("_Item", bound=Translatable)


def data_messages(dataset: Dataset) -> Iterator[Message]:
    """Every translatable string of the data, with its stable context and the file it is
    written in, in the catalogs' order: the categories, the region groups, then each platform
    file in the order of the file names."""
    found: list[Message] = []
    _translated(dataset, _recorder(found))
    return iter(found)


def _recorder(found: list[Message]) -> Callable[[Path], Visit]:
    def in_file(file: Path) -> Visit:
        def record(context: str, text: str, comment: str) -> str:
            if not comment and textpolicy.BOLD.search(text):
                comment = COMMENT_BOLD
            found.append(Message(context, text, file, comment))
            return text

        return record

    return in_file


def _translated(dataset: Dataset, visit_in: Callable[[Path], Visit]) -> Dataset:
    """``dataset`` with every translatable string replaced through ``visit_in(file)`` (called
    in the catalogs' order)."""
    visit = visit_in(dataset.data_dir / "categories.yml")
    categories = {key: _walk(c, f"category.{c.id}", visit) for key, c in dataset.categories.items()}
    visit = visit_in(dataset.data_dir / "regions.yml")
    territories = _territories("en")  # CLDR names these in every language already
    regions = dataclasses.replace(
        dataset.regions,
        groups={
            key: group
            if group.id in territories
            else dataclasses.replace(group, name=visit(f"region.{group.id}", group.name, ""))
            for key, group in dataset.regions.groups.items()
        },
    )
    platforms = {}
    for platform in sorted(dataset.platforms, key=lambda p: p.path):
        visit = _in_platform(platform.id, visit_in(platform.path))
        translated = _walk(platform, "", visit)
        platforms[platform.id] = dataclasses.replace(
            translated,
            data=tuple(dataclasses.replace(u, category=categories[u.category.id]) for u in translated.data),
        )
    return dataclasses.replace(
        dataset,
        categories=categories,
        regions=regions,
        platforms=tuple(platforms[p.id] for p in dataset.platforms),
    )


def _in_platform(platform_id: str, visit: Visit) -> Visit:
    """``visit`` with contexts prefixed by the platform's id: ``linkedin|summary``."""
    return lambda context, text, comment: visit(f"{platform_id}|{context}", text, comment)


def _join(context: str, part: str) -> str:
    return f"{context}.{part}" if context and part else context or part


def _walk(item: _Item, context: str, visit: Visit) -> _Item:
    """``item`` (a model object) with the fields its class lists in ``TRANSLATED`` replaced
    through ``visit``, in the order of that list."""
    changes = {}
    for text, written_order in _translated_fields(type(item)):
        value = getattr(item, text.field)
        changes[text.into or text.field] = _walk_value(
            value, _join(context, text.context_part), text, visit, written_order
        )
    return dataclasses.replace(item, **changes)


@cache
def _translated_fields(kind: type[Translatable]) -> tuple[tuple[Text, str | None], ...]:
    """The translated fields of a model class, each with the attribute that orders its items as
    written (see ``model.WRITTEN_ORDER``), if any."""
    metadata = {f.name: f.metadata for f in dataclasses.fields(kind)}
    return tuple((text, metadata[text.field].get(WRITTEN_ORDER)) for text in kind.TRANSLATED)


def _walk_value(value: Any, context: str, text: Text, visit: Visit, written_order: str | None) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return visit(context, value, text.comment)
    if isinstance(value, tuple):
        return _walk_items(value, context, text, visit, written_order)
    if isinstance(value, dict):
        if all(isinstance(entry, tuple) for entry in value.values()):  # steps by surface
            return {
                key: tuple(visit(_join(context, key), s, text.comment) for s in entries)
                for key, entries in value.items()
            }
        return dict(zip(value, _walk_items(tuple(value.values()), context, text, visit, None), strict=True))
    if hasattr(value, "TRANSLATED"):
        return _walk(value, context, visit)
    raise TypeError(f"{context}: cannot translate a {type(value).__name__}")


def _walk_items(
    items: tuple[Any, ...], context: str, text: Text, visit: Visit, written_order: str | None
) -> tuple[Any, ...]:
    """The items of a list, translated in the order they are written in (the model may sort
    them otherwise), each in its own context when ``text.key`` names them."""
    order = (
        sorted(range(len(items)), key=lambda i: getattr(items[i], written_order)) if written_order else None
    )
    result: list[Any] = list(items)
    seen: dict[str, int] = {}
    for position, index in enumerate(order if order is not None else range(len(items))):
        item = items[index]
        if isinstance(item, str):
            result[index] = visit(context, item, text.comment)
            continue
        item_context = context
        if text.key is not None:
            key = text.key(item, position)
            seen[key] = seen.get(key, 0) + 1
            item_context = _join(context, key if seen[key] == 1 else f"{key}.{seen[key]}")
        result[index] = _walk(item, item_context, visit)
    return tuple(result)


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
    for message in data_messages(dataset):
        location = _location(_relative(message.file, root))
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


# The package's modules with UI strings of their own (besides the templates').
UI_PYTHON_FILES = ("render.py", "vocabulary.py", "badges.py")


def extract_ui(template_dir: Path, python_dir: Path, *, root: Path) -> Catalog:
    """The UI template: the strings of the Jinja templates and of ``UI_PYTHON_FILES``."""
    catalog = _new_catalog()
    sources = [
        (
            template_dir,
            [("**.j2", "jinja2")],
            {"**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}},
        ),
        (python_dir, [(name, "python") for name in UI_PYTHON_FILES], {}),
    ]
    for directory, method_map, options in sources:
        for filename, _line, text, comments, context in extract_from_dir(
            directory, method_map, options, keywords={"_": None, "gettext": None, "ngettext": (1, 2)}
        ):
            # No line number (see extract_data). The package's own file is named as in the
            # repository wherever the package is installed.
            where = f"src/optout_atlas/{filename}" if directory == python_dir else None
            location = _location(where or _relative(directory / filename, root))
            existing = catalog.get(text, context)
            if existing is not None:
                if location not in existing.locations:
                    existing.locations.append(location)
            else:
                catalog.add(text, context=context, locations=[location], auto_comments=comments)
    return catalog


def _location(file: str) -> tuple[str, int]:
    """A message's reference: its file, without a line number (Babel writes none for None)."""
    return cast(tuple[str, int], (file, None))


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


# --------------------------------------------------------------------------------------------
# Catalog files
# --------------------------------------------------------------------------------------------


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """The catalog at ``path``, read by Babel once it has passed :func:`parse_catalog`: Babel
    reads a malformed file without a word (it skips lines it does not understand, keeps the
    last of two equal messages, and reads an unknown escape as two characters), so a catalog
    with a syntax error would silently lose translations. Raises :class:`DataError` with one
    problem per syntax error."""
    raw = _read_bytes(path)
    problems = _syntax_problems(path, raw)
    if problems:
        raise DataError(list(problems))
    return read_po(io.BytesIO(raw), locale=locale)


def syntax_problems(path: Path) -> list[Problem]:
    """The syntax errors of the catalog file at ``path`` (see :func:`parse_catalog`)."""
    try:
        return list(_syntax_problems(path, _read_bytes(path)))
    except DataError as error:
        return error.problems


@lru_cache(maxsize=64)
def _syntax_problems(path: Path, raw: bytes) -> tuple[Problem, ...]:
    """The syntax errors of a catalog's content (cached: a command reads each file many times)."""
    return tuple(parse_catalog(path, raw)[1])


# A catalog holds every string of every platform: about 90 kB per platform today. The bound
# only stops a file that never ends (a link to a device, a pipe) or is absurdly large.
CATALOG_MAX_BYTES = 50_000_000


def _read_bytes(path: Path) -> bytes:
    """The bytes of a catalog, read as data files are: a regular file, never through a link,
    and bounded (see :func:`yamlfile.read_regular_file`)."""
    raw, reason = yamlfile.read_regular_file(path, limit=CATALOG_MAX_BYTES)
    if raw is None:
        raise DataError([Problem(display_path(path), 1, 1, "", reason)])
    return raw


# --------------------------------------------------------------------------------------------
# Strict reading and checking of catalog files
# --------------------------------------------------------------------------------------------


@dataclass
class PoEntry:
    """One message of a catalog file as written, with the line of each of its parts."""

    line: int  # of its first keyword
    context: str | None = None
    msgid: str | None = None
    msgid_line: int = 0
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    msgstr_lines: list[int] = field(default_factory=list)
    flags: frozenset[str] = frozenset()
    broken: bool = False  # a string of it could not be read (reported): not compared with others

    @property
    def complete(self) -> bool:
        return self.msgid is not None and bool(self.msgstr)

    def where(self) -> str:
        """The message as a field name in a problem: its context, or the start of its English."""
        if self.context is not None:
            return f"[{self.context}]"
        english = " ".join((self.msgid or "").split())
        return f'msgid "{english if len(english) <= 40 else english[:39] + "…"}"'


_PO_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[([0-9]+)\])?)(?=[\s\"])\s*(.*)\Z")
# The escapes GNU gettext and Babel read alike; others (\v, \a, octal, hex) differ between them.
_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}


_PO_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*\Z')
_PO_ESCAPE = re.compile(r"\\(.?)")


def _po_string(text: str) -> tuple[str, str | None, int]:
    """A quoted string of a catalog line: (its value, the error or None, the error's offset)."""
    match = _PO_QUOTED.match(text)
    if match is None:
        return "", *_po_string_error(text)
    body = match.group(1)
    if "\\" not in body:
        return body, None, 0
    for escape in _PO_ESCAPE.finditer(body):
        if escape.group(1) not in _PO_ESCAPES:
            shown = f"\\{escape.group(1)}" if escape.group(1) else "\\ at the end of the line"
            return "", f"unknown escape {shown}: write \\\\ for a backslash", escape.start() + 1
    return _PO_ESCAPE.sub(lambda escape: _PO_ESCAPES[escape.group(1)], body), None, 0


def _po_string_error(text: str) -> tuple[str, int]:
    """What is wrong with a quoted string that does not parse, and where."""
    if not text.startswith('"'):
        return "expected text in double quotes", 0
    index = 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            rest = text[index + 1 :].strip()
            return (
                f'text after the closing quote: {rest[:30]!r} (write \\" for a quote inside the text)',
                index + 1,
            )
        index += 1
    return 'the quote " opened here is not closed on its line', 0


def parse_catalog(path: Path, raw: bytes | None = None) -> tuple[list[PoEntry], list[Problem]]:
    """Every message of a catalog file with the line of each part, and every syntax error as a
    problem at its line: lines that are not gettext, strings not closed or with an escape that
    tools read differently, keywords out of order, an entry without msgstr, a message twice."""
    name = display_path(path)
    raw = _read_bytes(path) if raw is None else raw
    problems: list[Problem] = []

    def problem(line: int, column: int, message: str, field_: str = "") -> None:
        problems.append(Problem(name, line, column, field_, message))

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as not_utf8:
        problems.append(yamlfile.not_utf8(name, raw, not_utf8))
        return [], problems

    entries: list[PoEntry] = []
    current: PoEntry | None = None
    last: tuple[str, int] | None = None  # the part that continuation lines add to
    flags: set[str] = set()

    def finish() -> None:
        nonlocal current
        if current is not None:
            if current.msgid is None:
                problem(current.line, 1, "msgctxt without msgid and msgstr")
            elif not current.msgstr:
                problem(current.msgid_line, 1, "msgid without msgstr", current.where())
            else:
                entries.append(current)
        current = None

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            finish()
            last = None
            continue
        if stripped.startswith("#"):
            if current is not None and current.complete:
                finish()
            elif current is not None:
                problem(number, 1, "a comment inside a message: put comments before msgctxt or msgid")
            if stripped.startswith("#,"):
                flags |= {flag.strip() for flag in stripped[2:].split(",") if flag.strip()}
            last = None
            continue
        column = len(line) - len(line.lstrip()) + 1
        if stripped.startswith('"'):
            value, error, offset = _po_string(stripped)
            if error:
                problem(number, column + offset, error)
            elif current is None or last is None:
                problem(number, column, "a string with no msgid, msgstr or msgctxt before it")
            else:
                part, index = last
                if part == "msgstr":
                    current.msgstr[index] += value
                else:
                    setattr(current, part, (getattr(current, part) or "") + value)
            continue
        match = _PO_KEYWORD.match(stripped)
        if match is None:
            problem(number, column, f"not a line of a gettext catalog: {stripped[:40]!r}")
            last = None
            continue
        keyword, plural_index, rest = match.groups()
        value, error, offset = _po_string(rest)
        if error:
            problem(number, column + len(stripped) - len(rest) + offset, error)
        if current is not None and current.complete and keyword in ("msgctxt", "msgid"):
            finish()
        if error and current is not None:
            current.broken = True
        if keyword == "msgctxt":
            if current is not None:
                problem(number, column, "msgctxt must come first in a message")
                finish()
            current = PoEntry(line=number, context=value, flags=frozenset(flags), broken=bool(error))
            flags = set()
            last = ("context", 0)
        elif keyword == "msgid":
            if current is not None and current.msgid is not None:
                problem(number, column, f"msgid before the msgstr of the msgid on line {current.msgid_line}")
                current = None
            if current is None:
                current = PoEntry(line=number, flags=frozenset(flags))
                flags = set()
            current.msgid, current.msgid_line = value, number
            current.broken = current.broken or bool(error)
            last = ("msgid", 0)
        elif current is None or current.msgid is None:
            problem(number, column, f"{keyword} without a msgid before it")
            last = None
        elif keyword == "msgid_plural":
            if current.msgstr or current.msgid_plural is not None:
                problem(number, column, "msgid_plural belongs right after msgid")
            current.msgid_plural = value
            last = ("msgid_plural", 0)
        else:
            expected = len(current.msgstr)
            if current.msgid_plural is None and plural_index is not None:
                problem(number, column, f"{keyword} without msgid_plural: write msgstr")
            elif current.msgid_plural is not None and plural_index is None:
                problem(number, column, "a message with msgid_plural has msgstr[0], msgstr[1]…")
            elif plural_index is None and expected:
                problem(number, column, "a second msgstr for the same msgid")
            elif plural_index is not None and int(plural_index) != expected:
                problem(number, column, f"{keyword} out of order: expected msgstr[{expected}]")
            current.msgstr.append(value)
            current.msgstr_lines.append(number)
            last = ("msgstr", len(current.msgstr) - 1)
    finish()

    seen: dict[tuple[str | None, str | None], int] = {}
    for entry in entries:
        key = (entry.context, entry.msgid)
        if entry.broken:
            continue
        if key in seen:
            problem(
                entry.msgid_line,
                1,
                f"the same message (msgctxt and msgid) is already on line {seen[key]}",
                entry.where(),
            )
        seen.setdefault(key, entry.msgid_line)
    return entries, problems


def catalog_problems(path: Path, domain: str) -> list[Problem]:
    """Everything wrong with one catalog file: its syntax, then each translation against the
    text policy (:mod:`optout_atlas.textpolicy`) and the placeholders of its English text.
    Problems are placed at the msgstr line and named by the message's msgctxt. UI strings are
    %-formatted (Jinja's i18n extension formats every one), so their placeholders and percent
    signs are checked whether or not the catalog flags them python-format."""
    try:
        status = path.stat()
    except OSError:
        return []
    return list(_catalog_problems(path, domain, status.st_mtime_ns, status.st_size))


@lru_cache(maxsize=64)
def _catalog_problems(path: Path, domain: str, _mtime: int, _size: int) -> tuple[Problem, ...]:
    try:
        entries, problems = parse_catalog(path)
    except DataError as error:
        return tuple(error.problems)
    if problems:
        return tuple(problems)
    name = display_path(path)
    for entry in entries:
        if not entry.msgid:
            continue  # the header
        english = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
        for string, line in zip(entry.msgstr, entry.msgstr_lines, strict=True):
            if not string:
                continue
            found = textpolicy.translation_problems("\n".join(english), string)
            if "fuzzy" not in entry.flags:  # a fuzzy translation is not used, and its English changed
                # Data text is never %-formatted: Babel flags "5% of" python-format all the same.
                python_format = domain == "ui"
                found += textpolicy.placeholder_problems(
                    entry.msgid if entry.msgid_plural is None else "\n".join(english),
                    string,
                    python_format=python_format,
                )
            problems += [Problem(name, line, 1, entry.where(), message) for message in found]
    return tuple(problems)


def check_catalogs(locales_dir: Path, languages: list[str]) -> list[Problem]:
    """The problems of the catalogs of ``languages`` (English has none): what a build checks
    before it starts, and ``translations --check`` reports."""
    problems = []
    for language in languages:
        if language == SOURCE_LANGUAGE:
            continue
        for domain in DOMAINS:
            problems += catalog_problems(catalog_path(locales_dir, language, domain), domain)
    return problems


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
        known = {(message.id, message.context) for message in catalog}
        # A copy: Babel puts the template's own message objects for new messages into the
        # catalog, and a translation suggested below would otherwise reach the next language.
        catalog.update(
            copy.deepcopy(template),
            no_fuzzy_matching=True,
            update_header_comment=False,
            keep_user_comments=True,
        )
        _suggest_changed_translations(catalog, known)
    else:
        catalog = _new_catalog(babel_locale(language))
        catalog.update(template)
    catalog.revision_date = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    catalog.fuzzy = False
    return catalog


def _suggest_changed_translations(catalog: Catalog, known: set[tuple[Any, Any]]) -> None:
    """Give each message that the update added (``known``: the catalog's messages before it) the
    translation of the message it replaces, marked fuzzy with the English it translated
    (``#| msgid``), so the translator sees what changed.

    A message replaces one that left the catalog in the same update: the one with the same
    context (the same field of the same entry, whose English changed), else one with the same
    English under another context (an entry whose key changed, such as a default given one
    more plan), else, among those with the same context (UI strings have none), the closest
    English. Babel's own fuzzy matching compares each new message with every translated message
    of the catalog: slow (a new platform's thousand messages took minutes per language) and
    wrong here, since it offers one platform's translation for another platform's field."""
    gone: dict[str | None, list[babel_catalog.Message]] = {}
    same_english: dict[str, babel_catalog.Message] = {}
    for old in catalog.obsolete.values():
        if old.string and isinstance(old.id, str):
            gone.setdefault(old.context, []).append(old)
            same_english.setdefault(old.id, old)
    used: set[int] = set()  # each translation is suggested once
    for message in catalog:
        if not message.id or message.string or not isinstance(message.id, str):
            continue
        if (message.id, message.context) in known:  # untranslated before: nothing changed
            continue
        candidates = [c for c in gone.get(message.context, []) if id(c) not in used]
        found: babel_catalog.Message | None = None
        if message.context is not None and len(candidates) == 1:
            found = candidates[0]
        elif message.id in same_english and id(same_english[message.id]) not in used:
            found = same_english[message.id]
        else:
            close = difflib.get_close_matches(message.id, [str(c.id) for c in candidates], n=1)
            found = next((c for c in candidates if c.id == close[0]), None) if close else None
        if found is None:
            continue
        used.add(id(found))
        message.string = found.string
        message.flags.add("fuzzy")
        message.previous_id = [str(found.id)]
        catalog.obsolete.pop(catalog._key_for(found.id, found.context), None)


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
            if isinstance(message.id, str)
            and message.id
            and isinstance(message.string, str)
            and message.string
            and not message.fuzzy
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

    def in_file(_file: Path) -> Visit:
        return lambda context, text, _comment: translate(context, text)

    return dataclasses.replace(_translated(dataset, in_file), language=language)
