"""The re-index worker process: runs queued jobs through the pipeline, one status row per file.

Started by ``JobQueue.start_pending()`` as ``python -m scsearch.ingest.jobworker --data-dir DIR --job ID``.
It runs ``Pipeline(data_dir, progress=..., force=...).run(paths)``, writes one status line per file as
it goes, and then takes the next queued job, if any. Exclusions (documents an admin removed) are
applied by the pipeline itself, as for every other way of ingesting; ``force`` re-indexes documents
whose metadata override was edited.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scsearch.ingest.jobqueue import Job, connect, now, transaction
from scsearch.language.tokenize import nfc


@dataclass
class _Counts:
    done: int = 0
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


class _JobRecorder:
    """The pipeline's progress callback: one row per file, counters on the job row."""

    def __init__(self, conn: sqlite3.Connection, job_id: int) -> None:
        self.conn = conn
        self.job_id = job_id
        self.counts = _Counts()

    def __call__(self, result: Any, done: int, total: int) -> None:
        self.counts.done, self.counts.total = done, total
        status = str(result.status)
        self.counts.by_status[status] = self.counts.by_status.get(status, 0) + 1
        path = nfc(str(result.path))
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO job_files (job_id, path, abs_path, status, reason, units, seconds, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (self.job_id, path, _absolute(path), status, str(result.reason or ""), int(result.units or 0),
                 float(result.seconds or 0.0), now()),
            )
            self.conn.execute(
                f"UPDATE jobs SET done = ?, total = ?, {status_column(status)} = {status_column(status)} + 1 "
                "WHERE id = ?",
                (done, total, self.job_id),
            )


def status_column(status: str) -> str:
    return status if status in ("indexed", "unchanged", "failed", "removed", "skipped") else "failed"


def _absolute(path: str) -> str:
    try:
        return nfc(str(Path(path).resolve()))
    except (OSError, RuntimeError):
        return path


def run_job(data_dir: Path, job: Job, conn: sqlite3.Connection) -> tuple[str, str, str | None]:
    """Run one job's pipeline; returns (state, error, generation)."""
    from scsearch import errors
    from scsearch.ingest.pipeline import Pipeline

    force = set(job.force)
    recorder = _JobRecorder(conn, job.id)
    from scsearch.ingest.sync.jobkind import is_url, sync_for_job

    synced = sync_for_job(data_dir, [p for p in job.paths if is_url(p)], conn, job.id, job.user)
    paths = list(dict.fromkeys([*(p for p in job.paths if not is_url(p) and Path(p).exists()), *synced.folders]))
    if not paths:
        return "failed", synced.note or "Žádná ze zdrojových složek neexistuje.", None
    try:
        report = Pipeline(data_dir, progress=recorder, force=force).run(paths)
    except errors.IndexLocked as exc:
        return "failed", str(exc), None
    except errors.IndexMismatch as exc:
        return "failed", str(exc), None
    failed = report.count("failed")
    note = " ".join(x for x in (f"{failed} souborů se nepodařilo zpracovat." if failed else "", synced.note) if x)
    return "done", note, report.generation


def _finish_and_claim(conn: sqlite3.Connection, job_id: int, state: str, error: str,
                      generation: str | None) -> int | None:
    """Record the end of a job and claim the next queued one for this process, atomically."""
    with transaction(conn):
        conn.execute(
            "UPDATE jobs SET state = ?, error = ?, generation = ?, finished_at = ? WHERE id = ?",
            (state, error, generation, now(), job_id),
        )
        row = conn.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1").fetchone()
        if row is None:
            return None
        conn.execute(
            "UPDATE jobs SET state = 'running', pid = ?, started_at = ? WHERE id = ?",
            (os.getpid(), now(), row["id"]),
        )
        return int(row["id"])


def worker(data_dir: Path, job_id: int) -> int:
    """Run job ``job_id`` (already marked running with this pid), then any jobs queued meanwhile."""
    data_dir = Path(data_dir).resolve()
    conn = connect(data_dir)
    with transaction(conn):
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return 2
        if row["state"] == "queued":
            conn.execute("UPDATE jobs SET state = 'running', started_at = ? WHERE id = ?", (now(), job_id))
        conn.execute("UPDATE jobs SET pid = ? WHERE id = ?", (os.getpid(), job_id))
    current: int | None = job_id
    while current is not None:
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (current,)).fetchone()
        job = Job.from_row(row)
        try:
            state, error, generation = run_job(data_dir, job, conn)
        except Exception as exc:  # noqa: BLE001 - the job fails, the worker records why
            state, error, generation = "failed", f"{type(exc).__name__}: {exc}"[:500], None
        current = _finish_and_claim(conn, job.id, state, error, generation)
    conn.close()
    from scsearch.alerts.cli import after_ingest  # e-mail alerts for what the jobs indexed

    after_ingest(data_dir)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scsearch.ingest.jobworker", description="Pracovní proces přeindexování: spustí úlohu a pak další úlohy ve frontě.")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--job", type=int, required=True)
    args = parser.parse_args(argv)
    return worker(Path(args.data_dir), args.job)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
