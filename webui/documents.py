"""Document pages (``/dokument/<id>``), the list of documents and the original files (``/soubor/<id>``).

Files are looked up by document id in the manifest of the current index generation;
no path is ever taken from the URL, so nothing outside what was ingested can be served.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, render_template, request, send_file
from werkzeug.wrappers import Response

from scsearch.index.plan import QueryPlan
from scsearch.index.query import parse
from scsearch.index.snippets import highlight_all
from scsearch.webui.links import document_url, file_url, is_pdf
from scsearch.webui.state import get_searcher, get_state

bp = Blueprint("documents", __name__)

DOC_ID = re.compile(r"^[0-9a-f]{8,64}$")
MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "doc": "application/msword",
    "ppt": "application/vnd.ms-powerpoint",
    "xls": "application/vnd.ms-excel",
    "html": "text/html",
    "htm": "text/html",
    "txt": "text/plain",
    "csv": "text/csv",
    "rtf": "application/rtf",
}
_MARK_ID = re.compile(r'<mark id="hit-(\d+)">')


def _lookup(doc_id: str) -> dict[str, Any]:
    if not DOC_ID.match(doc_id):
        abort(404)
    doc = get_state().document(doc_id)
    if doc is None:
        abort(404)
    return doc


def mime_type(doc: dict[str, Any]) -> str:
    fmt = (doc.get("format") or Path(doc.get("path", "")).suffix.lstrip(".")).lower()
    return MIME_TYPES.get(fmt, "application/octet-stream")


@bp.get("/soubor/<doc_id>")
def original(doc_id: str) -> Response:
    """The original file of an indexed document, inline (``?stahnout=1`` as a download)."""
    doc = _lookup(doc_id)
    path = Path(doc.get("abs_path") or "")
    if not path.is_absolute() or not path.is_file():
        abort(404)
    mimetype = mime_type(doc)
    # HTML originals could run scripts in our origin: serve them as plain text (werkzeug adds the charset)
    if mimetype.startswith("text/html"):
        mimetype = "text/plain"
    download = request.args.get("stahnout") == "1"
    resp = send_file(path, mimetype=mimetype, as_attachment=download, download_name=path.name, conditional=True)
    # Chromium's PDF viewer runs neither in a sandboxed document nor under ``object-src 'none'``
    pdf_policy = "frame-ancestors 'none'"
    resp.headers["Content-Security-Policy"] = pdf_policy if mimetype == "application/pdf" else "sandbox"
    return resp


def _renumber(html: str, offset: int) -> str:
    """Shift the ``hit-N`` anchors of one unit so ids stay unique across the document."""
    return _MARK_ID.sub(lambda m: f'<mark id="hit-{int(m.group(1)) + offset}">', html)


def _units(doc_id: str, q: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Units with highlighted HTML and hit numbers; decisions; total hits."""
    searcher = get_searcher()
    records = searcher.document_records(doc_id)
    plan = searcher.build(parse(q))[1] if q.strip() else QueryPlan()
    units: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    total = 0
    for rec in records:
        f = dict(rec.fields)
        if rec.kind == "decision":
            decisions.append({"fields": f, "decision": rec.decision or {}})
            continue
        text = f.get("text", "") or ""
        html, n = highlight_all(text, f.get("lemma", "") or "", plan.lemmas, plan.forms, plan.prefixes, plan.stems)
        if total:
            html = _renumber(html, total)
        units.append({
            "fields": f,
            "html": html,
            "hits": list(range(total + 1, total + n + 1)),
            "anchor": f"u{f.get('unit_index', len(units))}",
            "ministries": list(rec.ministries),
        })
        total += n
    return units, decisions, total


@bp.get("/dokument/<doc_id>")
def document(doc_id: str) -> str:
    doc = _lookup(doc_id)
    q = request.args.get("q", "") or ""
    units, decisions, total = _units(doc_id, q)
    pdf = is_pdf(doc, doc.get("path", ""))
    for d in decisions:
        page = d["decision"].get("page") or d["fields"].get("page")
        d["anchor"] = f"p{page}" if page is not None else ""
        d["file_url"] = file_url(doc_id, page, pdf)
    return render_template(
        "documents/document.html",
        doc=doc,
        q=q,
        units=units,
        decisions=decisions,
        total_hits=total,
        pdf=pdf,
        file_url=file_url(doc_id, None, pdf),
        download_url=file_url(doc_id, None, False) + "?stahnout=1",
        unit_file_url=lambda page: file_url(doc_id, page, pdf),
        plain_url=document_url(doc_id),
    )


@bp.get("/dokumenty")
def listing() -> str:
    docs = sorted(get_state().documents_by_id().values(), key=lambda d: (d.get("date") or "", d.get("path", "")),
                  reverse=True)
    return render_template("documents/list.html", docs=docs)
