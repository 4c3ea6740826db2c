"""Ingest throughput on the sample corpus: pages/s split into extraction, lemmatisation, indexing.

    .venv/bin/python bench/ingest_bench.py [--lemmatizer simplemma|stanza|auto] [--corpus corpus/]

Runs a full ingest into a fresh temporary DATA_DIR (no caches), then a second,
unchanged run (skip speed), and prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS, dir_size, machine  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lemmatizer", default="simplemma")
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()

    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    lem = get_lemmatizer(args.lemmatizer)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        t0 = time.perf_counter()
        report = Pipeline(data, lemmatizer=lem, workers=args.workers).run([args.corpus])
        wall = time.perf_counter() - t0
        t1 = time.perf_counter()
        again = Pipeline(data, lemmatizer=lem, workers=args.workers).run([args.corpus])
        wall2 = time.perf_counter() - t1
        size = dir_size(data / "index")
    t = report.timings
    pages = report.pages
    print(f"Machine: {machine()}")
    print(f"Lemmatiser: {report.lemmatizer}")
    print(f"Files: {report.count('indexed')} indexed, {report.count('failed')} failed; units (pages/slides/rows): {pages}\n")
    print("| stage | seconds | pages/s |")
    print("|---|---:|---:|")
    print(f"| extraction (CPU time summed over workers) | {t['extract']:.2f} | {pages / max(t['extract'], 1e-9):.1f} |")
    print(f"| lemmatisation (in the extraction workers with simplemma; summed) | {t['lemmatize']:.2f} | {pages / max(t['lemmatize'], 1e-9):.1f} |")
    print(f"| indexing (records, whoosh add + commit, lexicon) | {t['index']:.2f} | {pages / max(t['index'], 1e-9):.1f} |")
    print(f"| **whole ingest, wall clock** | {wall:.2f} | {pages / wall:.1f} |")
    print(f"| unchanged re-run ({again.count('unchanged')} files skipped) | {wall2:.2f} | |")
    print(f"\nIndex size on disk: {size / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
