"""Background re-index jobs: a queue in SQLite and a worker process that runs the pipeline.

The web process never ingests itself. It records a job in ``DATA_DIR/admin.sqlite`` and starts
``python -m ingest.jobs worker --data-dir DIR --job ID`` as a separate process (its own session,
so it outlives a restart of the web server). The worker runs ``Pipeline(data_dir).run(paths)``,
writes one status line per file as it goes, and then takes the next queued job, if any.

    >>> queue = JobQueue(data_dir)                                   # doctest: +SKIP
    >>> job = queue.enqueue(["/srv/docs"], reason="nahrání", user="admin")
    >>> queue.start_pending()                                        # spawns the worker
    >>> queue.get(job.id).state                                      # 'running', later 'done'

States: ``queued`` -> ``running`` -> ``done`` | ``failed``; a job marked running whose process is
dead is turned into ``interrupted`` by ``reconcile()`` (called on every read).

Exclusions (documents an admin removed) live in the same database; the worker passes them to the
pipeline (``Pipeline(..., exclude=..., force=...)``), which leaves excluded files out of the walk and
removes them from the index; ``force`` re-indexes documents whose metadata override was edited.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scsearch.index import store

DB_NAME = "admin.sqlite"
WORKER_LOG = "admin-worker.log"
STATES = ("queued", "running", "done", "failed", "interrupted")
STATE_LABELS = {
    "queued": "ve frontě",
    "running": "probíhá",
    "done": "dokončeno",
    "failed": "selhalo",
    "interrupted": "přerušeno",
}
FILE_STATUS_LABELS = {
    "indexed": "zaindexováno",
    "unchanged": "beze změny",
    "failed": "chyba",
    "removed": "odstraněno z indexu",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    user TEXT NOT NULL DEFAULT '',
    paths TEXT NOT NULL DEFAULT '[]',
    force TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    pid INTEGER,
    total INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    indexed INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    generation TEXT,
    error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS job_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    path TEXT NOT NULL,
    abs_path TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    units INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS job_files_job ON job_files(job_id, id);
CREATE INDEX IF NOT EXISTS job_files_abs ON job_files(abs_path);
CREATE TABLE IF NOT EXISTS exclusions (
    path TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    user TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
"""


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def connect(data_dir: str | os.PathLike[str]) -> sqlite3.Connection:
    """A connection to ``DATA_DIR/admin.sqlite`` (WAL, waits for writers, schema ensured)."""
    path = Path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path / DB_NAME, timeout=30, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    with contextlib.suppress(sqlite3.OperationalError):
        conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(_SCHEMA)
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: one writer at a time across processes."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def pid_alive(pid: int | None) -> bool:
    """Whether a process exists and is not a zombie."""
    return bool(pid) and store.pid_alive(int(pid or 0))


@dataclass
class Job:
    id: int
    state: str
    reason: str
    user: str
    paths: list[str]
    force: list[str]
    created_at: str
    started_at: str | None
    finished_at: str | None
    pid: int | None
    total: int
    done: int
    indexed: int
    unchanged: int
    failed: int
    removed: int
    generation: str | None
    error: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        data = dict(row)
        data["paths"] = json.loads(data["paths"] or "[]")
        data["force"] = json.loads(data["force"] or "[]")
        return cls(**data)

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "state_label": self.state_label,
            "reason": self.reason,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "pid": self.pid,
            "total": self.total,
            "done": self.done,
            "indexed": self.indexed,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "removed": self.removed,
            "generation": self.generation,
            "error": self.error,
        }


@dataclass(frozen=True)
class FileLine:
    id: int
    path: str
    status: str
    reason: str
    units: int
    seconds: float
    at: str

    @property
    def status_label(self) -> str:
        return FILE_STATUS_LABELS.get(self.status, self.status)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "status": self.status, "status_label": self.status_label,
                "reason": self.reason, "units": self.units, "at": self.at}


