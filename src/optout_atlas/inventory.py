"""The inventory of what the build makes from the data: one table, :data:`KINDS`, with a row
per kind of page or file.

Each kind says which subjects it has in a dataset (every platform, every region, or one), the
path of each subject's page, and how to render it. Everything that needs to know the generated
pages reads this table:

- :func:`page_paths`: the source path of every Markdown page, which the i18n plugin must know
  before any page is rendered (to place each page in every language);
- :func:`render_pages`: the pages themselves, rendered in one language;
- :func:`render_files`: the files written into the built site after the pages (badges, the
  feed, the JSON export), by path relative to the site's root.

Order: the kinds are walked in the table's order, and consecutive kinds with the same subjects
are walked together, subject by subject (a platform's guide, then its embed page, then the next
platform's guide). i18n places each page where its first file appears, so this order is the
order of the sitemap.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from optout_atlas import badges, export, feeds, gcpause, views
from optout_atlas.model import Platform
from optout_atlas.render import Renderer

Subjects = Callable[[Renderer], Sequence[Any]]


@dataclass(frozen=True)
class PageKind:
    """One kind of page (``output`` false: a Markdown page of the site, in every language) or
    of file (``output`` true: written into the built site, at a path relative to its root)."""

    name: str
    subjects: Subjects
    path: Callable[[Renderer, Any], str]
    render: Callable[[Renderer, Any], str]
    output: bool = False


# Subjects ------------------------------------------------------------------------------------


def once(renderer: Renderer) -> Sequence[None]:
    """A kind with one page per language."""
    return (None,)


def platforms(renderer: Renderer) -> Sequence[Platform]:
    return renderer.dataset.platforms


def regions(renderer: Renderer) -> Sequence[str]:
    """Every region the data names, in the order of the regions index."""
    return [code for code, _name in renderer.region_links()]


def badge_subjects(renderer: Renderer) -> Sequence[tuple[Platform, str | None]]:
    """A badge per platform, and one per region its data gives a default for."""
    subjects: list[tuple[Platform, str | None]] = []
    for platform in renderer.dataset.platforms:
        subjects.append((platform, None))
        subjects += [(platform, code) for code in views.region_codes([platform], defaults_only=True)]
    return subjects


def export_schema(renderer: Renderer) -> Sequence[tuple[int, dict[str, Any]]]:
    """Each export version's JSON Schema: one per version for the site, written with the
    default language."""
    if not _is_default(renderer):
        return ()
    schema_dir = renderer.dataset.data_dir / "schema"
    return tuple((version, export.export_schema(schema_dir, version)) for version in export.EXPORT_VERSIONS)


def export_documents(renderer: Renderer) -> Sequence[tuple[int, str, dict[str, Any]]]:
    """For each export version, the whole export and each platform's part of it, by name under
    the language's folder."""
    documents: list[tuple[int, str, dict[str, Any]]] = []
    for version in export.EXPORT_VERSIONS:
        whole = export.export_document(renderer.dataset, generated=renderer.templates.today, version=version)
        documents.append((version, "data.json", whole))
        documents += [
            (version, f"platforms/{platform_id}.json", document)
            for platform_id, document in export.platform_documents(whole)
        ]
    return documents


# Paths of files ------------------------------------------------------------------------------


def export_dir(version: int) -> str:
    return f"api/v{version}/"


def _is_default(renderer: Renderer) -> bool:
    return renderer.language == renderer.templates.default_language


def _language_dir(renderer: Renderer) -> str:
    """The folder of a language's site: the root for the default language."""
    return "" if _is_default(renderer) else f"{renderer.language}/"


def _badge_path(renderer: Renderer, subject: tuple[Platform, str | None]) -> str:
    platform, region = subject
    name = f"{platform.id}.svg" if region is None else f"{platform.id}/{region.lower()}.svg"
    return f"{_language_dir(renderer)}badges/{name}"


def _export_path(renderer: Renderer, subject: tuple[int, str, dict[str, Any]]) -> str:
    version, name, _document = subject
    return f"{export_dir(version)}{_language_dir(renderer)}{name}"


