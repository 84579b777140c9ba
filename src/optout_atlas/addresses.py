"""Where the pages of one language are: relative links between generated pages, and the
absolute addresses that leave the site (the embed snippet, the QR code, the structured data,
the feed's base), which exist only when the site's address (``site_url``) is configured."""

from __future__ import annotations

from optout_atlas.model import Platform

# What the embed snippet shows when the site's address is not configured (its script fills in
# the address the page is read at).
EMBED_PLACEHOLDER = "https://your-atlas-address.example/"


class Addresses:
    """The addresses of one language's pages.

    ``directory_urls``: a page is ``guides/x/`` (a web server serves ``guides/x/index.html``),
    or ``guides/x.html`` (the offline build, opened from a file share without a server)."""

    def __init__(self, *, language: str, site_url: str, default_language: str, directory_urls: bool):
        self.directory_urls = directory_urls
        self.page_suffix = "/" if directory_urls else ".html"
        base = site_url.rstrip("/") + "/" if site_url else EMBED_PLACEHOLDER
        # Absolute address of this language's site, or the placeholder.
        self.base_url = base if language == default_language or not site_url else f"{base}{language}/"

    @property
    def known(self) -> bool:
        """Whether the site's address is configured."""
        return self.base_url != EMBED_PLACEHOLDER

    @property
    def site_base(self) -> str:
        """The absolute address of this language's site, or "" (links stay relative)."""
        return self.base_url if self.known else ""

    def page_url(self, path: str) -> str:
        """The absolute address of a page of this language, or "" when the site's is not set."""
        return f"{self.base_url}{path}" if self.known else ""

    def guide_url(self, platform: Platform) -> str:
        return self.page_url(f"guides/{platform.id}{self.page_suffix}")

    def guide_href(self, platform: Platform) -> str:
        """A platform's guide, relative to the root of this language's site."""
        return f"guides/{platform.id}{self.page_suffix}"

    def root_href(self, page: str) -> str:
        """The root of this language's site relative to the page ``page`` (its path without a
        suffix, such as ``guides/meta``): ``../../`` for ``guides/meta/``, ``../`` for the
        offline build's ``guides/meta.html``; a file there is this plus its path."""
        depth = page.count("/") + (1 if self.directory_urls else 0)
        return "../" * depth

    def embed_path(self, platform: Platform) -> str:
        """The address of a platform's embed page relative to its guide (``guides/<id>/`` or,
        in the offline build, ``guides/<id>.html``)."""
        return f"../../embed/{platform.id}/" if self.directory_urls else f"../embed/{platform.id}.html"

    def embed_url(self, platform: Platform) -> str:
        """The absolute address of a platform's embed page; a placeholder, filled in by the
        page's script, when the site's address is not configured."""
        if not self.known:
            return f"{EMBED_PLACEHOLDER}EMBED"
        return f"{self.base_url}embed/{platform.id}{self.page_suffix}"
