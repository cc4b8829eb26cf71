"""A web site on a loopback address for the feeds' tests: files by path, redirects by
path, and the Host header each request came with."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Site:
    def __init__(self, host: str) -> None:
        self.host = host
        self.files: dict[str, bytes] = {}
        self.moved: dict[str, str] = {}
        self.hosts: list[str | None] = []
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def serving(host: str = "127.0.0.1") -> Iterator[Site]:
    """A site served on `host`, on a port of its own, until the block ends."""
    s = Site(host)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            s.hosts.append(self.headers.get("Host"))
            if self.path in s.moved:
                self.send_response(302)
                self.send_header("Location", s.moved[self.path])
                self.end_headers()
                return
            if self.path not in s.files:
                self.send_error(404)
                return
            body = s.files[self.path]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    s.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield s
    finally:
        server.shutdown()
        server.server_close()
