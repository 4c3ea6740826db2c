"""Validation of search request values, shared by the CLI (``scsearch search``/``decisions``) and the
web UI and API: the same ranges, the same Czech messages, ASCII digits only.

Each parser takes the raw text and returns the value or raises ``ParamError`` naming the parameter
(API: HTTP 400 with ``parameter``; CLI: exit 2 with the message; UI: a notice, the value ignored).

    >>> parse_limit("25")
    25
    >>> parse_limit("٥")
    Traceback (most recent call last):
    ...
    scsearch.index.params.ParamError: Neplatné číslo „٥“ v parametru limit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from scsearch.language.entities import normalize_ministry
from scsearch.models import DECISION_TYPE, DOC_TYPES

SORTS = ("relevance", "date", "date_asc")
TYPES = DOC_TYPES + (DECISION_TYPE,)
MAX_LIMIT = 1000
MAX_MEETING = 999
MIN_YEAR, MAX_YEAR = 1900, 2100
MINISTRY_CODES = "MMR, MŽP, MPO, MD, MZe, MZd, MPSV, MK, MV"
_INT = re.compile(r"[+-]?[0-9]{1,9}")  # ASCII digits only: not "٥", "５" or "²"
_CZ_DATE = re.compile(r"^\s*([0-9]{1,2})\.\s*([0-9]{1,2})\.\s*([0-9]{4})\s*$")


@dataclass(frozen=True)
class SearchFilters:
    """The query and filters that the search page, a saved search and an alert share (named as the
    web UI's parameters: ``q``, ``ministry``, ``type``, ``year``, ``meeting``, ``from``, ``to``)."""

    q: str = ""
    ministries: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    meetings: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def request_values(self) -> dict[str, object]:
        """These values under ``SearchRequest``'s names."""
        return {"query": self.q, "ministries": self.ministries, "doc_types": self.types, "years": self.years,
                "meetings": self.meetings, "date_from": self.date_from, "date_to": self.date_to}


class ParamError(ValueError):
    """A request value that is refused (API: HTTP 400, CLI: exit 2, UI: a notice)."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


def _show(raw: str) -> str:
    return raw[:40]


def ascii_int(raw: str) -> int | None:
    """The integer written in ASCII digits (optional sign), else None."""
    raw = raw.strip()
    return int(raw) if _INT.fullmatch(raw) else None


def parse_limit(raw: str, param: str = "limit") -> int:
    n = ascii_int(raw)
    if n is None:
        raise ParamError(param, f"Neplatné číslo „{_show(raw)}“ v parametru {param}.")
    if not 1 <= n <= MAX_LIMIT:
        raise ParamError(param, f"Počet musí být 1–{MAX_LIMIT}, ne {n}.")
    return n


def parse_offset(raw: str, param: str = "offset") -> int:
    n = ascii_int(raw)
    if n is None:
        raise ParamError(param, f"Neplatné číslo „{_show(raw)}“ v parametru {param}.")
    return max(0, n)


def parse_meeting(raw: str, param: str = "meeting") -> int:
    n = ascii_int(raw)
    if n is None or not 1 <= n <= MAX_MEETING:
        raise ParamError(param, f"Neplatné číslo jednání „{_show(raw)}“ (očekáváno 1–{MAX_MEETING}).")
    return n


def parse_year(raw: str, param: str = "year") -> int:
    y = ascii_int(raw)
    if y is None or not MIN_YEAR <= y <= MAX_YEAR:
        raise ParamError(param, f"Neplatný rok „{_show(raw)}“.")
    return y


def parse_date(raw: str, param: str, label: str, *, lenient: bool = False) -> dt.date:
    """ISO ``RRRR-MM-DD`` (the API and the CLI); lenient (the UI) also takes ``7. 9. 2016``."""
    value = raw.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    m = _CZ_DATE.match(value) if lenient else None
    if m:
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            pass
    raise ParamError(param, f"Neplatné datum „{_show(raw)}“ v poli „{label}“ (očekáváno RRRR-MM-DD).")


def check_range(start: dt.date | None, end: dt.date | None, param: str, what: str) -> None:
    """Refuse an inverted range (``what``: "Datum" or "Termín")."""
    if start and end and start > end:
        raise ParamError(param, f"{what} „od“ je pozdější než {what.lower()} „do“.")


def parse_ministry(raw: str, param: str = "ministry") -> str:
    code = normalize_ministry(raw)
    if code is None:
        raise ParamError(param, f"Neznámé ministerstvo „{_show(raw)}“ ({MINISTRY_CODES}).")
    return code


def parse_doc_type(raw: str, param: str = "type") -> str:
    v = raw.strip().lower()
    if v not in TYPES:
        raise ParamError(param, f"Neznámý typ dokumentu „{_show(raw)}“ ({', '.join(TYPES)}).")
    return v


def parse_sort(raw: str, param: str = "sort") -> str:
    v = raw.strip() or "relevance"
    if v not in SORTS:
        raise ParamError(param, f"Neznámé řazení „{_show(raw)}“ ({', '.join(SORTS)}).")
    return v
