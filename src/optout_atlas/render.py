"""Rendering views into Markdown pages with the Jinja templates in ``overrides/atlas/``.

The markup lives in the templates; this module sets up their escaping and supplies filters for
localised dates and region names.

Escaping is by construction, not by habit (see ``optout_atlas.escape``):

- The page templates (``*.md.j2``) print every value as literal Markdown text unless it is
  :class:`~optout_atlas.escape.Markdown` that our own code made, or markup their own macros
  made. A template that prints a field without a filter prints it escaped; the filters choose
  another context (``attr``, ``url``, ``html``, ``yaml``). Filters that would mark a value as
  safe (``safe``, ``forceescape``, ``tojson``, ``urlize``, ``xmlattr``) do not exist there, and
  ``e`` escapes for Markdown. Text put together in a template (``~``, ``join``) is plain text,
  escaped as a whole when printed.
- UI strings (``_()``) are escaped the same way: a translation is text, not markup, and so is
  every value put into it.
- The XML templates (``*.xml.j2``, ``*.svg.j2``) have an environment of their own that escapes
  for XML and removes the characters XML forbids.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import unicodedata
from collections.abc import Callable
from pathlib import Path

import jinja2
import segno
from babel import Locale
from babel.dates import format_date, format_skeleton, format_timedelta
from babel.lists import format_list
from markupsafe import Markup

from optout_atlas import escape, freshness, gcpause, structured, views
from optout_atlas.dataset import Dataset
from optout_atlas.escape import Markdown, Xml
from optout_atlas.model import SURFACES, PartialDate, Platform
from optout_atlas.regions import OTHER
from optout_atlas.translation import babel_locale, translator

TEMPLATE_DIR = "atlas"
# Templates rendered as XML (the feed, the badges) rather than as Markdown.
XML_TEMPLATES = (".xml.j2", ".svg.j2")
# The page templates' macros: words and icons for the data's vocabularies.
MACROS = "macros.md.j2"
EMBED_PLACEHOLDER = "https://your-atlas-address.example/"
# Jinja's filters that return markup without escaping for Markdown: absent from the page
# templates, so that no template can mark a data value as safe.
_UNSAFE_FILTERS = ("safe", "forceescape", "tojson", "urlize", "xmlattr")


def inline(text: object) -> Markdown:
    """Data text as literal inline Markdown (see :func:`optout_atlas.escape.markdown`)."""
    return escape.markdown(text)


def _macros_return_markup(template_name: str | None) -> bool:
    """Whether a page template is autoescaped: the macros only (a module-level function, so
    that every language's environment compiles templates alike and shares them)."""
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


class _Macros:
    """The macros of ``macros.md.j2``, for the page templates: each returns markup whatever the
    template that calls it. (Jinja lets the caller's autoescaping decide what a macro returns,
    and the page templates are not autoescaped: an imported macro would return plain text,
    which finalize would escape again.)

    :meth:`Renderer.render` loads the macros once per page (Jinja checks the file each time, so
    an edited ``macros.md.j2`` shows at the next page that ``mkdocs serve`` renders)."""

    def __init__(self, env: jinja2.Environment):
        self._env = env
        self.module = None

    def reload(self) -> None:
        self.module = self._env.get_template(MACROS).module

    def __getattr__(self, name: str) -> Callable[..., Markup]:
        if self.module is None:
            self.reload()
        macro = getattr(self.module, name)
        # A plain function: Jinja passes it no evaluation context, so the macro uses its own.
        return lambda *args, **kwargs: macro(*args, **kwargs)


class Renderer:
    """Renders the generated pages for one language."""

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
        self.language = language
        # Page addresses: guides/x/ (a web server serves guides/x/index.html), or guides/x.html
        # (the offline build, opened from a file share without a server).
        self.directory_urls = directory_urls
        self._page_suffix = "/" if directory_urls else ".html"
        # Absolute address of this language's site, when known (for the embed snippet).
        base = site_url.rstrip("/") + "/" if site_url else EMBED_PLACEHOLDER
        self.base_url = base if language == default_language or not site_url else f"{base}{language}/"
        self.locale = babel_locale(language)
        # Parsed once: Babel parses a locale given as text on every call, and a page of 400
        # platforms formats thousands of dates, mostly the same ones.
        self._babel_locale = Locale.parse(self.locale)
        self._dates: dict[object, str] = {}
        self.today = today
        self._translate: Callable[[str | None, str], str] = (
            translator(locales_dir, language, "ui") if locales_dir else (lambda context, text: text)
        )
        self._messages: dict[tuple[type, str], Markup] = {}
        self._constant_messages: dict[str, Markdown] = {}
        loader = jinja2.FileSystemLoader(Path(overrides_dir) / TEMPLATE_DIR)
        settings = {
            "loader": loader,
            "undefined": jinja2.StrictUndefined,
            "trim_blocks": True,
            "lstrip_blocks": True,
            "keep_trailing_newline": True,
        }
        # Page templates: finalize escapes every value. Operations on values (~, join, replace)
        # give plain text, which finalize escapes whole. The macros are autoescaped, and reach
        # the page templates as the global ``m`` (see _Macros), so that what they return is
        # markup, printed as it is.
        self.env = jinja2.Environment(finalize=_markdown_output, autoescape=_macros_return_markup, **settings)
        # XML templates: autoescaping for XML, after finalize removed what XML forbids.
        self.xml_env = jinja2.Environment(finalize=_xml_output, autoescape=True, **settings)
        for name in _UNSAFE_FILTERS:
            del self.env.filters[name]
        self.env.filters.update(
            md=escape.markdown,
            e=escape.markdown,
            escape=escape.markdown,
            attr=escape.attribute,
            url=escape.url,
            html=escape.html_text,
            yaml=escape.front_matter,
            date=self.format_date,
            ago=self.format_ago,
        )
        self.xml_env.filters.update(date=self.format_date, ago=self.format_ago)
        common = {"views": views, "freshness": freshness, "language": language, "today": today, "fail": _fail}
        self.env.globals.update(common, _=self._markdown_message, gettext=self._markdown_message)
        self._page_macros = self.env.globals["m"] = _Macros(self.env)
        self.xml_env.globals.update(common, _=self._xml_message, gettext=self._xml_message)
        self.env.tests["untranslated"] = self.xml_env.tests["untranslated"] = escape.is_untranslated

    # UI strings ----------------------------------------------------------------------------

    def gettext(self, message: str) -> str:
        """The UI string ``message`` in this language, as plain text (English where the
        catalog has no translation)."""
        return str(self._translate(None, message))

    def _message(self, kind: type[Markup], message: str, variables: dict) -> Markup:
        """``_(message, **variables)`` in a template: the translation escaped as ``kind``, with
        each value escaped the same way. As with Jinja's "new style" gettext, the string is
        always %-formatted (``%%`` is a percent sign). A translation whose placeholders do not
        fit falls back to the English string (the catalog check reports it)."""
        key = (kind, message)
        template = self._messages.get(key)
        if template is None:
            template = self._messages[key] = kind.escape(self.gettext(message))
        try:
            return template % variables
        except (KeyError, ValueError, TypeError):
            return kind.escape(message) % variables

    def _markdown_message(self, message: str, /, **variables) -> Markdown:
        if variables:
            return self._format_markdown(message, variables)
        found = self._constant_messages.get(message)  # most UI strings: the same every time
        if found is None:
            found = self._constant_messages[message] = self._format_markdown(message, {})
        return found

    def _format_markdown(self, message: str, variables: dict) -> Markdown:
        # A value put at the start of a translation could start a block: escape after formatting.
        return escape.markdown_line(self._message(Markdown, message, variables))

    def _xml_message(self, message: str, /, **variables) -> Xml:
        return self._message(Xml, message, variables)

    # Filters -----------------------------------------------------------------------------

    def format_date(self, value: dt.date | PartialDate) -> str:
        key = value
        if key not in self._dates:
            if isinstance(value, PartialDate):
                if value.is_month:
                    self._dates[key] = format_skeleton("yMMMM", value.first_day, locale=self._babel_locale)
                    return self._dates[key]
                value = value.first_day
            self._dates[key] = format_date(value, format="long", locale=self._babel_locale)
        return self._dates[key]

    def format_ago(self, value: dt.date) -> str:
        """How long before the build date: "10 days ago", "vor 11 Monaten". A unit is used only
        from 7 of it on, so recent checks read in days and old ones in months, not "1 year"."""
        key = ("ago", value)
        if key not in self._dates:
            self._dates[key] = format_timedelta(
                value - self.today, threshold=7, add_direction=True, locale=self._babel_locale
            )
        return self._dates[key]

    def region_names(self, dataset: Dataset, codes, *, everywhere: bool = False) -> str:
        """Region names as a localised list. With ``everywhere``, a list that includes ``OTHER``
        (a mechanism available everywhere, a platform's only default) reads "Everywhere"."""
        if everywhere and OTHER in codes:
            return self.gettext("Everywhere")
        names = [dataset.regions.name(code, self.locale) for code in codes]
        if len(names) > 1 and OTHER in codes[1:] and self.locale.split("_")[0] not in CAPITALISED_NOUNS:
            index = list(codes).index(OTHER)  # "United States and all other regions"
            names[index] = names[index][:1].lower() + names[index][1:]
        return format_list(names, locale=self._babel_locale)

    # Pages -------------------------------------------------------------------------------

    def render(self, template: str, **context) -> str:
        if template.endswith(XML_TEMPLATES):
            return self.xml_env.get_template(template).render(**context)
        self._page_macros.reload()
        return self.env.get_template(template).render(**context)

    def _macros(self):
        """The page templates' macros (words and icons for the data's vocabularies)."""
        self._page_macros.reload()
        return self._page_macros.module

    def _surface_names(self) -> dict[str, str]:
        macros = self._macros()
        return {surface: escape.plain_text(macros.surface_name(surface)) for surface in SURFACES}

    def page_url(self, path: str) -> str:
        """The absolute address of a page of this language, or "" when the site's is not set."""
        return "" if self.base_url == EMBED_PLACEHOLDER else f"{self.base_url}{path}"

    def guide(self, dataset: Dataset, platform: Platform) -> str:
        page_url = self.page_url(f"guides/{platform.id}{self._page_suffix}")
        return self.render(
            "guide.md.j2",
            dataset=dataset,
            platform=platform,
            rows=views.region_rows(platform, dataset.regions),
            sources=[platform.sources[i] for i in views.cited_sources(platform)],
            embed_url=self.embed_url(platform),
            embed_path=self.embed_path(platform),
            page_url=page_url,
            qr=Markdown(qr_svg(page_url)) if page_url else "",
            jsonld=structured.guide(
                platform, url=page_url, language=self.language, surface_names=self._surface_names()
            ),
            regions=lambda codes, everywhere=False: self.region_names(dataset, codes, everywhere=everywhere),
        )

    def embed_path(self, platform: Platform) -> str:
        """The address of a platform's embed page relative to its guide (``guides/<id>/`` or,
        in the offline build, ``guides/<id>.html``)."""
        return f"../../embed/{platform.id}/" if self.directory_urls else f"../embed/{platform.id}.html"

    def embed_url(self, platform: Platform) -> str:
        """The absolute address of a platform's embed page; a placeholder, filled in by the
        page's script, when the site's address is not configured."""
        if self.base_url == EMBED_PLACEHOLDER:
            return f"{EMBED_PLACEHOLDER}EMBED"
        return f"{self.base_url}embed/{platform.id}{self._page_suffix}"

    def stale_translation_notice(self) -> str:
        """The notice at the top of a translated page whose English page changed since."""
        return self.render("stale_page.md.j2")

    def embed(self, dataset: Dataset, platform: Platform) -> str:
        return self.render(
            "embed.md.j2",
            platform=platform,
            rows=views.region_rows(platform, dataset.regions),
            **self._cards(dataset),
        )

    def badge(self, dataset: Dataset, platform: Platform, region: str | None = None) -> str:
        """An SVG badge stating the platform's status in words (readable without colour): for
        one region, or across regions ("varies by region")."""
        if region:
            answer = views.region_answers([platform], region, dataset.regions)[0]
            status = answer.default.status if answer.default else "unclear"
            stop = "yes" if answer.stopping else "no"
        else:
            rows = views.region_rows(platform, dataset.regions)
            statuses = {row.default.status for row in rows}
            status = statuses.pop() if len(statuses) == 1 else "varies"
            stoppable = [row.can_stop for row in rows]
            stop = "yes" if all(stoppable) else ("some" if any(stoppable) else "no")
        macros = self._macros()
        stop_words = {
            "yes": self.gettext("opt-out available"),
            "some": self.gettext("opt-out in some regions"),
            "no": self.gettext("no opt-out"),
        }[stop]
        verified = self.gettext("verified %(date)s") % {"date": platform.last_verified.isoformat()}
        label = self.gettext("AI training") + " · " + platform.name
        message = " · ".join([escape.plain_text(macros.badge_status(status)), stop_words, verified])
        label_width, message_width = _text_width(label) + 12, _text_width(message) + 12
        return self.render(
            "badge.svg.j2",
            label=label,
            message=message,
            label_width=label_width,
            width=label_width + message_width,
        )

    def compare(self, dataset: Dataset) -> str:
        macros = self._macros()
        questions = []
        for category in dataset.categories.values():
            answers = []
            for platform, uses in views.category_table(dataset.platforms, category.id):
                status = uses[0].status if uses else "none"
                detail = f" ({uses[0].text})" if uses else ""
                status_text = escape.plain_text(macros.use_status_text(status))
                answers.append(f"{platform.name}: {status_text}{detail}")
            questions.append((category.question, " ".join(answers)))
        return self.render(
            "compare.md.j2",
            dataset=dataset,
            jsonld=structured.faq(questions, language=self.language),
            comparisons=views.comparison(dataset.platforms, dataset.regions),
            category_table=lambda category_id: views.category_table(dataset.platforms, category_id),
            **self._cards(dataset),
        )

    def timeline(self, dataset: Dataset) -> str:
        return self.render(
            "timeline.md.j2",
            events=views.all_events(dataset.platforms),
            source_numbers=views.source_numbers(dataset.platforms),
            **self._cards(dataset),
        )

    def region(self, dataset: Dataset, code: str) -> str:
        return self.render(
            "region.md.j2",
            region_name=dataset.regions.name(code, self.locale),
            answers=views.region_answers(dataset.platforms, code, dataset.regions),
            source_numbers=views.source_numbers(dataset.platforms),
            **self._cards(dataset),
        )

    def region_links(self, dataset: Dataset) -> list[tuple[str, str]]:
        """Every region with a page, by its name in this language (groups such as the EU first)."""
        codes = views.region_codes(dataset.platforms)
        named = [(code, dataset.regions.name(code, self.locale)) for code in codes]
        return sorted(named, key=lambda pair: (pair[0] not in dataset.regions.groups, sort_key(pair[1])))

    def regions_index(self, dataset: Dataset) -> str:
        return self.render("regions_index.md.j2", region_links=self.region_links(dataset), link_prefix="")

    def region_picker(self, dataset: Dataset, *, link_prefix: str) -> str:
        return self.render(
            "region_links.md.j2", region_links=self.region_links(dataset), link_prefix=link_prefix
        )

    def section_title(self, folder: str) -> Markup:
        """The navigation title of a folder of generated pages, in this language, as HTML:
        Material prints navigation titles as they are."""
        titles = {"guides": self.gettext("Guides"), "regions": self.gettext("Regions")}
        return escape.html_text(titles.get(folder, folder.replace("-", " ").title()))

    def feed(self, dataset: Dataset, *, base_url: str, directory_urls: bool) -> str:
        """The Atom feed of every event, newest first. Links are relative to the feed (which sits
        at the root of its language's site) unless ``base_url`` is given."""
        events = views.all_events(dataset.platforms)
        newest = events[0][1].date.first_day if events else self.today
        suffix = "/" if directory_urls else ".html"
        return self.render(
            "feed.xml.j2",
            events=events,
            updated=f"{newest.isoformat()}T00:00:00Z",
            base_url=base_url,
            self_href="feed.xml",
            home_href="./",
            guide_href=lambda platform: f"guides/{platform.id}{suffix}",
            event_type=lambda type_: escape.plain_text(self._macros().event_type(type_)),
            **self._cards(dataset),
        )

    def guides_index(self, dataset: Dataset) -> str:
        return self.render("guides_index.md.j2", dataset=dataset, link_prefix="", **self._cards(dataset))

    def platform_cards(self, dataset: Dataset, *, link_prefix: str) -> str:
        return self.render(
            "platform_cards.md.j2", dataset=dataset, link_prefix=link_prefix, **self._cards(dataset)
        )

    # Whole sets of pages ----------------------------------------------------------------

    def page_paths(self, dataset: Dataset) -> list[str]:
        """The source path of every generated page, as in the default language, in the order
        :meth:`pages` renders them."""
        paths = ["guides/index.md"]
        for platform in dataset.platforms:
            paths += [f"guides/{platform.id}.md", f"embed/{platform.id}.md"]
        paths += ["compare.md", "timeline.md", "regions/index.md"]
        paths += [f"regions/{code.lower()}.md" for code, _name in self.region_links(dataset)]
        return paths

    def pages(self, dataset: Dataset) -> dict[str, str]:
        """Every generated page of this language, by source path as in the default language."""
        with gcpause.paused():  # rendering 400 guides allocates millions of objects; see gcpause
            pages = {"guides/index.md": self.guides_index(dataset)}
            for platform in dataset.platforms:
                pages[f"guides/{platform.id}.md"] = self.guide(dataset, platform)
                pages[f"embed/{platform.id}.md"] = self.embed(dataset, platform)
            pages["compare.md"] = self.compare(dataset)
            pages["timeline.md"] = self.timeline(dataset)
            pages["regions/index.md"] = self.regions_index(dataset)
            for code, _name in self.region_links(dataset):
                pages[f"regions/{code.lower()}.md"] = self.region(dataset, code)
        return pages

    def marker(self, name: str, dataset: Dataset, *, src_uri: str) -> str | None:
        """The block that replaces ``<!-- atlas:<name> -->`` in the hand-written page
        ``src_uri`` (links are relative to it), or None for an unknown marker."""
        if name == "platforms":
            return self.platform_cards(dataset, link_prefix=relative_dir("guides/", src_uri))
        if name == "statuses":
            return self.render("statuses.md.j2")
        if name == "regions":
            return self.region_picker(dataset, link_prefix=relative_dir("regions/", src_uri))
        return None

    def _cards(self, dataset: Dataset) -> dict:
        return {
            "rows_of": lambda platform: views.region_rows(platform, dataset.regions),
            "regions": lambda codes, everywhere=False: self.region_names(
                dataset, codes, everywhere=everywhere
            ),
        }


def relative_dir(target_dir: str, src_uri: str) -> str:
    """A docs-relative directory as seen from the page ``src_uri`` (for Markdown links)."""
    here = posixpath.dirname(src_uri)
    relative = posixpath.relpath(target_dir, here or ".")
    return "" if relative == "." else relative.rstrip("/") + "/"


# Languages whose nouns keep their capital in mid-sentence.
CAPITALISED_NOUNS = frozenset({"de"})


def sort_key(name: str) -> str:
    """Alphabetical order that ignores accents ("Österreich" among the O's)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as inline SVG, made at build time (for printed guides)."""
    code = segno.make(url, error="m")
    return code.svg_inline(scale=2, title=url, svgclass="atlas-qr", lineclass=None, omitsize=False)


def _text_width(text: str) -> int:
    """Rough width in pixels of text at 11px (wide East Asian characters count double)."""
    return round(sum(11 if unicodedata.east_asian_width(c) in "WF" else 6.6 for c in text))


def _fail(message: str):
    """Called by templates on a value they do not know: fail loudly rather than print nothing."""
    raise ValueError(message)
