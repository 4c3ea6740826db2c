"""Run every benchmark in turn and print their tables (``make bench``).

    .venv/bin/python bench/run_all.py [--quick]

``--quick`` skips the 100k-page synthetic corpus (the longest part, ~10 minutes on 2 cores).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    quick = "--quick" in sys.argv
    runs = [
        ["ingest_bench.py"],
        ["reindex_bench.py"],
        ["extract_bench.py"],
        ["pdf_text_bench.py"],
        ["pdf_ingest_bench.py"] + ([] if quick else ["--repeat", "3"]),
        ["lemma_accuracy.py"],
        ["retrieval_eval.py", "--all"],
        ["query_bench.py", "--pages", "10000", "20000"] + ([] if quick else ["100000"]),
        ["search_path_bench.py", "--pages", "5000"],
        ["engine_bench.py", "--pages", "20000"] + ([] if quick else ["100000"]),
        ["load_bench.py"] + (["--searches", "20"] if quick else ["--searches", "200", "--reindexes", "2"]),
        ["server_bench.py"] + (["--duration", "3"] if quick else ["--pages", "20000", "--duration", "20"]),
    ]
    failed = 0
    for args in runs:
        print(f"\n## {' '.join(args)}\n", flush=True)
        res = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], cwd=HERE.parent, check=False)
        failed += res.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
