"""Measure the MinHash similarity of documents in an index: same-name format twins vs every other pair.

    python bench/dedup_similarity.py DATA_DIR   # an index of the sample corpus (scsearch ingest corpus)

Prints each twin pair (same folder and name, other extension) with its estimated containment (the share
of the smaller text's shingles in the other, from the MinHash Jaccard estimate), the highest containment of any other pair, and the pairs of documents with the same title but different
files; docs/records.md quotes the figures that set ``index.dedup.DUPLICATE_THRESHOLD``.
"""

from __future__ import annotations

import sys
from pathlib import PurePosixPath

from scsearch.index.dedup import containment, fingerprint
from scsearch.index.search import Searcher


def main(data_dir: str) -> None:
    s = Searcher(data_dir)
    docs = s.documents()
    sigs = {}
    for d in docs:
        text = "\n".join(u.get("text") or "" for u in s.document_units(d["doc_id"]) if u.get("kind") != "decision")
        sigs[d["path"]] = fingerprint(text)
    twins, others = [], []
    paths = sorted(sigs)
    for i, a in enumerate(paths):
        for b in paths[i + 1 :]:
            (sa, na), (sb, nb) = sigs[a], sigs[b]
            sim = containment(sa, na, sb, nb)
            same = PurePosixPath(a).with_suffix("") == PurePosixPath(b).with_suffix("")
            (twins if same else others).append((sim, a, b))
    for sim, a, b in sorted(twins):
        print(f"twin   {sim:.3f}  {a}  {b}")
    print(f"containment; twins: min {min(t[0] for t in twins):.3f}; other pairs: max {max(o[0] for o in others):.3f}")
    for sim, a, b in sorted(others, reverse=True)[:5]:
        print(f"other  {sim:.3f}  {a}  {b}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "instance")
