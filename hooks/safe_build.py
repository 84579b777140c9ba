"""Keep the last good site: ``mkdocs build`` writes into a staging directory, which replaces
``site_dir`` only when the whole build (every language) finished.

MkDocs empties ``site_dir`` before it renders anything, checks strict-mode warnings only at the
very end, and runs ``on_shutdown`` after an interrupted build as after a finished one; the i18n
plugin builds the other languages inside the first language's ``on_post_build``. So success is
recorded at one place only: the ``on_post_build`` of the outer build, after every other hook
(including the i18n plugin's nested builds and the hooks that finish the site). Whatever
happens after it (a strict-mode abort, a signal) clears it again. ``on_shutdown`` publishes
only a recorded success; everything else leaves the previous site and removes the staging
directory. The file-system work is in ``optout_atlas.publish``.

Events:

- ``on_startup`` runs once per MkDocs command: staging applies to ``mkdocs build`` only
  (``serve`` builds into a temporary directory of its own). SIGTERM and SIGHUP are turned into
  an orderly stop (by default they end the process on the spot, leaving the staging directory),
  and every signal is remembered, so that a build stopped at any moment is not published.
- ``on_config`` runs first in every language build. The first time, it takes the lock of the
  site (``site.lock``; a second build waits for the first, up to ``ATLAS_BUILD_LOCK_TIMEOUT``
  seconds), tidies what a killed build left, and points ``site_dir`` at ``<site_dir>.partial``
  (the i18n plugin's nested builds reuse the same config).
- ``on_post_build`` of the outer build, last: records that the whole site was written.
- ``on_build_error`` runs when any build step, or a nested language build, raises: the build
  failed. An ``OSError`` (a full disk, a file-size limit, no permission) becomes one line.
- ``on_shutdown`` runs once at the end of the command, with signals held back until it is done:
  it swaps the staging directory in on success and removes it otherwise, then releases the lock.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority

from optout_atlas import publish
from optout_atlas.fserrors import describe_os_error
from optout_atlas.problems import display_path

log = logging.getLogger("mkdocs.hooks.safe_build")

_state: dict[str, object] = {}
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


def on_startup(*, command: str, dirty: bool) -> None:
    _state.clear()
    _state["enabled"] = command == "build" and not dirty
    if _state["enabled"]:
        _catch_signals()


# Run first, so that every other plugin sees the staging directory.
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not _state.get("enabled"):
        return config
    if "target" not in _state:
        target = Path(config.site_dir)
        _state["target"] = target
        staging = _prepare(target)
        _state["staging"] = staging
    config.site_dir = str(_state["staging"])
    return config


# Last of all, after the i18n plugin (-100) built the other languages and the hooks that finish
# the whole site (-200).
@event_priority(-1000)
def on_post_build(*, config: MkDocsConfig) -> None:
    if not _state.get("enabled") or "staging" not in _state:
        return
    i18n = config.plugins.get("i18n")
    if getattr(i18n, "building", False):
        return  # the end of one nested language build, not of the whole site
    if not _state.get("failed") and not _state.get("signal"):
        _state["complete"] = True


# Last, so that every other handler of the event has run before this one raises.
@event_priority(-1000)
def on_build_error(*, error: Exception) -> None:
    _state["failed"] = True
    _state.pop("complete", None)
    if _state.get("enabled") and isinstance(error, OSError):
        raise Abort(_aborted(f"cannot write the site: {describe_os_error(error)}")) from None


def on_shutdown() -> None:
    _state["deferring"] = True  # a signal from now on is noted, and acted on once this is done
    try:
        _finish()
    finally:
        pending = _state.get("pending")
        _restore_signals()
        _state.clear()
    if isinstance(pending, int):
        _stop(pending)  # the site is whole (old or new) again: now stop as asked


# ---------------------------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------------------------


def _prepare(target: Path) -> Path:
    """Lock the site, tidy what a killed build left, and return the staging directory."""
    lock = publish.SiteLock(target)
    try:
        publish.check_target(target)
        timeout = publish.lock_timeout()
        lock.acquire(
            timeout,
            waiting=lambda holder: log.info(
                f"Waiting for another build of '{display_path(target)}' to finish ({holder} holds"
                f" '{display_path(lock.path)}'; up to {timeout:g} s, {publish.LOCK_TIMEOUT_VARIABLE})"
            ),
        )
        _state["lock"] = lock
        for action in publish.recover(target):
            log.info(f"Safe build: {action}.")
    except publish.PublishError as error:
        raise Abort(f"Aborted: {error}") from None
    except OSError as error:
        reason = describe_os_error(error)
        raise Abort(f"Aborted: cannot build into '{display_path(target)}': {reason}") from None
    return publish.staging_dir(target)


def _finish() -> None:
    """Publish a finished build, or discard an unfinished one; release the lock."""
    staging, target, lock = _state.get("staging"), _state.get("target"), _state.get("lock")
    if not isinstance(lock, publish.SiteLock) or not isinstance(staging, Path):
        return  # this build never took the lock: the staging directory may be another build's
    assert isinstance(target, Path)
    try:
        succeeded = (
            _state.get("complete")
            and not _state.get("failed")
            and not _state.get("signal")
            and sys.exc_info()[1] is None
            and staging.is_dir()
        )
        if succeeded:
            try:
                publish.swap_in(staging, target)
            except OSError as error:
                publish.discard(staging)
                raise Abort(
                    _aborted(f"cannot put the new site in place: {describe_os_error(error)}")
                ) from None
            return
        try:
            publish.discard(staging)
        except OSError as error:
            log.warning(f"Could not remove '{display_path(staging)}': {describe_os_error(error)}")
        if target.exists():
            reason = f"stopped by {_state['signal']}" if _state.get("signal") else "failed"
            log.warning(f"Build {reason}: kept the previous site in '{display_path(target)}'.")
    finally:
        lock.release()


def _aborted(reason: str) -> str:
    target = _state.get("target")
    kept = f"; the previous site in '{display_path(target)}' was kept" if isinstance(target, Path) else ""
    return f"Aborted: {reason}{kept}."


def _catch_signals() -> None:
    """Stop on SIGINT, SIGTERM and SIGHUP by raising in the main thread, so that ``on_shutdown``
    runs, and remember the signal, so that the build is not published."""
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set handlers; MkDocs run from a thread keeps its own
    previous = {number: signal.getsignal(number) for number in _SIGNALS}
    # An ignored signal stays ignored: `nohup mkdocs build` must survive a closed terminal.
    caught = {number: handler for number, handler in previous.items() if handler is not signal.SIG_IGN}
    for number in caught:
        signal.signal(number, _on_signal)
    _state["previous_handlers"] = caught


def _on_signal(number: int, frame) -> None:
    name = signal.Signals(number).name
    _state.setdefault("signal", name)
    _state.pop("complete", None)
    if _state.get("deferring"):
        _state["pending"] = number
        return
    _stop(number)


def _stop(number: int) -> None:
    if number == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + number)  # what a shell reports for a process ended by the signal


def _restore_signals() -> None:
    previous = _state.get("previous_handlers")
    if isinstance(previous, dict):
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
