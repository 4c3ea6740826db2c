"""Per-generation token streams: the positional tests of the re-ranking without the engine's positions.

For every record number a generation keeps two streams of 32-bit token ids, one per indexed token of
its ``lemma`` field and one of its ``form`` field (``index.records``: both are one token per token of
the stored ``text``, in order, so position *i* of either stream is the *i*-th word of the page), and
``offsets`` (record r's tokens are ``stream[offsets[r]:offsets[r + 1]]``). They are written once per
generation next to it (``gen-N/arrays/tokens``, ``index.arrays``) and memory-mapped by every process.

A token's id is the CRC-32 of its indexed text (UTF-8): stable, needs no vocabulary, and the query's
words are hashed the same way. Two different words may share an id (with a vocabulary of a million
words, some hundred pairs do); such a collision can only make a page look as if a query word stood
there, and the only effect is a re-rank bonus it did not earn — no match, count or facet changes.

``in_order`` and ``near_pairs`` gather the tokens of the few candidate records (slices: only their pages
of the mapped streams are read), find where the query's words stand in one pass (a table of the ids' low
16 bits, then an exact compare of the few candidates) and test the order and distance between those hits
with binary searches — no Python loop per token; a few hundred pages take about a millisecond or less.

Building reads every record's stored ``lemma`` and ``text`` once (the ``form`` tokens are
``form_token`` of ``tokenize(text)``, as the writer makes them): seconds per 100,000 pages, so it is
done after ``ingest``/``reindex`` publishes a generation and by a server's prewarm; until the streams
exist (a CLI search on an older generation), the engine answers the tests from its own positions.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from scsearch.index.analysis import form_token
from scsearch.index.arrays import array_dir, load_existing, load_or_build, npy_data_offset, pread_slices
from scsearch.language.tokenize import token_texts

BUNDLE = "tokens"
HASH = "crc32-utf8"
FIELDS = ("lemma", "form")
READ_BATCH = 256  # records read per hold of the generation's I/O lock while building
BULK_SLICES = 64  # gathering more records than this: one vectorised gather
CHUNK_RECORDS = 4096  # records gathered at once at most
STABLE_NUMBERS = frozenset({"tantivy"})  # engines whose records keep their number from generation to generation


@dataclass(frozen=True)
class TokenStreams:
    """The token ids of every record of a generation, per field (memory-mapped)."""

    offsets: np.ndarray  # int64[n + 1]
    lemma: np.ndarray  # uint32[offsets[n]]
    form: np.ndarray  # uint32[offsets[n]]
    # (field, .npy path, byte offset of its data): read a few records with pread instead of through the
    # mapping, which maps 64 KiB around every page touched (a CLI search's RSS); empty: read the mapping
    files: tuple[tuple[str, str, int], ...] = ()

    @property
    def n(self) -> int:
        return int(self.offsets.size - 1)

    def stream(self, field: str) -> np.ndarray | None:
        """The stream of ``field`` (None for a field without one)."""
        return self.lemma if field == "lemma" else self.form if field == "form" else None

    def arrays(self) -> list[np.ndarray]:
        return [self.offsets, self.lemma, self.form]


def token_id(text: str) -> int:
    """The id of an indexed token: CRC-32 of its UTF-8 text, 0 mapped to 1 (0 pads nothing: never a word)."""
    return zlib.crc32(text.encode("utf-8")) or 1


class _Ids(dict[str, int]):
    """token text -> id, computed once per distinct text (``key_of`` turns the text into the indexed token)."""

    def __init__(self, key_of: Any = None) -> None:
        super().__init__()
        self._key_of = key_of

    def __missing__(self, text: str) -> int:
        value = token_id(self._key_of(text) if self._key_of else text)
        self[text] = value
        return value


# ------------------------------------------------------------------ building and loading
def load_streams(gen: Path, n: int) -> TokenStreams | None:
    """The generation's streams when they were written (never builds them), read record by record with
    pread (a short-lived process: a CLI search); ``build_streams`` gives them mapped (a server)."""
    streams = _streams(load_existing(gen, BUNDLE, n))
    if streams is None:
        return None
    folder = array_dir(gen) / BUNDLE
    try:
        files = tuple((f, str(folder / f"{f}.npy"), npy_data_offset(folder / f"{f}.npy")) for f in FIELDS)
    except (OSError, ValueError):
        return streams
    return dataclasses.replace(streams, files=files)


def build_streams(gen: Path | None, reader: Any, lock: AbstractContextManager[Any] | None = None,
                  previous: Path | None = None) -> TokenStreams:
    """Map (or, once, build and write) the streams of the generation in ``gen``; ``reader``: its
    ``index.readers.IndexReader``; ``lock``: the generation's I/O lock, held per batch of records.

    ``previous``: the generation this one was seeded from. Where the engine keeps record numbers
    (tantivy: a changed record gets a new one), the streams of the records still alive are copied from
    it and only the new records are read: an incremental ingest does not re-read the whole index."""
    n = int(reader.n)
    old = _previous(previous) if previous is not None and reader.engine in STABLE_NUMBERS else None
    streams = _streams(load_or_build(gen, BUNDLE, n, lambda: _read_streams(reader, n, lock or nullcontext(), old)))
    assert streams is not None  # a bundle built here has every array
    return streams


def _previous(gen: Path) -> TokenStreams | None:
    """The streams written for ``gen``, whatever its number of records."""
    try:
        n = int(json.loads((array_dir(gen) / BUNDLE / "bundle.json").read_text(encoding="utf-8"))["n"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return load_streams(gen, n)


def _streams(bundle: dict[str, Any] | None) -> TokenStreams | None:
    if bundle is None or bundle.get("hash") != HASH or not all(k in bundle for k in ("offsets", *FIELDS)):
        return None
    return TokenStreams(offsets=bundle["offsets"], lemma=bundle["lemma"], form=bundle["form"])


def _locked(items: Iterator[Any], lock: AbstractContextManager[Any]) -> Iterable[Any]:
    """The items, READ_BATCH at a time under ``lock`` (searches go on between batches)."""
    while True:
        with lock:
            batch = list(itertools.islice(items, READ_BATCH))
        if not batch:
            return
        yield from batch


def _read_streams(reader: Any, n: int, lock: AbstractContextManager[Any], old: TokenStreams | None
                  ) -> dict[str, Any]:
    lemma, form = array("I"), array("I")
    lemma_ids, form_ids = _Ids(), _Ids(form_token)
    docnums: list[int] = []
    lengths: list[int] = []
    if old is not None and old.n <= n:  # records below old.n that are alive now are unchanged: copy them
        alive = np.asarray(reader.alive, dtype=bool)
        kept = np.flatnonzero(alive[: old.n])
        starts, ends = old.offsets[kept].tolist(), old.offsets[kept + 1].tolist()
        lemma.frombytes(_slices(old.lemma, starts, ends).tobytes())
        form.frombytes(_slices(old.form, starts, ends).tobytes())
        docnums.extend(kept.tolist())
        lengths.extend(e - b for b, e in zip(starts, ends, strict=True))
        docs: Iterator[tuple[int, dict[str, Any]]] = (
            (int(d), reader.stored_fields(int(d))) for d in np.flatnonzero(alive[old.n:]) + old.n)
    else:
        with lock:
            docs = iter(reader.iter_docs())
    for docnum, fields in _locked(docs, lock):
        lemmas = list(map(lemma_ids.__getitem__, str(fields.get("lemma") or "").split()))
        forms = list(map(form_ids.__getitem__, token_texts(str(fields.get("text") or ""))))
        if len(forms) != len(lemmas):  # never for records the writer made; keep the positions aligned
            forms = (forms + [0] * len(lemmas))[: len(lemmas)]
        lemma.extend(lemmas)
        form.extend(forms)
        docnums.append(int(docnum))
        lengths.append(len(lemmas))
    lemma_arr = np.frombuffer(lemma, dtype=np.uint32)
    form_arr = np.frombuffer(form, dtype=np.uint32)
    got = np.asarray(docnums, dtype=np.int64)
    lens = np.asarray(lengths, dtype=np.int64)
    if got.size > 1 and not np.all(np.diff(got) > 0):  # both engines list their records in docnum order
        raise ValueError(f"{type(reader).__name__}.iter_docs() did not list the records in ascending order")
    per_doc = np.zeros(n, dtype=np.int64)
    per_doc[got] = lens
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_doc, out=offsets[1:])
    return {"hash": HASH, "offsets": offsets, "lemma": lemma_arr, "form": form_arr}


def _slices(stream: np.ndarray, starts: list[int], ends: list[int]) -> np.ndarray:
    """stream[starts[0]:ends[0]], stream[starts[1]:ends[1]], … one after another."""
    view = np.asarray(stream)  # a plain view of the mapped file: slicing it costs no memmap bookkeeping
    if len(starts) > BULK_SLICES:  # many records: one gather by computed indexes, no Python loop per record
        kind: type[np.signedinteger[Any]] = np.int32 if view.size < 2**31 else np.int64  # half the index bytes
        lo: np.ndarray = np.asarray(starts, dtype=kind)
        hi: np.ndarray = np.asarray(ends, dtype=kind)
        lens = hi - lo
        shift = lo - (np.cumsum(lens, dtype=kind) - lens)  # a token's index in the stream minus its index here
        index = np.repeat(shift, lens)
        index += np.arange(index.size, dtype=kind)
        return view[index]
    return np.concatenate([view[:0], *(view[a:b] for a, b in zip(starts, ends, strict=True))])


# ------------------------------------------------------------------ the positional tests
Hits = tuple[np.ndarray, np.ndarray]  # (ascending indices into the gathered tokens, the record of each)


class _Gathered:
    """The tokens of a few records one after another, and where the words of a query stand among them."""

    def __init__(self, streams: TokenStreams, field: str, docs: np.ndarray, words: Iterable[str],
                 mapped: bool = False) -> None:
        stream = streams.stream(field)
        assert stream is not None
        ends = np.asarray(streams.offsets[docs + 1], dtype=np.int64)
        starts = np.asarray(streams.offsets[docs], dtype=np.int64)
        first = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(ends - starts)])
        file = None if mapped else next(((path, at) for f, path, at in streams.files if f == field), None)
        if file is not None:
            tokens = pread_slices(file[0], file[1], stream.dtype, starts.tolist(), ends.tolist())
        else:
            tokens = _slices(stream, starts.tolist(), ends.tolist())
        self._wanted = wanted = _ids(words)
        # one pass over the tokens: a 64K-entry table of the words' low 16 bits gives each token the number of
        # the word it may be (0: none), compared in full after for the few candidates; each word's own test
        # (``hits``) is then a lookup by that number
        low = wanted.astype(np.uint16)
        if wanted.size < 255 and np.unique(low).size == low.size:
            table = np.zeros(1 << 16, dtype=np.uint8)
            table[low] = np.arange(1, wanted.size + 1, dtype=np.uint8)
            code = np.take(table, tokens.astype(np.uint16))  # take: 3x a fancy index here
            at = np.flatnonzero(code != 0)  # (nonzero of a bool array is ~10x that of uint8)
            word = code[at].astype(np.intp) - 1
            exact = tokens[at] == wanted[word]
        else:  # words sharing their low bits: a membership test, then a search for each one's number
            seen = np.zeros(1 << 16, dtype=bool)
            seen[low] = True
            at = np.flatnonzero(np.take(seen, tokens.astype(np.uint16)))
            word = np.minimum(np.searchsorted(wanted, tokens[at]), wanted.size - 1)
            exact = tokens[at] == wanted[word]
        self._at = at[exact]
        self._word = word[exact]
        self._owner = np.searchsorted(first, self._at, side="right") - 1  # index into docs

    def hits(self, words: Iterable[str]) -> Hits:
        """Where one of ``words`` stands (each among the words given when gathering)."""
        ids = _ids(words)
        which = np.zeros(self._wanted.size, dtype=bool)
        which[np.searchsorted(self._wanted, ids)] = True  # every id of ``words`` is among the wanted ones
        sel = which[self._word]
        return self._at[sel], self._owner[sel]


_query_id = lru_cache(maxsize=1 << 16)(token_id)  # a query's words recur from test to test


def query_ids(words: Iterable[str]) -> list[int]:
    """The ids of a query's words, in order (``token_id``, cached)."""
    return list(map(_query_id, words))


