"""Hand-written pages and their translations: which translation was made from which English.

A translated page (``docs/about.de.md``) records, in its front matter, a fingerprint of the
English page it was translated from (``docs/about.md``)::

    ---
    title: Wie wir die Fakten prüfen
    translated_from: 3f2a9c1b7d4e
    ---

When the English page changes, its fingerprint no longer matches: the translation is *stale*.
``optout-atlas translations`` lists stale pages, the site shows a notice on them (as it marks
data strings whose English changed), and ``optout-atlas translations --mark-translated PAGE``
records the current fingerprint once the translation has been brought up to date. A translated
page without a fingerprint is *untracked*, which ``translations --check`` rejects.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

KEY = "translated_from"
_SUFFIX = re.compile(r"^(?P<stem>.+)\.(?P<language>[a-z]{2,3}(?:-[A-Za-z]{2,4})?)\.md$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?---[ \t]*\n", re.DOTALL)
_RECORDED = re.compile(rf"^{KEY}:[ \t]*['\"]?(?P<value>[0-9a-f]+)['\"]?[ \t]*$", re.MULTILINE)


def fingerprint(text: str) -> str:
    """A short fingerprint of a page's text (line endings do not count)."""
    normalized = text.replace("\r\n", "\n").encode("utf-8")
    return hashlib.sha256(normalized).hexdigest()[:12]


def english_page(path: Path, languages: list[str]) -> Path | None:
    """``docs/about.md`` for ``docs/about.de.md``; None for a page that is not a translation."""
    match = _SUFFIX.match(path.name)
    if not match or match["language"] not in languages:
        return None
    return path.with_name(f"{match['stem']}.md")


def recorded(text: str) -> str | None:
    """The fingerprint a translated page's front matter records, if any."""
    front = _FRONT_MATTER.match(text)
    found = _RECORDED.search(front["body"] or "") if front else None
    return found["value"] if found else None


@dataclass(frozen=True)
class TranslatedPage:
    path: Path
    english: Path
    recorded: str | None
    current: str

    @property
    def state(self) -> str:
        """``current``, ``stale`` (the English page changed since) or ``untracked``."""
        if self.recorded is None:
            return "untracked"
        return "current" if self.recorded == self.current else "stale"


def page_state(path: Path, english: Path) -> TranslatedPage:
    return TranslatedPage(
        path,
        english,
        recorded(path.read_text(encoding="utf-8")),
        fingerprint(english.read_text(encoding="utf-8")),
    )


def translated_pages(docs_dir: Path, languages: list[str]) -> list[TranslatedPage]:
    """Every translated page under ``docs_dir`` whose English page exists."""
    pages = []
    for path in sorted(docs_dir.rglob("*.md")):
        english = english_page(path, languages)
        if english is not None and english.is_file():
            pages.append(page_state(path, english))
    return pages


def mark_translated(path: Path, english: Path) -> str:
    """Record the English page's current fingerprint in ``path``'s front matter; return it."""
    value = fingerprint(english.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    line = f"{KEY}: {value}\n"
    front = _FRONT_MATTER.match(text)
    if front is None:
        text = f"---\n{line}---\n\n{text}"
    elif _RECORDED.search(front["body"] or ""):
        body = _RECORDED.sub(line.rstrip("\n"), front["body"], count=1)
        text = f"---\n{body}---\n{text[front.end() :]}"
    else:
        text = f"---\n{front['body'] or ''}{line}---\n{text[front.end() :]}"
    path.write_text(text, encoding="utf-8")
    return value
