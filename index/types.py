"""Typed requests and results of search; the JSON contract of ``scsearch search --json``
and ``GET /api/search`` is ``SearchResponse.to_json()``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

MAX_LIMIT = 200  # hits per request (pages/groups); more are reached with ``offset``
MAX_DECISION_LIMIT = 1000  # the decisions list: records of one sentence each



@dataclass(frozen=True)
class SearchRequest:
    query: str
    ministries: tuple[str, ...] = ()  # canonical codes (MŽP ...), OR within
    doc_types: tuple[str, ...] = ()  # OR within; "decision" selects decision records
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    years: tuple[int, ...] = ()
    meetings: tuple[int, ...] = ()  # meeting numbers (minutes and what was presented there)
    deadline_from: dt.date | None = None  # decisions whose deadline is in this range (others excluded)
    deadline_to: dt.date | None = None
    limit: int = 10
    offset: int = 0
    sort: str = "relevance"  # "relevance" | "date" | "date_asc"
    group: bool = False  # group hits by document (UI); flat page hits otherwise
    include_decisions: bool = False  # decision records only when asked for (doc_types has "decision" or this)

    @property
    def hit_cap(self) -> int:
        """The most hits one request returns: ``MAX_LIMIT``, more for a list of decisions only."""
        return MAX_DECISION_LIMIT if self.doc_types == ("decision",) else MAX_LIMIT


@dataclass(frozen=True)
class Hit:
    record_id: str  # unique id of the page/row/decision record
    doc_id: str  # stable id of the document (hash of its normalised path)
    path: str  # source path as ingested
    title: str
    doc_type: str  # minutes | presentation | funding_overview | plan | methodology | other | decision
    date: dt.date | None
    ministries: tuple[str, ...]
    page: int | None
    snippet: str  # HTML: escaped text with <mark> around matched words
    score: float
    page_label: str | None = None
    method: str = "text"  # text | ocr | needs_ocr
    kind: str = "page"  # page | slide | row | decision
    citation: str = ""  # ready Czech citation
    decision: dict[str, Any] | None = None  # for decision records: kind, responsible, deadline, number

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "title": self.title,
            "doc_type": self.doc_type,
            "date": self.date.isoformat() if self.date else None,
            "ministries": list(self.ministries),
            "page": self.page,
            "snippet": self.snippet,
            "score": round(float(self.score), 4),
            "doc_id": self.doc_id,
            "page_label": self.page_label,
            "method": self.method,
            "kind": self.kind,
            "citation": self.citation,
        }
        if self.decision is not None:
            out["decision"] = self.decision
        return out


@dataclass(frozen=True)
class DocGroup:
    """Hits of one document (grouped view)."""

    doc_id: str
    best: Hit
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class QueryExpansion:
    """A query word and the related words it was also searched as ("hledáno také jako …")."""

    word: str  # as typed
    related: tuple[str, ...]  # synonyms, abbreviations, derivations; each weighs less than the word

    def to_json(self) -> dict[str, Any]:
        return {"word": self.word, "related": list(self.related)}


@dataclass(frozen=True)
class SearchResponse:
    query: str
    total: int  # number of matching records (pages/rows/decisions) after filters
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # ministry, doc_type, year, meeting
    notices: tuple[str, ...] = ()  # Czech notices: partial match, typo correction, lemmatiser mismatch
    suggestion: str | None = None  # "Měli jste na mysli …" (only when it has hits)
    partial: bool = False  # True when not all words matched (AND found nothing)
    groups: tuple[DocGroup, ...] = ()  # when request.group
    total_docs: int = 0
    expansions: tuple[QueryExpansion, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
            "notices": list(self.notices),
            "suggestion": self.suggestion,
            "partial": self.partial,
            "total_docs": self.total_docs,
            "expansions": [e.to_json() for e in self.expansions],
        }
