"""Where a query's words stand in a text, for its snippet, without a Python step per token.

The tokenizer's tokens never hold whitespace and no branch of its pattern looks past one, so the
tokens of a text are those of its whitespace-separated chunks, one chunk after another (the same
tokens, the same order). Words repeat from page to page, so each distinct chunk is tokenised once per
process (``_CHUNKS``) and tested against a query's words once per query (``_Surface``); a page is then
``str.split`` plus C-level maps over its chunks and its stored lemmas. Character offsets are only
worked out for the few tokens a snippet shows, from the lengths of the chunks.

``scan`` answers None where this does not apply (the stored lemmas not one per token): the caller
then tokenises the whole text as before (``snippets.matched_positions``).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Collection
from functools import lru_cache
from itertools import compress, count

from scsearch.language.stemmer import stem
from scsearch.language.tokenize import fold, normalize_token, tokenize

CHUNK_CACHE = 200_000  # distinct chunks kept tokenised (cleared when full)
QUERY_CACHE = 32  # queries whose per-chunk answers are kept
_NONSPACE = re.compile(r"\S+")  # the chunks with their offsets, where the text has runs of whitespace
_folded = lru_cache(maxsize=65_536)(fold)
_normalized = lru_cache(maxsize=65_536)(normalize_token)
_stem = lru_cache(maxsize=65_536)(stem)

Span = tuple[int, int, str]


class _Chunks(dict[str, tuple[Span, ...]]):  # (shared by every query)
    """chunk -> its tokens (offsets within the chunk), tokenised on first sight."""

    def __missing__(self, chunk: str) -> tuple[Span, ...]:
        if len(self) >= CHUNK_CACHE:
            self.clear()
        toks = self[chunk] = tuple(tokenize(chunk))
        return toks


_CHUNKS = _Chunks()


class _Multi:
    """A chunk that is not one token (a date with dots, a lone dash…): its tokens less one and the
    indexes of those that match. Always true, so that ``scan`` looks at it."""

    __slots__ = ("extra", "matched")

    def __init__(self, extra: int, matched: tuple[int, ...]) -> None:
        self.extra, self.matched = extra, matched


_NO, _YES = (), (0,)  # a chunk that is one token: it does not match, it does


class _ByLemma(dict[str, bool]):
    """stored lemma -> it is a query lemma or starts with a query prefix (a query with prefixes)."""

    def __init__(self, lemmas: frozenset[str], prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.lemmas, self.prefixes = lemmas, prefixes

    def __missing__(self, lemma: str) -> bool:
        if len(self) >= CHUNK_CACHE:
            self.clear()
        found = self[lemma] = lemma in self.lemmas or lemma.startswith(self.prefixes)
        return found


class _Surface(dict[str, "tuple[int, ...] | _Multi"]):
    """chunk -> for a chunk that is one token (almost all), whether it matches one query (``_NO``,
    ``_YES``), else a ``_Multi``. A token matches by its surface when its lowercase form is a query
    form, its folded form a query lemma, its stem a query stem or its folded form starts with a query
    prefix (``snippets.matched_positions``' tests of the token text; ``scan`` tests the stored lemma)."""

    def __init__(self, lemmas: frozenset[str], forms: frozenset[str], prefixes: frozenset[str],
                 stems: frozenset[str]) -> None:
        super().__init__()
        self.lemmas, self.forms, self.prefixes, self.stems = lemmas, forms, tuple(prefixes), stems
        self.by_lemma = _ByLemma(lemmas, self.prefixes)

    def __missing__(self, chunk: str) -> tuple[int, ...] | _Multi:
        if len(self) >= CHUNK_CACHE:
            self.clear()
        tokens = _CHUNKS[chunk]
        matched = tuple(j for j, (_, _, tok) in enumerate(tokens) if self._matches(tok))
        found = self[chunk] = (_YES if matched else _NO) if len(tokens) == 1 else _Multi(len(tokens) - 1, matched)
        return found

    def _matches(self, tok: str) -> bool:
        if self.forms and _normalized(tok) in self.forms:
            return True
        folded = _folded(tok)
        return (folded in self.lemmas or bool(self.stems and _stem(tok) in self.stems)
                or bool(self.prefixes and folded.startswith(self.prefixes)))


_queries: OrderedDict[tuple[frozenset[str], ...], _Surface] = OrderedDict()
_queries_lock = threading.Lock()
_last: list[tuple[tuple[frozenset[str], ...] | None, _Surface | None]] = [(None, None)]  # the query asked last


def _surface(lemmas: Collection[str], forms: Collection[str], prefixes: Collection[str],
             stems: Collection[str]) -> _Surface:
    """The per-chunk answers of one query (kept for the last ``QUERY_CACHE`` queries)."""
    key = (frozenset(lemmas), frozenset(forms), frozenset(prefixes), frozenset(stems))
    last_key, last = _last[0]  # (one tuple: read whole, whatever other threads do)
    if last is not None and last_key == key:  # the hits of a page: the same query one after another
        return last
    with _queries_lock:
        found = _queries.get(key)
        if found is None:
            found = _queries[key] = _Surface(*key)
            while len(_queries) > QUERY_CACHE:
                _queries.popitem(last=False)
        else:
            _queries.move_to_end(key)
        _last[0] = (key, found)
        return found


class Scan:
    """The tokens of a text by chunk and the query's matches among them (token indexes, ascending).

    Almost every chunk is one token; chunk ``k`` then holds token ``k + shift``, ``shift`` summing
    (tokens - 1) over the chunks before it that are not one token (``multi``: only these are listed)."""

    __slots__ = ("chunks", "multi", "multi_first", "multi_count", "multi_shift", "n", "hits", "keys",
                 "_spans", "_spaced", "_anchor")

    def __init__(self, chunks: list[str], spaced: list[int] | None) -> None:
        self.chunks = chunks
        self.multi: list[int] = []  # the chunks that are not one token, ascending
        self.multi_first: list[int] = []  # the index of the first token of each (of the next one: none)
        self.multi_count: list[int] = []  # their number of tokens
        self.multi_shift: list[int] = []  # the shift after each
        self.n = len(chunks)  # tokens in all
        self.hits: list[int] = []
        self.keys: list[str] = []  # the stored lemma of each hit
        self._spans: list[Span] | None = None  # every token's, when the text was tokenised whole
        self._spaced = spaced  # every chunk's offset where whitespace runs part them (else from lengths)
        self._anchor = (0, 0)  # (chunk, its offset): the last one worked out

    @classmethod
    def of_tokens(cls, toks: list[Span], hits: list[int], keys: list[str]) -> Scan:
        """The scan of a text tokenised whole."""
        found = cls([], None)
        found.n, found.hits, found.keys, found._spans = len(toks), hits, keys, toks
        return found

    def span(self, i: int) -> tuple[int, int]:
        """Start and end (characters of the text) of token ``i``."""
        if self._spans is not None:
            return self._spans[i][0], self._spans[i][1]
        k, j = i, 0
        if self.multi:
            m = bisect_right(self.multi_first, i) - 1
            if m >= 0 and i < self.multi_first[m] + self.multi_count[m]:
                k, j = self.multi[m], i - self.multi_first[m]
            elif m >= 0:
                k = i - self.multi_shift[m]
        s, e, _ = _CHUNKS[self.chunks[k]][j]
        at = self._offset(k)
        return at + s, at + e

    def _offset(self, k: int) -> int:
        if self._spaced is not None:
            return self._spaced[k]
        k0, at = self._anchor  # one space between chunks: the lengths of the chunks in between
        if k >= k0:
            at += sum(map(len, self.chunks[k0:k])) + k - k0
        else:
            at -= sum(map(len, self.chunks[k:k0])) + k0 - k
        self._anchor = (k, at)
        return at

    def spans_between(self, start: int, end: int, near: int) -> list[tuple[int, int]]:
        """The spans of the hits that lie within ``text[start:end]`` (a run of the sorted hits); ``near``:
        a token index close to ``start``."""
        hits = self.hits
        lo = bisect_left(hits, near)
        while lo > 0 and self.span(hits[lo - 1])[0] >= start:
            lo -= 1
        out = []
        for h in hits[lo:]:
            s, e = self.span(h)
            if e > end:
                break
            if s >= start:
                out.append((s, e))
        return out


def scan(text: str, lemma_field: str, lemmas: Collection[str], forms: Collection[str],
         prefixes: Collection[str] = (), stems: Collection[str] = ()) -> Scan | None:
    """The matches of a query in ``text`` (``snippets.matched_positions``' answer), or None where the
    stored lemmas are not one per token."""
    chunks = text.split()
    found = Scan(chunks, _offsets(text, chunks))
    surface = _surface(lemmas, forms, prefixes, stems)
    marks = list(map(surface.__getitem__, chunks))
    hits: list[int] = []
    shift = 0
    for k in compress(count(), marks):  # the chunks that match, and the few that are not one token
        mark = marks[k]
        if isinstance(mark, _Multi):
            hits.extend([k + shift + j for j in mark.matched])
            found.multi.append(k)
            found.multi_first.append(k + shift)
            found.multi_count.append(mark.extra + 1)
            shift += mark.extra
            found.multi_shift.append(shift)
        else:
            hits.append(k + shift)
    n = found.n = len(chunks) + shift
    lem = lemma_field.split(" ", n) if lemma_field else []
    if len(lem) < n:
        return None
    del lem[n:]  # (lemmas past the tokens are not read, as before)
    if surface.prefixes:
        hits.extend(compress(count(), map(surface.by_lemma.__getitem__, lem)))
    else:
        hits.extend(compress(count(), map(surface.lemmas.__contains__, lem)))
    found.hits = sorted(set(hits))
    found.keys = [lem[h] for h in found.hits]
    return found


def _offsets(text: str, chunks: list[str]) -> list[int] | None:
    """Every chunk's offset where whitespace runs part them; None where single whitespace characters do
    (the stored text of a page: the offsets follow from the lengths)."""
    if not chunks or (not text[0].isspace() and len(text) - len("".join(chunks)) == len(chunks) - 1):
        return None
    return [m.start() for m in _NONSPACE.finditer(text)]
