"""FastScorer against whoosh itself: same matches, same BM25F scores, same top order.

A tiny hand-made index (several segments, deleted documents) checks every query type;
the sample-corpus index checks queries exactly as the search builds them.

Benchmark (20k synthetic pages; builds /tmp/fastscore-syn20k when no index is given):
    .venv/bin/python tests/test_fastscore.py [DATA_DIR]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import index as windex

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scsearch.index import evaluate  # noqa: E402
from scsearch.index import qtree as Q  # noqa: E402
from scsearch.index.fastscore import FastScorer, read_postings  # noqa: E402
from scsearch.index.schema import build_schema  # noqa: E402
from scsearch.index.whoosh_query import to_whoosh  # noqa: E402

VOCAB = ["mesto", "dotace", "data", "doprava", "energie", "smart", "cities", "projekt", "obec", "kraj",
         "voda", "odpad", "vyzva", "jednani", "skupina", "plan", "strategie", "elektromobilita", "elektrina"]


def _doc(rnd: random.Random, i: int) -> dict[str, Any]:
    n = rnd.randint(1, 40)
    words = [rnd.choice(VOCAB[: rnd.randint(3, len(VOCAB))]) for _ in range(n)]
    head = " ".join(rnd.sample(VOCAB, rnd.randint(0, 3)))
    ent = rnd.choice(["", "ent_mzp", "ent_mmr ent_mzp", "ent_md"])
    return {
        "record_id": f"r{i}", "doc_id": f"d{i // 3}", "kind": "page", "path": f"x/{i}.pdf",
        "lemma": " ".join(words), "form": " ".join(w.upper() if j % 5 == 0 else w for j, w in enumerate(words)).lower(),
        "stem": " ".join(w[:4] for w in words), "head": head, "entity": ent,
        "doc_type": "minutes", "year": "2017", "date": 20170101 + i,
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A whoosh index of 60 records in three segments, two of them deleted."""
    path = tmp_path_factory.mktemp("fastscore-tiny")
    ix = windex.create_in(str(path), build_schema())
    rnd = random.Random(11)
    for batch in (range(0, 30), range(30, 50), range(50, 60)):
        w = ix.writer()
        for i in batch:
            w.add_document(**_doc(rnd, i))
        w.commit(merge=False)
    w = ix.writer()
    w.delete_by_term("record_id", "r5")
    w.delete_by_term("record_id", "r33")
    w.commit(merge=False)
    searcher = ix.searcher()
    assert len(list(searcher.reader().leaf_readers())) == 3
    yield searcher
    searcher.close()


def _whoosh(searcher: Any, q: Q.Query) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(to_whoosh(q), limit=None)}


def _check(fs: FastScorer, searcher: Any, q: Q.Query, scores_too: bool = True) -> np.ndarray:
    mask, scores = fs.evaluate(q)
    assert mask.dtype == np.bool_ and scores.dtype == np.float32
    assert mask.shape == scores.shape == (fs.n,)
    expected_docs = set(to_whoosh(q).docs(searcher))
    assert set(np.flatnonzero(mask).tolist()) == expected_docs, q
    assert not scores[~mask].any()
    if scores_too:
        expected = _whoosh(searcher, q)
        assert set(expected) == expected_docs
        for d, v in expected.items():
            assert scores[d] == pytest.approx(v, rel=1e-4), (q, d)
    return mask


T = Q.Term

