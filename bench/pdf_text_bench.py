"""PDF text side by side: pdftotext, pypdfium2, plain pdfplumber, scsearch (reference and fast path).

    .venv/bin/python bench/pdf_text_bench.py [FOLDER ...] [--repeat N]   # default ../shared/eval/czech-docs

OCR is off everywhere. For each reader: pages and pages/s over all PDFs of the folders. For the fast path
(``SCSEARCH_PDF_TEXT=auto``: pypdfium2 characters under the layout code, pdfplumber for pages with
tables, rotation or broken fonts) also the share of pages it read through pdfium and its fidelity to
the reference (``SCSEARCH_PDF_TEXT=pdfplumber``): the similarity of the two word sequences per file
(difflib ratio), mean and minimum.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from scsearch.errors import ExtractionError  # noqa: E402
from scsearch.ingest.extract import extract, pdf  # noqa: E402

DEFAULT = [ROOT.parent / "shared" / "eval" / "czech-docs"]


def _pdfs(folders: list[Path]) -> list[Path]:
    return sorted(p for f in folders if f.is_dir() for p in f.iterdir() if p.suffix.lower() == ".pdf")


def _scsearch(path: Path, mode: str) -> tuple[int, list[str]]:
    os.environ["SCSEARCH_PDF_TEXT"] = mode
    try:
        doc = extract(path, ocr="off")
    except ExtractionError:
        return 0, []
    return len(doc.pages), " ".join(p.text for p in doc.pages).split()


def _pdftotext(path: Path) -> int:
    subprocess.run(["pdftotext", "-q", str(path), "-"], stdout=subprocess.DEVNULL, check=False, timeout=300)
    return 0


def _pdfium_raw(path: Path) -> int:
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return 0
    n = len(doc)
    for i in range(n):
        page = doc[i]
        page.get_textpage().get_text_bounded()
        page.close()
    doc.close()
    return n


def _plumber_plain(path: Path) -> int:
    try:
        with pdfplumber.open(str(path)) as doc:
            for page in doc.pages:
                page.extract_text()
            return len(doc.pages)
    except Exception:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each reader (best is reported)")
    args = parser.parse_args(argv)
    files = _pdfs(args.folders or DEFAULT)
    if not files:
        print("no PDFs found (../shared/eval/czech-docs missing?)")
        return 0
    pages = sum(_scsearch(p, "pdfplumber")[0] for p in files)
    readers = {
        "pdftotext (poppler)": lambda p: _pdftotext(p),
        "pypdfium2 get_text": _pdfium_raw,
        "pdfplumber extract_text": _plumber_plain,
        "scsearch reference (pdfplumber)": lambda p: _scsearch(p, "pdfplumber")[0],
        "scsearch fast path (auto)": lambda p: _scsearch(p, "auto")[0],
    }
    best: dict[str, float] = {}
    for name, func in readers.items():
        for _ in range(args.repeat):
            start = time.perf_counter()
            for p in files:
                func(p)
            secs = time.perf_counter() - start
            best[name] = min(best.get(name, secs), secs)
    print(f"{len(files)} PDFs, {pages} pages, OCR off, best of {args.repeat}")
    print(f"{'reader':34} {'seconds':>8} {'pages/s':>8} {'vs pdftotext':>13}")
    base = best["pdftotext (poppler)"] if shutil.which("pdftotext") else None
    for name, secs in best.items():
        ratio = f"{secs / base:12.1f}×" if base else "            -"
        print(f"{name:34} {secs:8.2f} {pages / secs:8.1f} {ratio}")

    pdf.STATS.update(dict.fromkeys(pdf.STATS, 0.0))
    ratios = []
    for p in files:
        _, ref = _scsearch(p, "pdfplumber")
        _, fast = _scsearch(p, "auto")
        if ref or fast:
            ratios.append((difflib.SequenceMatcher(None, ref, fast, autojunk=False).ratio(), p.name))
    os.environ.pop("SCSEARCH_PDF_TEXT", None)
    if ratios:
        mean = sum(r for r, _ in ratios) / len(ratios)
        low = min(ratios)
        print(f"\nfast path vs reference, word-sequence similarity: mean {mean:.3f}, min {low[0]:.3f} ({low[1]})")
        for r, name in sorted(ratios)[:5]:
            print(f"  {r:.3f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
