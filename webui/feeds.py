"""``GET /feed``: an Atom 1.0 feed (feedgen) for any search of the search page.

Takes the search page's query string (``q``, ``ministry``, ``type``, ``year``, ``meeting``, ``from``,
``to``); a bad value answers 400. One entry per matching document, newest first by the time it was
first indexed or last changed, at most ``MAX_ENTRIES``: its best pages with snippet, citation and a
link to the document page at the page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from feedgen.feed import FeedGenerator
from flask import Blueprint, abort, request, url_for
from markupsafe import escape
from werkzeug.wrappers import Response

from scsearch import urls
from scsearch.alerts.matches import DocMatch, matching_documents, parse_time
from scsearch.alerts.search_spec import SavedSearch
from scsearch.webui.exports import site_base
from scsearch.webui.labels import date_label, type_label
from scsearch.webui.links import hit_links
from scsearch.webui.params import ParamError, SearchParams, parse_search_args
from scsearch.webui.state import get_state

bp = Blueprint("feeds", __name__)

MAX_ENTRIES = 50
FEED_KEYS = ("q", "ministry", "type", "year", "meeting", "from", "to")


def saved_search(p: SearchParams) -> SavedSearch:
    """The part of the search page's state a feed or an alert keeps (no sorting, paging, deadlines)."""
    return SavedSearch(q=" ".join(p.q.split()), ministries=p.ministries, types=p.types, years=p.years,
                       meetings=p.meetings, date_from=p.date_from, date_to=p.date_to)


def feed_url(p: SearchParams) -> str:
    """The address of the feed of a search state (relative)."""
    qs = saved_search(p).query_string()
    return url_for("feeds.feed") + (f"?{qs}" if qs else "")


def _entry_html(m: DocMatch, links: list[str]) -> str:
    """The entry's content: type and date, then each best page as citation (linked) and snippet."""
    pages = "".join(f'<li><a href="{escape(url)}">{escape(h.citation)}</a>: {h.snippet}</li>'
                    for h, url in zip(m.hits, links, strict=True))
    return f"<p>{escape(type_label(m.doc_type))}, {escape(date_label(m.date) or 'bez data')}</p><ul>{pages}</ul>"


@bp.get("/feed")
def feed() -> Response:
    try:
        p = parse_search_args(request.args, strict=True)
    except ParamError as exc:
        abort(Response(exc.message + "\n", status=400, content_type="text/plain; charset=utf-8"))
    saved = saved_search(p)
    state = get_state()
    matches = matching_documents(state.searcher, saved.request())[:MAX_ENTRIES] if not saved.empty else []
    base = site_base()
    qs = saved.query_string()
    self_url = base + feed_url(p)
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(f"Dokumenty PS pro Smart Cities: {saved.label()}")
    fg.subtitle("Nové a změněné dokumenty, které odpovídají hledání.")
    fg.language("cs")
    fg.author({"name": "Vyhledávání v dokumentech PS pro Smart Cities"})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=urls.absolute(urls.search_path(qs), base), rel="alternate", type="text/html")
    fg.generator("scsearch")
    committed = parse_time(state.searcher.stats().get("committed_at"))
    fg.updated(max([m.updated for m in matches], default=committed or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    docs = state.documents_by_id()
    for m in matches:
        best = m.hits[0]
        links = [urls.absolute(hit_links(h, docs.get(h.doc_id), saved.q)["document"], base) for h in m.hits]
        entry = fg.add_entry(order="append")
        entry.id(urls.absolute(urls.document_path(m.doc_id), base))
        entry.title(m.title)
        entry.link(href=links[0], rel="alternate", type="text/html")
        entry.updated(m.updated)
        if m.date:
            entry.published(dt.datetime.combine(m.date, dt.time(), tzinfo=dt.UTC))
        entry.summary(best.citation)
        entry.content(_entry_html(m, links), type="html")
        for code in best.ministries:
            entry.category(term=code)
    body = fg.atom_str(pretty=True)
    resp = Response(body, content_type="application/atom+xml; charset=utf-8")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def subscribe_context(p: SearchParams) -> dict[str, object]:
    """What the results page needs for its "Exportovat" menu, Atom link and alert form."""
    saved = saved_search(p)
    qs = saved.query_string()
    extra = f"&sort={p.sort}" if p.sort != "relevance" else ""
    decisions_qs = saved_search(dataclasses.replace(p, types=())).query_string()
    return {
        "feed_href": feed_url(p),
        "export_urls": {
            "csv": url_for("exports.search_csv") + f"?{qs}&limit=1000{extra}",
            "ris": url_for("exports.search_ris") + f"?{qs}&limit=1000{extra}",
            "bib": url_for("exports.search_bib") + f"?{qs}&limit=1000{extra}",
            "decisions": url_for("exports.decisions_csv") + (f"?{decisions_qs}" if decisions_qs else ""),
        },
    }
