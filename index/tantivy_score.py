"""Scoring over a tantivy generation: postings and BM25 from tantivy, the rest from ``index.evaluate``.

A term's postings are the records tantivy finds for a ``TermQuery`` with tantivy's BM25 score of that
one field (k1 = 1.2, b = 0.75, idf = ln(1 + (N - df + 0.5) / (df + 0.5))) rescaled to whoosh's idf
(ln(N / (df + 1)) + 1), read once and cached like whoosh's; the query tree, field and query boosts, coordination and re-ranking are scsearch's own, so both
engines rank by the same features. What differs, and why (docs/search.md, "Two engines"):

- BM25 per field (tantivy) instead of whoosh's BM25F: the same formula and idf, but tantivy's own
  quantisation of field lengths and average length, so scores agree to a few per cent, not exactly;
- phrases and the positional tests are phrase queries: with explicit word offsets (one per allowed gap) where
  the order matters, as tantivy's sloppy phrases also accept the words in another order; "all the words
  together" for three or more words is one sloppy phrase (it may accept a swapped pair); past 256 variants
  (many lemma alternatives and gaps) a phrase falls back to "every word on the page" and a bonus is not given;
- prefixes (``dotac*``) follow whoosh's rule for the whole index, not per segment: a constant 1.0 with over
  two expansions in an index of at most 5,000 records (or 1,024+ expansions), else the sum of their BM25;
- without token streams, proximity in the coordination ranking is asked of tantivy for every lemma (whoosh
  skips lemmas on over 2,000 pages whose positions are not cached yet, to save reading them).

The positional tests of the re-ranking come from the generation's token streams (``index.tokens``); until
those are written, as tantivy does not hand out positions, they are phrase queries restricted to the
candidate records by a ``TermSetQuery`` on ``recno`` (tantivy then checks positions on those records only).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from scsearch.index import qtree as Q
from scsearch.index.evaluate import Postings, Scorer, Slots
from scsearch.index.qtree import MultiTerm
from scsearch.index.tantivy_read import TantivyReader
from scsearch.index.tantivy_write import TEXT_FIELDS

MAX_COMBINATIONS = 256  # phrase variants (lemma alternatives x gaps, multiplied out) asked of tantivy at once
UNRESTRICTED_BELOW = 3000  # a positional test whose rarest word is on fewer records runs unrestricted
MAX_PREFIX_TERMS = 1024  # as whoosh's TOO_MANY_CLAUSES
CONSTANT_PREFIX_BELOW = 5000  # as whoosh: a prefix with over two expansions scores 1.0 in a segment this small


class TantivyScorer(Scorer):
    """Evaluates query plans over a tantivy generation."""

    def __init__(self, reader: TantivyReader) -> None:
        import tantivy

        super().__init__(reader.n, reader.alive)
        self._r = reader
        self._tv = tantivy
        self._schema = reader.schema
        self._searcher = reader.searcher

    # ------------------------------------------------------------ leaves
    def term_bytes(self, q: Q.Term) -> bytes | None:
        if q.fieldname not in TEXT_FIELDS or not isinstance(q.text, str):
            return None
        return q.text.encode("utf-8")

    def has_positions(self, field: str) -> bool:
        return TEXT_FIELDS.get(field) == "position"

    def _load(self, field: str, btext: bytes) -> Postings:
        text = btext.decode("utf-8")
        df = int(self._searcher.doc_freq(field, text)) if field in TEXT_FIELDS else 0
        if not df:
            return self._empty_ids, self._empty_scores
        hits = self._searcher.search(self._tv.Query.term_query(self._schema, field, text), limit=df, count=False).hits
        ids = self._r.recnos(hits)
        scores = np.fromiter((s for s, _a in hits), dtype=np.float32, count=len(hits))
        scores *= np.float32(self._idf_ratio(df))
        order = np.argsort(ids, kind="stable")
        return ids[order].astype(np.int32), scores[order]

    def _idf_ratio(self, df: int) -> float:
        """whoosh's idf over tantivy's, for a term on ``df`` records: tantivy's BM25 then weighs rare and
        common words as whoosh's BM25F does (the length normalisation, k1 = 1.2 and b = 0.75, are alike)."""
        live = max(1, int(self._searcher.num_docs))
        tantivy_idf = math.log(1.0 + (live - df + 0.5) / (df + 0.5))
        whoosh_idf = math.log(max(1, self._n) / (df + 1)) + 1.0
        return whoosh_idf / tantivy_idf if tantivy_idf > 0 else 1.0

    def _eval_multiterm(self, q: MultiTerm) -> tuple[np.ndarray, np.ndarray]:
        mask, scores = self._zeros()
        if not isinstance(q, Q.Prefix) or q.fieldname not in TEXT_FIELDS:
            return self._eval_fallback(q)
        found = self._searcher.terms_with_prefix(q.fieldname, q.text)  # every expansion, as whoosh
        boost = q.boost if len(found) > 1 else 1.0
        for term, _count in found:
            self._add_term(mask, scores, q.fieldname, term.encode("utf-8"), boost)
        # whoosh's rule (index.fastscore): over two expansions in a small index, or very many, score 1.0 each
        if len(found) >= MAX_PREFIX_TERMS or (len(found) > 2 and self._n <= CONSTANT_PREFIX_BELOW):
            scores = np.where(mask, np.float32(1.0), np.float32(0.0)).astype(np.float32)
        return mask, scores

    def _eval_fallback(self, q: Any) -> tuple[np.ndarray, np.ndarray]:
        raise TypeError(f"the tantivy engine does not evaluate {type(q).__name__} queries")

    # ------------------------------------------------------------ phrases
    def _phrases(self, field: str, slots: Sequence[Sequence[str]], max_gap: int) -> Any | None:
        """A tantivy query: a word of each slot, each next one 1..max_gap positions after the previous
        (explicit offsets: tantivy's sloppy phrases would also match the words in another order).
        None when there are too many variants or a slot is empty."""
        if not slots or not all(slots):
            return None
        gaps = list(itertools.product(range(1, max_gap + 1), repeat=len(slots) - 1))
        words = list(itertools.islice(itertools.product(*slots), MAX_COMBINATIONS + 1))
        if len(words) * len(gaps) > MAX_COMBINATIONS:
            return None
        queries = []
        for combo in words:
            for steps in gaps:
                offsets = [0, *itertools.accumulate(steps)]
                queries.append(self._tv.Query.phrase_query(self._schema, field, list(zip(offsets, combo, strict=True))))
        return self._any(queries)

    def _sloppy(self, field: str, slots: Sequence[Sequence[str]], slop: int) -> Any | None:
        """Any combination of the slots' words as one sloppy phrase: tantivy accepts the words ``slop``
        position moves away from adjacent, reordering included (two words: ``a … b`` up to slop + 1 apart,
        ``b … a`` up to slop - 1). None when there are too many combinations or a slot is empty."""
        if not slots or not all(slots):
            return None
        words = list(itertools.islice(itertools.product(*slots), MAX_COMBINATIONS + 1))
        if len(words) > MAX_COMBINATIONS:
            return None
        return self._any([self._tv.Query.phrase_query(self._schema, field, list(combo), slop=slop) for combo in words])

    def _any(self, queries: list[Any]) -> Any:
        """A query matching what any of ``queries`` matches."""
        return queries[0] if len(queries) == 1 else \
            self._tv.Query.boolean_query([(self._tv.Occur.Should, q) for q in queries])

    def _bound(self, field: str, slots: Sequence[Sequence[str]]) -> int:
        """At most how many records a phrase over ``slots`` can match: those of its rarest slot."""
        return min(sum(int(self._searcher.doc_freq(field, w)) for w in slot) for slot in slots)

    def _matching(self, query: Any, limit: int) -> np.ndarray:
        """Record numbers of every match of ``query`` (at most ``limit``)."""
        if limit <= 0:
            return np.zeros(0, dtype=np.int64)
        return self._r.recnos(self._searcher.search(query, limit=limit, count=False).hits)

    def _within(self, query: Any, docnums: Sequence[int] | np.ndarray, field: str,
                slots: Sequence[Sequence[str]]) -> np.ndarray:
        """The ``docnums`` that ``query`` (over the words of ``slots`` in ``field``) matches.

        When a slot's words are on few records, the query runs over the whole index and the result is
        intersected here (cheaper than tantivy's ``TermSetQuery``, ~1 ms); else it is restricted to them."""
        docs = [int(d) for d in docnums]
        if not docs:
            return np.zeros(0, dtype=np.int64)
        bound = self._bound(field, slots)
        if bound <= UNRESTRICTED_BELOW:
            found = self._matching(query, bound)
            return found[np.isin(found, np.asarray(docs, dtype=np.int64))]
        restrict = self._tv.Query.term_set_query(self._schema, "recno", docs)
        both = self._tv.Query.boolean_query([(self._tv.Occur.Must, restrict), (self._tv.Occur.Must, query)])
        return self._matching(both, len(docs))

    def _sequence_mask(self, slots: Slots, slop: int) -> np.ndarray:
        mask = np.zeros(self._n, dtype=bool)
        fields = {field for slot in slots for field, _bt in slot}
        words = [[bt.decode("utf-8") for _f, bt in slot if bt is not None] for slot in slots]
        if len(fields) != 1 or not all(words):
            return mask
        field = fields.pop()
        query = self._phrases(field, words, slop)
        if query is None:  # too many variants: every slot somewhere on the page (an approximation)
            return self._every_slot(slots)
        mask[self._matching(query, self._bound(field, words))] = True
        return mask

    # ------------------------------------------------------------ positional tests of the re-ranking
    def _positions_in_order(self, field: str, slots: Sequence[Sequence[str]], docnums: Sequence[int], slop: int
                            ) -> set[int]:
        if not docnums or not slots or not all(slots):
            return set()
        if len(slots) == 1:
            query = self._any([self._tv.Query.term_query(self._schema, field, w) for w in slots[0]])
        elif len(slots) == 2 or not slop:  # exact: one explicit phrase per allowed gap
            query = self._phrases(field, slots, slop + 1)
        else:  # three or more words within a few of each other: one sloppy phrase (may accept a swapped pair)
            query = self._sloppy(field, slots, slop * (len(slots) - 1))
        if query is None:
            return set()
        return {int(d) for d in self._within(query, docnums, field, slots)}

    def _positions_near_pairs(self, field: str, concepts: Sequence[Sequence[str]], docs: np.ndarray, window: int
                              ) -> list[np.ndarray]:
        out = []
        for a, b in zip(concepts, concepts[1:], strict=False):
            # either order within ``window``: a sloppy a…b (slop window - 1) covers a before b up to window
            # and b before a up to window - 2; the same for b…a covers the rest, and nothing farther
            forward = self._sloppy(field, [a, b], window - 1)
            backward = self._sloppy(field, [b, a], window - 1)
            if forward is None or backward is None or not a or not b:
                out.append(np.zeros(0, dtype=np.int64))
                continue
            out.append(np.unique(self._within(self._any([forward, backward]), docs, field, [a, b])))
        return out
