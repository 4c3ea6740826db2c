"""The positional tests of the re-ranking from per-generation token streams (``index.tokens``), both engines:
the streams hold exactly the indexed tokens, ``in_order``/``near_pairs`` agree with a word-by-word reference
and with the engine's own positions, a generation without streams is answered by the engine until a
server's prewarm writes them, and every new generation gets its own."""

from __future__ import annotations

import dataclasses
import itertools
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from scsearch.index import store, tokens
from scsearch.index.analysis import form_token
from scsearch.index.arrays import array_dir
from scsearch.index.generation import Generation
from scsearch.index.search import Searcher
from scsearch.index.tokens import BUNDLE, token_id
from scsearch.index.types import SearchRequest
from scsearch.language.tokenize import tokenize
from tests._fixtures_index import ingest_folder, is_mapped

ENGINES = ("whoosh", "tantivy")
FILLER = " ".join(["projekt", "rozvoj", "obec", "strategie", "doprava"] * 6)
TEXTS = {
    "spolu.txt": f"Ministerstvo poskytne dotace městům na rozvoj. {FILLER}",
    "daleko.txt": f"Městům pomůže strategie. {FILLER} Nové dotace přijdou později.",
    "obracene.txt": f"Městům dotace nepřijdou. {FILLER}",
    "mezera.txt": f"Dotace pro menší města a obce. {FILLER} Elektromobilita ve městech roste.",
    "tri.txt": f"Zelená energie pro obce, zelená úsporná energie pro školy. {FILLER}",
}


def _docs(tmp: Path, texts: dict[str, str]) -> Path:
    docs = tmp / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    return docs


