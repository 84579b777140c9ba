"""Rendering views into Markdown pages with the Jinja templates in ``overrides/atlas/``.

The markup lives in the templates; this module only supplies filters that make data safe and
readable inside Markdown (escaping, localised dates and region names).
"""

from __future__ import annotations

import datetime as dt
import gettext
import html
import re
from collections.abc import Callable
from pathlib import Path

import jinja2
from babel.dates import format_date, format_skeleton
from babel.lists import format_list

from optout_atlas import views
from optout_atlas.dataset import Dataset
from optout_atlas.model import PartialDate, Platform
from optout_atlas.regions import OTHER
from optout_atlas.translation import Untranslated, babel_locale, translator

TEMPLATE_DIR = "atlas"
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}|~])")
_BLOCK_START = re.compile(r"^(?:([#+-])|(\d+)\.)")


def inline(text: str) -> str:
    """Data text as safe inline Markdown: HTML escaped, Markdown syntax neutralised, except for
    ``**label**``, which stays bold. English standing in for a missing translation is marked
    ``lang="en"``, so that screen readers switch voice and readers know why it is English."""
    if isinstance(text, Untranslated):
        return f'<span lang="en" class="atlas-untranslated">{inline(str(text))}</span>'
    parts = []
    position = 0
    for match in _BOLD.finditer(text):
        parts.append(_escape(text[position : match.start()]))
        parts.append(f"**{_escape(match.group(1))}**")
        position = match.end()
    parts.append(_escape(text[position:]))
    return _block_safe("".join(parts))


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _block_safe(markdown: str) -> str:
    """Escape a start that Markdown would read as a heading or a list item."""
    return _BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\.", markdown)


class _UiTranslations(gettext.NullTranslations):
    """The UI catalog of one language, as the ``gettext`` object Jinja's i18n extension wants."""

    def __init__(self, translate: Callable[[str | None, str], str]):
        super().__init__()
        self._translate = translate

    def gettext(self, message: str) -> str:
        return str(self._translate(None, message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Renderer:
    """Renders the generated pages for one language."""

    def __init__(
        self, overrides_dir: Path, *, language: str = "en", today: dt.date, locales_dir: Path | None = None
    ):
        self.language = language
        self.locale = babel_locale(language)
        self.today = today
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(overrides_dir) / TEMPLATE_DIR),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # the output is Markdown; data goes through the `md` filter
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=["jinja2.ext.i18n"],
        )
        self.translations = _UiTranslations(
            translator(locales_dir, language, "ui") if locales_dir else (lambda context, text: text)
        )
        self.env.install_gettext_translations(self.translations, newstyle=True)
        self.gettext = self.translations.gettext
        self.env.filters.update(
            md=inline, date=self.format_date, attr=lambda v: html.escape(str(v), quote=True)
        )
        self.env.globals.update(views=views, language=language, today=today, fail=_fail)

    # Filters -----------------------------------------------------------------------------

    def format_date(self, value: dt.date | PartialDate) -> str:
        if isinstance(value, PartialDate):
            if value.is_month:
                return format_skeleton("yMMMM", value.first_day, locale=self.locale)
            value = value.first_day
        return format_date(value, format="long", locale=self.locale)

    def region_names(self, dataset: Dataset, codes, *, everywhere: bool = False) -> str:
        """Region names as a localised list. With ``everywhere``, a list that includes ``OTHER``
        (a mechanism available everywhere, a platform's only default) reads "Everywhere"."""
        if everywhere and OTHER in codes:
            return self.gettext("Everywhere")
        return format_list([dataset.regions.name(code, self.locale) for code in codes], locale=self.locale)

    # Pages -------------------------------------------------------------------------------

    def render(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)

    def guide(self, dataset: Dataset, platform: Platform) -> str:
        return self.render(
            "guide.md.j2",
            dataset=dataset,
            platform=platform,
            rows=views.region_rows(platform, dataset.regions),
            sources=[platform.sources[i] for i in views.cited_sources(platform)],
            regions=lambda codes, everywhere=False: self.region_names(dataset, codes, everywhere=everywhere),
        )

    def guides_index(self, dataset: Dataset) -> str:
        return self.render("guides_index.md.j2", dataset=dataset, link_prefix="", **self._cards(dataset))

    def platform_cards(self, dataset: Dataset, *, link_prefix: str) -> str:
        return self.render(
            "platform_cards.md.j2", dataset=dataset, link_prefix=link_prefix, **self._cards(dataset)
        )

    def _cards(self, dataset: Dataset) -> dict:
        return {
            "rows_of": lambda platform: views.region_rows(platform, dataset.regions),
            "regions": lambda codes, everywhere=False: self.region_names(
                dataset, codes, everywhere=everywhere
            ),
        }


def _fail(message: str):
    """Called by templates on a value they do not know: fail loudly rather than print nothing."""
    raise ValueError(message)
