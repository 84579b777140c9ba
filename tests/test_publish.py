"""Publishing a built site without MkDocs: the lock, the swap, the tidying after a killed build,
and the one-line messages for file-system errors (``fserrors``). The real builds are in
test_safe_build.py."""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from pathlib import Path

import pytest

from optout_atlas import publish
from optout_atlas.fserrors import describe_os_error


def make_site(path: Path, marker: str) -> Path:
    (path / "guides").mkdir(parents=True)
    (path / "index.html").write_text(marker)
    (path / "guides" / "index.html").write_text(marker)
    return path


def files(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): p.read_text() for p in sorted(path.rglob("*")) if p.is_file()}


# -------------------------------------------------------------------------------------------
# ATLAS_BUILD_LOCK_TIMEOUT
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(None, 600.0), ("", 600.0), ("  ", 600.0), ("0", 0.0), ("2.5", 2.5), (" 30 ", 30.0)],
    ids=["unset", "empty", "blank", "zero", "fraction", "spaces"],
)
def test_lock_timeout_from_the_environment(value, seconds):
    environ = {} if value is None else {publish.LOCK_TIMEOUT_VARIABLE: value}
    assert publish.lock_timeout(environ) == seconds


@pytest.mark.parametrize("value", ["ten", "-1", "inf", "nan", "1e999", "5s"])
def test_a_bad_lock_timeout_is_one_clear_line(value):
    with pytest.raises(publish.PublishError) as caught:
        publish.lock_timeout({publish.LOCK_TIMEOUT_VARIABLE: value})
    assert str(caught.value) == (
        f"ATLAS_BUILD_LOCK_TIMEOUT={value!r} is not valid: give a number of seconds (0 or more)"
    )


# -------------------------------------------------------------------------------------------
# The lock
# -------------------------------------------------------------------------------------------


def test_a_held_lock_makes_the_second_build_give_up_after_its_timeout(tmp_path):
    first, second = publish.SiteLock(tmp_path / "site"), publish.SiteLock(tmp_path / "site")
    first.acquire(0)
    waited = []
    start = time.monotonic()
    with pytest.raises(publish.PublishError) as caught:
        second.acquire(0.3, waiting=waited.append)
    assert 0.3 <= time.monotonic() - start < 2
    message = str(caught.value)
    assert message.startswith(
        f"another build of '{tmp_path / 'site'}' is still running (process {os.getpid()}, since "
    )
    assert message.endswith("gave up after 0.3 s (set ATLAS_BUILD_LOCK_TIMEOUT to wait longer)")
    assert len(waited) == 1 and waited[0].startswith(f"process {os.getpid()}")
    assert not second.held
    first.release()


def test_the_second_build_goes_on_when_the_first_releases_the_lock(tmp_path):
    first, second = publish.SiteLock(tmp_path / "site"), publish.SiteLock(tmp_path / "site")
    first.acquire(0)
    threading.Timer(0.3, first.release).start()
    second.acquire(10)
    assert second.held
    second.release()


def test_a_lock_file_left_behind_blocks_nobody(tmp_path):
    # What a killed build leaves: the file, with the dead process's number in it, but no lock.
    (tmp_path / "site.lock").write_text("999999 03:00:00\n")
    lock = publish.SiteLock(tmp_path / "site")
    lock.acquire(0)
    assert (tmp_path / "site.lock").read_text().split()[0] == str(os.getpid())
    lock.release()
    assert (tmp_path / "site.lock").exists()  # never deleted: see the module's notes


def test_the_lock_is_a_real_flock_that_other_processes_see(tmp_path):
    lock = publish.SiteLock(tmp_path / "site")
    lock.acquire(0)
    with open(tmp_path / "site.lock", "rb") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    lock.release()
    with open(tmp_path / "site.lock", "rb") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_lock_in_a_folder_under_a_file_is_an_os_error(tmp_path):
    (tmp_path / "README.md").write_text("x")
    with pytest.raises(NotADirectoryError):
        publish.SiteLock(tmp_path / "README.md" / "site").acquire(0)


# -------------------------------------------------------------------------------------------
# The site folder, the swap and the tidying
# -------------------------------------------------------------------------------------------


def test_a_target_that_is_a_file_or_a_link_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(publish.PublishError, match="is a file, not a folder"):
        publish.check_target(tmp_path / "file")
    with pytest.raises(publish.PublishError, match="is a symbolic link"):
        publish.check_target(tmp_path / "link")
    with pytest.raises(OSError):
        publish.check_target(tmp_path / "file" / "site")
    publish.check_target(tmp_path / "new" / "deeper" / "site")
    assert (tmp_path / "new" / "deeper").is_dir()


