"""Re-index speed of an unchanged corpus: how long ``reindex`` takes when nothing changed.

    .venv/bin/python bench/reindex_bench.py [--files 1000]

Writes N small Czech text files, ingests them once, then times unchanged re-runs
(the pipeline compares size and mtime with the manifest and does not open the files),
and a run after touching every file (content hashes are compared, nothing re-extracted).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine  # noqa: E402

TEXT = ("Zápis z {n}. jednání pracovní skupiny. Ministerstvo pro místní rozvoj informovalo o dotacích "
        "městům a obcím na projekty Smart Cities; úkol {n}/1 splní MD do příštího jednání.\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    args = ap.parse_args()
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    lem = get_lemmatizer("simplemma")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for i in range(args.files):
            (src / f"zapis_{i:05d}.txt").write_text(TEXT.format(n=i), encoding="utf-8")
        data = Path(tmp) / "data"
        t0 = time.perf_counter()
        first = Pipeline(data, lemmatizer=lem).run([str(src)])
        t_first = time.perf_counter() - t0
        times = []
        for _ in range(3):
            t = time.perf_counter()
            again = Pipeline(data, lemmatizer=lem).run([str(src)])
            times.append(time.perf_counter() - t)
            assert again.count("unchanged") == args.files
        for f in src.iterdir():
            os.utime(f)
        t = time.perf_counter()
        touched = Pipeline(data, lemmatizer=lem).run([str(src)])
        t_touched = time.perf_counter() - t
    print(f"Machine: {machine()}\n")
    print("| run | files | seconds | per 1,000 files |")
    print("|---|---:|---:|---:|")
    print(f"| first ingest | {first.count('indexed')} | {t_first:.2f} | {t_first * 1000 / args.files:.2f} |")
    best = min(times)
    print(f"| unchanged re-run (best of 3) | {args.files} | {best:.2f} | {best * 1000 / args.files:.2f} |")
    print(f"| all files touched (hash compared) | {touched.count('unchanged')} | {t_touched:.2f} | "
          f"{t_touched * 1000 / args.files:.2f} |")


if __name__ == "__main__":
    main()
