"""The validated data as typed, immutable objects: the only form of the data past the loader.

Each class also says, in one place, what the rest of the code needs to know about its fields:

- the order of its fields is the order of the keys in the JSON export (``export.py`` walks the
  fields; a field that has its default value is left out, as an optional key left out of a file);
- ``TRANSLATED`` lists the fields whose text is translated, in the catalogs' order, with the
  context of their messages (read by ``translation.data_messages`` to extract the catalogs and
  by ``translation.localize`` to translate a dataset);
- field metadata (the keys below) marks the addresses the pages cite, the fields that are
  not data (positions, paths, the maintainers' watch list) and how a field is written in the
  files. ``lines``, where a class has it, holds the line of each of its keys in its file, for
  problems found after loading (a broken link); it is not compared and empty for objects that
  were not read from a file.

CONTRIBUTING.md ("Adding a field to the data") walks through adding a field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import total_ordering
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Protocol
from urllib.parse import quote

SURFACES = ("web", "ios", "android", "app", "desktop")
DEFAULT_REVIEW_INTERVAL_DAYS = 90

# Keys of field metadata.
CITED_URL = "cited_url"  # an address the pages link to, checked by the link checker
EXPORTED = "exported"  # False: not part of the data (positions, paths, maintainers' tooling)
LISTED_BY_ID = "listed_by_id"  # a dict by id in the model, a list of entries in files and export
REFERENCE = "reference"  # an object defined elsewhere, written as its id (a data use's category)
WRITTEN_ORDER = "written_order"  # the model sorts the list; files keep the order items were written in

# Metadata of a field that is:
CITED = MappingProxyType({CITED_URL: True})  # an address the pages link to, checked by the link checker
NOT_DATA = MappingProxyType({EXPORTED: False})  # not part of the data: the export leaves it out


@dataclass(frozen=True)
class Text:
    """A translated field of a model class (an entry of its ``TRANSLATED``).

    The context of its messages is the owner's context, then ``context`` (the field's name when
    None; nothing when empty). Its value is a string, a list of strings (one message each, same
    context), a dict of lists (the key joins the context: ``steps.web``), a model object or a
    list or dict of them (each item's context adds ``key(item, index)`` when given, numbered
    ``.2``, ``.3`` when it repeats; translated through the item class's own ``TRANSLATED``).
    """

    field: str
    context: str | None = None
    comment: str = ""  # for translators, in the catalog
    into: str | None = None  # the field that receives the translation; None: the field itself
    key: Callable[[Any, int], str] | None = None

    @property
    def context_part(self) -> str:
        return self.field if self.context is None else self.context


class Translatable(Protocol):
    """A model class with translated fields (a dataclass with ``TRANSLATED``)."""

    TRANSLATED: ClassVar[tuple[Text, ...]]
    __dataclass_fields__: ClassVar[dict[str, Any]]


def _index(_item: object, index: int) -> str:
    return str(index)


def _id(item: Any, _index: int) -> str:
    return str(item.id)


COMMENT_LABEL = (
    "The platform's English on-screen label. Translate its meaning: the page shows the English "
    "label, then your translation in parentheses."
)


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A day, or a month when only the month is known (``2024-09``)."""

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        parts = [int(p) for p in text.split("-")]
        value = cls(*parts)
        dt.date(value.year, value.month, value.day or 1)  # raises ValueError when not a real date
        return value

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, self.day or 1)

    @property
    def is_month(self) -> bool:
        return self.day is None

    def isoformat(self) -> str:
        month = f"{self.year:04d}-{self.month:02d}"
        return month if self.day is None else f"{month}-{self.day:02d}"

    def __lt__(self, other: PartialDate) -> bool:
        return (self.year, self.month, self.day or 0) < (other.year, other.month, other.day or 0)

    def __str__(self) -> str:
        return self.isoformat()


@dataclass(frozen=True)
class Archive:
    """Where Open Terms Archive keeps the version of a platform's document that a source cites."""

    collection: str  # its versions live in github.com/OpenTermsArchive/<collection>-versions
    service: str
    document: str
    recorded: dt.date  # the day the archive recorded this version


@dataclass(frozen=True, kw_only=True)
class Source:
    TRANSLATED: ClassVar[tuple[Text, ...]] = (
        # The title stays the document's own; our note about it is translated.
        Text("note"),
    )

    id: str
    title: str
    publisher: str
    url: str = field(metadata=CITED)
    via: str | None = field(default=None, metadata=CITED)
    published: PartialDate | None = None
    accessed: dt.date
    kind: str  # platform | archive | regulator | press | third_party
    archive: Archive | None = None  # set exactly when kind is "archive"
    note: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False, metadata=NOT_DATA)


@dataclass(frozen=True)
class CitedText:
    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("text", context=""),)

    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("name"), Text("question"))

    id: str
    name: str
    question: str


