"""Template filters, the footer context and Czech error pages shared by every blueprint."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from scsearch.webui import labels
from scsearch.webui.observability import log_error
from scsearch.webui.state import get_searcher

_ERROR_TITLES = {
    400: "Chybný požadavek",
    403: "Přístup odepřen",
    404: "Stránka nenalezena",
    405: "Nepovolená metoda",
    413: "Příliš velký požadavek",
    414: "Příliš dlouhá adresa požadavku (zkraťte dotaz)",
    429: "Příliš mnoho požadavků",
    500: "Chyba serveru",
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(labels.FILTERS)
    app.jinja_env.globals.update(place_label=labels.place_label, plural=labels.plural, NBSP=labels.NBSP)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _footer() -> dict[str, Any]:
        try:
            stats = get_searcher().stats()
        except Exception:  # noqa: BLE001 - the footer must never break a page
            stats = {}
        return {"index_stats": stats}

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        code = exc.code or 500
        if request.path.startswith("/api/"):
            return {"error": _ERROR_TITLES.get(code, exc.name), "status": code}, code
        return render_template("errors/error.html", code=code, title=_ERROR_TITLES.get(code, exc.name)), code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:  # never a traceback in a page or an API answer
        rid = log_error(exc)
        if request.path.startswith("/api/"):
            return {"error": "Vnitřní chyba serveru.", "status": 500, "request_id": rid}, 500
        return render_template("errors/error.html", code=500, title=_ERROR_TITLES[500], request_id=rid), 500