TINY_QUERIES: list[Q.Query] = [
    T("lemma", "dotace"),
    T("lemma", "dotace", boost=2.5),
    T("head", "smart", boost=2.5),
    T("form", "mesto", boost=0.6),
    T("stem", "elek", boost=0.35),
    T("entity", "ent_mzp", boost=1.5),
    T("doc_id", "d3"),  # an unscorable field: whoosh scores the weight
    T("lemma", "neexistuje"),
    T("nofield", "x"),
    Q.And([T("lemma", "dotace"), T("lemma", "mesto")]),
    Q.And([Q.Or([T("lemma", "dotace"), T("head", "dotace", boost=2.5)]),
           Q.Or([T("lemma", "mesto"), T("form", "mesto", boost=0.6), T("stem", "mest", boost=0.35)])]),
    Q.Or([T("lemma", "voda"), Q.And([T("lemma", "odpad"), T("head", "plan")])], boost=1.7),
    Q.And([T("lemma", "kraj")], boost=3.0),  # a single child: whoosh drops the compound's boost
    Q.And([T("lemma", "kraj"), T("lemma", "neexistuje")]),
    Q.Or([T("lemma", "neexistuje"), T("lemma", "obec")]),
    Q.Or([T("lemma", "neexistuje"), T("head", "neexistuje")]),  # every part empty
    Q.Or([Q.And([T("lemma", "neexistuje"), T("lemma", "kraj")]), T("lemma", "obec"),
          Q.Or([T("lemma", "nic"), T("form", "nic")]), T("lemma", "voda")], boost=1.3),  # empty parts among others
    Q.And([Q.Or([T("lemma", "nic"), T("head", "nic")]), T("lemma", "obec")]),  # an empty part of an And
    Q.AndNot(Q.Or([T("lemma", "data"), T("lemma", "projekt")]), Q.Or([T("head", "data"), T("lemma", "voda")])),
    Q.Every(),
    Q.Every("head", boost=1.5),
    Q.Every("doc_id"),
    Q.And([Q.Every(), T("lemma", "vyzva")]),
    Q.Prefix("lemma", "elektr"),
    Q.Prefix("lemma", "elektr", boost=2.0),
    Q.Prefix("lemma", "elektrom", boost=2.0),  # one expansion: whoosh keeps no boost
    Q.Prefix("lemma", "e", boost=2.0),  # three expansions in a small segment: unscored, 1.0 a doc
    Q.Prefix("lemma", "e", boost=2.0, constantscore=False),
    Q.Prefix("lemma", "", boost=2.0),
    Q.Or([Q.Prefix("lemma", "ener"), Q.Prefix("form", "vyz")]),
    Q.Sequence([Q.Or([T("lemma", "smart"), T("lemma", "data")]), T("lemma", "cities")]),
]
NATIVE_PHRASES: list[Q.Query] = [
    Q.Phrase("form", ["smart", "cities"]),
    Q.Phrase("lemma", ["dotace", "mesto"], slop=2),
    Q.Phrase("lemma", ["data", "mesto", "dotace"]),
    Q.Phrase("lemma", ["mesto", "dotace", "data"], slop=3),
    Q.Phrase("lemma", ["data", "data"]),
    Q.Phrase("form", ["data", "mesto"], slop=2),
    Q.Sequence([Q.Or([T("lemma", "smart"), T("lemma", "data")]), T("lemma", "cities"), Q.Or([T("lemma", "mesto")])]),
    Q.Sequence([T("lemma", "dotace"), Q.Or([T("lemma", "mesto"), T("lemma", "kraj")])], slop=2),
]
POSITIONAL: list[Q.Query] = NATIVE_PHRASES + [
    Q.And([T("lemma", "projekt"), Q.Phrase("lemma", ["smart", "cities"])]),
    Q.Sequence([T("lemma", "smart"), T("lemma", "cities")], slop=2, ordered=False),  # whoosh decides
]


@pytest.mark.parametrize("q", TINY_QUERIES, ids=str)
def test_tiny_masks_and_scores_equal_whoosh(tiny: Any, q: Q.Query) -> None:
    fs = FastScorer(tiny)
    _check(fs, tiny, q)


@pytest.mark.parametrize("q", POSITIONAL, ids=str)
def test_tiny_positional_masks_equal_whoosh(tiny: Any, q: Q.Query) -> None:
    fs = FastScorer(tiny)
    mask = _check(fs, tiny, q, scores_too=False)
    assert mask.any()


@pytest.mark.parametrize("q", NATIVE_PHRASES, ids=str)
def test_phrases_are_answered_from_positions(tiny: Any, q: Q.Query, monkeypatch: pytest.MonkeyPatch) -> None:
    fs = FastScorer(tiny)

    def no_fallback(q: Any) -> Any:
        raise AssertionError(f"fallback used for {q}")

    monkeypatch.setattr(fs, "_eval_fallback", no_fallback)
    mask, scores = fs.evaluate(q)
    monkeypatch.undo()
    assert set(np.flatnonzero(mask).tolist()) == set(to_whoosh(q).docs(tiny))
    assert (scores[mask] > 0).all()


