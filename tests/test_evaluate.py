"""The shortcuts of the query evaluation and the coordination ranking give exactly what the plain dense
computation gives: trees of terms skip the alive/zero passes, ``Or``s of terms sum in term order, a
search reuses the dense arrays of the previous one, and ``coordinate`` sums the full and the partial
pages apart, over the pages gathered or over every record (its former formulation is kept here as the
reference, bit for bit).

The tiny whoosh index (three segments, two records deleted) is ``tests/test_fastscore.py``'s; the
sample-corpus checks run with the engine ``SCSEARCH_ENGINE`` names (whoosh or tantivy).
"""

from __future__ import annotations

import math
import random
from functools import partial
from typing import Any

import numpy as np
import pytest

from scsearch.index import coordination, evaluate
from scsearch.index import qtree as Q
from scsearch.index.coordination import Concept, coordinate
from scsearch.index.evaluate import Scorer
from scsearch.index.fastscore import FastScorer
from scsearch.index.scratch import scratch
from tests.test_fastscore import TINY_QUERIES, VOCAB, tiny  # noqa: F401 - the fixture is used by name

T = Q.Term
CORPUS_QUERIES = ["elektromobilita", "dotace pro obce", "zasady urbanni politiky", "MŽP voda", "dotace -projekt",
                  "co jsme se dohodli o elektromobilitě", "kolik dostala obec na výstavbu chodníku pro auta",
                  "ministerstvo dopravy úkol 2017", '"Smart Cities"', "elektro*", "voda OR odpad"]


def _dense(fs: Scorer, q: Q.Query) -> tuple[np.ndarray, np.ndarray]:
    """``Scorer.evaluate`` as it was: the alive mask and the zero scores applied to every tree."""
    mask, scores = fs._eval(q)
    mask = mask & fs.alive
    return mask, (scores * mask).astype(np.float32, copy=False)


def _assert_same(got: tuple[np.ndarray, np.ndarray], want: tuple[np.ndarray, np.ndarray], q: Any) -> None:
    assert got[0].dtype == np.bool_ and got[1].dtype == np.float32, q
    assert np.array_equal(got[0], want[0]), q
    assert np.array_equal(got[1], want[1]), q  # bit for bit (no tolerance)


@pytest.mark.parametrize("q", TINY_QUERIES, ids=str)
def test_evaluate_equals_the_dense_passes(tiny: Any, q: Q.Query) -> None:  # noqa: F811
    fs = FastScorer(tiny)
    assert not fs.alive.all()  # deleted records: the alive pass would matter
    if evaluate._live_only(q):
        mask, scores = fs._eval(q)
        assert not (mask & ~fs.alive).any() and not scores[~mask].any(), q
    _assert_same(fs.evaluate(q), _dense(fs, q), q)


