"""whoosh and tantivy side by side in one run: index build, size, opening, fresh-searcher (CLI) and warm
(server) latency per query class, and the peak RSS of one CLI search process.

    .venv/bin/python bench/engine_bench.py --pages 20000 100000 --work-dir /tmp/eb

Both engines index the same synthetic pages (``query_bench.build_synthetic``: real page texts of the
sample corpus mixed and shuffled, with scsearch's own lemmas), so only the engine differs. Every
measurement of an engine runs in a child process of its own. "Fresh" is what a CLI search does: a new
``Searcher`` (open the generation, load the lexicon, map the arrays) and one search, OS page cache warm.
"Warm" is a server worker: one ``Searcher`` pre-reading the 2,000 most frequent lemmas, then the queries.
Each measurement starts from the index alone (the generation's ``arrays/`` folder is removed first, so reused
indexes measure the same thing), then does what ``scsearch ingest`` does after publishing a generation
(``prepare_generation``: filter columns, token streams, phrase pairs, the frequent terms' postings; timed)
before searching. The warm searcher keeps freed memory as a server worker does (``keep_freed_memory``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import dir_size, machine, summary_ms  # noqa: E402
from bench.query_bench import QUERIES  # noqa: E402
from bench.search_path_bench import cli_process  # noqa: E402

ENGINES = ("whoosh", "tantivy")

_BUILD = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench.query_bench import build_corpus_index, build_synthetic
corpus, target, pages, engine = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
if not (corpus / "index").exists():
    build_corpus_index(corpus)
print(json.dumps({"build": build_synthetic(corpus, target, pages, engine=engine)}))
"""

_MEASURE = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench.query_bench import QUERIES
from scsearch.index.search import Searcher
from scsearch.index.types import SearchRequest
data, repeat = Path(sys.argv[2]), int(sys.argv[3])
import shutil
from scsearch.index import store
from scsearch.index.generation import prepare_generation
gen = store.current_generation(data)
shutil.rmtree(gen / "arrays", ignore_errors=True)  # every run starts from the index alone
t = time.perf_counter(); prepare_generation(gen); prepare = time.perf_counter() - t  # what ingest adds after publishing
t = time.perf_counter(); s = Searcher(data); s.search(SearchRequest(query="x")); first_open = time.perf_counter() - t
s.close()
t = time.perf_counter(); s = Searcher(data); s._open(); reopen = time.perf_counter() - t
s.close()
fresh, warm = {}, {}
for cls, qs in QUERIES.items():
    times = []
    for _ in range(repeat):
        for q in qs:
            t = time.perf_counter(); s = Searcher(data); s.search(SearchRequest(**q)); times.append(time.perf_counter() - t)
            s.close()
    fresh[cls] = times
from scsearch.index.scratch import keep_freed_memory
keep_freed_memory()  # as a server worker does after the fork (webui/server.py)
server = Searcher(data, prewarm=2000)
server.search(SearchRequest(query="dotace")); server.wait_warm()
for cls, qs in QUERIES.items():
    times = []
    for _ in range(repeat):
        for q in qs:
            t = time.perf_counter(); server.search(SearchRequest(**q)); times.append(time.perf_counter() - t)
    warm[cls] = times
server.close()
print(json.dumps({"prepare": prepare, "open_first": first_open, "open_again": reopen, "fresh": fresh, "warm": warm}))
"""


def _child(code: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code, str(ROOT), *args], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, nargs="+", default=[20000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    ap.add_argument("--work-dir", default=None, help="keep the indexes here and reuse them (default: temporary)")
    args = ap.parse_args()
    print(f"Machine: {machine()}\n")
    with tempfile.TemporaryDirectory() as tmp_dir:
        work = Path(args.work_dir or tmp_dir)
        for pages in args.pages:
            rows: dict[str, dict] = {}
            for engine in args.engines:
                target = work / f"syn{pages}-{engine}"
                build = None
                if not (target / "index").exists():
                    build = _child(_BUILD, str(work / "corpus"), str(target), str(pages), engine)["build"]
                res = _child(_MEASURE, str(target), str(args.repeat))
                cli = [cli_process(ROOT, target, q)
                       for q in ("dotace", "financování projektů Smart Cities", '"pracovní skupina"')]
                rows[engine] = {"build": build, "size": dir_size(target / "index"), "cli": cli, **res}
            _print(pages, rows)


def _print(pages: int, rows: dict[str, dict]) -> None:
    engines = list(rows)
    print(f"### {pages:,} synthetic pages\n")
    print("| measure | " + " | ".join(engines) + " |")
    print("|---|" + "---:|" * len(engines))

    def line(name: str, cell) -> None:  # type: ignore[no-untyped-def]
        print(f"| {name} | " + " | ".join(cell(rows[e]) for e in engines) + " |")

    line("index build (s)", lambda r: f"{r['build']:.0f}" if r["build"] is not None else "(reused)")
    line("index size (MiB)", lambda r: f"{r['size'] / 2**20:.0f}")
    line("prepare after publishing (s): arrays, token streams, phrase pairs, frequent postings", lambda r: f"{r['prepare']:.1f}")
    line("open, first time / again (ms)", lambda r: f"{r['open_first'] * 1000:.0f} / {r['open_again'] * 1000:.0f}")
    line("CLI process: wall p50 (ms), peak RSS (MiB)",
         lambda r: f"{sorted(c[0] for c in r['cli'])[1] * 1000:.0f}, {max(c[1] for c in r['cli']) / 1024:.0f}")
    for cls in QUERIES:
        line(f"fresh searcher p50 / p95 (ms): {cls}",
             lambda r, c=cls: "{:.1f} / {:.1f}".format(*summary_ms(r["fresh"][c])[:2]))
    for cls in QUERIES:
        line(f"warm server p50 / p95 (ms): {cls}",
             lambda r, c=cls: "{:.1f} / {:.1f}".format(*summary_ms(r["warm"][c])[:2]))
    print()


if __name__ == "__main__":
    main()
