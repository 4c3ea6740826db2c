"""The HTTP API: ``/api/search`` (the JSON of ``scsearch search --json``), documents, decisions.

Bad parameter values answer 400 with ``{"error": ..., "parameter": ...}`` (the CLI's exit 2);
a malformed query string is never an error.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request
from werkzeug.wrappers import Response

from scsearch.index.records_json import decision_json, document_json
from scsearch.webui.links import is_pdf
from scsearch.webui.observability import count_search
from scsearch.webui.params import ParamError, SearchParams, parse_search_args
from scsearch.webui.state import get_state

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(ParamError)
def _bad_param(exc: ParamError) -> tuple[Response, int]:
    return jsonify({"error": exc.message, "parameter": exc.param, "status": 400}), 400


def search_params() -> SearchParams:
    """The parameters of ``/api/search`` and its exports (``query`` is accepted for ``q``); strict."""
    args = request.args.copy()
    if "q" not in args and "query" in args:
        args["q"] = args.pop("query")
    return parse_search_args(args, strict=True)


@bp.get("/search")
def search() -> Response:
    params = search_params()
    resp = get_state().searcher.search(params.request())
    count_search("api", resp.total)
    return jsonify(resp.to_json())


@bp.get("/documents")
def documents() -> Response:
    state = get_state()
    docs = [document_json(d) for d in state.searcher.documents()]
    return jsonify({"documents": docs, "total": len(docs), **state.searcher.stats()})


@bp.get("/documents/<doc_id>")
def document(doc_id: str) -> Response:
    state = get_state()
    doc = state.document(doc_id)
    if doc is None:
        abort(404)
    pdf = is_pdf(doc, doc.get("path", ""))
    units: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    for rec in state.searcher.document_records(doc_id):
        f = rec.fields
        if rec.kind == "decision":
            decisions.append(rec.decision or {})
            continue
        units.append({
            "page": f.get("page"),
            "page_label": f.get("page_label"),
            "kind": f.get("kind", "page"),
            "heading": f.get("heading", ""),
            "method": f.get("method", "text"),
            "ministries": list(rec.ministries),
            "text": f.get("text", ""),
        })
    out = document_json(doc)
    out.update(
        format=doc.get("format"),
        meeting=doc.get("meeting"),
        file_url=f"/soubor/{doc_id}",
        pdf=pdf,
        units_list=units,
        decisions_list=decisions,
    )
    return jsonify(out)


@bp.get("/decisions")
def decisions() -> Response:
    """Decisions and tasks, as ``scsearch decisions --json``.

    Filters: q, ministry, from, to (meeting date), meeting (repeated number), deadline_from, deadline_to.
    """
    params = parse_search_args(request.args, strict=True)
    resp = get_state().searcher.search(params.request(doc_types=("decision",), limit=1000, offset=0, sort="date"))
    out = [decision_json(h) for h in resp.hits]
    return jsonify({"total": resp.total, "decisions": out})