def _plans_suffix(plans: tuple[str, ...]) -> str:
    """What a list of plans adds to a key: nothing for every plan, else ``/free+plus``."""
    return f"/{'+'.join(plans)}" if plans else ""


def _scope_key(regions: tuple[str, ...], plans: tuple[str, ...]) -> str:
    """The key of an entry that is one per region and plan: ``EU+EEA``, ``OTHER/free+plus``."""
    return "+".join(regions) + _plans_suffix(plans)


@dataclass(frozen=True, kw_only=True)
class Plan:
    """A plan or account type of a platform whose facts differ by plan (``plans`` in the data)."""

    TRANSLATED: ClassVar[tuple[Text, ...]] = (
        Text("name", comment="The name of a plan or account type. Keep product names as they are."),
        Text("note"),
    )

    id: str
    name: str
    kind: str  # personal | business | education | developer | signed_out
    note: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DataUse:
    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("text", context=""),)

    category: Category = field(metadata={REFERENCE: "id"})
    status: str  # used | excluded | disputed
    regions: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()  # empty: every plan
    text: str
    certainty: str | None = None  # single_source | undated | unverified
    sources: tuple[str, ...]

    @property
    def key(self) -> str:
        """What tells it apart from the platform's other data uses: ``posts``, ``posts@EU+EEA``,
        ``code/free+pro``."""
        return (
            self.category.id
            + (f"@{'+'.join(self.regions)}" if self.regions else "")
            + _plans_suffix(self.plans)
        )


@dataclass(frozen=True, kw_only=True)
class Default:
    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("note"), Text("legal_basis"))

    regions: tuple[str, ...]
    plans: tuple[str, ...] = ()  # empty: every plan (a platform without plans)
    status: str
    since: PartialDate | None = None
    legal_basis: str | None = None
    note: str | None = None
    certainty: str | None = None
    sources: tuple[str, ...]

    @property
    def key(self) -> str:
        """What tells it apart from the platform's other defaults: ``EU+EEA``, ``OTHER/free+plus``."""
        return _scope_key(self.regions, self.plans)


@dataclass(frozen=True, kw_only=True)
class Event:
    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("text", context=""),)

    date: PartialDate
    approximate: bool = False
    type: str
    regions: tuple[str, ...]
    plans: tuple[str, ...] = ()
    text: str
    certainty: str | None = None
    sources: tuple[str, ...]
    # Its place in the file's list of events (the model lists them by date).
    order: int = field(default=0, compare=False, repr=False, metadata=NOT_DATA)


@dataclass(frozen=True, kw_only=True)
class Mechanism:
    TRANSLATED: ClassVar[tuple[Text, ...]] = (
        Text("title"),
        # The label stays as the platform shows it; its meaning goes beside it.
        Text("label", comment=COMMENT_LABEL, into="label_translation"),
        Text("ask_admin"),
        # The subject stays the one the platform asks for; its meaning goes beside it.
        Text(
            "email_subject",
            comment="The subject line the platform asks for, in English. Translate its meaning: the page "
            "shows the English subject, then your translation in parentheses.",
            into="email_subject_translation",
        ),
        Text("url_note"),
        Text("covers"),
        Text("does_not_cover"),
        Text("steps"),
        Text("caveats"),
    )

    id: str
    kind: str
    title: str
    label: str | None = None
    localized_labels: dict[str, CitedText] = field(default_factory=dict)
    url: str | None = field(default=None, metadata=CITED)
    url_note: str | None = None
    regions: tuple[str, ...]
    plans: tuple[str, ...] = ()  # empty: every plan
    actor: str = "account_holder"  # account_holder | admin | parent
    ask_admin: str | None = None  # with actor admin: what a member can do instead
    products: tuple[str, ...] = ()  # names from the platform's products; empty: every product
    applies_per: str | None = None  # blog | site | workspace | channel | device; None: the account
    email: str | None = None  # kind email_request: the address to write to
    email_subject: str | None = None  # kind email_request: the subject line the platform asks for
    minutes: int | None = None
    covers: tuple[str, ...]
    does_not_cover: tuple[str, ...] = ()
    retroactive: bool
    steps: dict[str, tuple[str, ...]]
    caveats: tuple[CitedText, ...] = ()
    last_verified: dt.date | None = None  # None: no check or dated source has confirmed it
    certainty: str | None = None
    sources: tuple[str, ...]
    label_translation: str | None = None  # the label's meaning in the page's language
    email_subject_translation: str | None = None  # the subject's meaning in the page's language
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False, metadata=NOT_DATA)

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The surfaces this mechanism has steps for, in reading order."""
        return tuple(s for s in SURFACES if s in self.steps)


@dataclass(frozen=True, kw_only=True)
class Retention:
    """How long data is kept, in particular where it depends on the training choice."""

    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("text", context=""),)

    when: str  # training_allowed | training_off | per_conversation | after_deletion | ...
    period: str | None = None  # "30 days", "5 years"; None: the sources give no period
    plans: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    mechanism: str | None = None  # the id of the mechanism whose choice decides it
    text: str
    certainty: str | None = None
    sources: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class HumanReview:
    """Whether people review what users send, as the sources say."""

    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("text", context=""),)

    plans: tuple[str, ...] = ()
    text: str
    certainty: str | None = None
    sources: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Licensing:
    """Whether the platform licenses or shares content with other companies to train their AI
    models: a status of its own, beside the platform's own training (``defaults``)."""

    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("note"),)

    regions: tuple[str, ...]
    plans: tuple[str, ...] = ()
    status: str  # licensed | opt_out | opt_in | not_licensed | unclear
    mechanism: str | None = None  # the id of the mechanism that decides it
    note: str | None = None
    certainty: str | None = None
    sources: tuple[str, ...]

    @property
    def key(self) -> str:
        """What tells it apart from the platform's other licensing statuses (as a default's key)."""
        return _scope_key(self.regions, self.plans)


