"""Vectorised matching and BM25F scoring of boolean term queries over whoosh postings.

whoosh's matchers walk every matching posting in Python; at 20k pages a 3-word AND
with a few thousand matches costs hundreds of milliseconds. Here each (field, term)
posting list is read once per opened generation into numpy arrays of docnums and
their BM25F term scores (cached, bounded); a query is then answered with dense
boolean masks and score vectors over all docnums.

Scores reproduce whoosh's ``BM25F`` exactly (same idf, average field length, the
quantised field lengths whoosh stores per document, per-field B, the field boost
folded into the posting weights at index time, query boosts multiplied in, and
``And``/``Or`` summing the scores of their matching children: ``index.evaluate``). Phrases
are matched from the positions in the postings and scored as the sum of their words (an
approximation); any other positional query takes its matching docs from whoosh. The positional
tests of the re-ranking use the generation's token streams (``index.evaluate``, ``index.tokens``); the
postings' positions answer them only until those are written.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.query.terms import MultiTerm as WhooshMultiTerm
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from scsearch.index import evaluate
from scsearch.index import qtree as Q
from scsearch.index.arrays import load_or_build
from scsearch.index.evaluate import Postings, Scorer, Slots
from scsearch.index.whoosh_query import to_whoosh
from scsearch.index.whoosh_read import length_byte_slow, length_bytes, read_positions, read_postings, skip_to

__all__ = ["FastScorer", "Postings", "read_postings"]

MAX_CACHED_POSITIONS = 8_000_000  # ~64 MB of (docnum, position) keys
STREAMS_PHRASE_ABOVE = 20_000  # a phrase whose unread words are on more records: matched over the token streams
PROXIMITY_MAX_READ = 2000  # a lemma on more pages counts for proximity only once its positions are cached

_LENGTH_TABLE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)


class FastScorer(Scorer):
    """Evaluates query trees (``index.qtree``) with numpy; one instance per opened searcher (generation)."""

    def __init__(self, searcher: Any, gen: Path | None = None) -> None:
        """``gen``: the generation's folder, where the per-generation arrays are kept memory-mapped."""
        weighting = searcher.weighting
        if not isinstance(weighting, BM25F):
            raise TypeError(f"FastScorer reproduces BM25F only, not {type(weighting).__name__}")
        self._searcher = searcher
        self._reader = searcher.reader()
        self._schema = searcher.schema
        self._weighting = weighting
        n = int(searcher.doc_count_all())
        self._n = n
        self._leaves: list[tuple[Any, int]] = [(r, int(off)) for r, off in self._reader.leaf_readers()]
        self._pos_lock = threading.Lock()
        self._pos_cache: OrderedDict[tuple[str, bytes], np.ndarray] = OrderedDict()
        self._cached_positions = 0
        scorable = [name for name, field in self._schema.items() if field.scorable]
        arrays = load_or_build(gen, "scorer", n, lambda: {
            "alive": self._build_alive(), **{f"len.{name}": self._build_lengths(name) for name in scorable}})
        super().__init__(n, arrays["alive"])
        self._lengths: dict[str, np.ndarray] = {name: arrays[f"len.{name}"] for name in scorable}

    # ------------------------------------------------------------ per-generation arrays
    def arrays(self) -> list[np.ndarray]:
        return [self._alive, *(self._lengths[f] for f in ("lemma", "head") if f in self._lengths)]

    def _build_alive(self) -> np.ndarray:
        alive = np.ones(self._n, dtype=bool)
        for leaf, off in self._leaves:
            if leaf.has_deletions():
                dead_set = getattr(leaf, "deleted_docs_set", None)
                if dead_set is None:
                    dead_set = [d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)]
                dead = np.fromiter(dead_set, dtype=np.int64)
                if dead.size:
                    alive[dead + off] = False
        return alive

    def _build_lengths(self, field: str) -> np.ndarray:
        """float64[n]: the (quantised) length of ``field`` per doc, as whoosh's scorer sees it."""
        out = np.zeros(self._n, dtype=np.float64)
        for leaf, off in self._leaves:
            count = leaf.doc_count_all()
            raw = length_bytes(leaf, field, count)
            if raw is None:
                raw = np.array([length_byte_slow(leaf, d, field) for d in range(count)], dtype=np.uint8)
            out[off : off + count] = _LENGTH_TABLE[raw]
        return out

    def field_lengths(self, field: str) -> np.ndarray:
        """float64[n] field lengths of a scorable field (zeros for an unknown or unscorable one)."""
        arr = self._lengths.get(field)
        return arr if arr is not None else np.zeros(self._n, dtype=np.float64)

    # ------------------------------------------------------------ postings
    def _load(self, field: str, btext: bytes) -> Postings:
        if (field, btext) not in self._reader:
            return self._empty_ids, self._empty_scores
        id_parts: list[np.ndarray] = []
        w_parts: list[np.ndarray] = []
        for leaf, off in self._leaves:
            if (field, btext) not in leaf:
                continue
            ids, weights = read_postings(leaf, field, btext)
            id_parts.append(ids + off)
            w_parts.append(weights)
        if not id_parts:
            return self._empty_ids, self._empty_scores
        ids = np.concatenate(id_parts)
        weights = np.concatenate(w_parts).astype(np.float64)
        keep = self._alive[ids]
        if not keep.all():
            ids, weights = ids[keep], weights[keep]
        fieldobj = self._schema[field]
        if fieldobj.scorable:
            w = self._weighting
            b = w._field_B.get(field, w.B)
            k1 = w.K1
            idf = self._searcher.idf(field, btext)
            avgfl = self._searcher.avg_field_length(field) or 1
            fl = self._lengths[field][ids]
            scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))
        else:
            scores = weights
        return ids.astype(np.int32), scores.astype(np.float32)

    def term_bytes(self, q: Q.Term) -> bytes | None:
        if q.fieldname not in self._schema:
            return None
        try:
            return self._schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return None

    def has_positions(self, field: str) -> bool:
        return field in self._schema and self._schema[field].format.supports("positions")

    def _eval_every(self, q: Q.Every) -> tuple[np.ndarray, np.ndarray]:
        """Every doc (or every doc with a term in the field), each scored the boost."""
        field = q.fieldname
        if field in (None, "", "*"):
            mask = self._alive.copy()
        elif field not in self._schema:
            mask = np.zeros(self._n, dtype=bool)
        elif field in self._lengths:
            mask = (self._lengths[field] > 0) & self._alive
        else:
            mask = np.zeros(self._n, dtype=bool)
            docs = np.fromiter(to_whoosh(q).docs(self._searcher), dtype=np.int64)
            mask[docs] = True
        return mask, np.where(mask, np.float32(q.boost), np.float32(0.0)).astype(np.float32)

    def _eval_multiterm(self, q: Q.MultiTerm) -> tuple[np.ndarray, np.ndarray]:
        return self._whoosh_multiterm(to_whoosh(q))

    def _whoosh_multiterm(self, q: WhooshMultiTerm) -> tuple[np.ndarray, np.ndarray]:
        """Prefix, Wildcard, ...: scored as whoosh does, segment by segment.

        whoosh expands the pattern per segment: one term keeps its plain BM25 score
        (no boost); two or more are ORed (BM25 sum x boost) -- except that a
        ``constantscore`` pattern (the default) with over two expansions in a segment of
        at most 5000 docs, or 1024+ expansions anywhere, is preloaded unscored: 1.0 a doc.
        """
        field = q.field()
        mask, scores = self._zeros()
        if field not in self._schema:
            return mask, scores
        for leaf, off in self._leaves:
            btexts = [t for t in q._btexts(leaf) if t]
            if not btexts:
                continue
            count = leaf.doc_count_all()
            many = len(btexts) >= wq.Or.TOO_MANY_CLAUSES
            constant = q.constantscore and (many or (len(btexts) > 2 and count <= 5000))
            boost = q.boost if len(btexts) > 1 else 1.0
            for bt in btexts:
                ids, vals = self.postings(field, bt)
                lo, hi = np.searchsorted(ids, [off, off + count])
                ids, vals = ids[lo:hi], vals[lo:hi]
                mask[ids] = True
                if not constant:
                    scores[ids] += vals if boost == 1.0 else vals * np.float32(boost)
            if constant:
                seg = slice(off, off + count)
                scores[seg] = np.where(mask[seg], np.float32(1.0), np.float32(0.0))
        return mask, scores

    # ------------------------------------------------------------ phrases
    def positions(self, field: str, btext: bytes) -> np.ndarray:
        """Sorted int64 keys ``docnum << 32 | position`` of a term's live occurrences, cached."""
        key = (field, btext)
        with self._pos_lock:
            hit = self._pos_cache.get(key)
            if hit is not None:
                self._pos_cache.move_to_end(key)
                return hit
        parts = [np.zeros(0, dtype=np.int64)]
        if (field, btext) in self._reader:
            for leaf, off in self._leaves:
                if (field, btext) in leaf:
                    parts.append(read_positions(leaf, field, btext, off))
        keys = np.concatenate(parts)
        keys = keys[self._alive[keys >> 32]]
        with self._pos_lock:
            if key not in self._pos_cache:
                self._pos_cache[key] = keys
                self._cached_positions += len(keys)
                while self._pos_cache and (
                    len(self._pos_cache) > evaluate.MAX_CACHED_TERMS or self._cached_positions > MAX_CACHED_POSITIONS
                ):
                    _, old = self._pos_cache.popitem(last=False)
                    self._cached_positions -= len(old)
        return keys

    def positions_cached(self, field: str, btext: bytes) -> bool:
        """Whether the term's positions are in the cache (reading them from disk costs ~1 ms per 1,000 docs)."""
        with self._pos_lock:
            return (field, btext) in self._pos_cache

    def doc_positions(self, field: str, text: str, docnums: Sequence[int]) -> dict[int, list[int]]:
        """Positions of a term in each of a few docs (those holding it), read by skipping to them:
        only their postings blocks are decoded. Not cached; callers hold the generation's I/O lock."""
        fieldobj = self._schema[field] if field in self._schema else None
        if fieldobj is None or not fieldobj.format.supports("positions"):
            return {}
        try:
            btext = fieldobj.to_bytes(text)
        except ValueError:
            return {}
        out: dict[int, list[int]] = {}
        if (field, btext) not in self._reader:
            return out
        wanted = sorted(set(docnums))
        with self._pos_lock:
            cached = self._pos_cache.get((field, btext))
        if cached is not None:  # the term's positions were read whole (a server pre-reads frequent terms)
            return _positions_of(cached, wanted)
        fmt = fieldobj.format
        for leaf, off in self._leaves:
            count = leaf.doc_count_all()
            local = [d - off for d in wanted if off <= d < off + count]
            if not local or (field, btext) not in leaf:
                continue
            m = leaf._terms.matcher(field, btext, fmt)
            for d in local:
                if m.is_active() and m.id() < d:
                    skip_to(m, d)
                if not m.is_active():
                    break
                if m.id() == d:
                    out[d + off] = list(fmt.decode_positions(m.value()))
        return out

    def _sequence_mask(self, slots: Slots, slop: int) -> np.ndarray:
        # positions not read yet in this process (a CLI search; a server reads the frequent ones ahead):
        # the token streams answer in a fraction of the time decoding whoosh's postings takes
        unread = [(f, bt) for slot in slots for f, bt in slot if bt is not None and not self.positions_cached(f, bt)]
        if sum(len(self.postings(f, bt)[0]) for f, bt in unread) > STREAMS_PHRASE_ABOVE:
            streamed = self._streams_sequence_mask(slots, slop)
            if streamed is not None:
                return streamed
        # each slot's terms are tested one sorted list at a time (no union of huge position lists)
        reach = np.zeros(0, dtype=np.int64)
        for i, slot in enumerate(slots):
            lists = [k for k in (self.positions(f, bt) for f, bt in slot if bt is not None) if k.size]
            if not lists:
                reach = np.zeros(0, dtype=np.int64)
                break
            if i == 0:
                reach = lists[0] if len(lists) == 1 else np.concatenate(lists)  # disjoint: one token a position
            else:
                found = []
                for gap in range(1, slop + 1):
                    cand = reach + gap
                    hit = np.zeros(cand.size, dtype=bool)
                    for keys in lists:
                        at = np.minimum(np.searchsorted(keys, cand), keys.size - 1)
                        hit |= keys[at] == cand
                    found.append(cand[hit])
                reach = found[0] if len(found) == 1 else np.unique(np.concatenate(found))
            if not reach.size:
                break
        mask = np.zeros(self._n, dtype=bool)
        mask[reach >> 32] = True
        return mask

    def _eval_fallback(self, q: Any) -> tuple[np.ndarray, np.ndarray]:
        """Any other query: whoosh decides the matches; the score sums its term leaves."""
        wquery = to_whoosh(q)
        mask = np.zeros(self._n, dtype=bool)
        docs = np.fromiter(wquery.docs(self._searcher), dtype=np.int64)
        if docs.size:
            mask[docs] = True
        scores = np.zeros(self._n, dtype=np.float32)
        for leaf in wquery.leaves():
            if isinstance(leaf, wq.Term):
                self._add_term(np.zeros(self._n, dtype=bool), scores, leaf.fieldname,
                               self.term_bytes(Q.Term(leaf.fieldname, leaf.text)), leaf.boost)
            elif isinstance(leaf, WhooshMultiTerm):
                scores += self._whoosh_multiterm(leaf)[1]
            else:
                try:
                    terms = list(leaf.terms(phrases=True))
                except Exception:  # noqa: BLE001 - a leaf without plain terms adds nothing
                    terms = []
                for field, text in terms:
                    bt = self.term_bytes(Q.Term(field, text))
                    self._add_term(np.zeros(self._n, dtype=bool), scores, field, bt, 1.0)
        scores *= mask
        return mask, scores

    # ------------------------------------------------------------ positional tests of the re-ranking
    def _positions_in_order(self, field: str, slots: Sequence[Sequence[str]], docnums: Sequence[int], slop: int
                            ) -> set[int]:
        """Answered from the postings blocks of the few docnums (a matcher skips to each), never their text.
        Docnums lacking a word of some slot are dropped first, from the (cached) postings: no positions read."""
        pool = np.asarray(sorted(set(docnums)), dtype=np.int64)
        for slot in slots:
            held = [self.postings(field, bt)[0] for bt in (self.term_bytes(Q.Term(field, w)) for w in slot) if bt]
            pool = pool[np.isin(pool, np.concatenate(held))] if held else pool[:0]
        if not pool.size:
            return set()
        reach: dict[int, set[int]] | None = None
        for slot in slots:
            here: dict[int, set[int]] = {}
            candidates = pool.tolist() if reach is None else sorted(reach)
            for word in slot:
                for doc, found in self.doc_positions(field, word, candidates).items():
                    here.setdefault(doc, set()).update(found)
            if reach is not None:
                nxt: dict[int, set[int]] = {}
                for doc, poss in here.items():
                    prev = reach.get(doc, set())
                    kept = {p for p in poss if any(p - g in prev for g in range(1, slop + 2))}
                    if kept:
                        nxt[doc] = kept
                here = nxt
            reach = here
            if not reach:
                return set()
        return set(reach or ())

    def _positions_near_pairs(self, field: str, concepts: Sequence[Sequence[str]], docs: np.ndarray, window: int
                              ) -> list[np.ndarray]:
        """From the cached positions of each lemma (a lemma on over PROXIMITY_MAX_READ pages whose
        positions are not cached yet is left out: reading them would cost more than the bonus is worth)."""
        positions = [self._concept_positions(field, lemmas, docs) for lemmas in concepts]
        out = []
        for a, b in zip(positions, positions[1:], strict=False):
            if not a.size or not b.size:
                out.append(np.zeros(0, dtype=np.int64))
                continue
            hit = np.zeros(a.size, dtype=bool)
            for gap in range(-window, window + 1):
                if gap == 0:
                    continue
                target = a + gap
                at = np.minimum(np.searchsorted(b, target), b.size - 1)
                hit |= b[at] == target
            out.append(np.unique(a[hit] >> 32))
        return out

    def _concept_positions(self, field: str, lemmas: Sequence[str], docs: np.ndarray) -> np.ndarray:
        """Sorted keys ``docnum << 32 | position`` of the lemmas' occurrences on the given pages."""
        parts = []
        for lemma in lemmas:
            btext = self.term_bytes(Q.Term(field, lemma))
            if btext is not None and (len(self.postings(field, btext)[0]) <= PROXIMITY_MAX_READ
                                      or self.positions_cached(field, btext)):
                keys = self.positions(field, btext)
                if keys.size:
                    parts.append(keys[_on_pages(keys, docs)])
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts))

    def warm_positions(self, field: str, terms: Sequence[str]) -> None:
        # the terms come most frequent first; past three quarters of the cache, reading more would evict
        # them (the costliest to read) and leave no room for what searches ask for
        for text in terms:
            if self._cached_positions >= MAX_CACHED_POSITIONS * 3 // 4:
                return
            btext = self.term_bytes(Q.Term(field, text))
            if btext is not None:
                self.positions(field, btext)


def _positions_of(keys: np.ndarray, docnums: Sequence[int]) -> dict[int, list[int]]:
    """Positions per docnum from sorted ``docnum << 32 | position`` keys (binary search per doc)."""
    if not len(docnums):
        return {}
    docs = np.asarray(docnums, dtype=np.int64)
    lo = np.searchsorted(keys, docs << 32)
    hi = np.searchsorted(keys, (docs + 1) << 32)
    return {int(d): (keys[a:b] & 0xFFFFFFFF).tolist() for d, a, b in zip(docs, lo, hi, strict=True) if b > a}


def _on_pages(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """bool mask of the sorted position keys that lie on one of ``docs`` (without sorting ``keys`` again)."""
    docs = np.sort(docs).astype(np.int64)
    lo = np.searchsorted(keys, docs << 32)
    hi = np.searchsorted(keys, (docs + 1) << 32)
    marks = np.zeros(keys.size + 1, dtype=np.int32)
    np.add.at(marks, lo, 1)
    np.add.at(marks, hi, -1)
    return np.cumsum(marks[:-1]) > 0
