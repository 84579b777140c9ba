"""Keep the last good site: ``mkdocs build`` writes into a staging directory, which replaces
``site_dir`` only when the whole build (every language) finished.

MkDocs empties ``site_dir`` before it renders anything, checks strict-mode warnings only at the
very end, and runs ``on_shutdown`` after an interrupted build as after a finished one; the i18n
plugin builds the other languages inside the first language's ``on_post_build``. So success is
recorded at one place only: the ``on_post_build`` of the outer build, after every other handler
(including the i18n plugin's nested builds and the plugin's work that finishes the site).
Whatever happens after it (a strict-mode abort, a signal) clears it again. ``on_shutdown``
publishes only a recorded success; everything else leaves the previous site and removes the
staging directory. The file-system work is in ``optout_atlas.publish``.

``AtlasPlugin`` makes one ``SafeBuild`` per MkDocs command (in ``on_startup``) and calls it:

- ``start`` (``on_startup``): staging applies to ``mkdocs build`` only (``serve`` builds into a
  temporary directory of its own). SIGTERM and SIGHUP are turned into an orderly stop (by
  default they end the process on the spot, leaving the staging directory), and every signal is
  remembered, so that a build stopped at any moment is not published.
- ``stage`` (first in every language build's ``on_config``): the first time, it takes the lock
  of the site (``site.lock``; a second build waits for the first, up to
  ``ATLAS_BUILD_LOCK_TIMEOUT`` seconds), tidies what a killed build left, and points ``site_dir``
  at ``<site_dir>.partial`` (the i18n plugin's nested builds reuse the same config).
- ``completed`` (the outer build's ``on_post_build``, last): the whole site was written.
- ``failed`` (``on_build_error``, last): any build step, or a nested language build, raised. An
  ``OSError`` (a full disk, a file-size limit, no permission) becomes one line.
- ``finish`` (``on_shutdown``, with signals held back until it is done): swaps the staging
  directory in on success and removes it otherwise, then releases the lock.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from optout_atlas import publish
from optout_atlas.fserrors import describe_os_error
from optout_atlas.problems import display_path

log = logging.getLogger("mkdocs.plugins.atlas.safe_build")

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class SafeBuild:
    """The safe build of one MkDocs command."""

    def __init__(self, *, enabled: bool = False) -> None:
        self.enabled = enabled
        self.target: Path | None = None  # the site directory asked for
        self.staging: Path | None = None  # where this build writes instead
        self.lock: publish.SiteLock | None = None
        self.complete = False  # every language was written
        self.has_failed = False
        self.signal: str | None = None  # the name of the signal that stopped the build
        self.deferring = False  # while finishing: a signal is noted, and acted on afterwards
        self.pending: int | None = None
        self.previous_handlers: dict[int, Any] = {}

    def start(self) -> None:
        if self.enabled:
            self._catch_signals()

    def stage(self, config: MkDocsConfig) -> None:
        """Point ``site_dir`` at the staging directory (locking the site the first time)."""
        if not self.enabled:
            return
        if self.target is None:
            self.target = Path(config.site_dir)
            self.staging = self._prepare(self.target)
        config.site_dir = str(self.staging)

    def completed(self) -> None:
        if self.enabled and self.staging is not None and not self.has_failed and not self.signal:
            self.complete = True

    def failed(self, error: Exception) -> None:
        self.has_failed = True
        self.complete = False
        if self.enabled and isinstance(error, OSError):
            raise Abort(self._aborted(f"cannot write the site: {describe_os_error(error)}")) from None

    def finish(self) -> None:
        self.deferring = True  # a signal from now on is noted, and acted on once this is done
        try:
            self._publish_or_discard()
        finally:
            pending = self.pending
            # A build stopped by a signal is on its way out: a further Ctrl+C while Python exits
            # would otherwise print a KeyboardInterrupt traceback from some finaliser.
            self._restore_signals(quietly=self.signal is not None)
        if pending is not None:
            _stop(pending)  # the site is whole (old or new) again: now stop as asked

    # -----------------------------------------------------------------------------------------

    def _prepare(self, target: Path) -> Path:
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
            self.lock = lock
            for action in publish.recover(target):
                log.info(f"Safe build: {action}.")
        except publish.PublishError as error:
            raise Abort(f"Aborted: {error}") from None
        except OSError as error:
            reason = describe_os_error(error)
            raise Abort(f"Aborted: cannot build into '{display_path(target)}': {reason}") from None
        return publish.staging_dir(target)

    def _publish_or_discard(self) -> None:
        """Publish a finished build, or discard an unfinished one; release the lock."""
        staging, target, lock = self.staging, self.target, self.lock
        if lock is None or staging is None or target is None:
            return  # this build never took the lock: the staging directory may be another build's
        try:
            succeeded = (
                self.complete
                and not self.has_failed
                and not self.signal
                and sys.exc_info()[1] is None
                and staging.is_dir()
            )
            if succeeded:
                try:
                    publish.swap_in(staging, target)
                except OSError as error:
                    publish.discard(staging)
                    raise Abort(
                        self._aborted(f"cannot put the new site in place: {describe_os_error(error)}")
                    ) from None
                return
            try:
                publish.discard(staging)
            except OSError as error:
                log.warning(f"Could not remove '{display_path(staging)}': {describe_os_error(error)}")
            if target.exists():
                reason = f"stopped by {self.signal}" if self.signal else "failed"
                log.warning(f"Build {reason}: kept the previous site in '{display_path(target)}'.")
        finally:
            lock.release()

    def _aborted(self, reason: str) -> str:
        kept = f"; the previous site in '{display_path(self.target)}' was kept" if self.target else ""
        return f"Aborted: {reason}{kept}."

    def _catch_signals(self) -> None:
        """Stop on SIGINT, SIGTERM and SIGHUP by raising in the main thread, so that
        ``on_shutdown`` runs, and remember the signal, so that the build is not published."""
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers; MkDocs run from a thread keeps its own
        previous = {number: signal.getsignal(number) for number in SIGNALS}
        # An ignored signal stays ignored: `nohup mkdocs build` must survive a closed terminal.
        caught = {number: handler for number, handler in previous.items() if handler is not signal.SIG_IGN}
        for number in caught:
            signal.signal(number, self._on_signal)
        self.previous_handlers = caught

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        if self.signal is None:
            self.signal = signal.Signals(number).name
        self.complete = False
        if self.deferring:
            self.pending = number
            return
        _stop(number)

    def _restore_signals(self, *, quietly: bool = False) -> None:
        """Give the signals back their handlers; ``quietly``: their default action instead (the
        process ends at once, as a shell reports it, with nothing printed)."""
        for number, handler in self.previous_handlers.items():
            signal.signal(number, signal.SIG_DFL if handler is None or quietly else handler)
        self.previous_handlers = {}


def _stop(number: int) -> None:
    if number == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + number)  # what a shell reports for a process ended by the signal
