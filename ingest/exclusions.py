"""The one exclusion list: documents an administrator removed from the index.

It lives in ``DATA_DIR/admin.sqlite`` (table ``exclusions``) and every way of ingesting
honours it: the CLI ``ingest`` and ``reindex``, admin jobs and anything else that runs the
pipeline. A file stays on disk; it just does not enter the index until it is restored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scsearch.language.tokenize import nfc

DB_NAME = "admin.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS exclusions (
    path TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    user TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Exclusion:
    path: str
    title: str
    user: str
    at: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "title": self.title, "user": self.user, "at": self.at}


@contextlib.contextmanager
def _connect(data_dir: str | os.PathLike[str], *, create: bool) -> Iterator[sqlite3.Connection | None]:
    path = Path(data_dir) / DB_NAME
    if not create and not path.exists():
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.executescript(_SCHEMA)
        yield conn
    finally:
        conn.close()


def entries(data_dir: str | os.PathLike[str]) -> list[Exclusion]:
    """Every excluded file, newest first (empty when nothing was ever excluded)."""
    with _connect(data_dir, create=False) as conn:
        if conn is None:
            return []
        rows = conn.execute("SELECT path, title, user, at FROM exclusions ORDER BY at DESC, path").fetchall()
    return [Exclusion(*r) for r in rows]


def paths(data_dir: str | os.PathLike[str]) -> set[str]:
    return {e.path for e in entries(data_dir)}


def add(data_dir: str | os.PathLike[str], path: str, *, title: str = "", user: str = "") -> None:
    at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    with _connect(data_dir, create=True) as conn:
        assert conn is not None
        conn.execute("INSERT OR REPLACE INTO exclusions (path, title, user, at) VALUES (?, ?, ?, ?)",
                     (nfc(path), title, user, at))


def remove(data_dir: str | os.PathLike[str], path: str) -> bool:
    """Restore a file (it is indexed again by the next run); False when it was not excluded."""
    with _connect(data_dir, create=True) as conn:
        assert conn is not None
        cur = conn.execute("DELETE FROM exclusions WHERE path = ?", (nfc(path),))
    return cur.rowcount > 0
