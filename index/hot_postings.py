"""The postings of a generation's most frequent lemmas, written once as ``.npy`` files next to it and
memory-mapped: every worker process of a server reads the same pages instead of filling its own cache."""

from __future__ import annotations

from typing import Any

import numpy as np

from scsearch.index.arrays import load_or_build
from scsearch.index.evaluate import Postings, Scorer

FIELD = "lemma"


def share_hot_postings(gen: Any, reader: Any, fast: Scorer, io: Any, number: int) -> int:
    """Map (or, once, build and write) the postings of the ``number`` most frequent lemmas and hand them
    to the scorer; returns how many terms it holds. ``io`` is the generation's I/O lock."""
    bundle = load_or_build(gen, f"hot-{number}", fast.n, lambda: _build(reader, fast, io, number))
    offsets = bundle["offsets"]
    ids, scores = bundle["ids"], bundle["scores"]
    terms: list[str] = bundle["terms"]
    shared: dict[tuple[str, bytes], Postings] = {}
    for i, text in enumerate(terms):
        lo, hi = int(offsets[i]), int(offsets[i + 1])
        shared[(FIELD, text.encode("utf-8"))] = (ids[lo:hi], scores[lo:hi])
    fast.share_postings(shared)
    return len(shared)


def _build(reader: Any, fast: Scorer, io: Any, number: int) -> dict[str, Any]:
    with io:
        found = reader.most_frequent_terms(FIELD, number)
    terms: list[str] = []
    id_parts: list[np.ndarray] = []
    score_parts: list[np.ndarray] = []
    for text in found:
        btext = text.encode("utf-8")
        with io:
            ids, scores = fast.load_postings(FIELD, btext)
        terms.append(btext.decode("utf-8"))
        id_parts.append(ids)
        score_parts.append(scores)
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(p) for p in id_parts])
    return {
        "terms": terms,
        "offsets": offsets,
        "ids": np.concatenate([np.zeros(0, np.int32), *id_parts]).astype(np.int32),
        "scores": np.concatenate([np.zeros(0, np.float32), *score_parts]).astype(np.float32),
    }
