"""DOCX: headings, paragraphs and tables in body order, headers/footers once, footnotes and endnotes.

The whole document is one Page (number None): Word stores no reliable page breaks.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scsearch.models import ExtractedDocument, Page

from .registry import Options, register
from .tables import table_lines
from .textfix import clean_line
from .xmlsafe import parse
from .zipguard import check_zip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADING_STYLES = ("heading", "nadpis", "title", "název")

if TYPE_CHECKING:
    from docx.table import Table


def _block_lines(parent: Any, element: Any, heading: list[str]) -> list[str]:
    from docx.oxml.ns import qn  # python-docx is imported when a DOCX is read, not by every worker
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            para = Paragraph(child, parent)
            text = clean_line(para.text)
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            if not heading and style.lower().startswith(HEADING_STYLES):
                heading.append(text)
            out.append(text)
        elif child.tag == qn("w:tbl"):
            out.extend(_table(Table(child, parent)))
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            out.extend(_block_lines(parent, child, heading))
    return out


def _table(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        try:
            rows.append([clean_line(c.text) for c in row.cells])
        except (IndexError, ValueError, KeyError):
            continue
    return table_lines(rows, merged=True)


def _notes(path: Path, member: str, tag: str) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        if member not in zf.namelist():
            return []
        root = parse(zf.read(member))
    out: list[str] = []
    for note in root.iter(W + tag):
        if note.get(W + "type") not in (None, "normal"):
            continue
        paras = [clean_line("".join(t.text or "" for t in p.iter(W + "t"))) for p in note.iter(W + "p")]
        text = " ".join(p for p in paras if p)
        if text:
            out.append(f"[{len(out) + 1}] {text}")
    return out


def _headers_footers(document: Any) -> list[str]:
    seen: list[str] = []
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            try:
                if part.is_linked_to_previous:
                    continue
                lines = _block_lines(part, part._element, [])
            except (ValueError, KeyError, AttributeError):
                continue
            for ln in lines:
                if ln not in seen:
                    seen.append(ln)
    return seen


def _properties(document: Any) -> dict[str, str]:
    cp = document.core_properties
    out = {}
    for key, value in (("title", cp.title), ("author", cp.author), ("subject", cp.subject),
                       ("created", cp.created), ("modified", cp.modified)):
        if value:
            out[key] = value.isoformat() if hasattr(value, "isoformat") else clean_line(str(value))
    return out


@register("docx", extensions=(".docx", ".docm", ".dotx"))
def extract_docx(path: Path, opts: Options) -> ExtractedDocument:
    import docx

    check_zip(path, opts.max_unzipped_mb)
    document = docx.Document(str(path))
    heading: list[str] = []
    lines = _block_lines(document, document.element.body, heading)
    lines += _notes(path, "word/footnotes.xml", "footnote")
    lines += _notes(path, "word/endnotes.xml", "endnote")
    lines += _headers_footers(document)
    return ExtractedDocument(
        path=str(path),
        format="docx",
        pages=(Page(number=None, text="\n".join(lines), heading=heading[0] if heading else ""),),
        properties=_properties(document),
    )
