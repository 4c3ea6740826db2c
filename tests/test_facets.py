"""Facet values and the URLs of search states (webui/facets.py): canonical order, defaults left out,
toggling a value, page reset, selected values kept listed."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

from werkzeug.datastructures import MultiDict

from scsearch.webui.facets import (
    build_facet,
    changed_url,
    meeting_label,
    state_args,
    url_for_state,
    with_changes,
)
from scsearch.webui.params import SearchParams

STATE = SearchParams(q="dotace městům", ministries=("MD", "MŽP"), types=("minutes",), years=(2017,),
                     meetings=(4,), date_from=dt.date(2017, 1, 1), date_to=dt.date(2017, 12, 31),
                     deadline_from=dt.date(2017, 5, 1), deadline_to=dt.date(2017, 6, 30), sort="date", page=3)


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def test_default_state_has_no_parameters() -> None:
    assert list(state_args(SearchParams()).items(multi=True)) == []
    assert url_for_state(state_args(SearchParams())) == "/"
    assert url_for_state(MultiDict(), base="/feed") == "/feed"


def test_full_state_in_canonical_order() -> None:
    assert query(url_for_state(state_args(STATE))) == [
        ("q", "dotace městům"), ("ministry", "MD"), ("ministry", "MŽP"), ("type", "minutes"), ("year", "2017"),
        ("meeting", "4"), ("from", "2017-01-01"), ("to", "2017-12-31"), ("deadline_from", "2017-05-01"),
        ("deadline_to", "2017-06-30"), ("sort", "date"), ("page", "3"),
    ]


def test_unknown_keys_are_left_out_of_urls() -> None:
    args = MultiDict([("page", "2"), ("limit", "50"), ("q", "voda")])
    assert url_for_state(args, base="/api/search") == "/api/search?q=voda&page=2"


def test_changes_reset_the_page_and_replace_or_remove_values() -> None:
    url = with_changes(STATE, sort="relevance", from_=None, ministry=["MMR"])
    pairs = query(url)
    assert ("page", "3") not in pairs and ("from", "2017-01-01") not in pairs
    assert [v for k, v in pairs if k == "ministry"] == ["MMR"]
    assert ("sort", "relevance") in pairs
    assert changed_url(SearchParams(q="a b", page=5), {}, base="/feed") == "/feed?q=a+b"


def test_facet_values_toggle_and_keep_selected_ones() -> None:
    p = SearchParams(q="voda", ministries=("MŽP",), page=2)
    facet = build_facet(p, "ministry", "Ministerstvo", {"MD": 4, "MMR": 0, "MPO": 2}, p.ministries,
                        order=["MD", "MMR", "MPO"])
    assert facet.name == "ministry" and facet.legend == "Ministerstvo"
    # a value without hits is left out unless selected; a selected one without hits stays (count 0), last
    assert [(v.value, v.count, v.selected) for v in facet.values] == [("MD", 4, False), ("MPO", 2, False),
                                                                       ("MŽP", 0, True)]
    md, _, mzp = facet.values
    assert md.label == "MD" and md.title == "Ministerstvo dopravy"
    assert query(md.url) == [("q", "voda"), ("ministry", "MŽP"), ("ministry", "MD")]  # added, page reset
    assert query(mzp.url) == [("q", "voda")]  # selected: removed


def test_facet_labels_per_kind_and_titles() -> None:
    p = SearchParams(meetings=(5,))
    types = build_facet(p, "type", "Typ", {"minutes": 3, "decision": 1}, p.types)
    assert [(v.label, v.title) for v in types.values] == [("zápis", ""), ("usnesení a úkoly", "")]
    meetings = build_facet(p, "meeting", "Jednání", {"4": 2, "5": 1}, p.meetings, titles={"4": "5. 4. 2017"})
    assert [(v.label, v.title, v.selected) for v in meetings.values] == [("4. jednání", "5. 4. 2017", False),
                                                                          ("5. jednání", "", True)]
    years = build_facet(p, "year", "Rok", {"2017": 7}, ())
    assert [(v.label, v.count) for v in years.values] == [("2017", 7)]
    assert query(years.values[0].url) == [("year", "2017"), ("meeting", "5")]
    assert meeting_label(12) == "12. jednání"
