"""The query tree of a query plan: small immutable classes used as plain data by both engines.

``index.plan`` builds these; ``index.evaluate`` (with an engine's leaves: ``index.fastscore``,
``index.tantivy_score``) walks them. Attribute names follow whoosh's query classes (``fieldname``,
``text``, ``boost``, ``subqueries``, ``words``, ``slop``, ``ordered``), and the meanings are whoosh's, so
the whoosh engine converts a tree to whoosh's own query objects (``index.whoosh_query.to_whoosh``)
only where it hands a query to whoosh. Importing this module costs nothing: a search with the tantivy
engine imports no whoosh module at all.

Instances compare and hash by value (a plan's concepts do).
"""

from __future__ import annotations

from collections import abc
from dataclasses import dataclass


class Query:
    """Base class of every node."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Term(Query):
    """Records holding ``text`` in ``fieldname``."""

    fieldname: str
    text: str
    boost: float = 1.0


class MultiTerm(Query):
    """A pattern the engine expands to the indexed terms it matches (``Prefix``)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Prefix(MultiTerm):
    """Records holding a term of ``fieldname`` that starts with ``text``; ``constantscore`` as whoosh's."""

    fieldname: str
    text: str
    boost: float = 1.0
    constantscore: bool = True


@dataclass(frozen=True, slots=True)
class Every(Query):
    """Every record (or, with ``fieldname``, every record with a term in that field)."""

    fieldname: str | None = None
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class _Compound(Query):
    subqueries: abc.Sequence[Query]
    boost: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "subqueries", tuple(self.subqueries))


@dataclass(frozen=True, slots=True)
class And(_Compound):
    """Records matching every subquery; the score is the sum of theirs (x ``boost``)."""


@dataclass(frozen=True, slots=True)
class Or(_Compound):
    """Records matching any subquery; the score is the sum of the matching ones' (x ``boost``)."""


@dataclass(frozen=True, slots=True)
class AndNot(Query):
    """Records matching ``a`` and not ``b``, scored as ``a``."""

    a: Query
    b: Query


@dataclass(frozen=True, slots=True)
class Phrase(Query):
    """``words`` of ``fieldname`` in order, each next one 1..``slop`` positions after the previous."""

    fieldname: str
    words: abc.Sequence[str]
    slop: int = 1
    boost: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.words))


@dataclass(frozen=True, slots=True)
class Sequence(Query):
    """A phrase of subqueries (each a term or an ``Or`` of terms): whoosh's ``Sequence``."""

    subqueries: abc.Sequence[Query]
    slop: int = 1
    ordered: bool = True
    boost: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "subqueries", tuple(self.subqueries))

