"""The search index's duplicates across languages, found in linear time.

mkdocs-static-i18n stacks the search entries of every language into one index, then drops an
entry of another language that repeats an entry of the default language (same title, same text,
and a location that ends with the default entry's: ``de/about/`` repeats ``about/``), which is
what a page that fell back to the default language produces. Its implementation compares every
default-language entry with every other entry: 11,000 x 99,000 comparisons for 400 platforms in
ten languages, minutes of a build that the number of pages makes quadratic. :func:`drop_duplicates`
applies the same rule through a lookup by title and text. The atlas plugin puts it in place of
the i18n plugin's own (``AtlasPlugin._replace_search_deduplication``).
"""

from __future__ import annotations

from collections import defaultdict


def drop_duplicates(entries: list[dict], language_prefixes: tuple[str, ...]) -> None:
    """Remove from ``entries`` (in place, keeping the order) each entry whose location starts
    with one of ``language_prefixes`` (``"de/"``…) and that repeats an entry of the default
    language: same title, same text, and a location ending with the default entry's."""
    translated: dict[tuple, list[dict]] = defaultdict(list)
    for entry in entries:
        if entry["location"].startswith(language_prefixes):
            translated[(entry["title"], entry["text"])].append(entry)
    repeated: set[int] = set()
    for entry in entries:
        if entry["location"].startswith(language_prefixes):
            continue
        for candidate in translated.get((entry["title"], entry["text"]), ()):
            if candidate["location"].endswith(entry["location"]):
                repeated.add(id(candidate))
    if repeated:
        entries[:] = [entry for entry in entries if id(entry) not in repeated]
