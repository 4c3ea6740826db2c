"""The audit log of admin actions (who, what, when, details) in admin.sqlite."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from scsearch.ingest.jobs import now

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

    def entries(self, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        rows = self.conn.execute(
            "SELECT * FROM audit ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        return [
            AuditEntry(r["id"], r["at"], r["user"], r["ip"], r["action"], r["target"], json.loads(r["details"]))
            for r in rows
        ]
