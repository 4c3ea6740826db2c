"""Links from a hit or a decision to its place in the document page and in the original file."""

from __future__ import annotations

from typing import Any

from flask import url_for

from scsearch.index.types import Hit
from scsearch.urls import unit_anchor


def is_pdf(doc: dict[str, Any] | None, path: str) -> bool:
    fmt = (doc or {}).get("format") or ""
    return fmt == "pdf" or (not fmt and path.lower().endswith(".pdf"))


def document_url(doc_id: str, q: str = "", anchor: str = "") -> str:
    url = url_for("documents.document", doc_id=doc_id, q=q or None)
    return url + (f"#{anchor}" if anchor else "")


def file_url(doc_id: str, page: int | None, pdf: bool) -> str:
    url = url_for("documents.original", doc_id=doc_id)
    return url + (f"#page={page}" if pdf and page else "")


def hit_links(hit: Hit, doc: dict[str, Any] | None, q: str) -> dict[str, str]:
    pdf = is_pdf(doc, hit.path)
    return {
        "document": document_url(hit.doc_id, q, unit_anchor(hit.record_id, hit.page)),
        "file": file_url(hit.doc_id, hit.page, pdf),
        "file_label": "PDF" if pdf else ((doc or {}).get("format") or hit.path.rsplit(".", 1)[-1]).upper(),
    }