@pytest.mark.parametrize("exchange", [True, False], ids=["exchanged-in-one-step", "two-renames"])
def test_the_new_site_replaces_the_old_one_whole(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(publish, "_exchange", lambda first, second: False)
    target = make_site(tmp_path / "site", "old")
    (target / "gone.html").write_text("old only")
    staging = make_site(tmp_path / "site.partial", "new")
    publish.swap_in(staging, target)
    assert files(target) == {"guides/index.html": "new", "index.html": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_first_site_is_put_in_place(tmp_path):
    staging = make_site(tmp_path / "site.partial", "new")
    publish.swap_in(staging, tmp_path / "site")
    assert files(tmp_path / "site")["index.html"] == "new"
    assert not staging.exists()


def test_a_failed_second_rename_puts_the_old_site_back(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda first, second: False)
    target = make_site(tmp_path / "site", "old")
    staging = make_site(tmp_path / "site.partial", "new")
    real_rename = Path.rename

    def failing(self, destination):
        if self == staging:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_rename(self, destination)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError):
        publish.swap_in(staging, target)
    assert files(target)["index.html"] == "old"
    assert not (tmp_path / "site.previous").exists()


def test_the_exchange_is_used_on_linux(tmp_path):
    if not publish._exchange(make_site(tmp_path / "a", "a"), make_site(tmp_path / "b", "b")):
        pytest.skip("this system or file system cannot exchange two folders in one step")
    assert files(tmp_path / "a")["index.html"] == "b" and files(tmp_path / "b")["index.html"] == "a"


RECOVERIES = {
    "staging-left-by-a-killed-build": (("site", "site.partial"), ["site"], "removed"),
    "killed-between-the-two-renames": (("site.previous", "site.partial"), ["site"], "put back the site"),
    "old-site-not-yet-removed": (("site", "site.previous"), ["site"], None),
    "nothing-to-do": (("site",), ["site"], None),
    "no-site-yet": ((), [], None),
}


@pytest.mark.parametrize(("present", "after", "said"), RECOVERIES.values(), ids=RECOVERIES.keys())
def test_recover_tidies_what_a_killed_build_left(tmp_path, present, after, said):
    for name in present:
        make_site(tmp_path / name, "old" if name != "site.partial" else "half")
    done = publish.recover(tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == after
    if "site" in after:
        assert files(tmp_path / "site")["index.html"] == "old"
    assert (said is None and done == []) or any(said in line for line in done)


# -------------------------------------------------------------------------------------------
# One line per file-system error
# -------------------------------------------------------------------------------------------

OS_ERRORS = {
    "disk-full": (
        OSError(errno.ENOSPC, "No space left on device", "site.partial/de/index.html"),
        "No space left on device: 'site.partial/de/index.html' (the disk is full)",
    ),
    "file-size-limit": (
        OSError(errno.EFBIG, "File too large", "site.partial/search/search_index.json"),
        "File too large: 'site.partial/search/search_index.json' (a limit on the size of files was reached: ulimit -f)",
    ),
    "no-permission": (
        PermissionError(errno.EACCES, "Permission denied", "/srv/www/site.lock"),
        "Permission denied: '/srv/www/site.lock' (no permission)",
    ),
    "read-only-file-system": (
        OSError(errno.EROFS, "Read-only file system", "/mnt/ro/site.partial"),
        "Read-only file system: '/mnt/ro/site.partial' (the file system is read-only)",
    ),
    "path-under-a-file": (
        NotADirectoryError(errno.ENOTDIR, "Not a directory", "README.md/site"),
        "Not a directory: 'README.md/site' (a part of the path is a file, not a folder)",
    ),
    "folder-where-a-file-goes": (
        IsADirectoryError(errno.EISDIR, "Is a directory", "site.partial/about/index.html"),
        "Is a directory: 'site.partial/about/index.html' (a folder is where a file should go)",
    ),
    "copy-with-two-paths": (
        OSError(errno.EDQUOT, "Disk quota exceeded", "docs/a.png", None, "site.partial/a.png"),
        "Disk quota exceeded: 'docs/a.png' → 'site.partial/a.png' (the disk quota is used up)",
    ),
    "newline-in-a-file-name": (
        OSError(errno.ENOSPC, "No space left on device", "site.partial/a\nb"),
        "No space left on device: 'site.partial/a b' (the disk is full)",
    ),
    "no-errno": (OSError("something odd"), "something odd"),
}


@pytest.mark.parametrize(("error", "expected"), OS_ERRORS.values(), ids=OS_ERRORS.keys())
def test_os_errors_are_one_line(error, expected):
    assert describe_os_error(error) == expected
