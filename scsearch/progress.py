"""Terminal progress for ingest: a bar with counts, pages/s and ETA on a TTY,
plain lines otherwise; one line per file either way, then a final report."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from scsearch.clisafe import pipe_closed
from scsearch.ingest.discover import printable

_STATUS = {
    "indexed": "indexováno",
    "unchanged": "beze změny",
    "failed": "CHYBA",
    "removed": "odstraněno",
    "skipped": "přeskočeno",
}
_METHOD = {"text": "text", "ocr": "OCR", "mixed": "text + OCR", "needs_ocr": "vyžaduje OCR"}


class ProgressPrinter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self.pages = 0
        self._bar_shown = False
        self._closed = False

    def _write(self, text: str, flush: bool = False) -> None:
        """Write to the terminal; once its reader is gone (``| head``) output stops, the ingest goes on."""
        if self._closed:
            return
        try:
            if text:
                self.out.write(text)
            if flush:
                self.out.flush()
        except BrokenPipeError:
            self._closed = True
            if self.out is sys.stdout:
                pipe_closed()  # no second error when the interpreter flushes stdout at exit

    def file_done(self, result: Any, done: int, total: int) -> None:
        self.pages += result.units if result.status == "indexed" else 0
        label = _STATUS.get(result.status, result.status)
        line = f"{label:<11} {printable(result.path)}"
        if result.status == "indexed":
            line += f"  ({result.units} jedn., {_METHOD.get(result.method, result.method)})"
        elif result.status in ("failed", "skipped"):
            line += f": {result.reason}"
        if self.tty and self._bar_shown:
            self._write("\r\x1b[K")
        self._write(line + "\n")
        if self.tty and total:
            elapsed = max(1e-6, time.perf_counter() - self.start)
            rate = self.pages / elapsed
            eta = (elapsed / max(1, done)) * (total - done)
            width = 30
            filled = int(width * done / total)
            self._write(
                f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} souborů, "
                f"{rate:.1f} str./s, zbývá ~{eta:.0f} s"
            )
            self._bar_shown = True
        self._write("", flush=True)

    def finish(self, report: Any) -> None:
        if self.tty and self._bar_shown:
            self._write("\r\x1b[K")
        for notice in getattr(report, "notices", []):
            self._write(f"Upozornění: {notice}\n")
        t = report.timings
        elapsed = time.perf_counter() - self.start
        self._write(
            f"Hotovo: {report.count('indexed')} indexováno, {report.count('unchanged')} beze změny, "
            f"{report.count('removed')} odstraněno, "
            + (f"{report.count('skipped')} přeskočeno, " if report.count("skipped") else "")
            + f"{report.count('failed')} s chybou "
            f"({report.pages} stran/jednotek za {elapsed:.1f} s; extrakce {t['extract']:.1f} s, "
            f"lemmatizace {t['lemmatize']:.1f} s, indexace {t['index']:.1f} s).\n"
        )
        self._write(f"Lemmatizátor: {report.lemmatizer}"
                       + (f" ({report.lemmatizer_reason})" if report.lemmatizer_reason else "") + "\n")
        if report.generation:
            self._write(f"Generace indexu: {report.generation}\n")
        for r in report.failed:
            self._write(f"  CHYBA {printable(r.path)}: {r.reason}\n")
        for r in getattr(report, "skipped", []):
            self._write(f"  přeskočeno {printable(r.path)}: {r.reason}\n")
        self._write("", flush=True)
