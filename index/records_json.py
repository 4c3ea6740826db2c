"""The JSON shapes of documents and decisions, shared by ``scsearch … --json`` and the HTTP API."""

from __future__ import annotations

from typing import Any

from scsearch.index.types import Hit


def document_json(d: dict[str, Any]) -> dict[str, Any]:
    """One document (a manifest entry with its path) as ``scsearch documents --json`` lists it."""
    return {
        "path": d["path"],
        "doc_id": d.get("doc_id"),
        "title": d.get("title", ""),
        "doc_type": d.get("doc_type", "other"),
        "date": d.get("date"),
        "date_source": d.get("date_source", ""),
        "ministries": d.get("ministries", []),
        "authors": d.get("authors", []),
        "units": d.get("units", 0),
        "unit_kind": d.get("unit_kind", "page"),
        "method": d.get("method", "text"),
        "ocr_pages": d.get("ocr_pages", 0),
        "needs_ocr_pages": d.get("needs_ocr_pages", 0),
        "decisions": d.get("decisions", 0),
        "overridden": d.get("overridden", []),
        "formats": d.get("formats", []),  # the same text in every format (index.dedup), primary first
        "versions": d.get("versions", []),  # other documents with the same title and type but other text
        "source": d.get("source"),
    }


def decision_json(h: Hit) -> dict[str, Any]:
    """One decision record as ``scsearch decisions --json`` lists it."""
    dec = h.decision or {}
    return {
        "text": dec.get("text", ""),
        "kind": dec.get("kind", ""),
        "responsible": dec.get("responsible", []),
        "deadline": dec.get("deadline"),
        "deadline_text": dec.get("deadline_text", ""),
        "number": dec.get("number", ""),
        "path": h.path,
        "title": h.title,
        "date": h.date.isoformat() if h.date else None,
        "page": h.page,
        "citation": h.citation,
    }
