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
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from scsearch.index.types import SearchRequest
from scsearch.language.entities import normalize_ministry
from scsearch.models import DECISION_TYPE, DOC_TYPES

SORTS = ("relevance", "date", "date_asc")
TYPES = DOC_TYPES + (DECISION_TYPE,)
MAX_LIMIT = 1000
UI_PAGE_SIZE = 10
MAX_UI_PAGE = 1000
MAX_MEETING = 999
_CZ_DATE = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\s*$")
_TRUE = ("1", "true", "yes", "on", "ano")
_FALSE = ("", "0", "false", "no", "off", "ne")


class ParamError(ValueError):
    """A parameter value the API rejects (HTTP 400)."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    ministries: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    meetings: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
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
            "query": self.q,
            "ministries": self.ministries,
            "doc_types": self.types,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "years": self.years,
            "meetings": self.meetings,
            "deadline_from": self.deadline_from,
            "deadline_to": self.deadline_to,
            "limit": self.limit,
            "offset": self.offset,
            "sort": self.sort,
            "group": self.group,
        }
        values.update(changes)
        return SearchRequest(**values)  # type: ignore[arg-type]


def parse_date(value: str, *, lenient: bool) -> dt.date | None:
    """ISO ``RRRR-MM-DD`` (the API, like the CLI); the UI also takes ``7. 9. 2016``."""
    value = value.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    if lenient:
        m = _CZ_DATE.match(value)
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                return None
    return None


class _Collector:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.notices: list[str] = []

    def bad(self, param: str, message: str) -> None:
        if self.strict:
            raise ParamError(param, message)
        self.notices.append(message + " Hodnota byla ignorována.")


def _int(raw: str) -> int | None:
    raw = raw.strip()
    if not re.fullmatch(r"[+-]?\d{1,9}", raw):
        return None
    return int(raw)


def _date_range(multi: MultiDict[str, str], c: _Collector, lo: str, hi: str, lo_label: str, hi_label: str,
                what: str) -> tuple[dt.date | None, dt.date | None]:
    """A validated (from, to) pair of date parameters; an inverted range is rejected as a whole."""
    found: list[dt.date | None] = []
    for name, label in ((lo, lo_label), (hi, hi_label)):
        raw = multi.get(name, "") or ""
        d = parse_date(raw, lenient=not c.strict) if raw.strip() else None
        if raw.strip() and d is None:
            c.bad(name, f"Neplatné datum „{raw[:40]}“ v poli „{label}“ (očekáváno RRRR-MM-DD).")
        found.append(d)
    start, end = found
    if start and end and start > end:
        c.bad(lo, f"{what} „od“ je pozdější než {what.lower()} „do“.")
        return None, None
    return start, end


def parse_search_args(args: Mapping[str, str] | MultiDict[str, str], *, strict: bool) -> SearchParams:
    """Read search parameters; strict raises ``ParamError``, lenient collects notices."""
    multi: MultiDict[str, str] = args if isinstance(args, MultiDict) else MultiDict(args)
    c = _Collector(strict)
    q = multi.get("q", "") or ""

    ministries: list[str] = []
    for raw in multi.getlist("ministry"):
        if not raw.strip():
            continue
        code = normalize_ministry(raw)
        if code is None:
            c.bad("ministry", f"Neznámé ministerstvo „{raw[:40]}“ (MMR, MŽP, MPO, MD, MZe, MZd, MPSV, MK, MV).")
        elif code not in ministries:
            ministries.append(code)

    types: list[str] = []
    for raw in multi.getlist("type"):
        v = raw.strip().lower()
        if not v:
            continue
        if v not in TYPES:
            c.bad("type", f"Neznámý typ dokumentu „{raw[:40]}“ ({', '.join(TYPES)}).")
        elif v not in types:
            types.append(v)

    years: list[int] = []
    for raw in multi.getlist("year"):
        if not raw.strip():
            continue
        y = _int(raw)
        if y is None or not 1900 <= y <= 2100:
            c.bad("year", f"Neplatný rok „{raw[:40]}“.")
        elif y not in years:
            years.append(y)

    meetings: list[int] = []
    for raw in multi.getlist("meeting"):
        if not raw.strip():
            continue
        n = _int(raw)
        if n is None or not 1 <= n <= MAX_MEETING:
            c.bad("meeting", f"Neplatné číslo jednání „{raw[:40]}“ (očekáváno 1–{MAX_MEETING}).")
        elif n not in meetings:
            meetings.append(n)

    dates = _date_range(multi, c, "from", "to", "od", "do", "Datum")
    deadlines = _date_range(multi, c, "deadline_from", "deadline_to", "termín od", "termín do", "Termín")

    sort = (multi.get("sort", "") or "relevance").strip()
    if sort not in SORTS:
        c.bad("sort", f"Neznámé řazení „{sort[:40]}“ ({', '.join(SORTS)}).")
        sort = "relevance"

    limit = 10
    raw_limit = multi.get("limit")
    if raw_limit is not None and raw_limit.strip():
        n = _int(raw_limit)
        if n is None:
            c.bad("limit", f"Neplatné číslo „{raw_limit[:40]}“ v parametru limit.")
        elif not 1 <= n <= MAX_LIMIT:
            c.bad("limit", f"Počet musí být 1–{MAX_LIMIT}, ne {n}.")
        else:
            limit = n

    offset = 0
    raw_offset = multi.get("offset")
    if raw_offset is not None and raw_offset.strip():
        n = _int(raw_offset)
        if n is None:
            c.bad("offset", f"Neplatné číslo „{raw_offset[:40]}“ v parametru offset.")
        else:
            offset = max(0, n)

    page = 1
    raw_page = multi.get("page")
    if raw_page is not None and raw_page.strip():
        n = _int(raw_page)
        if n is None or not 1 <= n <= MAX_UI_PAGE:
            c.bad("page", f"Neplatné číslo stránky výsledků „{raw_page[:40]}“.")
        else:
            page = n

    group = False
    raw_group = (multi.get("group", "") or "").strip().lower()
    if raw_group in _TRUE:
        group = True
    elif raw_group not in _FALSE:
        c.bad("group", f"Neplatná hodnota „{raw_group[:40]}“ parametru group (true/false).")

    return SearchParams(
        q=q,
        ministries=tuple(ministries),
        types=tuple(types),
        years=tuple(years),
        meetings=tuple(meetings),
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
