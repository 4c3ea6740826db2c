"""XLSX: every sheet, each non-empty row a Page (kind "row", number = row in the sheet)."""

from __future__ import annotations

from pathlib import Path

from scsearch.errors import TooLarge
from scsearch.models import ExtractedDocument, Page

from .registry import Options, register
from .sheetrows import sheet_pages
from .textfix import clean_line
from .zipguard import check_zip


@register("xlsx", extensions=(".xlsx", ".xlsm"))
def extract_xlsx(path: Path, opts: Options) -> ExtractedDocument:
    import openpyxl  # imported when an XLSX is read, not by every extraction worker

    check_zip(path, opts.max_unzipped_mb)
    wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    try:
        pages: list[Page] = []
        max_rows = opts.max_pages * 100
        for ws in wb.worksheets:
            rows = ((i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1))
            try:
                pages.extend(sheet_pages(ws.title, rows, max_rows=max_rows - len(pages)))
            except OverflowError as exc:
                raise TooLarge(str(path), str(exc)) from exc
        props = {}
        cp = wb.properties
        for key, value in (("title", cp.title), ("author", cp.creator), ("subject", cp.subject),
                           ("created", cp.created), ("modified", cp.modified)):
            if value:
                props[key] = value.isoformat() if hasattr(value, "isoformat") else clean_line(str(value))
    finally:
        wb.close()
    return ExtractedDocument(path=str(path), format="xlsx", pages=tuple(pages), properties=props)
