"""OpenDocument (ODT, ODS, ODP) read from the zip with a hardened lxml parser."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scsearch.errors import CorruptFile, TooLarge
from scsearch.models import UNIT_SLIDE, ExtractedDocument, Page

from .registry import Options, register
from .sheetrows import sheet_pages
from .tables import table_lines
from .textfix import clean_line
from .xmlsafe import parse
from .zipguard import check_zip

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def inline_text(el: Any, notes: list[str] | None = None) -> str:
    """Text of a paragraph: spans, spaces, tabs, line breaks; footnotes go to ``notes``."""
    parts: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == q("text:s"):
            parts.append(" " * int(child.get(q("text:c"), "1")))
        elif tag in (q("text:tab"), q("text:line-break")):
            parts.append(" ")
        elif tag == q("text:note"):
            if notes is not None:
                cite = child.find(q("text:note-citation"))
                body = child.find(q("text:note-body"))
                text = " ".join(inline_text(p) for p in body.iter(q("text:p"), q("text:h"))) if body is not None else ""
                notes.append(f"[{(cite.text or '').strip() if cite is not None else ''}] {clean_line(text)}")
        elif tag in (q("draw:frame"), q("office:annotation")):
            pass
        else:
            parts.append(inline_text(child, notes))
        parts.append(child.tail or "")
    return "".join(parts)


def _row_cells(row: Any) -> list[str]:
    cells: list[str] = []
    for cell in row:
        if cell.tag not in (q("table:table-cell"), q("table:covered-table-cell")):
            continue
        text = clean_line(" ".join(inline_text(p) for p in cell.iter(q("text:p"))))
        date = cell.get(q("office:date-value"))
        if date and len(date) >= 10 and date[:4].isdigit():
            y, m, d = date[:10].split("-")
            text = f"{int(d)}. {int(m)}. {y}"
        repeat = int(cell.get(q("table:number-columns-repeated"), "1"))
        cells.extend([text] * min(repeat, 1024))
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _cell_rows(table: Any) -> Iterator[list[str]]:
    for row in table.iter(q("table:table-row")):
        yield _row_cells(row)


_SKIP = {
    "office:annotation", "draw:page-thumbnail", "text:tracked-changes", "office:forms", "svg:title", "svg:desc",
    "text:sequence-decls", "table:table-columns", "table:table-column", "draw:image", "text:note",
}
_SKIP_CLASSES = {"page-number", "header", "footer", "date-time"}
NS["svg"] = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"


def block_lines(el: Any, notes: list[str], heading: list[str]) -> list[str]:
    """Lines of paragraphs, headings, lists, tables and shapes below ``el``, in document order."""
    out: list[str] = []
    skip = {q(t) for t in _SKIP}
    for child in el:
        if not isinstance(child.tag, str) or child.tag in skip:
            continue
        if child.get(q("presentation:class")) in _SKIP_CLASSES:
            continue
        if child.tag in (q("text:p"), q("text:h")):
            text = clean_line(inline_text(child, notes))
            if text:
                if child.tag == q("text:h") and not heading:
                    heading.append(text)
                out.append(text)
            for frame in child.iter(q("draw:text-box")):
                out.extend(block_lines(frame, notes, heading))
        elif child.tag == q("table:table"):
            out.extend(table_lines(list(_cell_rows(child)), merged=False))
        else:
            out.extend(block_lines(child, notes, heading))
    return out


def _read(path: Path, member: str) -> Any | None:
    with zipfile.ZipFile(path) as zf:
        if member not in zf.namelist():
            return None
        return parse(zf.read(member))


def _properties(path: Path) -> dict[str, str]:
    root = _read(path, "meta.xml")
    out: dict[str, str] = {}
    if root is None:
        return out
    for key, tag in (("title", "dc:title"), ("author", "meta:initial-creator"), ("author", "dc:creator"),
                     ("subject", "dc:subject"), ("created", "meta:creation-date"), ("modified", "dc:date")):
        el = next(root.iter(q(tag)), None)
        if el is not None and el.text and key not in out:
            out[key] = clean_line(el.text)
    return out


def _content(path: Path, opts: Options) -> Any:
    check_zip(path, opts.max_unzipped_mb)
    root = _read(path, "content.xml")
    if root is None:
        raise CorruptFile(str(path), "chybí content.xml")
    return root


@register("odt", extensions=(".odt", ".ott"))
def extract_odt(path: Path, opts: Options) -> ExtractedDocument:
    root = _content(path, opts)
    notes: list[str] = []
    heading: list[str] = []
    lines: list[str] = []
    for body in root.iter(q("office:text")):
        lines.extend(block_lines(body, notes, heading))
    lines += notes
    styles = _read(path, "styles.xml")
    if styles is not None:
        for master in styles.iter(q("style:master-page")):
            for part in master:
                for ln in block_lines(part, [], []):
                    if ln not in lines:
                        lines.append(ln)
    page = Page(number=None, text="\n".join(lines), heading=heading[0] if heading else "")
    return ExtractedDocument(path=str(path), format="odt", pages=(page,), properties=_properties(path))


@register("ods", extensions=(".ods", ".ots"))
def extract_ods(path: Path, opts: Options) -> ExtractedDocument:
    root = _content(path, opts)
    pages: list[Page] = []
    max_rows = opts.max_pages * 100
    for table in root.iter(q("table:table")):
        name = table.get(q("table:name"), "")
        rows: list[tuple[int, list[str]]] = []
        number = 0
        for row in table.iter(q("table:table-row")):
            repeat = int(row.get(q("table:number-rows-repeated"), "1"))
            cells = _row_cells(row)
            if any(cells):
                for k in range(min(repeat, 1000)):
                    rows.append((number + k + 1, list(cells)))
            number += repeat
        try:
            pages.extend(sheet_pages(name, rows, max_rows=max_rows - len(pages)))
        except OverflowError as exc:
            raise TooLarge(str(path), str(exc)) from exc
    return ExtractedDocument(path=str(path), format="ods", pages=tuple(pages), properties=_properties(path))


@register("odp", extensions=(".odp", ".otp"))
def extract_odp(path: Path, opts: Options) -> ExtractedDocument:
    root = _content(path, opts)
    pages: list[Page] = []
    for number, slide in enumerate(root.iter(q("draw:page")), start=1):
        if number > opts.max_pages:
            raise TooLarge(str(path), f"více než {opts.max_pages} snímků")
        title = ""
        lines: list[str] = []
        notes_lines: list[str] = []
        for child in slide:
            if child.tag == q("presentation:notes"):
                notes_lines = block_lines(child, [], [])
                continue
            if child.tag == q("draw:frame") and child.get(q("presentation:class")) == "title" and not title:
                title = " ".join(block_lines(child, [], []))
                continue
            lines.extend(block_lines([child], [], []))
        text = "\n".join(([title] if title else []) + lines + notes_lines)
        pages.append(Page(number=number, text=text, kind=UNIT_SLIDE, heading=title))
    return ExtractedDocument(path=str(path), format="odp", pages=tuple(pages), properties=_properties(path))
