"""Query latency p50/p95 (in process, no CLI) per query class, on the sample corpus and on
synthetic corpora made by replicating and varying it.

    .venv/bin/python bench/query_bench.py                      # sample corpus only
    .venv/bin/python bench/query_bench.py --pages 10000 20000 100000
    .venv/bin/python bench/query_bench.py --pages 20000 --build-only    # whoosh build seconds (wall, CPU)

Synthetic pages reuse real page texts from the sample corpus with their sentences
shuffled and mixed between pages, and new documents with random dates (2016–2026),
types and ministries, so term statistics stay Czech-like while the index grows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS, dir_size, machine, summary_ms  # noqa: E402

QUERIES: dict[str, list[dict]] = {
    "single word": [{"query": q} for q in ("dotace", "elektromobilita", "metodika", "mestum", "MŽP", "jednání")],
    "multi-word AND": [{"query": q} for q in ("dotace mestum", "zasady urbanni politiky", "otevřená data obcí",
                                              "financování projektů Smart Cities", "ministerstvem dopravy")],
    "phrase": [{"query": q} for q in ('"Smart Cities"', '"pracovní skupina"', '"urbánní politiky"',
                                      '"Ministerstvo pro místní rozvoj"', '"na jednání"')],
    "filter + facets": [
        {"query": "dotace", "ministries": ("MŽP",)},
        {"query": "projekty", "date_from": dt.date(2017, 1, 1), "date_to": dt.date(2017, 12, 31)},
        {"query": "smart cities", "doc_types": ("minutes",), "ministries": ("MMR", "MD")},
        {"query": "data", "date_from": dt.date(2016, 1, 1), "doc_types": ("presentation",)},
    ],
    "typo / partial": [{"query": q} for q in ("elektromobylita", "kdy bude příští jednání pracovní skupiny")],
    "question / paraphrase": [{"query": q} for q in ("kolik dostala obec na výstavbu chodníku pro auta",
                                                     "kdo připraví přehled podpory elektromobility pro obce",
                                                     "městský rezort dopravy schválil dotace na rok 2018")],
}


def build_corpus_index(data_dir: Path) -> None:
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    Pipeline(data_dir, lemmatizer=get_lemmatizer("simplemma"), engine="whoosh").run([str(CORPUS)])


def build_synthetic(source: Path, target: Path, pages: int, seed: int = 7, engine: str = "whoosh") -> float:
    """Write a synthetic index of ``pages`` units from the stored records of ``source`` (a whoosh index)
    with ``engine``; returns the seconds the writer took (adding, committing, publishing)."""
    from whoosh import index as windex

    from scsearch.index import store
    from scsearch.index.analysis import form_token
    from scsearch.index.records import date_int
    from scsearch.index.writer import GenerationWriter
    from scsearch.language.stemmer import stem
    from scsearch.language.tokenize import tokenize
    from scsearch.models import MINISTRIES

    rnd = random.Random(seed)
    gen = store.current_generation(source)
    assert gen is not None
    meta = store.read_meta(gen)
    with windex.open_dir(str(gen)).searcher() as s:
        base = [dict(f) for f in s.all_stored_fields() if f.get("kind") != "decision" and f.get("text")]
    # each base page tokenised once (texts, lemmas, forms, stems), so the build times the engine's writer,
    # not the making of the synthetic pages
    prepared = []
    for page in base:
        toks = [t for _, _, t in tokenize(page["text"])]
        lemmas = page.get("lemma", "").split(" ")
        if len(lemmas) == len(toks) and toks:
            prepared.append((toks, lemmas, [form_token(t) for t in toks], [stem(t) for t in toks],
                             page.get("lemma", "").split(" ")[0]))
    t0 = time.perf_counter()
    with store.writer_lock(target):
        w = GenerationWriter(target, meta["lemmatizer"], full=True, engine=engine)
        n = 0
        doc = 0
        while n < pages:
            doc += 1
            date = dt.date(2016, 1, 1) + dt.timedelta(days=rnd.randrange(0, 3650))
            head = rnd.choice(prepared)[4]
            mins = tuple(sorted(rnd.sample(MINISTRIES, rnd.randint(0, 3))))
            for i in range(rnd.randint(2, 14)):
                a, b = rnd.choice(prepared), rnd.choice(prepared)
                cut_a, cut_b = len(a[0]) // 2, len(b[0]) // 2
                w.writer.add(dict(
                    record_id=f"s{doc}:{i}", doc_id=f"s{doc}", path=f"synthetic/{doc}.pdf", abs_path="", kind="page",
                    lemma=" ".join(a[1][:cut_a] + b[1][cut_b:]), form=" ".join(a[2][:cut_a] + b[2][cut_b:]),
                    stem=" ".join(a[3][:cut_a] + b[3][cut_b:]), head=head,
                    entity="", doc_type=rnd.choice(["minutes", "presentation", "funding_overview", "other"]),
                    ministry=",".join(mins), date=date_int(date), year=str(date.year), meeting="",
                    text=" ".join(a[0][:cut_a] + b[0][cut_b:]), title=f"Synthetický dokument {doc}", page=i + 1,
                    method="text", unit_index=i,
                ))
                n += 1
                if n >= pages:
                    break
        lexicon_src = store.current_generation(source)
        from scsearch.index.lexicon import Lexicon

        w.lexicon = Lexicon.load(lexicon_src)
        w.commit({}, {"synthetic_pages": pages})
    return time.perf_counter() - t0


def run_queries(data_dir: Path, repeat: int = 5, prewarm: int = 0) -> dict[str, tuple[float, float, float]]:
    from scsearch.index.search import Searcher
    from scsearch.index.types import SearchRequest

    s = Searcher(data_dir, prewarm=prewarm)
    s.search(SearchRequest(query="dotace"))  # open the generation
    s.wait_warm()
    s.search(SearchRequest(query="elektromobylita"))
    out = {}
    for cls, qs in QUERIES.items():
        times: list[float] = []
        for _ in range(repeat):
            for q in qs:
                t = time.perf_counter()
                s.search(SearchRequest(**q))
                times.append(time.perf_counter() - t)
        out[cls] = summary_ms(times)
    s.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, nargs="*", default=[])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--prewarm", type=int, default=2000,
                    help="also measure a searcher that pre-read this many frequent lemmas, as the web server does")
    ap.add_argument("--work-dir", default=None,
                    help="keep the built indexes in this folder and reuse them on the next run (default: temporary)")
    ap.add_argument("--classes", nargs="*", default=None, help="only these query classes (default: all)")
    ap.add_argument("--build-only", action="store_true",
                    help="only build the synthetic indexes (anew) and print the writer's wall and CPU seconds")
    args = ap.parse_args()
    if args.classes:
        for cls in list(QUERIES):
            if cls not in args.classes:
                del QUERIES[cls]
    print(f"Machine: {machine()}\n")
    rows = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = args.work_dir or tmp_dir
        corpus_dir = Path(tmp) / "corpus"
        if not (corpus_dir / "index").exists():
            build_corpus_index(corpus_dir)
        from scsearch.index.search import Searcher

        if args.build_only:
            for pages in args.pages:
                cpu = time.process_time()
                secs = build_synthetic(corpus_dir, Path(tmp) / f"build{pages}-{time.time_ns()}", pages)
                print(f"whoosh build of {pages} synthetic pages: {secs:.1f} s wall, "
                      f"{time.process_time() - cpu:.1f} s CPU (incl. preparing the pages)")
            return
        n = Searcher(corpus_dir).stats()["records"]
        rows.append((f"sample corpus ({n} records)", run_queries(corpus_dir, args.repeat), dir_size(corpus_dir / "index")))
        for pages in args.pages:
            target = Path(tmp) / f"syn{pages}"
            if not (target / "index").exists():
                secs = build_synthetic(corpus_dir, target, pages)
                print(f"built synthetic index of {pages} pages in {secs:.0f} s", file=sys.stderr)
            rows.append((f"synthetic {pages} pages", run_queries(target, args.repeat), dir_size(target / "index")))
            if args.prewarm:
                rows.append((f"synthetic {pages} pages, server (pre-read {args.prewarm} lemmas)",
                             run_queries(target, args.repeat, args.prewarm), dir_size(target / "index")))
    classes = list(QUERIES)
    print("| corpus | " + " | ".join(classes) + " | index size |")
    print("|---|" + "---:|" * (len(classes) + 1))
    for name, res, size in rows:
        cells = [f"{res[c][0]:.1f} / {res[c][1]:.1f}" for c in classes]
        print(f"| {name} | " + " | ".join(cells) + f" | {size / 1024 / 1024:.1f} MiB |")
    print("\nCells: p50 / p95 latency in ms of Searcher.search() (query parsing, expansion, filters, facets, "
          "top-10 ranking and snippets).")


if __name__ == "__main__":
    main()
