"""The atlas as one MkDocs plugin (``plugins: atlas:`` in ``mkdocs.yml``, registered as the
``atlas`` entry point in ``pyproject.toml``).

Modules: ``plugin`` (``AtlasPlugin``, its events and their priorities), ``config`` (the options),
``site`` (the languages, and the cache of data, translations and renderers), ``outputs`` (feed,
badges, export), ``safe_build`` (the last good site survives a failed build). Everything else of
``optout_atlas`` is plain Python that knows nothing of MkDocs.

How a build runs: notes for maintainers
=======================================

The site is built by MkDocs with Material for MkDocs as the theme and mkdocs-static-i18n (the
*i18n plugin*) for the ten languages, in its ``suffix`` structure (``about.md``, ``about.de.md``).
The atlas plugin cooperates with both; this is what to know before changing its events.

**One build per language.** MkDocs builds the default language (English). At the end of that
build, in its ``on_post_build`` (priority -100), the i18n plugin sets its ``current_language``
to each other language in turn and calls ``mkdocs.commands.build.build`` again with the same
configuration object, writing into ``site_dir/<lang>/`` (it stops MkDocs cleaning ``site_dir``
meanwhile). So every build event (``on_config``, ``on_files``, ``on_nav``, ``on_env``, the page
events, ``on_post_build``) runs once per language, the other languages' builds nested inside the
English build's ``on_post_build``; ``i18n.building`` is true while they run. ``on_startup``,
``on_serve`` and ``on_shutdown`` run once per MkDocs command. Hence:

- work that must happen once per site runs in the outer build only (``_record_success``,
  ``_rewrite_offline_search_index`` check ``building``), or is cached so that the nested builds
  find it done (the data and catalog checks in ``on_config``; Material's compiled templates);
- per-language output (pages, feed, badges, export) is written in that language's build, and
  only that language's pages are rendered and held in memory;
- ``site.current_language`` is meaningful from ``on_files`` on; before the i18n plugin's
  ``on_config`` (-100) it may still name the previous language.

**Generated pages and i18n's ``on_files``.** At -100, the i18n plugin re-creates every File from
its source path, assigns it a language from its suffix, works out each page's alternates (the
language switcher, ``hreflang`` links, the sitemap) and drops files it cannot place in
``docs_dir``. A File added *before* it loses its content; one added *after* it is in no language
switcher and no sitemap. So the plugin's ``on_files`` has two handlers: before i18n (50) it adds
every generated page of *every* language with empty content and a source path that pretends to
be in ``docs_dir``; after it (-150) it renders the pages of the language being built and puts
their Markdown into the Files i18n made. Both the list of paths and the pages come from the
page inventory (``optout_atlas.inventory``: ``page_paths`` and ``render_pages``); the paths'
order is the default language's rendering order, which is where i18n places the pages.

**Navigation.** The i18n plugin builds each language's navigation in its ``on_nav`` (-100); the
plugin sorts its top level afterwards (``nav_order``) and names the generated sections in the
language. Guides, region pages and embeds are ``NOT_IN_NAV`` (linked from index pages): the
sidebar is in every page, so listing them would make the build quadratic in their number.

**Page context.** The i18n plugin's ``on_page_context`` (50) sets Material's language switcher
(``config.extra.alternate``) per page; the plugin makes its root-absolute links relative
afterwards, so the site works under any sub-path and from a file share.

**Search.** Material's search plugin writes ``search/search_index.json`` at the end of each
language build. The i18n plugin collects every language's entries and, after the last nested
build, writes one index for all languages, dropping the entries of pages that fell back to
English. Its way of finding those compares every entry with every other; the plugin replaces
that method in ``on_config`` with ``search_entries.drop_duplicates`` (same rule, a lookup
table), and stops the build if a new i18n release no longer has the method.

**Offline build** (``mkdocs.offline.yml``: everything of ``mkdocs.yml`` through ``INHERIT``,
plus Material's offline plugin). The offline plugin writes ``search/search_index.js`` in its
``on_post_build`` (-100) of the *first* build, before the other languages exist, so the plugin
writes it again after the i18n plugin merged the index (-150, outer build only). The offline
plugin also adds a polyfill from unpkg.com, which the plugin removes (no third-party requests).

**Content-Security-Policy.** ``overrides/main.html`` writes the policy with a placeholder; the
plugin fills it in at ``on_post_page``/``on_post_template`` after every other plugin (the HTML is
final), allowing the theme's inline scripts by hash (``optout_atlas.csp``).

**Safe build.** MkDocs empties ``site_dir`` before rendering. The plugin moves ``site_dir`` to a
staging directory in the first ``on_config`` (before every other plugin, so all write there),
records success at the very end of the outer ``on_post_build`` and publishes it in
``on_shutdown`` (``safe_build``). A failed, stopped or strict-mode-aborted build leaves the
previous site.

**Preview.** ``ATLAS_LANGUAGE=de`` switches off every language's ``build`` flag except the
default's and German's, in ``on_config`` before the i18n plugin reads them.

**Plugin objects and state.** MkDocs 1.6 keeps one object of a plugin that has an
``on_startup`` handler for the whole process (``mkdocs serve`` reloads the configuration at each
rebuild but reuses the object; the i18n plugin has none and is made anew). The atlas plugin has
one, so its ``SiteCache`` (data, translations, page templates, compiled templates, each keyed by what
makes it stale) serves every language build and every rebuild. Per-build state is reset where
each build starts: ``on_startup`` (the safe build), ``on_config`` (the checked dataset),
``on_files`` (the generated pages). Logging a data warning once per process is deliberate.

**Priorities**, all in ``plugin.py`` (``START``, ``BEFORE_I18N``, ``AFTER_I18N``, ``LAST``), with
why each event needs its own. Handlers of equal priority run in the order of ``plugins:``, so
the atlas plugin is listed after the i18n plugin.
"""

from optout_atlas.plugin.plugin import AtlasPlugin

__all__ = ["AtlasPlugin"]
