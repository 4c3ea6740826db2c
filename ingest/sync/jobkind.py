"""Sync as a background job kind (``ingest/jobworker.py``): a job whose paths include site URLs syncs them first,
writes one status line per file to the job (live progress in the admin) and its summary to the audit log."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from scsearch import errors
from scsearch.ingest.sync import state
from scsearch.ingest.sync.command import summary
from scsearch.ingest.sync.run import SyncOutcome, sync_site


@dataclass(frozen=True)
class JobSync:
    folders: tuple[str, ...]  # sync folders to ingest with the job's other paths
    note: str  # the summaries, for the job row


def is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))


def sync_for_job(data_dir: Path, urls: list[str], conn: sqlite3.Connection, job_id: int, user: str) -> JobSync:
    from scsearch.ingest.jobqueue import now, transaction

    def record(outcome: SyncOutcome) -> None:
        with transaction(conn):
            conn.execute(
                "INSERT INTO job_files (job_id, path, abs_path, status, reason, units, seconds, at) "
                "VALUES (?, ?, ?, ?, ?, 0, 0, ?)",
                (job_id, outcome.url, outcome.path or outcome.url, outcome.status, outcome.reason, now()),
            )

    remembered = {s.url: s.into for s in state.sites(data_dir)}
    folders: list[str] = []
    notes: list[str] = []
    for url in urls:
        into = Path(remembered[url]) if url in remembered else None
        try:
            report = sync_site(data_dir, url, into=into, progress=record)
        except (errors.UsageError, errors.IndexLocked) as exc:
            notes.append(f"Synchronizace {url}: {exc}.")
            continue
        text = summary(report, None)
        notes.append(text)
        if not report.error:
            folders.append(report.into)
        details = {"staženo": len(report.urls("downloaded")), "beze změny": len(report.urls("unchanged")),
                   "chyby": [f"{o.url}: {o.reason}" for o in report.failed][:50],
                   "odstraněno z webu": report.urls("withdrawn"), "úloha": job_id}
        try:
            conn.execute(
                "INSERT INTO audit (at, user, ip, action, target, details) VALUES (?, ?, '', 'sync_done', ?, ?)",
                (now(), user or "systém", url, json.dumps(details, ensure_ascii=False)),
            )
        except sqlite3.OperationalError:
            pass  # no audit table: the job was not started from the web admin
    return JobSync(tuple(folders), " ".join(notes))
