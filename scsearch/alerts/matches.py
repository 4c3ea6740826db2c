"""The documents a search matches, newest first by indexing time: entries of Atom feeds and alert digests.

A document is one group of the search's grouped view (an original and its PDF export are one group).
Its time is when it was first indexed or last changed (``changed_at`` in the index manifest); documents
indexed before the manifest recorded it take the time of the index generation. A search that found
only pages with some of its words (``partial``) matches nothing here: a feed or an alert lists only
documents that match the whole query.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from scsearch.index.search import Searcher
from scsearch.index.types import Hit, SearchRequest

MAX_DOCUMENTS = 1000  # groups asked of the search (its limit)


@dataclass(frozen=True)
class DocMatch:
    key: str  # the document's family (path without suffix, folded): an original and its export share it
    doc_id: str
    title: str
    doc_type: str
    date: dt.date | None
    hits: tuple[Hit, ...]  # its best pages, best first
    updated: dt.datetime  # first indexed or last changed (UTC)


def family_key(path: str) -> str:
    """The grouping key of the search's grouped view: the path without its suffix, case-folded."""
    p = PurePosixPath(unicodedata.normalize("NFC", path.replace("\\", "/")))
    return str(p.with_suffix("")).casefold()


def parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def document_time(doc: dict[str, Any] | None, fallback: dt.datetime) -> dt.datetime:
    doc = doc or {}
    return parse_time(doc.get("changed_at")) or parse_time(doc.get("indexed_at")) or fallback


def matching_documents(searcher: Searcher, req: SearchRequest) -> list[DocMatch]:
    """Every document the search matches (up to ``MAX_DOCUMENTS``), newest first by indexing time."""
    resp = searcher.search(dataclasses.replace(req, group=True, limit=MAX_DOCUMENTS, offset=0, sort="relevance"))
    if resp.partial or not resp.groups:
        return []
    docs = {d.get("doc_id"): d for d in searcher.documents()}
    fallback = parse_time(searcher.stats().get("committed_at")) or dt.datetime.now(dt.UTC)
    out = []
    for g in resp.groups:
        doc = docs.get(g.doc_id)
        times = [document_time(docs.get(h.doc_id), fallback) for h in g.hits]
        best = g.best
        out.append(DocMatch(
            key=family_key(best.path), doc_id=g.doc_id, title=best.title or best.path,
            doc_type=str((doc or {}).get("doc_type") or best.doc_type), date=best.date, hits=g.hits,
            updated=max(times),
        ))
    out.sort(key=lambda m: (m.updated, m.date or dt.date.min), reverse=True)
    return out
