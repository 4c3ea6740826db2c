"""A plan's query tree (``index.qtree``) as whoosh's query objects, for where whoosh itself answers a query
(prefix expansion per segment, matches of a positional query the scorer cannot take from the postings)."""

from __future__ import annotations

from whoosh import query as wq

from scsearch.index import qtree as Q


def to_whoosh(q: Q.Query) -> wq.Query:
    """The whoosh query of the same meaning (same fields, texts, boosts, slops)."""
    if isinstance(q, Q.Term):
        return wq.Term(q.fieldname, q.text, boost=q.boost)
    if isinstance(q, Q.Prefix):
        return wq.Prefix(q.fieldname, q.text, boost=q.boost, constantscore=q.constantscore)
    if isinstance(q, Q.Every):
        return wq.Every(q.fieldname, boost=q.boost)
    if isinstance(q, Q.And):
        return wq.And([to_whoosh(s) for s in q.subqueries], boost=q.boost)
    if isinstance(q, Q.Or):
        return wq.Or([to_whoosh(s) for s in q.subqueries], boost=q.boost)
    if isinstance(q, Q.AndNot):
        return wq.AndNot(to_whoosh(q.a), to_whoosh(q.b))
    if isinstance(q, Q.Phrase):
        return wq.Phrase(q.fieldname, list(q.words), slop=q.slop, boost=q.boost)
    if isinstance(q, Q.Sequence):
        return wq.Sequence([to_whoosh(s) for s in q.subqueries], slop=q.slop, ordered=q.ordered, boost=q.boost)
    raise TypeError(f"no whoosh query for {type(q).__name__}")
