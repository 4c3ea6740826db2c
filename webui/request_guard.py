"""App-wide request rules: a bounded query string, and the client address behind trusted proxies.

- A query string over ``MAX_QUERY_STRING_BYTES`` is answered 414 before any view parses it
  (JSON under ``/api/``, the Czech error page elsewhere). The query itself is cut to
  ``index.query.MAX_QUERY_CHARS`` characters later; this bound is for the raw request.
- ``TRUSTED_PROXIES`` (setting ``trusted_proxies``, default 0): how many reverse proxies in
  front of the app may set ``X-Forwarded-For``/``X-Forwarded-Proto``. With 0 these headers are
  ignored and the client address is the TCP peer; with N the N-th address from the right of
  ``X-Forwarded-For`` is the client (werkzeug ``ProxyFix``). The admin login rate limit and the
  audit log use that address.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

from scsearch import settings

MAX_QUERY_STRING_BYTES = 32 * 1024


def _bounded_query_string() -> Any:
    if len(request.query_string) > MAX_QUERY_STRING_BYTES:
        abort(414)
    return None


def trusted_proxies(app: Flask) -> int:
    raw = app.config.get("TRUSTED_PROXIES")
    value = settings.get("trusted_proxies") if raw is None else raw
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def init_app(app: Flask) -> None:
    app.before_request(_bounded_query_string)
    proxies = trusted_proxies(app)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
