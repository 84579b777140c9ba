"""The page inventory: the pages the i18n plugin is told about are exactly the pages rendered,
in the same order, and a kind added to the table is both listed and rendered."""

from __future__ import annotations

import json

from conftest import ROOT, TODAY

from optout_atlas import inventory
from optout_atlas.dataset import load_dataset
from optout_atlas.render import Renderer, Templates


def renderer_of(data_dir, language: str = "en") -> Renderer:
    return Templates(ROOT / "overrides", language=language, today=TODAY).renderer(
        load_dataset(data_dir, today=TODAY)
    )


def test_the_listed_pages_are_the_rendered_pages_in_the_same_order(data_dir):
    renderer = renderer_of(data_dir)
    paths = inventory.page_paths(renderer)
    pages = inventory.render_pages(renderer)
    assert paths == list(pages)
    assert len(set(paths)) == len(paths)
    # The checklist, a guide and an embed page per platform, a page per region, the indexes: the example
    # platform names regions, so the region pages are there.
    assert paths[:4] == ["checklist.md", "guides/index.md", "guides/example.md", "embed/example.md"]
    assert {"compare.md", "timeline.md", "regions/index.md", "regions/eu.md"} <= set(paths)
    assert all(page.strip() for page in pages.values())


def test_a_translated_renderer_renders_the_pages_the_default_language_lists(data_dir):
    english = inventory.page_paths(renderer_of(data_dir))
    german = inventory.render_pages(renderer_of(data_dir, "de"))
    assert set(german) == set(english)


def test_a_kind_added_to_the_table_is_listed_and_rendered(data_dir):
    renderer = renderer_of(data_dir)
    printable = inventory.PageKind(
        "printable guide",
        inventory.platforms,
        lambda r, platform: f"print/{platform.id}.md",
        lambda r, platform: f"# {platform.name}\n",
    )
    kinds = (*inventory.KINDS, printable)
    paths = inventory.page_paths(renderer, kinds)
    pages = inventory.render_pages(renderer, kinds)
    assert "print/example.md" in paths
    assert pages["print/example.md"] == "# Example\n"
    assert paths == list(pages)
    assert "print/example.md" not in inventory.page_paths(renderer)


def test_files_are_not_pages_and_follow_the_language(data_dir):
    english, german = renderer_of(data_dir), renderer_of(data_dir, "de")
    files = dict(inventory.render_files(english, ["badge", "feed", "export", "export schema"]))
    assert not set(files) & set(inventory.page_paths(english))
    assert {"badges/example.svg", "badges/example/eu.svg", "feed.xml", "api/v1/schema.json"} <= set(files)
    assert json.loads(files["api/v1/platforms/example.json"])["platforms"][0]["id"] == "example"
    german_files = dict(inventory.render_files(german, ["badge", "feed", "export", "export schema"]))
    assert {"de/badges/example.svg", "de/feed.xml", "api/v1/de/data.json"} <= set(german_files)
    assert "api/v1/schema.json" not in german_files  # one schema for the site


def test_an_unknown_file_kind_is_refused(data_dir):
    import pytest

    with pytest.raises(ValueError, match="no output kind called feeds"):
        list(inventory.render_files(renderer_of(data_dir), ["feeds"]))


def test_the_paths_of_files_are_those_written(data_dir):
    """Pages link to the feed by the path the inventory gives, without rendering it."""
    for renderer in (renderer_of(data_dir), renderer_of(data_dir, "de")):
        names = ["feed", "badge", "export schema", "export"]
        assert inventory.file_paths(renderer, names) == [path for path, _ in inventory.render_files(renderer, names)]
    assert inventory.file_paths(renderer_of(data_dir, "de"), ["feed"]) == ["de/feed.xml"]
