"""``AtlasPlugin``: the events through which the atlas takes part in a MkDocs build.

How the plugin cooperates with mkdocs-static-i18n and Material is described in the package's
docstring (``optout_atlas/plugin/__init__.py``); read it before changing a priority below.
"""

from __future__ import annotations

import difflib
import logging
import os
import posixpath
import re
from pathlib import Path
from typing import Any, Literal

import jinja2
from mkdocs.config.base import ConfigErrors, ConfigWarnings, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from optout_atlas import csp, inventory, translated_pages, translation
from optout_atlas.dataset import Dataset
from optout_atlas.plugin import outputs, site
from optout_atlas.plugin.config import AtlasConfig
from optout_atlas.plugin.safe_build import SafeBuild
from optout_atlas.problems import Problem
from optout_atlas.render import TEMPLATE_DIR, Renderer, Templates
from optout_atlas.search_entries import drop_duplicates

log = logging.getLogger("mkdocs.plugins.atlas")

# ---------------------------------------------------------------------------------------------
# Event priorities: the plugin's order against mkdocs-static-i18n (the i18n plugin), which runs
# its on_config, on_files, on_nav, on_post_page and on_post_build at -100 and its
# on_page_markdown, on_page_context and on_template_context at 50. MkDocs runs higher first.
# Events of the plugin not named with one of these run at MkDocs' default, 0: nothing else
# depends on their order.
# ---------------------------------------------------------------------------------------------

# Before every other plugin: on_config moves site_dir to the staging directory (every plugin must
# see it), narrows the languages for a preview (the i18n plugin reads them in its on_config) and
# checks the data and catalogs (no plugin does any work on bad data).
START = 100
# Before the i18n plugin: on_files adds the generated pages of every language, so that i18n
# places each one and computes its alternates (language switcher, sitemap); on_post_build writes
# the language's feed, badges and export before i18n's on_post_build switches to the next
# language and builds it.
BEFORE_I18N = 50
# After the i18n plugin: on_files fills in the pages i18n re-created, on_nav sorts the
# navigation i18n built, on_page_context edits the language links i18n set, on_env shares
# compiled templates once i18n has added its Jinja extension, on_config drops the remote
# polyfills Material's offline plugin added (0), and on_post_build rewrites the offline search
# index once i18n built every language and merged their search entries.
AFTER_I18N = -150
# After everything: on_post_page and on_post_template fill in the Content-Security-Policy when
# no plugin can change the HTML any more, on_post_build records that the whole site (every
# language) was written, and on_build_error sees a failure after every other handler of it ran.
LAST = -1000

# Generated pages linked from an index page rather than listed in the navigation. Guides are
# listed on their index (and the home page) rather than in the sidebar: the sidebar is rendered
# into every page, so listing N guides there would make the build quadratic in N.
NOT_IN_NAV_PREFIXES = ("guides/", "regions/", "embed/")
# A marker in a hand-written page; an HTML comment, so a page stays valid Markdown without it.
MARKER = re.compile(r"<!--\s*atlas:([a-z-]+)\s*-->")
# The i18n plugin's (1.x) method that removes duplicate search entries, which the plugin replaces.
I18N_SEARCH_DEDUPLICATION = "reconfigure_search_duplicates"
GENERATED_BY = "atlas"
# The environment variable that narrows a build to the default language and one other.
PREVIEW_VARIABLE = "ATLAS_LANGUAGE"


