"""Preview one language quickly: ``ATLAS_LANGUAGE=de mkdocs serve`` (or ``build``) builds the
default language, which every other one falls back to, and German only.

The i18n plugin's own ``build_only_locale`` makes the chosen language the default, which lets
untranslated English pages overwrite translated ones; switching the other languages' ``build``
flag off keeps every page where it belongs.

Events:

- ``on_config`` runs first in every build, before the i18n plugin reads its languages (-100).
"""

from __future__ import annotations

import os

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority

ENV_VAR = "ATLAS_LANGUAGE"

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


@event_priority(95)  # before the i18n plugin (-100) and the data hook (90)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    wanted = os.environ.get(ENV_VAR, "").strip()
    plugin = config.plugins.get("i18n")
    if not wanted or plugin is None:
        return config
    languages = plugin.config.languages
    known = [lang.locale for lang in languages]
    if wanted not in known:
        raise Abort(f"{ENV_VAR}={wanted!r} is not a site language; use one of: {', '.join(known)}")
    for lang in languages:
        lang.build = lang.default or lang.locale == wanted
    return config
