"""The pypdfium2 fast path under the PDF layout code against the pdfplumber reference reading."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from scsearch.errors import ExtractionError
from scsearch.ingest.extract import extract, pdf
from scsearch.ingest.extract.layout import Word
from scsearch.ingest.extract.pdfium_words import drop_duplicates, find_tables, table_rows

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "czech-docs"


def _words(path: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("SCSEARCH_PDF_TEXT", mode)
    return " ".join(p.text for p in extract(path, ocr="off").pages).split()


def _similarity(path: Path, monkeypatch: pytest.MonkeyPatch) -> float:
    ref, fast = _words(path, "pdfplumber", monkeypatch), _words(path, "auto", monkeypatch)
    return difflib.SequenceMatcher(None, ref, fast, autojunk=False).ratio() if ref or fast else 1.0


def _readable_fixtures() -> list[Path]:
    out = []
    for p in sorted(DATA.glob("*.pdf")):
        try:
            extract(p, ocr="off")
        except ExtractionError:
            continue
        out.append(p)
    return out


@pytest.mark.parametrize("path", _readable_fixtures(), ids=lambda p: p.name)
def test_fixtures_read_alike(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _similarity(path, monkeypatch) >= 0.97


def test_simple_pages_never_reach_pdfminer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCSEARCH_PDF_TEXT", "auto")
    pdf.STATS.update(dict.fromkeys(pdf.STATS, 0.0))
    doc = extract(DATA / "ruled_table.pdf", ocr="off")
    assert pdf.STATS["pdfium"] > 0 and pdf.STATS["pdfplumber"] == 0
    assert any("Poskytovatel: " in p.text for p in doc.pages)  # the table, found from pdfium's rules


def test_table_geometry_from_rules() -> None:
    def h(y: float) -> dict[str, object]:
        return {"x0": 0.0, "x1": 200.0, "top": y, "bottom": y, "width": 200.0, "height": 0.0, "orientation": "h"}

    def v(x: float) -> dict[str, object]:
        return {"x0": x, "x1": x, "top": 0.0, "bottom": 40.0, "width": 0.0, "height": 40.0, "orientation": "v"}

    tables = find_tables((h(0), h(20), h(40), v(0), v(100), v(200)))
    assert len(tables) == 1 and len(tables[0]) == 4
    words = [Word("Výzva", 5, 40, 5, 15), Word("MMR", 105, 130, 5, 15), Word("1/2017", 5, 40, 25, 35)]
    assert table_rows(tables[0], words) == [["Výzva", "MMR"], ["1/2017", ""]]


def test_text_drawn_twice_kept_once() -> None:
    words = [Word("Anketa", 10, 50, 5, 15), Word("Anketa", 10.3, 50.3, 5.2, 15.2)]
    assert [w.text for w in drop_duplicates(words)] == ["Anketa"]


def _shared_pdfs() -> list[Path]:
    if not SHARED.is_dir():
        return []
    return sorted(p for p in SHARED.iterdir() if p.suffix.lower() == ".pdf")


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.skipif(not _shared_pdfs(), reason=f"evaluation files not found under {SHARED}")
def test_real_documents_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every real PDF reads nearly as the reference does (tables with nested tables differ most)."""
    ratios = {}
    for path in _shared_pdfs():
        try:
            ratios[path.name] = _similarity(path, monkeypatch)
        except ExtractionError:
            continue
    assert min(ratios.values()) >= 0.95, sorted(ratios.items(), key=lambda kv: kv[1])[:3]
    assert sum(ratios.values()) / len(ratios) >= 0.99
