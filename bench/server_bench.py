"""Throughput of ``scsearch serve`` (gunicorn) against ``scsearch serve --dev`` (Werkzeug), side by side.

Each server is started on 127.0.0.1 in turn over the same index; for each number of concurrent clients
(closed loop: a client sends its next request when the previous answer arrived) it runs for
``--duration`` seconds or ``--requests`` requests, whichever comes first, and reports requests/s, p50/p95
latency, errors, the time of the first search after start, and memory (RSS and PSS) of all server
processes together vs one worker.

    .venv/bin/python bench/server_bench.py                              # sample corpus, 5 s per level
    .venv/bin/python bench/server_bench.py --pages 20000 --duration 20  # synthetic 20,000-page index
    .venv/bin/python bench/server_bench.py --data-dir instance --clients 1 8 16

The clients run in this process (threads, keep-alive off), so on a small machine they take some of
the CPU the servers could use; the figures are lower bounds for the servers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine, percentile  # noqa: E402

QUERIES = ("dotace", "elektromobilita", "dotace mestum", "zasady urbanni politiky", '"Smart Cities"',
           "otevřená data obcí", "ministerstvem dopravy", "metodika", "jednání", "financování projektů")


@dataclass(frozen=True)
class Level:
    clients: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Memory:
    processes: int
    rss_all_mb: float
    pss_all_mb: float
    rss_one_mb: float  # the largest worker (the whole server for the dev server)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _paths() -> list[str]:
    return [f"/api/search?{urllib.parse.urlencode({'q': q, 'limit': 10})}" for q in QUERIES]


def _get(port: int, path: str, timeout: float = 30) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        res = conn.getresponse()
        res.read()
        return res.status
    finally:
        conn.close()


def run_level(port: int, clients: int, duration: float, max_requests: int) -> Level:
    paths = _paths()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop_at:
            with lock:
                if len(latencies) + errors[0] >= max_requests:
                    return
            t0 = time.perf_counter()
            try:
                ok = _get(port, paths[i % len(paths)]) == 200
            except OSError:
                ok = False
            dt = time.perf_counter() - t0
            with lock:
                if ok:
                    latencies.append(dt)
                else:
                    errors[0] += 1
            i += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - started
    ms = [x * 1000 for x in latencies]
    return Level(clients, len(latencies), errors[0], seconds, percentile(ms, 50), percentile(ms, 95))


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _kb(pid: int, file: str, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(pid: int) -> Memory:
    pids = [pid, *_children(pid)]
    rss = {p: _kb(p, "status", "VmRSS") for p in pids}
    pss = sum(_kb(p, "smaps_rollup", "Pss") for p in pids)
    workers = pids[1:] or pids
    return Memory(len(pids), sum(rss.values()) / 1024, pss / 1024, max(rss[p] for p in workers) / 1024)


def bench_server(name: str, data_dir: Path, args: argparse.Namespace) -> dict[str, object]:
    port = free_port()
    cmd = [sys.executable, "-m", "scsearch.cli", "--data-dir", str(data_dir), "serve", "--port", str(port)]
    cmd += ["--dev"] if name == "dev" else ["--workers", str(args.workers)]
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma", PYTHONPATH=str(ROOT))
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                _get(port, "/healthz", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() - started > 60:
                    raise RuntimeError(f"{name} server did not start") from None
                time.sleep(0.05)
        ready = time.monotonic() - started
        t0 = time.perf_counter()
        status = _get(port, _paths()[1])
        first = time.perf_counter() - t0
        time.sleep(args.settle)  # let the background pre-reading finish before measuring throughput
        # steady state: every worker has its own caches, so every worker sees every query before measuring
        run_level(port, 4, 60.0, args.warmup)
        levels = [run_level(port, c, args.duration, args.requests) for c in args.clients]
        mem = memory(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return {"server": name, "ready_s": ready, "first_search_ms": first * 1000, "first_status": status,
            "levels": levels, "memory": mem}


def report(results: list[dict[str, object]], args: argparse.Namespace, records: int) -> str:
    lines = [f"Machine: {machine()}; index: {records} records; {args.duration:g} s or {args.requests} requests "
             f"per level after {args.warmup} unmeasured requests; production server: gunicorn, {args.workers} sync "
             "workers.", "",
             "| server | clients | req/s | p50 ms | p95 ms | errors | requests |", "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for lv in r["levels"]:  # type: ignore[attr-defined]
            lines.append(f"| {r['server']} | {lv.clients} | {lv.rps:.1f} | {lv.p50_ms:.1f} | {lv.p95_ms:.1f} | "
                         f"{lv.errors} | {lv.requests} |")
    lines += ["", "| server | ready after start | first search | processes | RSS all | PSS all | RSS one worker |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        m: Memory = r["memory"]  # type: ignore[assignment]
        lines.append(f"| {r['server']} | {r['ready_s']:.2f} s | {r['first_search_ms']:.0f} ms "
                     f"(HTTP {r['first_status']}) | {m.processes} | {m.rss_all_mb:.0f} MB | {m.pss_all_mb:.0f} MB | "
                     f"{m.rss_one_mb:.0f} MB |")
    by = {r["server"]: {lv.clients: lv for lv in r["levels"]} for r in results}  # type: ignore[attr-defined]
    if "prod" in by and "dev" in by:
        lines.append("")
        for c in args.clients:
            p, d, one = by["prod"][c], by["dev"][c], by["prod"][min(args.clients)]
            lines.append(f"- {c} clients: production / development = {p.rps / max(d.rps, 1e-9):.2f}x, "
                         f"production / itself with {one.clients} client = {p.rps / max(one.rps, 1e-9):.2f}x, "
                         f"p95 / p95 with {one.clients} client = {p.p95_ms / max(one.p95_ms, 1e-9):.2f}x")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, help="an existing data dir (default: index the sample corpus)")
    ap.add_argument("--pages", type=int, default=0, help="synthetic index of this many pages (bench/query_bench)")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8, 16])
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per level (default 5)")
    ap.add_argument("--requests", type=int, default=5000, help="at most this many requests per level")
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--settle", type=float, default=2.0, help="seconds between start and measuring")
    ap.add_argument("--warmup", type=int, default=200, help="unmeasured requests after start (default 200)")
    ap.add_argument("--servers", nargs="+", choices=("prod", "dev"), default=["prod", "dev"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="server-bench-") as tmp:
        data_dir = args.data_dir
        if data_dir is None:
            from bench.query_bench import build_corpus_index, build_synthetic

            data_dir = Path(tmp) / "corpus"
            build_corpus_index(data_dir)
            if args.pages:
                big = Path(tmp) / "synthetic"
                build_synthetic(data_dir, big, args.pages)
                data_dir = big
        from scsearch.index.search import Searcher

        records = int(Searcher(data_dir).stats().get("records", 0))
        results = [bench_server(name, data_dir, args) for name in args.servers]
    if args.json:
        print(json.dumps([{**r, "levels": [lv.__dict__ | {"rps": lv.rps} for lv in r["levels"]],  # type: ignore
                           "memory": r["memory"].__dict__} for r in results], ensure_ascii=False))  # type: ignore
    else:
        print(report(results, args, records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
