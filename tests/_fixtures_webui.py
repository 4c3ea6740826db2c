"""A real index over a few sample documents, for the web UI, API and browser tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tests._fixtures_index import ingest_folder

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


def write_web_docs(docs: Path) -> tuple[Path, ...]:
    """Copy the sample files into the new folder ``docs`` and write the markup one next to them."""
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
    return tuple(files)


def build_index(root: Path) -> WebIndex:
    """A fresh index of its own (for a test that changes it): the files under ``root/docs``, the index
    in ``root/data``. Tests that only read use the session's ``web_index`` fixture instead."""
    docs = root / "docs"
    files = write_web_docs(docs)
    return WebIndex(data_dir=ingest_folder(docs, root / "data"), docs_dir=docs, files=files)
