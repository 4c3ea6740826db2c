"""The positional tests of the re-ranking with and without the token streams (``index.tokens``): per-query
latency and the time spent in ``in_order``/``near_pairs``, on the multi-word and question queries of
``bench/query_bench.py``; with ``--build``, also the streams' build time (in memory) and size.

    .venv/bin/python bench/token_streams_bench.py DATA_DIR [--repeat 3] [--prewarm 2000] [--build]

The searcher is prewarmed as a server's is (it writes the streams when the generation has none); each
query then runs ``repeat`` times with the streams and ``repeat`` times with the engine's own positions
(the same process, the same warm caches).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.query_bench import QUERIES  # noqa: E402

QUERY_SET = [q["query"] for q in QUERIES["multi-word AND"] + QUERIES["question / paraphrase"]]


def _timed(fn: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t)
    return wrapper


def main() -> None:
    from scsearch.index import store
    from scsearch.index.readers import open_engine
    from scsearch.index.search import Searcher
    from scsearch.index.tokens import BUNDLE, build_streams
    from scsearch.index.types import SearchRequest

    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--prewarm", type=int, default=2000)
    ap.add_argument("--build", action="store_true", help="also time building the streams (in memory)")
    args = ap.parse_args()
    gen = store.current_generation(args.data_dir)
    assert gen is not None, f"{args.data_dir}: no index"
    if args.build:
        reader, _scorer = open_engine(gen)
        t = time.perf_counter()
        streams = build_streams(None, reader)
        print(f"build {time.perf_counter() - t:.2f} s, {streams.lemma.size} tokens, {reader.n} records, "
              f"{sum(a.nbytes for a in streams.arrays()) / 1e6:.1f} MB")
        reader.close()
    s = Searcher(args.data_dir, prewarm=args.prewarm)
    t = time.perf_counter()
    s.prewarm()
    s.wait_warm(600)
    st = s._open()
    assert st is not None and st.fast.tokens is not None
    size = sum(p.stat().st_size for p in (gen / "arrays" / BUNDLE).iterdir())
    print(f"engine {st.reader.engine}, prewarm {time.perf_counter() - t:.1f} s, streams on disk {size / 1e6:.1f} MB")
    streams = st.fast.tokens
    spent: list[float] = []
    st.fast.in_order = _timed(st.fast.in_order, spent)  # type: ignore[method-assign]
    st.fast.near_pairs = _timed(st.fast.near_pairs, spent)  # type: ignore[method-assign]
    print(f"{'query':58s} {'ms streams':>10s} {'(tests)':>8s} {'ms engine':>10s} {'(tests)':>8s}")
    totals = {"streams": [0.0, 0.0], "engine": [0.0, 0.0]}
    for q in QUERY_SET:
        row = []
        for mode in ("streams", "engine"):
            st.fast.use_tokens(streams if mode == "streams" else None)
            for _ in range(2):
                s.search(SearchRequest(query=q))
            times, tests = [], []
            for _ in range(args.repeat):
                spent.clear()
                t = time.perf_counter()
                s.search(SearchRequest(query=q))
                times.append(time.perf_counter() - t)
                tests.append(sum(spent))
            ms, tms = min(times) * 1000, min(tests) * 1000  # the best of ``repeat``: the machine may be shared
            totals[mode][0] += ms
            totals[mode][1] += tms
            row += [ms, tms]
        print(f"{q[:58]:58s} {row[0]:10.1f} {row[1]:8.2f} {row[2]:10.1f} {row[3]:8.2f}")
    print(f"{'mean':58s} " + " ".join(f"{v / len(QUERY_SET):{w}.{p}f}" for v, w, p in (
        (totals["streams"][0], 10, 1), (totals["streams"][1], 8, 2), (totals["engine"][0], 10, 1),
        (totals["engine"][1], 8, 2))))
    s.close()


if __name__ == "__main__":
    main()
