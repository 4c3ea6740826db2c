"""Acceptance: every file of ../shared/eval/{czech-docs,pdfplumber-pdfs} gives text or a named error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scsearch.errors import ExtractionError
from scsearch.ingest.extract import extract, ocr_available
from scsearch.ingest.extract.textfix import czech_share

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
FOLDERS = ("czech-docs", "pdfplumber-pdfs")
PER_FILE_SECONDS = 180
# Files whose only page(s) are scans: with OCR off they must say "needs_ocr", not come back empty.
SCANS = {
    "cercany__Z1_UP__p2.pdf",
    "datagov__Memorandum_o_spolupraci_SMOCR_DIA_podepsano_11.3.2024.pdf",
    "cercany__Otevreny_dopis_vedeni_obce_Cercany_schvalovani_Zmeny_c.1_UP.pdf",
    "issue-203-decimalize.pdf",
    "issue-297-example.pdf",
    # a full-page image whose text layer holds only a date ("2021 3 31"): pdfium measures the image over
    # the whole page (pdfminer's box for this malformed file is off), so the page waits for OCR
    "malformed-from-issue-932.pdf",
}
# A scan with a garbage OCR layer: with OCR off its (bad) layer is kept and a warning says so.
GARBAGE_LAYER = {"cercany__Zasedani_ZO_1_2020.PDF"}
EXPECTED_ERRORS = {"empty.pdf": "empty", "password-example.pdf": "encrypted"}


def _files() -> list[Path]:
    out: list[Path] = []
    for name in FOLDERS:
        folder = SHARED / name
        if folder.is_dir():
            out += sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("README"))
    return out


pytestmark = [
    pytest.mark.slow,
    pytest.mark.shared,
    pytest.mark.skipif(not _files(), reason=f"evaluation files not found under {SHARED}"),
]


@pytest.mark.parametrize("path", _files() or [Path("none")], ids=lambda p: p.name)
def test_text_or_named_error(path: Path) -> None:
    start = time.monotonic()
    try:
        doc = extract(path, ocr="off")
    except ExtractionError as exc:
        assert EXPECTED_ERRORS.get(path.name) == exc.code, f"{path.name}: unexpected {exc!r}"
        return
    finally:
        assert time.monotonic() - start < PER_FILE_SECONDS
    assert path.name not in EXPECTED_ERRORS
    assert doc.pages, "no units at all"
    if path.name in SCANS:
        assert doc.method == "needs_ocr"
        return
    text = doc.text
    if path.name in GARBAGE_LAYER:
        assert any("nekvalitní textová vrstva" in w for w in doc.warnings)
        return
    assert text.strip(), "no text"
    if path.parent.name == "czech-docs" and not path.name.startswith("vobornik"):
        assert sum(c.isalpha() for c in text) > 100, "too little text"
        assert czech_share(text) > 0.04, "text does not read as Czech"


@pytest.mark.skipif(not ocr_available(), reason="tesseract s modelem ces není nainstalován")
def test_zero_page_scan_is_ocred() -> None:
    path = SHARED / "czech-docs" / "cercany__Otevreny_dopis_vedeni_obce_Cercany_schvalovani_Zmeny_c.1_UP.pdf"
    if not path.exists():
        pytest.skip("file absent")
    doc = extract(path)
    assert doc.method == "ocr" and len(doc.pages) == 1
    assert "Otevřený dopis vedení obce Čerčany" in doc.text


@pytest.mark.skipif(not ocr_available(), reason="tesseract s modelem ces není nainstalován")
def test_garbage_ocr_layer_is_replaced() -> None:
    path = SHARED / "czech-docs" / "cercany__Zasedani_ZO_1_2020.PDF"
    if not path.exists():
        pytest.skip("file absent")
    doc = extract(path)
    assert doc.method == "ocr"
    assert "zasedání Zastupitelstva obce Čerčany" in doc.text and "eer6any" not in doc.text
