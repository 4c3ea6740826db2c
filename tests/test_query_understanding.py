"""Queries as people write them, over the real index of the sample corpus.

Each case names the file (and page) a person would expect near the top; the
sentences are ours, the corpus is the sample one, the index and lemmatiser real.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scsearch.index.types import SearchRequest


def top(searcher, query: str, n: int = 5, **kw) -> list[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    resp = searcher.search(SearchRequest(query=query, limit=n, **kw))
    return [(Path(h.path).name, h.page) for h in resp.hits]


def names(searcher, query: str, n: int = 5, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [name for name, _ in top(searcher, query, n, **kw)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # no diacritics, other inflection than the text
        ("zasady urbanni politiky", "prezentace_MMR_Zasady_urbanni_politiky_2017-02-01"),
        ("otevrena data obci", "prezentace_MV_otevrena_data_2017-02-01"),
        ("dobijeci stanice", "prezentace_MD_elektromobilita_2017-04-05"),
        # full name in another case than in the text, abbreviation vs. full name
        ("ministerstvem zemědělství venkov", "prezentace_MZe_Smart_Villages_2018-01-12"),
        ("MŽP operační program", "prezentace_MZP_OPZP_2016-11-15"),
        ("Národní síť zdravých měst", "prezentace_NSZM_Zdrava_mesta_a_SC_2017-05-31"),
        ("NSZM místní agenda 21", "prezentace_NSZM_Zdrava_mesta_a_SC_2017-05-31"),
        # inflection in the query as in the text
        ("kulturním dědictvím", "prezentace_MK_kulturni_dedictvi_2018-01-12"),
        # synonym and hyphenated spelling
        ("e-mobilita", "prezentace_MD_elektromobilita_2017-04-05"),
    ],
)
def test_expected_document_in_top5(corpus_searcher, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    got = names(corpus_searcher, query)
    assert any(n.startswith(expected) for n in got), (query, got)


def test_stop_words_do_not_block_and(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    resp = corpus_searcher.search(SearchRequest(query="kdy se konalo první jednání pracovní skupiny", limit=5))
    assert not resp.partial
    assert any(Path(h.path).name.startswith("Zapis_PS_SC_2016-09-07") for h in resp.hits)


def test_question_with_absent_words_is_partial_with_notice(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    resp = corpus_searcher.search(SearchRequest(query="jak velkou alokaci má výzva na sociální bydlení kvantový", limit=5))
    assert resp.partial and resp.hits
    assert any("některá" in n for n in resp.notices)
    assert Path(resp.hits[0].path).name.startswith("Prehled")


def test_typo_is_corrected_only_with_hits(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    resp = corpus_searcher.search(SearchRequest(query="elektromobylita", limit=5))
    assert resp.suggestion and "elektromobil" in resp.suggestion
    assert resp.hits and "prezentace_MD_elektromobilita" in resp.hits[0].path
    none = corpus_searcher.search(SearchRequest(query="qxzwvt", limit=5))
    assert none.total == 0 and none.suggestion is None


def test_exact_form_ranks_above_folded_lookalike(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    # with diacritics, the page with exactly "Zásad" (gen. pl.) scores higher than one with only "zásady"
    resp = corpus_searcher.search(SearchRequest(query="+Zásad", limit=50))
    assert resp.hits and all("zásad" in h.snippet.lower() for h in resp.hits)
    loose = corpus_searcher.search(SearchRequest(query="zasad", limit=200))
    assert loose.total > resp.total


def test_phrase_in_any_inflection_and_exact(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    any_form = corpus_searcher.search(SearchRequest(query='"zásady urbánní politiky"', limit=100))
    exact = corpus_searcher.search(SearchRequest(query='="Zásady urbánní politiky"', limit=100))
    assert exact.total > 0
    assert any_form.total > exact.total  # "Zásad urbánní politiky", "zásadách …" match only the first
    top_hit = any_form.hits[0].snippet
    assert "<mark>" in top_hit


def test_identifiers_survive(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    assert corpus_searcher.search(SearchRequest(query="1/2017")).total > 0
    hits = names(corpus_searcher, '"Usnesení č. 5/2017"')
    assert any(n.startswith("Zapis_PS_SC_2017-05-31") for n in hits), hits


def test_negation_and_or(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    both = corpus_searcher.search(SearchRequest(query="elektromobilita", limit=200)).total
    without = corpus_searcher.search(SearchRequest(query="elektromobilita -dobíjecí", limit=200))
    assert 0 < without.total < both
    assert all("dobíjecí" not in h.snippet.lower() for h in without.hits)
    either = corpus_searcher.search(SearchRequest(query="villages OR památkový", limit=200)).total
    assert either > corpus_searcher.search(SearchRequest(query="villages", limit=200)).total


def test_field_filters_in_the_box(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    resp = corpus_searcher.search(SearchRequest(query="ministerstvo:MD typ:prezentace rok:2017 data", limit=50))
    assert resp.hits
    assert all(h.doc_type == "presentation" and "MD" in h.ministries and h.date and h.date.year == 2017
               for h in resp.hits)


def test_markup_is_escaped_in_snippets(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    resp = corpus_searcher.search(SearchRequest(query="script alert", limit=5))
    assert resp.hits
    for h in resp.hits:
        assert "<script" not in h.snippet
    assert any("&lt;" in h.snippet for h in resp.hits)


def test_date_matches_however_spaced(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    for q in ("7.9.2016", "7. 9. 2016"):
        got = names(corpus_searcher, q)
        # the 1st meeting's minutes and slides (each once: their DOCX/PPTX twins are listed with them)
        assert {"Zapis_PS_SC_2016-09-07.pdf", "prezentace_MMR_koncept_SC_2016-09-07.pdf"} <= set(got[:3]), (q, got)


def test_hyphenated_names_match_their_parts(tmp_path: Path) -> None:
    from scsearch.index.search import Searcher
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    src = tmp_path / "src"
    src.mkdir()
    (src / "zprava.txt").write_text("Projekt sdílených kol: Frýdek-Místek a e-mobilita.\n", encoding="utf-8")
    (src / "jina.txt").write_text("Zpráva o dopravě v Ostravě.\n", encoding="utf-8")
    Pipeline(tmp_path / "data", lemmatizer=get_lemmatizer("simplemma"), workers=1).run([str(src)])
    s = Searcher(tmp_path / "data")
    for q in ("Frýdek-Místek", "frydek mistek", "Místek", "e-mobilita", "mobilita"):
        resp = s.search(SearchRequest(query=q))
        assert [Path(h.path).name for h in resp.hits] == ["zprava.txt"], q


def test_few_pages_with_every_word_are_followed_by_partial_matches(tmp_path: Path) -> None:
    from scsearch.index.search import Searcher
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    src = tmp_path / "src"
    src.mkdir()
    (src / "oboje.txt").write_text("Dotace pro obce na cyklostezky.\n", encoding="utf-8")
    (src / "dotace.txt").write_text("Dotace na zateplení škol.\n", encoding="utf-8")
    (src / "cyklo.txt").write_text("Cyklostezky v krajích.\n", encoding="utf-8")
    (src / "nic.txt").write_text("Zápis o počasí.\n", encoding="utf-8")
    Pipeline(tmp_path / "data", lemmatizer=get_lemmatizer("simplemma"), workers=1).run([str(src)])
    resp = Searcher(tmp_path / "data").search(SearchRequest(query="dotace cyklostezky"))
    got = [Path(h.path).name for h in resp.hits]
    assert got[0] == "oboje.txt" and sorted(got[1:]) == ["cyklo.txt", "dotace.txt"]
    assert resp.total == 3 and not resp.partial
    assert any("jen 1 místo" in n for n in resp.notices)
