"""Retrieval quality on the sample corpus with our own judged queries (bench/queries.tsv).

    .venv/bin/python bench/retrieval_eval.py [--lemmatizer simplemma] [--data-dir DIR] [-v]
    .venv/bin/python bench/retrieval_eval.py --queries bench/queries_czech_docs.tsv --corpus ../shared/eval/czech-docs

queries.tsv columns: query, relevant (``;``-separated ``path#page`` or ``path``, relative to
corpus/), note. A hit is relevant when its path matches and, where a page is given, its
page matches. Reports success@1, success@10 and MRR@10 (reciprocal rank of the first
relevant hit), and lists the queries that failed.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS  # noqa: E402

QUERIES = Path(__file__).with_name("queries.tsv")


def load_queries(path: Path = QUERIES) -> list[tuple[str, list[tuple[str, int | None]], str]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if not row or row[0].startswith("#") or row[0] == "query":
                continue
            rel = []
            for item in row[1].split(";"):
                item = item.strip()
                if not item:
                    continue
                p, _, page = item.partition("#")
                rel.append((p.strip(), int(page) if page.strip().isdigit() else None))
            out.append((row[0], rel, row[2] if len(row) > 2 else ""))
    return out


def is_relevant(hit_path: str, hit_page: int | None, rel: list[tuple[str, int | None]]) -> bool:
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
    s1 = s10 = 0
    rr = 0.0
    for q, rel, note in queries:
        resp = s.search(SearchRequest(query=q, limit=10))
        rank = next((i for i, h in enumerate(resp.hits, 1) if is_relevant(h.path, h.page, rel)), None)
        if rank == 1:
            s1 += 1
        if rank:
            s10 += 1
            rr += 1 / rank
        if verbose or not rank:
            top = [f"{Path(h.path).name}#{h.page}" for h in resp.hits[:3]]
            print(f"{'OK ' if rank else 'MISS'} rank={rank} {q!r}  want={rel[:2]}  got={top}  {note}", file=sys.stderr)
    n = len(queries)
    return {"queries": n, "success@1": s1 / n, "success@10": s10 / n, "MRR@10": rr / n}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lemmatizer", default="simplemma")
    ap.add_argument("--data-dir", default=None, help="reuse an index of corpus/ instead of building one")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--queries", default=str(QUERIES), help="judged queries (TSV)")
    ap.add_argument("--corpus", default=str(CORPUS), help="folder to ingest when no --data-dir is given")
    args = ap.parse_args()
    queries = Path(args.queries)
    if args.data_dir:
        res = evaluate(Path(args.data_dir), args.verbose, queries)
    else:
        from scsearch.ingest.pipeline import Pipeline
        from scsearch.language.lemmatize import get_lemmatizer

        if not Path(args.corpus).exists():
            sys.exit(f"{args.corpus} is not available")
        with tempfile.TemporaryDirectory() as tmp:
            Pipeline(Path(tmp), lemmatizer=get_lemmatizer(args.lemmatizer)).run([str(args.corpus)])
            res = evaluate(Path(tmp), args.verbose, queries)
    print("| queries | success@1 | success@10 | MRR@10 |")
    print("|---:|---:|---:|---:|")
    print(f"| {res['queries']} | {res['success@1']:.3f} | {res['success@10']:.3f} | {res['MRR@10']:.3f} |")


if __name__ == "__main__":
    main()
