"""What checking a URL found. Each URL ends in one status:

``ok``          the page answers 2xx.
``redirected``  it answers 2xx after redirects; the final URL is shown, to update the data.
``broken``      404 or 410, no such host, connection refused, a redirect loop, or an address
                that is not public (refused without asking).
``blocked``     alive but refusing automated checks (401, 403, 429 after retries, 451, or a
                status named in ``blocked_statuses``, such as LinkedIn's 999): check by hand.
``timeout``     no answer in time, after retries, or none complete within the deadline.
``error``       anything else (5xx after retries, TLS problems, unexpected statuses).
``skipped``     the host's rule in ``linkcheck.yml`` says ``skip: true``.
"""

from __future__ import annotations

from dataclasses import dataclass

OK = "ok"
REDIRECTED = "redirected"
BROKEN = "broken"
BLOCKED = "blocked"
TIMEOUT = "timeout"
ERROR = "error"
SKIPPED = "skipped"
STATUSES = (BROKEN, TIMEOUT, ERROR, BLOCKED, REDIRECTED, OK, SKIPPED)  # the report's order


@dataclass(frozen=True)
class LinkResult:
    """What checking one URL found."""

    url: str
    status: str  # one of STATUSES
    detail: str = ""  # e.g. "HTTP 404 Not Found", "connection refused"
    http_status: int | None = None  # the last status a server answered, if any
    final_url: str | None = None  # where redirects led, when they led elsewhere
    checked: float = 0.0  # when, in seconds since the epoch
    cached: bool = False  # True when taken from the cache instead of asked again

    @property
    def answered(self) -> bool:
        """True when a server gave a lasting answer (worth caching), not a failure to reach it."""
        return self.http_status is not None and self.status not in (TIMEOUT, ERROR)