@pytest.mark.parametrize("q", TINY_QUERIES, ids=str)
def test_postings_added_either_way_give_the_same_sums(tiny: Any, q: Q.Query,  # noqa: F811
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A posting list is added with ``np.add.at`` or a fancy-index add by its length: the same float32 sums."""
    got = []
    for above in (0, 10**9):  # every list with add.at, then every one with the fancy-index add
        monkeypatch.setattr(evaluate, "SCATTER_AT_ABOVE", above)
        got.append(FastScorer(tiny).evaluate(q))
    _assert_same(got[1], got[0], q)


def test_live_only_trees() -> None:
    term = T("lemma", "dotace")
    assert evaluate._live_only(Q.And([term, Q.Or([term, T("head", "mesto", boost=2.5)])]))
    assert evaluate._live_only(Q.AndNot(Q.Or([term]), Q.Every()))  # the matches are the first part's
    assert not evaluate._live_only(Q.Or([term, Q.Every()]))
    assert not evaluate._live_only(Q.And([term, Q.Phrase("lemma", ["a", "b"])]))
    assert not evaluate._live_only(Q.Prefix("lemma", "dot"))


def test_an_or_of_terms_sums_in_term_order(tiny: Any) -> None:  # noqa: F811
    fs = FastScorer(tiny)
    terms = [T("lemma", w, boost=b) for w, b in zip(VOCAB, [1.0, 2.5, 0.35, 0.6, 1.25] * 4, strict=False)]
    mask, scores = fs.evaluate(Q.Or(terms))
    want_mask = np.zeros(fs.n, dtype=bool)
    want = np.zeros(fs.n, dtype=np.float32)
    for t in terms:
        ids, vals = fs.postings(t.fieldname, t.text.encode())
        want_mask[ids] = True
        want[ids] += vals if t.boost == 1.0 else vals * np.float32(t.boost)
    assert want_mask.sum() > 40
    _assert_same((mask, scores), (want_mask, want), "or")


def test_a_search_reuses_and_clears_the_arrays_of_the_last(tiny: Any, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    fs = FastScorer(tiny)
    first = Q.And([Q.Or([T("lemma", "dotace"), T("head", "dotace", boost=2.5)]), Q.Or([T("lemma", "mesto")])])
    second = Q.Or([T("lemma", "voda"), Q.And([T("lemma", "odpad"), T("head", "plan")])], boost=1.7)
    want = _dense(fs, second)
    with fs.one_search():
        got = fs.evaluate(first)
        assert not got[1].flags.writeable  # shared within the search
        used = {id(a) for a in got}
    with fs.one_search():
        got = fs.evaluate(second)
        _assert_same(got, want, second)
        assert used & {id(a) for a in got}  # the first search's memory, zeroed
    monkeypatch.setattr(evaluate, "MAX_SPARE_BYTES", 0)
    fresh = FastScorer(tiny)
    with fresh.one_search():
        fresh.evaluate(first)
    assert fresh._spare() == []


def test_scratch_arrays_are_kept_per_name() -> None:
    a = scratch("test.a", 10, np.float64)
    assert scratch("test.a", 8, np.float64).base is a.base  # the same memory, shorter
    assert scratch("test.a", 20, np.float64).size == 20  # grown
    assert scratch("test.a", 5, bool).dtype == np.bool_
    assert scratch("test.b", 5, bool).base is not scratch("test.a", 5, bool).base


# ------------------------------------------------------------ coordinate against its dense formulation
def _reference(fast: Scorer, concepts: list[Concept], mask: np.ndarray, full: np.ndarray) -> np.ndarray:
    """``coordinate`` before the full and the partial pages were summed apart (and without scratch)."""
    C = coordination
    idx = np.flatnonzero(mask)
    out = np.zeros(fast.n, dtype=np.float32)
    if not idx.size:
        return out
    k = idx.size
    in_full = full[idx]
    partial_pages = not in_full.all()
    total, covered = np.zeros(k), np.zeros(k)
    graded = np.zeros(k if partial_pages else 0)
    weight_sum = 0.0
    own_all = np.ones(k, dtype=bool)
    alive = max(1, int(np.count_nonzero(fast.alive)))
    for c in concepts:
        own_mask, every = _dense(fast, c.own)
        rel_m = None
        if c.related is not None:
            rel_mask, rel_scores = _dense(fast, c.related)
            rel_m = rel_mask[idx]
            anywhere = own_mask | rel_mask
            every = np.maximum(every, rel_scores)
        else:
            anywhere = own_mask
        df = int(np.count_nonzero(anywhere))
        own_m = own_mask[idx]
        best = every[idx].astype(np.float64)
        own_all &= own_m
        idf = math.log(1.0 + (alive - df + 0.5) / (df + 0.5)) ** C.IDF_POWER
        weight = C.NUMBER_WEIGHT if c.numeric else 1.0
        total += best * weight
        held = own_m.astype(np.float64)
        if rel_m is not None and c.related_credit:
            np.copyto(held, c.related_credit, where=rel_m & ~own_m)
        share = held * (weight * idf)
        covered += share
        weight_sum += weight * idf
        if partial_pages:
            half = fast.statistic(("median", c.own, c.related), partial(C._median_positive, every))
            graded += share * (0.5 + (best * 0.5) / (best + half))
    coverage = covered / weight_sum if weight_sum > 0 else np.ones(k)
    scores = total * coverage**C.COORD_POWER
    if partial_pages:
        scores = np.where(in_full, scores, graded / max(weight_sum, 1e-9))
    factor = np.ones(k)
    keyed = [c for c in concepts if c.lemmas]
    if len(keyed) >= 2:
        pick = np.arange(k)
        if pick.size > C.PROXIMITY_DEPTH:
            pick = np.argpartition(-scores, C.PROXIMITY_DEPTH - 1)[: C.PROXIMITY_DEPTH]
        pick.sort()
        near = np.zeros(k)
        pairs = fast.near_pairs("lemma", [c.lemmas for c in keyed], idx[pick], C.PROXIMITY_WINDOW)
        for docs in pairs:
            near[np.searchsorted(idx, docs)] += 1.0
        factor += C.PROXIMITY_WEIGHT * near / max(1, len(pairs))
    scores *= factor
    scores = C._lift(scores, in_full, ~in_full)
    scores = C._lift(scores, in_full & own_all, in_full & ~own_all)
    out[idx] = scores
    return out


def _concept(word: str, related: list[str], credit: float, text: str | None = None) -> Concept:
    own = Q.Or([T("lemma", word), T("head", word, boost=2.5), T("stem", word[:4], boost=0.35)])
    rel = Q.Or([T("lemma", w, boost=0.5) for w in related]) if related else None
    return Concept(text=text or word, own=own, related=rel, lemmas=(word,), related_credit=credit)


CONCEPT_SETS = {
    "related words": [_concept("dotace", ["energie", "voda"], 0.8), _concept("mesto", ["obec", "kraj"], 0.5),
                      _concept("data", [], 0.0)],
    "a number, no credit": [_concept("projekt", ["plan"], 0.0), _concept("doprava", ["odpad"], 0.8, text="2017")],
    "one concept": [_concept("smart", ["cities"], 0.8)],
}


@pytest.mark.parametrize("name", list(CONCEPT_SETS))
@pytest.mark.parametrize("pages", ["every concept", "some concepts", "both kinds", "none"])
@pytest.mark.parametrize("dense_share", [1, 10**9], ids=["gathered", "over every record"])
@pytest.mark.parametrize("sparse_share", [1, 10**9], ids=["pages holding the concept", "every page"])
def test_coordinate_equals_its_dense_formulation(tiny: Any, name: str, pages: str, dense_share: int,  # noqa: F811
                                                 sparse_share: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coordination, "PROXIMITY_DEPTH", 7)  # proximity of the best pages only, here too
    monkeypatch.setattr(coordination, "DENSE_SHARE", dense_share)  # each page set summed one way or the other
    monkeypatch.setattr(coordination, "SPARSE_SHARE", sparse_share)  # each concept graded one way or the other
    fs = FastScorer(tiny)
    concepts = CONCEPT_SETS[name]
    with fs.one_search():
        held = [_dense(fs, c.own)[0] | (_dense(fs, c.related)[0] if c.related else False) for c in concepts]
    some = np.logical_or.reduce(held)
    rnd = np.random.default_rng(len(name))
    every = np.logical_and.reduce(held) if len(held) > 1 else some & (rnd.random(fs.n) < 0.5)  # (one: a share)
    allowed = rnd.random(fs.n) < 0.8
    mask, full = {"every concept": (every, every), "some concepts": (some, np.zeros(fs.n, dtype=bool)),
                  "both kinds": (some, every), "none": (np.zeros(fs.n, dtype=bool),) * 2}[pages]
    mask, full = mask & allowed, full & allowed
    if pages == "both kinds":
        assert full.any() and (mask & ~full).any()
    want = _reference(fs, concepts, mask, full)
    for _ in range(2):  # the second time over the thread's scratch arrays of the first
        with fs.one_search():
            got = coordinate(fs, concepts, mask, full)
        assert got.dtype == np.float32 and np.array_equal(got, want)
    assert not got[~mask].any()


def test_coordinate_lifts_pages_with_every_concept_in_own_words(tiny: Any) -> None:  # noqa: F811
    """Pages with every concept, some of them only through a related word: the exact ones first."""
    fs = FastScorer(tiny)
    concepts = [_concept("dotace", ["energie"], 0.8), _concept("mesto", ["kraj"], 0.8)]
    held = [_dense(fs, c.own)[0] | _dense(fs, c.related)[0] for c in concepts if c.related]
    own = [_dense(fs, c.own)[0] for c in concepts]
    full = np.logical_and.reduce(held)
    exact = full & np.logical_and.reduce(own)
    assert exact.any() and (full & ~exact).any()
    got = coordinate(fs, concepts, full, full)
    assert np.array_equal(got, _reference(fs, concepts, full, full))
    assert got[exact].min() > got[full & ~exact].max()


# ------------------------------------------------------------ the sample corpus, with the engine under test
def test_corpus_searches_equal_the_dense_passes(corpus_searcher: Any) -> None:
    """Every tree a search evaluates (the query, its partial form, each concept) gives what the dense
    passes give; and the results of a search repeated (over the arrays of the previous one) are the same."""
    from scsearch.index.query import parse
    from scsearch.index.search import Searcher
    from scsearch.index.types import SearchRequest

    s: Searcher = corpus_searcher
    st = s._open()
    assert st is not None
    fs = st.fast
    rnd = random.Random(3)
    for text in CORPUS_QUERIES:
        q, plan = s.build(parse(text))
        trees = [t for t in (q, plan.some_words) if t is not None]
        for tree in trees + [t for c in plan.concepts for t in (c.own, c.related) if t]:
            want = _dense(fs, tree)
            _assert_same(fs.evaluate(tree), want, tree)
            with fs.one_search():
                _assert_same(fs.evaluate(tree), want, tree)
        req = SearchRequest(query=text, limit=50, group=rnd.random() < 0.5)
        first = s.search(req)
        s.search(SearchRequest(query=rnd.choice(CORPUS_QUERIES)))  # another search in between
        again = s.search(req)
        assert [(h.record_id, h.score) for h in again.hits] == [(h.record_id, h.score) for h in first.hits], text
        assert (again.total, again.facets, again.notices) == (first.total, first.facets, first.notices), text


KEEP_FREED_CHILD = """
import resource, sys
import numpy as np
from scsearch.index.scratch import keep_freed_memory

def faults():  # page faults of five searches' worth of temporaries: 40 arrays of 1 MB alive at once
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):
        arrays = [np.ones(1 << 17) for _ in range(40)]
        del arrays
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

