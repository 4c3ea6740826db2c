"""Meetings: the "Jednání" page (``/jednani``, a timeline) and ``GET /api/meetings`` (the JSON of
``scsearch meetings --json``)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from werkzeug.wrappers import Response

from scsearch.index.meetings import load_meetings, meetings_json
from scsearch.webui.links import document_url
from scsearch.webui.records_cache import per_generation
from scsearch.webui.state import get_state

bp = Blueprint("meetings", __name__)


@bp.get("/api/meetings")
def api_meetings() -> Response:
    return jsonify(meetings_json(per_generation("meetings", load_meetings)))


@bp.get("/jednani")
def page() -> str:
    state = get_state()
    meetings = per_generation("meetings", load_meetings)
    doc_ids = {path: d.get("doc_id", "") for path, d in ((d["path"], d) for d in state.searcher.documents())}

    def report_url(path: str, page: int | None) -> str:
        doc_id = doc_ids.get(path, "")
        return document_url(doc_id, anchor=f"p{page}" if page else "") if doc_id else ""

    return render_template("meetings/index.html", meetings=meetings, document_url=document_url,
                           report_url=report_url)
