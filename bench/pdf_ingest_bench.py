"""The whole `scsearch ingest` of PDFs against pdftotext's extraction alone, in one run.

    .venv/bin/python bench/pdf_ingest_bench.py [FOLDER ...] [--repeat N] [--workers N] [--lemmatizer simplemma]

Default folder: ../shared/eval/czech-docs (only its PDFs are used: they are copied into a temporary
source folder). Each round runs pdftotext over every PDF (one process per file, text thrown away) and
then `python -m scsearch.cli ingest` into a fresh temporary data directory (OCR off, no caches), so
both see the same machine load; the best round of each is reported with pages/s, the ratio of the
ingest's time to pdftotext's, and the CPU seconds used (the ingest's include its extraction workers).
Pages are the ingest's indexed units (one per PDF page). Figures on a shared machine are noisy: compare
rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine  # noqa: E402

DEFAULT = [ROOT.parent / "shared" / "eval" / "czech-docs"]


def _pdfs(folders: list[Path]) -> list[Path]:
    return sorted(p for f in folders if f.is_dir() for p in f.iterdir() if p.suffix.lower() == ".pdf")


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _pdftotext(files: list[Path]) -> tuple[float, float]:
    cpu0, t0 = _children_cpu(), time.perf_counter()
    for p in files:
        subprocess.run(["pdftotext", "-q", str(p), "-"], stdout=subprocess.DEVNULL, check=False, timeout=300)
    return time.perf_counter() - t0, _children_cpu() - cpu0


def _ingest(src: Path, workers: int | None, lemmatizer: str) -> tuple[float, float, int, int]:
    """(seconds, CPU seconds, pages, failed files) of one `scsearch ingest` into a fresh data directory."""
    env = {**os.environ, "SCSEARCH_OCR": "off", "SCSEARCH_LEMMATIZER": lemmatizer,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    with tempfile.TemporaryDirectory(prefix="pdf-ingest-bench-") as data:
        cmd = [sys.executable, "-m", "scsearch.cli", "--data-dir", data, "ingest", str(src)]
        if workers:
            cmd += ["--workers", str(workers)]
        cpu0, t0 = _children_cpu(), time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        secs, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        if proc.returncode not in (0, 1):
            raise SystemExit(f"scsearch ingest failed ({proc.returncode}): {proc.stderr[-2000:]}")
        pages, failed = _indexed(Path(data))
    return secs, cpu, pages, failed


def _indexed(data: Path) -> tuple[int, int]:
    """Indexed units and failed files, from the manifest of the published generation."""
    from scsearch.index import manifest, store

    entries = manifest.read(store.current_generation(data)).values()
    return sum(e.units for e in entries if e.indexed), sum(1 for e in entries if e.status == "failed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=1, help="rounds (best of each is reported)")
    parser.add_argument("--workers", type=int, default=None, help="extraction workers (default: the ingest's)")
    parser.add_argument("--lemmatizer", default="simplemma")
    args = parser.parse_args(argv)
    files = _pdfs(args.folders or DEFAULT)
    if not files:
        print("no PDFs found (../shared/eval/czech-docs missing?): nothing to measure")
        return 0
    has_pdftotext = shutil.which("pdftotext") is not None
    if not has_pdftotext:
        print("pdftotext not installed: only the ingest is measured")
    best: dict[str, tuple[float, float]] = {}
    pages = failed = 0
    with tempfile.TemporaryDirectory(prefix="pdf-ingest-src-") as tmp:
        src = Path(tmp)
        for p in files:
            shutil.copy2(p, src / p.name)
        for _ in range(max(1, args.repeat)):
            if has_pdftotext:
                secs, cpu = _pdftotext(files)
                best["pdftotext (poppler)"] = min(best.get("pdftotext (poppler)", (secs, cpu)), (secs, cpu))
            secs, cpu, pages, failed = _ingest(src, args.workers, args.lemmatizer)
            best["scsearch ingest (whole)"] = min(best.get("scsearch ingest (whole)", (secs, cpu)), (secs, cpu))
    print(f"Machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
    print(f"{len(files)} PDFs, {pages} pages indexed, {failed} failed; OCR off, lemmatiser {args.lemmatizer}, "
          f"best of {max(1, args.repeat)}\n")
    print("| run | seconds | CPU seconds | pages/s | time vs pdftotext |")
    print("|---|---:|---:|---:|---:|")
    base = best.get("pdftotext (poppler)")
    for name, (secs, cpu) in best.items():
        ratio = f"{secs / base[0]:.1f}×" if base else "-"
        print(f"| {name} | {secs:.2f} | {cpu:.2f} | {pages / secs:.1f} | {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
