"""Shared helpers for the metadata tests: real Litovel PDFs read with pdfplumber, page by page."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from scsearch.models import ExtractedDocument, Page

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CZECH_DOCS = SHARED / "eval" / "czech-docs"


def czech_doc_path(name: str) -> Path:
    path = CZECH_DOCS / name
    if not path.is_file():
        pytest.skip(f"shared evaluation file missing: {path} (needs ../shared/eval/czech-docs)")
    return path


@cache
def _read_pdf(path: str) -> ExtractedDocument:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        pages = tuple(Page(number=i + 1, text=p.extract_text() or "") for i, p in enumerate(pdf.pages))
    return ExtractedDocument(path=path, format="pdf", pages=pages)


def litovel(name: str) -> ExtractedDocument:
    """An ExtractedDocument of ``litovel__<name>`` (text via pdfplumber's extract_text per page)."""
    return _read_pdf(str(czech_doc_path(f"litovel__{name}")))
