"""Rendering views into Markdown pages with the Jinja templates in ``overrides/atlas/``.

Two objects:

- :class:`Templates`: the templates of one language (Jinja set-up, UI strings, locale
  formatting, addresses). Made once per language and configuration: compiling is what costs.
- :class:`Renderer`: one dataset in that language, rendered (``Templates.renderer(dataset)``).
  It prepares the views each template receives; which pages exist is the page inventory's
  business (``optout_atlas.inventory``).

The markup lives in the templates. Escaping is by construction, not by habit (see
``optout_atlas.escape``):

- The page templates (``*.md.j2``) print every value as literal Markdown text unless it is
  :class:`~optout_atlas.escape.Markdown` that our own code made, or markup their own macros
  made. A template that prints a field without a filter prints it escaped; the filters choose
  another context (``attr``, ``url``, ``html``, ``yaml``; ``paragraphs`` for a field that
  may hold paragraphs). Filters that would mark a value as
  safe (``safe``, ``forceescape``, ``tojson``, ``urlize``, ``xmlattr``) do not exist there, and
  ``e`` escapes for Markdown. Text put together in a template (``~``, ``join``) is plain text,
  escaped as a whole when printed.
- UI strings (``_()``, and the words of ``optout_atlas.vocabulary``) are escaped the same way: a
  translation is text, not markup, and so is every value put into it.
- The XML templates (``*.xml.j2``, ``*.svg.j2``) have an environment of their own that escapes
  for XML and removes the characters XML forbids.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import segno
from babel.core import get_global
from markupsafe import Markup

from optout_atlas import checklist, escape, feeds, freshness, handout, issue_report, structured, views
from optout_atlas.addresses import Addresses
from optout_atlas.dataset import Dataset
from optout_atlas.escape import Markdown, Xml
from optout_atlas.locale_format import LocaleFormat, sort_key
from optout_atlas.model import Mechanism, Platform
from optout_atlas.regions import OTHER
from optout_atlas.translation import translator
from optout_atlas.vocabulary import Vocabulary

TEMPLATE_DIR = "atlas"
# Templates rendered as XML (the feed, the badges) rather than as Markdown.
XML_TEMPLATES = (".xml.j2", ".svg.j2")
# The page templates' macros: words and icons for the data's vocabularies.
MACROS = "macros.md.j2"
# The statuses of data uses that a guide lists, in its order.
USE_STATUSES = ("used", "excluded", "disputed")
# Jinja's filters that return markup without escaping for Markdown: absent from the page
# templates, so that no template can mark a data value as safe.
_UNSAFE_FILTERS = ("safe", "forceescape", "tojson", "urlize", "xmlattr")

_Escaped = TypeVar("_Escaped", bound=Markup)


def _macros_return_markup(template_name: str | None) -> bool:
    """Whether a page template is autoescaped: the macros only (a module-level function, so
    that every language's environment compiles templates alike and shares them). Autoescaped,
    the macros return markup, which the page templates print as it is."""
    return template_name == MACROS


def _markdown_output(value: object) -> Markup:
    """What a page template prints for ``{{ value }}``: markup made by our code or by the
    template's own macros as it is, anything else escaped as Markdown text."""
    if isinstance(value, Markup):
        return value
    return escape.markdown(value)


def _xml_output(value: object) -> object:
    """What an XML template prints for ``{{ value }}`` (before autoescaping): escaped XML as it
    is, anything else as text without the characters XML forbids."""
    if isinstance(value, Xml):
        return value
    return escape.xml_text(value)


class PageMacros:
    """The macros of ``macros.md.j2`` as the page templates call them: each returns markup
    whatever the template that calls it. (Jinja passes a macro the caller's evaluation context,
    whose autoescaping decides what the macro returns, and the page templates are not
    autoescaped: called directly, a macro would return plain text, which finalize would escape
    again. A plain function gets no evaluation context, so the macro uses its own.)"""

    def __init__(self, module: Any):
        self._module = module

    def __getattr__(self, name: str) -> Callable[..., Markup]:
        macro = getattr(self._module, name)
        return lambda *args, **kwargs: macro(*args, **kwargs)


class Templates:
    """The templates of one language, with what they need that does not depend on the data:
    UI strings, dates, addresses."""

    def __init__(
        self,
        overrides_dir: Path,
        *,
        language: str = "en",
        today: dt.date,
        locales_dir: Path | None = None,
        site_url: str = "",
        default_language: str = "en",
        directory_urls: bool = True,
    ):
        self.overrides_dir = Path(overrides_dir)
        self.language = language
        self.default_language = default_language
        self.today = today
        self.format = LocaleFormat(language, today=today)
        self.addresses = Addresses(
            language=language,
            site_url=site_url,
            default_language=default_language,
            directory_urls=directory_urls,
        )
        self._translate: Callable[[str | None, str], str] = (
            translator(locales_dir, language, "ui") if locales_dir else (lambda context, text: text)
        )
        self._messages: dict[tuple[type, str], Markup] = {}
        self._constant_messages: dict[str, Markdown] = {}
        # The vocabularies' words as plain text, for what Python writes (structured data, badges).
        self.words: Vocabulary[str] = Vocabulary(self.gettext)
        self.env = self._page_environment()
        self.xml_env = self._xml_environment()

    def _page_environment(self) -> jinja2.Environment:
        """The page templates' environment. Finalize escapes every value. Operations on values
        (~, join, replace) give plain text, which finalize escapes whole. The macros are
        autoescaped, and reach the page templates as ``m`` (see PageMacros), so that what they
        return is markup, printed as it is."""
        env = self._environment(finalize=_markdown_output, autoescape=_macros_return_markup)
        for name in _UNSAFE_FILTERS:
            del env.filters[name]
        env.filters.update(
            md=escape.markdown,
            paragraphs=escape.markdown_paragraphs,
            e=escape.markdown,
            escape=escape.markdown,
            attr=escape.attribute,
            url=escape.url,
            mailto=escape.mailto,
            html=escape.html_text,
            yaml=escape.front_matter,
        )
        env.globals.update(_=self._markdown_message, gettext=self._markdown_message)
        env.globals["words"] = Vocabulary(self._markdown_message)
        return env

    def _xml_environment(self) -> jinja2.Environment:
        """The XML templates' environment: autoescaping for XML, after finalize removed what
        XML forbids."""
        env = self._environment(finalize=_xml_output, autoescape=True)
        env.globals.update(_=self._xml_message, gettext=self._xml_message)
        env.globals["words"] = Vocabulary(self._xml_message)
        return env

    def _environment(self, **settings: Any) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.overrides_dir / TEMPLATE_DIR),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            **settings,
        )
        env.filters.update(date=self.format.date, ago=self.format.ago, period=self.format.period)
        env.globals.update(language=self.language, fail=_fail)
        env.tests["untranslated"] = escape.is_untranslated
        return env

    def renderer(self, dataset: Dataset) -> Renderer:
        """The pages of ``dataset`` (in this language) with these templates."""
        return Renderer(dataset, self)

    # UI strings ----------------------------------------------------------------------------

    def gettext(self, message: str) -> str:
        """The UI string ``message`` in this language, as plain text (English where the
        catalog has no translation)."""
        return str(self._translate(None, message))

    def _message(self, kind: type[_Escaped], message: str, variables: dict[str, object]) -> _Escaped:
        """``_(message, **variables)`` in a template: the translation escaped as ``kind``, with
        each value escaped the same way. As with Jinja's "new style" gettext, the string is
        always %-formatted (``%%`` is a percent sign). A translation whose placeholders do not
        fit falls back to the English string (the catalog check reports it)."""
        key = (kind, message)
        template = self._messages.get(key)
        if template is None:
            template = self._messages[key] = kind.escape(self.gettext(message))
        try:
            return kind(template % variables)
        except (KeyError, ValueError, TypeError):
            return kind(kind.escape(message) % variables)

    def _markdown_message(self, message: str, /, **variables: object) -> Markdown:
        if variables:
            return self._format_markdown(message, variables)
        found = self._constant_messages.get(message)  # most UI strings: the same every time
        if found is None:
            found = self._constant_messages[message] = self._format_markdown(message, {})
        return found

    def _format_markdown(self, message: str, variables: dict[str, object]) -> Markdown:
        # A value put at the start of a translation could start a block: escape after formatting.
        return escape.markdown_line(self._message(Markdown, message, variables))

    def _xml_message(self, message: str, /, **variables: object) -> Xml:
        return self._message(Xml, message, variables)

    # Rendering -------------------------------------------------------------------------------

    def render(self, template: str, **context: object) -> str:
        if template.endswith(XML_TEMPLATES):
            return self.xml_env.get_template(template).render(**context)
        # The macros are loaded once per page: Jinja checks the file each time, so an edited
        # macros.md.j2 shows at the next page that ``mkdocs serve`` renders.
        macros = PageMacros(self.env.get_template(MACROS).module)
        return self.env.get_template(template).render(m=macros, **context)

    def stale_translation_notice(self) -> str:
        """The notice at the top of a translated page whose English page changed since."""
        return self.render("stale_page.md.j2")

    def section_title(self, folder: str) -> Markup:
        """The navigation title of a folder of generated pages, in this language, as HTML:
        Material prints navigation titles as they are."""
        titles = {"guides": self.gettext("Guides"), "regions": self.gettext("Regions")}
        return escape.html_text(titles.get(folder, folder.replace("-", " ").title()))


