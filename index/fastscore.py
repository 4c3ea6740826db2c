"""Vectorised matching and BM25F scoring of boolean term queries over whoosh postings.

whoosh's matchers walk every matching posting in Python; at 20k pages a 3-word AND
with a few thousand matches costs hundreds of milliseconds. Here each (field, term)
posting list is read once per opened generation into numpy arrays of docnums and
their BM25F term scores (cached, bounded); a query is then answered with dense
boolean masks and score vectors over all docnums.

Scores reproduce whoosh's ``BM25F`` exactly (same idf, average field length, the
quantised field lengths whoosh stores per document, per-field B, the field boost
folded into the posting weights at index time, query boosts multiplied in, and
``And``/``Or`` summing the scores of their matching children). Positional queries
(``Phrase``, ``Sequence``, spans, ...) take their matching docs from whoosh and are
scored as the sum of the term leaves inside them: an approximation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.query.terms import MultiTerm
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from scsearch.index.arrays import load_or_build
from scsearch.index.whoosh_read import length_byte_slow, length_bytes, read_positions, read_postings, skip_to

__all__ = ["FastScorer", "read_postings"]

MAX_CACHED_TERMS = 50_000
MAX_CACHED_POSTINGS = 8_000_000  # ~64 MB of docnums + scores
MAX_CACHED_POSITIONS = 8_000_000  # ~64 MB of (docnum, position) keys

_LENGTH_TABLE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)

Postings = tuple[np.ndarray, np.ndarray]  # (docnums int32, term scores float32), docnums ascending


class FastScorer:
    """Evaluates whoosh queries with numpy; one instance per opened searcher (generation)."""

    def __init__(self, searcher: Any, gen: Path | None = None) -> None:
        """``gen``: the generation's folder, where the per-generation arrays are kept memory-mapped."""
        weighting = searcher.weighting
        if not isinstance(weighting, BM25F):
            raise TypeError(f"FastScorer reproduces BM25F only, not {type(weighting).__name__}")
        self._searcher = searcher
        self._reader = searcher.reader()
        self._schema = searcher.schema
        self._weighting = weighting
        self._n = int(searcher.doc_count_all())
        self._leaves: list[tuple[Any, int]] = [(r, int(off)) for r, off in self._reader.leaf_readers()]
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._shared: dict[tuple[str, bytes], Postings] = {}
        self._cached_postings = 0
        self._pos_cache: OrderedDict[tuple[str, bytes], np.ndarray] = OrderedDict()
        self._cached_positions = 0
        self._empty_ids = np.zeros(0, dtype=np.int32)
        self._empty_scores = np.zeros(0, dtype=np.float32)
        scorable = [name for name, field in self._schema.items() if field.scorable]
        arrays = load_or_build(gen, "scorer", self._n, lambda: {
            "alive": self._build_alive(), **{f"len.{name}": self._build_lengths(name) for name in scorable}})
        self._alive: np.ndarray = arrays["alive"]
        self._lengths = {name: arrays[f"len.{name}"] for name in scorable}

    # ------------------------------------------------------------ per-generation arrays
    @property
    def n(self) -> int:
        return self._n

    @property
    def alive(self) -> np.ndarray:
        """bool[n]: docnums that are not deleted."""
        return self._alive

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
    def postings(self, field: str, btext: bytes) -> Postings:
        """Live docnums holding the term and their BM25F scores (boost 1), cached."""
        key = (field, btext)
        shared = self._shared.get(key)
        if shared is not None:
            return shared
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        value = self._load(field, btext)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = value
                self._cached_postings += len(value[0])
                while self._cache and (
                    len(self._cache) > MAX_CACHED_TERMS or self._cached_postings > MAX_CACHED_POSTINGS
                ):
                    _, old = self._cache.popitem(last=False)
                    self._cached_postings -= len(old[0])
        return value

    def share_postings(self, postings: dict[tuple[str, bytes], Postings]) -> None:
        """Posting lists kept outside the bounded cache (memory-mapped, shared by processes)."""
        self._shared = dict(postings)

    def load_postings(self, field: str, btext: bytes) -> Postings:
        """A term's postings read from the index (not cached)."""
        return self._load(field, btext)

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

    # ------------------------------------------------------------ evaluation
    def evaluate(self, query: Q.Query) -> tuple[np.ndarray, np.ndarray]:
        """(mask bool[n], scores float32[n]): the docs matching ``query`` and their BM25F scores."""
        mask, scores = self._eval(query)
        mask = mask & self._alive
        scores = np.where(mask, scores, np.float32(0)).astype(np.float32, copy=False)
        return mask, scores

    def _zeros(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self._n, dtype=bool), np.zeros(self._n, dtype=np.float32)

    def term_bytes(self, q: Q.Term) -> bytes | None:
        """The indexed bytes of a term query's text (None for an unknown field or an invalid value)."""
        return self._term_btext(q)

    def _term_btext(self, q: Q.Term) -> bytes | None:
        if q.fieldname not in self._schema:
            return None
        try:
            return self._schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return None

    def _eval(self, q: Any) -> tuple[np.ndarray, np.ndarray]:
        """Dense (mask, scores) of a query; scores are zero outside the mask (deleted docs aside)."""
        if q is Q.NullQuery or isinstance(q, Q.NullQuery.__class__):
            return self._zeros()
        if isinstance(q, Q.Term):
            mask, scores = self._zeros()
            self._add_term(mask, scores, q.fieldname, self._term_btext(q), q.boost)
            return mask, scores
        if isinstance(q, Q.Prefix) and q.text == "":  # whoosh answers it as Every(field)
            return self._eval(Q.Every(q.fieldname, boost=q.boost))
        if isinstance(q, MultiTerm):
            return self._eval_multiterm(q)
        if isinstance(q, Q.Every):
            return self._eval_every(q)
        if isinstance(q, (Q.Phrase, Q.Sequence)):
            found = self._eval_sequence(q)
            if found is not None:
                return found
        if isinstance(q, Q.AndNot):
            mask, scores = self._eval(q.a)
            bmask, _ = self._eval(q.b)
            mask &= ~bmask
            scores[bmask] = 0
            return mask, scores
        if isinstance(q, (Q.And, Q.Or)) and type(q) in (Q.And, Q.Or):
            subs = list(q.subqueries)
            if not subs:
                return self._zeros()
            if len(subs) == 1:  # whoosh uses the child's matcher as is (the compound's boost is dropped)
                return self._eval(subs[0])
            if isinstance(q, Q.Or):
                mask, scores = self._zeros()
                for sub in subs:
                    if isinstance(sub, Q.Term):
                        self._add_term(mask, scores, sub.fieldname, self._term_btext(sub), sub.boost)
                    else:
                        m, s = self._eval(sub)
                        mask |= m
                        scores += s
            else:
                parts = [self._eval(sub) for sub in subs]
                mask = parts[0][0].copy()
                for m, _ in parts[1:]:
                    mask &= m
                scores = np.zeros(self._n, dtype=np.float32)
                for _, s in parts:
                    scores += s
                scores[~mask] = 0
            if q.boost != 1.0:
                scores *= np.float32(q.boost)
            return mask, scores
        return self._eval_fallback(q)

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
            docs = np.fromiter(q.docs(self._searcher), dtype=np.int64)
            mask[docs] = True
        return mask, np.where(mask, np.float32(q.boost), np.float32(0.0)).astype(np.float32)

    def _add_term(self, mask: np.ndarray, scores: np.ndarray, field: str, btext: bytes | None, boost: float) -> None:
        if btext is None:
            return
        ids, vals = self.postings(field, btext)
        if not len(ids):
            return
        mask[ids] = True
        scores[ids] += vals if boost == 1.0 else vals * np.float32(boost)

    def _eval_multiterm(self, q: MultiTerm) -> tuple[np.ndarray, np.ndarray]:
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
            many = len(btexts) >= Q.Or.TOO_MANY_CLAUSES
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
        with self._lock:
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
        with self._lock:
            if key not in self._pos_cache:
                self._pos_cache[key] = keys
                self._cached_positions += len(keys)
                while self._pos_cache and (
                    len(self._pos_cache) > MAX_CACHED_TERMS or self._cached_positions > MAX_CACHED_POSITIONS
                ):
                    _, old = self._pos_cache.popitem(last=False)
                    self._cached_positions -= len(old)
        return keys

    def positions_cached(self, field: str, btext: bytes) -> bool:
        """Whether the term's positions are in the cache (reading them from disk costs ~1 ms per 1,000 docs)."""
        with self._lock:
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
        with self._lock:
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

    def _slot_terms(self, q: Any) -> list[tuple[str, bytes | None]] | None:
        """The terms one position of a phrase may hold (a Term or an Or of Terms), else None."""
        if isinstance(q, Q.Term):
            return [(q.fieldname, self._term_btext(q))]
        if type(q) is Q.Or and all(isinstance(sub, Q.Term) for sub in q.subqueries):
            return [(sub.fieldname, self._term_btext(sub)) for sub in q.subqueries]
        return None

    def _eval_sequence(self, q: Any) -> tuple[np.ndarray, np.ndarray] | None:
        """Phrase / Sequence of single-word slots: each next word 1..slop positions after the
        previous one (whoosh's ordered span-near chain). None when the shape is not that."""
        slop = int(q.slop)
        if slop < 1 or not getattr(q, "ordered", True):
            return None
        if isinstance(q, Q.Phrase):
            if q.fieldname not in self._schema or len(q.words) < 2:
                return None
            slots: list[list[tuple[str, bytes | None]]] = [
                [(q.fieldname, self._term_btext(Q.Term(q.fieldname, w)))] for w in q.words
            ]
        else:
            got = [self._slot_terms(sub) for sub in q.subqueries]
            if len(got) < 2 or any(g is None for g in got):
                return None
            slots = [g for g in got if g is not None]
        for slot in slots:
            for field, _bt in slot:
                fieldobj = self._schema[field] if field in self._schema else None
                if fieldobj is None or not fieldobj.format.supports("positions"):
                    return None
        reach: np.ndarray | None = None
        for slot in slots:
            lists = [self.positions(f, bt) for f, bt in slot if bt is not None]
            keys = lists[0] if len(lists) == 1 else np.unique(np.concatenate([np.zeros(0, np.int64), *lists]))
            if reach is None:
                reach = keys
            elif keys.size:
                found = []
                for gap in range(1, slop + 1):
                    cand = reach + gap
                    at = np.minimum(np.searchsorted(keys, cand), keys.size - 1)
                    found.append(cand[keys[at] == cand])
                reach = found[0] if len(found) == 1 else np.unique(np.concatenate(found))
            else:
                reach = keys
            if not reach.size:
                break
        mask = np.zeros(self._n, dtype=bool)
        assert reach is not None
        mask[reach >> 32] = True
        scores = np.zeros(self._n, dtype=np.float32)
        for slot in slots:
            for field, bt in slot:
                self._add_term(np.zeros(self._n, dtype=bool), scores, field, bt, 1.0)
        scores[~mask] = 0
        return mask, scores

    def _eval_fallback(self, q: Any) -> tuple[np.ndarray, np.ndarray]:
        """Any other query: whoosh decides the matches; the score sums its term leaves."""
        mask = np.zeros(self._n, dtype=bool)
        docs = np.fromiter(q.docs(self._searcher), dtype=np.int64)
        if docs.size:
            mask[docs] = True
        scores = np.zeros(self._n, dtype=np.float32)
        for leaf in q.leaves():
            if isinstance(leaf, (Q.Term, MultiTerm)):
                _, s = self._eval(leaf)
                scores += s
            else:
                try:
                    terms = list(leaf.terms(phrases=True))
                except Exception:  # noqa: BLE001 - a leaf without plain terms adds nothing
                    terms = []
                for field, text in terms:
                    bt = self._term_btext(Q.Term(field, text))
                    self._add_term(np.zeros(self._n, dtype=bool), scores, field, bt, 1.0)
        scores[~mask] = 0
        return mask, scores

    # ------------------------------------------------------------ ranking
    def top(
        self, mask: np.ndarray, scores: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The best ``k`` (docnum, score) among ``mask & allowed``: score descending, docnum ascending."""
        if k <= 0:
            return []
        cand = mask & allowed if allowed is not None else mask
        idx = np.flatnonzero(cand)
        if not idx.size:
            return []
        s = scores[idx]
        if idx.size > k:
            part = np.argpartition(-s, k - 1)[:k]
            threshold = s[part].min()
            above = idx[s > threshold]
            ties = idx[s == threshold]  # ascending docnums, as idx is
            idx = np.concatenate([above, ties[: k - above.size]])
            s = scores[idx]
        order = np.lexsort((idx, -s))
        return [(int(idx[i]), float(s[i])) for i in order]


def _positions_of(keys: np.ndarray, docnums: Sequence[int]) -> dict[int, list[int]]:
    """Positions per docnum from sorted ``docnum << 32 | position`` keys (binary search per doc)."""
    if not len(docnums):
        return {}
    docs = np.asarray(docnums, dtype=np.int64)
    lo = np.searchsorted(keys, docs << 32)
    hi = np.searchsorted(keys, (docs + 1) << 32)
    return {int(d): (keys[a:b] & 0xFFFFFFFF).tolist() for d, a, b in zip(docs, lo, hi, strict=True) if b > a}
