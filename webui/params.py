"""GET parameters of the search page and the API -> ``SearchRequest``.

The API is strict (a bad value raises ``ParamError`` -> HTTP 400, like the CLI's
exit 2); the UI is lenient (a bad value is dropped and a Czech notice says so).
Parameter names are those of ``scsearch search``: ``q``, ``ministry`` (repeated),
``type`` (repeated), ``from``, ``to``, ``limit``, ``offset``, ``sort``, ``group``,
``meeting`` (repeated meeting number), ``deadline_from``, ``deadline_to`` (a decision's
deadline; ``scsearch decisions --deadline-from/--deadline-to``); plus ``year`` (repeated)
and, in the UI, ``page``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from werkzeug.datastructures import MultiDict

from scsearch.index import params as rp
from scsearch.index.params import ParamError, SearchFilters
from scsearch.index.types import SearchRequest

UI_PAGE_SIZE = 10
MAX_UI_PAGE = 1000
_TRUE = ("1", "true", "yes", "on", "ano")
_FALSE = ("", "0", "false", "no", "off", "ne")
T = TypeVar("T")


@dataclass(frozen=True)
class SearchParams(SearchFilters):
    """Everything a search page or an API call asks for: the shared filters, then paging and sorting."""

    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    sort: str = "relevance"
    limit: int = 10
    offset: int = 0
    page: int = 1
    group: bool = False
    notices: tuple[str, ...] = field(default=())

    @property
    def has_filters(self) -> bool:
        return bool(self.ministries or self.types or self.years or self.meetings or self.date_from or self.date_to
                    or self.deadline_from or self.deadline_to)

    @property
    def has_deadline(self) -> bool:
        return bool(self.deadline_from or self.deadline_to)

    def request(self, **changes: object) -> SearchRequest:
        """The ``SearchRequest`` for these parameters (fields overridable by keyword)."""
        values: dict[str, object] = {
            **self.request_values(),
            "deadline_from": self.deadline_from,
            "deadline_to": self.deadline_to,
            "limit": self.limit,
            "offset": self.offset,
            "sort": self.sort,
            "group": self.group,
        }
        values.update(changes)
        return SearchRequest(**values)  # type: ignore[arg-type]


class _Collector:
    """Strict: the first bad value raises ``ParamError``; lenient: bad values become notices."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.notices: list[str] = []

    def bad(self, exc: ParamError) -> None:
        if self.strict:
            raise exc
        self.notices.append(exc.message + " Hodnota byla ignorována.")

    def value(self, parse: Callable[[str], T], raw: str) -> T | None:
        try:
            return parse(raw)
        except ParamError as exc:
            self.bad(exc)
            return None

    def values(self, parse: Callable[[str], T], raws: list[str]) -> tuple[T, ...]:
        """The valid, non-empty values in order, without repeats."""
        out: list[T] = []
        for raw in raws:
            if raw.strip():
                v = self.value(parse, raw)
                if v is not None and v not in out:
                    out.append(v)
        return tuple(out)


def _date_range(multi: MultiDict[str, str], c: _Collector, lo: str, hi: str, lo_label: str, hi_label: str,
                what: str) -> tuple[dt.date | None, dt.date | None]:
    """A validated (from, to) pair of date parameters; an inverted range is rejected as a whole."""
    found: list[dt.date | None] = []
    for name, label in ((lo, lo_label), (hi, hi_label)):
        raw = multi.get(name, "") or ""
        parse = partial(rp.parse_date, param=name, label=label, lenient=not c.strict)
        found.append(c.value(parse, raw) if raw.strip() else None)
    start, end = found
    try:
        rp.check_range(start, end, lo, what)
    except ParamError as exc:
        c.bad(exc)
        return None, None
    return start, end


def _parse_page(raw: str) -> int:
    n = rp.ascii_int(raw)
    if n is None or not 1 <= n <= MAX_UI_PAGE:
        raise ParamError("page", f"Neplatné číslo stránky výsledků „{raw[:40]}“.")
    return n


def parse_search_args(args: Mapping[str, str] | MultiDict[str, str], *, strict: bool) -> SearchParams:
    """Read search parameters; strict raises ``ParamError``, lenient collects notices."""
    multi: MultiDict[str, str] = args if isinstance(args, MultiDict) else MultiDict(args)
    c = _Collector(strict)
    q = multi.get("q", "") or ""
    ministries = c.values(rp.parse_ministry, multi.getlist("ministry"))
    types = c.values(rp.parse_doc_type, multi.getlist("type"))
    years = c.values(rp.parse_year, multi.getlist("year"))
    meetings = c.values(rp.parse_meeting, multi.getlist("meeting"))
    dates = _date_range(multi, c, "from", "to", "od", "do", "Datum")
    deadlines = _date_range(multi, c, "deadline_from", "deadline_to", "termín od", "termín do", "Termín")
    sort = c.value(rp.parse_sort, multi.get("sort", "") or "") or "relevance"

    def single(name: str, parse: Callable[[str], int], default: int) -> int:
        raw = multi.get(name)
        value = c.value(parse, raw) if raw is not None and raw.strip() else None
        return default if value is None else value

    limit = single("limit", rp.parse_limit, 10)
    offset = single("offset", rp.parse_offset, 0)
    page = single("page", _parse_page, 1)

    group = False
    raw_group = (multi.get("group", "") or "").strip().lower()
    if raw_group in _TRUE:
        group = True
    elif raw_group not in _FALSE:
        c.bad(ParamError("group", f"Neplatná hodnota „{raw_group[:40]}“ parametru group (true/false)."))

    return SearchParams(
        q=q,
        ministries=ministries,
        types=types,
        years=years,
        meetings=meetings,
        date_from=dates[0],
        date_to=dates[1],
        deadline_from=deadlines[0],
        deadline_to=deadlines[1],
        sort=sort,
        limit=limit,
        offset=offset,
        page=page,
        group=group,
        notices=tuple(dict.fromkeys(c.notices)),
    )
