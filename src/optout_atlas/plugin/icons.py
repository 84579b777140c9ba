"""Icons in the pages: the emoji generator of ``pymdownx.emoji`` in ``mkdocs.yml``.

Material turns an icon shortcode (``:material-check-circle:``, ``:fontawesome-brands-linkedin:``)
into an inline SVG in ``<span class="twemoji">``, which a screen reader announces as an unnamed
image. On this site an icon never says anything alone: a status icon stands beside the status in
words, a brand icon beside the platform's name, a myth's cross beside the myth. So every icon is
hidden from screen readers here, wherever it comes from (a page template, a hand-written page), and
whatever an icon means must also be written beside it in words.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from material.extensions.emoji import to_svg as material_to_svg  # type: ignore[import-untyped]


def to_svg(
    index: str,
    shortname: str,
    alias: str,
    uc: str | None,
    alt: str,
    title: str,
    category: str,
    options: Any,
    md: Any,
) -> Element:
    """Material's ``to_svg``, with the icon hidden from screen readers (``aria-hidden``). An
    emoji (a Unicode character rather than a theme icon) keeps what ``pymdownx.emoji`` gives it:
    the character as its alternative text."""
    element = material_to_svg(index, shortname, alias, uc, alt, title, category, options, md)
    if not uc:
        element.set("aria-hidden", "true")
    return element
