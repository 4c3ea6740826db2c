"""A real threaded HTTP server (Werkzeug, the handler of ``scsearch serve``) on 127.0.0.1 for one test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

from scsearch.webui.devserver import RequestHandler


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free port; yields the base URL; always stops the server."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
