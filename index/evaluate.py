"""The engine-neutral part of scoring: boolean query trees evaluated with numpy over record numbers.

A query plan (``index.plan``) is a tree of ``index.qtree`` objects (whoosh's names and meanings):
``Term``, ``Or``, ``And``, ``AndNot``, ``Phrase``/``Sequence``, ``Prefix``, ``Every``. ``Scorer`` walks
that tree over dense masks and score vectors of all records; an engine only supplies the leaves:

- ``_load(field, term)``: the live records holding a term and their per-term scores;
- ``_sequence_mask(slots, slop)``: the records where the words of a phrase stand in order;
- ``_eval_multiterm`` (prefixes), ``_eval_every``, ``_eval_fallback``;
- ``_positions_in_order`` and ``_positions_near_pairs``: the positional tests of the re-ranking
  (``index.bonus``, ``index.coordination``) from the engine's positions, used only while the generation
  has no token streams (``index.tokens``); with them, ``in_order``/``near_pairs`` are answered here.

``index.fastscore`` reads whoosh's postings (BM25F computed here); ``index.tantivy_score`` asks tantivy
(BM25 per field, from tantivy). ``And``/``Or`` sum the scores of their matching children, as whoosh does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from scsearch.index import qtree as Q
from scsearch.index import tokens
from scsearch.index.pairs import PhrasePairs
from scsearch.index.qtree import MultiTerm
from scsearch.index.tokens import TokenStreams, query_ids

MAX_CACHED_TERMS = 50_000
MAX_CACHED_POSTINGS = 8_000_000  # ~64 MB of record numbers + scores
MAX_CACHED_STATS = 10_000
PREAD_RECORDS = 256  # a phrase checked on more records reads their token streams through the mapping
MAX_SPARE_BYTES = 16 << 20  # per thread: the dense arrays of its last search, kept for the next one
SCATTER_AT_ABOVE = 8_000  # posting lists at least this long are added with np.add.at (shorter: a fancy-index add)

Postings = tuple[np.ndarray, np.ndarray]  # (record numbers int32, term scores float32), ascending
Slots = list[list[tuple[str, bytes | None]]]  # a phrase: per position, the (field, term) it may hold


class Scorer:
    """Evaluates query trees with numpy; one instance per opened generation."""

    def __init__(self, n: int, alive: np.ndarray) -> None:
        self._n = n
        self._alive = alive
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._shared: Mapping[tuple[str, bytes], Postings] = {}
        self._cached_postings = 0
        self._empty_ids = np.zeros(0, dtype=np.int32)
        self._none: tuple[np.ndarray, np.ndarray] | None = None  # (``_nothing``)
        self._empty_scores = np.zeros(0, dtype=np.float32)
        self._tokens: TokenStreams | None = None
        self._pairs: PhrasePairs | None = None
        self._local = threading.local()  # .memo: the subtrees evaluated by the search running in this thread
        self._stats: dict[Any, float] = {}  # per-generation statistics of queries (``statistic``)

    @contextmanager
    def one_search(self) -> Iterator[None]:
        """Within the block (one search in this thread), a phrase or a compound query asked for again
        (the query decides the matches, the ranking scores each concept) is evaluated once; the arrays
        handed out are then shared, hence read-only, and valid only until the block ends: the dense
        arrays made for the search are kept for the thread's next one (fresh memory costs a page fault
        per 4 KiB, more than the arithmetic on it), at most MAX_SPARE_BYTES of them."""
        self._local.memo = {}
        self._local.made = []
        try:
            yield
        finally:
            made: list[tuple[np.ndarray, np.ndarray]] = self._local.made
            self._local.memo = self._local.made = None
            spare = self._spare()
            room = MAX_SPARE_BYTES // max(1, self._n * 5) - len(spare)  # a pair: bool[n] + float32[n]
            spare.extend(made[:max(0, room)])

    # ------------------------------------------------------------ per-generation arrays
    @property
    def n(self) -> int:
        return self._n

    @property
    def alive(self) -> np.ndarray:
        """bool[n]: record numbers that are not deleted."""
        return self._alive

    def field_lengths(self, field: str) -> np.ndarray:
        """float64[n] field lengths where the engine keeps them (zeros otherwise)."""
        return np.zeros(self._n, dtype=np.float64)

    def arrays(self) -> list[np.ndarray]:
        """The mapped per-generation arrays (a server reads their pages once at start)."""
        return [self._alive]

    # ------------------------------------------------------------ postings
    def postings(self, field: str, btext: bytes) -> Postings:
        """Live record numbers holding the term and their scores (boost 1), cached."""
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

    def share_postings(self, postings: Mapping[tuple[str, bytes], Postings]) -> None:
        """Posting lists kept outside the bounded cache (memory-mapped, shared by processes)."""
        self._shared = postings

    def load_postings(self, field: str, btext: bytes) -> Postings:
        """A term's postings read from the index (not cached)."""
        return self._load(field, btext)

    def _load(self, field: str, btext: bytes) -> Postings:
        raise NotImplementedError

    def term_bytes(self, q: Q.Term) -> bytes | None:
        """The indexed bytes of a term query's text (None for an unknown field or an invalid value)."""
        raise NotImplementedError

    def has_positions(self, field: str) -> bool:
        """Whether phrases can be matched in ``field``."""
        raise NotImplementedError

    def statistic(self, key: Any, compute: Callable[[], float]) -> float:
        """A number that depends only on the generation and ``key`` (e.g. the median score of a concept
        over the index), computed once and kept (at most MAX_CACHED_STATS)."""
        found = self._stats.get(key)
        if found is None:
            found = compute()
            if len(self._stats) >= MAX_CACHED_STATS:
                self._stats.clear()
            self._stats[key] = found
        return found

    # ------------------------------------------------------------ evaluation
    def evaluate(self, query: Q.Query) -> tuple[np.ndarray, np.ndarray]:
        """(mask bool[n], scores float32[n]): the records matching ``query`` and their scores.
        Within ``one_search`` the arrays may be shared (read-only)."""
        mask, scores = self._eval(query)
        if _live_only(query):  # already live records only, scores zero elsewhere: no dense pass needed
            return mask, scores
        mask = mask & self._alive
        return mask, (scores * mask).astype(np.float32, copy=False)

    def _zeros(self) -> tuple[np.ndarray, np.ndarray]:
        return self._pair(zeroed=True)

    def _pair(self, zeroed: bool) -> tuple[np.ndarray, np.ndarray]:
        """A new (mask bool[n], scores float32[n]) pair: zeros, or (``zeroed=False``) arrays the caller
        overwrites whole. Within ``one_search`` from the thread's spare arrays."""
        made: list[tuple[np.ndarray, np.ndarray]] | None = getattr(self._local, "made", None)
        spare = self._spare()
        if made is None or not spare:
            new = np.zeros if zeroed else np.empty
            pair = new(self._n, dtype=bool), new(self._n, dtype=np.float32)
        else:
            pair = spare.pop()
            for array in pair:
                array.flags.writeable = True  # (the memo of the last search made it read-only)
                if zeroed:
                    array.fill(0)
        if made is not None:
            made.append(pair)
        return pair

    def _spare(self) -> list[tuple[np.ndarray, np.ndarray]]:
        spare: list[tuple[np.ndarray, np.ndarray]] | None = getattr(self._local, "spare", None)
        if spare is None:
            spare = self._local.spare = []
        return spare

    def _eval(self, q: Any) -> tuple[np.ndarray, np.ndarray]:
        """Dense (mask, scores) of a query; scores are zero outside the mask (deleted records aside).
        Callers must not change the arrays: within ``one_search`` they are shared."""
        memo: dict[int, tuple[Any, np.ndarray, np.ndarray]] | None = getattr(self._local, "memo", None)
        if memo is None or not isinstance(q, (Q.Phrase, Q.Sequence, Q.And, Q.Or)):
            return self._eval_uncached(q)
        found = memo.get(id(q))  # by identity (the planner hands out the same objects): hashing a tree costs
        if found is None or found[0] is not q:
            mask, scores = self._eval_uncached(q)
            mask.flags.writeable = scores.flags.writeable = False
            found = memo[id(q)] = (q, mask, scores)  # q kept alive with its entry: its id stays unique
        return found[1], found[2]

    def _eval_uncached(self, q: Any) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(q, Q.Term):
            mask, scores = self._zeros()
            self._add_term(mask, scores, q.fieldname, self.term_bytes(q), q.boost)
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
            amask, ascores = self._eval(q.a)
            bmask, _ = self._eval(q.b)
            mask = amask & ~bmask
            return mask, np.where(bmask, np.float32(0), ascores)
        if isinstance(q, (Q.And, Q.Or)) and type(q) in (Q.And, Q.Or):
            return self._eval_compound(q)
        return self._eval_fallback(q)

    def _eval_compound(self, q: Q.And | Q.Or) -> tuple[np.ndarray, np.ndarray]:
        subs = list(q.subqueries)
        if not subs:
            return self._zeros()
        if len(subs) == 1:  # whoosh uses the child's matcher as is (the compound's boost is dropped)
            return self._eval(subs[0])
        nothing = self._nothing()
        if isinstance(q, Q.Or):
            # parts that match nothing are left out (their zeros change no sum); the arrays are made by the first
            # part that matches something (a copy of it, as 0 + x is x, or zeros and its postings added)
            pair: tuple[np.ndarray, np.ndarray] | None = None
            for sub in subs:
                if isinstance(sub, Q.Term):
                    btext = self.term_bytes(sub)
                    ids, vals = (self._empty_ids, self._empty_scores) if btext is None \
                        else self.postings(sub.fieldname, btext)
                    if len(ids):
                        pair = pair or self._zeros()
                        self._scatter(*pair, ids, vals, sub.boost)
                elif (part := self._eval(sub))[0] is not nothing[0]:
                    if pair is None:
                        pair = self._copy(part)
                    else:
                        np.bitwise_or(pair[0], part[0], out=pair[0])
                        np.add(pair[1], part[1], out=pair[1])
            if pair is None:
                return nothing
            mask, scores = pair
        else:
            parts = [self._eval(sub) for sub in subs]
            if any(m is nothing[0] for m, _ in parts):  # a part matching nothing: so does the whole
                return nothing
            mask, scores = self._copy(parts[0])
            for m, s in parts[1:]:
                mask &= m
                scores += s
            scores *= mask  # (a bool mask as 0/1: far cheaper than assigning through it)
        if q.boost != 1.0:
            scores *= np.float32(q.boost)
        return mask, scores

    def _nothing(self) -> tuple[np.ndarray, np.ndarray]:
        """The (mask, scores) of a tree matching no record: zeros, shared and read-only."""
        if self._none is None:
            self._none = np.zeros(self._n, dtype=bool), np.zeros(self._n, dtype=np.float32)
            self._none[0].flags.writeable = self._none[1].flags.writeable = False
        return self._none

    def _copy(self, part: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """A new (mask, scores) pair holding a copy of ``part``'s."""
        mask, scores = self._pair(zeroed=False)
        np.copyto(mask, part[0])
        np.copyto(scores, part[1])
        return mask, scores

    def _eval_every(self, q: Q.Every) -> tuple[np.ndarray, np.ndarray]:
        """Every live record, each scored the boost."""
        mask = self._alive.copy()
        return mask, np.where(mask, np.float32(q.boost), np.float32(0.0)).astype(np.float32)

    def _eval_multiterm(self, q: MultiTerm) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _eval_fallback(self, q: Any) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _add_term(self, mask: np.ndarray, scores: np.ndarray, field: str, btext: bytes | None, boost: float) -> None:
        if btext is None:
            return
        ids, vals = self.postings(field, btext)
        if len(ids):
            self._scatter(mask, scores, ids, vals, boost)

    @staticmethod
    def _scatter(mask: np.ndarray, scores: np.ndarray, ids: np.ndarray, vals: np.ndarray, boost: float) -> None:
        """Add a term's postings to (mask, scores)."""
        ids = ids.astype(np.intp)  # once: numpy would convert the int32 numbers for each of the two scatters
        mask[ids] = True
        # a record appears once in a posting list: ``scores[ids] += vals`` and the unbuffered ``np.add.at`` make
        # the same float32 sums; the first is cheaper for short lists (add.at's fixed cost ~0.03 ms), the second
        # for long ones
        add = vals if boost == 1.0 else vals * np.float32(boost)
        if ids.size < SCATTER_AT_ABOVE:
            scores[ids] += add
        else:
            np.add.at(scores, ids, add)

    # ------------------------------------------------------------ phrases
    def _slot_terms(self, q: Any) -> list[tuple[str, bytes | None]] | None:
        """The terms one position of a phrase may hold (a Term or an Or of Terms), else None."""
        if isinstance(q, Q.Term):
            return [(q.fieldname, self.term_bytes(q))]
        if type(q) is Q.Or and all(isinstance(sub, Q.Term) for sub in q.subqueries):
            return [(sub.fieldname, self.term_bytes(sub)) for sub in q.subqueries if isinstance(sub, Q.Term)]
        return None

    def _eval_sequence(self, q: Any) -> tuple[np.ndarray, np.ndarray] | None:
        """Phrase / Sequence of single-word slots: each next word 1..slop positions after the previous
        one (whoosh's ordered span-near chain), scored as the sum of its words. None for other shapes."""
        slop = int(q.slop)
        if slop < 1 or not getattr(q, "ordered", True):
            return None
        if isinstance(q, Q.Phrase):
            if len(q.words) < 2:
                return None
            slots: Slots = [[(q.fieldname, self.term_bytes(Q.Term(q.fieldname, w)))] for w in q.words]
        else:
            got = [self._slot_terms(sub) for sub in q.subqueries]
            if len(got) < 2 or any(g is None for g in got):
                return None
            slots = [g for g in got if g is not None]
        if not all(self.has_positions(field) for slot in slots for field, _bt in slot):
            return None
        mask = self._pairs_sequence_mask(slots, slop)
        if mask is None:
            mask = self._sequence_mask(slots, slop)
        scores = np.zeros(self._n, dtype=np.float32)
        for slot in slots:
            for field, bt in slot:
                self._add_term(np.zeros(self._n, dtype=bool), scores, field, bt, 1.0)
        scores *= mask
        return mask, scores

    def _sequence_mask(self, slots: Slots, slop: int) -> np.ndarray:
        """bool[n]: records where a term of each slot follows one of the previous slot 1..slop positions later."""
        raise NotImplementedError

    def _pairs_sequence_mask(self, slots: Slots, slop: int) -> np.ndarray | None:
        """``_sequence_mask`` from the generation's phrase pairs (``index.pairs``), in two exact parts: the
        matches made of common words, by joining the occurrences of the phrase's neighbouring pairs; and the
        records holding a rare word of the phrase (and a word of every slot), checked on the token streams.
        None when the pairs cannot answer (none written, a gap allowed, two fields, no common word, no streams
        for a rare word's records)."""
        fields = {field for slot in slots for field, _bt in slot}
        table = self._pairs.field(next(iter(fields))) if self._pairs is not None and len(fields) == 1 else None
        if table is None or slop != 1:
            return None
        field = next(iter(fields))
        terms = [[bt for _f, bt in slot if bt is not None] for slot in slots]
        words = [[bt.decode("utf-8") for bt in slot] for slot in terms]
        ids = [query_ids(w) for w in words]
        common = [table.is_common(i) for i in ids]
        if not all(words) or not any(c.any() for c in common):
            return None  # no common word: the engine's own way is cheap
        mask = np.zeros(self._n, dtype=bool)
        shared = [[w for w, c in zip(slot_ids, is_common.tolist(), strict=True) if c]
                  for slot_ids, is_common in zip(ids, common, strict=True)]
        if all(shared):  # the phrase made of common words
            mask[table.chain(shared) >> 32] = True
        rare = np.zeros(self._n, dtype=bool)  # the records of the phrase's rare words (few each)
        for slot_terms, is_common in zip(terms, common, strict=True):
            for bt, c in zip(slot_terms, is_common.tolist(), strict=True):
                if not c:
                    rare[self.postings(field, bt)[0]] = True
        if rare.any():
            checked = self._streams_sequence_mask(slots, slop, within=rare)
            if checked is None:
                return None
            mask |= checked
        return mask

    def _streams_sequence_mask(self, slots: Slots, slop: int, within: np.ndarray | None = None) -> np.ndarray | None:
        """``_sequence_mask`` from the token streams (``index.tokens``): the records holding a word of every
        slot (from the postings; only those ``within``, when given), then the order of the words on each of
        them. None without streams or for a phrase over another field or two fields."""
        streams = self._tokens
        fields = {field for slot in slots for field, _bt in slot}
        if streams is None or len(fields) != 1:
            return None
        field = fields.pop()
        if streams.stream(field) is None:
            return None
        words = [[bt.decode("utf-8") for _f, bt in slot if bt is not None] for slot in slots]
        held = self._every_slot(slots)
        if within is not None:
            held &= within
        mask = np.zeros(self._n, dtype=bool)
        docs = np.flatnonzero(held)
        if docs.size:
            found = tokens.in_order(streams, field, words, docs, slop - 1, mapped=docs.size > PREAD_RECORDS)
            mask[list(found)] = True
        return mask

    def _every_slot(self, slots: Slots) -> np.ndarray:
        """bool[n]: the live records holding a term of every slot of a phrase, anywhere on the record."""
        found = self._alive.copy()
        for slot in slots:
            held = np.zeros(self._n, dtype=bool)
            for field, bt in slot:
                if bt is not None:
                    held[self.postings(field, bt)[0]] = True
            found &= held
        return found

    # ------------------------------------------------------------ positional tests of the re-ranking
    def use_pairs(self, pairs: PhrasePairs | None) -> None:
        """Answer phrases of common words from the generation's phrase pairs (``index.pairs``) from now on."""
        self._pairs = pairs

    def use_tokens(self, streams: TokenStreams | None) -> None:
        """Answer the positional tests from the generation's token streams (``index.tokens``) from now on."""
        self._tokens = streams

    @property
    def tokens(self) -> TokenStreams | None:
        """The generation's token streams, when they are mapped."""
        return self._tokens

    def in_order(self, field: str, slots: Sequence[Sequence[str]], docnums: Sequence[int], slop: int) -> set[int]:
        """The ``docnums`` where a word of slots[0] is followed by one of slots[1] … each 1..slop+1
        positions later (one slot: the docnums holding one of its words). From the token streams; the
        engine's own positions only while the generation has none."""
        streams = self._tokens
        if streams is not None and streams.stream(field) is not None:
            return tokens.in_order(streams, field, slots, docnums, slop)
        return self._positions_in_order(field, slots, docnums, slop)

    def near_pairs(self, field: str, concepts: Sequence[Sequence[str]], docs: np.ndarray, window: int
                   ) -> list[np.ndarray]:
        """For each pair of neighbouring concepts (lists of lemmas), the record numbers among ``docs``
        where a lemma of one stands within ``window`` words (either side) of a lemma of the other.
        From the token streams; the engine's own positions only while the generation has none."""
        streams = self._tokens
        if streams is not None and streams.stream(field) is not None:
            return tokens.near_pairs(streams, field, concepts, docs, window)
        return self._positions_near_pairs(field, concepts, docs, window)

    def _positions_in_order(self, field: str, slots: Sequence[Sequence[str]], docnums: Sequence[int], slop: int
                            ) -> set[int]:
        """``in_order`` from the engine's positions."""
        raise NotImplementedError

    def _positions_near_pairs(self, field: str, concepts: Sequence[Sequence[str]], docs: np.ndarray, window: int
                              ) -> list[np.ndarray]:
        """``near_pairs`` from the engine's positions."""
        raise NotImplementedError

    def warm_positions(self, field: str, terms: Sequence[str]) -> None:
        """Read the positions of frequent terms ahead of the first searches (where the engine caches them)."""

    # ------------------------------------------------------------ ranking
    @staticmethod
    def top_of(idx: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The best ``k`` (docnum, score) among the ascending record numbers ``idx``: score descending,
        docnum ascending."""
        if k <= 0 or not idx.size:
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


def _live_only(q: Any) -> bool:
    """Whether ``Scorer._eval`` of ``q`` already matches live records only, with zero scores elsewhere:
    trees of terms (postings hold live records only) combined by ``And``/``Or``/``AndNot``."""
    if isinstance(q, Q.Term):
        return True
    if type(q) in (Q.And, Q.Or):
        return all(_live_only(sub) for sub in q.subqueries)
    if isinstance(q, Q.AndNot):
        return _live_only(q.a)  # the matches are a subset of ``a``'s
    return False
