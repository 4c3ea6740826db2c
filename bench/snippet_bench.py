"""The snippets of a result page: their cost (ms per page) and their HTML, to compare two versions.

    .venv/bin/python bench/snippet_bench.py DATA_DIR [DATA_DIR …] [--limit 10] [--repeat 30]
    .venv/bin/python bench/snippet_bench.py DATA_DIR … --baseline OLD_TREE/index/snippets.py   # A/B
    .venv/bin/python bench/snippet_bench.py DATA_DIR … --limit 20 --dump before.json   # PYTHONPATH=old tree
    .venv/bin/python bench/snippet_bench.py DATA_DIR … --limit 20 --compare before.json

Each query (those of ``bench/query_bench.py`` and ``EXTRA``: prefixes, exact words, numbers, hyphenated
words, identifiers, URLs, e-mails) is searched once and the hits of its page are kept as ``make_hit``
gets them; then the page's snippets are made ``repeat`` times as ``make_hit`` makes them (the plan's
sets asked for, ``make_snippet``) and the fastest run counts (the machine may be shared: the minimum
is the least disturbed). ``--baseline`` loads another version of ``index/snippets.py`` (e.g. main's)
beside this one and times both on the same pages, run for run in turn (the same load on a shared
machine); its plan sets are computed afresh for each hit, as before ``QueryPlan`` kept them. ``--cold``
drops this version's chunk caches before each of its runs (a process that has not seen the pages'
words yet; the word caches it shares with the baseline stay warm for both). ``--dump``
writes every hit's snippet and the document view's highlighting (``highlight_all``) of its text;
``--compare`` checks them against such a file (exit 1 on a difference). The ``scsearch`` imported is
the one on PYTHONPATH (else the installed one).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.append(str(Path(__file__).resolve().parents[1]))  # appended: PYTHONPATH chooses the version

from bench.query_bench import QUERIES  # noqa: E402

EXTRA = ["dotac*", "elektromob*", "+dotace", '="otevřená data"', "2018", "1. 10. 2017", "e-mobilita",
         "e-mailovou", "cross-site", "MMR-11452", "106/1999", "2014/94/EU", "1/2017", "www.sfzp.cz",
         "otevrenadata@mvcr.cz", "https://www.opzp.cz", "smart-city", "chytrá města", "MŽP dotace 2017",
         "zákon 106/1999 o svobodném přístupu", "dotace*", "Frýdek-Místek"]


def queries() -> list[str]:
    return list(dict.fromkeys([q["query"] for cls in QUERIES.values() for q in cls] + EXTRA))


Shown = tuple[str, str, Any]  # a hit shown: its text, its stored lemmas and the query plan


def capture(data_dir: Path, limit: int) -> dict[str, list[Shown]]:
    """query -> the hits of its result page, as ``ranking.make_hit`` gets them."""
    from scsearch.index import ranking
    from scsearch.index.search import Searcher
    from scsearch.index.types import SearchRequest

    hits: list[Shown] = []
    make_hit = ranking.make_hit

    def recording(rec: Any, score: float, plan: Any) -> Any:
        hits.append((rec.fields.get("text", ""), rec.fields.get("lemma", ""), plan))
        return make_hit(rec, score, plan)

    ranking.make_hit = recording  # type: ignore[assignment]
    try:
        searcher = Searcher(data_dir)
        out = {}
        for q in queries():
            hits.clear()
            searcher.search(SearchRequest(query=q, limit=limit))
            out[q] = list(hits)
        return out
    finally:
        ranking.make_hit = make_hit  # type: ignore[assignment]


def _terms(plan: Any) -> tuple[Any, ...]:
    """The plan's highlighting sets, as ``make_hit`` asks for them."""
    return plan.lemmas, plan.forms, plan.prefixes, plan.stems


