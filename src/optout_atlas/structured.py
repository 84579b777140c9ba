"""Structured data for search engines (schema.org JSON-LD), built from the same views as the
pages: a ``HowTo`` per way to stop AI training on a guide, and a ``FAQPage`` for the comparison's
questions. Plain text only: the **label** markers of the data are removed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from optout_atlas import views
from optout_atlas.model import Mechanism, Platform


def plain(text: str) -> str:
    return " ".join(str(text).replace("**", "").split())


def howto(
    mechanism: Mechanism, *, url: str, language: str, surface_name: Callable[[str], str]
) -> dict[str, Any]:
    """One way to stop AI training, as a schema.org HowTo with a section per surface
    (``surface_name``: a surface's name in ``language``)."""
    data: dict[str, Any] = {
        "@type": "HowTo",
        "name": plain(mechanism.title),
        "inLanguage": language,
        "step": [
            {
                "@type": "HowToSection",
                "name": surface_name(surface),
                "itemListElement": [
                    {"@type": "HowToStep", "position": n, "text": plain(step)}
                    for n, step in enumerate(mechanism.steps[surface], start=1)
                ],
            }
            for surface in mechanism.surfaces
        ],
    }
    if mechanism.minutes:
        data["totalTime"] = f"PT{mechanism.minutes}M"
    if url:
        data["url"] = f"{url}#{mechanism.id}"
    return data


def guide(
    platform: Platform, *, url: str, language: str, surface_name: Callable[[str], str]
) -> dict[str, Any]:
    """The JSON-LD of a guide: its stopping mechanisms as HowTo items."""
    items = [
        howto(m, url=url, language=language, surface_name=surface_name)
        for m in platform.mechanisms
        if m.kind in views.STOPPING_KINDS
    ]
    return {"@context": "https://schema.org", "@graph": items}


def faq(questions: list[tuple[str, str]], *, language: str) -> dict[str, Any]:
    """A FAQPage from (question, answer) pairs."""
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": language,
        "mainEntity": [
            {"@type": "Question", "name": plain(q), "acceptedAnswer": {"@type": "Answer", "text": plain(a)}}
            for q, a in questions
        ],
    }
