"""Search latency under load while the index is rebuilt: N clients × M searches during full re-indexes.

    .venv/bin/python bench/load_bench.py [--clients 8] [--searches 50] [--reindexes 1] [--files 12]
    .venv/bin/python bench/load_bench.py --docs corpus/ --clients 8 --searches 200 --reindexes 2

Starts ``scsearch serve`` on 127.0.0.1 (a free port), lets the clients search through
``/api/search`` (each at least M times, and on until the re-indexes end) while ``scsearch ingest --full`` rebuilds the index underneath, and prints p50/p95
of all searches and of those that ran during a re-index, and the errors (a non-200 answer, or a
total that differs from the one before the re-index). ``tests/test_concurrency.py`` runs a small
load of this kind and requires 0 errors.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS, ROOT, machine, percentile  # noqa: E402

QUERIES = ("dotace", "elektromobilita", "Smart Cities", "ministerstvo pro místní rozvoj", "úkol", "výzva")


@dataclass
class LoadResult:
    """Latencies (seconds) of every search, those that started during a re-index, and the errors."""

    latencies: list[float] = field(default_factory=list)
    during_reindex: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reindex_s: list[float] = field(default_factory=list)

    def line(self) -> str:
        def ms(values: list[float], p: float) -> str:
            return f"{percentile([v * 1000 for v in values], p):.0f}"

        return (f"searches {len(self.latencies)} (during re-index {len(self.during_reindex)}), "
                f"errors {len(self.errors)}; p50 {ms(self.latencies, 50)} ms, p95 {ms(self.latencies, 95)} ms; "
                f"during re-index p50 {ms(self.during_reindex, 50)} ms, p95 {ms(self.during_reindex, 95)} ms; "
                f"re-index {', '.join(f'{s:.1f}' for s in self.reindex_s)} s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _total(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as r:
        return int(json.loads(r.read())["total"])


def run_load(data_dir: Path, docs_dir: Path, *, clients: int, searches: int, reindexes: int,
             env: dict[str, str] | None = None) -> LoadResult:
    """Serve ``data_dir`` and run ``clients`` clients, each searching at least ``searches`` times and on until
    ``reindexes`` full re-indexes of ``docs_dir`` are done (so searches span every generation switch);
    the server is always stopped."""
    env = dict(os.environ if env is None else env)
    port = _free_port()
    cli = [sys.executable, "-m", "scsearch.cli", "--data-dir", str(data_dir)]
    server = subprocess.Popen([*cli, "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    urls = [f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10}) for q in QUERIES]
    result = LoadResult()
    reindexing = threading.Event()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                baseline = {u: _total(u) for u in urls}
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        lock = threading.Lock()

        def client(n: int) -> None:
            i = 0
            while i < searches or reindexing.is_set():  # at least ``searches``, and on until the re-index ends
                i += 1
                url = urls[(n + i) % len(urls)]
                during = reindexing.is_set()
                started = time.perf_counter()
                try:
                    total = _total(url)
                    error = "" if total == baseline[url] else f"{url}: total {total}, expected {baseline[url]}"
                except Exception as exc:  # noqa: BLE001 - every failure is recorded
                    error = f"{url}: {exc!r}"
                took = time.perf_counter() - started
                with lock:
                    result.latencies.append(took)
                    if during:
                        result.during_reindex.append(took)
                    if error:
                        result.errors.append(error)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        reindexing.set()
        for t in threads:
            t.start()
        try:
            for _ in range(reindexes):
                started = time.perf_counter()
                res = subprocess.run([*cli, "ingest", "--full", str(docs_dir)], cwd=ROOT, env=env,
                                     capture_output=True, text=True, timeout=600)
                result.reindex_s.append(time.perf_counter() - started)
                if res.returncode not in (0, 1):
                    result.errors.append(f"ingest exit {res.returncode}: {res.stderr[-500:]}")
        finally:
            reindexing.clear()
            for t in threads:
                t.join(timeout=600)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--searches", type=int, default=50, help="searches per client")
    ap.add_argument("--reindexes", type=int, default=1)
    ap.add_argument("--files", type=int, default=12, help="sample corpus files to index (without --docs)")
    ap.add_argument("--docs", type=Path, help="a folder to index instead of the sample files")
    args = ap.parse_args()
    env = dict(os.environ)
    env.setdefault("SCSEARCH_LEMMATIZER", "simplemma")
    env.setdefault("SCSEARCH_OCR", "off")
    with tempfile.TemporaryDirectory() as tmp:
        docs = args.docs
        if docs is None:
            docs = Path(tmp) / "docs"
            docs.mkdir()
            samples = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".pdf", ".txt", ".html", ".docx", ".xlsx"))
            for src in samples[: args.files]:
                shutil.copy2(src, docs / src.name)
        data = Path(tmp) / "data"
        subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), "ingest", str(docs)],
                       cwd=ROOT, env=env, capture_output=True, check=False, timeout=1800)
        result = run_load(data, docs, clients=args.clients, searches=args.searches, reindexes=args.reindexes,
                          env=env)
    print(f"# load during re-index: {args.clients} clients × {args.searches} searches, "
          f"{args.reindexes} full re-index(es) — {machine()}")
    print(result.line())
    for err in result.errors[:10]:
        print(f"error: {err}")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
