"""Meetings as records: number, date, place, documents, decisions and tasks, attendance.

Built from the manifest entries of the indexed documents (minutes carry ``place``,
``ministries_present`` and ``task_reports``; every minutes or presentation carries its ``meeting``
number, presentations by the calendar of the index when they do not name it; sync metadata may add
``meeting_date``) and from the decision records of the minutes. A task that a later meeting reports
as done ("Úkol 4/1 – splněn, …") is linked to that report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MEETING_DOC_TYPES = ("minutes", "presentation")


@dataclass(frozen=True)
class MeetingDocument:
    path: str
    doc_id: str
    doc_type: str
    title: str
    format: str
    formats: tuple[dict[str, Any], ...] = ()  # the same text in other formats (index.dedup)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "doc_type": self.doc_type, "title": self.title, "doc_id": self.doc_id,
                "format": self.format, "formats": list(self.formats)}


@dataclass(frozen=True)
class Meeting:
    number: int
    date: dt.date | None
    place: str
    documents: tuple[MeetingDocument, ...]  # minutes first, then presentations
    decisions: tuple[dict[str, Any], ...]  # decision JSON (``records_json.decision_json``) + ``reports``
    ministries_present: tuple[str, ...]
    task_reports: tuple[dict[str, Any], ...]  # what this meeting said about earlier tasks

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "place": self.place,
            "documents": [d.to_json() for d in self.documents],
            "decisions": list(self.decisions),
            "ministries_present": list(self.ministries_present),
            "task_reports": list(self.task_reports),
        }


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def build_meetings(documents: Iterable[dict[str, Any]], decisions: Iterable[dict[str, Any]]) -> list[Meeting]:
    """Meetings in date order from manifest entries (with ``path``) and decision JSONs (with ``path``)."""
    documents = list(documents)
    primary_type = {d.get("doc_id"): d.get("doc_type") for d in documents}
    # a document counts as its group's primary type (a PDF export typed "other" of a presentation)
    docs = [d for d in documents if d.get("meeting") and primary_type.get(d.get("group") or d.get("doc_id"),
                                                                          d.get("doc_type")) in MEETING_DOC_TYPES]
    by_number: dict[int, list[dict[str, Any]]] = {}
    for d in docs:
        by_number.setdefault(int(d["meeting"]), []).append(d)
    meeting_of_path = {d["path"]: int(d["meeting"]) for d in docs}
    decisions_of: dict[int, list[dict[str, Any]]] = {}
    for dec in decisions:
        number = meeting_of_path.get(dec.get("path", ""))
        if number is not None:
            decisions_of.setdefault(number, []).append(dict(dec))
    meetings: list[Meeting] = []
    for number, members in by_number.items():
        # minutes with pages (PDF) first: their reports cite a page
        minutes = sorted((d for d in members if d.get("doc_type") == "minutes"), key=lambda d: d.get("format") != "pdf")
        dated = [d for d in members if d.get("meeting_date")] or minutes or members
        date = next((x for x in (_day(d.get("meeting_date") or d.get("date")) for d in dated) if x), None)
        place = max((str(d.get("place") or "") for d in minutes), key=len, default="")
        present: list[str] = []
        for d in minutes:
            present.extend(d.get("ministries_present") or [])
        reports: list[dict[str, Any]] = []
        for d in minutes:
            for r in d.get("task_reports") or []:
                if not any(x["number"] == r["number"] and x["status"] == r["status"] for x in reports):
                    reports.append(dict(r, path=d["path"]))
        members.sort(key=lambda d: (d.get("doc_type") != "minutes", d.get("title", ""), d["path"]))
        meetings.append(Meeting(
            number=number, date=date, place=place,
            documents=tuple(MeetingDocument(d["path"], str(d.get("doc_id", "")), d.get("doc_type", ""),
                                            d.get("title", ""), str(d.get("format", "")), tuple(d.get("formats") or ()))
                            for d in members if not d.get("group") or d.get("group") == d.get("doc_id")),
            decisions=(), ministries_present=tuple(dict.fromkeys(present)), task_reports=tuple(reports),
        ))  # fmt: skip
    meetings.sort(key=lambda m: (m.date or dt.date.max, m.number))
    return [_with_decisions(m, decisions_of.get(m.number, []), meetings) for m in meetings]


def _with_decisions(meeting: Meeting, decisions: list[dict[str, Any]], meetings: list[Meeting]) -> Meeting:
    """The meeting's decisions, each task with the later meetings' reports on it (``reports``, ``done``)."""
    out = []
    for dec in decisions:
        reports = []
        if dec.get("number"):
            for later in meetings:
                if later.number == meeting.number or (later.date and meeting.date and later.date <= meeting.date):
                    continue
                for r in later.task_reports:
                    if r["number"] == dec["number"]:
                        reports.append({"meeting": later.number,
                                        "date": later.date.isoformat() if later.date else None,
                                        "status": r["status"], "text": r["text"], "path": r["path"],
                                        "page": r.get("page")})
        done = next((r for r in reports if r["status"] == "splněn"), None)
        out.append(dict(dec, reports=reports, done=done))
    return Meeting(meeting.number, meeting.date, meeting.place, meeting.documents, tuple(out),
                   meeting.ministries_present, meeting.task_reports)


def meetings_json(meetings: list[Meeting]) -> dict[str, Any]:
    """The JSON of ``scsearch meetings --json`` and ``GET /api/meetings``."""
    return {"total": len(meetings), "meetings": [m.to_json() for m in meetings]}


def load_meetings(searcher: Any) -> list[Meeting]:
    """Meetings of the searcher's current generation."""
    from scsearch.index.records_json import decision_json
    from scsearch.index.types import SearchRequest

    resp = searcher.search(SearchRequest(query="", doc_types=("decision",), limit=1000, sort="date_asc"))
    hits = sorted(resp.hits, key=lambda h: (h.path, int(h.record_id.rsplit(":d", 1)[-1] or 0)))  # order in the text
    return build_meetings(searcher.documents(), [decision_json(h) for h in hits])