faults()
plain = faults()
kept = keep_freed_memory()
faults()
print(kept, plain, faults())
"""


def test_a_server_process_keeps_freed_memory() -> None:
    """After ``keep_freed_memory`` (a gunicorn worker calls it) freed arrays are reused, not mapped afresh."""
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", KEEP_FREED_CHILD], capture_output=True, text=True, check=True,
                         env={k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")})
    kept, plain, after = out.stdout.split()
    if kept != "True":
        pytest.skip("the C library has no mallopt")
    assert int(plain) > 5 * 40 * 200  # each round maps its 40 MB afresh (~256 faults a MB)
    assert int(after) < int(plain) // 20


PRETOUCH_CHILD = """
import resource
import numpy as np
from scsearch.index.scratch import keep_freed_memory

kept = keep_freed_memory()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
arrays = [np.ones(1 << 17) for _ in range(16)]  # a first search's temporaries: 16 MB
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_a_server_process_grows_its_heap_before_the_first_search() -> None:
    """``keep_freed_memory`` writes and frees PRETOUCH_BYTES at once: the first search's temporaries find
    their memory mapped (16 MB written afresh would cost ~4,000 page faults)."""
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", PRETOUCH_CHILD], capture_output=True, text=True, check=True,
                         env={k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")})
    kept, faults = out.stdout.split()
    if kept != "True":
        pytest.skip("the C library has no mallopt")
    assert int(faults) < 400
