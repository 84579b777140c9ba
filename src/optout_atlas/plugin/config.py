"""The options of the atlas plugin, as ``mkdocs.yml`` gives them::

    plugins:
      atlas:
        data_dir: data
        locales_dir: locales
        nav_order: [index.md, guides/, compare.md, regions/, timeline.md, about.md]

MkDocs checks each option's type before the build starts. An option this plugin does not have
(a misspelt one) is an error too, whether or not the build is strict (see
``AtlasPlugin.load_config``).
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class AtlasConfig(Config):
    # The platform data (``platforms/``, ``schema/``, ``regions.yml``, ``categories.yml``),
    # relative to mkdocs.yml; it must exist.
    data_dir = c.Dir(exists=True, default="data")
    # The translation catalogs (``<language>/LC_MESSAGES/<domain>.po``), relative to mkdocs.yml.
    # A site without translations may have none.
    locales_dir = c.Dir(exists=False, default="locales")
    # The order of the navigation's top level, as source paths in the default language
    # (``guides/`` for a section); items not listed follow the listed ones in MkDocs' order.
    nav_order = c.ListOfItems(c.Type(str), default=[])
    # Whether anything is made from the data and the page templates: the data and catalog
    # checks, the generated pages, the blocks of ``<!-- atlas:… -->`` markers, the notices on
    # stale translations, the feeds, badges and JSON export. ``false``
    # builds ``docs/`` as it is, with the plugin's other work (safe build, navigation order,
    # language links, Content-Security-Policy, search and offline fixes): the build benchmark's
    # baseline, whose pages are written out as Markdown beforehand, is built that way.
    generate = c.Type(bool, default=True)
