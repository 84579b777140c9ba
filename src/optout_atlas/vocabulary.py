"""Words for the values of the data's vocabularies that pages, the feed and the structured data
all print: the surfaces of a mechanism's steps, what a platform says about a kind of data, and
the types of events.

They are UI strings like those of the templates (the catalog of the ``ui`` domain takes them
from here). A :class:`Vocabulary` returns them through the message function it is given, so the
page templates get them escaped for Markdown, the feed escaped for XML, and Python plain text.
The other vocabularies' words are only ever printed by templates, and live in
``overrides/atlas/macros.md.j2``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Word = TypeVar("Word", bound=str)


class Vocabulary(Generic[Word]):
    """The words of the vocabularies in one language, through ``gettext`` (a UI message
    function: plain, or escaping for the output it is used in)."""

    def __init__(self, gettext: Callable[[str], Word]):
        self._gettext = gettext
        self._known: dict[tuple[str, str], Word] = {}

    def surface(self, surface: str) -> Word:
        """Where a mechanism's steps are followed: "Web browser", "iPhone and iPad"."""
        return self._word("surface", surface, self._surfaces)

    def use_status(self, status: str) -> Word:
        """What a platform says about a kind of data ("none": it says nothing)."""
        return self._word("data status", status, self._use_statuses)

    def event_type(self, type_: str) -> Word:
        """What happened on a date of a platform's timeline."""
        return self._word("event type", type_, self._event_types)

    def _word(self, vocabulary: str, value: str, words: Callable[[], dict[str, Word]]) -> Word:
        found = self._known.get((vocabulary, value))
        if found is None:
            known = words()
            if value not in known:
                raise ValueError(f"unknown {vocabulary} {value}")
            found = self._known[(vocabulary, value)] = known[value]
        return found

    def _surfaces(self) -> dict[str, Word]:
        gettext = self._gettext
        return {
            "web": gettext("Web browser"),
            "ios": gettext("iPhone and iPad"),
            "android": gettext("Android"),
            "app": gettext("iOS and Android app"),
            "desktop": gettext("Desktop app"),
        }

    def _use_statuses(self) -> dict[str, Word]:
        gettext = self._gettext
        return {
            "used": gettext("Used"),
            "excluded": gettext("Not used"),
            "disputed": gettext("Sources disagree"),
            "none": gettext("Not stated"),
        }

    def _event_types(self) -> dict[str, Word]:
        gettext = self._gettext
        return {
            "announced": gettext("Announced"),
            "training_started": gettext("Training started"),
            "paused": gettext("Paused"),
            "resumed": gettext("Resumed"),
            "terms_changed": gettext("Terms changed"),
            "setting_changed": gettext("Setting changed"),
            "licensing_deal": gettext("Licensing deal"),
            "regulator_action": gettext("Regulator action"),
            "lawsuit": gettext("Lawsuit"),
        }
