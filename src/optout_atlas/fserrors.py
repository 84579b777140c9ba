"""File-system errors as the one line a person can act on: what failed, on which path, and the
likely cause in plain words (a full disk, a size limit, a file where a folder should be)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from optout_atlas.problems import display_path

_HINTS = {
    errno.EACCES: "no permission",
    errno.EPERM: "no permission",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a limit on the size of files was reached: ulimit -f",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "a folder is where a file should go",
    errno.EEXIST: "a file is where a folder should go",
    errno.EMFILE: "too many open files: ulimit -n",
    errno.ENAMETOOLONG: "a path is too long",
}


def describe_os_error(error: OSError) -> str:
    """``No space left on device: 'site.partial/de/index.html' (the disk is full)``: one line."""
    text = error.strerror or str(error) or type(error).__name__
    paths = [p for p in (error.filename, error.filename2) if p is not None]
    if paths:
        text += ": " + " → ".join(f"'{display_path(Path(os.fsdecode(p)))}'" for p in paths)
    hint = _HINTS.get(error.errno) if error.errno is not None else None
    if hint:
        text += f" ({hint})"
    return " ".join(text.split())
