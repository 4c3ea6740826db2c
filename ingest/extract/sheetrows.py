"""Spreadsheet rows as Pages: header-row detection and "Column: value; ..." text (XLSX, ODS).

>>> rows = [(1, ["Přehled výzev", None]), (3, ["Poskytovatel", "Výzva"]), (4, ["MŽP", "Výzva 5"])]
>>> [(p.number, p.text) for p in sheet_pages("List1", rows)]
[(1, 'Přehled výzev'), (4, 'Poskytovatel: MŽP; Výzva: Výzva 5')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from scsearch.models import UNIT_ROW, Page

from .tables import cell_text, labelled_row, looks_like_header

HEADER_SEARCH_ROWS = 20


def value_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ano" if value else "ne"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return f"{value.day}. {value.month}. {value.year}"
        return f"{value.day}. {value.month}. {value.year} {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day}. {value.month}. {value.year}"
    return cell_text(value)


def _find_header(rows: list[tuple[int, list[str]]]) -> int | None:
    head = rows[:HEADER_SEARCH_ROWS]
    if not head:
        return None
    width = max(sum(1 for c in r if c) for _, r in head)
    for i, (_, cells) in enumerate(head):
        filled = sum(1 for c in cells if c)
        if filled >= 2 and filled * 2 >= width and looks_like_header(cells):
            return i
    return None


def sheet_pages(sheet: str, rows: Iterable[tuple[int, Sequence[object]]], max_rows: int = 1_000_000) -> list[Page]:
    """Pages for the non-empty rows of a sheet; ``rows`` holds (1-based row number, cell values).

    Rows below the header are labelled with its column names ("Poskytovatel: MŽP; Výzva: …"), except
    a row with a single filled cell under a wide header: a note under the table, kept as plain text."""
    clean: list[tuple[int, list[str]]] = []
    for number, values in rows:
        cells = [value_text(v) for v in values]
        if any(cells):
            clean.append((number, cells))
            if len(clean) > max_rows:
                raise OverflowError(f"více než {max_rows} řádků")
    h = _find_header(clean)
    pages = []
    for i, (number, cells) in enumerate(clean):
        if h is not None and i == h:
            if i == len(clean) - 1:
                pages.append(Page(number=number, text=" | ".join(c for c in cells if c), kind=UNIT_ROW, heading=sheet, sheet=sheet))
            continue
        header_width = sum(1 for c in clean[h][1] if c) if h is not None else 0
        if h is not None and i > h and not (header_width >= 3 and sum(1 for c in cells if c) == 1):
            text = labelled_row(clean[h][1], cells)
        else:
            text = " | ".join(c for c in cells if c)
        pages.append(Page(number=number, text=text, kind=UNIT_ROW, heading=sheet, sheet=sheet))
    return pages