def _ids(words: Iterable[str]) -> np.ndarray:
    return np.unique(np.asarray(query_ids(words), dtype=np.uint32))


def _pool(streams: TokenStreams, docnums: Iterable[int] | np.ndarray) -> np.ndarray:
    """The distinct record numbers among ``docnums`` that the streams hold, ascending."""
    docs = np.asarray(docnums if isinstance(docnums, np.ndarray) else list(docnums), dtype=np.int64)
    if docs.size > 1 and not bool(np.all(docs[1:] > docs[:-1])):  # (record numbers of a mask come sorted)
        docs = np.unique(docs)
    return docs[(docs >= 0) & (docs < streams.n)]


def _before(at: Hits, prev: Hits, reach: int) -> np.ndarray:
    """bool per hit of ``at``: a hit of ``prev`` stands 1..reach tokens before it on the same record."""
    if not prev[0].size or not at[0].size:
        return np.zeros(at[0].size, dtype=bool)
    j = np.searchsorted(prev[0], at[0], side="left") - 1  # the nearest earlier one
    k = np.maximum(j, 0)
    return (j >= 0) & (at[0] - prev[0][k] <= reach) & (prev[1][k] == at[1])


def _after(at: Hits, nxt: Hits, reach: int) -> np.ndarray:
    """bool per hit of ``at``: a hit of ``nxt`` stands 1..reach tokens after it on the same record."""
    if not nxt[0].size or not at[0].size:
        return np.zeros(at[0].size, dtype=bool)
    j = np.searchsorted(nxt[0], at[0], side="right")  # the nearest later one
    k = np.minimum(j, nxt[0].size - 1)
    return (j < nxt[0].size) & (nxt[0][k] - at[0] <= reach) & (nxt[1][k] == at[1])


