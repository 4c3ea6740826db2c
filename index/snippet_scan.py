"""Where a query's words stand in a text, for its snippet, without a Python step per token.

The tokenizer's tokens never hold whitespace and no branch of its pattern looks past one, so the
tokens of a text are those of its whitespace-separated chunks, one chunk after another (the same
tokens, the same order). Words repeat from page to page: each distinct chunk is tokenised once per
process and indexed by the lowercase form, the folded form and the stem of its tokens (``_Shapes``).
A query's surface matches are then the chunks under its forms, lemmas and stems in those indexes (a
few lookups per query, not a test per chunk), and a page is ``str.split`` plus C-level maps over its
chunks and its stored lemmas. Character offsets are only worked out for the few tokens a snippet shows,
from the lengths of the chunks.

``scan`` answers None where this does not apply (the stored lemmas not one per token, a text of more
chunks than the caches keep): the caller then tokenises the whole text as before
(``snippets.matched_positions``).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Collection
from functools import lru_cache
from itertools import compress, count
from operator import or_

from scsearch.language.stemmer import stem
from scsearch.language.tokenize import fold, normalize_token, tokenize

CHUNK_CACHE = 30_000  # distinct chunks kept tokenised and indexed (~0.3 KB each); all dropped when full
PREFIX_CACHE = 8  # prefix queries whose per-chunk answers are kept
_NONSPACE = re.compile(r"\S+")  # the chunks with their offsets, where the text has runs of whitespace
_folded = lru_cache(maxsize=65_536)(fold)
_normalized = lru_cache(maxsize=65_536)(normalize_token)
_stem = lru_cache(maxsize=65_536)(stem)

Span = tuple[int, int, str]


class _Multi:
    """A chunk that is not one token (a date with dots, a lone dash…): its tokens. Always true."""

    __slots__ = ("tokens",)

    def __init__(self, tokens: tuple[Span, ...]) -> None:
        self.tokens = tokens


class _Shapes(dict[str, "int | _Multi"]):
    """chunk -> 0 where it is one token (almost every chunk), else a ``_Multi``. A chunk seen for the
    first time is tokenised, its tokens kept where they are not the whole chunk (``_TOKENS``), and it
    is indexed under each token's lowercase form, folded form and stem (``_BY_FORM``, ``_BY_FOLD``,
    ``_BY_STEM``: key -> the chunks, a tuple)."""

    def __missing__(self, chunk: str) -> int | _Multi:
        global _version
        tokens = _chunk_tokens(chunk)
        if len(tokens) != 1 or tokens[0][2] is not chunk:
            _TOKENS[chunk] = tokens
        for _, _, tok in tokens:
            key = _normalized(tok)
            _BY_FORM[key] = (*_BY_FORM.get(key, ()), chunk)
            key = _folded(tok)
            _BY_FOLD[key] = (*_BY_FOLD.get(key, ()), chunk)
            key = _stem(tok)
            _BY_STEM[key] = (*_BY_STEM.get(key, ()), chunk)
        shape = self[chunk] = 0 if len(tokens) == 1 else _Multi(tokens)
        _version += 1
        return shape


_SHAPES = _Shapes()
_TOKENS: dict[str, tuple[Span, ...]] = {}
_BY_FORM: dict[str, tuple[str, ...]] = {}
_BY_FOLD: dict[str, tuple[str, ...]] = {}
_BY_STEM: dict[str, tuple[str, ...]] = {}
_lock = threading.Lock()  # held while a page is looked up (the indexes must hold all its chunks)
_version = 0  # chunks indexed so far: a query's matches are kept until it changes
_matching: list[tuple[tuple[frozenset[str], ...], int, frozenset[str]]] = []  # the last query's


_EDGE = ".,;:!?()[]{}<>\"'„“”‚‘’«»…–—-*"  # punctuation that a word next to it leaves out of its token


def _chunk_tokens(chunk: str) -> tuple[Span, ...]:
    """The tokens of a chunk (offsets within it): a word, a word in punctuation (``obcí,`` ``(viz``: only
    the word branch can match, as the chunk has no ``@``, ``/``, ``www.`` or inner punctuation), else
    the tokenizer's."""
    if chunk.isalnum():
        return ((0, len(chunk), chunk),)
    core = chunk.strip(_EDGE)
    if core.isalnum() and "www." not in chunk:  # ("www.“…" is a URL)
        at = len(chunk) - len(chunk.lstrip(_EDGE))
        return ((at, at + len(core), core),)
    return tuple(tokenize(chunk))


def _tokens_of(chunk: str) -> tuple[Span, ...]:
    """The tokens of a chunk, from the cache where it is kept."""
    found = _TOKENS.get(chunk)
    return _chunk_tokens(chunk) if found is None else found  # (a word, or dropped from the cache since)


def _token_matches(tok: str, lemmas: frozenset[str], forms: frozenset[str], prefixes: tuple[str, ...],
                   stems: frozenset[str]) -> bool:
    """``snippets.matched_positions``' tests of a token's text."""
    folded = _folded(tok)
    return (_normalized(tok) in forms or folded in lemmas or _stem(tok) in stems
            or bool(prefixes and folded.startswith(prefixes)))


def _matched_chunks(lemmas: frozenset[str], forms: frozenset[str], stems: frozenset[str]) -> frozenset[str]:
    """The indexed chunks with a token whose lowercase form is a query form, whose folded form is a
    query lemma or whose stem is a query stem (kept while no chunk is added)."""
    key = (lemmas, forms, stems)
    if _matching and _matching[0][0] == key and _matching[0][1] == _version:
        return _matching[0][2]
    found: set[str] = set()
    for index, words in ((_BY_FOLD, lemmas), (_BY_FORM, forms), (_BY_STEM, stems)):
        for word in words:
            found.update(index.get(word, ()))
    _matching[:] = [(key, _version, frozenset(found))]
    return _matching[0][2]


class _ByPrefix(dict[str, bool]):
    """chunk -> a token's folded form starts with one of the prefixes (the per-chunk test of a prefix
    query: the indexes do not answer it)."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def __missing__(self, chunk: str) -> bool:
        if len(self) >= CHUNK_CACHE:
            self.clear()
        found = self[chunk] = any(_folded(tok).startswith(self.prefixes) for _, _, tok in _tokens_of(chunk))
        return found


class _ByLemma(dict[str, bool]):
    """stored lemma -> it is a query lemma or starts with a query prefix (a prefix query)."""

    def __init__(self, lemmas: frozenset[str], prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.lemmas, self.prefixes = lemmas, prefixes

    def __missing__(self, lemma: str) -> bool:
        if len(self) >= CHUNK_CACHE:
            self.clear()
        found = self[lemma] = lemma in self.lemmas or lemma.startswith(self.prefixes)
        return found


_prefix_tests: OrderedDict[tuple[frozenset[str], frozenset[str]], tuple[_ByPrefix, _ByLemma]] = OrderedDict()


def _prefix_test(lemmas: frozenset[str], prefixes: frozenset[str]) -> tuple[_ByPrefix, _ByLemma]:
    """The per-chunk and per-lemma answers of a prefix query (kept for the last ``PREFIX_CACHE``)."""
    key = (lemmas, prefixes)
    found = _prefix_tests.get(key)
    if found is None:
        starts = tuple(sorted(prefixes))
        found = _prefix_tests[key] = (_ByPrefix(starts), _ByLemma(lemmas, starts))
        while len(_prefix_tests) > PREFIX_CACHE:
            _prefix_tests.popitem(last=False)
    else:
        _prefix_tests.move_to_end(key)
    return found


def _clear() -> None:
    """Drop every chunk (the caches are full)."""
    global _version
    for cache in (_SHAPES, _TOKENS, _BY_FORM, _BY_FOLD, _BY_STEM):
        cache.clear()
    _matching.clear()
    _version += 1


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
        chunk = self.chunks[k]
        if self._spaced is not None:
            at = self._spaced[k]
        else:  # one whitespace character between chunks: the lengths of the chunks in between
            k0, at = self._anchor
            if k >= k0:
                at += sum(map(len, self.chunks[k0:k])) + k - k0
            else:
                at -= sum(map(len, self.chunks[k:k0])) + k0 - k
            self._anchor = (k, at)
        tokens = _TOKENS.get(chunk)
        if tokens is None:
            if chunk.isalnum():  # the chunk is the token
                return at, at + len(chunk)
            tokens = _tokens_of(chunk)  # (dropped from the cache since)
        s, e, _ = tokens[j]
        return at + s, at + e

    def first_token(self, k: int) -> int:
        """The index of chunk ``k``'s first token (of the next token for a chunk without any)."""
        if not self.multi:
            return k
        m = bisect_left(self.multi, k) - 1
        return k + (self.multi_shift[m] if m >= 0 else 0)

    def spans_between(self, start: int, end: int, near: int) -> list[tuple[int, int]]:
        """The spans of the hits that lie within ``text[start:end]`` (a run of the sorted hits); ``near``:
        a token that starts at or after ``start``, close to it."""
        hits = self.hits
        lo = bisect_left(hits, near)
        while lo > 0 and self.span(hits[lo - 1])[0] >= start:
            lo -= 1
        out = []
        span = self.span
        for h in hits[lo:]:
            s, e = span(h)
            if e > end:
                break
            out.append((s, e))  # (from ``near`` on, every hit starts at or after ``start``)
        return out


def scan(text: str, lemma_field: str, lemmas: Collection[str], forms: Collection[str],
         prefixes: Collection[str] = (), stems: Collection[str] = ()) -> Scan | None:
    """The matches of a query in ``text`` (``snippets.matched_positions``' answer), or None where the
    stored lemmas are not one per token or the text has more chunks than the caches keep."""
    lemma_set, form_set, stem_set = frozenset(lemmas), frozenset(forms), frozenset(stems)
    prefix_set = frozenset(prefixes)
    chunks = text.split()
    if len(chunks) > CHUNK_CACHE:  # (a record far longer than a unit: the caches stay bounded)
        return None
    found = Scan(chunks, _offsets(text, chunks))
    with _lock:
        if len(_SHAPES) >= CHUNK_CACHE:
            _clear()
        shapes = list(map(_SHAPES.__getitem__, chunks))  # (indexes every new chunk)
        matched = _matched_chunks(lemma_set, form_set, stem_set)
        if prefix_set:
            by_prefix, by_lemma = _prefix_test(lemma_set, prefix_set)
            marks = list(map(or_, map(matched.__contains__, chunks), map(by_prefix.__getitem__, chunks)))
        else:
            marks = list(map(matched.__contains__, chunks))
    shift = 0
    for k in compress(count(), shapes):  # the few chunks that are not one token
        shape = shapes[k]
        assert isinstance(shape, _Multi)
        extra = len(shape.tokens) - 1
        found.multi.append(k)
        found.multi_first.append(k + shift)
        found.multi_count.append(extra + 1)
        shift += extra
        found.multi_shift.append(shift)
    n = found.n = len(chunks) + shift
    lem = lemma_field.split(" ", n) if lemma_field else []
    if len(lem) < n:
        return None
    del lem[n:]  # (lemmas past the tokens are not read, as before)
    if prefix_set:
        hits = list(compress(count(), map(by_lemma.__getitem__, lem)))
    else:
        hits = list(compress(count(), map(lemma_set.__contains__, lem)))
    if not found.multi:  # every chunk one token: chunk k is token k
        hits.extend(compress(count(), marks))
    else:
        starts = tuple(sorted(prefix_set))
        for k in compress(count(), marks):  # the chunks with a token that matches by its text
            first = found.first_token(k)
            shape = shapes[k]
            if isinstance(shape, _Multi):
                hits.extend([first + j for j, (_, _, tok) in enumerate(shape.tokens)
                             if _token_matches(tok, lemma_set, form_set, starts, stem_set)])
            else:
                hits.append(first)
    found.hits = sorted(set(hits))
    found.keys = list(map(lem.__getitem__, found.hits))
    return found


def _offsets(text: str, chunks: list[str]) -> list[int] | None:
    """Every chunk's offset where whitespace runs part them; None where single whitespace characters do
    (the stored text of a page: the offsets follow from the lengths)."""
    if not chunks or (not text[0].isspace() and len(text) - len("".join(chunks)) == len(chunks) - 1):
        return None
    return [m.start() for m in _NONSPACE.finditer(text)]
