"""Per-document record data stored with the document's manifest entry at index time:
the funding calls of an overview (``calls``); the place, attendance and task reports of minutes
(``place``, ``ministries_present``, ``task_reports``). The pipeline adds the text fingerprint
(``minhash``, ``shingles``, see ``index.dedup``)."""

from __future__ import annotations

from typing import Any

from scsearch.ingest.metadata.calls import extract_calls
from scsearch.ingest.metadata.meetings import meeting_place, ministries_present, task_reports
from scsearch.models import DocumentMeta, ExtractedDocument


def entry_fields(doc: ExtractedDocument, meta: DocumentMeta, path: str) -> dict[str, Any]:
    """Fields of a document's manifest entry (``index.manifest.ManifestEntry``) for its records."""
    out: dict[str, Any] = {}
    if meta.doc_type == "funding_overview":
        out["calls"] = tuple(row.to_json() for row in extract_calls(doc, path))
    if meta.doc_type == "minutes":
        out["place"] = meeting_place(doc)
        out["ministries_present"] = ministries_present(doc)
        out["task_reports"] = tuple(r.to_json() for r in task_reports(doc))
    return out
