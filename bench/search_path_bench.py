"""Before/after of the query-time path on one synthetic index: warm in-process latency, a fresh
CLI process per query (latency and peak RSS), and the time to open a generation.

    .venv/bin/python bench/search_path_bench.py --pages 5000                  # this checkout
    .venv/bin/python bench/search_path_bench.py --pages 5000 --repo ../main   # another checkout, same data

The synthetic index is built (with the measured checkout's writer) from the sample corpus, as in
``query_bench.py``. Each measurement runs in a child process whose PYTHONPATH is ``--repo``, so two
checkouts can be compared side by side in one run on one machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, summary_ms  # noqa: E402

QUERIES = ("dotace", "dotace mestum", '"pracovní skupina"', "financování projektů Smart Cities", "elektromobylita")

_CHILD = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench.query_bench import build_corpus_index, build_synthetic
from scsearch.index.search import Searcher
from scsearch.index.types import SearchRequest
data, pages, repeat, queries = Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
if not (data / "syn" / "index").exists():
    build_corpus_index(data / "corpus")
    build_synthetic(data / "corpus", data / "syn", pages)
t = time.perf_counter(); s = Searcher(data / "syn"); s.search(SearchRequest(query="x")); first = time.perf_counter() - t
t = time.perf_counter(); s2 = Searcher(data / "syn"); s2.search(SearchRequest(query="x")); again = time.perf_counter() - t
times = []
for _ in range(repeat):
    for q in queries:
        t = time.perf_counter(); s.search(SearchRequest(query=q)); times.append(time.perf_counter() - t)
print(json.dumps({"open_first": first, "open_again": again, "warm": times}))
"""


def cli_process(repo: Path, data: Path, query: str) -> tuple[float, int, float]:
    """Wall time, peak RSS (KiB) and CPU time (user + system) of one ``scsearch search --json`` process."""
    env = dict(os.environ, PYTHONPATH=str(repo))
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), "search", query, "--json"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t, int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    ap.add_argument("--data", type=Path, default=None, help="keep the built index here (reused when present)")
    args = ap.parse_args()
    repo = args.repo.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp)
        env = dict(os.environ, PYTHONPATH=str(repo))
        out = subprocess.run([sys.executable, "-c", _CHILD, str(repo), str(data), str(args.pages), str(args.repeat),
                              json.dumps(QUERIES)], env=env, capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        cli = [cli_process(repo, data / "syn", q) for _ in range(max(1, args.repeat // 2)) for q in QUERIES]
    warm = summary_ms(res["warm"])
    fresh = summary_ms([c[0] for c in cli])
    cpu = summary_ms([c[2] for c in cli])
    print(f"Machine: {machine()}; checkout {repo}; {args.pages} synthetic pages")
    print("| measure | value |\n|---|---:|")
    print(f"| open a generation, first time (ms) | {res['open_first'] * 1000:.0f} |")
    print(f"| open it again, arrays on disk (ms) | {res['open_again'] * 1000:.0f} |")
    print(f"| warm search p50 / p95 (ms) | {warm[0]:.1f} / {warm[1]:.1f} |")
    print(f"| CLI search, fresh process p50 / p95 (ms) | {fresh[0]:.0f} / {fresh[1]:.0f} |")
    print(f"| CLI search, CPU time of the process p50 / p95 (ms) | {cpu[0]:.0f} / {cpu[1]:.0f} |")
    print(f"| CLI search peak RSS (MiB) | {max(c[1] for c in cli) / 1024:.0f} |")


if __name__ == "__main__":
    main()
