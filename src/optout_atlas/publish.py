"""Publishing a built site: one build at a time, and ``site/`` replaced whole or not at all.

The build writes into a staging folder beside the site (``site.partial``). Only a build that
finished puts it in place of ``site/``; anything else (an error, Ctrl-C, a signal, a full
disk) removes the staging folder and leaves the previous site as it was. This module is the
part that knows nothing of MkDocs (``optout_atlas.plugin.safe_build`` is the other):

- :class:`SiteLock` serialises builds of one site with ``flock`` on ``site.lock``. The
  kernel releases the lock when its process ends, however it ends, so the lock file left by a
  killed build blocks nobody; the file itself is never deleted (deleting a lock file that
  another process has open and waits on would let a third one take a second lock).
- :func:`swap_in` replaces the site with the staging folder in one step where the file system
  allows it (Linux's ``renameat2`` with ``RENAME_EXCHANGE``: at every moment ``site/`` is
  either the whole old site or the whole new one), otherwise with two renames and the old site
  put back if the second one fails.
- :func:`recover` tidies what a killed build left: a staging folder, or a site that was moved
  aside for the second rename and never replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from optout_atlas.problems import display_path

try:
    import fcntl
except ImportError:  # Windows: builds there are not serialised (serve and build still work)
    fcntl = None  # type: ignore[assignment]

LOCK_TIMEOUT_VARIABLE = "ATLAS_BUILD_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 600.0  # seconds: longer than any build of the whole site


def staging_dir(target: Path) -> Path:
    return target.with_name(target.name + ".partial")


def previous_dir(target: Path) -> Path:
    return target.with_name(target.name + ".previous")


def lock_file(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


class PublishError(Exception):
    """A reason not to build or not to publish, worded for the person who started the build."""


# --------------------------------------------------------------------------------------------
# One build at a time
# --------------------------------------------------------------------------------------------


def lock_timeout(environ: dict[str, str] | None = None) -> float:
    """Seconds to wait for another build: ``ATLAS_BUILD_LOCK_TIMEOUT``, else 600."""
    text = (os.environ if environ is None else environ).get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise PublishError(
            f"{LOCK_TIMEOUT_VARIABLE}={text!r} is not valid: give a number of seconds (0 or more)"
        )
    return seconds


class SiteLock:
    """An exclusive ``flock`` on ``<site>.lock``, held from before the staging folder is touched
    until the site is published or the staging folder removed."""

    def __init__(self, target: Path):
        self.target = target
        self.path = lock_file(target)
        self._descriptor: int | None = None

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def acquire(
        self,
        timeout: float,
        *,
        poll: float = 0.1,
        waiting: Callable[[str], object] = lambda holder: None,
    ) -> None:
        """Take the lock, waiting up to ``timeout`` seconds for the build that holds it.

        ``waiting`` is called once, with a description of the holder, when the lock is taken.
        Raises :class:`PublishError` when the wait is over, ``OSError`` when the lock file
        cannot be opened (an unwritable folder, a path through a file).
        """
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        if fcntl is None:
            self._descriptor = descriptor
            return
        deadline = time.monotonic() + timeout
        told = False
        try:
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    holder = self._holder(descriptor)
                    if time.monotonic() >= deadline:
                        raise PublishError(
                            f"another build of '{display_path(self.target)}' is still running ({holder}"
                            f" holds '{display_path(self.path)}'); gave up after {timeout:g} s"
                            f" (set {LOCK_TIMEOUT_VARIABLE} to wait longer)"
                        ) from None
                    if not told:
                        waiting(holder)
                        told = True
                    time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
        except BaseException:
            os.close(descriptor)
            raise
        # Who holds it, for the message of a build that waits: this process, since now.
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()} {time.strftime('%H:%M:%S')}\n".encode(), 0)
        self._descriptor = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._descriptor, 0)
            os.close(self._descriptor)  # closing the last descriptor releases the flock
            self._descriptor = None

    @staticmethod
    def _holder(descriptor: int) -> str:
        try:
            pid, since = os.pread(descriptor, 64, 0).decode("ascii").split()
        except (OSError, UnicodeDecodeError, ValueError):
            return "a build"
        return f"process {pid}, since {since},"


# --------------------------------------------------------------------------------------------
# Replacing the site
# --------------------------------------------------------------------------------------------


def check_target(target: Path) -> None:
    """Refuse a site folder that a build could not replace whole; create its parent folder.

    Raises :class:`PublishError` for a link or a file where the folder should be, and
    ``OSError`` when the parent cannot be created (a file in the path, no permission).
    """
    if target.is_symlink():
        raise PublishError(
            f"'{display_path(target)}' is a symbolic link: a build replaces the site folder whole;"
            " give the real folder (mkdocs build -d …)"
        )
    if target.exists() and not target.is_dir():
        raise PublishError(
            f"'{display_path(target)}' is a file, not a folder: give the folder to build into"
            " (mkdocs build -d …)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)


def recover(target: Path) -> list[str]:
    """Tidy what a killed build left next to ``target``; return what was done, to be logged.

    Call it with the lock held: no other build is using the staging folder then.
    """
    done = []
    staging, previous = staging_dir(target), previous_dir(target)
    if not target.exists() and previous.is_dir():
        previous.rename(target)
        done.append(f"put back the site that an interrupted build had moved to '{display_path(previous)}'")
    if staging.exists() or staging.is_symlink():
        _remove(staging)
        done.append(f"removed '{display_path(staging)}', left by an interrupted build")
    if previous.exists() or previous.is_symlink():
        _remove(previous)
    return done


def swap_in(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target`` and remove the old site.

    ``target`` is never missing for a moment when the kernel can exchange the two folders in one
    step; otherwise it is missing only between two renames, and put back if the second fails.
    """
    if target.is_dir() and _exchange(staging, target):
        _remove(staging)  # the old site, now under the staging name
        return
    previous = previous_dir(target)
    if previous.exists():
        _remove(previous)
    moved = False
    if target.exists():
        target.rename(previous)
        moved = True
    try:
        staging.rename(target)
    except BaseException:
        if moved:
            previous.rename(target)
        raise
    if moved:
        _remove(previous)


def discard(staging: Path) -> None:
    """Remove the staging folder of a build that did not finish."""
    if staging.exists() or staging.is_symlink():
        _remove(staging)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically with ``renameat2(RENAME_EXCHANGE)``; False where the system or
    the file system cannot (not Linux, an old C library, a file system without it)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(first), None, os.fspath(second))
