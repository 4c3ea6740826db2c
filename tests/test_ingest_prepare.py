"""The extraction workers prepare each document's records (metadata, lemmas, records); the main process
only writes them to the index while the workers go on with the next files.

Real pipeline runs (spawned worker processes, whoosh, simplemma) over real files of the corpus and of
tests/data.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from scsearch.index import manifest as manifests
from scsearch.index import store
from scsearch.index.lexicon import Lexicon
from scsearch.index.readers import open_engine
from scsearch.ingest import document
from scsearch.ingest.cache import Caches, options_key, sha256_file
from scsearch.ingest.pipeline import IngestReport, Pipeline
from scsearch.ingest.worker import PrepareJob, run_job
from scsearch.language.lemmatize import SimplemmaLemmatizer

ROOT = Path(__file__).resolve().parents[1]
FILES = [
    ROOT / "corpus" / "zapisy" / "Zapis_PS_SC_2017-04-05.pdf",
    ROOT / "corpus" / "prezentace" / "prezentace_MD_elektromobilita_2017-04-05.pptx",
    ROOT / "corpus" / "financovani" / "Prehled_aktualnich_vyzev_Smart_Cities_2017-09-30.xlsx",
    ROOT / "tests" / "data" / "two_column_hyphenated.pdf",
    ROOT / "tests" / "data" / "ruled_table.pdf",
    ROOT / "tests" / "data" / "docx_header_footnote_table.docx",
]
RUN_TIMES = ("indexed_at", "changed_at")


class MainProcessSimplemma(SimplemmaLemmatizer):
    """simplemma with the same lemmas and ident, but not the exact class the pipeline hands to its
    workers: the main process prepares every document itself (as it does for stanza)."""


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "zdroje"
    folder.mkdir()
    for f in FILES:
        shutil.copy2(f, folder / f.name)
    return folder


def _ingest(data: Path, src: Path, lemmatizer: SimplemmaLemmatizer) -> IngestReport:
    report = Pipeline(data, lemmatizer=lemmatizer, ocr="off", workers=2).run([str(src)])
    assert not report.failed, [(r.path, r.reason) for r in report.failed]
    return report


def _snapshot(data: Path) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, dict[str, int]]]:
    """Every stored record, the manifest (without the run's times) and the lexicon of the generation."""
    gen = store.current_generation(data)
    assert gen is not None
    reader, _scorer = open_engine(gen)  # whichever engine wrote it (SCSEARCH_ENGINE)
    records = sorted((json.loads(json.dumps(f, default=list)) for _d, f in reader.iter_docs()),
                     key=lambda r: r["record_id"])
    entries = {k: {f: v for f, v in e.to_json().items() if f not in RUN_TIMES} for k, e in manifests.read(gen).items()}
    lexicon = {form: dict(lemmas) for form, lemmas in Lexicon.load(gen).forms.items()}
    return records, entries, lexicon


def test_records_prepared_in_workers_equal_those_prepared_in_the_main_process(
    tmp_path: Path, src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared_here: list[str] = []
    real_prepare = document.prepare_document

    def counting_prepare(key: str, *args: Any, **kwargs: Any) -> document.PreparedDocument:
        prepared_here.append(key)
        return real_prepare(key, *args, **kwargs)

    monkeypatch.setattr(document, "prepare_document", counting_prepare)  # this process only: workers are spawned
    in_workers = _ingest(tmp_path / "workers", src, SimplemmaLemmatizer())
    in_workers_here = list(prepared_here)
    prepared_here.clear()
    in_main = _ingest(tmp_path / "main", src, MainProcessSimplemma())

    assert in_workers.count("indexed") == in_main.count("indexed") == len(FILES)
    assert in_workers.pages == in_main.pages > 0
    assert in_workers.timings["lemmatize"] > 0  # the workers' lemmatising time is reported too
    workers_snapshot = _snapshot(tmp_path / "workers")
    assert workers_snapshot == _snapshot(tmp_path / "main")
    # the main process prepared every document in the second run, and in the first only the ones it
    # re-indexed with a meeting number from the run's meeting calendar
    assert sorted(prepared_here) == sorted(str(src / f.name) for f in FILES)
    _, entries, _ = workers_snapshot
    assert all(entries[key]["meeting_assigned"] for key in in_workers_here)
    records, _, _ = workers_snapshot
    assert {r["path"] for r in records} == {str(src / f.name) for f in FILES}


def test_a_failing_file_is_reported_by_name_and_the_rest_is_indexed(tmp_path: Path, src: Path) -> None:
    data = tmp_path / "data"
    _ingest(data, src, SimplemmaLemmatizer())
    before = store.current_generation(data)
    shutil.copy2(ROOT / "tests" / "data" / "truncated.pdf", src / "poskozeny.pdf")
    (src / "two_column_hyphenated.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00" * 64)  # an indexed file turns corrupt

    report = Pipeline(data, lemmatizer=SimplemmaLemmatizer(), ocr="off", workers=2).run([str(src)])

    failed = {Path(r.path).name: r.reason for r in report.failed}
    assert set(failed) == {"poskozeny.pdf", "two_column_hyphenated.pdf"}
    assert all(reason for reason in failed.values())
    assert report.count("unchanged") == len(FILES) - 1
    assert report.generation is not None and report.generation != (before.name if before else None)
    records, entries, _ = _snapshot(data)
    paths = {Path(r["path"]).name for r in records}
    assert paths == {f.name for f in FILES} - {"two_column_hyphenated.pdf"}  # its stale version left the index
    assert entries[str(src / "poskozeny.pdf")]["status"] == "failed"


class FailingLemmatizer(SimplemmaLemmatizer):
    def lemmatize_tokens(self, sentences: Any) -> list[list[str]]:
        raise ValueError("lemmatizátor selhal")


def test_a_worker_that_cannot_prepare_a_document_names_the_failure_and_keeps_the_extraction(tmp_path: Path) -> None:
    pdf = FILES[0]
    job = PrepareJob(str(pdf), sha256_file(pdf), pdf.stat(), str(tmp_path), options_key("off", 2000),
                     FailingLemmatizer())
    outcome = run_job(str(pdf), {"ocr": "off", "max_pages": 2000}, job)
    assert outcome.doc is not None and outcome.prepared is None
    assert outcome.index_error == "chyba při indexaci (ValueError: lemmatizátor selhal)"
    # the extraction was cached all the same: a later run does not extract the file again
    assert Caches(tmp_path).extracted(job.sha, job.options_key) is not None
    ok = run_job(str(pdf), {"ocr": "off", "max_pages": 2000}, dataclasses.replace(job, lemmatizer=SimplemmaLemmatizer()))
    assert ok.seconds == 0.0  # read from the cache
    assert ok.prepared is not None and ok.prepared.records and ok.prepared.pairs
