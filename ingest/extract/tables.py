"""Tables as text: one line per row, each cell labelled with its column header.

>>> table_lines([["Poskytovatel", "Výzva"], ["MŽP", "Výzva 1/2017"], ["MMR", None]])
['Poskytovatel: MŽP; Výzva: Výzva 1/2017', 'Poskytovatel: MMR']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Cell = str | None


def cell_text(value: object) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def _dedupe_merged(row: list[str]) -> list[str]:
    """python-docx/pptx repeat a merged cell in every grid column it spans: keep it once."""
    out: list[str] = []
    for i, c in enumerate(row):
        out.append("" if i and c and c == row[i - 1] else c)
    return out


def labelled_row(header: Sequence[str], row: Sequence[str]) -> str:
    parts = []
    for i, value in enumerate(row):
        if not value:
            continue
        label = header[i] if i < len(header) else ""
        parts.append(f"{label}: {value}" if label and label != value else value)
    return "; ".join(parts)


def looks_like_header(row: Sequence[str]) -> bool:
    filled = [c for c in row if c]
    if len(filled) < 2 or len(filled) * 2 < len(row):
        return False
    numeric = sum(bool(re.fullmatch(r"[\d\s.,%/:-]+", c)) for c in filled)
    return numeric * 2 < len(filled) and len(set(filled)) == len(filled)


def table_lines(rows: Sequence[Sequence[Cell]], merged: bool = False) -> list[str]:
    """Rows of a table as labelled lines; the first row is the header when it looks like one."""
    clean = [[cell_text(c) for c in r] for r in rows]
    if merged:
        clean = [_dedupe_merged(r) for r in clean]
    clean = [r for r in clean if any(r)]
    if not clean:
        return []
    if len(clean) >= 2 and looks_like_header(clean[0]):
        header, body = clean[0], clean[1:]
        return [line for line in (labelled_row(header, r) for r in body) if line]
    return [" | ".join(c for c in r if c) for r in clean]
