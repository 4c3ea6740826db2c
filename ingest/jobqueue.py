"""The re-index job queue in SQLite (``DATA_DIR/admin.sqlite``), seen from the web process.

The web process never ingests itself. It records a job here and starts
``python -m scsearch.ingest.jobworker --data-dir DIR --job ID`` as a separate process (its own
session, so it outlives a restart of the web server); see ``jobworker``.

    queue = JobQueue(data_dir)
    job = queue.enqueue(["/srv/docs"], reason="nahrání", user="admin")
    queue.start_pending()          # spawns the worker
    queue.get(job.id).state        # 'running', later 'done'

States: ``queued`` -> ``running`` -> ``done`` | ``failed``; a job marked running whose process is
dead is turned into ``interrupted`` by ``reconcile()`` (called on every read). Czech labels of the
states live in ``webui/labels.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scsearch.index import store
from scsearch.language.tokenize import nfc

DB_NAME = "admin.sqlite"
WORKER_LOG = "admin-worker.log"

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
    skipped INTEGER NOT NULL DEFAULT 0,
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
"""


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


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
    if "skipped" not in {r["name"] for r in conn.execute("PRAGMA table_info(jobs)")}:
        with contextlib.suppress(sqlite3.OperationalError):  # another process added it meanwhile
            conn.execute("ALTER TABLE jobs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0")
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
    skipped: int
    generation: str | None
    error: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        data = dict(row)
        data["paths"] = json.loads(data["paths"] or "[]")
        data["force"] = json.loads(data["force"] or "[]")
        return cls(**data)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
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
            "skipped": self.skipped,
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

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "status": self.status,
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
            [sys.executable, "-m", "scsearch.ingest.jobworker", "--data-dir", str(data_dir), "--job", str(job_id)],
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