def in_order(streams: TokenStreams, field: str, slots: Sequence[Sequence[str]], docnums: Sequence[int] | np.ndarray,
             slop: int, *, mapped: bool = False) -> set[int]:
    """The ``docnums`` where a word of slots[0] is followed by one of slots[1] … each 1..slop+1 positions
    later (one slot: the docnums holding one of its words). ``mapped``: read through the mapping even where
    the streams are read with pread (many records: a phrase matched over the index)."""
    docs = _pool(streams, docnums)
    if not docs.size or not slots:
        return set()
    if docs.size > CHUNK_RECORDS:  # a phrase over much of the index: a chunk of records at a time (memory)
        return set().union(*(in_order(streams, field, slots, docs[i : i + CHUNK_RECORDS], slop, mapped=mapped)
                             for i in range(0, docs.size, CHUNK_RECORDS)))
    found = _Gathered(streams, field, docs, [w for slot in slots for w in slot], mapped)
    reach = found.hits(slots[0])
    for slot in slots[1:]:
        if not reach[0].size:
            return set()
        at = found.hits(slot)
        keep = _before(at, reach, slop + 1)
        reach = at[0][keep], at[1][keep]
    return set(docs[_marked(docs.size, reach[1])].tolist())


def near_pairs(streams: TokenStreams, field: str, concepts: Sequence[Sequence[str]], docs: np.ndarray,
               window: int) -> list[np.ndarray]:
    """For each pair of neighbouring concepts (lists of words), the records among ``docs`` where a word of
    one stands within ``window`` positions (either side) of a word of the other (sorted, int64)."""
    pool = _pool(streams, docs)
    found = _Gathered(streams, field, pool, [w for words in concepts for w in words])
    hits = [found.hits(words) for words in concepts]
    out = []
    for a, b in zip(hits, hits[1:], strict=False):
        near = _before(a, b, window) | _after(a, b, window)
        out.append(pool[_marked(pool.size, a[1][near])])
    return out


def _marked(size: int, which: np.ndarray) -> np.ndarray:
    """bool[size], True at ``which`` (the records some hit stands on; cheaper than sorting them)."""
    mask = np.zeros(size, dtype=bool)
    mask[which] = True
    return mask
