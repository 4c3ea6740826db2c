"""The audit log of admin actions (who, what, when, details) in admin.sqlite."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from scsearch.ingest.jobqueue import now, transaction

COUNT_KEY = "počet"
LAST_KEY = "naposledy"

ACTION_LABELS = {
    "login": "přihlášení",
    "login_failed": "neúspěšné přihlášení",
    "login_blocked": "přihlášení zablokováno",
    "logout": "odhlášení",
    "upload": "nahrání souboru",
    "upload_refused": "odmítnutý soubor",
    "upload_duplicate": "duplicitní soubor",
    "reindex": "spuštění přeindexování",
    "metadata": "úprava metadat",
    "remove": "odebrání dokumentu",
    "restore": "vrácení dokumentu",
    "sync": "spuštění synchronizace webu",
    "sync_done": "výsledek synchronizace webu",
    "alert_remove": "odstranění odběru upozornění",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}'
);
"""


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str
    ip: str
    action: str
    target: str
    details: dict[str, Any]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def details_text(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.details.items())


class AuditLog:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(_SCHEMA)

    def record(self, user: str, ip: str, action: str, target: str = "", **details: Any) -> None:
        self.conn.execute(
            "INSERT INTO audit (at, user, ip, action, target, details) VALUES (?, ?, ?, ?, ?, ?)",
            (now(), user, ip, action, target, json.dumps(details, ensure_ascii=False, default=str)),
        )

    def record_repeated(self, user: str, ip: str, action: str, window_s: int) -> None:
        """One row per address and ``window_s`` for a repeated event: the first occurrence adds a row,
        later ones count in it (so a flood of blocked logins cannot flood the log)."""
        stamp = now()
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT id, at, details FROM audit WHERE action = ? AND ip = ? ORDER BY id DESC LIMIT 1", (action, ip)
            ).fetchone()
            fresh = row is not None and (
                dt.datetime.fromisoformat(stamp) - dt.datetime.fromisoformat(row["at"])).total_seconds() < window_s
            if fresh:
                details = json.loads(row["details"])
                details[COUNT_KEY] = int(details.get(COUNT_KEY, 1)) + 1
                details[LAST_KEY] = stamp
                self.conn.execute("UPDATE audit SET details = ? WHERE id = ?",
                                  (json.dumps(details, ensure_ascii=False), row["id"]))
            else:
                self.conn.execute(
                    "INSERT INTO audit (at, user, ip, action, target, details) VALUES (?, ?, ?, ?, '', ?)",
                    (stamp, user, ip, action, json.dumps({COUNT_KEY: 1}, ensure_ascii=False)),
                )

    def entries(self, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        rows = self.conn.execute(
            "SELECT * FROM audit ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        return [
            AuditEntry(r["id"], r["at"], r["user"], r["ip"], r["action"], r["target"], json.loads(r["details"]))
            for r in rows
        ]
