"""Loading the whole data directory into a validated, immutable :class:`Dataset`.

``load_dataset`` reads ``regions.yml``, ``categories.yml`` and every ``platforms/*.yml``,
validates them all and either returns the dataset or raises :class:`DataError` listing every
problem. The dataset is made of the typed objects of :mod:`optout_atlas.model` only: past the
loader nothing reads the files or their values again (objects whose fields are reported after
loading, such as the addresses the link checker finds broken, keep the line of each key).
``cached_dataset`` does the same but reuses the result while no data file has changed,
so a build that renders several languages (or a ``mkdocs serve`` rebuild that only touched a
page) loads and validates the data once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, cast

from optout_atlas import gcpause, validate, yamlfile
from optout_atlas.model import (
    CITED_URL,
    DEFAULT_REVIEW_INTERVAL_DAYS,
    LISTED_BY_ID,
    Archive,
    ArchiveRef,
    Category,
    CitedText,
    DataUse,
    Default,
    Dispute,
    Event,
    HumanReview,
    Licensing,
    Mechanism,
    PartialDate,
    Plan,
    Platform,
    Retention,
    Sharing,
    Source,
    WatchedDocument,
)
from optout_atlas.problems import DataError, Problem, display_path
from optout_atlas.regions import OTHER, Group, Regions, country_codes

__all__ = ["DEFAULT_REVIEW_INTERVAL_DAYS", "CitedUrl", "Dataset", "cited_urls", "load_dataset"]


@dataclass(frozen=True)
class Dataset:
    """Everything the site is built from, in one language (English, as in the YAML, or a
    translation made by :func:`optout_atlas.translation.localize`)."""

    platforms: tuple[Platform, ...]
    regions: Regions
    categories: dict[str, Category]
    data_dir: Path
    language: str = "en"
    # What a reviewer should look at, though it does not stop the data from loading (see
    # Problem.warning): printed by `validate`, fatal in a strict build.
    warnings: tuple[Problem, ...] = field(default=(), compare=False, repr=False)

    def platform(self, platform_id: str) -> Platform:
        return next(p for p in self.platforms if p.id == platform_id)


PLATFORM_SUFFIX = ".yml"
# Spellings of a YAML file that are not read, and are reported instead of being skipped in silence.
_OTHER_YAML_SUFFIXES = frozenset({".yml", ".yaml"})


def platform_files(data_dir: Path) -> list[Path]:
    """Every ``platforms/*.yml``: the one spelling that is read (see :func:`misnamed_files`)."""
    return sorted((Path(data_dir) / "platforms").glob("*" + PLATFORM_SUFFIX))


def misnamed_files(data_dir: Path) -> list[Problem]:
    """One problem for each YAML file in ``platforms/`` that is not spelled ``<id>.yml``.

    They are not read: a platform's id is its file name, and the site links each guide to
    ``data/platforms/<id>.yml`` for editing. Reading ``.yaml`` and ``.YML`` as well would let
    ``x.yml`` and ``x.yaml`` claim the same id, and send editors to a file that does not exist.
    Skipping them in silence would lose a contributor's platform without a word.
    """
    folder = Path(data_dir) / "platforms"
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError:
        return []  # no folder: reported as "no platform files"
    problems = []
    for name in names:
        stem, suffix = os.path.splitext(name)
        if suffix != PLATFORM_SUFFIX and suffix.lower() in _OTHER_YAML_SUFFIXES:
            problems.append(
                Problem(
                    display_path(folder / name),
                    1,
                    1,
                    "",
                    f"not read: only files ending in {PLATFORM_SUFFIX} are platform files"
                    f" (the id is the file name); rename it to {stem}{PLATFORM_SUFFIX}",
                )
            )
    return problems


def load_dataset(data_dir: Path, *, today: dt.date, languages: Collection[str] | None = None) -> Dataset:
    """Load and validate ``data_dir``; raise :class:`DataError` with every problem found (and
    every warning, so that they are seen together). ``languages``: the site's languages, the
    only ones a platform's own labels may be given in (None: not checked)."""
    with gcpause.paused():
        return _load_dataset(Path(data_dir), today=today, languages=languages)


def _load_dataset(data_dir: Path, *, today: dt.date, languages: Collection[str] | None = None) -> Dataset:
    data_dir = Path(data_dir)
    schema_dir = data_dir / "schema"
    problems: list[Problem] = []

    regions_doc, found, usable = _load_checked(
        data_dir / "regions.yml", schema_dir / "regions.schema.json", today
    )
    problems += found
    # Without the regions and categories, every reference to them would be reported as unknown:
    # one line per use, for one problem already reported.
    references_checked = usable
    regions = _regions(regions_doc, problems) if usable else Regions({})

    categories_doc, found, usable = _load_checked(
        data_dir / "categories.yml", schema_dir / "categories.schema.json", today
    )
    problems += found
    references_checked = references_checked and usable
    if usable:
        problems += _duplicate_ids(categories_doc, "categories")
    categories = set(build_categories(categories_doc.value)) if usable else set()

    paths = platform_files(data_dir)
    problems += misnamed_files(data_dir)
    if not paths:
        problems.append(
            Problem(display_path(data_dir / "platforms"), 1, 1, "", "no platform files (*.yml) found")
        )
    platforms: dict[str, Any] = {}
    documents: dict[str, yamlfile.YamlDocument] = {}
    for path in paths:
        document, found, _usable = _load_checked(path, schema_dir / "platform.schema.json", today)
        if document.value is not None and references_checked:
            found += validate.reference_problems(
                document, regions=regions, categories=categories, languages=languages
            )
        problems += found
        if not _errors(found):
            value = cast(dict[str, Any], document.value)
            platforms[value["id"]] = value
            documents[value["id"]] = document

    if _errors(problems):
        raise DataError(problems)
    values = {"regions": regions_doc.value, "categories": categories_doc.value, "platforms": platforms}
    dataset = build_dataset(values, data_dir=data_dir, documents=documents)
    return dataclasses.replace(dataset, warnings=tuple(sorted(problems)))


def build_dataset(
    values: Mapping[str, Any],
    *,
    data_dir: Path,
    documents: Mapping[str, yamlfile.YamlDocument] | None = None,
) -> Dataset:
    """The typed dataset from validated YAML values: ``values`` holds the values of
    ``regions.yml`` and ``categories.yml`` and of each platform file, by id. ``documents``: the
    platform files as read, by id, for the line of each address (none: lines unknown)."""
    categories = build_categories(values["categories"])
    groups = values["regions"]["groups"]
    regions = Regions({g["id"]: Group(g["id"], g["name"], tuple(g["members"])) for g in groups})
    documents = documents or {}
    platforms = [
        build_platform(
            value, categories, data_dir / "platforms" / f"{platform_id}.yml", documents.get(platform_id)
        )
        for platform_id, value in values["platforms"].items()
    ]
    return Dataset(
        platforms=tuple(sorted(platforms, key=lambda p: p.name.casefold())),
        regions=regions,
        categories=categories,
        data_dir=data_dir,
    )


def build_categories(value: Any) -> dict[str, Category]:
    return {c["id"]: Category(c["id"], c["name"], c["question"]) for c in value["categories"]}


def _load_checked(
    path: Path, schema_path: Path, today: dt.date
) -> tuple[yamlfile.YamlDocument, list[Problem], bool]:
    """A data file read, checked against its schema and every string against the text policy:
    (the document, its problems, whether it has the schema's shape, so that other files'
    references to it can be checked). A value the text policy refuses is reported once, by the
    policy, whose words are more precise than the schema's about the same value (the schema's
    pattern takes an id with a line break at its end in one engine and not in the other)."""
    document, problems = yamlfile.load(path)
    if document.value is None:
        return document, problems, False
    schema = validate.load_schema(schema_path)
    if not problems:
        problems += validate.schema_problems(document, schema)
    usable = not problems
    policy = validate.text_problems(document, today=today, schema=schema)
    refused = {(p.line, p.column, p.field) for p in policy if not p.warning}
    problems = [p for p in problems if (p.line, p.column, p.field) not in refused] + policy
    return document, list(dict.fromkeys(problems)), usable


def _errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if not problem.warning]


def _duplicate_ids(document: yamlfile.YamlDocument, key: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, item in enumerate(cast(dict[str, Any], document.value)[key]):
        if item["id"] in seen:
            problems.append(document.problem((key, index, "id"), f"id '{item['id']}' is used twice"))
        if validate.category_anchor(item["id"]) in validate.COMPARE_PAGE_IDS:
            problems.append(
                document.problem(
                    (key, index, "id"),
                    f"'{item['id']}' would be the anchor of a section of the comparison page;"
                    " pick another id",
                )
            )
        seen.add(item["id"])
    return problems


def _regions(document: yamlfile.YamlDocument, problems: list[Problem]) -> Regions:
    groups: dict[str, Group] = {}
    for index, group in enumerate(cast(dict[str, Any], document.value)["groups"]):
        group_id = group["id"]
        if group_id in groups:
            problems.append(document.problem(("groups", index, "id"), f"group '{group_id}' is defined twice"))
        if group_id in validate.RESERVED_REGION_IDS:
            problems.append(
                document.problem(
                    ("groups", index, "id"),
                    f"'{group_id}' is reserved ({validate.RESERVED_REGION_IDS[group_id]}); pick another id",
                )
            )
        if group_id in country_codes():
            problems.append(
                document.problem(
                    ("groups", index, "id"), f"'{group_id}' is a country code; pick another group id"
                )
            )
        for position, member in enumerate(group["members"]):
            if member not in groups and member not in country_codes():
                problems.append(
                    document.problem(
                        ("groups", index, "members", position),
                        f"unknown member '{member}': use a country code or a group defined above",
                    )
                )
        groups[group_id] = Group(group_id, group["name"], tuple(group["members"]))
    if OTHER not in groups:
        problems.append(
            document.problem(("groups",), f"the group {OTHER} (every region not named) must be defined")
        )
    elif groups[OTHER].members:
        problems.append(document.problem(("groups",), f"the group {OTHER} must have no members"))
    return Regions(groups)


# --------------------------------------------------------------------------------------------
# Building typed objects from a validated document
# --------------------------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _partial(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def _archive(item: dict[str, Any] | None) -> Archive | None:
    if item is None:
        return None
    return Archive(item["collection"], item["service"], item["document"], _date(item["recorded"]))


def _cited(item: dict[str, Any]) -> CitedText:
    return CitedText(item["text"], tuple(item["sources"]))


class _Lines:
    """The line of each key of the objects of one file (nothing when the values were not read
    from a file)."""

    def __init__(self, document: yamlfile.YamlDocument | None):
        self.document = document

    def of(self, path: tuple[str | int, ...], item: Mapping[str, Any]) -> Mapping[str, int]:
        if self.document is None:
            return {}
        return {key: self.document.position((*path, key))[0] for key in item}


def build_platform(
    d: dict[str, Any],
    categories: dict[str, Category],
    path: Path,
    document: yamlfile.YamlDocument | None = None,
) -> Platform:
    """A typed platform from a validated YAML value (``document``: the file it was read from,
    for the line of each address)."""
    lines = _Lines(document)
    return Platform(
        id=d["id"],
        name=d["name"],
        kind=d["kind"],
        owner=d["owner"],
        products=tuple(d["products"]),
        summary=_cited(d["summary"]),
        last_verified=_date(d["last_verified"]),
        review_interval_days=d.get("review_interval_days", DEFAULT_REVIEW_INTERVAL_DAYS),
        sources={
            s["id"]: Source(
                id=s["id"],
                title=s["title"],
                publisher=s["publisher"],
                url=s["url"],
                accessed=_date(s["accessed"]),
                kind=s["kind"],
                via=s.get("via"),
                published=_partial(s.get("published")),
                note=s.get("note"),
                archive=_archive(s.get("archive")),
                lines=lines.of(("sources", index), s),
            )
            for index, s in enumerate(d["sources"])
        },
        data=tuple(
            DataUse(
                category=categories[u["category"]],
                status=u["status"],
                text=u["text"],
                sources=tuple(u["sources"]),
                regions=tuple(u.get("regions", ())),
                plans=tuple(u.get("plans", ())),
                certainty=u.get("certainty"),
            )
            for u in d.get("data", ())
        ),
        defaults=tuple(
            Default(
                regions=tuple(e["regions"]),
                plans=tuple(e.get("plans", ())),
                status=e["status"],
                sources=tuple(e["sources"]),
                since=_partial(e.get("since")),
                legal_basis=e.get("legal_basis"),
                note=e.get("note"),
                certainty=e.get("certainty"),
            )
            for e in d["defaults"]
        ),
        licensing=tuple(
            Licensing(
                regions=tuple(e["regions"]),
                plans=tuple(e.get("plans", ())),
                status=e["status"],
                mechanism=e.get("mechanism"),
                note=e.get("note"),
                certainty=e.get("certainty"),
                sources=tuple(e["sources"]),
            )
            for e in d.get("licensing", ())
        ),
        events=tuple(
            sorted(
                (
                    Event(
                        date=PartialDate.parse(e["date"]),
                        type=e["type"],
                        regions=tuple(e["regions"]),
                        text=e["text"],
                        sources=tuple(e["sources"]),
                        approximate=e.get("approximate", False),
                        plans=tuple(e.get("plans", ())),
                        certainty=e.get("certainty"),
                        order=index,
                    )
                    for index, e in enumerate(d.get("events", ()))
                ),
                key=lambda e: e.date,
            )
        ),
        mechanisms=tuple(
            Mechanism(
                id=m["id"],
                kind=m["kind"],
                title=m["title"],
                regions=tuple(m["regions"]),
                covers=tuple(m["covers"]),
                retroactive=m["retroactive"],
                steps={surface: tuple(steps) for surface, steps in m["steps"].items()},
                last_verified=_date(m["last_verified"]) if "last_verified" in m else None,
                sources=tuple(m["sources"]),
                label=m.get("label"),
                localized_labels={lang: _cited(v) for lang, v in m.get("localized_labels", {}).items()},
                url=m.get("url"),
                url_note=m.get("url_note"),
                minutes=m.get("minutes"),
                plans=tuple(m.get("plans", ())),
                actor=m.get("actor", "account_holder"),
                ask_admin=m.get("ask_admin"),
                applies_per=m.get("applies_per"),
                products=tuple(m.get("products", ())),
                email=m.get("email"),
                email_subject=m.get("email_subject"),
                certainty=m.get("certainty"),
                does_not_cover=tuple(m.get("does_not_cover", ())),
                caveats=tuple(_cited(c) for c in m.get("caveats", ())),
                lines=lines.of(("mechanisms", index), m),
            )
            for index, m in enumerate(d.get("mechanisms", ()))
        ),
        plans=tuple(
            Plan(
                id=p["id"],
                name=p["name"],
                kind=p["kind"],
                note=p.get("note"),
                sources=tuple(p.get("sources", ())),
            )
            for p in d.get("plans", ())
        ),
        retention=tuple(
            Retention(
                when=r["when"],
                period=r.get("period"),
                plans=tuple(r.get("plans", ())),
                regions=tuple(r.get("regions", ())),
                mechanism=r.get("mechanism"),
                text=r["text"],
                certainty=r.get("certainty"),
                sources=tuple(r["sources"]),
            )
            for r in d.get("retention", ())
        ),
        human_review=tuple(
            HumanReview(
                plans=tuple(h.get("plans", ())),
                text=h["text"],
                certainty=h.get("certainty"),
                sources=tuple(h["sources"]),
            )
            for h in d.get("human_review", ())
        ),
        sharing=tuple(
            Sharing(
                recipient=s["recipient"],
                purpose=s["purpose"],
                text=s["text"],
                sources=tuple(s["sources"]),
                regions=tuple(s.get("regions", ())),
            )
            for s in d.get("sharing", ())
        ),
        disputes=tuple(Dispute(x["topic"], x["text"], tuple(x["sources"])) for x in d.get("disputes", ())),
        path=path,
        icon=d.get("icon"),
        myths=tuple(_cited(m) for m in d.get("myths", ())),
        watch=tuple(
            build_watched(w, lines.of(("watch", index), w)) for index, w in enumerate(d.get("watch", ()))
        ),
    )


def build_watched(item: dict[str, Any], lines: Mapping[str, int] | None = None) -> WatchedDocument:
    """A ``watch`` entry: ``archive: none`` (not tracked by an archive) becomes ``archive=None``."""
    archive = item["archive"]
    return WatchedDocument(
        document=item["document"],
        url=item["url"],
        archive=None
        if archive == "none"
        else ArchiveRef(archive["collection"], archive["service"], archive["document"]),
        lines=lines or {},
    )


# --------------------------------------------------------------------------------------------
# The addresses the data cites
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitedUrl:
    """An address the pages link to, and where the data writes it."""

    url: str
    file: str  # as problems name files (see problems.display_path)
    line: int  # 0 when the dataset was not read from files
    platform: str
    field: str  # e.g. ``sources[3].via``


def cited_urls(dataset: Dataset) -> Iterator[CitedUrl]:
    """Every address of the data that the pages cite (the fields marked with
    :func:`optout_atlas.model.cited_url`: sources' ``url`` and ``via``, mechanisms' ``url``), file
    by file in the order of their names, each in the order of the file's fields."""
    for platform in sorted(dataset.platforms, key=lambda p: p.path):
        file = display_path(platform.path)
        for place, owner, name, url in _cited_in(platform, ()):
            line = owner.lines.get(name, 0) if hasattr(owner, "lines") else 0
            yield CitedUrl(url, file, line, platform.id, yamlfile.format_path((*place, name)))


_Place = tuple[str | int, ...]


def _cited_in(item: Any, place: _Place) -> Iterator[tuple[_Place, Any, str, str]]:
    """(the place of ``owner`` in its file, owner, field name, address) of every cited address in
    ``item``, walking its fields in their order."""
    for spec in fields(item):
        value = getattr(item, spec.name)
        if spec.metadata.get(CITED_URL):
            if value:
                yield place, item, spec.name, value
        elif spec.metadata.get(LISTED_BY_ID):
            for index, entry in enumerate(value.values()):
                yield from _cited_in(entry, (*place, spec.name, index))
        elif isinstance(value, tuple):
            for index, entry in enumerate(value):
                if is_dataclass(entry):
                    yield from _cited_in(entry, (*place, spec.name, index))
        elif is_dataclass(value) and not isinstance(value, type):
            yield from _cited_in(value, (*place, spec.name))


# --------------------------------------------------------------------------------------------
# Cache: one load per change of the data, however many language builds read it
# --------------------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[tuple[object, ...], Dataset] = {}


_DATA_SUFFIXES = (".yml", ".yaml", ".json")


def _fingerprint(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Path, modification time and size of every data file under ``data_dir``. Every hook asks
    for the dataset, several times per language build, so this is one ``scandir`` and one
    ``stat`` per file (symbolic links to folders are not followed, as ``Path.rglob`` does not).
    Suffixes in any case, links and other entries that are not files count too: the load
    reports them, and adding or removing one must load again."""
    found: list[tuple[tuple[str, ...], str, int, int]] = []

    def scan(folder: str, parts: tuple[str, ...]) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path, (*parts, entry.name))
                elif os.path.splitext(entry.name)[1].lower() in _DATA_SUFFIXES:
                    status = entry.stat(follow_symlinks=False)
                    found.append(((*parts, entry.name), entry.path, status.st_mtime_ns, status.st_size))

    scan(str(data_dir), ())
    return tuple((path, mtime, size) for _, path, mtime, size in sorted(found))


def cached_dataset(data_dir: Path, *, today: dt.date, languages: Collection[str] | None = None) -> Dataset:
    """Like :func:`load_dataset`, but reuse the last result while no data file has changed."""
    data_dir = Path(data_dir).resolve()
    key = (data_dir, today, None if languages is None else tuple(languages), _fingerprint(data_dir))
    with _cache_lock:
        if key not in _cache:
            dataset = load_dataset(data_dir, today=today, languages=languages)
            _cache.clear()
            _cache[key] = dataset
        return _cache[key]
