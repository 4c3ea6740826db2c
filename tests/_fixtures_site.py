"""A fixture web site on 127.0.0.1 (a real threaded ``http.server``) for the sync tests.

Routes map a path to a :class:`Route`: static bytes (served with ETag and Last-Modified, answering
conditional requests with 304) or a behaviour (redirects, errors, endless or huge bodies). Every request
is recorded with its headers and status.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

LAST_MODIFIED = "Wed, 19 Jul 2017 10:00:00 GMT"


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str = ""  # for redirects
    validators: bool = True  # ETag + Last-Modified
    behaviour: str = ""  # "endless" | "huge" | "flaky"
    calls: int = 0


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    base: str = ""

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            path = unquote(urlsplit(self.path).path)
            route = site.routes.get(path)
            status = self._serve(route)
            site.requests.append(Seen(path, {k.lower(): v for k, v in self.headers.items()}, status))

        def _serve(self, route: Route | None) -> int:
            if route is None:
                return self._send(404, b"<html><body>Nenalezeno</body></html>", "text/html")
            route.calls += 1
            if route.behaviour == "flaky" and route.calls == 1:
                return self._send(503, b"busy", "text/plain")
            if route.location:
                self.send_response(route.status)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return route.status
            if route.behaviour in ("endless", "huge"):
                return self._stream(route)
            etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
            if route.validators and route.status == 200 and (
                self.headers.get("If-None-Match") == etag or (
                    self.headers.get("If-None-Match") is None
                    and self.headers.get("If-Modified-Since") == LAST_MODIFIED)):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return 304
            extra = {"ETag": etag, "Last-Modified": LAST_MODIFIED} if route.validators else {}
            return self._send(route.status, route.body, route.content_type, extra)

        def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> int:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
            return status

        def _stream(self, route: Route) -> int:
            """No Content-Length: 'huge' sends 64 KiB chunks fast, 'endless' trickles forever."""
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            deadline = time.monotonic() + 30
            try:
                self.wfile.write(b"%PDF-1.4\n")
                while time.monotonic() < deadline:
                    if route.behaviour == "huge":
                        self.wfile.write(b"0" * 65536)
                    else:
                        self.wfile.write(b"0" * 100)
                        self.wfile.flush()
                        time.sleep(0.05)
            except OSError:
                pass
            return 200

    return Handler


def serve(site: Site) -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
