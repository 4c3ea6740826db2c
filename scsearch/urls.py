"""Public addresses of the web UI, for places without a Flask request (CLI exports, e-mails).

The web UI builds the same paths with ``url_for``; ``tests/test_exports.py`` checks that both agree.
``base`` is the setting ``base_url`` (``https://hledani.example.cz``); empty gives site-relative paths.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from scsearch import settings


def base_url(override: str | None = None) -> str:
    return str(settings.get("base_url", override) or "").rstrip("/")


def unit_anchor(record_id: str, page: int | None) -> str:
    """``u3`` for the 4th unit of a document; decisions point at their source page ``p2``."""
    tail = record_id.rsplit(":", 1)[-1]
    if tail.isdigit():
        return f"u{tail}"
    return f"p{page}" if page is not None else ""


def document_path(doc_id: str, q: str = "", anchor: str = "") -> str:
    path = f"/dokument/{quote(doc_id, safe='')}"
    if q:
        path += "?" + urlencode({"q": q})
    return path + (f"#{anchor}" if anchor else "")


def search_path(query_string: str) -> str:
    return "/" + (f"?{query_string}" if query_string else "")


def absolute(path: str, base: str) -> str:
    return f"{base}{path}" if base else path