class Renderer:
    """The pages of one dataset in the language of ``templates``: each method prepares the
    views of one template and renders it."""

    def __init__(self, dataset: Dataset, templates: Templates):
        self.dataset = dataset
        self.templates = templates
        self.language = templates.language
        self.addresses = templates.addresses
        # Every template of a dataset's pages prints region names with this.
        self._common = {
            "regions": self.region_names,
            "plans": self.plan_names,
            "scope": self.scope,
            "by_kind": views.by_kind,
            "stop_targets": self.stop_targets,
        }
        self._region_pages: checklist.RegionPages | None = None

    def gettext(self, message: str) -> str:
        return self.templates.gettext(message)

    def render(self, template: str, **context: object) -> str:
        return self.templates.render(template, **self._common, **context)

    def region_names(self, codes: Sequence[str], *, everywhere: bool = False) -> str:
        """Region names as a localised list. With ``everywhere``, a list that includes ``OTHER``
        (a mechanism available everywhere, a platform's only default) reads "Everywhere"."""
        if everywhere and OTHER in codes:
            return self.gettext("Everywhere")
        return self.templates.format.region_names(self.dataset.regions, codes)

    def plan_names(self, platform: Platform, ids: Sequence[str]) -> str:
        """The names of a platform's plans (in this language) as a localised list, in the
        platform's order."""
        return self.templates.format.names([plan.name for plan in views.plans_of(platform, ids)])

    def surface_names(self, surfaces: Sequence[str]) -> str:
        """The names of surfaces (in this language) as a localised list."""
        return self.templates.format.names([self.templates.words.surface(s) for s in surfaces])

    def scope(self, platform: Platform, plans: Sequence[str], regions: Sequence[str]) -> str:
        """What an entry is limited to, for a page: its plans' names, then its regions' names
        ("Free and Plus; European Union"); empty when it names neither."""
        names = []
        if plans:
            names.append(self.plan_names(platform, plans))
        if regions:
            names.append(self.region_names(regions))
        return "; ".join(names)

    @property
    def region_pages(self) -> checklist.RegionPages:
        """The regions with a page, and the page that answers for each country."""
        if self._region_pages is None:
            self._region_pages = checklist.region_pages(self.dataset.platforms, self.dataset.regions)
        return self._region_pages

    def region_links(self) -> list[tuple[str, str]]:
        """Every region with a page, by its name in this language: groups such as the EU first,
        then countries, then everywhere else."""
        regions = self.dataset.regions
        named = [(code, regions.name(code, self.templates.format.locale)) for code in self.region_pages.codes]
        return sorted(
            named, key=lambda pair: (pair[0] == OTHER, pair[0] not in regions.groups, sort_key(pair[1]))
        )

    def stop_targets(self, platform: Platform) -> str:
        """Where "Stop it now" leads, per region page, for the script ("form eu de fr;...")."""
        targets = checklist.stop_targets(platform, self.region_pages, self.dataset.regions)
        return ";".join(f"{mechanism} {' '.join(codes).lower()}" for mechanism, codes in targets)

    def countries(self) -> list[tuple[str, str, str]]:
        """Every country: its code, its name in this language and the code of the region page
        that answers for it, in the alphabetical order of this language."""
        locale = self.templates.format.locale
        regions = self.dataset.regions
        named = [
            (code, regions.name(code, locale), page) for code, page in self.region_pages.countries.items()
        ]
        return sorted(named, key=lambda item: sort_key(item[1]))

    def _zones(self) -> str:
        """Time zones and their countries ("Europe/Berlin=DE ..."): the checklist's script
        suggests the reader's country from the browser's time zone, without asking anyone."""
        countries = self.region_pages.countries
        zones = get_global("zone_territories")
        return " ".join(
            f"{zone}={country}" for zone, country in sorted(zones.items()) if country in countries
        )

    # Pages -------------------------------------------------------------------------------

    def guide(self, platform: Platform) -> str:
        page_url = self.addresses.guide_url(platform)
        today = self.templates.today
        rows = views.region_rows(platform, self.dataset.regions)
        print_answers = handout.printed_answers(rows)
        every_surface = handout.fits_every_surface(platform, len(print_answers))
        return self.render(
            "guide.md.j2",
            platform=platform,
            rows=rows,
            stale=freshness.platform_is_stale(platform, today),
            stale_mechanisms=self._stale_mechanisms(platform),
            training_starts=[freshness.training_start(platform, row.default.regions, today) for row in rows],
            answers=checklist.answers(platform, rows, self.region_pages, self.dataset.regions),
            uses_by_status={status: views.data_by_status(platform, status) for status in USE_STATUSES},
            watched=views.watched_documents(platform),
            sources=[platform.sources[i] for i in views.cited_sources(platform)],
            embed_url=self.addresses.embed_url(platform),
            embed_path=self.addresses.embed_path(platform),
            page_url=page_url,
            qr=Markdown(qr_svg(page_url)) if page_url else "",
            print_answers=print_answers,
            printed={
                m.id: handout.printed_surfaces(m, every_surface=every_surface) for m in platform.mechanisms
            },
            surface_names=self.surface_names,
            report_urls={
                m.id: issue_report.steps_report_url(platform, m, language=self.language, date=today)
                for m in platform.mechanisms
            },
            feed_href=self.addresses.root_href(f"guides/{platform.id}") + feeds.FEED,
            jsonld=structured.guide(
                platform, url=page_url, language=self.language, surface_name=self.templates.words.surface
            ),
        )

    def embed(self, platform: Platform) -> str:
        return self.render(
            "embed.md.j2",
            platform=platform,
            rows=views.region_rows(platform, self.dataset.regions),
            stale=freshness.platform_is_stale(platform, self.templates.today),
            stale_mechanisms=self._stale_mechanisms(platform),
            stopping=self._stopping(platform),
        )

    def _stopping(self, platform: Platform) -> list[Mechanism]:
        """The mechanisms that stop training (the others only limit what is used)."""
        return [m for m in platform.mechanisms if m.kind in views.STOPPING_KINDS]

    def _stale_mechanisms(self, platform: Platform) -> frozenset[str]:
        """The ids of the mechanisms whose steps may have changed since they were confirmed."""
        today = self.templates.today
        return frozenset(
            m.id for m in platform.mechanisms if freshness.mechanism_is_stale(m, platform, today)
        )

    def compare(self) -> str:
        platforms = self.dataset.platforms
        tables = {
            category_id: views.category_table(platforms, category_id)
            for category_id in self.dataset.categories
        }
        jsonld = structured.comparison(
            self.dataset.categories.values(),
            tables,
            language=self.language,
            use_status=self.templates.words.use_status,
        )
        return self.render(
            "compare.md.j2",
            categories=self.dataset.categories,
            jsonld=jsonld,
            comparisons=views.comparison(platforms, self.dataset.regions),
            category_tables=tables,
        )

    def timeline(self) -> str:
        return self.render(
            "timeline.md.j2",
            feed_href=self.addresses.root_href("timeline") + feeds.FEED,
            events=views.all_events(self.dataset.platforms),
            source_numbers=views.source_numbers(self.dataset.platforms),
        )

    def region(self, code: str) -> str:
        locale = self.templates.format.locale
        members = [self.dataset.regions.name(country, locale) for country in self.region_pages.members(code)]
        return self.render(
            "region.md.j2",
            code=code,
            region_name=self.dataset.regions.name(code, locale),
            members=sorted(members, key=sort_key),
            answers=views.region_answers(self.dataset.platforms, code, self.dataset.regions),
            source_numbers=views.source_numbers(self.dataset.platforms),
        )

    def regions_index(self) -> str:
        return self.render(
            "regions_index.md.j2",
            region_links=self.region_links(),
            countries=self.countries(),
            link_prefix="",
        )

    def checklist(self) -> str:
        """The reader's checklist: the form, and every platform's controls for the script to pick
        from (see optout_atlas.checklist)."""
        return self.render(
            "checklist.md.j2",
            form=Markdown(self._checklist_form("checklist.md")),
            entries=checklist.entries(self.dataset.platforms, self.region_pages, self.dataset.regions),
            stale={(p.id, m) for p in self.dataset.platforms for m in self._stale_mechanisms(p)},
            link_prefix=relative_dir("guides/", "checklist.md"),
        )

    def checklist_form(self, src_uri: str) -> str:
        """The form of the reader's checklist, for a hand-written page (the home page)."""
        return self._checklist_form(src_uri)

    def _checklist_form(self, src_uri: str) -> str:
        return self.render(
            "checklist_form.md.j2",
            countries=self.countries(),
            choices=[(p, checklist.choices(p)) for p in self.dataset.platforms],
            zones=self._zones(),
            checklist_link=relative_dir(".", src_uri) + "checklist.md",
            regions_link=relative_dir("regions/", src_uri) + "index.md",
            on_checklist=src_uri == "checklist.md",
        )

    def guides_index(self) -> str:
        return self.render("guides_index.md.j2", cards=self._cards(), link_prefix="")

    # Blocks of hand-written pages ----------------------------------------------------------

    def marker(self, name: str, *, src_uri: str) -> str | None:
        """The block that replaces ``<!-- atlas:<name> -->`` in the hand-written page
        ``src_uri`` (links are relative to it), or None for an unknown marker."""
        block = MARKERS.get(name)
        return None if block is None else block(self, src_uri)

    def platform_cards(self, src_uri: str) -> str:
        """A card per platform, linking to its guide."""
        link_prefix = relative_dir("guides/", src_uri)
        return self.render("platform_cards.md.j2", cards=self._cards(), link_prefix=link_prefix)

    def statuses(self, src_uri: str) -> str:
        """The table of statuses and what they mean."""
        return self.render("statuses.md.j2")

    def region_picker(self, src_uri: str) -> str:
        """A link to the page of every region the data names."""
        link_prefix = relative_dir("regions/", src_uri)
        return self.render("region_links.md.j2", region_links=self.region_links(), link_prefix=link_prefix)

    def _cards(self) -> list[tuple[Platform, tuple[views.RegionRow, ...], tuple[views.RowGroup, ...]]]:
        """A card per platform: the platform, its summary rows, and those rows grouped."""
        cards = []
        for platform in self.dataset.platforms:
            rows = views.region_rows(platform, self.dataset.regions)
            cards.append((platform, rows, views.group_rows(rows)))
        return cards


# The blocks of hand-written pages, by marker name (``<!-- atlas:platforms -->``).
MARKERS: dict[str, Callable[[Renderer, str], str]] = {
    "platforms": Renderer.platform_cards,
    "statuses": Renderer.statuses,
    "regions": Renderer.region_picker,
    "checklist": Renderer.checklist_form,
}


def relative_dir(target_dir: str, src_uri: str) -> str:
    """A docs-relative directory as seen from the page ``src_uri`` (for Markdown links)."""
    here = posixpath.dirname(src_uri)
    relative = posixpath.relpath(target_dir, here or ".")
    return "" if relative == "." else relative.rstrip("/") + "/"


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as inline SVG, made at build time (for printed guides)."""
    code = segno.make(url, error="m")
    return str(code.svg_inline(scale=2, title=url, svgclass="atlas-qr", lineclass=None, omitsize=False))


def _fail(message: str) -> None:
    """Called by templates on a value they do not know: fail loudly rather than print nothing."""
    raise ValueError(message)
