"""What the plugin reads from the MkDocs configuration (the languages the i18n plugin builds),
and ``SiteCache``: the data, translations, page templates and compiled templates that a build shares
with the builds after it.

This and the rest of ``optout_atlas.plugin`` are the only modules of the package that know
about MkDocs.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jinja2
import jinja2.bccache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from optout_atlas import clock, translation
from optout_atlas.dataset import Dataset, cached_dataset
from optout_atlas.problems import DataError
from optout_atlas.render import Templates

log = logging.getLogger("mkdocs.plugins.atlas")

# ---------------------------------------------------------------------------------------------
# Languages (from mkdocs-static-i18n's configuration and state)
# ---------------------------------------------------------------------------------------------


def languages(config: MkDocsConfig) -> list[str]:
    """Every language the i18n plugin builds, the default language first."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return [config.theme.get("language", "en")]
    entries = [lang for lang in plugin.config.languages if lang.build and lang.locale != "null"]
    entries.sort(key=lambda lang: not lang.default)
    return [lang.locale for lang in entries]


def site_languages(config: MkDocsConfig) -> list[str]:
    """Every language of the site, whether this build renders it or not (a preview renders
    only some): the languages the data may give labels in."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return [config.theme.get("language", "en")]
    return [lang.locale for lang in plugin.config.languages if lang.locale != "null"]


def default_language(config: MkDocsConfig) -> str:
    return languages(config)[0]


def current_language(config: MkDocsConfig) -> str:
    """The language being built now (valid from ``on_files`` on, see the i18n plugin)."""
    plugin = config.plugins.get("i18n")
    return getattr(plugin, "current_language", None) or default_language(config)


def localized_uri(src_uri: str, language: str, default: str) -> str:
    """``guides/x.md`` in the suffix structure: ``guides/x.de.md`` for German."""
    if language == default:
        return src_uri
    stem, dot, suffix = src_uri.rpartition(".")
    return f"{stem}.{language}{dot}{suffix}"


def catalog_version(locales_dir: Path, language: str) -> tuple:
    """Modification time and size of the language's catalogs: part of the key of every cache
    that holds translations, so that ``mkdocs serve`` shows a saved ``.po`` file at the next
    rebuild."""
    version: list[tuple[int, int] | None] = []
    for domain in translation.DOMAINS:
        path = translation.catalog_path(locales_dir, language, domain)
        try:
            status = path.stat()
        except OSError:
            version.append(None)
        else:
            version.append((status.st_mtime_ns, status.st_size))
    return tuple(version)


# ---------------------------------------------------------------------------------------------
# The cache of one plugin object
# ---------------------------------------------------------------------------------------------


class SiteCache:
    """Data, translations, page templates and compiled templates, kept between builds.

    The plugin object holds one. MkDocs 1.6 keeps a plugin that has an ``on_startup`` handler
    for the life of the process (``mkdocs serve`` re-reads the configuration at each rebuild but
    reuses such plugin objects), so this cache lives as long as the process does: through the
    i18n plugin's language builds and the rebuilds of ``mkdocs serve``. Each entry is keyed by
    what would make it stale (the data's fingerprint, in ``cached_dataset``; each catalog's
    modification time and size; today's date; the templates' source checksum, in Jinja), so an
    edited file shows at the next rebuild.
    """

    def __init__(self) -> None:
        # The localised dataset of the language being built, for the current data. Each language
        # build reads only its own language, so one is kept: the languages of a large site do
        # not all stay in memory.
        self._localized: dict[tuple, Dataset] = {}
        self._localized_from: Dataset | None = None
        self._templates: dict[tuple, Templates] = {}
        self._bytecode: dict[tuple, _SharedBytecode] = {}

    def dataset(self, data_dir: Path, config: MkDocsConfig) -> Dataset:
        """The validated dataset; on bad data, log one line per problem and abort the build."""
        try:
            return cached_dataset(data_dir, today=clock.today(), languages=site_languages(config))
        except DataError as error:
            for problem in error.problems:
                (log.warning if problem.warning else log.error)(str(problem))
            count = sum(not problem.warning for problem in error.problems)
            raise Abort(
                f"Aborted: {count} problem{'s' if count != 1 else ''} in the data (listed above); "
                "the site directory was left as it was."
            ) from None

    def localized(self, english: Dataset, language: str, locales_dir: Path) -> Dataset:
        """The dataset in ``language``: translated strings, English marked where they are
        missing."""
        if language == translation.SOURCE_LANGUAGE:
            return english  # what translation.localize returns for it
        if self._localized_from is not english:
            self._localized.clear()
            self._localized_from = english
        key = (language, catalog_version(locales_dir, language))
        if key not in self._localized:
            self._localized.clear()
            self._localized[key] = translation.localize(english, language, locales_dir)
        return self._localized[key]

    def templates(self, config: MkDocsConfig, language: str, locales_dir: Path) -> Templates:
        """The page templates of ``language``, for today and this site's addresses."""
        today = clock.today()
        overrides = Path(config.theme.custom_dir or "overrides")
        key = (
            overrides,
            locales_dir,
            language,
            catalog_version(locales_dir, language),
            today,
            config.site_url,
            config.use_directory_urls,
        )
        if key not in self._templates:
            stale = [old for old in self._templates if old[:3] == key[:3]]  # older catalogs
            for old in stale:
                del self._templates[old]
            templates = Templates(
                overrides,
                language=language,
                today=today,
                locales_dir=locales_dir,
                site_url=config.site_url or "",
                default_language=default_language(config),
                directory_urls=config.use_directory_urls,
            )
            self.share_compiled_templates(templates.env)
            self._templates[key] = templates
        return self._templates[key]

    def share_compiled_templates(self, env: jinja2.Environment) -> None:
        """Give ``env`` the compiled templates of earlier environments configured like it (the
        settings that change the compiled code are part of the key).

        MkDocs makes a new Jinja environment for every build: the i18n plugin runs one build per
        language and ``mkdocs serve`` one per saved change, so Material's templates were parsed
        and compiled again each time (about 0.2 s a build on the CI machine)."""
        signature = (
            tuple(sorted(env.extensions)),
            getattr(env, "newstyle_gettext", None),
            env.autoescape,
            env.trim_blocks,
            env.lstrip_blocks,
            env.keep_trailing_newline,
            env.optimized,
            env.block_start_string,
            env.variable_start_string,
            env.comment_start_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.newline_sequence,
        )
        env.bytecode_cache = self._bytecode.setdefault(signature, _SharedBytecode())


class _SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates, shared by every environment of the same configuration. Their
    templates differ only in the translations looked up while rendering, so each is compiled
    once. A template whose source changed is compiled again (Jinja compares a checksum of the
    source)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()
