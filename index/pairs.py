"""Phrase pairs: where two common words stand next to each other, written per generation.

A phrase of common words ("Smart Cities", "pracovní skupina", "na jednání") is the costliest query an engine
answers: every record holding each word is a candidate and the positions of each must be read (whoosh: ~150 ms
a word the first time; tantivy hands over one Python object per match: ~20 ms for a phrase on 44,000 pages).
The classic remedy is to index the pairs of common words themselves ("common grams", as Lucene's
CommonGramsFilter and Nutch do); here the pairs are computed from the generation's token streams
(``index.tokens``), so the engines' indexes stay as they are.

For a field, a word is *common* when it occurs at least ``COMMON_ABOVE`` times in the generation. The bundle
lists **every** pair of common words that stand next to each other somewhere (in that order, on one record),
each with its occurrences: ``record << 32 | position`` of the first word, ascending. A phrase is then matched
exactly in two parts (``Scorer._pairs_sequence_mask``): with the common words of each slot, by joining the
occurrences of its neighbouring pairs (the pair of slots i, i + 1 at position p + i); and the records holding
one of its rare words (fewer than ``COMMON_ABOVE`` each) by checking them on the token streams.

Words are the streams' CRC-32 ids; two words sharing an id (``index.tokens``) could make a record match a
phrase it does not hold, which needs the colliding word right beside the phrase's other word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scsearch.index.arrays import load_existing, load_or_build
from scsearch.index.tokens import TokenStreams

BUNDLE = "pairs"
FIELDS = ("lemma",)  # phrases are of lemmas; the exact wording ("=") is a rarer, form-field query
COMMON_ABOVE = 1000  # occurrences that make a word common (its neighbouring common words are paired)


@dataclass(frozen=True)
class FieldPairs:
    """The pairs of one field: sorted ids of its common words, sorted pair keys (``first << 32 | second``)
    and, per key, its live occurrences ``record << 32 | position`` ascending (``at[offsets[i]:offsets[i + 1]]``)."""

    words: np.ndarray  # uint32, ascending
    keys: np.ndarray  # uint64, ascending
    offsets: np.ndarray  # int64[len(keys) + 1]
    at: np.ndarray  # int64

    def is_common(self, ids: Sequence[int]) -> np.ndarray:
        """bool per word id: it is common (its pairs with the other common words are all listed)."""
        wanted = np.asarray(ids, dtype=np.uint32)
        if not self.words.size:
            return np.zeros(wanted.size, dtype=bool)
        where = np.minimum(np.searchsorted(self.words, wanted), self.words.size - 1)
        return np.asarray(self.words[where] == wanted)

    def occurrences(self, first: Sequence[int], second: Sequence[int]) -> np.ndarray:
        """Ascending ``record << 32 | position`` where a word of ``first`` is followed by one of ``second``."""
        keys = np.asarray([(a << 32) | b for a in first for b in second], dtype=np.uint64)
        if not keys.size or not self.keys.size:
            return np.zeros(0, dtype=np.int64)
        where = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
        parts = [self.at[int(self.offsets[i]) : int(self.offsets[i + 1])] for i in where[self.keys[where] == keys]]
        if len(parts) == 1:
            return np.asarray(parts[0])
        # one token per position: the pairs' occurrences never coincide, a sort merges them
        return np.sort(np.concatenate([np.zeros(0, dtype=np.int64), *parts]))

    def chain(self, slots: Sequence[Sequence[int]]) -> np.ndarray:
        """Ascending ``record << 32 | position`` where a word of slots[0] is followed by one of slots[1], then
        one of slots[2] … (every word common; two slots or more): the occurrences of the pair of slots i, i + 1
        joined at position p + i."""
        reach = self.occurrences(slots[0], slots[1])
        for i in range(1, len(slots) - 1):
            nxt = self.occurrences(slots[i], slots[i + 1])
            if not reach.size or not nxt.size:
                return reach[:0]
            target = reach + i
            reach = reach[nxt[np.minimum(np.searchsorted(nxt, target), nxt.size - 1)] == target]
        return reach


@dataclass(frozen=True)
class PhrasePairs:
    """The pairs of every field that has them (``FIELDS``)."""

    fields: dict[str, FieldPairs]

    def field(self, name: str) -> FieldPairs | None:
        return self.fields.get(name)


def load_pairs(gen: Path, n: int) -> PhrasePairs | None:
    """The generation's pairs when they were written (never builds them)."""
    return _pairs(load_existing(gen, BUNDLE, n))


def build_pairs(gen: Path | None, streams: TokenStreams, alive: np.ndarray, common_above: int = COMMON_ABOVE
                ) -> PhrasePairs:
    """Map (or, once, compute from ``streams`` and write) the pairs of the generation in ``gen`` (None: kept in
    memory). ``alive``: bool per record number (deleted records are left out)."""
    bundle = load_or_build(gen, BUNDLE, streams.n, lambda: _compute(streams, alive, common_above))
    pairs = _pairs(bundle)
    assert pairs is not None  # a bundle built here has every array
    return pairs


def _pairs(bundle: dict[str, Any] | None) -> PhrasePairs | None:
    if bundle is None:
        return None
    fields = {}
    for name in FIELDS:
        parts = [bundle.get(f"{name}.{part}") for part in ("words", "keys", "offsets", "at")]
        arrays = [p for p in parts if isinstance(p, np.ndarray)]
        if len(arrays) != len(parts):
            return None
        words, keys, offsets, at = arrays
        fields[name] = FieldPairs(words=words, keys=keys, offsets=offsets, at=at)
    return PhrasePairs(fields)


def _compute(streams: TokenStreams, alive: np.ndarray, common_above: int) -> dict[str, Any]:
    out: dict[str, Any] = {"common_above": common_above}
    for name in FIELDS:
        stream = streams.stream(name)
        assert stream is not None
        words, keys, offsets, at = field_pairs(np.asarray(stream), np.asarray(streams.offsets),
                                               np.asarray(alive, dtype=bool), common_above)
        out.update({f"{name}.words": words, f"{name}.keys": keys, f"{name}.offsets": offsets, f"{name}.at": at})
    return out


def field_pairs(stream: np.ndarray, offsets: np.ndarray, alive: np.ndarray, common_above: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(words, keys, offsets, at) of one field's stream (``FieldPairs``), vectorised: one sort of the
    positions where two common words stand together (seconds per 10 million tokens)."""
    ids, counts = np.unique(stream, return_counts=True)
    words = ids[counts >= common_above].astype(np.uint32)
    empty = (words, np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.int64))
    if not words.size or stream.size < 2:
        return empty
    where = np.minimum(np.searchsorted(words, stream), words.size - 1)
    common = words[where] == stream
    first = np.zeros(stream.size, dtype=bool)  # the first token of each record
    first[offsets[:-1][offsets[:-1] < stream.size]] = True
    pos = np.flatnonzero(common[:-1] & common[1:] & ~first[1:])  # a common word followed by one on its record
    record = np.searchsorted(offsets, pos, side="right") - 1  # ascending, as pos is
    live = alive[record]
    pos, record = pos[live], record[live]
    if not pos.size:
        return empty
    keys = (stream[pos].astype(np.uint64) << np.uint64(32)) | stream[pos + 1].astype(np.uint64)
    order = np.argsort(keys, kind="stable")  # by pair, then (as pos) by record and position
    keys = keys[order]
    at = (record[order].astype(np.int64) << 32) | (pos[order] - offsets[record[order]]).astype(np.int64)
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return words, keys[starts], np.concatenate([starts, [keys.size]]).astype(np.int64), at
