"""The static files (styles, scripts, the front-end libraries) under versioned addresses.

A page names each file with its content's digest (`/static/app.js?v=3f2a…`): the browser
keeps a file so named for a year without asking again (`immutable`), and a new release's
file has a new address, so nobody runs yesterday's script with today's page. An address
without the digest is asked again each time (`no-cache`, answered 304 while the file is
unchanged). Without a caching header a browser guesses from a file's age how long to keep
it: it asks again now and then (a round trip a file, seven files on a page with a map,
slow on a phone's network) and may keep an old script after a release.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"
PREFIX = "/static/"
KEPT = "public, max-age=31536000, immutable"  # a versioned address: its content is fixed
ASKED = "no-cache"  # any other: kept, but checked each time (ETag, Last-Modified)


def static_url(path: str) -> str:
    """The address of the static file `path` (relative to the static folder), with the
    digest of its content; the plain address when there is no such file."""
    full = STATIC / path
    try:
        stat = full.stat()
    except OSError:
        return PREFIX + path
    return f"{PREFIX}{path}?v={_digest(full, stat.st_mtime_ns, stat.st_size)}"


@lru_cache(maxsize=256)
def _digest(full: Path, _mtime_ns: int, _size: int) -> str:
    # (keyed on the time and size too: a file changed while the app runs gets a new one)
    return hashlib.sha256(full.read_bytes()).hexdigest()[:12]


class VersionedStaticFiles(StaticFiles):
    """Starlette's static files, with the caching their address allows: a year for a
    versioned address whose digest is the file's, otherwise asked again each time."""

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result,
                      scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [])
        current = _digest(Path(full_path), stat_result.st_mtime_ns, stat_result.st_size)
        response.headers["cache-control"] = KEPT if asked == [current] else ASKED
        return response
