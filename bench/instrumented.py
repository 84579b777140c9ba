"""Run ``mkdocs`` in this process and count what the atlas does per build: how often the data is
loaded and validated, how often each language is translated, how many pages are rendered, and
how many language builds MkDocs ran; and time every plugin's event handlers (their own
time: the i18n plugin's ``on_post_build`` runs the other languages' builds, whose handlers are
counted on their own). Used by ``bench/run.py``; not a benchmark by itself.

Usage: ``python bench/instrumented.py COUNTS.json build -q -f mkdocs.yml -d site``.
"""

from __future__ import annotations

import atexit
import collections
import functools
import json
import sys
import time
from pathlib import Path


def _count(module, name: str, counts: collections.Counter, key=None) -> None:
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        counts[name if key is None else key(*args, **kwargs)] += 1
        return original(*args, **kwargs)

    setattr(module, name, wrapper)


def _time_events(seconds: collections.Counter) -> None:
    """Replace ``PluginCollection.run_event`` by the same loop, timing each handler."""
    from mkdocs.plugins import PluginCollection

    stack: list[float] = []  # time spent in handlers called from the running handler

    def run_event(self, name, item=None, **kwargs):
        pass_item = item is not None
        for method in self.events[name]:
            self._current_plugin = origin = self._event_origins.get(method, "<unknown>")
            stack.append(0.0)
            started = time.perf_counter()
            result = method(item, **kwargs) if pass_item else method(**kwargs)
            elapsed = time.perf_counter() - started
            nested = stack.pop()
            seconds[_handler_name(origin, name, method)] += elapsed - nested
            if stack:
                stack[-1] += elapsed
            if result is not None:
                item = result
        self._current_plugin = None
        return item

    PluginCollection.run_event = run_event


def _handler_name(origin: str, event: str, method) -> str:
    """``i18n post_build`` for a plugin's handler of an event, ``atlas _check_data`` for one of
    several handlers a plugin gives one event (``CombinedEvent``)."""
    label = getattr(method, "__name__", f"on_{event}")
    return f"{origin} {event}" if label == f"on_{event}" else f"{origin} {label}"


def main() -> None:
    target = Path(sys.argv[1])
    counts: collections.Counter = collections.Counter()
    seconds: collections.Counter = collections.Counter()
    _time_events(seconds)

    import mkdocs.commands.build as mkdocs_build

    from optout_atlas import dataset, render, translation

    _count(dataset, "load_dataset", counts)
    _count(dataset, "_fingerprint", counts)
    _count(translation, "localize", counts, key=lambda d, language, *a, **k: f"localize[{language}]")
    _count(render.Renderer, "guide", counts, key=lambda self, *a, **k: f"guide[{self.language}]")
    _count(mkdocs_build, "build", counts, key=lambda *a, **k: "language builds")
    started = time.perf_counter()

    @atexit.register
    def report() -> None:
        counts["seconds"] = round(time.perf_counter() - started, 2)
        handlers = {key: round(value, 3) for key, value in seconds.most_common()}
        target.write_text(json.dumps({**dict(sorted(counts.items())), "handlers": handlers}, indent=1))

    from mkdocs.__main__ import cli

    sys.argv = ["mkdocs", *sys.argv[2:]]
    cli()


if __name__ == "__main__":
    main()
