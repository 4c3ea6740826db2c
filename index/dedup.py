"""Duplicate formats: one document published as PPTX and PDF, or DOCX and PDF, is one document.

At index time every document gets a MinHash signature of its normalised text (``fingerprint``:
folded word 3-shingles, ``PERMUTATIONS`` hash functions) and its number of shingles, stored with its
manifest entry. Before a generation is committed, ``assign_groups`` puts documents into one group
(``group`` = the doc_id of its primary member) when the smaller text is nearly contained in the other
(estimated containment at least ``DUPLICATE_THRESHOLD``, sizes within ``MIN_SIZE_RATIO``) and
marks documents with the same title and type but clearly different text as ``versions`` of each
other. Search keeps only the records of a group's primary member (``primary_doc_ids``), so a
result list, its counts and facets show each document once; the other formats are listed with it.
The threshold is measured on the sample corpus (docs/records.md, ``bench/dedup_similarity.py``).
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import Any

import numpy as np

from scsearch.index.manifest import Manifest, ManifestEntry
from scsearch.language.dates import find_dates
from scsearch.language.tokenize import fold

SHINGLE = 3  # words per shingle
PERMUTATIONS = 128
DUPLICATE_THRESHOLD = 0.7  # estimated containment; measured on the sample corpus: twins >= 0.87, others <= 0.46
MIN_SHINGLES = 30  # a shorter or highly repetitive text is never merged (too little to tell copies apart)
MIN_SIZE_RATIO = 0.5  # the smaller text has at least half the shingles of the other (a quote is not a copy)
MIN_JACCARD = 0.25  # implied by the two above: containment 0.7 at size ratio 0.5 is Jaccard 0.30
_CHUNK = 8192  # shingles hashed at once (memory: PERMUTATIONS x _CHUNK x 8 bytes)


@lru_cache(maxsize=1)
def _coefficients() -> tuple[np.ndarray, np.ndarray]:
    """The permutations' factors (computed on first use: hashlib's OpenSSL costs a search process ~4 MB)."""
    import hashlib

    a, b = [], []
    for i in range(PERMUTATIONS):
        h = hashlib.blake2b(f"scsearch-minhash-{i}".encode(), digest_size=16).digest()
        a.append(int.from_bytes(h[:8], "big") | 1)  # multiply-add modulo 2**64 with an odd factor
        b.append(int.from_bytes(h[8:], "big"))
    return np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)


def shingles(text: str) -> set[int]:
    """64-bit hashes of the folded word shingles of a text (numbers kept, punctuation and layout dropped)."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    if len(words) < SHINGLE:
        words = words + [""] * (SHINGLE - len(words)) if words else []
    import hashlib

    out = set()
    for i in range(max(0, len(words) - SHINGLE + 1)):
        key = " ".join(words[i : i + SHINGLE]).encode("utf-8")
        out.add(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big"))
    return out


def signature(text: str) -> list[int]:
    """MinHash signature of a text ([] for a text without words)."""
    hashes = np.fromiter(shingles(text), dtype=np.uint64)
    if not hashes.size:
        return []
    mul, add = _coefficients()
    sig = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, hashes.size, _CHUNK):
        chunk = hashes[start : start + _CHUNK]
        sig = np.minimum(sig, (mul[:, None] * chunk[None, :] + add[:, None]).min(axis=1))  # wraps modulo 2**64
    return [int(x) for x in sig]


def fingerprint(text: str) -> tuple[list[int], int]:
    """The MinHash signature of a text and its number of distinct shingles."""
    return signature(text), len(shingles(text))


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either is empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def containment(a: list[int], size_a: int, b: list[int], size_b: int) -> float:
    """Estimated share of the smaller text's shingles found in the other text: a PPTX with speaker notes
    and slide footers contains its PDF export even where their Jaccard similarity is lower."""
    j = similarity(a, b)
    if not j or not size_a or not size_b:
        return 0.0
    return min(1.0, j * (size_a + size_b) / (1 + j) / min(size_a, size_b))