def test_tiny_has_matches_and_no_deleted_docs(tiny: Any) -> None:
    fs = FastScorer(tiny)
    reader = tiny.reader()
    assert fs.n == 60 and int(fs.alive.sum()) == 58
    dead = [d for d in range(fs.n) if reader.is_deleted(d)]
    assert dead == np.flatnonzero(~fs.alive).tolist() and len(dead) == 2
    every, _ = fs.evaluate(Q.Every())
    assert not every[dead].any() and int(every.sum()) == 58
    mask, _ = fs.evaluate(T("lemma", "dotace"))
    assert 5 < int(mask.sum()) < 58


def test_bulk_lengths_equal_doc_field_length(tiny: Any) -> None:
    fs = FastScorer(tiny)
    reader = tiny.reader()
    for field in ("lemma", "form", "stem", "head", "entity"):
        got = fs.field_lengths(field)
        want = [reader.doc_field_length(d, field) or 0 for d in range(fs.n)]
        assert got.tolist() == want, field
    assert any(fs.field_lengths("head")) and not any(fs.field_lengths("doc_id"))


def test_block_reader_equals_posting_walk(tiny: Any) -> None:
    for leaf, _off in tiny.reader().leaf_readers():
        for field, text in (("lemma", b"dotace"), ("form", b"mesto"), ("entity", b"ent_mzp"), ("head", b"plan")):
            if (field, text) not in leaf:
                continue
            ids, weights = read_postings(leaf, field, text)
            m = leaf._terms.matcher(field, text, leaf.schema[field].format)
            walk = []
            while m.is_active():
                walk.append((m.id(), m.weight()))
                m.next()
            assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == walk


def _top(fs: FastScorer, mask: np.ndarray, scores: np.ndarray, k: int, allowed: np.ndarray | None = None
         ) -> list[tuple[int, float]]:
    """The best ``k`` of ``mask & allowed``, as the ranking asks (``Scorer.top_of`` of the records' numbers)."""
    return fs.top_of(np.flatnonzero(mask & allowed if allowed is not None else mask), scores, k)


def test_top_orders_by_score_then_docnum(tiny: Any) -> None:
    fs = FastScorer(tiny)
    scores = np.array([1.0, 3.0, 2.0, 3.0, 2.0, 2.0, 0.5, 2.0], dtype=np.float32)
    mask = np.array([True, True, True, True, True, True, True, False])
    assert [d for d, _ in _top(fs, mask, scores, 3)] == [1, 3, 2]
    assert [d for d, _ in _top(fs, mask, scores, 4)] == [1, 3, 2, 4]
    assert [d for d, _ in _top(fs, mask, scores, 100)] == [1, 3, 2, 4, 5, 0, 6]
    allowed = np.array([True, False, True, True, False, True, True, True])
    assert _top(fs, mask, scores, 2, allowed) == [(3, 3.0), (2, 2.0)]
    assert _top(fs, mask, scores, 0) == [] and _top(fs, np.zeros(8, dtype=bool), scores, 5) == []


@pytest.mark.parametrize("q", TINY_QUERIES[:6] + TINY_QUERIES[9:12], ids=str)
def test_top_equals_whoosh_ranking(tiny: Any, q: Q.Query) -> None:
    fs = FastScorer(tiny)
    mask, scores = fs.evaluate(q)
    for k in (1, 5, 20):
        got = _top(fs, mask, scores, k)
        # whoosh's own top-k with a limit can skip the true best across segments (its
        # block-quality shortcut), so the reference is its full result list, ranked
        want = sorted(_whoosh(tiny, q).items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        assert [d for d, _ in got] == [d for d, _ in want], (q, k)
        assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-4)


def test_cache_is_bounded(tiny: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluate, "MAX_CACHED_TERMS", 3)
    fs = FastScorer(tiny)
    for q in TINY_QUERIES[:12]:
        _check(fs, tiny, q)
    assert len(fs._cache) <= 3
    assert fs._cached_postings == sum(len(ids) for ids, _ in fs._cache.values())


