"""The search index's cross-language clean-up (optout_atlas.search_entries, which the
atlas plugin puts in place of mkdocs-static-i18n's own)."""

from __future__ import annotations

import copy
import random
import types

from conftest import ROOT
from mkdocs.config import load_config
from mkdocs_static_i18n.plugin import I18n

from optout_atlas.search_entries import drop_duplicates

LANGUAGES = ["en", "de", "fr"]


def entries(seed: int) -> list[dict]:
    """Entries of three languages, where some German and French pages repeat English ones (a
    page that fell back to English), some only share a title or a text, and the home page's
    location is empty (every location ends with it)."""
    rng = random.Random(seed)
    english = [
        {"location": f"page{n}/#{s}" if s else f"page{n}/", "title": f"T{n % 7}.{s}", "text": f"x{n % 5}"}
        for n in range(40)
        for s in ("", "a")
    ] + [{"location": "", "title": "Home", "text": "Welcome"}]
    out = list(english)
    for language in LANGUAGES[1:]:
        for entry in english:
            copied = {**entry, "location": f"{language}/{entry['location']}"}
            roll = rng.random()
            if roll < 0.3:
                copied["text"] = f"translated {copied['text']}"
            elif roll < 0.4:
                copied["title"] = f"translated {copied['title']}"
            out.append(copied)
    rng.shuffle(out)
    return out


def by_the_rule(index: list[dict]) -> list[dict]:
    """The plugin's documented rule, written out the slow, obvious way."""
    prefixes = tuple(f"{language}/" for language in LANGUAGES)
    default = [e for e in index if not e["location"].startswith(prefixes)]
    return [
        entry
        for entry in index
        if not entry["location"].startswith(prefixes)
        or not any(
            entry["title"] == d["title"]
            and entry["text"] == d["text"]
            and entry["location"].endswith(d["location"])
            for d in default
        )
    ]


def test_drops_exactly_the_repeated_entries_of_other_languages_and_keeps_the_order():
    for seed in range(5):
        index = entries(seed)
        expected = by_the_rule(index)
        drop_duplicates(index, tuple(f"{language}/" for language in LANGUAGES))
        assert index == expected
        assert len(index) < len(entries(seed))  # something was dropped: the test exercises the rule


def test_drops_at_least_what_the_i18n_plugin_drops():
    """The plugin's own loop removes entries from the lists it is iterating over, so it skips
    some repeats; ours finds them all (a superset of its removals, never other entries)."""
    for seed in range(5):
        theirs = entries(seed)
        ours = copy.deepcopy(theirs)
        I18n.reconfigure_search_duplicates(types.SimpleNamespace(build_languages=LANGUAGES), theirs)
        drop_duplicates(ours, tuple(f"{language}/" for language in LANGUAGES))
        assert all(entry in theirs for entry in ours)


def test_the_atlas_plugin_replaces_the_i18n_plugins_duplicate_finder(tmp_path):
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config = config.plugins.on_config(config)
    plugin = config.plugins["i18n"]
    index = [
        {"location": "about/", "title": "About", "text": "Same"},
        {"location": "de/about/", "title": "About", "text": "Same"},
        {"location": "de/about/#x", "title": "Über", "text": "Anders"},
    ]
    plugin.reconfigure_search_duplicates(index)
    assert [entry["location"] for entry in index] == ["about/", "de/about/#x"]
    assert plugin.reconfigure_search_duplicates.__qualname__.startswith("AtlasPlugin.")