def _terms_each_time(plan: Any) -> tuple[Any, ...]:
    """The same, computed afresh (as before they were kept once computed: the baseline's cost)."""
    cls = type(plan)
    return tuple(getattr(getattr(cls, name), "func", lambda p, n=name: getattr(p, n))(plan)
                 for name in ("lemmas", "forms", "prefixes", "stems"))


def _chunk_cache_clear() -> Any:
    """The function that drops the chunk caches of ``index/snippet_scan.py`` (None: a version without)."""
    try:
        from scsearch.index import snippet_scan
    except ImportError:
        return None
    return getattr(snippet_scan, "_clear", None)


def _load(path: Path) -> ModuleType:
    """``path`` (a version of index/snippets.py) as a module of its own; it imports the rest from here."""
    spec = importlib.util.spec_from_file_location("baseline_snippets", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    from scsearch.index.snippets import highlight_all, make_snippet

    ap = argparse.ArgumentParser()
    ap.add_argument("data_dirs", type=Path, nargs="+")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--baseline", type=Path, help="another index/snippets.py to time beside this one")
    ap.add_argument("--cold", action="store_true",
                    help="drop this version's chunk caches before each run (a process new to the words)")
    ap.add_argument("--dump", type=Path, help="write every snippet and highlighting to this JSON file")
    ap.add_argument("--compare", type=Path, help="compare every snippet and highlighting with this JSON file")
    args = ap.parse_args()
    shown: dict[str, dict[str, list[Any]]] = {}
    for data_dir in args.data_dirs:
        pages = capture(data_dir, args.limit)
        shown[str(data_dir)] = {
            q: [[make_snippet(text, lemma, *_terms(plan)), highlight_all(text, lemma, *_terms(plan))]
                for text, lemma, plan in hits] for q, hits in pages.items()}
        if not (args.dump or args.compare):
            _time(data_dir, pages, args, make_snippet)
    if args.dump:
        args.dump.write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        now = json.loads(json.dumps(shown, ensure_ascii=False))
        bad = [(d, q) for d in now for q in now[d] if before.get(d, {}).get(q) != now[d][q]]
        count = sum(len(v) for d in now for v in now[d].values())
        print(f"{count} hits compared, {len(bad)} pages differ" + "".join(f"\n  {d}: {q}" for d, q in bad))
        return 1 if bad else 0
    return 0


def _time(data_dir: Path, pages: dict[str, list[Shown]], args: argparse.Namespace, make_snippet: Any) -> None:
    """Print the fastest of ``repeat`` runs of each page's snippets (make_hit's call: the plan's sets
    asked for, then ``make_snippet``), this version's and the baseline's in turn."""
    drop = _chunk_cache_clear() if args.cold else None
    makers = [("", make_snippet, _terms)]
    if args.baseline:
        makers.append(("baseline", _load(args.baseline).make_snippet, _terms_each_time))
    totals = [0.0] * len(makers)
    print(f"{data_dir}  (ms per page of {args.limit}: snippets only, fastest of {args.repeat}"
          + (f"; then {args.baseline})" if args.baseline else ")"))
    for q, hits in pages.items():
        best = [float("inf")] * len(makers)
        for _ in range(args.repeat):
            for i, (_name, make, terms) in enumerate(makers):
                if drop is not None and i == 0:
                    drop()
                t = time.perf_counter()
                for text, lemma, plan in hits:
                    make(text, lemma, *terms(plan))
                best[i] = min(best[i], time.perf_counter() - t)
        totals = [x + y for x, y in zip(totals, best, strict=True)]
        words = sum(len(text.split()) for text, _, _ in hits)
        times = " ".join(f"{b * 1000:7.3f} ms" for b in best)
        print(f"  {times}  {len(hits):3d} hits {words:6d} words  {q}")
    for (name, _make, _terms_of), total in zip(makers, totals, strict=True):
        print(f"  {total * 1000 / len(pages):7.3f} ms mean per page {name}")
    if args.baseline:
        print(f"  {totals[1] / totals[0]:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