@dataclass(frozen=True, kw_only=True)
class Sharing:
    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("recipient"), Text("text"))

    recipient: str
    purpose: str
    regions: tuple[str, ...] = ()
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Dispute:
    TRANSLATED: ClassVar[tuple[Text, ...]] = (Text("topic"), Text("text"))

    topic: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ArchiveRef:
    """A document as Open Terms Archive names it: ``<service>/<document>.md`` in the repository
    ``OpenTermsArchive/<collection>-versions``."""

    collection: str  # contrib, genai-eu, ...
    service: str  # the archive's folder, e.g. Twitter for X
    document: str  # the archive's document type, e.g. Terms of Service

    @property
    def repository(self) -> str:
        return f"OpenTermsArchive/{self.collection}-versions"

    @property
    def path(self) -> str:
        return f"{self.service}/{self.document}.md"

    @property
    def history_url(self) -> str:
        """The page listing every recorded version, each linked to its diff."""
        return f"https://github.com/{self.repository}/commits/main/{quote(self.path)}"

    def __str__(self) -> str:
        return f"{self.collection} / {self.service} / {self.document}"


@dataclass(frozen=True)
class WatchedDocument:
    """A document of the platform's own that governs AI training on it (``watch`` in the data).
    Its address is not cited on the pages: ``optout-atlas watch`` reports its failures."""

    document: str  # its title
    url: str
    archive: ArchiveRef | None = None  # None: no archive tracks it; watched by content hash
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False, metadata=NOT_DATA)


@dataclass(frozen=True, kw_only=True)
class Platform:
    # In the catalogs' order (which is not the order of the fields).
    TRANSLATED: ClassVar[tuple[Text, ...]] = (
        Text("summary"),
        Text("defaults", key=lambda default, _index: default.key),
        Text("data", key=lambda use, _index: use.key),
        Text("events", key=lambda event, _index: f"{event.date}.{event.type}"),
        Text("mechanisms", key=_id),
        Text("sharing", key=_index),
        Text("myths", key=_index),
        Text("disputes", key=_index),
        Text("sources", key=_id),
        Text("plans", key=_id),
        Text("retention", key=_index),
        Text("human_review", key=_index),
        Text("licensing", key=lambda licensing, _index: licensing.key),
    )

    id: str
    name: str
    kind: str  # social | ai_assistant | work_creative: the group it is listed in
    owner: str
    icon: str | None = None  # a Material icon path, e.g. fontawesome/brands/linkedin
    products: tuple[str, ...]
    summary: CitedText
    last_verified: dt.date
    review_interval_days: int = DEFAULT_REVIEW_INTERVAL_DAYS
    plans: tuple[Plan, ...] = ()  # empty: the facts do not differ by plan
    defaults: tuple[Default, ...]
    licensing: tuple[Licensing, ...] = ()
    data: tuple[DataUse, ...] = ()
    mechanisms: tuple[Mechanism, ...] = ()
    retention: tuple[Retention, ...] = ()
    human_review: tuple[HumanReview, ...] = ()
    events: tuple[Event, ...] = field(default=(), metadata={WRITTEN_ORDER: "order"})  # by date
    sharing: tuple[Sharing, ...] = ()
    myths: tuple[CitedText, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    sources: dict[str, Source] = field(metadata={LISTED_BY_ID: True})  # in the file's order
    watch: tuple[WatchedDocument, ...] = field(default=(), metadata=NOT_DATA)  # the maintainers' tooling
    path: Path = field(metadata=NOT_DATA)  # its file

    @property
    def is_brief(self) -> bool:
        """A short entry: a platform that says it does not train, or offers nothing to do, listed
        with its sources and little else (no controls, no timeline)."""
        return not self.mechanisms and not self.events

    def mechanism(self, mechanism_id: str) -> Mechanism:
        return next(m for m in self.mechanisms if m.id == mechanism_id)

    def events_as_written(self) -> tuple[Event, ...]:
        """The events in the file's order (the catalogs and the export keep it)."""
        return tuple(sorted(self.events, key=lambda event: event.order))
