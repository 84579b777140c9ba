"""Where the URLs to check come from: the data, and optionally the built pages.

The data's URLs are the mechanisms' ``url`` and the sources' ``url`` and ``via``; each is
checked once however often it is written, and every place it is written is remembered (data
file and line, or built page) for the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from optout_atlas import REPOSITORY_URL
from optout_atlas.dataset import cited_urls, load_dataset
from optout_atlas.problems import display_path
from optout_atlas.tools.sitecheck import parse_html


@dataclass(frozen=True, order=True)
class Origin:
    """One place a URL is written: a line of a data file, or a built page (line 0)."""

    file: str
    line: int = 0
    platform: str = ""  # empty for a built page
    field: str = ""  # e.g. ``sources[3].via``

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}" if self.line else self.file


Origins = dict[str, list[Origin]]


def data_urls(data_dir: Path, *, today: dt.date) -> Origins:
    """Every URL in the data (mechanisms' ``url``, sources' ``url`` and ``via``) and where it is.

    The data is validated first: :class:`DataError` when it is not valid.
    """
    found: Origins = {}
    for cited in cited_urls(load_dataset(data_dir, today=today)):
        found.setdefault(cited.url, []).append(Origin(cited.file, cited.line, cited.platform, cited.field))
    return found


# The site's own links to its repository's issue forms ("This step looks different", one per
# way to opt out and language): they state no fact, and would be a thousand requests to GitHub.
OWN_ISSUE_FORMS = REPOSITORY_URL.rstrip("/") + "/issues/new?"


def site_urls(site_dir: Path) -> Origins:
    """Every external ``<a href>`` (http and https) of the built pages, and the pages using it,
    except the site's own issue forms."""
    found: Origins = {}
    for page in sorted(Path(site_dir).rglob("*.html")):
        for url in dict.fromkeys(parse_html(page).hyperlinks):
            if url.startswith(OWN_ISSUE_FORMS):
                continue
            if urlsplit(url).scheme.lower() in ("http", "https"):
                found.setdefault(url, []).append(Origin(display_path(page)))
    return found


def merge(*collections: Origins) -> Origins:
    """One entry per URL, with the places of every collection, in order."""
    merged: Origins = {}
    for collection in collections:
        for url, origins in collection.items():
            merged.setdefault(url, []).extend(origins)
    return merged
