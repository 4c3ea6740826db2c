"""A real index over a few sample documents, for the web UI, API and browser tests."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS_FILES = (
    "corpus/zapisy/Zapis_PS_SC_2017-04-05.pdf",
    "corpus/prezentace/prezentace_MD_elektromobilita_2017-04-05.pdf",
    "corpus/prezentace/prezentace_MZP_OPZP_2016-11-15.pdf",
    "corpus/financovani/Prehled_aktualnich_vyzev_Smart_Cities_2017-09-30.xlsx",
)
SCRIPT_NAME = "Poznamka_k_bezpecnosti_webu.txt"
# A document whose text contains markup: it must be shown as text, never executed.
SCRIPT_TEXT = (
    "Poznámka k bezpečnosti webových stránek obcí\n\n"
    "Formulář na webu obce přijal text <script>document.title='XSS';window.__xss=1</script> "
    "a zobrazil jej bez úprav. Elektromobilita a bezpečnost webu se projednají na příštím jednání.\n"
)


@dataclass(frozen=True)
class WebIndex:
    data_dir: Path
    docs_dir: Path
    files: tuple[Path, ...]


def build_index(root: Path) -> WebIndex:
    """Copy the sample files under ``root/docs`` and ingest them into ``root/data``."""
    from scsearch.ingest.pipeline import Pipeline

    docs = root / "docs"
    docs.mkdir(parents=True)
    files: list[Path] = []
    for rel in CORPUS_FILES:
        src = REPO / rel
        dst = docs / src.name
        shutil.copy2(src, dst)
        files.append(dst)
    script = docs / SCRIPT_NAME
    script.write_text(SCRIPT_TEXT, encoding="utf-8")
    files.append(script)
    data = root / "data"
    old = os.environ.get("SCSEARCH_LEMMATIZER")
    os.environ["SCSEARCH_LEMMATIZER"] = "simplemma"  # the same answers on every machine
    try:
        report = Pipeline(data).run([str(f) for f in files])
    finally:
        if old is None:
            os.environ.pop("SCSEARCH_LEMMATIZER", None)
        else:
            os.environ["SCSEARCH_LEMMATIZER"] = old
    failed = [(r.path, r.reason) for r in report.failed]
    assert not failed, failed
    return WebIndex(data_dir=data, docs_dir=docs, files=tuple(files))
