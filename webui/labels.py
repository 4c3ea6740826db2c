"""Czech labels and typography for the templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scsearch.index.citation import NBSP, czech_date, unit_label
from scsearch.index.stored import date_from_int

TYPE_LABELS: dict[str, str] = {
    "minutes": "zápis",
    "presentation": "prezentace",
    "funding_overview": "přehled výzev",
    "plan": "plán",
    "methodology": "metodika",
    "other": "ostatní",
    "decision": "usnesení a úkoly",
}
DECISION_KIND_LABELS: dict[str, str] = {
    "task": "úkol",
    "resolution": "usnesení",
    "conclusion": "závěr",
    "noted": "bere na vědomí",
}
METHOD_LABELS: dict[str, str] = {
    "text": "textová vrstva",
    "ocr": "OCR (rozpoznaný sken)",
    "mixed": "text a OCR",
    "needs_ocr": "sken bez rozpoznaného textu",
}
UNIT_KIND_LABELS: dict[str, str] = {"page": "strany", "slide": "snímky", "row": "řádky", "part": "části"}
DATE_SOURCE_LABELS: dict[str, str] = {
    "content": "z textu dokumentu",
    "filename": "z názvu souboru",
    "properties": "z vlastností souboru",
    "override": "ruční oprava",
    "page": "ze stránky pracovní skupiny",
}
MONTHS = ("ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října",
          "listopadu", "prosince")


def type_label(code: str | None) -> str:
    return TYPE_LABELS.get(code or "", code or "")


def ministry_name(code: str) -> str:
    """Full Czech name of a ministry code (for title attributes)."""
    from scsearch.language.entities import BY_CODE

    ent = BY_CODE.get(code)
    return ent.label if ent else code


def date_label(value: dt.date | str | int | None) -> str:
    """``7. 9. 2016`` with non-breaking spaces from a date, ISO string or yyyymmdd int."""
    d: dt.date | None
    if isinstance(value, dt.date):
        d = value
    elif isinstance(value, int):
        d = date_from_int(value)
    elif isinstance(value, str) and value:
        try:
            d = dt.date.fromisoformat(value[:10])
        except ValueError:
            d = None
    else:
        d = None
    return czech_date(d)


def place_label(kind: str | None, page: int | None, page_label: str | None = None) -> str:
    """``s. 2`` / ``snímek 3`` / ``ř. 5`` with a non-breaking space."""
    return unit_label(kind or "page", page, page_label)


def datetime_label(iso: str | None) -> str:
    """``12. 3. 2025 14:05`` in Prague time from an ISO timestamp (UTC when tzdata is missing)."""
    if not iso:
        return ""
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = "UTC"
    if t.tzinfo is not None:
        try:
            from zoneinfo import ZoneInfo

            t = t.astimezone(ZoneInfo("Europe/Prague"))
            zone = ""
        except Exception:  # noqa: BLE001 - no tz database: show UTC
            t = t.astimezone(dt.UTC)
    text = f"{czech_date(t.date())} {t.hour}:{t.minute:02d}"
    return f"{text}{NBSP}{zone}" if zone else text


def plural(n: int, one: str, few: str, many: str) -> str:
    """Czech plural: 1 dokument, 2 dokumenty, 5 dokumentů."""
    if n == 1:
        return one
    if 2 <= n <= 4:
        return few
    return many


def number(n: int) -> str:
    """``12 345`` with a non-breaking (thin) space as the thousands separator."""
    return f"{n:,}".replace(",", NBSP)


FILTERS: dict[str, Any] = {
    "type_label": type_label,
    "ministry_name": ministry_name,
    "czdate": date_label,
    "czdatetime": datetime_label,
    "decision_kind": lambda k: DECISION_KIND_LABELS.get(k or "", k or ""),
    "method_label": lambda m: METHOD_LABELS.get(m or "", m or ""),
    "date_source_label": lambda s: DATE_SOURCE_LABELS.get(s or "", s or ""),
    "number": number,
}


JOB_STATE_LABELS: dict[str, str] = {
    "queued": "ve frontě",
    "running": "probíhá",
    "done": "dokončeno",
    "failed": "selhalo",
    "interrupted": "přerušeno",
}
FILE_STATUS_LABELS: dict[str, str] = {
    "indexed": "zaindexováno",
    "unchanged": "beze změny",
    "failed": "chyba",
    "removed": "odstraněno z indexu",
    "skipped": "přeskočeno",
    "downloaded": "staženo z webu",
    "withdrawn": "odstraněno z webu",
    "moved": "přesunuto na webu",
}
