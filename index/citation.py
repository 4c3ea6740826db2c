"""Ready-to-paste Czech citations: "Zápis z 5. jednání PS pro SC, 31. 5. 2017, s. 2"."""

from __future__ import annotations

import datetime as dt

NBSP = "\u00a0"


def czech_date(d: dt.date | None) -> str:
    """``7. 9. 2016`` with non-breaking spaces."""
    if d is None:
        return ""
    return f"{d.day}.{NBSP}{d.month}.{NBSP}{d.year}"


def unit_label(kind: str, page: int | None, page_label: str | None = None) -> str:
    if page is None:
        return ""
    if kind == "slide":
        return f"snímek{NBSP}{page}"
    if kind == "row":
        return f"ř.{NBSP}{page}"
    if kind == "part":
        return f"část{NBSP}{page}"
    label = page_label or str(page)
    return f"s.{NBSP}{label}"


def citation(
    title: str,
    doc_type: str,
    date: dt.date | None,
    kind: str,
    page: int | None,
    page_label: str | None = None,
    meeting: str | int | None = None,
) -> str:
    parts: list[str] = []
    name = title.strip() or "Dokument"
    if doc_type == "minutes" and meeting and "jednání" not in name:
        name = f"Zápis z {meeting}.{NBSP}jednání PS pro SC"
    parts.append(name)
    if date:
        parts.append(czech_date(date))
    label = unit_label(kind, page, page_label)
    if label:
        parts.append(label)
    return ", ".join(parts)
