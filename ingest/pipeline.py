"""The ingestion pipeline: files -> extraction -> metadata -> lemmas -> a new index generation.

Per-file failures are collected, never fatal: a bad file is reported by name with
its reason, nothing partial of it enters the index, and the rest is committed.
Unchanged files (same size and mtime as recorded, or same content hash) are not
opened. Extraction results (OCR included) and lemmas are cached by content hash,
so a renamed or moved file costs nothing to re-index.

The parts: ``discover`` finds the files, ``changes`` decides what changed, ``cache``
keeps extraction results and lemmas, ``document`` prepares and indexes one document,
``worker`` extracts (and, with simplemma, prepares) documents in worker processes;
this module writes the prepared documents in file order under the writer lock while
the workers go on with the next files.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

from scsearch import settings
from scsearch.index import manifest as manifests
from scsearch.index import store
from scsearch.index.dedup import assign_groups
from scsearch.index.engine import engine_of, requested_engine
from scsearch.index.generation import prepare_generation
from scsearch.index.manifest import Manifest, ManifestEntry
from scsearch.index.records import doc_id_for
from scsearch.index.schema import SCHEMA_VERSION
from scsearch.index.writer import GenerationWriter
from scsearch.ingest import exclusions
from scsearch.ingest.cache import Caches, options_key, sha256_file
from scsearch.ingest.changes import ChangeCheck, matches, removed_keys, stamp_times
from scsearch.ingest.discover import Discovery, Skipped, canonical_roots, valid_text
from scsearch.ingest.document import index_document
from scsearch.ingest.worker import ExtractorPool, ExtractOutcome, PrepareJob
from scsearch.language.lemmatize.simplemma_backend import SimplemmaLemmatizer
from scsearch.language.tokenize import nfc
from scsearch.models import ExtractedDocument


@dataclass
class FileResult:
    path: str
    status: str  # indexed | unchanged | failed | removed | skipped
    reason: str = ""
    units: int = 0
    method: str = ""
    seconds: float = 0.0


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=lambda: {"extract": 0.0, "lemmatize": 0.0, "index": 0.0})
    pages: int = 0
    generation: str | None = None
    lemmatizer: str = ""
    lemmatizer_reason: str = ""
    notices: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "skipped"]


Progress = Callable[[FileResult, int, int], None]
_Todo = tuple[str, Path, str, os.stat_result]


class Pipeline:
    """One ingest run. Use ``run()``; the writer lock is taken inside."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        lemmatizer: Any = None,
        full: bool = False,
        progress: Progress | None = None,
        workers: int | None = None,
        ocr: str | None = None,
        exclude: Collection[str] = (),
        force: Collection[str] = (),
        engine: str | None = None,
    ) -> None:
        """``exclude``: files (as ingested or resolved paths) to leave out besides the exclusion list of
        the data directory (``exclusions``); indexed ones are removed.
        ``force``: files to re-index even when unchanged (e.g. after an admin edited their metadata).
        ``engine``: whoosh or tantivy (None: the one asked for by the settings, else the index's own);
        another engine than the index's rebuilds it whole (``index.engine``)."""
        self.data_dir = Path(data_dir)
        self.exclude = {nfc(str(p)) for p in exclude}
        self.force = {nfc(str(p)) for p in force}
        self.full = full
        self.engine = requested_engine(engine)
        self._previous: Manifest = {}
        self.progress = progress
        self._lemmatizer = lemmatizer
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        self.options = {
            "ocr": settings.get("ocr", ocr),
            "ocr_timeout": int(settings.get("ocr_timeout")),
            "max_pages": int(settings.get("max_pages")),
            "max_unzipped_mb": int(settings.get("max_unzipped_mb")),
            "file_timeout": int(settings.get("file_timeout")),
        }
        self.options_key = options_key(self.options["ocr"], self.options["max_pages"])
        self.max_file_bytes = int(settings.get("max_file_mb")) * 1024 * 1024

    @property
    def lemmatizer(self) -> Any:
        if self._lemmatizer is None:
            from scsearch.language.lemmatize import get_lemmatizer

            self._lemmatizer = get_lemmatizer(settings.get("lemmatizer"), settings.get("stanza_dir") or None)
        return self._lemmatizer

    # ------------------------------------------------------------------ run
    def run(self, paths: Iterable[str | os.PathLike[str]], *, remove_missing: bool = True) -> IngestReport:
        report = IngestReport()
        lem = self.lemmatizer
        report.lemmatizer = lem.ident
        report.lemmatizer_reason = getattr(lem, "reason", "")
        paths = canonical_roots(paths)
        with store.writer_lock(self.data_dir, "ingest"):
            store.cleanup_incomplete(self.data_dir)  # a crashed writer's gen-*.tmp (we hold the lock)
            current = store.current_generation(self.data_dir)
            if current is not None and not self.full:
                meta = store.read_meta(current)
                why = ""
                if meta.get("schema_version") != SCHEMA_VERSION:
                    why = f"index má verzi schématu {meta.get('schema_version')}, program {SCHEMA_VERSION}"
                elif meta.get("lemmatizer") != lem.ident:
                    why = f"index vytvořil lemmatizátor {meta.get('lemmatizer')}, nyní je aktivní {lem.ident}"
                elif self.engine and engine_of(current) != self.engine:
                    why = f"index používá engine {engine_of(current)}, požadován je {self.engine}"
                if why:
                    # lemmas of different tools (or another engine) do not match: rebuild everything, sources included
                    self.full = True
                    known = [s for s in meta.get("sources", []) if Path(s).exists()]
                    paths = canonical_roots([*paths, *known])
                    report.notices.append(f"{why}: index se celý přestaví ({', '.join(map(str, paths))}).")
            self._run_locked(paths, report, remove_missing)
        return report

    def _emit(self, result: FileResult, report: IngestReport, done: int, total: int) -> None:
        report.results.append(result)
        if self.progress:
            self.progress(result, done, total)

    def _run_locked(self, paths: list[str], report: IngestReport, remove_missing: bool) -> None:
        current = store.current_generation(self.data_dir)
        previous = manifests.read(current)  # first-indexed / last-changed times survive --full too
        self._previous = previous
        old_manifest: Manifest = {} if self.full else previous
        manifest: Manifest = dict(old_manifest)
        check = ChangeCheck(old_manifest, full=self.full, force=self.force)
        caches = Caches(self.data_dir)
        self._deferred: dict[str, ExtractedDocument] = {}  # presentations waiting for the meeting calendar
        roots = [nfc(p) for p in paths if valid_text(p)]  # a root with a bad name is reported by the walk
        exclude = self.exclude | exclusions.paths(self.data_dir)
        files = list(Discovery(paths, data_dir=self.data_dir).walk())
        seen: set[str] = set()
        todo: list[_Todo] = []
        total = len(files)
        done = 0
        for f in files:
            if isinstance(f, Skipped):
                done += 1
                self._emit(FileResult(f.path, "failed" if f.failed else "skipped", f.reason), report, done, total)
                continue
            key = nfc(str(f))
            if key in seen or matches(key, f, exclude):
                continue
            seen.add(key)
            try:
                st = f.stat()
            except OSError as exc:
                done += 1
                self._emit(_unreadable(key, exc), report, done, total)
                continue
            old = check.unchanged(key, f, size=st.st_size, mtime_ns=st.st_mtime_ns)
            if old is not None:
                done += 1
                self._emit(FileResult(key, "unchanged", units=old.units), report, done, total)
                continue
            todo.append((key, f, "", st))

        writer: GenerationWriter | None = None
        removed = removed_keys(old_manifest, seen, roots, exclude) if remove_missing else []
        try:
            if todo or removed:
                writer = GenerationWriter(self.data_dir, self.lemmatizer.ident, full=self.full, engine=self.engine)
            for key in removed:
                assert writer is not None
                writer.delete_document(manifest[key].doc_id)
                manifest.pop(key, None)
                self._emit(FileResult(key, "removed"), report, done, total)
            pool = ExtractorPool(self.workers, self.options) if todo else None
            try:
                done = self._process(todo, pool, caches, manifest, check, writer, report, done, total)
            finally:
                if pool is not None:
                    pool.close()
            if writer is not None:
                self._assign_meetings(manifest, caches, writer, report)
                manifest.update(assign_groups(manifest))  # duplicate formats, written with the manifest
                if writer.changed or self.full:
                    t0 = time.perf_counter()
                    with _no_gc():
                        final = writer.commit(
                            manifests.to_json(manifest),
                            {"lemmatizer_reason": report.lemmatizer_reason,
                             "sources": sorted(set(roots) | _sources(current))},
                            keep=int(settings.get("keep_generations")),
                        )
                    # its arrays and token streams, so that no search builds them
                    prepare_generation(final, None if self.full else current)
                    report.timings["index"] += time.perf_counter() - t0
                    report.generation = final.name
                else:
                    writer.abandon()
                    if current is not None:
                        manifests.save_in_place(current, manifest)
                writer = None
            elif current is not None and manifest != manifests.read(current):
                manifests.save_in_place(current, manifest)
        finally:
            if writer is not None:
                writer.abandon()
        if report.generation is None and current is not None:
            report.generation = current.name

    def _process(
        self,
        todo: list[_Todo],
        pool: ExtractorPool | None,
        caches: Caches,
        manifest: Manifest,
        check: ChangeCheck,
        writer: GenerationWriter | None,
        report: IngestReport,
        done: int,
        total: int,
    ) -> int:
        # hash, check caches, and queue the files: a sliding window of results, written in file order, keeps
        # the workers busy past a slow file (each result holds one document and its records)
        window = max(8, (pool.processes if pool else 1) * 8)
        queue: list[_Todo] = []
        for key, f, _sha, st in todo:
            if st.st_size > self.max_file_bytes:
                done += 1
                manifest.pop(key, None)
                self._drop_old(key, check.old, writer)
                self._emit(FileResult(key, "failed", f"soubor překračuje bezpečnostní limit "
                                      f"({st.st_size // (1024 * 1024)} MB)"), report, done, total)
                continue
            try:
                sha = sha256_file(f)
            except OSError as exc:
                done += 1
                self._emit(_unreadable(key, exc), report, done, total)
                continue
            old = check.unchanged(key, f, size=st.st_size, mtime_ns=st.st_mtime_ns, sha=sha)
            if old is not None:
                manifest[key] = dataclasses.replace(old, size=st.st_size, mtime_ns=st.st_mtime_ns)
                done += 1
                self._emit(FileResult(key, "unchanged", units=old.units), report, done, total)
                continue
            queue.append((key, f, sha, st))

        # Extraction and the records of each document (metadata, lemmas) are prepared in the workers
        # while this process writes the previous documents to the index, in the order of the files.
        assert pool is not None or not queue
        worker_lemmatizer = self.lemmatizer if type(self.lemmatizer) is SimplemmaLemmatizer else None
        inflight: list[tuple[str, Path, str, os.stat_result, PrepareJob, AsyncResult[ExtractOutcome]]] = []
        pending = list(queue)

        def fill() -> None:
            while pending and len(inflight) < window:
                key, f, sha, st = pending.pop(0)
                job = PrepareJob(key, sha, st, str(self.data_dir), self.options_key, worker_lemmatizer)
                assert pool is not None
                inflight.append((key, f, sha, st, job, pool.submit(str(f), job)))

        fill()
        while inflight:
            key, f, sha, st, job, handle = inflight.pop(0)
            assert pool is not None
            restarted_before = pool._pool
            outcome = pool.result(str(f), handle)
            if pool._pool is None and restarted_before is not None:
                # the pool was restarted: resubmit what was in flight
                inflight = [(k, ff, s, stt, j, pool.submit(str(ff), j)) for k, ff, s, stt, j, _ in inflight]
            fill()
            report.timings["extract"] += outcome.seconds
            done += 1
            start = time.perf_counter()
            if not outcome.ok or outcome.doc is None or outcome.index_error:
                reason = outcome.index_error or (
                    outcome.error_reason + (f" ({outcome.error_detail})" if outcome.error_detail else ""))
                self._fail(key, sha, reason, manifest, check.old, writer, report, done, total, outcome.seconds)
                continue
            try:
                assert writer is not None
                units, entry = index_document(key, f, sha, st, outcome.doc, lemmatizer=self.lemmatizer,
                                              caches=caches, writer=writer, timings=report.timings,
                                              deferred=self._deferred, prepared=outcome.prepared)
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
                reason = f"chyba při indexaci ({type(exc).__name__}: {exc})"[:300]
                self._fail(key, sha, reason, manifest, check.old, writer, report, done, total, 0.0)
                continue
            manifest[key] = stamp_times(entry, self._previous.get(key))
            report.pages += units
            self._emit(
                FileResult(key, "indexed", units=units, method=outcome.doc.method,
                           seconds=outcome.seconds + time.perf_counter() - start),
                report, done, total,
            )
        return done

    def _assign_meetings(self, manifest: Manifest, caches: Caches, writer: GenerationWriter,
                         report: IngestReport) -> None:
        """Presentations that do not name their meeting take the number of the minutes of their date,
        written on every record (re-indexed from the extraction cache when the calendar changed)."""
        from scsearch.ingest.meeting_calendar import assignments, calendar

        cal = calendar(manifest)
        todo = {key: cal.get(manifest[key].date or "") for key in self._deferred
                if key in manifest and manifest[key].indexed}
        todo.update(assignments(manifest))
        for key, number in todo.items():
            entry = manifest[key]
            doc = self._deferred.get(key) or caches.extracted(entry.sha256, self.options_key)
            f = Path(entry.abs_path or key)
            try:
                st = f.stat()
            except OSError:
                continue
            if doc is None:
                report.notices.append(f"Číslo jednání pro {key} nelze zapsat: text není v mezipaměti.")
                continue
            try:
                manifest[key] = index_document(key, f, entry.sha256, st, doc, lemmatizer=self.lemmatizer,
                                               caches=caches, writer=writer, timings=report.timings,
                                               meeting=number)[1]
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
                writer.delete_document(entry.doc_id)
                reason = f"chyba při indexaci ({type(exc).__name__}: {exc})"[:300]
                manifest[key] = ManifestEntry(status="failed", doc_id=entry.doc_id, sha256=entry.sha256, reason=reason)
                report.notices.append(f"{key}: {reason}")
        self._deferred.clear()

    def _fail(self, key: str, sha: str, reason: str, manifest: Manifest, old: Manifest,
              writer: GenerationWriter | None, report: IngestReport, done: int, total: int, seconds: float) -> None:
        self._drop_old(key, old, writer)
        manifest[key] = ManifestEntry(status="failed", sha256=sha, reason=reason, doc_id=doc_id_for(key))
        self._emit(FileResult(key, "failed", reason, seconds=seconds), report, done, total)

    @staticmethod
    def _drop_old(key: str, old_manifest: Manifest, writer: GenerationWriter | None) -> None:
        """A file that now fails leaves the index (its old version would be stale)."""
        old = old_manifest.get(key)
        if old and old.indexed and writer is not None:
            writer.delete_document(old.doc_id)


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: the commit allocates millions of small, acyclic objects
    (postings, the typo index of the lexicon), and each full collection would walk all of them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _unreadable(key: str, exc: OSError) -> FileResult:
    return FileResult(key, "failed", f"soubor nelze číst ({exc.strerror})")


def _sources(gen: Path | None) -> set[str]:
    if gen is None:
        return set()
    try:
        return set(store.read_meta(gen).get("sources", []))
    except (OSError, ValueError):
        return set()
