"""Hits and decisions as CSV (UTF-8 with BOM, for Excel), RIS and BibTeX (for Zotero and the like).

Shared by ``scsearch search --csv`` / ``scsearch decisions --csv`` and ``/api/search.csv``,
``/api/search.ris``, ``/api/search.bib``, ``/api/decisions.csv``. The caller builds one ``ExportRow``
per hit (``export_row``), with the absolute or site-relative URL of the hit in the web UI.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scsearch.index.types import Hit

BOM = "\ufeff"
GROUP_NAME = "Pracovní skupina pro Smart Cities"
SEARCH_COLUMNS = ("path", "title", "type", "date", "ministries", "page", "citation", "snippet", "url")
DECISION_COLUMNS = ("number", "kind", "text", "responsible", "deadline", "path", "title", "date", "page",
                    "citation", "url")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ExportRow:
    hit: Hit
    url: str
    issuer: str  # the issuing body: the document's authoring ministries, else the working group


def plain(snippet_html: str) -> str:
    """Snippet text without markup: tags dropped, entities decoded, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", snippet_html))).strip()


def one_line(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def issuer(doc: Mapping[str, Any] | None) -> str:
    """Full names of the ministries that authored a document (manifest ``authors``), else the group."""
    from scsearch.language.entities import BY_CODE

    names = []
    for code in (doc or {}).get("authors") or ():
        ent = BY_CODE.get(code)
        names.append(ent.label if ent else str(code))
    return "; ".join(names) or GROUP_NAME


def export_row(hit: Hit, url: str, doc: Mapping[str, Any] | None) -> ExportRow:
    return ExportRow(hit=hit, url=url, issuer=issuer(doc))


def _csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _defuse(str(v)) for v in row])
    return out.getvalue()


def _defuse(value: str) -> str:
    """A cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) gets a leading ``'``."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def search_csv(rows: Iterable[ExportRow]) -> str:
    return _csv(SEARCH_COLUMNS, (
        (r.hit.path, r.hit.title, r.hit.doc_type, r.hit.date.isoformat() if r.hit.date else "",
         ", ".join(r.hit.ministries), r.hit.page_label or r.hit.page, one_line(r.hit.citation),
         plain(r.hit.snippet), r.url)
        for r in rows
    ))


def decisions_csv(rows: Iterable[ExportRow]) -> str:
    def cells(r: ExportRow) -> tuple[Any, ...]:
        d = r.hit.decision or {}
        return (d.get("number", ""), d.get("kind", ""), one_line(d.get("text", "")),
                ", ".join(d.get("responsible", [])), d.get("deadline") or d.get("deadline_text", ""),
                r.hit.path, r.hit.title, r.hit.date.isoformat() if r.hit.date else "", r.hit.page,
                one_line(r.hit.citation), r.url)

    return _csv(DECISION_COLUMNS, (cells(r) for r in rows))


# ------------------------------------------------------------------ RIS


def ris(rows: Iterable[ExportRow]) -> str:
    """RIS records (``TY  - GOVDOC`` … ``ER  -``), one per hit; values are single lines."""
    out: list[str] = []
    for r in rows:
        h = r.hit
        tags: list[tuple[str, str]] = [("TY", "GOVDOC"), ("TI", one_line(h.title) or h.path)]
        if h.date:
            tags += [("PY", str(h.date.year)), ("DA", h.date.strftime("%Y/%m/%d/"))]
        tags.append(("PB", r.issuer))
        if h.page is not None:
            tags.append(("SP", str(h.page_label or h.page)))
        tags += [("UR", r.url), ("N1", one_line(h.citation)), ("AB", plain(h.snippet)), ("ER", "")]
        out += [f"{tag}  - {one_line(value)}" for tag, value in tags if value or tag == "ER"]
        out.append("")
    return "\r\n".join(out)


# ------------------------------------------------------------------ BibTeX

_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def bib_escape(text: str) -> str:
    """Text for a braced BibTeX field (UTF-8 kept; biber, Zotero and JabRef read it)."""
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in one_line(text))


def _bib_key(h: Hit, n: int) -> str:
    ascii_title = unicodedata.normalize("NFKD", h.title).encode("ascii", "ignore").decode()
    word = next((w for w in re.findall(r"[A-Za-z]{3,}", ascii_title)), "dokument").lower()
    year = h.date.year if h.date else "nd"
    return f"{word}{year}_{n}"


def bibtex(rows: Iterable[ExportRow]) -> str:
    """One ``@misc`` entry per hit with title, the issuing body (a corporate author in double braces and
    the institution), year and date, pages, url and the citation as note."""
    entries: list[str] = []
    for n, r in enumerate(rows, 1):
        h = r.hit
        body = bib_escape(r.issuer)
        fields: list[tuple[str, str]] = [("title", bib_escape(h.title or h.path)), ("author", "{" + body + "}"),
                                          ("institution", body)]
        if h.date:
            fields += [("year", str(h.date.year)), ("date", h.date.isoformat())]
        if h.page is not None:
            fields.append(("pages", bib_escape(str(h.page_label or h.page))))
        fields += [("url", one_line(r.url).replace("}", "%7D").replace("{", "%7B")),
                   ("note", bib_escape(h.citation))]
        lines = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        entries.append(f"@misc{{{_bib_key(h, n)},\n{lines}\n}}\n")
    return "\n".join(entries)


def rows_for(hits: Iterable[Hit], documents: Iterable[Mapping[str, Any]], q: str, base: str) -> list[ExportRow]:
    """Rows for hits outside the web UI (the CLI): URLs from ``base`` (the setting ``base_url``)."""
    from scsearch import urls

    docs = {d.get("doc_id"): d for d in documents}
    return [export_row(h, urls.absolute(urls.document_path(h.doc_id, q, urls.unit_anchor(h.record_id, h.page)),
                                        base), docs.get(h.doc_id)) for h in hits]
