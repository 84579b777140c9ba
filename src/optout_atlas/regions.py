"""Region codes: ISO 3166-1 alpha-2 countries (known to CLDR) and named groups of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale

OTHER = "OTHER"

# CLDR names these two-letter codes too, but they are groupings or placeholders, not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code CLDR names (through Babel)."""
    return frozenset(
        code
        for code in map(str, Locale("en").territories)
        if re.fullmatch("[A-Z]{2}", code) and code not in _NOT_COUNTRIES
    )


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Regions:
    """The region groups of ``data/regions.yml`` plus every country CLDR knows."""

    groups: dict[str, Group]

    def is_known(self, code: str) -> bool:
        return code in self.groups or code in country_codes()

    def countries(self, code: str) -> frozenset[str]:
        """The countries a code stands for: itself, or a group's members expanded."""
        if code in self.groups:
            found: set[str] = set()
            for member in self.groups[code].members:
                found |= self.countries(member)
            return frozenset(found)
        return frozenset({code})

    def name(self, code: str, locale: str = "en") -> str:
        """The region's name: CLDR's for countries and for groups CLDR knows (EU), else ours."""
        territories = _territories(locale)
        if code in territories:
            return territories[code]
        return self.groups[code].name


@cache
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)
