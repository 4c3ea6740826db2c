"""Snippets found by whitespace chunks (``index.snippet_scan``) against the way they were made before: the
whole text tokenised and every token tested (``_reference_*`` below: the earlier code, kept verbatim as
the oracle). Same window, same marks, byte for byte, on texts made to be awkward; and on a real index."""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path
from typing import Any

import pytest

from scsearch.index import ranking, snippet_scan
from scsearch.index.search import Searcher
from scsearch.index.snippet_scan import _EDGE, scan
from scsearch.index.snippets import (
    MAX_CHARS,
    MAX_SCAN_CHARS,
    best_window,
    find_matches,
    highlight_all,
    make_snippet,
    matched_positions,
)
from scsearch.index.types import SearchRequest
from scsearch.language.stemmer import stem
from scsearch.language.tokenize import fold, normalize_token, tokenize


# ------------------------------------------------------------------ the earlier code (the oracle)
def _reference_snippet(text: str, lemma_field: str, lemmas: Collection[str], forms: Collection[str] = (),
                       prefixes: Collection[str] = (), stems: Collection[str] = (), max_chars: int = MAX_CHARS
                       ) -> str:
    toks, hits = matched_positions(text, lemma_field, lemmas, forms, prefixes, stems, max_scan=MAX_SCAN_CHARS)
    if not toks:
        return escape(text[:max_chars])
    if hits:
        lem = lemma_field.split(" ", len(toks))[: len(toks)] if lemma_field else []
        if len(lem) == len(toks):
            keys = [lem[h] for h in hits]
        else:
            keys = [fold(toks[h][2]) for h in hits]
        first = max(0, best_window(hits, keys) - 8)
    else:
        first = 0
    start_char = toks[first][0]
    back = text.rfind(". ", max(0, start_char - 120), start_char)
    if back != -1 and first > 0:
        start_char = back + 2
    elif first == 0:
        start_char = 0
    end_char = min(len(text), start_char + max_chars)
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


def _reference_highlight(text: str, lemma_field: str, lemmas: Collection[str], forms: Collection[str] = (),
                         prefixes: Collection[str] = (), stems: Collection[str] = ()) -> tuple[str, int]:
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


def _reference_window(hits: list[int], keys: list[str], width: int = 45) -> int:
    best = (0, 0, 0)
    counts: dict[str, int] = {}
    end = 0
    for i, start in enumerate(hits):
        while end < len(hits) and hits[end] - start < width:
            counts[keys[end]] = counts.get(keys[end], 0) + 1
            end += 1
        cand = (len(counts), end - i, -start)
        if cand > best:
            best = cand
        counts[keys[i]] -= 1
        if not counts[keys[i]]:
            del counts[keys[i]]
    return -best[2] if best[0] else (hits[0] if hits else 0)


@pytest.mark.parametrize("seed", range(200))
def test_best_window_as_before(seed: int) -> None:
    rng = random.Random(seed)
    hits = sorted(rng.sample(range(rng.choice((10, 50, 60, 500))), rng.randrange(0, 10)))
    hits = [h + rng.randrange(100) for h in hits] if seed % 2 else hits  # clusters away from the start
    hits = sorted(set(hits))
    keys = [rng.choice("abc") for _ in hits]
    assert best_window(hits, keys) == _reference_window(hits, keys)


# ------------------------------------------------------------------ awkward texts
PIECES = (
    "dotace", "Dotace", "DOTACÍ", "dotační", "dotacemi", "obec", "obcí", "Obce", "městům", "mestum", "data",
    "Data", "otevřená", "otevřených", "e-mobilita", "E‐mobilita", "Frýdek-Místek", "Frýdek‑Místek",
    "RM/2077/68/2026", "541/2020", "II/449", "https://mmr.cz/dotace?x=1", "www.mmr.cz.", "(https://a.cz/b)",
    "podatelna@mmr.cz", "jan.novak+x@obec-dolni.cz,", "7.9.2016", "7. 9. 2016", "1 000", "2,5", "1/2017.",
    "POSKYTOVÁNÍ_HVDs_", "don’t", "don't", "l'obec", "„uvozovky“", "(závorka)", "a", "v", "–", "—", "-", ".",
    ",", ";", "…", "§ 5", "<b>", "&amp;", '"x"', "'y'", "e\u0301", "K", "Ǆ", "ﬁle", "İstanbul", "ß", "²", "½",
    "x\x00y", "\x01", "stavba", "výstavbu", "chodníku", "Smart", "Cities", "smart-city", "2018", "č.j.",
)
SEPARATORS = (" ", " ", " ", " ", ", ", ". ", "  ", "\n", "\n\n", "\t", "\xa0", " \u2003", "")


