"""Terminal progress of ingest: a bar on a TTY, plain lines otherwise."""

from __future__ import annotations

import io

from scsearch.ingest.pipeline import FileResult, IngestReport
from scsearch.progress import ProgressPrinter


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _report() -> IngestReport:
    rep = IngestReport(lemmatizer="simplemma/2.0.0/cs", generation="gen-000003")
    rep.results = [FileResult("a.pdf", "indexed", units=3, method="text"), FileResult("b.pdf", "failed", "prázdný soubor")]
    rep.pages = 3
    return rep


def test_plain_lines_when_not_a_tty() -> None:
    out = io.StringIO()
    p = ProgressPrinter(out)
    p.file_done(FileResult("a.pdf", "indexed", units=3, method="ocr"), 1, 2)
    p.file_done(FileResult("b.pdf", "failed", "prázdný soubor"), 2, 2)
    p.finish(_report())
    lines = out.getvalue().splitlines()
    assert lines[0] == "indexováno  a.pdf  (3 jedn., OCR)"
    assert lines[1] == "CHYBA       b.pdf: prázdný soubor"
    assert lines[2].startswith("Hotovo: 1 indexováno, 0 beze změny, 0 odstraněno, 1 s chybou")
    assert "\r" not in out.getvalue() and "[" not in out.getvalue().split("Hotovo")[0]


def test_bar_with_counts_rate_and_eta_on_a_tty() -> None:
    out = _Tty()
    p = ProgressPrinter(out)
    p.file_done(FileResult("a.pdf", "indexed", units=3, method="text"), 1, 4)
    text = out.getvalue()
    assert "indexováno  a.pdf" in text
    assert "1/4 souborů" in text and "str./s" in text and "zbývá ~" in text
    p.file_done(FileResult("b.pdf", "unchanged"), 2, 4)
    assert "\r\x1b[K" in out.getvalue()  # the bar is redrawn in place below the file lines
