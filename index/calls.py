"""Funding calls as records: the rows of every overview in the index, one call with its versions.

The rows are stored with each overview's manifest entry (``calls``, written at index time by
``ingest.metadata.calls``). The same call in several quarterly overviews is one ``Call``: matched by
programme and call number ("53. výzva", "Výzva č. 2/2017", "Operace 19.2.1") or, without a number,
by its name (brackets such as "(prodloužení)" ignored), never by row position. The newest overview
gives the call's current values; ``versions`` lists what each overview said.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scsearch.ingest.metadata.calls import CallRow, applicant_category, call_number
from scsearch.language.tokenize import fold


@dataclass(frozen=True)
class CallVersion:
    """One overview's row of a call."""

    row: CallRow
    doc_id: str
    overview_date: dt.date | None
    overview_title: str

    def to_json(self) -> dict[str, Any]:
        r = self.row
        return {
            "path": r.path, "doc_id": self.doc_id, "page": r.page, "row": r.row,
            "overview_date": self.overview_date.isoformat() if self.overview_date else None,
            "overview_title": self.overview_title,
            "call": r.call,
            "open_from": r.open_from.isoformat() if r.open_from else None,
            "open_to": r.open_to.isoformat() if r.open_to else None,
            "open_text": r.open_text, "allocation_czk": r.allocation_czk, "allocation_text": r.allocation_text,
            "applicants": r.applicants, "flags": list(r.flags),
        }  # fmt: skip


@dataclass(frozen=True)
class Call:
    """A call with the values of its newest overview and every version."""

    id: str
    current: CallVersion
    versions: tuple[CallVersion, ...]  # oldest overview first

    @property
    def row(self) -> CallRow:
        return self.current.row

    @property
    def changes(self) -> tuple[str, ...]:
        """What moved between overviews (Czech), e.g. 'termín ukončení: 29. 6. 2017 → 29. 12. 2017'."""
        out: list[str] = []
        for old, new in zip(self.versions, self.versions[1:], strict=False):
            if old.row.open_to != new.row.open_to:
                out.append(f"termín ukončení: {_cz(old.row.open_to)} → {_cz(new.row.open_to)}")
            if old.row.open_from != new.row.open_from:
                out.append(f"zahájení příjmu: {_cz(old.row.open_from)} → {_cz(new.row.open_from)}")
            if old.row.allocation_czk != new.row.allocation_czk:
                out.append(f"alokace: {old.row.allocation_text or '–'} → {new.row.allocation_text or '–'}")
        return tuple(out)

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for v in self.versions for f in v.row.flags))

    def to_json(self) -> dict[str, Any]:
        r = self.row
        return {
            "id": self.id, "call": r.call, "call_number": r.call_number, "programme": r.programme,
            "provider": list(r.provider), "area": r.area,
            "open_from": r.open_from.isoformat() if r.open_from else None,
            "open_to": r.open_to.isoformat() if r.open_to else None,
            "open_text": r.open_text, "continuous": r.continuous,
            "allocation_czk": r.allocation_czk, "allocation_text": r.allocation_text,
            "applicants": r.applicants, "categories": list(r.categories),
            "source": {"path": r.path, "doc_id": self.current.doc_id, "page": r.page, "row": r.row,
                       "overview_date": self.current.overview_date.isoformat() if self.current.overview_date else None},
            "flags": list(self.flags), "changes": list(self.changes),
            "versions": [v.to_json() for v in self.versions],
        }  # fmt: skip


@dataclass(frozen=True)
class CallFilter:
    """``scsearch calls`` / ``/api/calls`` / the Výzvy page: every condition must hold."""

    open_on: dt.date | None = None  # the call's window contains this date
    closing_within: int | None = None  # days: the window ends within this many days of open_on (or today)
    today: dt.date | None = None  # reference date for closing_within when open_on is not given
    ministries: tuple[str, ...] = ()  # any of these providers
    applicant: str = ""  # a category ("obce", "svazky obcí", "MAS") or text in the applicants
    area: str = ""
    query: str = ""


def _cz(d: dt.date | None) -> str:
    return f"{d.day}. {d.month}. {d.year}" if d else "–"


def call_key(row: CallRow) -> tuple[str, str]:
    """Programme + call number, or programme + the name without brackets when there is no number."""
    programme = re.sub(r"[^a-z0-9]", "", fold(row.programme))
    number = call_number(row.call)
    if number:
        return programme, number
    name = re.sub(r"\(.*?\)", " ", fold(row.call))
    return programme, " ".join(re.findall(r"[a-z0-9]+", name))


def build_calls(documents: Iterable[dict[str, Any]]) -> list[Call]:
    """Calls from the manifest entries of the indexed documents (each with its ``calls`` rows)."""
    groups: dict[tuple[str, str], list[CallVersion]] = {}
    for doc in documents:
        rows = doc.get("calls") or []
        if not rows:
            continue
        date = dt.date.fromisoformat(doc["date"]) if doc.get("date") else None
        for raw in rows:
            row = CallRow.from_json(raw)
            version = CallVersion(row=row, doc_id=str(doc.get("doc_id", "")), overview_date=date,
                                  overview_title=str(doc.get("title", "")))
            groups.setdefault(call_key(row), []).append(version)
    calls = []
    for key, versions in groups.items():
        versions.sort(key=lambda v: (v.overview_date or dt.date.min, v.row.path, v.row.page or 0, v.row.row))
        ident = hashlib.sha1("\x00".join(key).encode("utf-8")).hexdigest()[:12]
        calls.append(Call(id=ident, current=versions[-1], versions=tuple(versions)))
    calls.sort(key=_deadline_order)
    return calls


def _deadline_order(call: Call) -> tuple[dt.date, str]:
    return call.row.open_to or dt.date.max, fold(call.row.call)


def is_open(row: CallRow, day: dt.date) -> bool:
    """Whether the window contains ``day``; a continuous call ("průběžně") is open from its start on."""
    if row.open_from is None and row.open_to is None:
        return row.continuous
    if row.open_from is not None and day < row.open_from:
        return False
    return row.open_to is None or day <= row.open_to


def matches(call: Call, f: CallFilter) -> bool:
    row = call.row
    if f.open_on is not None and not is_open(row, f.open_on):
        return False
    if f.closing_within is not None:
        ref = f.open_on or f.today or dt.date.today()
        if row.open_to is None or not ref <= row.open_to <= ref + dt.timedelta(days=f.closing_within):
            return False
    if f.ministries and not set(f.ministries) & set(row.provider):
        return False
    if f.applicant:
        category = applicant_category(f.applicant)
        if category is not None:
            if category not in row.categories:
                return False
        elif fold(f.applicant).strip() not in fold(row.applicants):
            return False
    if f.area and fold(f.area).strip() not in fold(row.area):
        return False
    if f.query:
        hay = fold(" ".join([row.call, row.programme, row.area, row.applicants, *row.provider]))
        if not all(w in hay for w in re.findall(r"\w+", fold(f.query))):
            return False
    return True


def filter_calls(calls: Iterable[Call], f: CallFilter) -> list[Call]:
    """The calls passing ``f``, by deadline (the soonest first, calls without an end last)."""
    return [c for c in calls if matches(c, f)]


def calls_json(calls: list[Call]) -> dict[str, Any]:
    """The JSON of ``scsearch calls --json`` and ``GET /api/calls``."""
    return {"total": len(calls), "calls": [c.to_json() for c in calls]}
