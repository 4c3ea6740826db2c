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
    """float32[n] scores of the pages in ``mask`` (``full``: the pages with every concept)."""
    n = fast.n
    total = np.zeros(n, dtype=np.float64)
    covered = np.zeros(n, dtype=np.float64)
    graded = np.zeros(n, dtype=np.float64)  # coverage with each concept's BM25 saturated (pages without all)
    weight_sum = 0.0
    own_all = mask.copy()  # pages holding every concept through its own words (not only related ones)
    alive = max(1, int(np.count_nonzero(fast.alive)))
    for c in concepts:
        own_mask, own_scores = fast.evaluate(c.own)
        if c.related is not None:
            rel_mask, rel_scores = fast.evaluate(c.related)
        else:
            rel_mask, rel_scores = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.float32)
        own_all &= own_mask
        df = int(np.count_nonzero(own_mask | rel_mask))
        idf = math.log(1.0 + (alive - df + 0.5) / (df + 0.5)) ** IDF_POWER
        weight = NUMBER_WEIGHT if c.numeric else 1.0
        best = np.maximum(own_scores.astype(np.float64), rel_scores)
        total += weight * best
        share = weight * idf * np.where(own_mask, 1.0, np.where(rel_mask, c.related_credit, 0.0))
        covered += share
        positive = best[best > 0]
        half = float(np.median(positive)) if positive.size else 1.0
        graded += share * (0.5 + 0.5 * best / (best + half))
        weight_sum += weight * idf
    coverage = covered / weight_sum if weight_sum > 0 else np.ones(n)
    full = full & mask
    # pages with every concept: BM25F x coverage (< 1 when a concept is there only as a related word);
    # the others: by the (rarity-weighted) concepts they hold, BM25F only grading each concept
    scores = np.where(full, total * coverage**COORD_POWER, graded / max(weight_sum, 1e-9))
    scores = np.where(mask, scores, 0.0)
    scores *= _proximity(fast, concepts, mask, scores)
    scores = _lift(scores, full, mask & ~full)
    scores = _lift(scores, full & own_all, full & ~own_all)
    return scores.astype(np.float32)


def _lift(scores: np.ndarray, top: np.ndarray, below: np.ndarray) -> np.ndarray:
    """Scores with every ``top`` page above every ``below`` page, also after the bounded re-rank factors."""
    if not top.any() or not below.any():
        return scores
    return np.where(top, scores + FULL_TIER * float(scores[below].max()) + 1.0, scores)


def _proximity(fast: Scorer, concepts: list[Concept], mask: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """float64[n] multiplier: 1 + PROXIMITY_WEIGHT x the share of neighbouring concept pairs (in query
    order) that stand within PROXIMITY_WINDOW words of each other on the page (best pages only)."""
    factor = np.ones(fast.n, dtype=np.float64)
    keyed = [c for c in concepts if c.lemmas]
    if len(keyed) < 2:
        return factor
    cand = np.flatnonzero(mask)
    if cand.size > PROXIMITY_DEPTH:
        cand = cand[np.argpartition(-scores[cand], PROXIMITY_DEPTH - 1)[:PROXIMITY_DEPTH]]
    if not cand.size:
        return factor
    near = np.zeros(fast.n, dtype=np.float64)
    pairs = fast.near_pairs("lemma", [c.lemmas for c in keyed], cand, PROXIMITY_WINDOW)
    for docs in pairs:
        near[docs] += 1.0
    factor += PROXIMITY_WEIGHT * near / max(1, len(pairs))
    return factor
