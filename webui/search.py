"""The search page (``/``): results grouped by document, facets, decisions, pagination."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, render_template, request

from index.types import SearchResponse
from scsearch.models import DOC_TYPES
from webui.facets import Facet, build_facet, state_args, url_for_state, with_changes
from webui.links import hit_links
from webui.params import UI_PAGE_SIZE, SearchParams, parse_search_args
from webui.state import get_state

bp = Blueprint("search", __name__)

DECISIONS_SHOWN = 3
PAGER_WINDOW = 2


def _facets(p: SearchParams, resp: SearchResponse, decisions: SearchResponse | None) -> list[Facet]:
    types = dict(resp.facets.get("doc_type", {}))
    if decisions is not None and decisions.total:
        types["decision"] = decisions.total
    years = resp.facets.get("year", {})
    return [
        build_facet(p, "ministry", "Ministerstvo", resp.facets.get("ministry", {}), p.ministries),
        build_facet(p, "type", "Typ dokumentu", types, p.types, order=DOC_TYPES + ("decision",)),
        build_facet(p, "year", "Rok", years, [str(y) for y in p.years], order=sorted(years, reverse=True)),
    ]


def _pager(p: SearchParams, total_docs: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total_docs / UI_PAGE_SIZE))

    def url(n: int) -> str:
        args = state_args(p)
        args.pop("page", None)
        if n > 1:
            args.add("page", str(n))
        return url_for_state(args)

    window = range(max(1, p.page - PAGER_WINDOW), min(pages, p.page + PAGER_WINDOW) + 1)
    return {
        "page": p.page,
        "pages": pages,
        "prev": url(p.page - 1) if p.page > 1 else None,
        "next": url(p.page + 1) if p.page < pages else None,
        "first": url(1) if window.start > 1 else None,
        "last": url(pages) if window.stop <= pages else None,
        "window": [(n, url(n)) for n in window],
    }


@bp.get("/")
def index() -> str:
    p = parse_search_args(request.args, strict=False)
    state = get_state()
    searcher = state.searcher
    docs = state.documents_by_id()
    active = bool(p.q.strip()) or p.has_filters
    ctx: dict[str, Any] = {"p": p, "active": active, "documents_count": len(docs)}
    if not active:
        return render_template("search/index.html", **ctx)
    resp = searcher.search(p.request(limit=UI_PAGE_SIZE, offset=(p.page - 1) * UI_PAGE_SIZE, group=True))
    decisions = None
    if "decision" not in p.types:
        decisions = searcher.search(
            p.request(doc_types=("decision",), limit=DECISIONS_SHOWN, offset=0, group=False,
                      sort="relevance" if p.q.strip() else "date")
        )
    groups = [
        {
            "doc": docs.get(g.doc_id, {}),
            "best": g.best,
            "hits": [{"hit": h, "links": hit_links(h, docs.get(h.doc_id), p.q)} for h in g.hits],
            "more": max(0, sum(1 for _ in g.hits) - 1),
        }
        for g in resp.groups
    ]
    decision_items = [
        {"hit": h, "links": hit_links(h, docs.get(h.doc_id), p.q)} for h in (decisions.hits if decisions else ())
    ]
    sorts = [
        (key, label, with_changes(p, sort=None if key == "relevance" else key))
        for key, label in (("relevance", "relevance"), ("date", "nejnovější"), ("date_asc", "nejstarší"))
    ]
    ctx.update(
        resp=resp,
        groups=groups,
        decisions=decisions,
        decision_items=decision_items,
        decisions_url=with_changes(p, type_=["decision"]),
        facets=_facets(p, resp, decisions),
        pager=_pager(p, resp.total_docs),
        sorts=sorts,
        suggestion_url=with_changes(p, q=resp.suggestion) if resp.suggestion else None,
        clear_dates_url=with_changes(p, from_=None, to=None),
        clear_all_url=with_changes(p, ministry=None, type_=None, year=None, from_=None, to=None),
    )
    return render_template("search/index.html", **ctx)
