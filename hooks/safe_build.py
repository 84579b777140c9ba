"""Keep the last good site: ``mkdocs build`` writes into a staging directory, which replaces
``site_dir`` only when the whole build (every language) succeeded.

MkDocs empties ``site_dir`` before it renders anything and checks strict-mode warnings only at
the very end, so without this a failed build would leave a broken or half-written site.

Events:

- ``on_startup`` runs once per MkDocs command: staging applies to ``mkdocs build`` only
  (``serve`` builds into a temporary directory of its own).
- ``on_config`` runs first in every language build: it points ``site_dir`` at
  ``<site_dir>.partial`` (once; the i18n plugin's nested builds reuse the same config).
- ``on_build_error`` runs when any build step, or a nested language build, raises.
- ``on_shutdown`` runs once at the end of the command: it swaps the staging directory in on
  success and removes it on failure.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.safe_build")

_state: dict[str, object] = {}

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


def on_startup(*, command: str, dirty: bool) -> None:
    _state.clear()
    _state["enabled"] = command == "build" and not dirty


# Run first, so that every other plugin sees the staging directory.
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not _state.get("enabled"):
        return config
    if "target" not in _state:
        target = Path(config.site_dir)
        staging = target.with_name(target.name + ".partial")
        if staging.exists():
            shutil.rmtree(staging)
        _state.update(target=target, staging=staging)
        config.site_dir = str(staging)
    return config


def on_build_error(*, error: Exception) -> None:
    _state["failed"] = True


def on_shutdown() -> None:
    staging, target = _state.get("staging"), _state.get("target")
    if not isinstance(staging, Path) or not isinstance(target, Path):
        return
    if _state.get("failed") or not staging.is_dir():
        shutil.rmtree(staging, ignore_errors=True)
        if target.exists():
            log.warning(f"Build failed: kept the previous site in '{target}'.")
        return
    previous = target.with_name(target.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
    _state.clear()
