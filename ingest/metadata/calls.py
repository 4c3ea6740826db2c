"""Funding calls in the rows of a funding overview (XLSX rows, PDF/DOCX table lines).

A row is a labelled line as the extractors write tables ("Poskytovatel: MMR; Program: IROP; Výzva: …;
Alokace (mil. Kč): 1 200,0; Příjem žádostí od: 15. 11. 2016; do: 29. 6. 2017; Oprávnění žadatelé: obce"),
or, on a page where a table goes on without its header, cells joined by " | " in the columns of the
last header seen. Wrong-looking values are kept and flagged (``CallRow.flags``), never dropped.

>>> rows = call_rows_from_lines([(1, 1, "Poskytovatel: MŽP; Program: OPŽP; Výzva: 69. výzva – Budovy; "
...     "Alokace (mil. Kč): 3 000,0; Příjem žádostí od: 1. 3. 2017; do: 31. 8. 2017; Oprávnění žadatelé: obce, kraje")])
>>> rows[0].allocation_czk, rows[0].categories, rows[0].call_number
(3000000000, ('obce', 'kraje'), '69')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scsearch.language.dates import find_dates
from scsearch.language.entities import find_entities, ministry_of, normalize_ministry
from scsearch.language.tokenize import fold
from scsearch.models import MINISTRIES, UNIT_ROW, ExtractedDocument

# Flags (Czech, shown to users as they are).
FLAG_END_BEFORE_START = "konec příjmu žádostí je před jeho začátkem"
FLAG_ALLOCATION_NAN = "alokace není číslo"
FLAG_MERGED = "sloučená buňka přes více řádků (hodnota převzata z řádku výše)"
FLAG_BAD_DATE = "datum nelze přečíst"

CONTINUOUS = "průběžně"

# Column label (folded, without spaces and unit) -> field.
_LABELS: tuple[tuple[str, str], ...] = (
    ("poskytovatel", "provider"), ("resort", "provider"), ("ministerstvo", "provider"),
    ("program", "programme"), ("operacniprogram", "programme"),
    ("nazevvyzvy", "call"), ("cislovyzvy", "call"), ("vyzva", "call"),
    ("oblast", "area"), ("tema", "area"),
    ("alokace", "allocation"), ("castka", "allocation"),
    ("prijemzadostiod", "open_from"), ("zahajeniprijmu", "open_from"), ("od", "open_from"),
    ("prijemzadostido", "open_to"), ("ukonceniprijmu", "open_to"), ("uzaverka", "open_to"), ("do", "open_to"),
    ("opravnenizadatele", "applicants"), ("zadatele", "applicants"), ("prijemci", "applicants"),
)  # fmt: skip
_FILL_DOWN = ("provider", "programme", "area")  # columns whose cells are typically merged over rows

# Applicant categories: (name, regex on the folded start of one applicant item).
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("svazky obcí", r"(?:dobrovoln\w*\s+)?svaz\w*\s+obc|dso\b|mikroregion"),
    ("obce", r"obce\b|obec\b|mest[ao]\b|statutarni\s+mest|mestsk\w*\s+cast|hl\.?\s*m\.?\s*prah|hlavni\s+mesto"),
    ("kraje", r"kraje\b|kraj\b|hl\.?\s*m\.?\s*prah|hlavni\s+mesto"),
    ("MAS", r"mistni\s+akcni\s+skupin|mas\b"),
    ("neziskové organizace", r"nno\b|(?:nestatni\s+)?neziskov|cirkev|cirkv|spolk|obecne\s+prospes"),
    ("podnikatelé", r"podnik|(?:male|stredni|velke)\b.*podnik|obchodni\s+spol|dopravc|dopravni\s+podnik|"
                    r"provozovatel\w*\s+distrib|osvc"),
    ("příspěvkové organizace", r"prispevkov|organizace\s+(?:zrizovan|zakladan)"),
    ("stát", r"organizacni\s+slozk|statni\s+organizac"),
    ("školy", r"vysok\w*\s+skol|skol|univerzit"),
    ("vlastníci bytových domů", r"vlastnic\w*\s+bytov|svj\b|spolecenstv\w*\s+vlastnik|bytov\w*\s+druzstv"),
    ("poskytovatelé sociálních služeb", r"poskytovatel\w*\s+socialn"),
)  # fmt: skip
_CATEGORY_RES = tuple((name, re.compile(rx)) for name, rx in CATEGORIES)
OTHER_CATEGORY = "ostatní"

_NUMBER = re.compile(r"\d{1,3}(?:[  .]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?")
_UNIT = re.compile(r"(mld|mil|tis)\.?\s*(?:kc|czk)|\b(kc|czk)\b")
_FACTORS = {"mld": 10**9, "mil": 10**6, "tis": 10**3, "kc": 1, "czk": 1}
_CALL_NUMBER = (
    re.compile(r"(?<![\w.])(\d{1,4})\.\s*výzv", re.IGNORECASE),  # 53. výzva
    re.compile(r"výzv\w*\s+(?:č\.\s*)?(\d{1,4}(?:/\d{2,4})?)(?!\w)", re.IGNORECASE),  # Výzva č. 2/2017
    re.compile(r"(?:operace|program|podprogram|dotační\s+titul)\s+(\d[\d. ]*\d|\d)", re.IGNORECASE),
)


@dataclass(frozen=True)
class CallRow:
    """One row of one overview: what that overview said about a call."""

    call: str
    programme: str
    provider: tuple[str, ...]  # ministry codes
    area: str
    open_from: dt.date | None
    open_to: dt.date | None
    open_text: str  # the dates as printed ("15. 11. 2016 – 29. 6. 2017", "průběžně")
    continuous: bool  # "průběžně": no fixed window
    allocation_czk: int | None
    allocation_text: str
    applicants: str
    categories: tuple[str, ...]
    path: str
    page: int | None  # PDF page (None for a spreadsheet)
    row: int  # spreadsheet row, or the table row on the page (1-based)
    flags: tuple[str, ...] = ()

    @property
    def call_number(self) -> str:
        return call_number(self.call)

    def to_json(self) -> dict[str, Any]:
        return {
            "call": self.call, "programme": self.programme, "provider": list(self.provider), "area": self.area,
            "open_from": self.open_from.isoformat() if self.open_from else None,
            "open_to": self.open_to.isoformat() if self.open_to else None,
            "open_text": self.open_text, "continuous": self.continuous,
            "allocation_czk": self.allocation_czk, "allocation_text": self.allocation_text,
            "applicants": self.applicants, "categories": list(self.categories),
            "path": self.path, "page": self.page, "row": self.row, "flags": list(self.flags),
        }  # fmt: skip

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CallRow:
        def day(v: Any) -> dt.date | None:
            return dt.date.fromisoformat(v) if isinstance(v, str) and v else None

        return cls(
            call=str(d.get("call", "")), programme=str(d.get("programme", "")),
            provider=tuple(d.get("provider") or ()), area=str(d.get("area", "")),
            open_from=day(d.get("open_from")), open_to=day(d.get("open_to")),
            open_text=str(d.get("open_text", "")), continuous=bool(d.get("continuous")),
            allocation_czk=d.get("allocation_czk"), allocation_text=str(d.get("allocation_text", "")),
            applicants=str(d.get("applicants", "")), categories=tuple(d.get("categories") or ()),
            path=str(d.get("path", "")), page=d.get("page"), row=int(d.get("row") or 0),
            flags=tuple(d.get("flags") or ()),
        )  # fmt: skip


# ---------------------------------------------------------------- values
def call_number(name: str) -> str:
    """The number of a call in its name: '53. výzva – …' -> '53', 'Výzva č. 2/2017' -> '2/2017'."""
    for rx in _CALL_NUMBER:
        m = rx.search(name)
        if m:
            return re.sub(r"\s+", "", m.group(1)).rstrip(".")
    return ""


def parse_allocation(value: str, label: str = "") -> tuple[int | None, bool]:
    """CZK from '1 200,0' under 'Alokace (mil. Kč)', '1,2 mld. Kč', '500 000 Kč'; (None, False) when not a number."""
    folded = fold(value).replace("\u00a0", " ")
    m = _NUMBER.search(folded)
    if not m or re.search(r"[a-z]{4,}", _UNIT.sub("", folded.replace(m.group(0), ""))):
        return None, False
    number = float(re.sub(r"[  .](?=\d{3})", "", m.group(0)).replace(",", "."))
    unit = _UNIT.search(folded) or _UNIT.search(fold(label))
    factor = _FACTORS[(unit.group(1) or unit.group(2))] if unit else 1
    return int(round(number * factor)), True


def categories_of(applicants: str) -> tuple[str, ...]:
    """Normalised applicant categories of an applicants text ('obce, dobrovolné svazky obcí' -> obce, svazky obcí)."""
    found: list[str] = []
    for item in re.split(r"\s*[,;]\s*|\s+a\s+|\s+nebo\s+|\s*\+\s*", fold(applicants)):
        item = item.strip(" .()")
        if not item:
            continue
        names = [name for name, rx in _CATEGORY_RES if rx.match(item)]
        found.extend(names or [OTHER_CATEGORY])
    return tuple(dict.fromkeys(found))


def applicant_category(text: str) -> str | None:
    """The category a user's applicant filter names ('obce', 'obec', 'svazky', 'nno', 'MAS'), or None."""
    f = fold(text).strip()
    for name, _ in CATEGORIES:
        if fold(name) == f:
            return name
    aliases = {"svazky": "svazky obcí", "dso": "svazky obcí", "mesta": "obce", "obec": "obce",
               "podnikatel": "podnikatelé", "firmy": "podnikatelé", "nno": "neziskové organizace",
               "neziskovky": "neziskové organizace", "kraj": "kraje"}  # fmt: skip
    if f in aliases:
        return aliases[f]
    cats = categories_of(text)
    return cats[0] if len(cats) == 1 and cats[0] != OTHER_CATEGORY else None


