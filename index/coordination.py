"""One ranking for pages with every query word and pages with only some of them.

Each query *concept* (a content word, a phrase, an entity name; function and question words are
never concepts) is scored by BM25F over its own terms (lemma, heading, exact form, stem) and,
separately, over its related words (``index.expansion``; they weigh less). A page's score is

    score = sum over concepts of  weight_c * max(bm25_c, bm25_related_c)   x   coverage ** COORD_POWER

where ``weight_c`` is NUMBER_WEIGHT for a concept with digits ("2026", "7/23/2025") and 1 otherwise, and
``coverage`` is the IDF-weighted share of the query's concepts the page holds — a concept found only
through a related word counts ``related_credit`` of it (by the kind of relation, index/expansion.py). This is Lucene's coordination factor of a
disjunction, weighted by rarity, so among pages with some of the words the one holding the rare,
specific ones (names, places, amounts) wins over one full of common words. Words standing close
together on the page (``proximity``) multiply the score by up to 1 + PROXIMITY_WEIGHT. Pages with every
concept are lifted above all others (FULL_TIER), so a page with every word still comes first; among them,
the pages with every concept in the words typed come before those that need a related word for one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from scsearch.index import qtree as Q
from scsearch.index.evaluate import Scorer
from scsearch.index.scratch import scratch

COORD_POWER = 2.0  # how strongly the share of (rare) concepts covered decides
IDF_POWER = 1.0  # a concept's share of the coverage grows with idf ** IDF_POWER: the rare words decide
NUMBER_WEIGHT = 2.0  # numbers in the query are strong evidence
FULL_TIER = 4.0  # pages with every concept: + FULL_TIER x the best other score + 1
PROXIMITY_WEIGHT = 0.5  # x (1 + this x share of neighbouring query concepts found within PROXIMITY_WINDOW)
PROXIMITY_WINDOW = 4
PROXIMITY_DEPTH = 400  # proximity is computed for this many of the best pages only
DENSE_SHARE = 2  # pages summed over every record (no gathers) when more than 1 / DENSE_SHARE of the index
SORT_SHARE = 32  # a concept's median: by sorting every score where more than 1 / SORT_SHARE of pages hold it
SPARSE_SHARE = 3  # a concept on at most 1 / SPARSE_SHARE of the graded pages is summed over those pages only

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Concept:
    """One thing the query asks for: its own terms, its related words, and the lemmas whose positions
    on a page show it (for proximity)."""

    text: str  # as typed
    own: Q.Query
    related: Q.Query | None = None
    lemmas: tuple[str, ...] = ()  # folded lemmas of the concept (own terms only)
    related_credit: float = 0.0  # the share of the concept a page holding only a related word covers

    @property
    def numeric(self) -> bool:
        return bool(_DIGIT.search(self.text))


def coordinate(fast: Scorer, concepts: list[Concept], mask: np.ndarray, full: np.ndarray) -> np.ndarray:
    """float32[n] scores of the pages in ``mask`` (``full``: the pages with every concept).

    Computed over the matched pages only (``idx``): the per-page arithmetic costs what the matches
    cost, not what the index holds (when they are most of it: over every record, which spares gathering
    them). The pages with every concept need only the BM25F sum and the coverage, the others only the
    graded concepts: each is computed over its own pages (usually all the matched pages are of one kind).
    Every step is the same float operation on each page as in a plain per-page formulation
    (tests/test_evaluate.py keeps one as the reference), so the scores are the same to the bit."""
    n = fast.n
    idx = np.flatnonzero(mask)
    out = np.zeros(n, dtype=np.float32)
    if not idx.size:
        return out
    in_full = full[idx]
    if in_full.all():
        full_idx, part_idx = idx, idx[:0]
    elif not in_full.any():
        full_idx, part_idx = idx[:0], idx
    else:
        full_idx, part_idx = idx[in_full], idx[~in_full]
    whole, part = _Pages(full_idx, n, graded=False), _Pages(part_idx, n, graded=True)
    weight_sum = 0.0
    alive = max(1, int(np.count_nonzero(fast.alive)))
    best_any = scratch("coordinate.best", n, np.float32)  # (index.scratch: fresh memory costs page faults)
    held_any = scratch("coordinate.held", n, bool)
    for c in concepts:
        own_mask, every = fast.evaluate(c.own)  # every: the concept's best score on each page of the index
        rel_mask = None
        if c.related is not None:
            rel_mask, rel_scores = fast.evaluate(c.related)
            anywhere = np.bitwise_or(own_mask, rel_mask, out=held_any)
            every = np.maximum(every, rel_scores, out=best_any)
        else:
            anywhere = own_mask
        df = int(np.count_nonzero(anywhere))
        idf = math.log(1.0 + (alive - df + 0.5) / (df + 0.5)) ** IDF_POWER
        weight = NUMBER_WEIGHT if c.numeric else 1.0
        weight_sum += weight * idf
        whole.add(c, every, own_mask, rel_mask, weight, weight * idf)
        if part.size:
            half = fast.statistic(("median", c.own, c.related), partial(_median_positive, every))
            part.add_graded(c, every, own_mask, rel_mask, anywhere, df, weight * idf, half)
    whole.finish()
    part.finish()
    # pages with every concept: BM25F x coverage (< 1 when a concept is there only as a related word);
    # the others: by the (rarity-weighted) concepts they hold, BM25F only grading each concept
    whole_scores, part_scores = whole.total, part.graded  # (in place: scratch arrays)
    if weight_sum > 0:  # total x coverage ** COORD_POWER (no coverage: 1)
        coverage = np.divide(whole.covered, weight_sum, out=whole.covered)
        coverage **= COORD_POWER
        whole_scores *= coverage
    part_scores /= max(weight_sum, 1e-9)
    if not part.size:
        scores = whole_scores
    elif not whole.size:
        scores = part_scores
    else:
        scores = np.empty(idx.size, dtype=np.float64)
        scores[in_full] = whole_scores
        scores[~in_full] = part_scores
    scores *= _proximity(fast, concepts, idx, scores)
    scores = _lift(scores, in_full, ~in_full)
    if whole.size and not whole.own_all.all():
        own_all = np.zeros(idx.size, dtype=bool)  # pages holding every concept through its own words
        own_all[in_full] = whole.own_all
        scores = _lift(scores, own_all, in_full & ~own_all)
    out[idx] = scores
    return out


class _Pages:
    """The per-concept sums of ``coordinate`` over some of the matched pages (``idx``): the BM25F sum,
    the coverage and whether every concept is there through its own words (``graded=False``, pages
    with every concept), or the graded concepts (``graded=True``, the others). Float64 throughout;
    the scratch arrays are reused for every concept. Pages that are most of the index (DENSE_SHARE)
    are summed over every record, their own sums picked out by ``finish``."""

    def __init__(self, idx: np.ndarray, n: int, graded: bool) -> None:
        self.size = idx.size
        self.idx = idx
        # most of the index: computed over every record (no gathers), the pages picked out at the end
        self._dense = idx.size * DENSE_SHARE > n
        k = n if self._dense else idx.size
        name = "coordinate.graded." if graded else "coordinate.full."

        def array(what: str, dtype: Any, size: int = k) -> np.ndarray:
            return scratch(name + what, size, dtype)

        self.total = array("total", np.float64, 0 if graded else k)
        self.covered = array("covered", np.float64, 0 if graded else k)
        self.own_all = array("own_all", bool, 0 if graded else k)
        self.graded = array("graded", np.float64, k if graded else 0)  # each concept's BM25 saturated
        for sums in (self.total, self.covered, self.graded):
            sums.fill(0.0)
        self.own_all.fill(True)
        self._best, self._halved = array("best", np.float32), array("halved", np.float64)
        self._tmp, self._share = array("tmp", np.float64), array("share", np.float64)
        self._own, self._rel, self._rel_in = array("own", bool), array("rel", bool), array("rel_in", bool)

    def add(self, c: Concept, every: np.ndarray, own_mask: np.ndarray, rel_mask: np.ndarray | None,
            weight: float, share_weight: float) -> None:
        """Add one concept to the pages with every concept: ``every`` its best score on each page of the
        index, ``own_mask``/``rel_mask`` the pages holding its own/related words, ``share_weight`` its
        weight x idf."""
        if not self.size:
            return
        best = every if self._dense else np.take(every, self.idx, out=self._best)
        own_m = own_mask if self._dense else np.take(own_mask, self.idx, out=self._own)
        rel_m = rel_mask if rel_mask is None or self._dense else np.take(rel_mask, self.idx, out=self._rel)
        share = self._share_of(c, own_m, rel_m, share_weight, self._share)
        self.own_all &= own_m
        # float32: computed in float64
        self.total += np.multiply(best, weight, out=self._tmp, dtype=np.float64)
        self.covered += share

    def _share_of(self, c: Concept, own_m: np.ndarray, rel_m: np.ndarray | None, share_weight: float,
                  share: np.ndarray) -> np.ndarray:
        """The share of the concept each page holds x weight x idf: 1 where its own words are, else the
        credit of a related word, else 0 (the products are exact or the one rounding of credit x it)."""
        np.multiply(own_m, share_weight, out=share)
        if rel_m is not None and c.related_credit:
            rel_only = np.greater(rel_m, own_m, out=self._rel[:own_m.size])
            share += np.multiply(rel_only, c.related_credit * share_weight, out=self._tmp[:own_m.size])
        return share

    def add_graded(self, c: Concept, every: np.ndarray, own_mask: np.ndarray, rel_mask: np.ndarray | None,
                   held: np.ndarray, df: int, share_weight: float, half: float) -> None:
        """Add one concept to the other pages, ``held`` the pages holding its own or related words (``df``
        of them in the index), ``half`` the median of its scores (the rest as ``add``): graded += share x
        (0.5 + 0.5 x best / (best + half)), in that order — on the pages holding the concept only where
        they are few (SPARSE_SHARE): elsewhere the share, and so the term, is an exact 0."""
        if not self.size:
            return
        at: np.ndarray | None = None  # positions in the sums (None: every one)
        if self._dense:
            if df * SPARSE_SHARE <= self.graded.size:
                at = np.flatnonzero(held)
        else:
            here = np.take(held, self.idx, out=self._own)
            if np.count_nonzero(here) * SPARSE_SHARE <= self.size:
                at = np.flatnonzero(here)
        if at is None:
            records = None if self._dense else self.idx
        else:
            records = at if self._dense else self.idx[at]
        m = self.graded.size if at is None else at.size
        # float32: each use below computes in float64
        best = every if records is None else np.take(every, records, out=self._best[:m])
        own_m = own_mask if records is None else np.take(own_mask, records, out=self._own[:m])
        rel_m = rel_mask if rel_mask is None or records is None else np.take(rel_mask, records,
                                                                             out=self._rel_in[:m])
        share = self._share_of(c, own_m, rel_m, share_weight, self._share[:m])
        tmp = np.add(best, half, out=self._tmp[:m], dtype=np.float64)
        np.divide(np.multiply(best, 0.5, out=self._halved[:m], dtype=np.float64), tmp, out=tmp)
        tmp += 0.5
        tmp *= share
        if at is None:
            self.graded += tmp
        else:
            self.graded[at] += tmp

    def finish(self) -> None:
        """The sums of the pages only (after the last concept)."""
        if self._dense and self.size:
            self.total, self.covered, self.graded = (
                a.take(self.idx) if a.size else a for a in (self.total, self.covered, self.graded))
            self.own_all = self.own_all.take(self.idx) if self.own_all.size else self.own_all


def _median_positive(scores: np.ndarray) -> float:
    """The median of a concept's scores on the pages that hold it, over the whole index (filters and
    the other words of the query do not move it); 1.0 when no page holds it."""
    above = scores > 0
    m = int(np.count_nonzero(above))
    if not m:
        return 1.0
    # np.median's value of the positive scores, without its import of numpy.ma (~20 ms a CLI search), by the
    # cheapest exact way for the share of pages holding the concept: most of them, a selection among all the
    # scores (the zeros, as the scores are never negative, sort below the positives: the middle positive is at
    # rank size - m + m // 2); a fair share, numpy's vectorised sort of all the scores (the positives are the
    # last m; copying them out through a random mask alone costs more); few, a selection among a copy of them
    mid = scores.size - m + m // 2
    ordered = False
    if 2 * m > scores.size:
        values = np.partition(scores, mid)
    elif SORT_SHARE * m > scores.size:
        values, ordered = np.sort(scores), True
    else:
        values, mid = np.partition(np.compress(above, scores), m // 2), m // 2
    if m % 2:
        return float(values[mid])
    # the value below the middle one: the largest left of it (a selection of two ranks costs ~8x that of one)
    below = values[mid - 1] if ordered else values[:mid].max()
    return float((np.float64(below) + np.float64(values[mid])) / 2)


def _lift(scores: np.ndarray, top: np.ndarray, below: np.ndarray) -> np.ndarray:
    """Scores with every ``top`` page above every ``below`` page, also after the bounded re-rank factors."""
    if not top.any() or not below.any():
        return scores
    return np.where(top, scores + FULL_TIER * float(np.max(scores, where=below, initial=-np.inf)) + 1.0, scores)


def _proximity(fast: Scorer, concepts: list[Concept], idx: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """float64 multiplier per page of ``idx`` (``scores`` aligned with it): 1 + PROXIMITY_WEIGHT x the
    share of neighbouring concept pairs (in query order) that stand within PROXIMITY_WINDOW words of
    each other on the page (best pages only)."""
    factor = scratch("proximity.factor", idx.size, np.float64)  # (valid until the next search of the thread)
    keyed = [c for c in concepts if c.lemmas]
    if len(keyed) < 2:
        factor.fill(1.0)
        return factor
    if idx.size > PROXIMITY_DEPTH:  # (factor's memory holds -scores meanwhile)
        pick = np.argpartition(np.negative(scores, out=factor), PROXIMITY_DEPTH - 1)[:PROXIMITY_DEPTH]
    else:
        pick = np.arange(idx.size)
    factor.fill(1.0)
    pick.sort()  # the candidates in ascending record numbers
    cand = idx[pick]
    pairs = fast.near_pairs("lemma", [c.lemmas for c in keyed], cand, PROXIMITY_WINDOW)
    near = np.zeros(cand.size, dtype=np.float64)  # pairs found on each candidate: others have none
    for docs in pairs:
        near[np.searchsorted(cand, docs)] += 1.0
    factor[pick] += PROXIMITY_WEIGHT * near / max(1, len(pairs))
    return factor
