"""The positional bonuses of the top hits, from the positions the index already holds.

Words of the query standing together (within ``PROXIMITY_SLOP`` extra words, in order, over the
``lemma`` field) multiply a hit's score by 1 + ``PROXIMITY_BONUS``; the exact wording typed (the
words one after another in the ``form`` field) by 1 + ``EXACT_BONUS`` more. Both tests read the
generation's token streams of the few re-ranked records (``index.tokens``), never their text.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from scsearch.index.evaluate import Scorer

PROXIMITY_BONUS = 0.3  # score x 1.3 when the words stand together (within 2 words, in order)
EXACT_BONUS = 0.15  # and x 1.15 more when the exact wording typed is on the page
PROXIMITY_SLOP = 2


def positional_factors(
    fast: Scorer, docnums: Sequence[int], proximity: Sequence[AbstractSet[str]], phrases: Sequence[Sequence[str]]
) -> list[float]:
    """A score factor per docnum (callers hold the generation's I/O lock: postings are read)."""
    factors = [1.0] * len(docnums)
    if not docnums:
        return factors
    if len(proximity) > 1:
        near = fast.in_order("lemma", [sorted(s) for s in proximity], docnums, PROXIMITY_SLOP)
        factors = [f + PROXIMITY_BONUS if d in near else f for f, d in zip(factors, docnums, strict=True)]
    exact: set[int] = set()
    for phrase in phrases:
        if len(phrase) > 1:
            exact |= fast.in_order("form", [[w] for w in phrase], docnums, 0)
        elif phrase:
            exact |= fast.in_order("form", [[phrase[0]]], docnums, 0)
    if exact:
        factors = [f + EXACT_BONUS if d in exact else f for f, d in zip(factors, docnums, strict=True)]
    return factors
