"""Icons (Material's shortcodes such as ``:material-check-circle:``) as the site's Markdown
configuration renders them: hidden from screen readers, since words beside each say what it
means (the browser tests check the built pages)."""

from __future__ import annotations

import markdown
from bs4 import BeautifulSoup
from conftest import ROOT
from mkdocs.utils import yaml_load


def _render(text: str) -> BeautifulSoup:
    """``text`` through the extensions of the project's own ``mkdocs.yml`` that make icons."""
    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions = {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        if name in ("attr_list", "pymdownx.emoji"):
            extensions[name] = options or {}
    assert set(extensions) == {"attr_list", "pymdownx.emoji"}
    html = markdown.markdown(text, extensions=list(extensions), extension_configs=extensions)
    return BeautifulSoup(html, "html.parser")


def test_a_status_icon_is_hidden_beside_its_words():
    html = _render(":material-check-circle: Not used for AI training")
    icon = html.select_one("span.twemoji")
    assert icon["aria-hidden"] == "true"
    assert icon.find("svg") is not None  # still the inline icon
    assert html.get_text(" ", strip=True) == "Not used for AI training"


def test_a_brand_icon_keeps_its_classes_and_is_hidden():
    html = _render(":fontawesome-brands-linkedin:{ .atlas-brand } LinkedIn")
    icon = html.select_one("span.twemoji.atlas-brand")
    assert icon["aria-hidden"] == "true" and icon.find("svg") is not None
