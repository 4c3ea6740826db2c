"""The query evaluation and the coordination ranking of a warm search, timed apart from the rest.

For each query of the multi-word, typo/partial and question classes of ``bench/query_bench.py``:
the median (and the least) over ``--repeat`` warm searches of the milliseconds spent in ``Scorer.evaluate`` (the
query, its partial form, the concepts) plus ``coordinate`` (index/coordination.py, proximity included),
and of the whole in-process search.

    .venv/bin/python bench/eval_bench.py DATA_DIR [--repeat 15] [--query "..."]

DATA_DIR is a data folder with a built index (e.g. one ``query_bench.py --pages 100000`` wrote).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine  # noqa: E402
from bench.query_bench import QUERIES  # noqa: E402

CLASSES = ("multi-word AND", "typo / partial", "question / paraphrase")


class _Clock:
    """Seconds spent inside the wrapped functions (a call within another counted once)."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._depth = 0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self._depth += 1
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self._depth -= 1
                if not self._depth:
                    self.spent += time.perf_counter() - t
        return wrapper


def _ms(seconds: list[float]) -> str:
    return f"{1000 * statistics.median(seconds):.2f} ({1000 * min(seconds):.2f})"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--query", action="append", help="a query to time (default: the classes above)")
    args = ap.parse_args(argv)

    from scsearch.index import search as search_module
    from scsearch.index.evaluate import Scorer
    from scsearch.index.search import Searcher
    from scsearch.index.types import SearchRequest

    clock = _Clock()
    search_module.coordinate = clock.wrap(search_module.coordinate)
    Scorer.evaluate = clock.wrap(Scorer.evaluate)  # type: ignore[method-assign]
    queries = args.query or [q["query"] for c in CLASSES for q in QUERIES[c]]
    s = Searcher(args.data)
    s.prewarm()
    s.wait_warm()
    print(f"# {machine()}; {args.data}; {args.repeat} warm searches, ms: median (min)")
    print(f"{'eval+coord':>16} {'search':>16}  query")
    for text in queries:
        req = SearchRequest(query=text)
        for _ in range(3):
            s.search(req)
        inner, whole = [], []
        for _ in range(args.repeat):
            clock.spent = 0.0
            t = time.perf_counter()
            s.search(req)
            whole.append(time.perf_counter() - t)
            inner.append(clock.spent)
        print(f"{_ms(inner):>16} {_ms(whole):>16}  {text}")


if __name__ == "__main__":
    main()
