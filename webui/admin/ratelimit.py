"""The admin login rate limit, atomic across threads and processes (``admin.sqlite``).

Every password check first *reserves* an attempt: in one ``BEGIN IMMEDIATE`` transaction the
recent attempts of the client's buckets are counted and, if none is full, one attempt is recorded
in each. Only then is the password checked; a correct password releases the reservation. So 40
parallel wrong passwords get at most ``limit`` checks, never more.

Buckets: a browser that logged in before carries a signed *device cookie* and is limited only by
its own failures (``device:<id>``), so nobody else can lock it out. Any other client is limited
per address (``ip:<addr>``, the address as ``TRUSTED_PROXIES`` resolves it) and by a global
budget over all such clients (``global``), which bounds a password guess spread over many
addresses.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from scsearch.ingest.jobqueue import transaction

GLOBAL = "global"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS login_attempts (bucket TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_attempts_bucket ON login_attempts(bucket, at);
"""


@dataclass(frozen=True)
class Reservation:
    """The outcome of ``LoginLimiter.reserve``: allowed (with the rows to release) or a wait."""

    allowed: bool
    wait_s: int = 0
    row_ids: tuple[int, ...] = ()


def ip_bucket(ip: str) -> str:
    return f"ip:{ip}"


def device_bucket(device_id: str) -> str:
    return f"device:{device_id}"


class LoginLimiter:
    """At most ``limit`` attempts per bucket (``global_limit`` for the global one) per ``window_s``."""

    def __init__(self, conn: sqlite3.Connection, limit: int = 5, window_s: int = 300, global_limit: int = 50) -> None:
        self.conn = conn
        self.limit = limit
        self.window_s = window_s
        self.global_limit = global_limit
        conn.executescript(_SCHEMA)

    def _limit_of(self, bucket: str) -> int:
        return self.global_limit if bucket == GLOBAL else self.limit

    def reserve(self, buckets: tuple[str, ...], now: float | None = None) -> Reservation:
        """Count and record one attempt in every bucket atomically; refuse when one is full."""
        now = time.time() if now is None else now
        since = now - self.window_s
        with transaction(self.conn):
            self.conn.execute("DELETE FROM login_attempts WHERE at <= ?", (since,))
            wait = 0
            for bucket in buckets:
                limit = self._limit_of(bucket)
                rows = self.conn.execute(
                    "SELECT at FROM login_attempts WHERE bucket = ? AND at > ? ORDER BY at DESC LIMIT ?",
                    (bucket, since, limit),
                ).fetchall()
                if len(rows) >= limit:  # free again when the limit-th newest attempt leaves the window
                    wait = max(wait, int(float(rows[-1][0]) + self.window_s - now) + 1)
            if wait:
                return Reservation(False, wait_s=max(1, wait))
            ids = []
            for bucket in buckets:
                cur = self.conn.execute("INSERT INTO login_attempts (bucket, at) VALUES (?, ?)", (bucket, now))
                ids.append(int(cur.lastrowid or 0))
        return Reservation(True, row_ids=tuple(ids))

    def release(self, reservation: Reservation, own_bucket: str) -> None:
        """After a correct password: forget this attempt and the earlier failures of the client's own bucket."""
        with transaction(self.conn):
            self.conn.executemany("DELETE FROM login_attempts WHERE rowid = ?", [(i,) for i in reservation.row_ids])
            self.conn.execute("DELETE FROM login_attempts WHERE bucket = ?", (own_bucket,))
