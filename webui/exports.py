"""Exports of a search: ``/api/search.csv``, ``/api/search.ris``, ``/api/search.bib`` and ``/api/decisions.csv``.

The parameters are those of ``/api/search`` and ``/api/decisions`` (strict: a bad value answers 400 with
the API's JSON error). Each row is one hit, with the absolute URL of its place in the document page
(built from the setting ``base_url``, else from the address of the request).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from scsearch import exports, urls
from scsearch.index.types import Hit
from scsearch.webui.api import search_params
from scsearch.webui.links import hit_links
from scsearch.webui.params import ParamError, parse_search_args
from scsearch.webui.state import get_state

bp = Blueprint("exports", __name__, url_prefix="/api")

_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "bib": "application/x-bibtex; charset=utf-8",
}


@bp.errorhandler(ParamError)
def _bad_param(exc: ParamError) -> tuple[Response, int]:
    return jsonify({"error": exc.message, "parameter": exc.param, "status": 400}), 400


def site_base() -> str:
    """The public address of the site: the setting ``base_url``, else the one this request came to."""
    return urls.base_url() or request.url_root.rstrip("/")


def _rows(hits: tuple[Hit, ...], q: str) -> list[exports.ExportRow]:
    docs = get_state().documents_by_id()
    base = site_base()
    return [exports.export_row(h, urls.absolute(hit_links(h, docs.get(h.doc_id), q)["document"], base),
                               docs.get(h.doc_id)) for h in hits]


def _download(body: str, kind: str, name: str) -> Response:
    resp = Response(body, content_type=_TYPES[kind])
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def _search_export(kind: str, render: Callable[[list[exports.ExportRow]], str]) -> Response:
    params = search_params()
    resp = get_state().searcher.search(params.request(group=False))
    return _download(render(_rows(resp.hits, params.q)), kind, "vysledky-hledani")


@bp.get("/search.csv")
def search_csv() -> Response:
    return _search_export("csv", exports.search_csv)


@bp.get("/search.ris")
def search_ris() -> Response:
    return _search_export("ris", exports.ris)


@bp.get("/search.bib")
def search_bib() -> Response:
    return _search_export("bib", exports.bibtex)


@bp.get("/decisions.csv")
def decisions_csv() -> Response:
    """The decisions of ``/api/decisions`` (the same filters) as CSV."""
    params = parse_search_args(request.args, strict=True)
    resp = get_state().searcher.search(params.request(doc_types=("decision",), limit=1000, offset=0, sort="date"))
    return _download(exports.decisions_csv(_rows(resp.hits, params.q)), "csv", "usneseni-a-ukoly")
