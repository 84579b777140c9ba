"""The validated data as typed, immutable objects: what templates and views read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import total_ordering
from pathlib import Path
from urllib.parse import quote

SURFACES = ("web", "ios", "android", "app")


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


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    accessed: dt.date
    kind: str  # platform | archive | regulator | press | third_party
    via: str | None = None
    published: PartialDate | None = None
    note: str | None = None
    archive: Archive | None = None  # set exactly when kind is "archive"


@dataclass(frozen=True)
class CitedText:
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    question: str


@dataclass(frozen=True)
class DataUse:
    category: Category
    status: str  # used | excluded | disputed
    text: str
    sources: tuple[str, ...]
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Default:
    regions: tuple[str, ...]
    status: str
    sources: tuple[str, ...]
    since: PartialDate | None = None
    legal_basis: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Event:
    date: PartialDate
    type: str
    regions: tuple[str, ...]
    text: str
    sources: tuple[str, ...]
    approximate: bool = False


@dataclass(frozen=True)
class Mechanism:
    id: str
    kind: str
    title: str
    regions: tuple[str, ...]
    covers: tuple[str, ...]
    retroactive: bool
    steps: dict[str, tuple[str, ...]]
    sources: tuple[str, ...]
    last_verified: dt.date | None = None  # None: no check or dated source has confirmed it
    label: str | None = None
    label_translation: str | None = None  # the label's meaning in the page's language
    localized_labels: dict[str, CitedText] = field(default_factory=dict)
    url: str | None = None
    url_note: str | None = None
    minutes: int | None = None
    does_not_cover: tuple[str, ...] = ()
    caveats: tuple[CitedText, ...] = ()

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The surfaces this mechanism has steps for, in reading order."""
        return tuple(s for s in SURFACES if s in self.steps)


@dataclass(frozen=True)
class Sharing:
    recipient: str
    purpose: str
    text: str
    sources: tuple[str, ...]
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dispute:
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
    """A document of the platform's own that governs AI training on it (``watch`` in the data)."""

    document: str  # its title
    url: str
    archive: ArchiveRef | None = None  # None: no archive tracks it; watched by content hash


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    owner: str
    products: tuple[str, ...]
    summary: CitedText
    last_verified: dt.date
    review_interval_days: int
    sources: dict[str, Source]
    data: tuple[DataUse, ...]
    defaults: tuple[Default, ...]
    events: tuple[Event, ...]
    mechanisms: tuple[Mechanism, ...]
    sharing: tuple[Sharing, ...]
    disputes: tuple[Dispute, ...]
    path: Path
    icon: str | None = None  # a Material icon path, e.g. fontawesome/brands/linkedin
    myths: tuple[CitedText, ...] = ()
    watch: tuple[WatchedDocument, ...] = ()

    def mechanism(self, mechanism_id: str) -> Mechanism:
        return next(m for m in self.mechanisms if m.id == mechanism_id)