def _providers(value: str) -> tuple[str, ...]:
    codes: list[str] = []
    for part in re.split(r"\s*[,/;+]\s*|\s+a\s+", value):
        code = normalize_ministry(part) if part else None
        if code is None:
            code = next((c for c in (ministry_of(e.code) for e in find_entities(part)) if c), None)
        if code:
            codes.append(code)
    return tuple(c for c in MINISTRIES if c in codes)


def _date(value: str) -> tuple[dt.date | None, bool]:
    """(date, readable); 'průběžně' or empty is (None, True)."""
    v = value.strip()
    if not v or fold(v).startswith("prubez"):
        return None, True
    found = find_dates(v)
    return (found[0].date, True) if found else (None, False)


# ---------------------------------------------------------------- rows
def _field_of(label: str) -> str | None:
    key = re.sub(r"\(.*?\)|[^a-z]", "", fold(label))
    for prefix, name in _LABELS:
        if key == prefix or (len(prefix) > 3 and key.startswith(prefix)):
            return name
    return None


def _split_labelled(line: str) -> list[tuple[str, str]] | None:
    parts = re.split(r";\s+(?=[^;:]{1,40}:\s)", line)
    out: list[tuple[str, str]] = []
    for part in parts:
        label, sep, value = part.partition(": ")
        if not sep:
            return None
        out.append((label.strip(), value.strip()))
    return out


