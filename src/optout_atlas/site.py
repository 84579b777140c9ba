"""Glue between MkDocs and the atlas, shared by the hooks in ``hooks/``.

This is the only module of the package that knows about MkDocs: where the data directory is,
which languages the i18n plugin builds, and how data problems become a clean MkDocs abort.
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
from optout_atlas.render import Renderer, Templates

log = logging.getLogger("mkdocs.hooks.atlas")


def project_dir(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _setting(config: MkDocsConfig, key: str, default: str) -> str:
    return (config.extra.get("atlas") or {}).get(key, default)


def data_dir(config: MkDocsConfig) -> Path:
    """``extra.atlas.data_dir`` (default ``data``), relative to ``mkdocs.yml``."""
    return project_dir(config) / _setting(config, "data_dir", "data")


def locales_dir(config: MkDocsConfig) -> Path:
    """``extra.atlas.locales_dir`` (default ``locales``), relative to ``mkdocs.yml``."""
    return project_dir(config) / _setting(config, "locales_dir", "locales")


def dataset(config: MkDocsConfig) -> Dataset:
    """The validated dataset; on bad data, log one line per problem and abort the build."""
    try:
        return cached_dataset(data_dir(config), today=clock.today(), languages=site_languages(config))
    except DataError as error:
        for problem in error.problems:
            (log.warning if problem.warning else log.error)(str(problem))
        count = sum(not problem.warning for problem in error.problems)
        raise Abort(
            f"Aborted: {count} problem{'s' if count != 1 else ''} in the data (listed above); "
            "the site directory was left as it was."
        ) from None


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


def catalog_version(config: MkDocsConfig, language: str) -> tuple:
    """Modification time and size of the language's catalogs: part of the key of every cache
    that holds translations, so that ``mkdocs serve`` shows a saved ``.po`` file at the next
    rebuild (the process, and this module's caches, live as long as the server)."""
    version = []
    for domain in translation.DOMAINS:
        path = translation.catalog_path(locales_dir(config), language, domain)
        try:
            status = path.stat()
        except OSError:
            version.append(None)
        else:
            version.append((status.st_mtime_ns, status.st_size))
    return tuple(version)


# The localised dataset of the language being built, for the current data version. Each language
# build reads only its own language (hooks/pages.py lists the other languages' pages without
# rendering them), so one is kept: the languages of a large site do not all stay in memory.
_localized: dict[tuple, Dataset] = {}
_localized_from: list[Dataset] = []


def localized(config: MkDocsConfig, language: str, *, english: Dataset | None = None) -> Dataset:
    """The dataset in ``language``: translated strings, English marked where they are missing.
    ``english``: the dataset, when the caller has just asked for it (saves checking the data
    files again)."""
    english = english or dataset(config)
    if language == translation.SOURCE_LANGUAGE:
        return english  # what translation.localize returns for it
    if not _localized_from or _localized_from[0] is not english:
        _localized.clear()
        _localized_from[:] = [english]
    key = (language, catalog_version(config, language))
    if key not in _localized:
        _localized.clear()
        _localized[key] = translation.localize(english, language, locales_dir(config))
    return _localized[key]


_templates: dict[tuple, Templates] = {}


class _SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates, kept for the life of the process and shared by every environment of
    the same configuration. MkDocs makes a new Jinja environment for every build, the i18n plugin
    runs one build per language and ``mkdocs serve`` one per change; the atlas makes a renderer per
    language. Their templates differ only in the translations looked up while rendering, so each
    is compiled once. A template whose source changed is compiled again (Jinja compares a
    checksum of the source)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_bytecode: dict[tuple, _SharedBytecode] = {}


def share_compiled_templates(env: jinja2.Environment) -> None:
    """Give ``env`` the compiled templates of earlier environments configured like it (the
    settings that change the compiled code are part of the key)."""
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
    env.bytecode_cache = _bytecode.setdefault(signature, _SharedBytecode())


def templates(config: MkDocsConfig, language: str) -> Templates:
    """The templates of ``language``, made once per configuration and catalog version."""
    today = clock.today()
    overrides = Path(config.theme.custom_dir or "overrides")
    key = (
        overrides,
        locales_dir(config),
        language,
        catalog_version(config, language),
        today,
        config.site_url,
        config.use_directory_urls,
    )
    if key not in _templates:
        stale = [old for old in _templates if old[:3] == key[:3]]  # this language's older catalogs
        for old in stale:
            del _templates[old]
        _templates[key] = Templates(
            key[0],
            language=language,
            today=today,
            locales_dir=key[1],
            site_url=config.site_url or "",
            default_language=default_language(config),
            directory_urls=config.use_directory_urls,
        )
        share_compiled_templates(_templates[key].env)
    return _templates[key]


def renderer(config: MkDocsConfig, language: str, dataset: Dataset | None = None) -> Renderer:
    """The pages of ``dataset`` (default: the dataset in ``language``) in ``language``."""
    return templates(config, language).renderer(dataset or localized(config, language))
