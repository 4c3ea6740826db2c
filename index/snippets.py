"""Snippets: the best passage of a unit with the matched words highlighted.

The stored ``lemma`` field holds one folded lemma per token of the stored text, so
re-tokenising the text tells which surface words matched a query lemma. Output is
HTML: everything escaped, matches wrapped in ``<mark>``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from html import escape

from scsearch.index.snippet_scan import Scan, scan
from scsearch.language.stemmer import stem
from scsearch.language.tokenize import fold, normalize_token, tokenize

WINDOW_TOKENS = 45
MAX_CHARS = 420
_folded = lru_cache(maxsize=65_536)(fold)  # words repeat across hits: each distinct one is folded once
_normalized = lru_cache(maxsize=65_536)(normalize_token)
_stem = lru_cache(maxsize=65_536)(stem)
_ESCAPED = re.compile("[&<>\"']")  # what ``html.escape`` replaces
MAX_SCAN_CHARS = 60_000  # text read per hit for its snippet (a unit is ~3,000 words at most)


def _head(text: str, max_scan: int | None) -> str:
    """The first ``max_scan`` characters of ``text`` cut at a space (all of it: None, or a shorter text)."""
    if max_scan is None or len(text) <= max_scan:
        return text
    cut = text.rfind(" ", 0, max_scan)
    return text[: cut if cut > 0 else max_scan]


def matched_positions(
    text: str,
    lemma_field: str,
    lemmas: Collection[str],
    forms: Collection[str],
    prefixes: Collection[str] = (),
    stems: Collection[str] = (),
    max_scan: int | None = None,
) -> tuple[list[tuple[int, int, str]], list[int]]:
    """Tokens of ``text`` (of its first ``max_scan`` characters, cut at a space, when given) and the
    indexes of those that match the query: one pass, each token checked at most once."""
    text = _head(text, max_scan)
    toks = tokenize(text)
    lem = lemma_field.split(" ", len(toks))[: len(toks)] if lemma_field else []
    if len(lem) != len(toks):  # should not happen; fall back to surface matching
        lem = [fold(t) for _, _, t in toks]
    hits = []
    starts = tuple(prefixes)
    for i, (_, _, tok) in enumerate(toks):
        lemma = lem[i]
        if lemma in lemmas or (forms and _normalized(tok) in forms):
            hits.append(i)
            continue
        folded = _folded(tok)
        if (
            folded in lemmas
            or (stems and _stem(tok) in stems)
            or (starts and (lemma.startswith(starts) or folded.startswith(starts)))
        ):
            hits.append(i)
    return toks, hits


def find_matches(
    text: str,
    lemma_field: str,
    lemmas: Collection[str],
    forms: Collection[str],
    prefixes: Collection[str] = (),
    stems: Collection[str] = (),
    max_scan: int | None = None,
) -> Scan:
    """``matched_positions``' answer as a ``Scan``: by chunks (``snippet_scan``) where the stored lemmas
    are one per token, else from the whole text tokenised (each token its own chunk)."""
    text = _head(text, max_scan)
    fast = scan(text, lemma_field, lemmas, forms, prefixes, stems)
    if fast is not None:
        return fast
    toks, hits = matched_positions(text, lemma_field, lemmas, forms, prefixes, stems)
    lem = lemma_field.split(" ", len(toks))[: len(toks)] if lemma_field else []
    keys = [lem[h] for h in hits] if len(lem) == len(toks) else [fold(toks[h][2]) for h in hits]
    return Scan.of_tokens(toks, hits, keys)


def best_window(hits: list[int], keys: list[str], width: int = WINDOW_TOKENS) -> int:
    """The first token of the window of ``width`` tokens with the most distinct matched words, then
    the most matches, then the earliest: two pointers over the sorted hits, linear in their number.

    >>> best_window([0, 5, 100, 101, 102], ["a", "a", "a", "b", "c"])
    100
    """
    if not hits or hits[-1] - hits[0] < width:  # one window holds them all: the earliest such is the best
        return hits[0] if hits else 0
    n = len(hits)
    best_distinct = best_count = best_start = 0
    counts: dict[str, int] = {}
    end = 0
    for i, start in enumerate(hits):
        limit = start + width
        while end < n and hits[end] < limit:
            key = keys[end]
            counts[key] = counts.get(key, 0) + 1
            end += 1
        distinct = len(counts)
        # a later start never wins a tie (the hits ascend): only more words, or as many and more matches
        if distinct > best_distinct or (distinct == best_distinct and end - i > best_count):
            best_distinct, best_count, best_start = distinct, end - i, start
        key = keys[i]
        left = counts[key] - 1
        if left:
            counts[key] = left
        else:
            del counts[key]
    return best_start


def make_snippet(
    text: str,
    lemma_field: str,
    lemmas: Collection[str],
    forms: Collection[str] = (),
    prefixes: Collection[str] = (),
    stems: Collection[str] = (),
    max_chars: int = MAX_CHARS,
) -> str:
    """The best passage of ``text`` as HTML; only the first ``MAX_SCAN_CHARS`` characters are read."""
    found = find_matches(text, lemma_field, lemmas, forms, prefixes, stems, max_scan=MAX_SCAN_CHARS)
    if not found.n:
        return escape(text[:max_chars])
    first = max(0, best_window(found.hits, found.keys) - 8) if found.hits else 0
    start_char = 0
    if first > 0:  # begin at a sentence start when one is near
        start_char = found.span(first)[0]
        back = text.rfind(". ", max(0, start_char - 120), start_char)
        if back != -1:
            start_char = back + 2
    end_char = min(len(text), start_char + max_chars)
    # end at a sentence end when one is near the limit
    dot = text.rfind(". ", start_char + max_chars // 2, end_char)
    if dot != -1:
        end_char = dot + 1
    else:
        space = text.rfind(" ", start_char, end_char)
        if end_char < len(text) and space > start_char:
            end_char = space
    html = _marked(text, start_char, end_char, found.spans_between(start_char, end_char, first))
    # whitespace runs as one space, none at the ends (the only printable whitespace is the space)
    html = html.strip(" ") if html.isprintable() and "  " not in html else " ".join(html.split())
    if start_char > 0:
        html = "… " + html
    if end_char < len(text):
        html += " …"
    return html


def _marked(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """``text[start:end]`` escaped, the spans in ``<mark>``: a passage with nothing to escape is cut as
    it is, else each piece is escaped."""
    out: list[str] = []
    pos = start
    plain = _ESCAPED.search(text, start, end) is None
    for s, e in spans:
        out += (text[pos:s], "<mark>", text[s:e], "</mark>") if plain else (
            escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>")
        pos = e
    out.append(text[pos:end] if plain else escape(text[pos:end]))
    return "".join(out)


def highlight_all(
    text: str,
    lemma_field: str,
    lemmas: Collection[str],
    forms: Collection[str] = (),
    prefixes: Collection[str] = (),
    stems: Collection[str] = (),
) -> tuple[str, int]:
    """The whole text escaped, every match marked with an anchor id ``hit-N``."""
    found = find_matches(text, lemma_field, lemmas, forms, prefixes, stems)
    out: list[str] = []
    pos = 0
    for n, h in enumerate(found.hits):
        s, e = found.span(h)
        out.append(escape(text[pos:s]))
        out.append(f'<mark id="hit-{n + 1}">' + escape(text[s:e]) + "</mark>")
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out), len(found.hits)
