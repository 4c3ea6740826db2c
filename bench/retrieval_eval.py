"""Retrieval quality with judged queries, for every judged set or one.

    .venv/bin/python bench/retrieval_eval.py --all [--czech-docs DIR] [-v]     # every judged set below
    .venv/bin/python bench/retrieval_eval.py [--lemmatizer simplemma] [--data-dir DIR] [-v]
    .venv/bin/python bench/retrieval_eval.py --queries bench/queries_czech_docs.tsv --corpus ../shared/eval/czech-docs

Judged sets (TSV: query, relevant, note): ``queries.tsv`` over corpus/, ``queries_czech_docs.tsv`` and
``queries_czech_docs_ranking.tsv`` over ``../shared/eval/czech-docs`` (skipped when that folder is absent).
``relevant`` is ``;``-separated ``path#page`` or ``path``, relative to the corpus folder; a hit is relevant
when its path matches and, where a page is given, its page matches. ``relevant`` = ``partial`` marks a
query without an answer: it succeeds (at every rank) when the response is flagged ``partial``.
Reports success@1, success@3, MRR@3, success@10 and MRR@10, and lists the queries that failed @3.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS, ROOT  # noqa: E402

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.tsv"
CZECH_DOCS = ROOT.parent / "shared" / "eval" / "czech-docs"
# (judged set, corpus it is judged over: None = corpus/, "czech-docs" = the shared evaluation folder)
SETS = (
    ("queries.tsv", None),
    ("queries_czech_docs.tsv", "czech-docs"),
    ("queries_czech_docs_ranking.tsv", "czech-docs"),
)
PARTIAL = "partial"

Judgment = list[tuple[str, int | None]]


def load_queries(path: Path = QUERIES) -> list[tuple[str, Judgment | None, str]]:
    """Rows of a judged set; the judgment is None for a query without an answer (``partial``)."""
    out: list[tuple[str, Judgment | None, str]] = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if not row or row[0].startswith("#") or row[0] == "query":
                continue
            note = row[2] if len(row) > 2 else ""
            if row[1].strip() == PARTIAL:
                out.append((row[0], None, note))
                continue
            rel = []
            for item in row[1].split(";"):
                item = item.strip()
                if not item:
                    continue
                p, _, page = item.partition("#")
                rel.append((p.strip(), int(page) if page.strip().isdigit() else None))
            out.append((row[0], rel, note))
    return out


def is_relevant(hit_path: str, hit_page: int | None, rel: Judgment) -> bool:
    norm = hit_path.replace("\\", "/")
    for p, page in rel:
        if norm == p or norm.endswith("/" + p):
            if page is None or page == hit_page:
                return True
    return False


def evaluate(data_dir: Path, verbose: bool = False, queries_file: Path = QUERIES) -> dict[str, float]:
    from scsearch.index.search import Searcher
    from scsearch.index.types import SearchRequest

    s = Searcher(data_dir)
    queries = load_queries(queries_file)
    s1 = s3 = s10 = 0
    rr3 = rr10 = 0.0
    for q, rel, note in queries:
        resp = s.search(SearchRequest(query=q, limit=10))
        if rel is None:
            rank = 1 if resp.partial else None
        else:
            rank = next((i for i, h in enumerate(resp.hits, 1) if is_relevant(h.path, h.page, rel)), None)
        s1 += rank == 1
        if rank and rank <= 3:
            s3 += 1
            rr3 += 1 / rank
        if rank:
            s10 += 1
            rr10 += 1 / rank
        if verbose or not rank or rank > 3:
            top = [f"{Path(h.path).name[:40]}#{h.page}" for h in resp.hits[:3]]
            want = PARTIAL if rel is None else [f"{Path(p).name[:40]}#{pg}" for p, pg in rel[:2]]
            print(f"{'OK ' if rank and rank <= 3 else 'MISS'} rank={rank} partial={resp.partial} {q!r}  "
                  f"want={want}  got={top}  {note}", file=sys.stderr)
    n = len(queries)
    return {"queries": n, "success@1": s1 / n, "success@3": s3 / n, "MRR@3": rr3 / n,
            "success@10": s10 / n, "MRR@10": rr10 / n}


HEADER = ("| set | queries | success@1 | success@3 | MRR@3 | success@10 | MRR@10 |\n"
          "|---|---:|---:|---:|---:|---:|---:|")


def row(name: str, res: dict[str, float]) -> str:
    return (f"| {name} | {res['queries']:.0f} | {res['success@1']:.3f} | {res['success@3']:.3f} | "
            f"{res['MRR@3']:.3f} | {res['success@10']:.3f} | {res['MRR@10']:.3f} |")


def build_and_evaluate(corpus: Path, lemmatizer: str, queries: list[Path], verbose: bool) -> list[dict[str, float]]:
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    with tempfile.TemporaryDirectory() as tmp:
        Pipeline(Path(tmp), lemmatizer=get_lemmatizer(lemmatizer)).run([str(corpus)])
        return [evaluate(Path(tmp), verbose, q) for q in queries]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lemmatizer", default="simplemma")
    ap.add_argument("--data-dir", default=None, help="reuse an index of the corpus instead of building one")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--queries", default=str(QUERIES), help="judged queries (TSV)")
    ap.add_argument("--corpus", default=str(CORPUS), help="folder to ingest when no --data-dir is given")
    ap.add_argument("--all", action="store_true", help="every judged set, each over its own corpus")
    ap.add_argument("--czech-docs", default=str(CZECH_DOCS), help="the shared evaluation folder (for --all)")
    ap.add_argument("--czech-docs-data-dir", default=None, help="reuse an index of --czech-docs (for --all)")
    args = ap.parse_args()
    print(HEADER)
    if args.all:
        by_corpus: dict[str | None, list[str]] = {}
        for name, corpus in SETS:
            by_corpus.setdefault(corpus, []).append(name)
        for corpus, names in by_corpus.items():
            folder = Path(args.czech_docs) if corpus else CORPUS
            reuse = args.czech_docs_data_dir if corpus else args.data_dir
            files = [HERE / n for n in names]
            if not folder.exists() and not reuse:
                print(f"{folder} is not available: skipped {', '.join(names)}", file=sys.stderr)
                continue
            if reuse:
                results = [evaluate(Path(reuse), args.verbose, f) for f in files]
            else:
                results = build_and_evaluate(folder, args.lemmatizer, files, args.verbose)
            for name, res in zip(names, results, strict=True):
                print(row(name, res), flush=True)
        return
    queries = Path(args.queries)
    if args.data_dir:
        res = evaluate(Path(args.data_dir), args.verbose, queries)
    else:
        if not Path(args.corpus).exists():
            sys.exit(f"{args.corpus} is not available")
        res = build_and_evaluate(Path(args.corpus), args.lemmatizer, [queries], args.verbose)[0]
    print(row(queries.name, res))


if __name__ == "__main__":
    main()
