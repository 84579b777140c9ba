"""Reader tasks on a phone: how many taps and how many screens of scrolling five everyday tasks
take on the built site, in Chromium at 390 x 844 pixels (an iPhone's size and user agent).

Each task starts on the home page of a fresh browser (nothing saved), in the reader's time zone
and language, and ends when the control the reader came for is on screen. A tap is a click on a
link, a button, a box or a choice in a list. Screens of scrolling are the shortest distance
scrolled to bring each target fully into view, divided by the screen's height, summed over the
pages visited.

The tasks:

1. A reader in Germany who uses Instagram and LinkedIn wants both "Open it" buttons.
2. A reader in the United States who uses Facebook wants to know what they can do.
3. A reader in Germany taps Meta's "Stop it now" on the home page and wants Instagram's form.
4. A reader in Portugal (a country no platform names) wants LinkedIn's switch.
5. A reader in France on ChatGPT wants the switch that stops training.

Usage: ``.venv/bin/python bench/reader_tasks.py [site]`` (default ``site/``, built with
``mkdocs build``). Needs Debian's chromium. The results go to ``bench/reader-tasks.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import sys
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Locator, Page, sync_playwright

BENCH = Path(__file__).resolve().parent
WIDTH, HEIGHT = 390, 844
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148"
)


class Reader:
    """Counts what a reader does: taps, and the screens scrolled to bring each target into view."""

    def __init__(self, page: Page):
        self.page = page
        self.taps = 0
        self.scrolled = 0.0

    def reach(self, target: Locator) -> Locator:
        """Scroll until ``target`` is fully on screen, as a reader would, and count the distance."""
        target.wait_for(state="visible")
        box = target.bounding_box()
        assert box is not None
        bottom = box["y"] + box["height"]
        distance = bottom - HEIGHT + 8 if bottom > HEIGHT else (box["y"] - 8 if box["y"] < 0 else 0)
        if distance:
            before = self.page.evaluate("window.scrollY")
            self.page.evaluate(f"window.scrollBy(0, {distance})")
            self.scrolled += abs(self.page.evaluate("window.scrollY") - before) / HEIGHT
        return target

    def tap(self, target: Locator, *, navigates: bool = False) -> None:
        self.reach(target)
        self.taps += 1
        if navigates:
            with self.page.expect_navigation():
                target.tap()
            self.page.wait_for_load_state("networkidle")
        else:
            target.tap()

    def choose(self, select: Locator, value: str) -> None:
        """A choice in a list: one tap to open it, one to pick."""
        self.reach(select)
        self.taps += 2
        select.select_option(value)


def germany_instagram_linkedin(reader: Reader) -> str:
    page = reader.page
    reader.tap(page.locator("input[value='meta/instagram']"))
    reader.tap(page.locator("input[value='linkedin']"))
    reader.tap(page.locator("[data-atlas-checklist-show]"), navigates=True)
    stop = page.locator("[data-atlas-section='stop']")
    reader.reach(stop.locator("a.md-button[href*='linkedin.com']").first)
    reader.reach(stop.locator("a.md-button[href*='instagram.com']").first)
    return "both buttons"


def us_facebook(reader: Reader) -> str:
    page = reader.page
    reader.tap(page.locator("input[value='meta/facebook']"))
    reader.tap(page.locator("[data-atlas-checklist-show]"), navigates=True)
    reader.reach(page.locator("[data-atlas-section='none'] .atlas-checklist-outcome").first)
    forms = [
        a.get_attribute("href") or ""
        for a in page.locator(".atlas-checklist-result a").all()
        if a.is_visible()
    ]
    return (
        "no EU form shown"
        if not any("help/contact/712876720715583" in href for href in forms)
        else "EU FORM SHOWN"
    )


def germany_stop_it_now_instagram(reader: Reader) -> str:
    page = reader.page
    card = page.locator(".atlas-platforms > ul > li", has=page.locator("h3", has_text="Meta"))
    reader.tap(card.locator("a[data-atlas-stop]"), navigates=True)
    reader.reach(page.locator(".atlas-answer a.md-button[href*='instagram.com']").first)
    return "Instagram's form"


def portugal_linkedin(reader: Reader) -> str:
    page = reader.page
    reader.choose(page.locator("#atlas-country"), "PT")
    reader.tap(page.locator("input[value='linkedin']"))
    reader.tap(page.locator("[data-atlas-checklist-show]"), navigates=True)
    reader.reach(page.locator("[data-atlas-section='stop'] a.md-button[href*='linkedin.com']").first)
    return "LinkedIn's switch"


def france_chatgpt(reader: Reader) -> str:
    page = reader.page
    reader.tap(page.locator("input[value='chatgpt']"))
    reader.tap(page.locator("[data-atlas-checklist-show]"), navigates=True)
    reader.reach(page.locator("[data-atlas-section='stop'] a.md-button").first)
    return "ChatGPT's switch"


# (task, the reader's time zone and language, what they do)
TASKS: list[tuple[str, str, str, Callable[[Reader], str]]] = [
    (
        "Germany, Instagram and LinkedIn: both Open it buttons",
        "Europe/Berlin",
        "de-DE",
        germany_instagram_linkedin,
    ),
    ("United States, Facebook: what can be done", "America/New_York", "en-US", us_facebook),
    (
        "Germany, Meta's Stop it now: Instagram's form",
        "Europe/Berlin",
        "de-DE",
        germany_stop_it_now_instagram,
    ),
    ("Portugal, LinkedIn: the switch", "Europe/Lisbon", "pt-PT", portugal_linkedin),
    ("France, ChatGPT: the switch", "Europe/Paris", "fr-FR", france_chatgpt),
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site").resolve()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        for name, zone, locale, task in TASKS:
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT},
                timezone_id=zone,
                locale=locale,
                user_agent=IPHONE,
                is_mobile=True,
                has_touch=True,
            )
            page = context.new_page()
            page.goto(url)
            page.wait_for_load_state("networkidle")
            reader = Reader(page)
            outcome = task(reader)
            rows.append((name, reader.taps, reader.scrolled, outcome))
            print(f"{name}: {reader.taps} taps, {reader.scrolled:.1f} screens ({outcome})")
            context.close()
        browser.close()
    server.shutdown()
    lines = [
        "# Reader tasks on a phone",
        "",
        f"Measured {dt.date.today().isoformat()} with `bench/reader_tasks.py` on `{site.name}/`, "
        f"Chromium at {WIDTH} x {HEIGHT} px with an iPhone's user agent; "
        "each task from the home page of a fresh browser. "
        "See the script's docstring for what counts as a tap and a screen.",
        "",
        "| Task | Taps | Screens scrolled | Ends on |",
        "| --- | ---: | ---: | --- |",
        *(f"| {name} | {taps} | {screens:.1f} | {outcome} |" for name, taps, screens, outcome in rows),
        "",
    ]
    (BENCH / "reader-tasks.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
