"""A saved search: the query and filters of the search page, as a canonical query string.

The query string uses the search page's parameter names (``q``, ``ministry``, ``type``, ``year``,
``meeting``, ``from``, ``to``), so the link in an alert opens the same search in the web UI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from scsearch.index.citation import NBSP, czech_date
from scsearch.index.params import SearchFilters
from scsearch.index.types import SearchRequest

MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class SavedSearch(SearchFilters):
    """The query and filters of a saved search (an alert, a feed)."""

    @property
    def empty(self) -> bool:
        return not (self.q.strip() or self.ministries or self.types or self.years or self.meetings
                    or self.date_from or self.date_to)

    def query_string(self) -> str:
        pairs: list[tuple[str, str]] = []
        if self.q.strip():
            pairs.append(("q", self.q.strip()))
        pairs += [("ministry", m) for m in self.ministries] + [("type", t) for t in self.types]
        pairs += [("year", str(y)) for y in self.years] + [("meeting", str(n)) for n in self.meetings]
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        return urlencode(pairs)

    def request(self, **changes: object) -> SearchRequest:
        values = self.request_values()
        values.update(changes)
        return SearchRequest(**values)  # type: ignore[arg-type]

    def label(self) -> str:
        """A one-line Czech description: ``„elektromobilita“, ministerstvo MD, od 1. 1. 2017``."""
        parts = [f"„{' '.join(self.q.split())}“"] if self.q.strip() else []
        if self.ministries:
            parts.append("ministerstvo " + " nebo ".join(self.ministries))
        if self.types:
            parts.append("typ " + " nebo ".join(self.types))
        if self.years:
            parts.append("rok " + " nebo ".join(map(str, self.years)))
        if self.meetings:
            parts.append("jednání " + " nebo ".join(map(str, self.meetings)))
        if self.date_from:
            parts.append("od " + czech_date(self.date_from).replace(NBSP, " "))
        if self.date_to:
            parts.append("do " + czech_date(self.date_to).replace(NBSP, " "))
        return ", ".join(parts) or "všechny dokumenty"


def from_query_string(text: str) -> SavedSearch:
    """Parse a canonical query string (as written by ``query_string``); unknown keys are ignored."""
    q = ""
    lists: dict[str, list[str]] = {"ministry": [], "type": [], "year": [], "meeting": []}
    dates: dict[str, dt.date | None] = {"from": None, "to": None}
    for key, value in parse_qsl(text, keep_blank_values=False):
        if key == "q":
            q = value
        elif key in lists:
            lists[key].append(value)
        elif key in dates:
            dates[key] = dt.date.fromisoformat(value)
    return SavedSearch(
        q=q, ministries=tuple(lists["ministry"]), types=tuple(lists["type"]),
        years=tuple(int(y) for y in lists["year"]), meetings=tuple(int(n) for n in lists["meeting"]),
        date_from=dates["from"], date_to=dates["to"],
    )
