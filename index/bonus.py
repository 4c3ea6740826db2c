"""The positional bonuses of the top hits, from the positions the index already holds.

Words of the query standing together (within ``PROXIMITY_SLOP`` extra words, in order, over the
``lemma`` field) multiply a hit's score by 1 + ``PROXIMITY_BONUS``; the exact wording typed (the
words one after another in the ``form`` field) by 1 + ``EXACT_BONUS`` more. Only the postings
blocks of the few re-ranked records are read (a matcher skips to each), never their text.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from scsearch.index.fastscore import FastScorer

PROXIMITY_BONUS = 0.3  # score x 1.3 when the words stand together (within 2 words, in order)
EXACT_BONUS = 0.15  # and x 1.15 more when the exact wording typed is on the page
PROXIMITY_SLOP = 2


def positional_factors(
    fast: FastScorer, docnums: Sequence[int], proximity: Sequence[AbstractSet[str]], phrases: Sequence[Sequence[str]]
) -> list[float]:
    """A score factor per docnum (callers hold the generation's I/O lock: postings are read)."""
    factors = [1.0] * len(docnums)
    if not docnums:
        return factors
    if len(proximity) > 1:
        near = _in_order(fast, "lemma", [sorted(s) for s in proximity], docnums, PROXIMITY_SLOP)
        factors = [f + PROXIMITY_BONUS if d in near else f for f, d in zip(factors, docnums, strict=True)]
    exact: set[int] = set()
    for phrase in phrases:
        if len(phrase) > 1:
            exact |= _in_order(fast, "form", [[w] for w in phrase], docnums, 0)
        elif phrase:
            exact |= set(fast.doc_positions("form", phrase[0], docnums))
    if exact:
        factors = [f + EXACT_BONUS if d in exact else f for f, d in zip(factors, docnums, strict=True)]
    return factors


def _in_order(fast: FastScorer, field: str, slots: Sequence[Sequence[str]], docnums: Sequence[int], slop: int
              ) -> set[int]:
    """The docnums where a word of slots[0] is followed by one of slots[1] … each 1..slop+1 positions later."""
    reach: dict[int, set[int]] | None = None
    for slot in slots:
        here: dict[int, set[int]] = {}
        candidates = list(docnums) if reach is None else sorted(reach)
        for word in slot:
            for doc, found in fast.doc_positions(field, word, candidates).items():
                here.setdefault(doc, set()).update(found)
        if reach is not None:
            nxt: dict[int, set[int]] = {}
            for doc, poss in here.items():
                prev = reach.get(doc, set())
                kept = {p for p in poss if any(p - g in prev for g in range(1, slop + 2))}
                if kept:
                    nxt[doc] = kept
            here = nxt
        reach = here
        if not reach:
            return set()
    return set(reach or ())
