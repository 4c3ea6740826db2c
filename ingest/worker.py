"""Extraction in separate worker processes: bounded time and memory per file.

A hostile file (a decompression bomb, a PDF with cyclic objects, a page that
makes a parser loop) can cost at most ``file_timeout`` seconds and the memory
limit of one worker; the worker is then replaced and the run goes on.

With a ``PrepareJob`` a worker also reads and fills the extraction cache and, given a
lemmatiser it can run itself, prepares the document's records (metadata, lemmas:
``document.prepare_document``), so that the main process only writes them to the index
while the workers go on with the next files.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import time
from dataclasses import dataclass, replace
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scsearch import errors
from scsearch.models import ExtractedDocument

if TYPE_CHECKING:
    from scsearch.ingest.document import PreparedDocument

WORKER_MEMORY_BYTES = 6 * 1024**3


@dataclass(frozen=True)
class ExtractOutcome:
    path: str
    doc: ExtractedDocument | None
    error_code: str = ""
    error_reason: str = ""
    error_detail: str = ""
    seconds: float = 0.0
    prepared: PreparedDocument | None = None  # with a PrepareJob whose lemmatiser is set
    index_error: str = ""  # preparing the records failed (the extraction did not)

    @property
    def ok(self) -> bool:
        return self.doc is not None


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _on_alarm)
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = WORKER_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(hard, WORKER_MEMORY_BYTES)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass
    os.environ.setdefault("OMP_NUM_THREADS", "1")


@dataclass(frozen=True)
class PrepareJob:
    """What a worker needs besides the path: the document's key and content hash, the cache of the
    data directory, and the lemmatiser to prepare its records with (None: the main process does)."""

    key: str
    sha: str
    st: os.stat_result
    data_dir: str
    options_key: str
    lemmatizer: Any = None


def run_job(path: str, options: dict[str, Any], job: PrepareJob) -> ExtractOutcome:
    """The extraction of ``path`` (from the cache or ``extract_one``, then cached) and, with a
    lemmatiser in ``job``, its prepared records; never raises."""
    from scsearch.ingest.cache import Caches
    from scsearch.ingest.document import prepare_document

    caches = Caches(Path(job.data_dir))
    cached = caches.extracted(job.sha, job.options_key)
    outcome = ExtractOutcome(path, cached) if cached is not None else extract_one(path, options)
    if outcome.doc is None:
        return outcome
    if cached is None:
        try:
            caches.store_extracted(job.sha, job.options_key, outcome.doc)
        except OSError:
            pass  # a cache that cannot be written (disk full) costs a re-extraction next time, nothing more
    if job.lemmatizer is None:
        return outcome
    try:
        prepared = prepare_document(job.key, Path(path), job.sha, job.st, outcome.doc, lemmatizer=job.lemmatizer,
                                    caches=caches, may_defer=True)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        return replace(outcome, index_error=f"chyba při indexaci ({type(exc).__name__}: {exc})"[:300])
    return replace(outcome, prepared=prepared)


def extract_one(path: str, options: dict[str, Any]) -> ExtractOutcome:
    """Run the extractor on one file; never raises."""
    from scsearch.ingest.extract import extract

    start = time.perf_counter()
    timeout = int(options.pop("file_timeout", 0) or 0)
    if timeout:
        signal.alarm(timeout)
    try:
        doc = extract(path, **options)
        return ExtractOutcome(path, doc, seconds=time.perf_counter() - start)
    except errors.ExtractionError as exc:
        return ExtractOutcome(path, None, exc.code, exc.reason, exc.detail, time.perf_counter() - start)
    except _Timeout:
        return ExtractOutcome(path, None, "timeout", errors.TooLarge.reason, f"zpracování trvalo déle než {timeout} s",
                              time.perf_counter() - start)
    except MemoryError:
        return ExtractOutcome(path, None, "too_large", errors.TooLarge.reason, "nedostatek paměti",
                              time.perf_counter() - start)
    except RecursionError:
        return ExtractOutcome(path, None, "corrupt", errors.CorruptFile.reason, "zacyklená struktura",
                              time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - the boundary: any library failure is a corrupt file
        return ExtractOutcome(path, None, "corrupt", errors.CorruptFile.reason, f"{type(exc).__name__}: {exc}"[:200],
                              time.perf_counter() - start)
    finally:
        if timeout:
            signal.alarm(0)


class ExtractorPool:
    """A small pool of extraction workers with a hard timeout per file."""

    def __init__(self, processes: int, options: dict[str, Any]) -> None:
        self.processes = max(1, processes)
        self.options = options
        self.hard_timeout = int(options.get("file_timeout", 300) or 300) * 2 + 30
        self._ctx = mp.get_context("spawn")
        self._pool: Pool | None = None

    def _get(self) -> Pool:
        if self._pool is None:
            self._pool = self._ctx.Pool(self.processes, initializer=_init_worker, maxtasksperchild=200)
        return self._pool

    def submit(self, path: str, job: PrepareJob) -> AsyncResult[ExtractOutcome]:
        return self._get().apply_async(run_job, (path, dict(self.options), job))

    def result(self, path: str, handle: AsyncResult[ExtractOutcome]) -> ExtractOutcome:
        try:
            return handle.get(timeout=self.hard_timeout)
        except mp.TimeoutError:
            self.restart()
            return ExtractOutcome(path, None, "timeout", errors.TooLarge.reason, "zpracování nebylo dokončeno včas")
        except Exception as exc:  # noqa: BLE001 - a worker died (e.g. killed by the memory limit)
            self.restart()
            return ExtractOutcome(path, None, "corrupt", errors.CorruptFile.reason, f"pád extrakce: {exc}"[:200])

    def restart(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
