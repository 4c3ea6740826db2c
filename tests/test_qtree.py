"""The plan's query tree (``index.qtree``): immutable values, and the same meaning as whoosh's queries
(``index.whoosh_query.to_whoosh``; test_fastscore.py checks the scores against whoosh's own search)."""

from __future__ import annotations

import dataclasses

import pytest
from whoosh import query as wq

from scsearch.index import qtree as Q
from scsearch.index.whoosh_query import to_whoosh


def test_nodes_are_values() -> None:
    a = Q.Or([Q.Term("lemma", "dotace"), Q.Phrase("form", ["smart", "cities"], slop=2)], boost=1.5)
    b = Q.Or((Q.Term("lemma", "dotace"), Q.Phrase("form", ("smart", "cities"), slop=2)), boost=1.5)
    assert a == b and hash(a) == hash(b) and isinstance(a.subqueries, tuple)
    assert a != Q.And(a.subqueries, boost=1.5)  # same fields, another class
    assert {a: 1}[b] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.boost = 2.0  # type: ignore[misc]


@pytest.mark.parametrize(("ours", "whoosh"), [
    (Q.Term("lemma", "mesto", boost=2.5), wq.Term("lemma", "mesto", boost=2.5)),
    (Q.Prefix("lemma", "elektr", boost=2.0, constantscore=False),
     wq.Prefix("lemma", "elektr", boost=2.0, constantscore=False)),
    (Q.Every("head", boost=1.5), wq.Every("head", boost=1.5)),
    (Q.And([Q.Term("lemma", "a"), Q.Term("head", "b")], boost=3.0),
     wq.And([wq.Term("lemma", "a"), wq.Term("head", "b")], boost=3.0)),
    (Q.AndNot(Q.Or([Q.Term("lemma", "a")]), Q.Term("lemma", "b")),
     wq.AndNot(wq.Or([wq.Term("lemma", "a")]), wq.Term("lemma", "b"))),
    (Q.Phrase("form", ["smart", "cities"], slop=2), wq.Phrase("form", ["smart", "cities"], slop=2)),
    (Q.Sequence([Q.Or([Q.Term("lemma", "a"), Q.Term("lemma", "b")]), Q.Term("lemma", "c")], slop=3, ordered=False),
     wq.Sequence([wq.Or([wq.Term("lemma", "a"), wq.Term("lemma", "b")]), wq.Term("lemma", "c")], slop=3,
                 ordered=False)),
], ids=lambda q: type(q).__name__)
def test_to_whoosh_gives_whooshs_own_query(ours: Q.Query, whoosh: wq.Query) -> None:
    got = to_whoosh(ours)
    assert type(got) is type(whoosh) and got == whoosh
    assert getattr(got, "boost", 1.0) == getattr(whoosh, "boost", 1.0)
    assert getattr(got, "slop", None) == getattr(whoosh, "slop", None)
    assert getattr(got, "constantscore", None) == getattr(whoosh, "constantscore", None)
    assert getattr(got, "ordered", None) == getattr(whoosh, "ordered", None)