def _primary_key(key: str, entry: ManifestEntry) -> tuple[bool, bool, bool, str]:
    """The member shown for a group: a typed document with pages, a PDF before its source."""
    paged = entry.unit_kind in ("page", "slide") and entry.format in ("pdf", "pptx", "odp")
    return (entry.doc_type == "other", not paged, entry.format != "pdf", key)


def _candidates(items: list[tuple[str, list[int]]]) -> list[tuple[str, str]]:
    """Pairs whose estimated Jaccard similarity could reach the thresholds (all pairs, vectorised:
    n = 3 000 documents take about 2 s)."""
    if len(items) < 2:
        return []
    keys = [k for k, _ in items]
    sigs = np.array([s for _, s in items], dtype=np.uint64)
    pairs: list[tuple[str, str]] = []
    for i in range(len(keys) - 1):
        sims = (sigs[i + 1 :] == sigs[i]).mean(axis=1)
        pairs.extend((keys[i], keys[i + 1 + j]) for j in np.nonzero(sims >= MIN_JACCARD)[0])
    return pairs


def _title_key(title: str) -> str:
    """A title without its dates: the quarterly issues of one overview share it."""
    for d in reversed(find_dates(title)):
        title = title[: d.start] + title[d.end :]
    return " ".join(re.findall(r"[a-z0-9]+", fold(title)))


def assign_groups(manifest: Manifest) -> Manifest:
    """Every indexed entry with its ``group``, ``formats`` and ``versions`` set (a new mapping)."""
    indexed = {k: e for k, e in manifest.items() if e.indexed}
    items = [(k, list(e.minhash)) for k, e in indexed.items() if len(e.minhash) == PERMUTATIONS]
    parent = {k: k for k in indexed}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    sigs = dict(items)
    for a, b in _candidates(items):
        na, nb = indexed[a].shingles, indexed[b].shingles
        if min(na, nb) < max(MIN_SHINGLES, MIN_SIZE_RATIO * max(na, nb)):
            continue
        if containment(sigs[a], na, sigs[b], nb) >= DUPLICATE_THRESHOLD:
            parent[find(a)] = find(b)
    members: dict[str, list[str]] = {}
    for k in indexed:
        members.setdefault(find(k), []).append(k)
    group_of: dict[str, tuple[str, tuple[dict[str, Any], ...]]] = {}
    by_title: dict[tuple[str, str], list[str]] = {}
    for keys in members.values():
        ordered = sorted(keys, key=lambda k: _primary_key(k, indexed[k]))
        primary = indexed[ordered[0]]
        formats = tuple({"path": m, "doc_id": indexed[m].doc_id, "format": indexed[m].format} for m in ordered)
        for k in keys:
            group_of[k] = (primary.doc_id, formats)
        if primary.title:
            by_title.setdefault((_title_key(primary.title), primary.doc_type), []).append(ordered[0])
    versions_of: dict[str, tuple[dict[str, Any], ...]] = {}
    for primaries in by_title.values():
        for p in primaries if len(primaries) > 1 else ():
            versions_of[indexed[p].doc_id] = tuple(
                {"path": o, "doc_id": indexed[o].doc_id, "date": indexed[o].date} for o in primaries if o != p)
    out = dict(manifest)
    for k, e in indexed.items():
        group, formats = group_of[k]
        out[k] = dataclasses.replace(e, group=group, formats=formats, versions=versions_of.get(group, ()))
    return out


def secondary_doc_ids(manifest: dict[str, dict[str, Any]]) -> set[str]:
    """doc_ids whose records search leaves out: the other formats of a group (its primary stays)."""
    return {str(e.get("doc_id")) for e in manifest.values()
            if e.get("status") == "indexed" and e.get("group") and e.get("group") != e.get("doc_id")}


def collapse_formats(cols: Any, manifest: dict[str, dict[str, Any]]) -> Any:
    """Search columns with the records of secondary formats marked not alive: a result list, its
    counts and facets see each document once (``cols``: ``index.search._Columns``)."""
    secondary = secondary_doc_ids(manifest)
    if not secondary:
        return cols
    codes = [i for i, name in enumerate(cols.doc_id_names) if name in secondary]
    return dataclasses.replace(cols, alive=cols.alive & ~np.isin(cols.doc_id, codes))
