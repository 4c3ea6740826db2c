"""Phrase pairs: the records where two common words stand next to each other, written per generation.

A phrase of common words ("Smart Cities", "pracovní skupina", "na jednání") is the costliest query an engine
answers: every record holding each word is a candidate and the positions of each must be read (whoosh: ~150 ms
a word the first time; tantivy hands over one Python object per match: ~20 ms for a phrase on 44,000 pages).
The classic remedy is to index the pairs of common words themselves ("common grams", as Lucene's
CommonGramsFilter and Nutch do); here the pairs are computed from the generation's token streams
(``index.tokens``), so the engines' indexes stay as they are.

For a field, a word is *common* when it occurs at least ``COMMON_ABOVE`` times in the generation. The bundle
lists **every** pair of common words that stand next to each other somewhere (in that order, on one record) and
the live records where they do. A phrase whose neighbouring words are all common is then answered from the
pairs alone (two words: exactly; more: the records holding each neighbouring pair, whose order is then checked
on the token streams of those few records); a phrase with a rare word is left to the engine, which is cheap
for it: a rare word is on fewer than ``COMMON_ABOVE`` records.

Words are the streams' CRC-32 ids; two words sharing an id (``index.tokens``) could make a record match a
phrase it does not hold, which needs both colliding words to stand next to the phrase's other word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scsearch.index.arrays import load_existing, load_or_build
from scsearch.index.tokens import TokenStreams, token_id

BUNDLE = "pairs"
FIELDS = ("lemma",)  # phrases are of lemmas; the exact wording ("=") is a rarer, form-field query
COMMON_ABOVE = 1000  # occurrences that make a word common (its neighbouring common words are paired)


@dataclass(frozen=True)
class FieldPairs:
    """The pairs of one field: sorted ids of its common words, sorted pair keys (``first << 32 | second``)
    and, per key, the ascending live records holding the pair (``records[offsets[i]:offsets[i + 1]]``)."""

    words: np.ndarray  # uint32, ascending
    keys: np.ndarray  # uint64, ascending
    offsets: np.ndarray  # int64[len(keys) + 1]
    records: np.ndarray  # int32

    def is_common(self, ids: Sequence[int]) -> np.ndarray:
        """bool per word id: it is common (its pairs with the other common words are all listed)."""
        wanted = np.asarray(ids, dtype=np.uint32)
        if not self.words.size:
            return np.zeros(wanted.size, dtype=bool)
        at = np.minimum(np.searchsorted(self.words, wanted), self.words.size - 1)
        return np.asarray(self.words[at] == wanted)

    def records_of(self, first: Sequence[int], second: Sequence[int]) -> list[np.ndarray]:
        """The records lists of every listed pair (a word of ``first`` followed by one of ``second``)."""
        keys = np.asarray([(a << 32) | b for a in first for b in second], dtype=np.uint64)
        if not keys.size or not self.keys.size:
            return []
        at = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
        found = at[self.keys[at] == keys]
        return [self.records[int(self.offsets[i]) : int(self.offsets[i + 1])] for i in found]


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
        parts = [bundle.get(f"{name}.{part}") for part in ("words", "keys", "offsets", "records")]
        arrays = [p for p in parts if isinstance(p, np.ndarray)]
        if len(arrays) != len(parts):
            return None
        words, keys, offsets, records = arrays
        fields[name] = FieldPairs(words=words, keys=keys, offsets=offsets, records=records)
    return PhrasePairs(fields)


def _compute(streams: TokenStreams, alive: np.ndarray, common_above: int) -> dict[str, Any]:
    out: dict[str, Any] = {"common_above": common_above}
    for name in FIELDS:
        stream = streams.stream(name)
        assert stream is not None
        words, keys, offsets, records = field_pairs(np.asarray(stream), np.asarray(streams.offsets),
                                                    np.asarray(alive, dtype=bool), common_above)
        out.update({f"{name}.words": words, f"{name}.keys": keys, f"{name}.offsets": offsets,
                    f"{name}.records": records})
    return out


def field_pairs(stream: np.ndarray, offsets: np.ndarray, alive: np.ndarray, common_above: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(words, keys, offsets, records) of one field's stream (``FieldPairs``), vectorised: a few sorts of the
    positions where two common words stand together (seconds per 10 million tokens)."""
    ids, counts = np.unique(stream, return_counts=True)
    words = ids[counts >= common_above].astype(np.uint32)
    empty = (words, np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.int32))
    if not words.size or stream.size < 2:
        return empty
    at = np.minimum(np.searchsorted(words, stream), words.size - 1)
    common = words[at] == stream
    first = np.zeros(stream.size, dtype=bool)  # the first token of each record
    starts = offsets[:-1][offsets[:-1] < stream.size]
    first[starts] = True
    pos = np.flatnonzero(common[:-1] & common[1:] & ~first[1:])  # a common word followed by one on its record
    if not pos.size:
        return empty
    record = np.searchsorted(offsets, pos, side="right") - 1  # ascending, as pos is
    keys = (stream[pos].astype(np.uint64) << np.uint64(32)) | stream[pos + 1].astype(np.uint64)
    order = np.argsort(keys, kind="stable")  # by pair, then record (pos, so record, ascending within a pair)
    keys, record = keys[order], record[order]
    keep = np.ones(keys.size, dtype=bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (record[1:] != record[:-1])
    keep &= alive[record]
    keys, record = keys[keep], record[keep]
    if not keys.size:
        return empty
    starts_of_key = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    key_offsets = np.concatenate([starts_of_key, [keys.size]]).astype(np.int64)
    return words, keys[starts_of_key], key_offsets, record.astype(np.int32)


def query_ids(words: Sequence[str]) -> list[int]:
    """The stream ids of a slot's words (as the query's terms are written)."""
    return [token_id(w) for w in words]
