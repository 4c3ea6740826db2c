"""The postings of a generation's most frequent terms (lemmas, and fewer of the exact forms, stems and
heading lemmas), written once as ``.npy`` files next to it and memory-mapped: every worker process of a
server reads the same pages instead of filling its own cache; a CLI search reads the few it needs from them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from scsearch.index.arrays import array_dir, load_existing, load_or_build, npy_data_offset, pread_slices
from scsearch.index.evaluate import Postings, Scorer

FIELDS = (("lemma", 1), ("form", 2), ("stem", 2), ("head", 8))  # field, share: number // share of its terms
PREFIX = "hot-"
HOT_TERMS = 2000  # lemmas a server pre-reads (and ``prepare_generation`` writes) per generation


class HotPostings(Mapping[tuple[str, bytes], Postings]):
    """(field, term) -> postings, sliced on demand from one mapped bundle (a server: nothing copied), or
    read with pread from its files (``folder``: a CLI search reads a few terms and keeps only them)."""

    def __init__(self, bundle: dict[str, Any], folder: Path | None = None) -> None:
        self._offsets = bundle["offsets"]
        self._ids, self._scores = bundle["ids"], bundle["scores"]
        self._files = {name: (str(folder / f"{name}.npy"), npy_data_offset(folder / f"{name}.npy"))
                       for name in ("ids", "scores")} if folder is not None else {}
        terms = bundle["terms"]
        fields = bundle.get("fields") or ["lemma"] * len(terms)
        # built in C (zip, map, dict): a CLI search opens a bundle of thousands of terms to read a few
        self._index = dict(zip(zip(fields, map(str.encode, terms), strict=True), range(len(terms)), strict=True))

    def __getitem__(self, key: tuple[str, bytes]) -> Postings:
        return self._slice(self._index[key])

    def get(self, key: tuple[str, bytes], default: Any = None) -> Any:
        """(Mapping's get catches a KeyError: every term outside the bundle would raise one.)"""
        i = self._index.get(key)
        return default if i is None else self._slice(i)

    def _slice(self, i: int) -> Postings:
        lo, hi = int(self._offsets[i]), int(self._offsets[i + 1])
        if self._files:
            (ids_path, ids_at), (scores_path, scores_at) = self._files["ids"], self._files["scores"]
            return (pread_slices(ids_path, ids_at, self._ids.dtype, [lo], [hi]),
                    pread_slices(scores_path, scores_at, self._scores.dtype, [lo], [hi]))
        return self._ids[lo:hi], self._scores[lo:hi]

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def share_hot_postings(gen: Any, reader: Any, fast: Scorer, io: Any, number: int) -> int:
    """Map (or, once, build and write) the postings of the ``number`` most frequent lemmas and hand them
    to the scorer; returns how many terms it holds. ``io`` is the generation's I/O lock."""
    hot = HotPostings(load_or_build(gen, f"{PREFIX}{number}", fast.n, lambda: _build(reader, fast, io, number)))
    fast.share_postings(hot)
    return len(hot)


def map_existing_hot_postings(gen: Path, fast: Scorer) -> int:
    """Hand the scorer the largest set of frequent postings a server already wrote for ``gen`` (a CLI
    search then reads none of them from the index); builds nothing. Returns how many terms it maps."""
    try:
        sizes = sorted((int(p.name[len(PREFIX):]) for p in array_dir(gen).glob(f"{PREFIX}*")
                        if p.name[len(PREFIX):].isdigit()), reverse=True)
    except OSError:
        return 0
    for number in sizes:
        bundle = load_existing(gen, f"{PREFIX}{number}", fast.n)
        if bundle is not None:
            try:
                hot = HotPostings(bundle, array_dir(gen) / f"{PREFIX}{number}")
            except (OSError, ValueError):
                hot = HotPostings(bundle)
            fast.share_postings(hot)
            return len(hot)
    return 0


def _build(reader: Any, fast: Scorer, io: Any, number: int) -> dict[str, Any]:
    fields: list[str] = []
    terms: list[str] = []
    id_parts: list[np.ndarray] = []
    score_parts: list[np.ndarray] = []
    for field, share in FIELDS:
        with io:
            found = reader.most_frequent_terms(field, number // share)
        for text in found:
            with io:
                ids, scores = fast.load_postings(field, text.encode("utf-8"))
            fields.append(field)
            terms.append(text)
            id_parts.append(ids)
            score_parts.append(scores)
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(p) for p in id_parts])
    return {
        "fields": fields,
        "terms": terms,
        "offsets": offsets,
        "ids": np.concatenate([np.zeros(0, np.int32), *id_parts]).astype(np.int32),
        "scores": np.concatenate([np.zeros(0, np.float32), *score_parts]).astype(np.float32),
    }
