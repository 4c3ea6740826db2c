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

import numpy as np

from scsearch.index import qtree as Q
from scsearch.index.evaluate import Scorer

COORD_POWER = 2.0  # how strongly the share of (rare) concepts covered decides
IDF_POWER = 1.0  # a concept's share of the coverage grows with idf ** IDF_POWER: the rare words decide
NUMBER_WEIGHT = 2.0  # numbers in the query are strong evidence
FULL_TIER = 4.0  # pages with every concept: + FULL_TIER x the best other score + 1
PROXIMITY_WEIGHT = 0.5  # x (1 + this x share of neighbouring query concepts found within PROXIMITY_WINDOW)
PROXIMITY_WINDOW = 4
PROXIMITY_DEPTH = 400  # proximity is computed for this many of the best pages only

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
    cost, not what the index holds."""
    n = fast.n
    idx = np.flatnonzero(mask)
    out = np.zeros(n, dtype=np.float32)
    if not idx.size:
        return out
    k = idx.size
    in_full = full[idx]
    partial_pages = not in_full.all()  # pages without every concept are graded (usually there are none)
    total = np.zeros(k, dtype=np.float64)
    covered = np.zeros(k, dtype=np.float64)
    graded = np.zeros(k if partial_pages else 0, dtype=np.float64)  # each concept's BM25 saturated
    best = np.empty(k, dtype=np.float64)  # scratch arrays, reused for every concept (no allocation per step)
    held = np.empty(k, dtype=np.float64)
    tmp = np.empty(k, dtype=np.float64)
    weight_sum = 0.0
    own_all = np.ones(k, dtype=bool)  # pages holding every concept through its own words (not only related ones)
    alive = max(1, int(np.count_nonzero(fast.alive)))
    for c in concepts:
        own_mask, every = fast.evaluate(c.own)  # every: the concept's best score on each page of the index
        rel_m = None
        if c.related is not None:
            rel_mask, rel_scores = fast.evaluate(c.related)
            rel_m = rel_mask[idx]
            anywhere = own_mask | rel_mask
            every = np.maximum(every, rel_scores)
        else:
            anywhere = own_mask
        df = int(np.count_nonzero(anywhere))
        own_m = own_mask[idx]
        best[:] = every[idx]
        own_all &= own_m
        idf = math.log(1.0 + (alive - df + 0.5) / (df + 0.5)) ** IDF_POWER
        weight = NUMBER_WEIGHT if c.numeric else 1.0
        np.multiply(best, weight, out=tmp)
        total += tmp
        held[:] = own_m  # 1 where the concept's own words are, else the credit of a related word, else 0
        if rel_m is not None and c.related_credit:
            np.copyto(held, c.related_credit, where=rel_m & ~own_m)
        share = held
        share *= weight * idf
        covered += share
        weight_sum += weight * idf
        if not partial_pages:
            continue
        half = fast.statistic(("median", c.own, c.related), partial(_median_positive, every))
        np.add(best, half, out=tmp)  # share x (0.5 + 0.5 x best / (best + half)), in that order
        np.divide(np.multiply(best, 0.5, out=best), tmp, out=tmp)
        tmp += 0.5
        tmp *= share
        graded += tmp
    coverage = covered / weight_sum if weight_sum > 0 else np.ones(k)
    # pages with every concept: BM25F x coverage (< 1 when a concept is there only as a related word);
    # the others: by the (rarity-weighted) concepts they hold, BM25F only grading each concept
    scores = total * coverage**COORD_POWER
    if partial_pages:
        scores = np.where(in_full, scores, graded / max(weight_sum, 1e-9))
    scores *= _proximity(fast, concepts, idx, scores)
    scores = _lift(scores, in_full, ~in_full)
    scores = _lift(scores, in_full & own_all, in_full & ~own_all)
    out[idx] = scores
    return out


def _median_positive(scores: np.ndarray) -> float:
    """The median of a concept's scores on the pages that hold it, over the whole index (filters and
    the other words of the query do not move it); 1.0 when no page holds it."""
    positive = scores[scores > 0].astype(np.float64)
    m = positive.size
    if not m:
        return 1.0
    mid = m // 2  # np.median's value, without its import of numpy.ma (~20 ms a CLI search)
    if m % 2:
        return float(np.partition(positive, mid)[mid])
    part = np.partition(positive, [mid - 1, mid])
    return float((part[mid - 1] + part[mid]) / 2)


def _lift(scores: np.ndarray, top: np.ndarray, below: np.ndarray) -> np.ndarray:
    """Scores with every ``top`` page above every ``below`` page, also after the bounded re-rank factors."""
    if not top.any() or not below.any():
        return scores
    return np.where(top, scores + FULL_TIER * float(np.max(scores, where=below, initial=-np.inf)) + 1.0, scores)


def _proximity(fast: Scorer, concepts: list[Concept], idx: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """float64 multiplier per page of ``idx`` (``scores`` aligned with it): 1 + PROXIMITY_WEIGHT x the
    share of neighbouring concept pairs (in query order) that stand within PROXIMITY_WINDOW words of
    each other on the page (best pages only)."""
    factor = np.ones(idx.size, dtype=np.float64)
    keyed = [c for c in concepts if c.lemmas]
    if len(keyed) < 2:
        return factor
    pick = np.arange(idx.size)
    if pick.size > PROXIMITY_DEPTH:
        pick = np.argpartition(-scores, PROXIMITY_DEPTH - 1)[:PROXIMITY_DEPTH]
    pick.sort()  # the candidates in ascending record numbers
    cand = idx[pick]
    near = np.zeros(idx.size, dtype=np.float64)
    pairs = fast.near_pairs("lemma", [c.lemmas for c in keyed], cand, PROXIMITY_WINDOW)
    for docs in pairs:
        near[np.searchsorted(idx, docs)] += 1.0
    factor += PROXIMITY_WEIGHT * near / max(1, len(pairs))
    return factor
