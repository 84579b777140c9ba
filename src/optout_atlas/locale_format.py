"""Dates, durations and lists of region names, written as a language writes them (Babel)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

from babel import Locale
from babel.dates import format_date, format_skeleton, format_timedelta
from babel.lists import format_list
from babel.units import format_unit

from optout_atlas.model import PartialDate
from optout_atlas.regions import OTHER, Regions
from optout_atlas.translation import babel_locale

# Languages whose nouns keep their capital in mid-sentence.
CAPITALISED_NOUNS = frozenset({"de"})


class LocaleFormat:
    """The formatting of one language, relative to the build date ``today``."""

    def __init__(self, language: str, *, today: dt.date):
        self.today = today
        self.locale = babel_locale(language)
        # Parsed once: Babel parses a locale given as text on every call, and a page of 400
        # platforms formats thousands of dates, mostly the same ones.
        self._babel_locale = Locale.parse(self.locale)
        self._dates: dict[object, str] = {}

    def date(self, value: dt.date | PartialDate) -> str:
        """A date in full ("November 3, 2025"), or a month when the data gives only a month."""
        found = self._dates.get(value)
        if found is None:
            if isinstance(value, PartialDate):
                if value.is_month:
                    found = format_skeleton("yMMMM", value.first_day, locale=self._babel_locale)
                else:
                    found = format_date(value.first_day, format="long", locale=self._babel_locale)
            else:
                found = format_date(value, format="long", locale=self._babel_locale)
            self._dates[value] = found
        return found

    def ago(self, value: dt.date) -> str:
        """How long before the build date: "10 days ago", "vor 11 Monaten". A unit is used only
        from 7 of it on, so recent checks read in days and old ones in months, not "1 year"."""
        key = ("ago", value)
        found = self._dates.get(key)
        if found is None:
            found = self._dates[key] = format_timedelta(
                value - self.today, threshold=7, add_direction=True, locale=self._babel_locale
            )
        return found

    def period(self, text: str) -> str:
        """A period as the data writes it ("30 days", "5 years"), in this language ("5 Jahre")."""
        amount, unit = text.split()
        unit = "duration-" + unit.removesuffix("s")
        return str(format_unit(int(amount), unit, length="long", locale=self._babel_locale))

    def names(self, names: Sequence[str]) -> str:
        """Names as a localised list ("Free, Plus and Pro")."""
        return format_list(list(names), locale=self._babel_locale)

    def region_names(self, regions: Regions, codes: Sequence[str]) -> str:
        """Region names as a localised list ("United States and all other regions")."""
        names = [regions.name(code, self.locale) for code in codes]
        if len(names) > 1 and OTHER in codes[1:] and self.locale.split("_")[0] not in CAPITALISED_NOUNS:
            index = list(codes).index(OTHER)
            names[index] = names[index][:1].lower() + names[index][1:]
        return format_list(names, locale=self._babel_locale)


def sort_key(name: str) -> str:
    """Alphabetical order that ignores accents ("Österreich" among the O's)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