# Popen handles of workers started by this process, reaped by a waiting thread each.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def _project_root() -> Path:
    return Path(__file__).resolve().parents[1]


def _spawn_worker(data_dir: Path, job_id: int) -> int:
    env = dict(os.environ)
    root = str(_project_root())
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    log = open(data_dir / WORKER_LOG, "ab")  # noqa: SIM115 - handed to the child
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "scsearch.ingest.jobs", "worker", "--data-dir", str(data_dir), "--job", str(job_id)],
            cwd=os.getcwd(), env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, close_fds=True,
        )
    finally:
        log.close()
    _CHILDREN[proc.pid] = proc
    threading.Thread(target=_reap, args=(proc,), daemon=True, name=f"reap-{proc.pid}").start()
    return proc.pid


def _reap(proc: subprocess.Popen[bytes]) -> None:
    proc.wait()
    _CHILDREN.pop(proc.pid, None)


class JobQueue:
    """The job table of one DATA_DIR, seen from the web process (and used by the worker)."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.conn = connect(self.data_dir)
        self._lock = threading.Lock()

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ reading
    def reconcile(self) -> None:
        """Mark running jobs whose process has died as interrupted."""
        with self._lock:
            rows = self.conn.execute("SELECT id, pid FROM jobs WHERE state = 'running'").fetchall()
            dead = [r["id"] for r in rows if not pid_alive(r["pid"])]
            if not dead:
                return
            with transaction(self.conn):
                for job_id in dead:
                    self.conn.execute(
                        "UPDATE jobs SET state = 'interrupted', finished_at = ?, "
                        "error = 'Proces úlohy skončil, aniž úlohu dokončil (např. restart serveru).' "
                        "WHERE id = ? AND state = 'running'",
                        (now(), job_id),
                    )

    def get(self, job_id: int) -> Job | None:
        self.reconcile()
        row = self.conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job.from_row(row) if row else None

    def list_jobs(self, limit: int = 50) -> list[Job]:
        self.reconcile()
        rows = self.conn.execute("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [Job.from_row(r) for r in rows]

    def active(self) -> Job | None:
        """The running job, else the oldest queued one, else None."""
        self.reconcile()
        row = self.conn.execute(
            "SELECT * FROM jobs WHERE state IN ('running', 'queued') "
            "ORDER BY state = 'running' DESC, id LIMIT 1"
        ).fetchone()
        return Job.from_row(row) if row else None

    def files(self, job_id: int, after: int = 0, limit: int = 5000) -> list[FileLine]:
        rows = self.conn.execute(
            "SELECT id, path, status, reason, units, seconds, at FROM job_files WHERE job_id = ? AND id > ? "
            "ORDER BY id LIMIT ?",
            (job_id, after, limit),
        ).fetchall()
        return [FileLine(**dict(r)) for r in rows]

    def last_file_status(self, abs_path: str, since: str) -> FileLine | None:
        """The latest status line of the file at ``abs_path`` written at or after ``since`` (ISO time)."""
        row = self.conn.execute(
            "SELECT id, path, status, reason, units, seconds, at FROM job_files WHERE abs_path = ? AND at >= ? "
            "ORDER BY id DESC LIMIT 1",
            (nfc(abs_path), since),
        ).fetchone()
        return FileLine(**dict(row)) if row else None

    # ------------------------------------------------------------ writing
    def enqueue(self, paths: Sequence[str], *, reason: str, user: str, force: Iterable[str] = ()) -> Job:
        """Queue a re-index of ``paths``; joins a job that is already queued (not yet running)."""
        force_list = [nfc(f) for f in force]
        with self._lock, transaction(self.conn):
            row = self.conn.execute("SELECT * FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1").fetchone()
            if row is not None:
                job = Job.from_row(row)
                merged_force = sorted(set(job.force) | set(force_list))
                merged_paths = list(dict.fromkeys([*job.paths, *paths]))
                reasons = job.reason if reason in job.reason.split("; ") else f"{job.reason}; {reason}"
                self.conn.execute(
                    "UPDATE jobs SET paths = ?, force = ?, reason = ? WHERE id = ?",
                    (json.dumps(merged_paths, ensure_ascii=False), json.dumps(merged_force, ensure_ascii=False),
                     reasons, job.id),
                )
                job_id = job.id
            else:
                cur = self.conn.execute(
                    "INSERT INTO jobs (state, reason, user, paths, force, created_at) VALUES ('queued', ?, ?, ?, ?, ?)",
                    (reason, user, json.dumps(list(paths), ensure_ascii=False),
                     json.dumps(sorted(set(force_list)), ensure_ascii=False), now()),
                )
                job_id = int(cur.lastrowid or 0)
        job_now = self.get(job_id)
        assert job_now is not None
        return job_now

    def start_pending(self, spawn: Callable[[Path, int], int] | None = None) -> Job | None:
        """Start a worker for the oldest queued job unless a job is running. Returns the started job."""
        self.reconcile()
        spawn = spawn or _spawn_worker
        with self._lock, transaction(self.conn):
            if self.conn.execute("SELECT 1 FROM jobs WHERE state = 'running'").fetchone():
                return None
            row = self.conn.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1").fetchone()
            if row is None:
                return None
            job_id = int(row["id"])
            pid = spawn(self.data_dir, job_id)
            self.conn.execute(
                "UPDATE jobs SET state = 'running', pid = ?, started_at = ? WHERE id = ?", (pid, now(), job_id)
            )
        return self.get(job_id)

    # ------------------------------------------------------------ exclusions
    def exclusions(self) -> list[dict[str, str]]:
        rows = self.conn.execute("SELECT path, title, user, at FROM exclusions ORDER BY at DESC").fetchall()
        return [dict(r) for r in rows]

    def excluded_paths(self) -> set[str]:
        return {r["path"] for r in self.conn.execute("SELECT path FROM exclusions")}

    def exclude(self, path: str, *, title: str = "", user: str = "") -> None:
        with self._lock, transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO exclusions (path, title, user, at) VALUES (?, ?, ?, ?)",
                (nfc(path), title, user, now()),
            )

    def include(self, path: str) -> bool:
        with self._lock, transaction(self.conn):
            cur = self.conn.execute("DELETE FROM exclusions WHERE path = ?", (nfc(path),))
        return cur.rowcount > 0


# ===================================================================== the worker process


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
    return status if status in ("indexed", "unchanged", "failed", "removed") else "failed"


def _absolute(path: str) -> str:
    try:
        return nfc(str(Path(path).resolve()))
    except (OSError, RuntimeError):
        return path


def run_job(data_dir: Path, job: Job, conn: sqlite3.Connection) -> tuple[str, str, str | None]:
    """Run one job's pipeline; returns (state, error, generation)."""
    from scsearch import errors
    from scsearch.ingest.pipeline import Pipeline

    exclude = {r["path"] for r in conn.execute("SELECT path FROM exclusions")}
    force = set(job.force)
    recorder = _JobRecorder(conn, job.id)
    paths = [p for p in job.paths if Path(p).exists()]
    if not paths:
        return "failed", "Žádná ze zdrojových složek neexistuje.", None
    try:
        report = Pipeline(data_dir, progress=recorder, exclude=exclude, force=force).run(paths)
    except errors.IndexLocked as exc:
        return "failed", str(exc), None
    except errors.IndexMismatch as exc:
        return "failed", str(exc), None
    failed = report.count("failed")
    note = f"{failed} souborů se nepodařilo zpracovat." if failed else ""
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
    parser = argparse.ArgumentParser(prog="python -m ingest.jobs", description="Pracovní proces přeindexování.")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("worker", help="spustit úlohu a pak další úlohy ve frontě")
    w.add_argument("--data-dir", required=True)
    w.add_argument("--job", type=int, required=True)
    args = parser.parse_args(argv)
    return worker(Path(args.data_dir), args.job)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
