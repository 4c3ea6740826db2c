"""Peak RSS and wall time of ``scsearch search`` CLI processes on an existing index (nothing is built),
the time of a fresh searcher (new ``Searcher`` + one search, in a warm process; filters left out), and the
modules such a search imports.

    .venv/bin/python bench/cli_footprint_bench.py DATA_DIR [DATA_DIR ...] [--repeat 3] [--repo CHECKOUT]
        [--classes "typo / partial"]

Each search of bench/query_bench.py's QUERIES (filters passed as CLI options) runs ``--repeat`` times in a
new process; peak RSS is the child's ``ru_maxrss``. One more process per data directory runs a search
with ``-X importtime`` and reports the slowest imports and whether whoosh, Flask, jinja2, stanza,
simplemma or pdf libraries were imported at all.
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine, summary_ms  # noqa: E402
from bench.query_bench import QUERIES  # noqa: E402

HEAVY = ("whoosh", "flask", "jinja2", "werkzeug", "stanza", "simplemma", "torch", "pdfplumber", "pdfminer",
         "pypdfium2", "feedgen", "feedparser")


def cli_args(item: dict[str, Any]) -> list[str]:
    """``scsearch search`` arguments of one QUERIES item."""
    args = ["search", item["query"], "--json"]
    for m in item.get("ministries", ()):
        args += ["--ministry", m]
    for t in item.get("doc_types", ()):
        args += ["--type", t]
    for key, opt in (("date_from", "--from"), ("date_to", "--to")):
        if item.get(key):
            args += [opt, item[key].isoformat()]
    return args


def run(repo: Path, data: Path, args: list[str], *flags: str) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) and stderr of one CLI process of the checkout ``repo``."""
    env = dict(os.environ, PYTHONPATH=str(repo))
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *flags, "-m", "scsearch.cli", "--data-dir", str(data), *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tempfile.gettempdir())
    assert proc.stderr is not None
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"{data}: {' '.join(args)}: exit status {status}\n{err[-2000:]}")
    return time.perf_counter() - t, int(usage.ru_maxrss), err


def imports(repo: Path, data: Path) -> tuple[list[tuple[int, str]], list[str]]:
    """(slowest top-level imports in µs, heavy packages imported) of one search process."""
    _, _, err = run(repo, data, ["search", "dotace mestum", "--json"], "-X", "importtime")
    rows: list[tuple[int, str]] = []
    names: set[str] = set()
    for line in err.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _self, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        if not cumulative.isdigit():
            continue
        names.add(name.split(".")[0])
        indent = len(line.split("|")[2]) - len(line.split("|")[2].lstrip()) - 1
        if indent <= 2:
            rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)[:12], sorted(names & set(HEAVY))


FRESH = """
import json, sys, time
from scsearch.index.search import Searcher
from scsearch.index.types import SearchRequest
Searcher(sys.argv[1]).search(SearchRequest(query="dotace"))  # imports and page cache warm, as in engine_bench
out = {}
for cls, items in json.loads(sys.argv[2]).items():
    for item in items:
        t = time.perf_counter()
        Searcher(sys.argv[1]).search(SearchRequest(**item))
        out.setdefault(cls, []).append(time.perf_counter() - t)
print(json.dumps(out))
"""


def fresh(repo: Path, data: Path, repeat: int) -> dict[str, list[float]]:
    """Seconds of a new ``Searcher`` + one search per query (a warm process: what a CLI search does in process)."""
    plain = {cls: [{"query": i["query"]} for i in items] * repeat for cls, items in QUERIES.items()}
    proc = subprocess.run([sys.executable, "-c", FRESH, str(data), json.dumps(plain)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(repo)), cwd=tempfile.gettempdir(), check=True)
    found: dict[str, list[float]] = json.loads(proc.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path, nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--repo", type=Path, default=ROOT, help="the checkout to measure (default this one)")
    ap.add_argument("--classes", nargs="*", default=None, help="query classes of QUERIES (default all)")
    args = ap.parse_args()
    repo = args.repo.resolve()
    print(f"Machine: {machine()}; checkout {repo}")
    for data in args.data:
        print(f"\n## {data}\n\n| class | query | wall p50 (ms) | peak RSS max (MiB) |\n|---|---|---:|---:|")
        walls: list[float] = []
        peak = 0
        for cls, items in QUERIES.items():
            if args.classes and cls not in args.classes:
                continue
            for item in items:
                got = [run(repo, data, cli_args(item)) for _ in range(args.repeat)]
                walls += [g[0] for g in got]
                rss = max(g[1] for g in got)
                peak = max(peak, rss)
                print(f"| {cls} | {item['query']} | {summary_ms([g[0] for g in got])[0]:.0f} | {rss / 1024:.0f} |")
        p50, p95, _mean = summary_ms(walls)
        print(f"| all | | p50 {p50:.0f} / p95 {p95:.0f} | {peak / 1024:.0f} |")
        print("\n| fresh searcher, in process | p50 (ms) | p95 (ms) |\n|---|---:|---:|")
        for cls, secs in fresh(repo, data, args.repeat).items():
            p50, p95, _mean = summary_ms(secs)
            print(f"| {cls} | {p50:.1f} | {p95:.1f} |")
        slow, heavy = imports(repo, data)
        print(f"\nheavy packages imported by a search: {heavy or 'none'}")
        print("slowest imports (cumulative ms): " + ", ".join(f"{name} {us / 1000:.0f}" for us, name in slow))


if __name__ == "__main__":
    main()
