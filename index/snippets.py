"""Snippets: the best passage of a unit with the matched words highlighted.

The stored ``lemma`` field holds one folded lemma per token of the stored text, so
re-tokenising the text tells which surface words matched a query lemma. Output is
HTML: everything escaped, matches wrapped in ``<mark>``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from html import escape

from scsearch.language.stemmer import stem
from scsearch.language.tokenize import fold, normalize_token, tokenize

WINDOW_TOKENS = 45
MAX_CHARS = 420


def matched_positions(
    text: str,
    lemma_field: str,
    lemmas: Collection[str],
    forms: Collection[str],
    prefixes: Collection[str] = (),
    stems: Collection[str] = (),
) -> tuple[list[tuple[int, int, str]], list[int]]:
    toks = tokenize(text)
    lem = lemma_field.split(" ") if lemma_field else []
    if len(lem) != len(toks):  # should not happen; fall back to surface matching
        lem = [fold(t) for _, _, t in toks]
    hits = []
    for i, (_, _, tok) in enumerate(toks):
        lemma = lem[i]
        if (
            lemma in lemmas
            or normalize_token(tok) in forms
            or fold(tok) in lemmas
            or (stems and stem(tok) in stems)
            or any(lemma.startswith(p) or fold(tok).startswith(p) for p in prefixes)
        ):
            hits.append(i)
    return toks, hits


def make_snippet(
    text: str,
    lemma_field: str,
    lemmas: Collection[str],
    forms: Collection[str] = (),
    prefixes: Collection[str] = (),
    stems: Collection[str] = (),
    max_chars: int = MAX_CHARS,
) -> str:
    toks, hits = matched_positions(text, lemma_field, lemmas, forms, prefixes, stems)
    if not toks:
        return escape(text[:max_chars])
    lem = lemma_field.split(" ") if lemma_field and len(lemma_field.split(" ")) == len(toks) else None
    if hits:
        # the window with the most distinct matched lemmas, then the most matches
        best = (0, 0, hits[0])
        for i, start in enumerate(hits):
            window = [h for h in hits[i:] if h - start < WINDOW_TOKENS]
            distinct = len({(lem[h] if lem else fold(toks[h][2])) for h in window})
            cand = (distinct, len(window), -start)
            if cand > (best[0], best[1], -best[2]):
                best = (distinct, len(window), start)
        first = max(0, best[2] - 8)
    else:
        first = 0
    start_char = toks[first][0]
    # begin at a sentence start when one is near
    back = text.rfind(". ", max(0, start_char - 120), start_char)
    if back != -1 and first > 0:
        start_char = back + 2
    elif first == 0:
        start_char = 0
    end_char = min(len(text), start_char + max_chars)
    # end at a sentence end when one is near the limit
    dot = text.rfind(". ", start_char + max_chars // 2, end_char)
    if dot != -1:
        end_char = dot + 1
    else:
        space = text.rfind(" ", start_char, end_char)
        if end_char < len(text) and space > start_char:
            end_char = space
    hit_spans = [(toks[h][0], toks[h][1]) for h in hits if toks[h][0] >= start_char and toks[h][1] <= end_char]
    out: list[str] = []
    pos = start_char
    for s, e in hit_spans:
        out.append(escape(text[pos:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        pos = e
    out.append(escape(text[pos:end_char]))
    html = "".join(out)
    html = re.sub(r"\s+", " ", html).strip()
    if start_char > 0:
        html = "… " + html
    if end_char < len(text):
        html += " …"
    return html


def highlight_all(
    text: str,
    lemma_field: str,
    lemmas: Collection[str],
    forms: Collection[str] = (),
    prefixes: Collection[str] = (),
    stems: Collection[str] = (),
) -> tuple[str, int]:
    """The whole text escaped, every match marked with an anchor id ``hit-N``."""
    toks, hits = matched_positions(text, lemma_field, lemmas, forms, prefixes, stems)
    out: list[str] = []
    pos = 0
    for n, h in enumerate(hits):
        s, e, _ = toks[h]
        out.append(escape(text[pos:s]))
        out.append(f'<mark id="hit-{n + 1}">' + escape(text[s:e]) + "</mark>")
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out), len(hits)
