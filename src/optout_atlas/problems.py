"""Problems found in the data, reported one line each as ``file:line:col: field: message``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one data file. A ``warning`` is something a reviewer
    should look at (an address that may be a lookalike): printed, but fatal only where warnings
    are (``validate --strict``, a strict build)."""

    file: str
    line: int
    column: int
    field: str
    message: str
    warning: bool = dataclass_field(default=False, compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        message = f"warning: {self.message}" if self.warning else self.message
        return f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"

    def github_annotation(self) -> str:
        """The same problem as a GitHub Actions workflow command, shown on the changed line."""
        message = f"{self.field}: {self.message}" if self.field else self.message
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        kind = "warning" if self.warning else "error"
        return f"::{kind} file={self.file},line={self.line},col={self.column}::{message}"


class DataError(Exception):
    """Raised when the data cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data")

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def display_path(path: Path) -> str:
    """A path as the reader will recognise it: relative to the working directory when inside it."""
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return path.as_posix() if relative.parts[:1] == ("..",) else relative.as_posix()