def _text(rng: random.Random, words: int) -> str:
    out = [rng.choice(("", "", " ", "\n"))]
    for _ in range(words):
        out += [rng.choice(PIECES), rng.choice(SEPARATORS)]
    return "".join(out)


def _lemma_field(rng: random.Random, text: str) -> str:
    """One folded 'lemma' per token, some of them another word's (a match by lemma alone)."""
    return " ".join(fold(t) if rng.random() < 0.8 else fold(rng.choice(PIECES)).split()[0] or "x"
                    for _, _, t in tokenize(text))


def _query(rng: random.Random) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    words = [t for p in rng.sample(PIECES, 3) for _, _, t in tokenize(p)] or ["obec"]
    lemmas = frozenset(fold(w) for w in words)
    forms = frozenset(normalize_token(w) for w in words if rng.random() < 0.7)
    prefixes = frozenset(fold(w)[:3] for w in words if rng.random() < 0.2)
    stems = frozenset(s for s in (stem(w) for w in words) if len(s) >= 4 and rng.random() < 0.7)
    return lemmas, forms, prefixes, stems


CASES = [(seed, words) for seed in range(60) for words in (3, 40, 400)]


@pytest.mark.parametrize(("seed", "words"), CASES)
def test_fast_snippets_equal_the_earlier_ones(seed: int, words: int) -> None:
    rng = random.Random(seed)
    text = _text(rng, words)
    lemma_field = _lemma_field(rng, text)
    for _ in range(4):
        query = _query(rng)
        assert scan(text, lemma_field, *query) is not None
        assert make_snippet(text, lemma_field, *query) == _reference_snippet(text, lemma_field, *query)
        assert highlight_all(text, lemma_field, *query) == _reference_highlight(text, lemma_field, *query)


@pytest.mark.parametrize("seed", range(20))
def test_chunks_give_the_tokens_of_the_whole_text(seed: int) -> None:
    """The premise: tokenising chunk by chunk gives tokenize(text), offsets included."""
    rng = random.Random(seed)
    text = _text(rng, 300)
    found = find_matches(text, _lemma_field(rng, text), {"obec"}, ())
    assert [found.span(i) for i in range(found.n)] == [(s, e) for s, e, _ in tokenize(text)]


def test_long_text_read_up_to_max_scan_chars() -> None:
    rng = random.Random(5)
    words = [rng.choice(("obec", "město", "projekt,", "rozvoj.", "data")) for _ in range(20_000)]
    words[15_000] = "dotace"  # past MAX_SCAN_CHARS: not read for the snippet
    words[3_000] = "dotací"
    text = " ".join(words)
    assert len(text) > MAX_SCAN_CHARS
    lemma_field = " ".join(fold(t) for _, _, t in tokenize(text)).replace("dotaci", "dotace")
    for query in (({"dotace"}, {"dotace"}, (), {"dotac"}), ({"data"}, (), ("mes",), ())):
        assert make_snippet(text, lemma_field, *query) == _reference_snippet(text, lemma_field, *query)
        assert highlight_all(text, lemma_field, *query) == _reference_highlight(text, lemma_field, *query)
    assert "<mark>dotací</mark>" in make_snippet(text, lemma_field, {"dotace"})


def test_lemmas_not_one_per_token_fall_back_to_the_whole_text() -> None:
    text = "Obec získala dotace, dotací bylo málo."  # 6 tokens
    cases = (("", False), ("obec ziskat", False), ("obec ziskat dotace dotace byt maly navic", True))
    for lemma_field, fast in cases:  # (lemmas past the tokens are not read)
        assert (scan(text, lemma_field, {"dotace"}, {"dotace"}) is not None) is fast
        assert make_snippet(text, lemma_field, {"dotace"}, {"dotace"}) == _reference_snippet(
            text, lemma_field, {"dotace"}, {"dotace"})
        expected = _reference_highlight(text, lemma_field, {"dotace"})
        assert highlight_all(text, lemma_field, {"dotace"}) == expected
    assert make_snippet("", "", {"x"}) == _reference_snippet("", "", {"x"}) == ""