# The table -----------------------------------------------------------------------------------

KINDS: tuple[PageKind, ...] = (
    PageKind("checklist", once, lambda r, _: "checklist.md", lambda r, _: r.checklist()),
    PageKind("guides index", once, lambda r, _: "guides/index.md", lambda r, _: r.guides_index()),
    PageKind("guide", platforms, lambda r, p: f"guides/{p.id}.md", Renderer.guide),
    PageKind("embed", platforms, lambda r, p: f"embed/{p.id}.md", Renderer.embed),
    PageKind("comparison", once, lambda r, _: "compare.md", lambda r, _: r.compare()),
    PageKind("timeline", once, lambda r, _: "timeline.md", lambda r, _: r.timeline()),
    PageKind("regions index", once, lambda r, _: "regions/index.md", lambda r, _: r.regions_index()),
    PageKind("region", regions, lambda r, code: f"regions/{code.lower()}.md", Renderer.region),
    PageKind("badge", badge_subjects, _badge_path, lambda r, s: badges.badge(r, *s), output=True),
    PageKind(
        "feed", once, lambda r, _: f"{_language_dir(r)}{feeds.FEED}", lambda r, _: feeds.feed(r), output=True
    ),
    PageKind(
        "export schema",
        export_schema,
        lambda r, s: f"{export_dir(s[0])}schema.json",
        lambda r, s: export.dumps(s[1]),
        output=True,
    ),
    PageKind(
        "export", export_documents, _export_path, lambda r, s: export.dumps(s[2], compact=True), output=True
    ),
)


# Reading the table ---------------------------------------------------------------------------


def _entries(renderer: Renderer, kinds: Sequence[PageKind]) -> Iterator[tuple[PageKind, Any]]:
    """Each (kind, subject) of ``kinds``, in the inventory's order (see the module docstring)."""
    for subjects, group in itertools.groupby(kinds, key=lambda kind: kind.subjects):
        walked = list(group)
        for subject in subjects(renderer):
            for kind in walked:
                yield kind, subject


def page_paths(renderer: Renderer, kinds: Sequence[PageKind] = KINDS) -> list[str]:
    """The source path of every generated page, as in the default language, in the order
    :func:`render_pages` renders them (``renderer``: the default language's)."""
    pages = [kind for kind in kinds if not kind.output]
    return [kind.path(renderer, subject) for kind, subject in _entries(renderer, pages)]


def render_pages(renderer: Renderer, kinds: Sequence[PageKind] = KINDS) -> dict[str, str]:
    """Every generated page of the renderer's language, by source path as in the default
    language."""
    pages = [kind for kind in kinds if not kind.output]
    with gcpause.paused():  # rendering 400 guides allocates millions of objects; see gcpause
        return {
            kind.path(renderer, subject): kind.render(renderer, subject)
            for kind, subject in _entries(renderer, pages)
        }


def render_files(
    renderer: Renderer, names: Collection[str], kinds: Sequence[PageKind] = KINDS
) -> Iterator[tuple[str, str]]:
    """The files of the output kinds called ``names``, in the renderer's language: (path
    relative to the built site's root, content), one at a time."""
    for kind, subject in _entries(renderer, _outputs(names, kinds)):
        yield kind.path(renderer, subject), kind.render(renderer, subject)


def file_paths(renderer: Renderer, names: Collection[str], kinds: Sequence[PageKind] = KINDS) -> list[str]:
    """The paths :func:`render_files` would write, without rendering anything (pages link to
    some of these files: the feed)."""
    return [kind.path(renderer, subject) for kind, subject in _entries(renderer, _outputs(names, kinds))]


def _outputs(names: Collection[str], kinds: Sequence[PageKind]) -> list[PageKind]:
    unknown = set(names) - {kind.name for kind in kinds if kind.output}
    if unknown:
        raise ValueError(f"no output kind called {', '.join(sorted(unknown))}")
    return [kind for kind in kinds if kind.output and kind.name in names]