class AtlasPlugin(BasePlugin[AtlasConfig]):
    """The atlas as a MkDocs plugin: checks the data, generates the pages and files made from
    it in every language, and keeps the last good site (see the package docstring)."""

    def __init__(self) -> None:
        # Lives as long as the process: see SiteCache.
        self.cache = site.SiteCache()
        # Data warnings already logged (a build logs each once, not once per language build;
        # `mkdocs serve` once per process).
        self.reported: set[Problem] = set()
        # The safe build of the current MkDocs command (set by on_startup).
        self.safe_build = SafeBuild()
        # Per language build (set in on_config and on_files): the validated English dataset,
        # the generated pages (src_uri -> (language, src_uri in the default language)), and the
        # rendered pages of the language being built (language -> src_uri -> Markdown).
        self.english: Dataset | None = None
        self.generated: dict[str, tuple[str, str]] = {}
        self.rendered: dict[str, dict[str, str]] = {}

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[ConfigErrors, ConfigWarnings]:
        """MkDocs' check of the options, with an option the plugin does not have (a misspelt
        one) an error rather than a warning, so that a build that is not strict stops on it."""
        errors, warnings = super().load_config(options, config_file_path)
        known = [name for name, _option in self.config_scheme]
        for key, message in list(warnings):
            if isinstance(key, str) and key not in known:
                warnings.remove((key, message))
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"the options are {', '.join(known)}"
                errors.append((key, ValidationError(f"no such option ({hint})")))
        return errors, warnings

    @property
    def data_dir(self) -> Path:
        return Path(self.config.data_dir).resolve()

    @property
    def locales_dir(self) -> Path:
        return Path(self.config.locales_dir).resolve()

    # -----------------------------------------------------------------------------------------
    # One MkDocs command
    # -----------------------------------------------------------------------------------------

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.safe_build = SafeBuild(enabled=command == "build" and not dirty)
        self.safe_build.start()

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Saving a YAML or ``.po`` file rebuilds the site (the cache knows what changed)."""
        if self.config.generate:
            server.watch(str(self.data_dir))
            if self.locales_dir.is_dir():
                server.watch(str(self.locales_dir))
        return server

    @event_priority(LAST)
    def on_build_error(self, *, error: Exception) -> None:
        self.safe_build.failed(error)

    def on_shutdown(self) -> None:
        try:
            self.safe_build.finish()
        finally:
            self.safe_build = SafeBuild()

    # -----------------------------------------------------------------------------------------
    # on_config: once per language build (the i18n plugin's nested builds reuse the config)
    # -----------------------------------------------------------------------------------------

    @event_priority(START)
    def _stage_site(self, config: MkDocsConfig) -> MkDocsConfig:
        self.safe_build.stage(config)
        return config

    @event_priority(START)
    def _choose_preview_language(self, config: MkDocsConfig) -> MkDocsConfig:
        """``ATLAS_LANGUAGE=de mkdocs serve`` (or ``build``) builds the default language, which
        every other one falls back to, and German only. The i18n plugin's own
        ``build_only_locale`` makes the chosen language the default, which lets untranslated
        English pages overwrite translated ones; switching the other languages' ``build`` flag
        off keeps every page where it belongs."""
        wanted = os.environ.get(PREVIEW_VARIABLE, "").strip()
        plugin = config.plugins.get("i18n")
        if not wanted or plugin is None:
            return config
        languages = plugin.config.languages
        known = [lang.locale for lang in languages]
        if wanted not in known:
            raise Abort(
                f"{PREVIEW_VARIABLE}={wanted!r} is not a site language; use one of: {', '.join(known)}"
            )
        for lang in languages:
            lang.build = lang.default or lang.locale == wanted
        return config

    @event_priority(START)
    def _check_data(self, config: MkDocsConfig) -> MkDocsConfig:
        """Bad data, and catalogs of the languages being built with a syntax error, a
        translation against the text policy or a broken placeholder, abort here with one
        ``file:line:col`` line per problem, before MkDocs cleans anything. Warnings are errors in
        a strict build and logged once otherwise. The data and catalogs are checked once per
        change (``cached_dataset``, ``translation.catalog_problems``), not once per language."""
        self.english = None
        if not self.config.generate:
            return config
        english = self.cache.dataset(self.data_dir, config)
        catalogs = translation.check_catalogs(self.locales_dir, site.languages(config))
        fatal = list(english.warnings) if config.strict else []
        if fatal or catalogs:
            what = []
            if fatal:
                what.append(f"{_count(fatal, 'warning')} in the data, fatal in a strict build")
            if catalogs:
                what.append(f"{_count(catalogs, 'problem')} in the catalogs")
            for problem in sorted(fatal + catalogs):
                log.error(str(problem))
            raise Abort(
                f"Aborted: {' and '.join(what)} (listed above); the site directory was left as it was."
            )
        for warning in english.warnings:
            if warning not in self.reported:
                log.warning(str(warning))
                self.reported.add(warning)
        self.english = english
        return config

    @event_priority(START)
    def _replace_search_deduplication(self, config: MkDocsConfig) -> MkDocsConfig:
        """The i18n plugin removes, from the one search index of all languages, the entries of
        pages that fell back to the default language, comparing every entry with every other
        (minutes at 400 platforms in ten languages). It gets the same rule with a lookup table
        (``optout_atlas.search_entries``). The i18n plugin object is made anew for each
        configuration, so this runs in every build."""
        plugin = config.plugins.get("i18n")
        if plugin is None:
            return config
        if not callable(getattr(plugin, I18N_SEARCH_DEDUPLICATION, None)):
            raise PluginError(
                f"mkdocs-static-i18n has no {I18N_SEARCH_DEDUPLICATION}() any more: check how it removes "
                "duplicate search entries now, and update AtlasPlugin._replace_search_deduplication"
            )

        def replacement(entries: list[dict]) -> None:
            drop_duplicates(entries, tuple(f"{language}/" for language in plugin.build_languages))

        setattr(plugin, I18N_SEARCH_DEDUPLICATION, replacement)
        return config

    @event_priority(AFTER_I18N)
    def _drop_remote_polyfills(self, config: MkDocsConfig) -> MkDocsConfig:
        """The offline build stays self-contained: Material's offline plugin adds the
        ``iframe-worker`` polyfill from unpkg.com (a third-party request on every page)."""
        if _offline_plugin(config) is not None:
            polyfills = config.extra.get("polyfills") or []
            config.extra["polyfills"] = [url for url in polyfills if "://" not in str(url)]
        return config

    on_config = CombinedEvent(
        _stage_site,
        _choose_preview_language,
        _check_data,
        _replace_search_deduplication,
        _drop_remote_polyfills,
    )

    # -----------------------------------------------------------------------------------------
    # on_files: the generated pages, around the i18n plugin's on_files
    # -----------------------------------------------------------------------------------------

    @event_priority(BEFORE_I18N)
    def _add_generated_pages(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Every generated page of *every* language, without content, with a source path that
        pretends to live in ``docs_dir``, so that i18n places it and computes its alternates."""
        # The page templates live in the theme's custom_dir, so MkDocs would copy them into the site.
        prefix = f"{TEMPLATE_DIR}/"
        for file in [f for f in files if f.src_uri.startswith(prefix) and f.src_dir != config.docs_dir]:
            files.remove(file)
        self.generated = {}
        self.rendered = {}
        if self.english is None:
            return files
        default = site.default_language(config)
        for language in site.languages(config):
            for src_uri in self._page_paths(config):
                uri = site.localized_uri(src_uri, language, default)
                if files.get_file_from_path(uri) is not None:
                    raise Abort(
                        f"docs/{uri} exists, but the atlas plugin generates that page; remove the file"
                    )
                # No content yet: i18n re-creates the file from its path anyway.
                file = File.generated(config, uri, content="", inclusion=_inclusion(src_uri))
                file.abs_src_path = os.path.join(config.docs_dir, file.src_path)
                self.generated[uri] = (language, src_uri)
                files.append(file)
        return files

    @event_priority(AFTER_I18N)
    def _fill_generated_pages(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """The Markdown of the pages of the language being built, in the files i18n re-created;
        marked as generated (no "edit this page" to a file that does not exist)."""
        for file in files:
            if file.src_uri in self.generated:
                language, src_uri = self.generated[file.src_uri]
                file.content_string = self.pages(config, language)[src_uri]
                file.generated_by = GENERATED_BY
                file.inclusion = _inclusion(file.src_uri)
        return files

    on_files = CombinedEvent(_add_generated_pages, _fill_generated_pages)

    # -----------------------------------------------------------------------------------------
    # Once per language build, before the pages
    # -----------------------------------------------------------------------------------------

    @event_priority(AFTER_I18N)
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """The top level in ``nav_order`` (MkDocs sorts alphabetically, which would put the
        method page first); the sections of generated pages named in the page's language."""
        order = self.config.nav_order
        if order:
            nav.items.sort(key=lambda item: _rank(item, order))
        templates = self._templates(config, site.current_language(config))
        for item in nav.items:
            if isinstance(item, Section) and (key := _nav_key(item)):
                item.title = templates.section_title(key.rstrip("/"))
        return nav

    @event_priority(AFTER_I18N)
    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """Material's templates compiled once per process, not once per build."""
        self.cache.share_compiled_templates(env)
        return env

    # -----------------------------------------------------------------------------------------
    # Every page of every language build
    # -----------------------------------------------------------------------------------------

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A notice under the title of a translated page whose English page changed since it was
        translated (``translated_pages``); the blocks of ``<!-- atlas:… -->`` markers."""
        if self.english is None:
            return markdown
        if translated_pages.KEY in page.meta and page.file.abs_src_path:
            markdown = self._flag_if_stale(markdown, page, config)
        return self.fill_markers(
            markdown, config, language=site.current_language(config), src_uri=page.file.src_uri
        )

    def _announce_feed(self, context: dict, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        """Where the language's feed is, for the ``<link rel="alternate">`` in the head."""
        if self.english is not None:
            renderer = self._renderer(config, site.current_language(config))
            context["atlas_feed"] = inventory.file_paths(renderer, ["feed"])[0]
        return context

    @event_priority(AFTER_I18N)
    def _relative_language_links(
        self, context: dict, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict:
        """With ``site_url`` empty, the i18n plugin points the language switcher of pages that
        have no translated twin (each language's home page) at root-absolute links such as
        ``/de/``, which break under a sub-path or from a file share. Material passes each link
        through the ``url`` filter, which makes a site-relative link relative to the page, so the
        leading slash goes. The list is edited in place: i18n puts a fresh copy on
        ``config.extra.alternate`` for every page, and the theme reads the switcher there."""
        alternates = getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []
        for alternate in alternates:
            link = alternate.get("link", "")
            if link.startswith("/") and not link.startswith("//"):
                alternate["link"] = link.lstrip("/") or "./"
        return context

    on_page_context = CombinedEvent(_announce_feed, _relative_language_links)

    @event_priority(LAST)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """The page's Content-Security-Policy, from its inline scripts outside the content (see
        ``optout_atlas.csp``); markup the content must not carry is a warning (the strict build
        stops on it)."""
        content = page.content or ""
        for problem in csp.content_problems(content):
            log.warning(f"{page.file.src_uri}: the page's content has {problem}, which no page may carry")
        try:
            return csp.apply(output, content=content)
        except ValueError as error:
            raise PluginError(f"{page.file.src_uri}: no Content-Security-Policy: {error}") from None

    @event_priority(LAST)
    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        """The same policy for theme pages that are not documentation pages (``404.html``)."""
        if not template_name.endswith(".html"):
            return output_content
        try:
            return csp.apply(output_content)
        except ValueError as error:
            raise PluginError(f"{template_name}: no Content-Security-Policy: {error}") from None

    # -----------------------------------------------------------------------------------------
    # on_post_build: the end of each language build (i18n builds the other languages from inside
    # the first build's on_post_build, at -100)
    # -----------------------------------------------------------------------------------------

    @event_priority(BEFORE_I18N)
    def _write_language_files(self, *, config: MkDocsConfig) -> None:
        """The feed, badges and export of the language just built."""
        if self.english is None:
            return
        outputs.write(Path(config.site_dir), self._renderer(config, site.current_language(config)))

    @event_priority(AFTER_I18N)
    def _rewrite_offline_search_index(self, *, config: MkDocsConfig) -> None:
        """The offline plugin wrote ``search_index.js`` at the end of the first language build,
        before the other languages existed: written again from the merged index."""
        offline = _offline_plugin(config)
        if offline is not None and not _i18n_building(config):
            offline.on_post_build(config=config)

    @event_priority(LAST)
    def _record_success(self, *, config: MkDocsConfig) -> None:
        if not _i18n_building(config):  # else the end of one nested language build only
            self.safe_build.completed()

    on_post_build = CombinedEvent(_write_language_files, _rewrite_offline_search_index, _record_success)

    # -----------------------------------------------------------------------------------------
    # The atlas's data in this build
    # -----------------------------------------------------------------------------------------

    def _localized(self, language: str) -> Dataset:
        assert self.english is not None
        return self.cache.localized(self.english, language, self.locales_dir)

    def _templates(self, config: MkDocsConfig, language: str) -> Templates:
        return self.cache.templates(config, language, self.locales_dir)

    def _renderer(self, config: MkDocsConfig, language: str) -> Renderer:
        """The pages of ``language``: its templates with its dataset."""
        return self._templates(config, language).renderer(self._localized(language))

    def _page_paths(self, config: MkDocsConfig) -> list[str]:
        """Every generated page, as its source path in the default language, in the order the
        default language renders them. That order is the site's: i18n places each page where
        its first file appears, and the default language's files are added first."""
        default = site.default_language(config)
        return inventory.page_paths(self._renderer(config, default))

    def pages(self, config: MkDocsConfig, language: str) -> dict[str, str]:
        """The generated pages of ``language`` (Markdown), by source path in the default
        language: rendered once per language build (only one language's pages are in memory at
        a time). Valid after ``on_config`` checked the data."""
        if language not in self.rendered:
            self.rendered.clear()
            self.rendered[language] = inventory.render_pages(self._renderer(config, language))
        return self.rendered[language]

    def _flag_if_stale(self, markdown: str, page: Page, config: MkDocsConfig) -> str:
        path = Path(page.file.abs_src_path or "")
        english = translated_pages.english_page(path, site.languages(config))
        if english is None or not english.is_file():
            return markdown
        if translated_pages.page_state(path, english).state != "stale":
            return markdown
        notice = self._templates(config, site.current_language(config)).stale_translation_notice()
        title, _newline, rest = markdown.partition("\n")
        if title.startswith("# "):
            return f"{title}\n\n{notice}{rest}"
        return f"{notice}{markdown}"

    def fill_markers(self, markdown: str, config: MkDocsConfig, *, language: str, src_uri: str) -> str:
        """``markdown`` with each ``<!-- atlas:… -->`` marker replaced by its block in
        ``language``; an unknown marker stops the build. Valid after ``on_config`` checked the
        data."""
        if "atlas:" not in markdown:
            return markdown
        renderer = self._renderer(config, language)

        def block(match: re.Match[str]) -> str:
            name = match.group(1)
            rendered = renderer.marker(name, src_uri=src_uri)
            if rendered is None:
                raise PluginError(f"{src_uri}: unknown marker <!-- atlas:{name} -->")
            return rendered

        return MARKER.sub(block, markdown)


# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _count(items: list, noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


def _inclusion(src_uri: str) -> InclusionLevel:
    """Index pages and pages outside ``NOT_IN_NAV_PREFIXES`` go in the navigation (any language)."""
    is_index = posixpath.basename(src_uri).split(".")[0] == "index"
    in_nav = is_index or not src_uri.startswith(NOT_IN_NAV_PREFIXES)
    return InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV


def _rank(item: object, order: list[str]) -> int:
    key = _nav_key(item)
    return order.index(key) if key in order else len(order)


def _nav_key(item: object) -> str:
    """``guides/`` for a section of generated guides, ``about.md`` for a page (any language)."""
    if isinstance(item, Section):
        pages = [child for child in item.children if isinstance(child, Page)]
        return (pages[0].file.src_uri.split("/")[0] + "/") if pages else ""
    if isinstance(item, Page):
        name = item.file.src_uri.split(".")[0]
        return f"{name}.md"
    return ""


def _offline_plugin(config: MkDocsConfig) -> Any:
    """Material's offline plugin, when this build has it enabled."""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return plugin if plugin is not None and plugin.config.enabled else None


def _i18n_building(config: MkDocsConfig) -> bool:
    """Whether the i18n plugin is inside its nested builds of the other languages."""
    return bool(getattr(config.plugins.get("i18n"), "building", False))
