"""The search page (``/``): results grouped by document, facets, decisions, pagination.

With the type filter ``decision`` the page is the "Usnesení a úkoly" view: decision records as
results, a deadline range ("Termín splnění") in the sidebar, kind/number/responsible/deadline per hit.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, request

from scsearch.index.types import SearchResponse
from scsearch.ingest.sync.state import next_meeting as next_meeting_date
from scsearch.models import DOC_TYPES
from scsearch.webui.facets import Facet, build_facet, state_args, url_for_state, with_changes
from scsearch.webui.feeds import subscribe_context
from scsearch.webui.labels import date_label
from scsearch.webui.links import hit_links
from scsearch.webui.observability import count_search
from scsearch.webui.params import UI_PAGE_SIZE, SearchParams, parse_search_args
from scsearch.webui.state import get_state

bp = Blueprint("search", __name__)

DECISIONS_SHOWN = 3
DECISION_PAGE_SIZE = 20  # the "Usnesení a úkoly" view lists decision records one by one
PAGER_WINDOW = 2


def _meeting_titles(docs: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Meeting number -> "jednání 5. 4. 2017" (the date of its minutes), for the facet's tooltips."""
    out: dict[str, str] = {}
    for d in docs.values():
        number, date = d.get("meeting"), d.get("date")
        if number and date and (d.get("doc_type") == "minutes" or str(number) not in out):
            out[str(number)] = f"jednání {date_label(date)}"
    return out


def _facets(p: SearchParams, resp: SearchResponse, decisions: SearchResponse | None,
            docs: dict[str, dict[str, Any]]) -> list[Facet]:
    types = dict(resp.facets.get("doc_type", {}))
    if decisions is not None and decisions.total:
        types["decision"] = decisions.total
    years = resp.facets.get("year", {})
    meetings = resp.facets.get("meeting", {})
    meeting_order = sorted({*meetings, *(str(n) for n in p.meetings)}, key=lambda m: (len(m), m))
    return [
        build_facet(p, "ministry", "Ministerstvo", resp.facets.get("ministry", {}), p.ministries),
        build_facet(p, "type", "Typ dokumentu", types, p.types, order=DOC_TYPES + ("decision",)),
        build_facet(p, "meeting", "Jednání", meetings, [str(n) for n in p.meetings], order=meeting_order,
                    titles=_meeting_titles(docs)),
        build_facet(p, "year", "Rok", years, [str(y) for y in p.years], order=sorted(years, reverse=True)),
    ]


def _pager(p: SearchParams, total: int, page_size: int = UI_PAGE_SIZE) -> dict[str, Any]:
    pages = max(1, math.ceil(total / page_size))

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
        ctx["next_meeting"] = next_meeting_date(Path(current_app.config["DATA_DIR"]))
        return render_template("search/index.html", **ctx)
    decision_view = "decision" in p.types
    notices: list[str] = []
    page_changes: dict[str, Any] = {}
    if p.has_deadline and not decision_view:
        # a deadline belongs to decisions only: the pages are searched without it, the decisions block with it
        page_changes = {"deadline_from": None, "deadline_to": None}
        notices.append("Termín splnění se uplatní jen na usnesení a úkoly.")
    # only decisions asked for: a flat list of records (a document's decisions are not cut to its best three)
    listing = p.types == ("decision",)
    size = DECISION_PAGE_SIZE if listing else UI_PAGE_SIZE
    sort = "date" if listing and p.sort == "relevance" and not p.q.strip() else p.sort
    resp = searcher.search(p.request(limit=size, offset=(p.page - 1) * size, group=not listing, sort=sort,
                                     **page_changes))
    count_search("ui", resp.total)
    decisions = None
    if not decision_view:
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
    if listing:
        groups = [
            {"doc": docs.get(h.doc_id, {}), "best": h, "hits": [{"hit": h, "links": hit_links(h, docs.get(h.doc_id), p.q)}],
             "more": 0}
            for h in resp.hits
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
        facets=_facets(p, resp, decisions, docs),
        decision_view=decision_view,
        view_notices=notices,
        listing=listing,
        first_number=(p.page - 1) * size + 1,
        pager=_pager(p, resp.total if listing else resp.total_docs, size),
        sorts=sorts,
        suggestion_url=with_changes(p, q=resp.suggestion) if resp.suggestion else None,
        clear_dates_url=with_changes(p, from_=None, to=None),
        clear_deadline_url=with_changes(p, deadline_from=None, deadline_to=None),
        clear_all_url=with_changes(p, ministry=None, type_=None, year=None, meeting=None, from_=None, to=None,
                                   deadline_from=None, deadline_to=None),
        **subscribe_context(p),
    )
    return render_template("search/index.html", **ctx)