@pytest.fixture(scope="module", params=ENGINES)
def searcher(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    tmp = tmp_path_factory.mktemp(request.param)
    s = Searcher(ingest_folder(_docs(tmp, TEXTS), tmp / "data", engine=request.param))
    yield s
    s.close()


def _state(s: Searcher) -> Generation:
    st = s._open()
    assert st is not None
    return st


def _words(st: Generation) -> dict[int, tuple[list[str], list[str]]]:
    """docnum -> (its lemmas, its exact forms) word by word, from the stored fields."""
    out = {}
    for d in np.flatnonzero(st.fast.alive):
        fields = st.reader.stored_fields(int(d))
        out[int(d)] = (str(fields["lemma"]).split(), [form_token(t) for _, _, t in tokenize(str(fields["text"]))])
    return out


def _ref_in_order(seq: list[str], slots: Sequence[Sequence[str]], slop: int) -> bool:
    reach = {i for i, w in enumerate(seq) if w in slots[0]}
    for slot in slots[1:]:
        reach = {i for i, w in enumerate(seq) if w in slot and any(i - g in reach for g in range(1, slop + 2))}
    return bool(reach)


def _ref_near(seq: list[str], a: Sequence[str], b: Sequence[str], window: int) -> bool:
    at_a = [i for i, w in enumerate(seq) if w in a]
    at_b = [j for j, w in enumerate(seq) if w in b]
    return any(0 < abs(i - j) <= window for i in at_a for j in at_b)


def test_streams_hold_every_indexed_token(searcher: Searcher) -> None:
    st = _state(searcher)
    streams = st.fast.tokens
    assert streams is not None, "ingest writes the streams with the generation"
    assert (array_dir(st.path) / BUNDLE / "lemma.npy").is_file()
    assert is_mapped(streams.lemma) and streams.offsets.size == st.fast.n + 1
    for d, (lemmas, forms) in _words(st).items():
        lo, hi = int(streams.offsets[d]), int(streams.offsets[d + 1])
        assert streams.lemma[lo:hi].tolist() == [token_id(w) for w in lemmas]
        assert streams.form[lo:hi].tolist() == [token_id(w) for w in forms]
        assert len(lemmas) == len(forms) > 0


def test_positional_tests_agree_with_a_word_by_word_reference(searcher: Searcher) -> None:
    st = _state(searcher)
    streams = st.fast.tokens
    assert streams is not None and streams.files  # a CLI search reads the records it tests with pread
    for variant in (streams, dataclasses.replace(streams, files=())):  # a server reads the mapping
        st.fast.use_tokens(variant)
        _agree_with_reference(st)
    st.fast.use_tokens(streams)


def _agree_with_reference(st: Generation) -> None:
    words = _words(st)
    docs = sorted(words)
    names = {d: Path(st.reader.stored_fields(d)["path"]).name for d in docs}
    lemma_cases = [[["dotace"], ["mesto"]], [["mesto"], ["dotace"]], [["zeleny"], ["energie"], ["obec"]],
                   [["zeleny"], ["energie"], ["skola"]], [["dotace", "projekt"], ["mesto", "obec"]], [["mesto"]],
                   [["neexistuje"], ["dotace"]], [["dotace"], []]]
    for slots, slop in itertools.product(lemma_cases, (0, 1, 2)):
        want = {d for d in docs if all(slots) and _ref_in_order(words[d][0], slots, slop)}
        assert st.fast.in_order("lemma", slots, docs, slop) == want, (slots, slop)
        assert st.fast.in_order("lemma", slots, docs[:2], slop) == want & set(docs[:2])
    for phrase in (["dotace", "městům"], ["městům", "dotace"], ["zelená", "úsporná", "energie"], ["elektromobilita"]):
        slots = [[w] for w in phrase]
        want = {d for d in docs if _ref_in_order(words[d][1], slots, 0)}
        assert st.fast.in_order("form", slots, docs, 0) == want, phrase
    assert {names[d] for d in st.fast.in_order("form", [["dotace"], ["městům"]], docs, 0)} == {"spolu.txt"}
    concepts = [["dotace"], ["mesto"], ["obec", "skola"], ["energie"]]
    for window in (1, 2, 4):
        pairs = st.fast.near_pairs("lemma", concepts, np.asarray(docs), window)
        assert len(pairs) == 3
        for (a, b), found in zip(itertools.pairwise(concepts), pairs, strict=True):
            assert found.tolist() == [d for d in docs if _ref_near(words[d][0], a, b, window)], (a, b, window)
    near = st.fast.near_pairs("lemma", [["dotace"], ["mesto"]], np.asarray(docs), 4)[0]
    assert sorted(names[int(d)] for d in near) == ["mezera.txt", "obracene.txt", "spolu.txt"]


def test_the_engine_positions_give_the_same_answers(searcher: Searcher) -> None:
    """Two-word tests (where both engines' own answers are exact) with the streams and without them."""
    st = _state(searcher)
    docs = sorted(_words(st))
    streams = st.fast.tokens
    cases = [("lemma", [["dotace"], ["mesto"]], 2), ("lemma", [["zeleny"], ["energie"]], 0),
             ("form", [["dotace"], ["městům"]], 0), ("lemma", [["obec"]], 0), ("lemma", [["mesto"], ["obec"]], 3)]
    concepts = [["dotace"], ["mesto"], ["energie"], ["obec", "skola"], ["strategie"], ["doprava"]]
    with st.io:
        got = ([st.fast.in_order(f, slots, docs, slop) for f, slots, slop in cases],
               [p.tolist() for p in st.fast.near_pairs("lemma", concepts, np.asarray(docs), 3)])
        st.fast.use_tokens(None)
        try:
            engine = ([st.fast.in_order(f, slots, docs, slop) for f, slots, slop in cases],
                      [p.tolist() for p in st.fast.near_pairs("lemma", concepts, np.asarray(docs), 3)])
        finally:
            st.fast.use_tokens(streams)
    assert got == engine
    assert any(got[0]) and any(got[1])


def test_phrases_matched_over_the_streams_equal_the_engines_phrases(searcher: Searcher) -> None:
    """A phrase whose positions a process has not read (whoosh: a CLI search) is matched over the streams."""
    st = _state(searcher)
    cases = [("lemma", [["dotace"], ["mesto"]], 1), ("lemma", [["dotace"], ["mesto"]], 3),
             ("lemma", [["zeleny"], ["energie"], ["obec", "skola"]], 2), ("form", [["dotace"], ["městům"]], 1),
             ("lemma", [["mesto"], ["dotace"]], 1), ("lemma", [["neexistuje"], ["dotace"]], 1)]
    with st.io:
        for field, words, slop in cases:
            slots = [[(field, w.encode("utf-8"))] for w in words[0]] if len(words) == 1 else \
                [[(field, w.encode("utf-8")) for w in slot] for slot in words]
            streamed = st.fast._streams_sequence_mask(slots, slop)
            assert streamed is not None
            st.fast.warm_positions(field, [w for slot in words for w in slot])  # whoosh: its positions path
            engine = st.fast._sequence_mask(slots, slop)  # whoosh: positions now cached; tantivy: its phrases
            assert streamed.tolist() == engine.tolist(), (field, words, slop)
    assert searcher.search(SearchRequest(query='"dotace městům"')).total >= 1


def test_a_generation_without_streams_is_answered_by_the_engine_until_prewarm(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCSEARCH_LEMMATIZER", "simplemma")
    for engine in ENGINES:
        data = ingest_folder(_docs(tmp_path / engine, TEXTS), tmp_path / engine / "data", engine=engine)
        gen = store.current_generation(data)
        assert gen is not None
        with_streams = Searcher(data)
        expected = [(h.record_id, round(h.score, 4)) for h in
                    with_streams.search(SearchRequest(query="dotace městům")).hits]
        with_streams.close()
        shutil.rmtree(array_dir(gen) / BUNDLE)  # as a generation written before the streams existed
        s = Searcher(data)
        resp = s.search(SearchRequest(query="dotace městům"))
        assert _state(s).fast.tokens is None and not (array_dir(gen) / BUNDLE).exists(), "a search never builds"
        assert [(h.record_id, round(h.score, 4)) for h in resp.hits] == expected, engine
        assert Path(resp.hits[0].path).name == "spolu.txt"
        s.prewarm()  # what a server does in the background
        assert _state(s).fast.tokens is not None and (array_dir(gen) / BUNDLE / "bundle.json").is_file()
        assert [(h.record_id, round(h.score, 4)) for h in
                s.search(SearchRequest(query="dotace městům")).hits] == expected
        s.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_each_generation_gets_its_own_streams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    """An incremental ingest writes the new generation's streams: tantivy copies those of the records it kept
    (their numbers and text do not change) and reads only the new ones; whoosh (docnums move) reads all."""
    monkeypatch.setenv("SCSEARCH_LEMMATIZER", "simplemma")
    docs = _docs(tmp_path, TEXTS)
    data = ingest_folder(docs, tmp_path / "data", engine=engine)
    first = store.current_generation(data)
    assert first is not None
    s = Searcher(data)
    st = _state(s)
    kept = next(d for d in _words(st) if Path(st.reader.stored_fields(d)["path"]).name == "daleko.txt")
    s.close()
    marker = token_id("znacka")  # written over the first word of a record the next ingest keeps as it is
    old = np.load(array_dir(first) / BUNDLE / "lemma.npy", mmap_mode="r+")
    old_offsets = np.load(array_dir(first) / BUNDLE / "offsets.npy")
    old[int(old_offsets[kept])] = marker
    old.flush()
    del old
    (docs / "spolu.txt").unlink()
    (docs / "nove.txt").write_text(f"{FILLER} Krajské dotace městům pomohou.", encoding="utf-8")
    ingest_folder(docs, data, engine=engine)
    second = store.current_generation(data)
    assert second is not None and second != first
    assert (array_dir(second) / BUNDLE / "bundle.json").is_file()
    s = Searcher(data)
    st = _state(s)
    words = _words(st)
    streams = st.fast.tokens
    assert streams is not None
    dead = np.flatnonzero(~np.asarray(st.fast.alive))
    assert all(streams.offsets[d] == streams.offsets[d + 1] for d in dead)  # deleted records hold nothing
    names = {d: Path(st.reader.stored_fields(d)["path"]).name for d in words}
    for d, (lemmas, _forms) in words.items():
        expected = [token_id(w) for w in lemmas]
        if engine == "tantivy" and names[d] == "daleko.txt":
            assert d == kept
            expected[0] = marker  # copied from the previous generation, not re-read
        assert streams.lemma[int(streams.offsets[d]):int(streams.offsets[d + 1])].tolist() == expected, names[d]
    found = st.fast.in_order("form", [["dotace"], ["městům"]], sorted(words), 0)
    assert {names[d] for d in found} == {"nove.txt"}
    s.close()


def test_many_records_are_gathered_in_one_pass_and_in_chunks(searcher: Searcher, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    st = _state(searcher)
    streams = st.fast.tokens
    assert streams is not None
    docs = sorted(_words(st))
    cases = [(["dotace"], ["mesto"]), (["zeleny"], ["energie"], ["obec", "skola"])]
    want = [tokens.in_order(streams, "lemma", list(c), docs, 2, mapped=True) for c in cases]
    assert any(want)
    monkeypatch.setattr(tokens, "BULK_SLICES", 0)  # the vectorised gather (used past 64 records)
    monkeypatch.setattr(tokens, "CHUNK_RECORDS", 2)  # and a couple of records at a time
    assert [tokens.in_order(streams, "lemma", list(c), docs, 2, mapped=True) for c in cases] == want
    assert [tokens.in_order(streams, "lemma", list(c), docs, 2) for c in cases] == want  # pread, when set


def test_a_phrase_with_too_many_variants_falls_back_to_every_word_on_the_page(
        searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    st = _state(searcher)
    if searcher.engine != "tantivy":
        pytest.skip("the variant limit is tantivy's (whoosh matches any phrase from its positions)")
    from scsearch.index import tantivy_score

    monkeypatch.setattr(tantivy_score, "MAX_COMBINATIONS", 0)
    words = _words(st)
    slots = [[("lemma", b"mesto")], [("lemma", b"dotace"), ("lemma", b"projekt")]]
    with st.io:
        got = st.fast._sequence_mask(slots, 1)
    want = [d for d, (lemmas, _forms) in words.items()
            if "mesto" in lemmas and ({"dotace", "projekt"} & set(lemmas))]
    assert want and sorted(np.flatnonzero(got).tolist()) == sorted(want)


def test_words_sharing_the_low_bits_of_their_ids_are_told_apart() -> None:
    """The gather finds a query's words by the low 16 bits of their ids first: two query words with the same
    low bits (and a page word sharing them) must still be told apart exactly."""
    seen: dict[int, str] = {}
    pair: tuple[str, str] | None = None
    for i in itertools.count():
        word = f"slovo{i}"
        low = token_id(word) & 0xFFFF
        if low in seen:
            pair = (seen[low], word)
            break
        seen[low] = word
    assert pair is not None
    a, b = pair
    pages = [[a, b, "x"], [b, a, "x"], [a, "x", b], ["jine", b, a]]
    ids = [token_id(w) for page in pages for w in page]
    offsets = np.cumsum([0] + [len(p) for p in pages]).astype(np.int64)
    streams = tokens.TokenStreams(offsets=offsets, lemma=np.asarray(ids, dtype=np.uint32),
                                  form=np.asarray(ids, dtype=np.uint32))
    for slots in ([[a], [b]], [[b], [a]], [[a, b], ["x"]], [[a], ["x"], [b]]):
        want = {d for d, page in enumerate(pages) if _ref_in_order(page, slots, 0)}
        assert tokens.in_order(streams, "lemma", slots, range(len(pages)), 0) == want, slots