def call_rows_from_lines(lines: Iterable[tuple[int | None, int, str]], path: str = "") -> list[CallRow]:
    """Call rows from (page, row, line) triples; a line without a call name is not a call."""
    header: list[str] = []
    previous: dict[str, str] = {}
    on_page: dict[int | None, int] = {}
    out: list[CallRow] = []
    for page, row, line in lines:
        pairs = _split_labelled(line)
        cells: dict[str, str] = {}
        labels: dict[str, str] = {}
        if pairs and sum(1 for lab, _ in pairs if _field_of(lab)) >= 3:
            header = [lab for lab, _ in pairs] if len(pairs) >= len(header) else header
            for lab, val in pairs:
                name = _field_of(lab)
                if name and name not in cells:
                    cells[name], labels[name] = val, lab
        elif header and " | " in line and len(line.split(" | ")) == len(header):
            for lab, val in zip(header, line.split(" | "), strict=True):
                name = _field_of(lab)
                if name and name not in cells:
                    cells[name], labels[name] = val.strip(), lab
        if not cells.get("call"):
            continue
        flags: list[str] = []
        for name in _FILL_DOWN:
            if not cells.get(name) and previous.get(name):
                cells[name] = previous[name]
                if FLAG_MERGED not in flags:
                    flags.append(FLAG_MERGED)
        previous = {k: v for k, v in cells.items() if k in _FILL_DOWN}
        if not row:  # a table line on a page (not a spreadsheet row): its row among the calls of that page
            on_page[page] = row = on_page.get(page, 0) + 1
        out.append(_row(cells, labels, flags, path, page, row))
    return out


def _row(cells: dict[str, str], labels: dict[str, str], flags: list[str], path: str, page: int | None,
         row: int) -> CallRow:
    start_text, end_text = cells.get("open_from", ""), cells.get("open_to", "")
    start, ok1 = _date(start_text)
    end, ok2 = _date(end_text)
    if not (ok1 and ok2):
        flags.append(FLAG_BAD_DATE)
    if start and end and end < start:
        flags.append(FLAG_END_BEFORE_START)
    continuous = fold(start_text).startswith("prubez") or fold(end_text).startswith("prubez")
    allocation_text = cells.get("allocation", "")
    allocation, ok = parse_allocation(allocation_text, labels.get("allocation", "")) if allocation_text else (None, True)
    if not ok:
        flags.append(FLAG_ALLOCATION_NAN)
    unit = re.search(r"(?:mld|mil|tis)\.?\s*Kč|Kč", labels.get("allocation", ""))
    if allocation_text and ok and unit and not _UNIT.search(fold(allocation_text)):
        allocation_text = f"{allocation_text} {unit.group(0)}"
    open_text = CONTINUOUS if continuous and not (start or end) else " – ".join(x for x in (start_text, end_text) if x)
    applicants = cells.get("applicants", "")
    return CallRow(
        call=cells["call"], programme=cells.get("programme", ""), provider=_providers(cells.get("provider", "")),
        area=cells.get("area", ""), open_from=start, open_to=end, open_text=open_text, continuous=continuous,
        allocation_czk=allocation, allocation_text=allocation_text,
        applicants=applicants, categories=categories_of(applicants) if applicants else (), path=path,
        page=page, row=row, flags=tuple(flags),
    )  # fmt: skip


def extract_calls(doc: ExtractedDocument, path: str) -> tuple[CallRow, ...]:
    """Every call row of an extracted overview: spreadsheet rows, or table lines page by page."""
    lines: list[tuple[int | None, int, str]] = []
    for page in doc.pages:
        if page.kind == UNIT_ROW:
            lines.append((None, page.number or 0, page.text))
            continue
        lines.extend((page.number, 0, line) for line in page.text.splitlines() if line.strip())
    return tuple(call_rows_from_lines(lines, path))
