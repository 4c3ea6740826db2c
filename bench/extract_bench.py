"""Extraction throughput per format, pdfplumber vs own post-processing, and pdftotext for comparison.

    .venv/bin/python bench/extract_bench.py [FOLDER ...]     # default: ../shared/eval/czech-docs, tests/data

Prints one table: per format the files, units (pages/slides/rows), seconds and units/s; for PDF also the
share of time inside pdfplumber (parsing, words, tables) vs our post-processing (layout, repairs,
boilerplate) vs OCR, and poppler's ``pdftotext`` on the same PDFs. OCR is off unless --ocr is given.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scsearch.errors import ExtractionError  # noqa: E402
from scsearch.ingest.extract import extract, pdf  # noqa: E402

DEFAULT = [ROOT.parent / "shared" / "eval" / "czech-docs", ROOT / "tests" / "data"]


def _pdftotext(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["pdftotext", "-q", str(path), "-"], stdout=subprocess.DEVNULL, check=False, timeout=300)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--ocr", action="store_true", help="OCR scanned pages (slow)")
    args = parser.parse_args(argv)
    folders = [f for f in (args.folders or DEFAULT) if f.is_dir()]
    files = sorted(p for f in folders for p in f.iterdir() if p.is_file() and p.suffix.lower() != ".py"
                   and not p.name.startswith("README"))
    stats: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # files, units, seconds
    failed = 0
    pdf_files: list[Path] = []
    pdf_pages = 0
    for k in pdf.STATS:
        pdf.STATS[k] = 0.0
    for path in files:
        start = time.perf_counter()
        try:
            doc = extract(path, ocr="auto" if args.ocr else "off")
        except ExtractionError:
            failed += 1
            continue
        row = stats[doc.format]
        row[0] += 1
        row[1] += len(doc.pages)
        row[2] += time.perf_counter() - start
        if doc.format == "pdf":
            pdf_files.append(path)
            pdf_pages += len(doc.pages)
    print(f"{'format':8} {'files':>5} {'units':>7} {'seconds':>8} {'units/s':>8}")
    for fmt, (n, units, secs) in sorted(stats.items()):
        print(f"{fmt:8} {int(n):5d} {int(units):7d} {secs:8.2f} {units / secs if secs else 0:8.1f}")
    s = pdf.STATS
    plumber = s["pdfplumber"] - s["layout"]
    own = s["layout"] + s["post"] - s["ocr"]
    total = (plumber + own + s["ocr"]) or 1.0
    print(f"\nPDF time split: pdfplumber/pdfminer {plumber:.2f} s ({100 * plumber / total:.0f} %), "
          f"own layout + post-processing {own:.2f} s ({100 * own / total:.0f} %), OCR {s['ocr']:.2f} s")
    print("  (pdfplumber = parsing, chars, words, table finding; own = dedupe, lines, columns, letter spacing,"
          " repairs, boilerplate, hyphenation)")
    if shutil.which("pdftotext") and pdf_files:
        secs = sum(_pdftotext(p) for p in pdf_files)
        print(f"pdftotext on the same {len(pdf_files)} PDFs: {pdf_pages} pages in {secs:.2f} s = {pdf_pages / secs:.1f} pages/s")
    print(f"files refused with a named error: {failed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
