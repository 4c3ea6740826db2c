"""Filters on the sample corpus return exactly the expected pages.

The expectations come from reading the corpus sources (corpus/src/docs/*.md): which minutes
pages speak about a topic with a given ministry, outside the attendance lists.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scsearch.index.types import SearchRequest


def pages(searcher, **kw) -> set[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    resp = searcher.search(SearchRequest(limit=1000, **kw))
    assert resp.total == len(resp.hits)
    return {(Path(h.path).name, h.page) for h in resp.hits}


def test_smart_villages_in_minutes_with_mze(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    # 6th meeting announces the MZe talk on page 2; the 7th meeting minutes report it on page 1. The DOCX
    # originals have the same text as the PDFs and are listed with them (index.dedup), not as hits of their
    # own; with only two pages holding every word, pages with some of the words follow them.
    resp = corpus_searcher.search(SearchRequest(query="Smart Villages", ministries=("MZe",), doc_types=("minutes",),
                                                limit=1000))
    assert {(Path(h.path).name, h.page) for h in resp.hits[:2]} == {
        ("Zapis_PS_SC_2018-01-12.pdf", 1),
        ("Zapis_PS_SC_6_jednani.pdf", 2),
    }
    assert any("jen 2 místa" in n for n in resp.notices)
    assert not any(h.path.endswith(".docx") for h in resp.hits)


def test_attendance_alone_does_not_match_ministry(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    # every minutes lists most ministries among those present or excused; pages where a ministry
    # only attends must not match its filter, so MZd (which rarely speaks) matches few minutes pages
    mzd = pages(corpus_searcher, query="jednání", ministries=("MZd",), doc_types=("minutes",))
    everything = pages(corpus_searcher, query="jednání", doc_types=("minutes",))
    assert len(mzd) < len(everything) / 2


def test_type_and_date_range(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    got = pages(corpus_searcher, query="elektromobilita", doc_types=("presentation",),
                date_from=dt.date(2017, 4, 1), date_to=dt.date(2017, 4, 30))
    assert got and {name for name, _ in got} == {"prezentace_MD_elektromobilita_2017-04-05.pdf"}  # PPTX: same text


def test_funding_rows_take_ministry_from_provider(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    resp = corpus_searcher.search(SearchRequest(query="výzva", ministries=("MPSV",), doc_types=("funding_overview",),
                                                limit=200))
    rows = [h for h in resp.hits if h.kind == "row"]
    assert rows
    calls = 0
    for h in rows:
        units = {u["page"]: u["text"] for u in corpus_searcher.document_units(h.doc_id)}
        if units[h.page].startswith("Poskytovatel:"):  # a call row (notes under the table are plain text)
            calls += 1
            assert units[h.page].startswith("Poskytovatel: MPSV;"), units[h.page]
            assert h.ministries == ("MPSV",), (h.page, h.ministries)
    assert calls >= 2


def test_facet_counts_agree_with_filters(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    resp = corpus_searcher.search(SearchRequest(query="smart cities", limit=1))
    for code, count in resp.facets["ministry"].items():
        assert corpus_searcher.search(SearchRequest(query="smart cities", ministries=(code,), limit=1)).total == count
    for kind, count in resp.facets["doc_type"].items():
        assert corpus_searcher.search(SearchRequest(query="smart cities", doc_types=(kind,), limit=1)).total == count


def test_sets_of_ministries_match_the_ministry_rows(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    """Facets count ministries per set of ministries (one pass over the matches); the sets written with the
    generation, and those computed for a generation written before them, say what the rows say."""
    from scsearch.index.columns import _ministry_sets

    cols = corpus_searcher._open().cols
    assert cols.ministry.any() and len(cols.ministry_sets) > 1
    assert (cols.ministry_sets[cols.ministry_set].T.astype(bool) == cols.ministry).all()
    again = _ministry_sets(np.asarray(cols.ministry))
    assert (again["ministry_sets"][again["ministry_set"]].T.astype(bool) == cols.ministry).all()


def test_combinations_of_facet_values_match_the_columns(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    """Each record's combination of facet values (one count per combination gives every facet) holds its
    own codes, as written with the generation and as computed for a generation written before them."""
    from scsearch.index.columns import FACET_COLUMNS, _facet_rows

    cols = corpus_searcher._open().cols
    columns = {name: np.asarray(getattr(cols, name)) for name in FACET_COLUMNS}
    assert 1 < len(cols.facet_rows) < cols.n
    again = _facet_rows(columns)
    for rows, row in ((cols.facet_rows, cols.facet_row), (again["facet_rows"], again["facet_row"])):
        assert len(np.unique(rows, axis=0)) == len(rows)  # each combination once
        for at, name in enumerate(FACET_COLUMNS):
            assert (rows[row, at] == columns[name]).all(), name


@pytest.mark.parametrize("share", [0.0, 0.1, 0.6, 0.95, 1.0])
def test_facet_counts_equal_a_count_per_value(corpus_searcher, share: float) -> None:  # type: ignore[no-untyped-def]
    """Few matches are counted directly, most of the allowed records as every allowed record less the rest:
    both give what counting each value over the matched, allowed records gives."""
    from scsearch.index.columns import facet_counts, filter_mask
    from scsearch.index.query import parse

    st = corpus_searcher._open()
    cols = st.cols
    matched = np.random.default_rng(7).random(cols.n) < share
    for req in (SearchRequest(query="x"), SearchRequest(query="x", ministries=("MMR",)),
                SearchRequest(query="x", doc_types=("minutes",), years=(2017, 2018))):
        pq = parse(req.query)
        got = facet_counts(cols, st.filter_cache, matched, req, pq)
        got_again = facet_counts(cols, st.filter_cache, matched, req, pq)  # the cached totals
        for name, column, names in (("doc_type", cols.doc_type, cols.doc_type_names),
                                    ("year", cols.year, cols.year_names), ("meeting", cols.meeting, cols.meeting_names)):
            sel = matched & filter_mask(cols, st.filter_cache, req, pq, skip=name)
            want = {names[v]: int(c) for v, c in zip(*np.unique(column[sel], return_counts=True), strict=True)
                    if names[v]}
            assert got[name] == got_again[name] == want, (name, req)
        sel = matched & filter_mask(cols, st.filter_cache, req, pq, skip="ministry")
        want = {m: int(np.count_nonzero(row & sel)) for m, row in zip(cols.ministry_names, cols.ministry, strict=True)}
        assert got["ministry"] == {m: c for m, c in want.items() if c}, req


def test_warmed_facet_totals_serve_a_first_common_search(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    """A server counts the unfiltered totals once when a generation opens (``warm_facet_totals``): the first
    search matching most records then uses them, and counts what a cold cache counts."""
    from scsearch.index.columns import facet_counts, warm_facet_totals
    from scsearch.index.query import parse

    cols = corpus_searcher._open().cols
    cache: dict = {}
    warm_facet_totals(cols, cache)
    kept = {key for key in cache if key[0] == "counts"}
    assert kept  # the totals of the unfiltered search (one filter combination for every facet)
    matched = np.random.default_rng(11).random(cols.n) < 0.95
    req = SearchRequest(query="x")
    got = facet_counts(cols, cache, matched, req, parse(req.query))
    assert {key for key in cache if key[0] == "counts"} == kept  # the warmed totals were used, none added
    assert got == facet_counts(cols, {}, matched, req, parse(req.query))
