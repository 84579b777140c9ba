"""The Atom feed of a language: every event of every platform, newest first, for journalists
and privacy teams to subscribe to. ``overrides/atlas/feed.xml.j2`` lays it out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from optout_atlas import views

if TYPE_CHECKING:
    from optout_atlas.render import Renderer

TEMPLATE = "feed.xml.j2"
# Where the feed is, relative to the root of its language's site.
FEED = "feed.xml"


def feed(renderer: Renderer) -> str:
    """The feed of the renderer's dataset. Its links are relative to the feed (which sits at the
    root of its language's site), under an ``xml:base`` when the site's address is known."""
    events = views.all_events(renderer.dataset.platforms)
    newest = events[0][1].date.first_day if events else renderer.templates.today
    addresses = renderer.addresses
    entries = [
        (platform, event, views.event_key(platform, event), addresses.guide_href(platform))
        for platform, event in events
    ]
    return renderer.templates.render(
        TEMPLATE,
        entries=entries,
        updated=f"{newest.isoformat()}T00:00:00Z",
        base_url=addresses.site_base,
        self_href=FEED,
        home_href="./",
        regions=renderer.region_names,
    )
