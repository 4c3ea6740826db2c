"""Validation of request values shared by the CLI and the web (index/params.py): ranges, ASCII
digits only, dates and date ranges, and the Czech message naming the refused parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from scsearch.index import params as rp
from scsearch.index.params import ParamError


def refused(parse: Callable[..., object], *args: object, **kwargs: object) -> ParamError:
    with pytest.raises(ParamError) as info:
        parse(*args, **kwargs)
    assert str(info.value) == info.value.message
    return info.value


@pytest.mark.parametrize(("raw", "expected"), [("7", 7), (" 42 ", 42), ("+3", 3), ("-3", -3), ("007", 7),
                                               ("999999999", 999999999)])
def test_ascii_int_accepts(raw: str, expected: int) -> None:
    assert rp.ascii_int(raw) == expected


@pytest.mark.parametrize("raw", ["", " ", "٥", "５", "²", "1٥", "1.5", "1e3", "0x10", "1 000", "--1",
                                 "1234567890"])
def test_ascii_int_refuses_other_digits_and_forms(raw: str) -> None:
    assert rp.ascii_int(raw) is None


def test_limit_range_and_messages() -> None:
    assert rp.parse_limit("1") == 1
    assert rp.parse_limit(str(rp.MAX_LIMIT)) == rp.MAX_LIMIT
    err = refused(rp.parse_limit, "0")
    assert (err.param, err.message) == ("limit", f"Počet musí být 1–{rp.MAX_LIMIT}, ne 0.")
    assert refused(rp.parse_limit, str(rp.MAX_LIMIT + 1)).message == f"Počet musí být 1–{rp.MAX_LIMIT}, ne 1001."
    err = refused(rp.parse_limit, "５", param="per_page")
    assert (err.param, err.message) == ("per_page", "Neplatné číslo „５“ v parametru per_page.")


def test_offset_is_clamped_at_zero_but_must_be_a_number() -> None:
    assert rp.parse_offset("20") == 20
    assert rp.parse_offset("-5") == 0
    assert refused(rp.parse_offset, "dvacet").message == "Neplatné číslo „dvacet“ v parametru offset."


def test_meeting_range() -> None:
    assert rp.parse_meeting("1") == 1
    assert rp.parse_meeting(str(rp.MAX_MEETING)) == rp.MAX_MEETING
    for raw in ("0", "1000", "-1", "٤", "pátý"):
        err = refused(rp.parse_meeting, raw)
        assert err.param == "meeting"
        assert err.message == f"Neplatné číslo jednání „{raw}“ (očekáváno 1–{rp.MAX_MEETING})."


def test_year_range() -> None:
    assert rp.parse_year(str(rp.MIN_YEAR)) == rp.MIN_YEAR
    assert rp.parse_year(str(rp.MAX_YEAR)) == rp.MAX_YEAR
    for raw in (str(rp.MIN_YEAR - 1), str(rp.MAX_YEAR + 1), "２０１７", "17a"):
        err = refused(rp.parse_year, raw)
        assert (err.param, err.message) == ("year", f"Neplatný rok „{raw}“.")


def test_long_values_are_cut_in_the_message() -> None:
    raw = "x" * 100
    assert refused(rp.parse_year, raw).message == f"Neplatný rok „{'x' * 40}“."


def test_iso_dates_and_the_lenient_czech_form() -> None:
    assert rp.parse_date(" 2016-09-07 ", "from", "Od") == dt.date(2016, 9, 7)
    assert rp.parse_date("7. 9. 2016", "from", "Od", lenient=True) == dt.date(2016, 9, 7)
    assert rp.parse_date("07.09.2016", "from", "Od", lenient=True) == dt.date(2016, 9, 7)
    err = refused(rp.parse_date, "7. 9. 2016", "from", "Od")  # strict (API, CLI): ISO only
    assert (err.param, err.message) == ("from", "Neplatné datum „7. 9. 2016“ v poli „Od“ (očekáváno RRRR-MM-DD).")
    for raw in ("2017-02-30", "31. 2. 2017", "2017-13-01", "včera", "٢٠١٧-01-01"):
        assert refused(rp.parse_date, raw, "to", "Do", lenient=True).param == "to"


def test_inverted_ranges_are_refused() -> None:
    early, late = dt.date(2017, 1, 1), dt.date(2017, 12, 31)
    rp.check_range(early, late, "from", "Datum")
    rp.check_range(early, early, "from", "Datum")
    rp.check_range(None, early, "from", "Datum")
    rp.check_range(late, None, "from", "Datum")
    err = refused(rp.check_range, late, early, "from", "Datum")
    assert (err.param, err.message) == ("from", "Datum „od“ je pozdější než datum „do“.")
    err = refused(rp.check_range, late, early, "deadline_from", "Termín")
    assert (err.param, err.message) == ("deadline_from", "Termín „od“ je pozdější než termín „do“.")


@pytest.mark.parametrize(("raw", "code"), [("MD", "MD"), ("md", "MD"), ("mzp", "MŽP"), ("MŽP", "MŽP"),
                                           ("Ministerstvo životního prostředí", "MŽP")])
def test_ministry_from_any_spelling(raw: str, code: str) -> None:
    assert rp.parse_ministry(raw) == code


def test_unknown_ministry_lists_the_codes() -> None:
    err = refused(rp.parse_ministry, "MXY")
    assert (err.param, err.message) == ("ministry", f"Neznámé ministerstvo „MXY“ ({rp.MINISTRY_CODES}).")
    assert refused(rp.parse_ministry, "", param="m").param == "m"


def test_doc_types_and_sorts() -> None:
    assert rp.parse_doc_type(" Minutes ") == "minutes"
    assert rp.parse_doc_type("decision") == "decision"
    err = refused(rp.parse_doc_type, "zápis")
    assert err.message == f"Neznámý typ dokumentu „zápis“ ({', '.join(rp.TYPES)})."
    assert rp.parse_sort("") == "relevance"
    assert rp.parse_sort(" date_asc ") == "date_asc"
    err = refused(rp.parse_sort, "DATE")
    assert (err.param, err.message) == ("sort", "Neznámé řazení „DATE“ (relevance, date, date_asc).")
