"""Subscriptions, seen documents, the outbox of digests and rate counters, in ``DATA_DIR/admin.sqlite``.

The tables live in the administration's database (``DB_NAME``, the file of ``ingest.jobs``), so a backup of that file
holds the subscriptions too. States of a subscription: ``pending`` (waiting for the confirmation
link) -> ``active`` -> ``unsubscribed``. States of an outbox message: ``pending`` -> ``sending`` ->
``sent``; a failed send goes back to ``pending`` (retried at the next run); a message left
``sending`` by a process that died is ``uncertain`` (the SMTP server may have accepted it) and is not
sent again, so that no document ever reaches a subscriber twice (docs/alerts.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scsearch.index.store import pid_alive

# The administration's database (``ingest.jobs.DB_NAME``; a test checks they agree): the jobs import this
# package to send alerts after a re-index, so it cannot import them back.
DB_NAME = "admin.sqlite"

SUB_STATES = ("pending", "active", "unsubscribed")
SUB_STATE_LABELS = {"pending": "čeká na potvrzení", "active": "aktivní", "unsubscribed": "odhlášen"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    search TEXT NOT NULL,
    state TEXT NOT NULL,
    site TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    primed INTEGER NOT NULL DEFAULT 0,
    last_run_at TEXT,
    last_sent_at TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    UNIQUE (email, search)
);
CREATE TABLE IF NOT EXISTS alert_seen (
    sub_id INTEGER NOT NULL,
    doc_key TEXT NOT NULL,
    PRIMARY KEY (sub_id, doc_key)
);
CREATE TABLE IF NOT EXISTS alert_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sub_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    message BLOB NOT NULL,
    documents INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    pid INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS alert_rate (
    key TEXT PRIMARY KEY,
    window_start REAL NOT NULL,
    count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Subscription:
    id: int
    email: str
    search: str  # canonical query string (``search_spec.SavedSearch.query_string``)
    state: str
    site: str  # the site's address when subscribed through the web (used when ``base_url`` is not set)
    created_at: str
    confirmed_at: str | None
    primed: bool  # the first run recorded what matched
    last_run_at: str | None
    last_sent_at: str | None
    last_error: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Subscription:
        return cls(id=int(row["id"]), email=row["email"], search=row["search"], state=row["state"],
                   site=row["site"], created_at=row["created_at"], confirmed_at=row["confirmed_at"],
                   primed=bool(row["primed"]), last_run_at=row["last_run_at"], last_sent_at=row["last_sent_at"],
                   last_error=row["last_error"])

    @property
    def state_label(self) -> str:
        return SUB_STATE_LABELS.get(self.state, self.state)

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "email": self.email, "search": self.search, "state": self.state,
                "created_at": self.created_at, "confirmed_at": self.confirmed_at, "primed": self.primed,
                "last_run_at": self.last_run_at, "last_sent_at": self.last_sent_at, "last_error": self.last_error}


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    sub_id: int
    state: str
    message: bytes
    documents: int
    attempts: int


class AlertStore:
    """The alert tables of one data directory (one connection; use ``close()`` or ``with``)."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        path = Path(data_dir)
        path.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path / DB_NAME, timeout=30, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA busy_timeout = 30000")
        with contextlib.suppress(sqlite3.OperationalError):
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> AlertStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``: one writer at a time across processes."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------ secret
    def secret(self) -> str:
        """A random key of this installation for signing tokens (created once, kept in the database)."""
        with self.transaction() as c:
            row = c.execute("SELECT value FROM alert_keys WHERE name = 'signing'").fetchone()
            if row is not None:
                return str(row["value"])
            value = secrets.token_urlsafe(48)
            c.execute("INSERT INTO alert_keys (name, value) VALUES ('signing', ?)", (value,))
            return value

    # ------------------------------------------------------------ subscriptions
    def get(self, sub_id: int) -> Subscription | None:
        row = self.conn.execute("SELECT * FROM alert_subscriptions WHERE id = ?", (sub_id,)).fetchone()
        return Subscription.from_row(row) if row else None

    def find(self, email: str, search: str) -> Subscription | None:
        row = self.conn.execute("SELECT * FROM alert_subscriptions WHERE email = ? AND search = ?",
                                (email, search)).fetchone()
        return Subscription.from_row(row) if row else None

    def subscriptions(self, states: Iterable[str] = SUB_STATES) -> list[Subscription]:
        wanted = tuple(states)
        rows = self.conn.execute(
            f"SELECT * FROM alert_subscriptions WHERE state IN ({','.join('?' * len(wanted))}) ORDER BY id", wanted
        ).fetchall()
        return [Subscription.from_row(r) for r in rows]

    def count_for(self, email: str) -> int:
        row = self.conn.execute("SELECT COUNT(*) FROM alert_subscriptions WHERE email = ? AND state != "
                                "'unsubscribed'", (email,)).fetchone()
        return int(row[0])

    def subscribe(self, email: str, search: str, *, confirmed: bool, site: str = "") -> tuple[Subscription, bool]:
        """Create (or re-open) the subscription of ``email`` to ``search``; returns it and whether it
        needs a confirmation e-mail (False when it is already active)."""
        with self.transaction() as c:
            row = c.execute("SELECT * FROM alert_subscriptions WHERE email = ? AND search = ?",
                            (email, search)).fetchone()
            state = "active" if confirmed else "pending"
            if row is None:
                c.execute(
                    "INSERT INTO alert_subscriptions (email, search, state, site, created_at, confirmed_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (email, search, state, site, now(), now() if confirmed else None))
            elif row["state"] != "active":
                c.execute("UPDATE alert_subscriptions SET state = ?, site = ?, confirmed_at = ?, primed = 0 "
                          "WHERE id = ?", (state, site or row["site"], now() if confirmed else None, row["id"]))
                c.execute("DELETE FROM alert_seen WHERE sub_id = ?", (row["id"],))
            needs_mail = row is None or row["state"] != "active"
            sub = c.execute("SELECT * FROM alert_subscriptions WHERE email = ? AND search = ?",
                            (email, search)).fetchone()
        return Subscription.from_row(sub), needs_mail and not confirmed

    def confirm(self, sub_id: int) -> bool:
        """Activate a pending subscription; True when it is active now."""
        self.conn.execute("UPDATE alert_subscriptions SET state = 'active', confirmed_at = ? "
                          "WHERE id = ? AND state = 'pending'", (now(), sub_id))
        sub = self.get(sub_id)
        return sub is not None and sub.state == "active"

    def unsubscribe(self, sub_id: int) -> bool:
        cur = self.conn.execute("UPDATE alert_subscriptions SET state = 'unsubscribed' WHERE id = ? "
                                "AND state != 'unsubscribed'", (sub_id,))
        return cur.rowcount > 0

    def remove(self, sub_id: int) -> bool:
        with self.transaction() as c:
            cur = c.execute("DELETE FROM alert_subscriptions WHERE id = ?", (sub_id,))
            c.execute("DELETE FROM alert_seen WHERE sub_id = ?", (sub_id,))
            c.execute("DELETE FROM alert_outbox WHERE sub_id = ? AND state != 'sent'", (sub_id,))
        return cur.rowcount > 0

    # ------------------------------------------------------------ runs
    def seen(self, sub_id: int) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT doc_key FROM alert_seen WHERE sub_id = ?", (sub_id,))}

    def prime(self, sub_id: int, keys: Iterable[str]) -> None:
        """First run: record what matches now, send nothing."""
        with self.transaction() as c:
            c.executemany("INSERT OR IGNORE INTO alert_seen (sub_id, doc_key) VALUES (?, ?)",
                          [(sub_id, k) for k in keys])
            c.execute("UPDATE alert_subscriptions SET primed = 1, last_run_at = ?, last_error = '' WHERE id = ?",
                      (now(), sub_id))

    def enqueue_digest(self, sub_id: int, keys: list[str], compose: Callable[[list[str]], bytes]) -> int | None:
        """In one transaction: the keys not seen yet become seen and their digest enters the outbox.

        ``compose(new_keys) -> bytes`` builds the message for the keys that are still new; none new
        (another run took them) gives None and nothing is queued."""
        with self.transaction() as c:
            seen = self.seen(sub_id)
            fresh = [k for k in dict.fromkeys(keys) if k not in seen]
            c.execute("UPDATE alert_subscriptions SET last_run_at = ? WHERE id = ?", (now(), sub_id))
            if not fresh:
                return None
            message = compose(fresh)
            c.executemany("INSERT INTO alert_seen (sub_id, doc_key) VALUES (?, ?)", [(sub_id, k) for k in fresh])
            cur = c.execute("INSERT INTO alert_outbox (sub_id, state, message, documents, created_at) "
                            "VALUES (?, 'pending', ?, ?, ?)", (sub_id, message, len(fresh), now()))
            return int(cur.lastrowid or 0)

    def has_unsent(self, sub_id: int) -> bool:
        row = self.conn.execute("SELECT 1 FROM alert_outbox WHERE sub_id = ? AND state IN ('pending', 'sending')",
                                (sub_id,)).fetchone()
        return row is not None

    def reconcile(self) -> list[OutboxMessage]:
        """Messages left ``sending`` by a dead process become ``uncertain``; returns them."""
        out = []
        with self.transaction() as c:
            for row in c.execute("SELECT * FROM alert_outbox WHERE state = 'sending'").fetchall():
                if not row["pid"] or not pid_alive(int(row["pid"])):
                    c.execute("UPDATE alert_outbox SET state = 'uncertain', last_error = ? WHERE id = ?",
                              ("proces skončil během odesílání; zpráva možná odešla, znovu se neposílá", row["id"]))
                    out.append(_message(row))
        return out

    def pending_messages(self) -> list[OutboxMessage]:
        rows = self.conn.execute("SELECT * FROM alert_outbox WHERE state = 'pending' ORDER BY id").fetchall()
        return [_message(r) for r in rows]

    def claim(self, message_id: int) -> bool:
        """Mark a pending message ``sending`` by this process (False when another run has it)."""
        cur = self.conn.execute("UPDATE alert_outbox SET state = 'sending', pid = ?, attempts = attempts + 1 "
                                "WHERE id = ? AND state = 'pending'", (os.getpid(), message_id))
        return cur.rowcount > 0

    def mark_sent(self, message: OutboxMessage) -> None:
        with self.transaction() as c:
            c.execute("UPDATE alert_outbox SET state = 'sent', sent_at = ?, last_error = '' WHERE id = ?",
                      (now(), message.id))
            c.execute("UPDATE alert_subscriptions SET last_sent_at = ?, last_error = '' WHERE id = ?",
                      (now(), message.sub_id))

    def mark_failed(self, message: OutboxMessage, error: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE alert_outbox SET state = 'pending', pid = NULL, last_error = ? WHERE id = ?",
                      (error[:500], message.id))
            c.execute("UPDATE alert_subscriptions SET last_error = ? WHERE id = ?", (error[:500], message.sub_id))

    def mark_uncertain(self, message: OutboxMessage, error: str) -> None:
        self.conn.execute("UPDATE alert_outbox SET state = 'uncertain', last_error = ? WHERE id = ?",
                          (error[:500], message.id))

    def cancel(self, message: OutboxMessage) -> None:
        """A digest for a subscription that ended meanwhile is not sent."""
        self.conn.execute("UPDATE alert_outbox SET state = 'cancelled' WHERE id = ? AND state = 'pending'",
                          (message.id,))

    def outbox_counts(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self.conn.execute("SELECT state, COUNT(*) FROM alert_outbox GROUP BY state")}

    # ------------------------------------------------------------ rate limits
    def hit_rate(self, key: str, window_s: float, at: float | None = None) -> int:
        """Count one request under ``key`` in a fixed window of ``window_s`` seconds, atomically;
        returns the count in the current window (this request included)."""
        at = time.time() if at is None else at
        hashed = hashlib.sha256(key.encode("utf-8")).hexdigest()
        row = self.conn.execute(
            "INSERT INTO alert_rate (key, window_start, count) VALUES (?, ?, 1) "
            "ON CONFLICT (key) DO UPDATE SET "
            "count = CASE WHEN window_start <= ? THEN 1 ELSE count + 1 END, "
            "window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END "
            "RETURNING count",
            (hashed, at, at - window_s, at - window_s),
        ).fetchone()
        self.conn.execute("DELETE FROM alert_rate WHERE window_start < ?", (at - 7 * 86400,))
        return int(row[0])


def _message(row: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(id=int(row["id"]), sub_id=int(row["sub_id"]), state=row["state"],
                         message=bytes(row["message"]), documents=int(row["documents"]),
                         attempts=int(row["attempts"]))

