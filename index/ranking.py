"""Ranking the matched records: the top by score (re-ranked with the positional bonuses and a
diversity factor) or by date, grouped by document when asked, and turned into ``Hit``s."""

from __future__ import annotations

import numpy as np

from scsearch.index.bonus import positional_factors
from scsearch.index.citation import citation
from scsearch.index.generation import Generation
from scsearch.index.plan import QueryPlan
from scsearch.index.snippets import make_snippet
from scsearch.index.stored import StoredRecord
from scsearch.index.types import DocGroup, Hit, SearchRequest

DIVERSITY = 0.9  # score factor for each further page of the same document in the top hits
RERANK_DEPTH = 50  # how many top hits the positional bonuses re-rank
GROUP_DEPTH = 300  # how many top hits feed the grouping by document

Ranked = list[tuple[float, int]]  # (score, record number), best first


def ranked_hits(st: Generation, sel: np.ndarray, scores: np.ndarray, req: SearchRequest, plan: QueryPlan
                ) -> tuple[list[Hit], list[DocGroup], int]:
    """The requested page of hits (or of document groups) among the records ``sel`` (matched and allowed by
    the filters) and the number of distinct documents. Only the records shown are read from the index
    (ranking and grouping use the columns)."""
    limit = max(1, min(req.limit, req.hit_cap))
    offset = max(0, req.offset)
    idx = np.flatnonzero(sel)
    if not idx.size:
        return [], [], 0
    doc_codes = st.cols.doc_id
    total_docs = _distinct(doc_codes[idx])
    if req.group:
        # rank the best pages, then one group per document (other formats of a document are left out
        # of the columns when the generation opens: ``dedup.collapse_formats``)
        depth = max(GROUP_DEPTH, (offset + limit) * 10)
        order: dict[int, Ranked] = {}
        for item in top_records(st, idx, scores, depth, plan, req.sort):
            order.setdefault(int(doc_codes[item[1]]), []).append(item)
        shown = [order[fam][:3] for fam in list(order)[offset : offset + limit]]
        records = _records(st, [d for family in shown for _score, d in family])
        groups = []
        for family in shown:
            hits = [make_hit(records[d], score, plan) for score, d in family]
            groups.append(DocGroup(doc_id=hits[0].doc_id, best=hits[0], hits=tuple(hits)))
        return [g.best for g in groups], groups, total_docs
    page = top_records(st, idx, scores, offset + limit, plan, req.sort)[offset : offset + limit]
    records = _records(st, [d for _score, d in page])
    return [make_hit(records[d], score, plan) for score, d in page], [], total_docs


def _records(st: Generation, docnums: list[int]) -> dict[int, StoredRecord]:
    """The stored records of ``docnums``, read under the generation's I/O lock."""
    with st.io:
        return {d: StoredRecord.from_fields(st.reader.stored_fields(d), d) for d in docnums}


def _distinct(codes: np.ndarray) -> int:
    """How many distinct values a small non-negative integer array holds."""
    if not codes.size:
        return 0
    return int(np.count_nonzero(np.bincount(codes)))


def top_records(st: Generation, cand: np.ndarray, scores: np.ndarray, n: int, plan: QueryPlan, sort: str) -> Ranked:
    """The top ``n`` (score, record number) among the ascending record numbers ``cand``: by relevance
    re-ranked with the positional bonuses, or by date (newest or oldest first, relevance breaking ties)."""
    if sort in ("date", "date_asc"):
        dates = st.cols.date[cand].astype(np.int64)
        order = np.lexsort((-scores[cand], -dates if sort == "date" else dates))[:n]
        return [(float(scores[d]), int(d)) for d in cand[order]]
    depth = max(n, RERANK_DEPTH)
    top = [(float(score), d) for d, score in st.fast.top_of(cand, scores, depth)]
    if plan.proximity or plan.exact_phrases:
        with st.io:
            factors = positional_factors(st.fast, [d for _, d in top], plan.proximity, plan.exact_phrases)
        top = [(score * factor, d) for (score, d), factor in zip(top, factors, strict=True)]
        top.sort(key=lambda item: -item[0])
    # diversity: each further page of a document already listed counts a little less, so one long
    # document does not fill the first page of results when others match almost as well
    doc_codes = st.cols.doc_id
    seen: dict[int, int] = {}
    diversified = []
    for score, d in top:
        code = int(doc_codes[d])
        k = seen.get(code, 0)
        seen[code] = k + 1
        diversified.append((score * DIVERSITY**k, d))
    diversified.sort(key=lambda item: -item[0])
    return diversified[:n]


def make_hit(rec: StoredRecord, score: float, plan: QueryPlan) -> Hit:
    """A hit with its snippet (the record's text tokenised once, here) and citation."""
    f = rec.fields
    snippet = make_snippet(f.get("text", ""), f.get("lemma", ""), plan.lemmas, plan.forms, plan.prefixes, plan.stems)
    return Hit(
        record_id=f["record_id"],
        doc_id=f["doc_id"],
        path=f["path"],
        title=f.get("title", ""),
        doc_type=f.get("doc_type", "other"),
        date=rec.date,
        ministries=rec.ministries,
        page=f.get("page"),
        snippet=snippet,
        score=score,
        page_label=f.get("page_label"),
        method=f.get("method", "text"),
        kind=f.get("kind", "page"),
        citation=citation(f.get("title", ""), f.get("doc_type", ""), rec.date, f.get("kind", "page"),
                          f.get("page"), f.get("page_label"), f.get("meeting")),
        decision=rec.decision,
    )


