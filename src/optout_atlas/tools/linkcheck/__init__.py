"""Checking the external links: every URL in the data, and optionally in the built pages.

The link checker is four parts, one module each, and the command that joins them
(``optout_atlas.tools.cmd_linkcheck``):

- ``config``: ``linkcheck.yml``, its settings and per-host rules, checked by a JSON Schema;
- ``collect``: where the URLs are written, in the data (file and line) and in the built pages;
- ``cache``: the answers of earlier runs, reused for ``cache_hours``;
- ``engine``: asking over HTTP (``httpx``) within the limits, and classifying each answer into
  one of the statuses of ``results``; ``addresses`` keeps it away from addresses that are not
  public.

The names below are the ones other code uses.
"""

from optout_atlas.tools.linkcheck.addresses import non_public_kind
from optout_atlas.tools.linkcheck.cache import Cache, iso_time
from optout_atlas.tools.linkcheck.collect import Origin, Origins, data_urls, merge, site_urls
from optout_atlas.tools.linkcheck.config import Config, HostRule, Settings, load_config
from optout_atlas.tools.linkcheck.engine import (
    USER_AGENT,
    LinkChecker,
    Rewrite,
    check_urls,
    looks_offline,
    retry_after_seconds,
)
from optout_atlas.tools.linkcheck.results import (
    BLOCKED,
    BROKEN,
    ERROR,
    OK,
    REDIRECTED,
    SKIPPED,
    STATUSES,
    TIMEOUT,
    LinkResult,
)

__all__ = [
    "BLOCKED",
    "BROKEN",
    "ERROR",
    "OK",
    "REDIRECTED",
    "SKIPPED",
    "STATUSES",
    "TIMEOUT",
    "USER_AGENT",
    "Cache",
    "Config",
    "HostRule",
    "LinkChecker",
    "LinkResult",
    "Origin",
    "Origins",
    "Rewrite",
    "Settings",
    "check_urls",
    "data_urls",
    "iso_time",
    "load_config",
    "looks_offline",
    "merge",
    "non_public_kind",
    "retry_after_seconds",
    "site_urls",
]
