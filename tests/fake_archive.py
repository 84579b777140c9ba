"""A local stand-in for the GitHub REST API of Open Terms Archive's versions repositories.

It answers from the files in ``tests/fixtures/watch/``, recorded by hand in the API's own
format from the public repositories OpenTermsArchive/contrib-versions and genai-eu-versions:

- ``commits/<collection>/<service>/<document>.json``: the answer of
  ``GET /repos/OpenTermsArchive/<collection>-versions/commits?path=<service>/<document>.md``
  (real commits: sha, dates, messages, parents), newest first. The server applies ``since``,
  ``until`` and ``per_page`` as GitHub does.
- ``texts/<collection>/<service>/<document>/<sha>.md``: short real excerpts of the document at
  that commit, the answer of ``GET .../contents/<path>?ref=<sha>`` with the raw media type.
- ``folders/<collection>/<service>.json``: the answer of ``GET .../contents/<service>``.

Anything else answers 404 with GitHub's JSON error body.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote

from werkzeug import Request, Response

FIXTURES = Path(__file__).parent / "fixtures" / "watch"
REPOSITORY = re.compile(r"^/repos/OpenTermsArchive/(?P<collection>[a-z0-9-]+)-versions/(?P<rest>.*)$")
NOT_FOUND = {
    "message": "Not Found",
    "documentation_url": "https://docs.github.com/rest/repos/contents#get-repository-content",
    "status": "404",
}


class FakeArchive:
    """The request handler; ``requests`` records every path asked for, in order."""

    def __init__(self, fixtures: Path = FIXTURES):
        self.fixtures = fixtures
        self.requests: list[str] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        match = REPOSITORY.match(unquote(request.path))
        if not match:
            return _json(NOT_FOUND, 404)
        collection, rest = match["collection"], match["rest"]
        if rest == "commits":
            return self.commits(request, collection)
        if rest.startswith("contents/"):
            return self.contents(request, collection, rest.removeprefix("contents/"))
        return _json(NOT_FOUND, 404)

    def commits(self, request: Request, collection: str) -> Response:
        path = request.args.get("path", "")
        file = self.fixtures / "commits" / collection / f"{path.removesuffix('.md')}.json"
        commits = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else []
        since, until = request.args.get("since"), request.args.get("until")
        dates = [c["commit"]["committer"]["date"] for c in commits]
        chosen = [
            c
            for c, date in zip(commits, dates, strict=True)
            if (not since or date >= since) and (not until or date <= until)
        ]
        chosen = chosen[: int(request.args.get("per_page", "30"))]
        body = json.dumps(chosen)
        etag = '"' + hashlib.sha1(body.encode()).hexdigest() + '"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, 200, content_type="application/json; charset=utf-8", headers=_limits(etag))

    def contents(self, request: Request, collection: str, path: str) -> Response:
        ref = request.args.get("ref")
        if ref is None:
            folder = self.fixtures / "folders" / collection / f"{path}.json"
            if folder.is_file():
                return Response(folder.read_text(encoding="utf-8"), 200, content_type="application/json")
            return _json(NOT_FOUND, 404)
        text = self.fixtures / "texts" / collection / path.removesuffix(".md") / f"{ref}.md"
        if not text.is_file():
            return _json(NOT_FOUND, 404)
        return Response(text.read_text(encoding="utf-8"), 200, content_type="application/vnd.github.raw")


def _limits(etag: str) -> dict[str, str]:
    return {
        "ETag": etag,
        "X-RateLimit-Limit": "60",
        "X-RateLimit-Remaining": "59",
        "X-RateLimit-Reset": "1764633600",
        "X-RateLimit-Resource": "core",
    }


def _json(value: object, status: int) -> Response:
    return Response(json.dumps(value), status, content_type="application/json; charset=utf-8")
