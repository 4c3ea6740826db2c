"""Reading whoosh's on-disk data into numpy arrays: posting lists, positions, field lengths.

Reads W3 codec blocks whole where it can; any other codec is walked posting by posting.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import numpy as np


def read_postings(leaf: Any, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(docnums int64, weights float64) of one segment's posting list, deleted docs included.

    Reads W3 codec blocks whole (one unpickle per block of 128 postings); any other
    matcher is walked posting by posting.
    """
    from whoosh.codec.whoosh3 import W3LeafMatcher

    fmt = leaf.schema[field].format
    m = leaf._terms.matcher(field, btext, fmt) if hasattr(leaf, "_terms") else leaf.postings(field, btext)
    if type(m) is W3LeafMatcher and not m._byteids:
        try:
            return _read_w3_blocks(m)
        except Exception:  # noqa: BLE001 - unexpected internals: walk the postings instead
            m = leaf._terms.matcher(field, btext, fmt)
    ids: list[int] = []
    weights: list[float] = []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def read_positions(leaf: Any, field: str, btext: bytes, offset: int = 0) -> np.ndarray:
    """Sorted int64 keys ``(offset + docnum) << 32 | position`` of one segment's postings."""
    fmt = leaf.schema[field].format
    m = leaf._terms.matcher(field, btext, fmt)
    docs: list[int] = []
    counts: list[int] = []
    flat: list[int] = []
    decode = fmt.decode_positions
    while m.is_active():
        poss = decode(m.value())
        docs.append(m.id())
        counts.append(len(poss))
        flat.extend(poss)
        m.next()
    ids = np.repeat(np.asarray(docs, dtype=np.int64) + offset, counts)
    return (ids << 32) | np.asarray(flat, dtype=np.int64)


def _read_w3_blocks(m: Any) -> tuple[np.ndarray, np.ndarray]:
    id_parts: list[np.ndarray] = []
    w_parts: list[np.ndarray] = []
    while True:
        m._read_data()
        deltas, weights = m._data[0], m._data[1]
        count = m._blocklength
        ids = np.cumsum(np.asarray(deltas, dtype=np.int64))
        if len(ids) != count:
            raise ValueError("block length mismatch")
        id_parts.append(ids)
        if weights is None:
            w_parts.append(np.ones(count, dtype=np.float64))
        elif isinstance(weights, float):
            w_parts.append(np.full(count, weights, dtype=np.float64))
        else:
            w_parts.append(np.asarray(weights, dtype=np.float32).astype(np.float64))
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    return np.concatenate(id_parts), np.concatenate(w_parts)


def length_bytes(leaf: Any, field: str, count: int) -> np.ndarray | None:
    """uint8[count]: the stored length bytes of ``field``, read from the W3 lengths column in one go."""
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        perdoc = leaf._perdoc
        col = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if col is None:
            return np.zeros(count, dtype=np.uint8)
        if col._fixedlen != 1:
            return None
        stored = min(col._count, count)
        raw = col._dbfile.get(col._basepos, stored) if stored else b""
        out = np.zeros(count, dtype=np.uint8)
        out[:stored] = np.frombuffer(raw, dtype=np.uint8)
        return out
    except Exception:  # noqa: BLE001 - another codec: read doc by doc
        return None


def length_byte_slow(leaf: Any, docnum: int, field: str) -> int:
    from whoosh.util.numeric import length_to_byte

    length = leaf.doc_field_length(docnum, field, 0)
    return int(length_to_byte(length or 0))


def skip_to(m: Any, target: int) -> None:
    """``m.skip_to(target)``, with a binary search inside the block for W3 matchers (whoosh steps
    through the block one posting at a time)."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    if type(m) is not W3LeafMatcher or m._byteids:
        m.skip_to(target)
        return
    if target > m.block_max_id():
        m._skip_to_block(lambda: target > m.block_max_id())
    if m.is_active() and m.id() < target:
        m._i = bisect_left(m._ids, target, m._i)  # the block's max id is >= target: it stays in the block
