"""Czech citations of a hit (index/citation.py): dates, unit labels, the minutes' meeting name."""

from __future__ import annotations

import datetime as dt

import pytest

from scsearch.index.citation import NBSP, citation, czech_date, unit_label


def test_czech_date_has_no_leading_zeros_and_non_breaking_spaces() -> None:
    assert czech_date(dt.date(2016, 9, 7)) == f"7.{NBSP}9.{NBSP}2016"
    assert czech_date(dt.date(2017, 12, 31)) == f"31.{NBSP}12.{NBSP}2017"
    assert czech_date(None) == ""


@pytest.mark.parametrize(("kind", "page", "page_label", "expected"), [
    ("page", 2, None, f"s.{NBSP}2"),
    ("page", 2, "iv", f"s.{NBSP}iv"),  # the printed page label wins over the page number
    ("slide", 5, None, f"snímek{NBSP}5"),
    ("slide", 5, "iv", f"snímek{NBSP}5"),
    ("row", 12, None, f"ř.{NBSP}12"),
    ("page", None, "iv", ""),
    ("slide", None, None, ""),
])
def test_unit_label(kind: str, page: int | None, page_label: str | None, expected: str) -> None:
    assert unit_label(kind, page, page_label) == expected


def test_minutes_with_a_meeting_are_named_after_it() -> None:
    cite = citation("Zapis_PS_SC_2017-05-31", "minutes", dt.date(2017, 5, 31), "page", 2, meeting=5)
    assert cite == f"Zápis z 5.{NBSP}jednání PS pro SC, 31.{NBSP}5.{NBSP}2017, s.{NBSP}2"


def test_a_title_that_names_the_meeting_is_kept() -> None:
    cite = citation("Zápis ze 7. jednání", "minutes", None, "page", 1, meeting="7")
    assert cite == f"Zápis ze 7. jednání, s.{NBSP}1"


@pytest.mark.parametrize("meeting", [None, "", 0])
def test_minutes_without_a_meeting_keep_their_title(meeting: str | int | None) -> None:
    assert citation("Zápis", "minutes", None, "page", 3, meeting=meeting) == f"Zápis, s.{NBSP}3"


def test_other_types_ignore_the_meeting() -> None:
    cite = citation("Elektromobilita", "presentation", dt.date(2017, 4, 5), "slide", 4, meeting=4)
    assert cite == f"Elektromobilita, 5.{NBSP}4.{NBSP}2017, snímek{NBSP}4"


def test_empty_title_and_no_unit() -> None:
    assert citation("   ", "other", None, "page", None) == "Dokument"
    assert citation(" Přehled výzev ", "funding_overview", None, "row", 7) == f"Přehled výzev, ř.{NBSP}7"