# ---------------------------------------------------------------- the sample corpus, queries as the search builds them
CORPUS_TERM_QUERIES = ["dotace", "elektromobilita", "metodika", "mestum", "MŽP", "jednání", "dotace mestum",
                       "zasady urbanni politiky", "otevřená data obcí", "financování projektů Smart Cities",
                       "ministerstvem dopravy", "dotace -projekt", "voda OR odpad", "+Smart +Cities",
                       "ministerstvo životního prostředí", "elektro*", "zasedání skupiny"]
CORPUS_PHRASES = ['"Smart Cities"', '"pracovní skupina"', '"urbánní politiky"', '"Ministerstvo pro místní rozvoj"',
                  '"na jednání"', '="chytrá města"', 'dotace "smart cities"']


def _whoosh_of(searcher: Any) -> Any:
    """The whoosh searcher under a ``Searcher`` of a whoosh generation."""
    st = searcher._open()
    assert st is not None and st.reader.engine == "whoosh"
    return st.reader.searcher


def _built(corpus_searcher: Any, text: str) -> Any:
    from scsearch.index.query import parse

    assert corpus_searcher._ensure_open()
    q, _terms = corpus_searcher.build(parse(text))
    assert q is not None, text
    return q


def test_corpus_term_queries_equal_whoosh(corpus_searcher: Any) -> None:
    queries = [_built(corpus_searcher, t) for t in CORPUS_TERM_QUERIES]
    searcher = _whoosh_of(corpus_searcher)
    fs = FastScorer(searcher)
    matched = 0
    for q in queries:
        mask = _check(fs, searcher, q)
        matched += int(mask.any())
        mask2, scores = fs.evaluate(q)
        want = [d for d, _ in sorted(_whoosh(searcher, q).items(), key=lambda kv: (-kv[1], kv[0]))[:10]]
        assert [d for d, _ in _top(fs, mask2, scores, 10)] == want, q
    assert matched >= len(queries) - 2


def test_corpus_phrase_masks_equal_whoosh(corpus_searcher: Any) -> None:
    queries = [_built(corpus_searcher, t) for t in CORPUS_PHRASES]
    searcher = _whoosh_of(corpus_searcher)
    fs = FastScorer(searcher)
    assert sum(_check(fs, searcher, q, scores_too=False).any() for q in queries) >= len(queries) - 2


# ---------------------------------------------------------------- benchmark
def _bench(data_dir: Path, repeat: int = 5) -> None:
    from bench.query_bench import QUERIES
    from scsearch.index.search import Searcher

    s = Searcher(data_dir)
    assert s._ensure_open()
    searcher = _whoosh_of(s)
    t0 = time.perf_counter()
    fs = FastScorer(searcher)
    print(f"{fs.n} records; FastScorer() {1000 * (time.perf_counter() - t0):.1f} ms")
    print(f"{'class':16} {'whoosh p50/p95':>16} {'fast cold':>10} {'fast p50/p95':>14}   query")
    for cls, items in QUERIES.items():
        for item in items:
            q = _built(s, item["query"])
            tw = []
            for _ in range(repeat):
                t = time.perf_counter()
                searcher.search(to_whoosh(q), limit=50)
                tw.append(1000 * (time.perf_counter() - t))
            tf = []
            for _ in range(repeat + 1):
                t = time.perf_counter()
                mask, scores = fs.evaluate(q)
                _top(fs, mask, scores, 50)
                tf.append(1000 * (time.perf_counter() - t))
            cold, warm = tf[0], np.array(tf[1:])
            print(f"{cls:16} {np.median(tw):7.1f}/{np.percentile(tw, 95):7.1f} {cold:10.1f} "
                  f"{np.median(warm):6.1f}/{np.percentile(warm, 95):6.1f}   {item['query']}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        target = Path(sys.argv[1])
    else:
        from bench.query_bench import build_corpus_index, build_synthetic

        target = Path("/tmp/fastscore-syn20k")
        if not (target / "index").exists():
            src = Path("/tmp/fastscore-src")
            if not (src / "index").exists():
                build_corpus_index(src)
            build_synthetic(src, target, 20_000)
    _bench(target)
