"""Phrase pairs (``index.pairs``): the neighbouring common words of a generation and their records, and
phrases answered from them equal to each engine's own phrase matching (``make test`` runs this suite with
both engines)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from scsearch.index import store
from scsearch.index.arrays import array_dir
from scsearch.index.generation import Generation
from scsearch.index.pairs import BUNDLE, FieldPairs, build_pairs, field_pairs, load_pairs
from scsearch.index.search import Searcher
from scsearch.index.tokens import build_streams, query_ids
from scsearch.index.types import SearchRequest


def test_pairs_list_every_occurrence_of_neighbouring_common_words_on_live_records() -> None:
    # records: 0 = [1 2 3 1 2], 1 = [2 3], 2 = [1 2] (deleted), 3 = [3 | 1 2 9]; word 9 is rare
    stream = np.array([1, 2, 3, 1, 2, 2, 3, 1, 2, 3, 1, 2, 9], dtype=np.uint32)
    offsets = np.array([0, 5, 7, 9, 13], dtype=np.int64)
    alive = np.array([True, True, False, True])
    words, keys, key_offsets, at = field_pairs(stream, offsets, alive, common_above=2)
    assert words.tolist() == [1, 2, 3]
    listed = {(int(k >> 32), int(k & 0xFFFFFFFF)): [(int(x >> 32), int(x & 0xFFFFFFFF))
                                                    for x in at[key_offsets[i]:key_offsets[i + 1]]]
              for i, k in enumerate(keys)}
    # (2, 2) spans records 0 and 1 and (3, 1) records 1 and 2: never paired; (2, 9): 9 is rare
    assert listed == {(1, 2): [(0, 0), (0, 3), (3, 1)], (2, 3): [(0, 1), (1, 0)], (3, 1): [(0, 2), (3, 0)]}
    assert field_pairs(stream, offsets, alive, common_above=100)[1].size == 0  # no common word, no pairs
    table = FieldPairs(words, keys, key_offsets, at)

    def chain(*slots: list[int]) -> list[tuple[int, int]]:
        return [(int(x >> 32), int(x & 0xFFFFFFFF)) for x in table.chain(list(slots))]

    assert chain([1], [2], [3]) == [(0, 0)]
    assert chain([3], [1], [2]) == [(0, 2), (3, 0)]
    assert chain([2], [3], [1], [2]) == [(0, 1)]
    assert chain([1, 3], [2, 1]) == [(0, 0), (0, 2), (0, 3), (3, 0), (3, 1)]  # alternatives merged in order
    assert chain([2], [2]) == [] and chain([1], [2], [2]) == []


@pytest.fixture(scope="module")
def state(corpus_data_dir: Path) -> Iterator[Generation]:
    s = Searcher(corpus_data_dir)
    st = s._open()
    assert st is not None
    yield st
    s.close()


def _phrases(st: Generation, seed: int = 5) -> list[list[list[str]]]:
    """Phrases of 2-4 slots drawn from the records' lemmas; some slots get a second word (from another
    record) or a word no record holds, and some phrases are shuffled (words that are seldom neighbours)."""
    rnd = random.Random(seed)
    live = np.flatnonzero(st.fast.alive).tolist()
    out = []
    while len(out) < 150:
        lemmas = str(st.reader.stored_fields(rnd.choice(live)).get("lemma") or "").split()
        other = str(st.reader.stored_fields(rnd.choice(live)).get("lemma") or "").split()
        if len(lemmas) < 6 or not other:
            continue
        k = rnd.choice([2, 2, 3, 4])
        i = rnd.randrange(len(lemmas) - k)
        words = lemmas[i:i + k] if rnd.random() < 0.8 else rnd.sample(lemmas, k)
        out.append([[w] + ([rnd.choice(other)] if rnd.random() < 0.3 else [])
                    + (["neexistujiciheslo"] if rnd.random() < 0.1 else []) for w in words])
    return out


@pytest.mark.parametrize("common_above", [2, 5, 40])
def test_phrases_from_the_pairs_equal_the_engines_phrases(state: Generation, common_above: int) -> None:
    st = state
    with st.io:
        streams = build_streams(None, st.reader)
    st.fast.use_tokens(streams)
    pairs = build_pairs(None, streams, st.fast.alive, common_above)
    table = pairs.field("lemma")
    assert table is not None
    answered = chains = with_rare = matched = 0
    for slots_words in _phrases(st):
        slots = [[("lemma", w.encode("utf-8")) for w in slot] for slot in slots_words]
        with st.io:
            st.fast.warm_positions("lemma", [w for slot in slots_words for w in slot])
            st.fast.use_pairs(None)
            engine = st.fast._sequence_mask(slots, 1)  # whoosh: from the positions; tantivy: its phrase queries
            st.fast.use_pairs(pairs)
            got = st.fast._pairs_sequence_mask(slots, 1)
        if got is None:
            continue
        answered += 1
        chains += len(slots) > 2
        with_rare += not all(table.is_common(query_ids(slot)).all() for slot in slots_words)
        matched += bool(got.any())
        assert got.tolist() == (engine & st.fast.alive).tolist(), slots_words
    # every way of answering was exercised: pairs, chains of pairs, rare words' records on the streams
    assert answered >= 50 and chains >= 20 and with_rare >= 10 and matched >= 40, (answered, chains, with_rare, matched)
    st.fast.use_pairs(None)
    assert st.fast._pairs_sequence_mask([[("lemma", b"rozvoj")], [("lemma", b"obec")]], 1) is None


def test_ingest_writes_the_pairs_and_searches_give_the_same_results_with_them(corpus_data_dir: Path) -> None:
    gen = store.current_generation(corpus_data_dir)
    assert gen is not None and (array_dir(gen) / BUNDLE / "bundle.json").is_file()  # prepare_generation wrote them
    s = Searcher(corpus_data_dir)
    st = s._open()
    assert st is not None
    assert load_pairs(gen, st.reader.n) is not None
    pairs = build_pairs(None, build_streams(None, st.reader), st.fast.alive, common_above=2)
    queries = ['"pracovní skupina"', '"Smart Cities"', '"ministerstvo pro místní rozvoj"', '"na jednání"',
               '"akční plán" dotace', '"chytrá města"']
    for query in queries:
        st.fast.use_pairs(None)
        without = s.search(SearchRequest(query=query))
        st.fast.use_pairs(pairs)
        with_pairs = s.search(SearchRequest(query=query))
        assert with_pairs.total == without.total, query
        assert [(h.record_id, round(h.score, 4)) for h in with_pairs.hits] == \
            [(h.record_id, round(h.score, 4)) for h in without.hits], query
    assert s.search(SearchRequest(query='"pracovní skupina"')).total > 0
    s.close()
