"""Structured data for search engines (schema.org JSON-LD), built from the same views as the
pages: a ``HowTo`` per way to stop AI training on a guide, and a ``FAQPage`` for the comparison's
questions. Words in the reader's language (surface names, data statuses) are given by the caller.
Plain text only: the **label** markers of the data are removed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from optout_atlas import views
from optout_atlas.model import Category, DataUse, Mechanism, Platform


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


def comparison(
    categories: Iterable[Category],
    tables: dict[str, tuple[tuple[Platform, tuple[DataUse, ...]], ...]],
    *,
    language: str,
    use_status: Callable[[str], str],
) -> dict[str, Any]:
    """The comparison's FAQPage: each category's question, answered by every platform ("Reddit:
    Used (public posts)"). ``tables``: each category's platforms and what they say (see
    ``views.category_table``); ``use_status``: the words of a data status in ``language``."""
    questions = []
    for category in categories:
        answers = []
        for platform, uses in tables[category.id]:
            status = uses[0].status if uses else "none"
            detail = f" ({uses[0].text})" if uses else ""
            answers.append(f"{platform.name}: {use_status(status)}{detail}")
        questions.append((category.question, " ".join(answers)))
    return faq(questions, language=language)
