"""The typo (deletion) index of a generation's lexicon, kept on disk in SQLite and read a few rows at a time.

Every corpus form of 3+ letters is indexed under the strings made by deleting one letter of it (two for
forms of 6+ letters); a typed word then finds the forms that share one of its own deletions
(``index.lexicon.Lexicon.suggest``). As a Python dict of sets this index costs ~20 MB per process at
100k pages and has to be read whole; here a suggestion reads only the rows of the typed word's deletions,
and a search that needs no suggestion opens nothing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

FILE = "typos.sqlite"
MAX_PARAMS = 500  # deletions looked up per statement (SQLite's bound on parameters is 999 in old builds)


def write(directory: Path, index: dict[str, set[str]]) -> None:
    """Write the index (deletion -> forms) as ``FILE`` in ``directory``, atomically."""
    path = Path(directory) / FILE
    tmp = path.with_name(f"{FILE}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("CREATE TABLE deletes (key TEXT NOT NULL, form TEXT NOT NULL, PRIMARY KEY (key, form))"
                    " WITHOUT ROWID")
        con.executemany("INSERT INTO deletes VALUES (?, ?)", ((k, f) for k, forms in index.items() for f in forms))
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)


class TypoIndex:
    """A generation's saved index, opened read-only on the first look-up."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._con: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @classmethod
    def find(cls, directory: Path) -> TypoIndex | None:
        """The saved index of a generation folder (None for a generation written without one)."""
        path = Path(directory) / FILE
        return cls(path) if path.is_file() else None

    def forms(self, keys: Iterable[str]) -> set[str]:
        """The corpus forms indexed under any of ``keys``."""
        wanted = sorted(set(keys))
        out: set[str] = set()
        with self._lock:
            if self._con is None:
                self._con = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, check_same_thread=False)
            for i in range(0, len(wanted), MAX_PARAMS):
                chunk = wanted[i : i + MAX_PARAMS]
                marks = ",".join("?" * len(chunk))
                out.update(f for (f,) in self._con.execute(f"SELECT form FROM deletes WHERE key IN ({marks})", chunk))
        return out