def test_small_caches_give_the_same_snippets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunk indexes and the prefix queries' answers are bounded: dropped when full (before a page,
    never during one), the snippets do not change."""
    monkeypatch.setattr(snippet_scan, "CHUNK_CACHE", 300)  # (a text: ~100 chunks)
    monkeypatch.setattr(snippet_scan, "PREFIX_CACHE", 1)
    rng = random.Random(11)
    for _ in range(20):
        text = _text(rng, 100)
        lemma_field = _lemma_field(rng, text)
        query = _query(rng)
        assert make_snippet(text, lemma_field, *query) == _reference_snippet(text, lemma_field, *query)
        assert highlight_all(text, lemma_field, *query) == _reference_highlight(text, lemma_field, *query)
        assert scan(text, lemma_field, *query) is not None
        assert len(snippet_scan._SHAPES) <= len(set(text.split())) + 300
    assert len(snippet_scan._prefix_tests) <= 1
    text = " ".join(["obec dotace město"] * 101)  # more chunks than the caches keep: the whole-text path
    lemma_field = " ".join(fold(t) for _, _, t in tokenize(text))
    assert scan(text, lemma_field, {"dotace"}, ()) is None
    assert make_snippet(text, lemma_field, {"dotace"}) == _reference_snippet(text, lemma_field, {"dotace"})


def test_real_index_snippets_equal_the_earlier_ones(corpus_data_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hit of a set of queries on the sample corpus: the snippet shown is the earlier one (the
    arguments of each snippet made are recorded on the way)."""
    made: list[tuple[tuple[Any, ...], str]] = []

    def recording(*args: Any) -> str:
        made.append((args, make_snippet(*args)))
        return made[-1][1]

    monkeypatch.setattr(ranking, "make_snippet", recording)
    searcher = Searcher(corpus_data_dir)
    for q in ("dotace", "otevřená data obcí", "dotac*", '"Smart Cities"', "+dotace", "e-mailovou", "106/1999",
              "www.sfzp.cz", "kolik dostala obec na výstavbu chodníku pro auta", "2017", "jednání"):
        shown = [hit.snippet for hit in searcher.search(SearchRequest(query=q, limit=20)).hits]
        assert shown == [html for _, html in made[-len(shown):]] if shown else True
    assert len(made) > 100
    for args, html in made:
        assert html == _reference_snippet(*args)
        assert highlight_all(*args) == _reference_highlight(*args)


def test_passages_with_and_without_characters_to_escape() -> None:
    """A passage with nothing to escape is cut as it is, one with quotes, ampersands or angle brackets
    escaped piece by piece: the same HTML as before either way."""
    cases = (('Obec\x00 <b>dotace</b> & "dotace" \x01 obce.',
              "&lt;b&gt;<mark>dotace</mark>&lt;/b&gt; &amp; &quot;<mark>dotace</mark>&quot;"),
             ("Obec\x00 dotace\x01 dotace obce.",
              "Obec\x00 <mark>dotace</mark>\x01 <mark>dotace</mark> obce."))
    for text, expected in cases:
        lemma_field = " ".join(fold(t) for _, _, t in tokenize(text))
        html = make_snippet(text, lemma_field, {"dotace"})
        assert html == _reference_snippet(text, lemma_field, {"dotace"})
        assert expected in html


def test_threads_share_the_chunk_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches in threads make snippets at once while the (small) caches fill and are dropped: each
    snippet is still the earlier one."""
    monkeypatch.setattr(snippet_scan, "CHUNK_CACHE", 400)  # (a text: ~150 chunks)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads taking turns as often as they can
    cases = []
    for seed in range(40):
        rng = random.Random(1000 + seed)
        text = _text(rng, 150)
        cases.append((text, _lemma_field(rng, text), *_query(rng)))
    expected = [_reference_snippet(*case) for case in cases]
    assert all(scan(*case) is not None for case in cases)

    def run(offset: int) -> list[bool]:
        order = cases[offset:] + cases[:offset]
        wanted = expected[offset:] + expected[:offset]
        return [make_snippet(*case) == html for case, html in zip(order, wanted, strict=True) for _ in range(3)]

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(run, range(0, 40, 10)))
    finally:
        sys.setswitchinterval(switch)
    assert all(all(r) for r in results)


def test_chunk_shortcuts_give_the_tokenizer_s_tokens() -> None:
    """A word in punctuation is cut without the tokenizer: the same tokens as it gives, on chunks made of
    words, punctuation, digits and the characters that start URLs, e-mails and identifiers."""
    rng = random.Random(3)
    parts = ("obec", "Dotací", "7", "ß", "e\u0301", "www", "http", "https", ":", "//", "/", "@", "_", "x", *_EDGE)
    for _ in range(20_000):
        chunk = "".join(rng.choice(parts) for _ in range(rng.randrange(1, 6)))
        assert snippet_scan._chunk_tokens(chunk) == tuple(tokenize(chunk)), chunk
