"""Funding calls: the "Výzvy" page (``/vyzvy``) and ``GET /api/calls`` (the JSON of ``scsearch calls --json``).

Parameters (page and API alike): ``open_on`` (RRRR-MM-DD; the page also takes 7. 9. 2016),
``closing_within`` (days), ``ministry`` (repeated), ``applicant``, ``area``, ``q``, ``today`` (the
reference date of ``closing_within``, default today). The API answers bad values with 400 and
``{"error", "parameter"}``; the page ignores them with a notice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from scsearch.index import params as rp
from scsearch.index.calls import Call, CallFilter, build_calls, calls_json, filter_calls
from scsearch.index.params import ParamError
from scsearch.ingest.metadata.calls import CATEGORIES
from scsearch.models import MINISTRIES
from scsearch.webui.links import document_url
from scsearch.webui.records_cache import per_generation

bp = Blueprint("calls", __name__)

MAX_TEXT = 200
MAX_DAYS = 3660
SOON_DAYS = 30  # "closing soon" on the page


def parse_call_args(args: Mapping[str, str] | MultiDict[str, str], *, strict: bool) -> tuple[CallFilter, list[str]]:
    """A ``CallFilter`` from query parameters; strict: ``ParamError`` on a bad value, else a notice."""
    multi = args if isinstance(args, MultiDict) else MultiDict(args)
    notices: list[str] = []

    def bad(param: str, message: str) -> None:
        if strict:
            raise ParamError(param, message)
        notices.append(message + " Hodnota byla ignorována.")  # as the search page does

    dates: dict[str, dt.date | None] = {}
    for name, label in (("open_on", "Datum"), ("today", "Dnes")):
        raw = (multi.get(name) or "").strip()
        dates[name] = None
        if raw:
            try:
                dates[name] = rp.parse_date(raw, name, label, lenient=not strict)
            except ParamError as exc:
                bad(exc.param, exc.message)
    days: int | None = None
    raw_days = (multi.get("closing_within") or "").strip()
    if raw_days:
        n = rp.ascii_int(raw_days)
        if n is not None and 0 <= n <= MAX_DAYS:
            days = n
        else:
            bad("closing_within", f"Neplatný počet dní „{raw_days[:40]}“ (očekáváno 0–{MAX_DAYS}).")
    ministries: list[str] = []
    for raw in multi.getlist("ministry"):
        if not raw.strip():
            continue
        try:
            code = rp.parse_ministry(raw)
        except ParamError as exc:
            bad(exc.param, exc.message)
            continue
        if code not in ministries:
            ministries.append(code)
    text = {k: (multi.get(k) or "").strip()[:MAX_TEXT] for k in ("applicant", "area", "q")}
    f = CallFilter(open_on=dates["open_on"], closing_within=days, today=dates["today"] or dt.date.today(),
                   ministries=tuple(ministries), applicant=text["applicant"], area=text["area"], query=text["q"])
    return f, notices


def _all_calls() -> list[Call]:
    return per_generation("calls", lambda searcher: build_calls(searcher.documents()))


def row_url(version: Any) -> str:
    """The document page at the overview's row (spreadsheet) or page (PDF)."""
    row = version.row
    return document_url(version.doc_id, anchor=f"p{row.page if row.page is not None else row.row}")


@bp.get("/api/calls")
def api_calls() -> Response:
    f, _ = parse_call_args(request.args, strict=True)
    return jsonify(calls_json(filter_calls(_all_calls(), f)))


@bp.errorhandler(ParamError)
def _bad_param(exc: ParamError) -> tuple[Response, int]:
    return jsonify({"error": exc.message, "parameter": exc.param, "status": 400}), 400


@bp.get("/vyzvy")
def page() -> str:
    args = request.args.copy()
    view = args.get("stav", "otevrene")
    if view not in ("otevrene", "konci", "vse"):
        view = "otevrene"
    f, notices = parse_call_args(args, strict=False)
    day = f.open_on or f.today or dt.date.today()
    if view == "otevrene":
        f = dataclasses.replace(f, open_on=day)
    elif view == "konci":
        f = dataclasses.replace(f, open_on=day, closing_within=f.closing_within or SOON_DAYS)
    everything = _all_calls()
    calls = filter_calls(everything, f)
    if args.get("razeni") == "termin_desc":
        calls.reverse()
    areas = sorted({c.row.area for c in everything if c.row.area})
    return render_template(
        "calls/index.html", calls=calls, f=f, view=view, day=day, notices=notices, areas=areas,
        ministries=MINISTRIES, categories=[name for name, _ in CATEGORIES], row_url=row_url,
        sort=args.get("razeni", "termin"), soon_days=SOON_DAYS, total_all=len(everything),
    )
