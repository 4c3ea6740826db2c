"""Terminal progress for ingest: a bar with counts, pages/s and ETA on a TTY,
plain lines otherwise; one line per file either way, then a final report."""

from __future__ import annotations

import time
from typing import Any, TextIO

_STATUS = {
    "indexed": "indexováno",
    "unchanged": "beze změny",
    "failed": "CHYBA",
    "removed": "odstraněno",
}
_METHOD = {"text": "text", "ocr": "OCR", "mixed": "text + OCR", "needs_ocr": "vyžaduje OCR"}


class ProgressPrinter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self.pages = 0
        self._bar_shown = False

    def file_done(self, result: Any, done: int, total: int) -> None:
        self.pages += result.units if result.status == "indexed" else 0
        label = _STATUS.get(result.status, result.status)
        line = f"{label:<11} {result.path}"
        if result.status == "indexed":
            line += f"  ({result.units} jedn., {_METHOD.get(result.method, result.method)})"
        elif result.status == "failed":
            line += f": {result.reason}"
        if self.tty and self._bar_shown:
            self.out.write("\r\x1b[K")
        self.out.write(line + "\n")
        if self.tty and total:
            elapsed = max(1e-6, time.perf_counter() - self.start)
            rate = self.pages / elapsed
            eta = (elapsed / max(1, done)) * (total - done)
            width = 30
            filled = int(width * done / total)
            self.out.write(
                f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} souborů, "
                f"{rate:.1f} str./s, zbývá ~{eta:.0f} s"
            )
            self._bar_shown = True
        self.out.flush()

    def finish(self, report: Any) -> None:
        if self.tty and self._bar_shown:
            self.out.write("\r\x1b[K")
        for notice in getattr(report, "notices", []):
            self.out.write(f"Upozornění: {notice}\n")
        t = report.timings
        elapsed = time.perf_counter() - self.start
        self.out.write(
            f"Hotovo: {report.count('indexed')} indexováno, {report.count('unchanged')} beze změny, "
            f"{report.count('removed')} odstraněno, {report.count('failed')} s chybou "
            f"({report.pages} stran/jednotek za {elapsed:.1f} s; extrakce {t['extract']:.1f} s, "
            f"lemmatizace {t['lemmatize']:.1f} s, indexace {t['index']:.1f} s).\n"
        )
        self.out.write(f"Lemmatizátor: {report.lemmatizer}"
                       + (f" ({report.lemmatizer_reason})" if report.lemmatizer_reason else "") + "\n")
        if report.generation:
            self.out.write(f"Generace indexu: {report.generation}\n")
        for r in report.failed:
            self.out.write(f"  CHYBA {r.path}: {r.reason}\n")
        self.out.flush()
