"""Security headers on every response of the app (pages, API, files, static files, errors).

Scripts and styles come only from our own static files (no inline code anywhere in the
templates), so the policy needs neither ``'unsafe-inline'`` nor nonces. Framing is refused twice
(``frame-ancestors`` for current browsers, ``X-Frame-Options`` for old ones).

The ``Server`` header is the HTTP server's (a WSGI app cannot remove it): ``scsearch serve``
uses ``webui.devserver.RequestHandler``, which sends ``SERVER_NAME`` without the Werkzeug and
Python versions; gunicorn sends ``gunicorn`` without a version.

A route may set a stricter ``Content-Security-Policy`` itself (the original-file route sets
``sandbox``); it is kept, and ``frame-ancestors 'none'`` is added to it when missing.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

SERVER_NAME = "scsearch"
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))
HEADERS: dict[str, str] = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def apply(resp: Response) -> Response:
    """Add the headers to ``resp`` (a policy the route set itself is kept)."""
    csp = resp.headers.get("Content-Security-Policy")
    if not csp:
        resp.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    elif "frame-ancestors" not in csp:
        resp.headers["Content-Security-Policy"] = f"{csp}; frame-ancestors 'none'"
    for name, value in HEADERS.items():
        resp.headers[name] = value
    return resp


def init_app(app: Flask) -> None:
    app.after_request(apply)
