"""Server-side admin sessions in ``admin.sqlite``: logout and a password change end them.

The signed cookie holds only a random session token; the database holds its SHA-256, the login
time and a tag of the configured password. A session is valid while its row exists, it is not
older than the maximum age, and the password tag still matches: logging out deletes the row (a
copied cookie stops working at once), changing the configured password invalidates every session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time

from scsearch.ingest.jobqueue import transaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS admin_sessions (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    password_tag TEXT NOT NULL
);
"""


def password_tag(secret: str | bytes, configured_password: str) -> str:
    """A keyed fingerprint of the configured password (or hash): changes when the password changes."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, configured_password.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _row_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore:
    def __init__(self, conn: sqlite3.Connection, max_age_s: int, tag: str) -> None:
        self.conn = conn
        self.max_age_s = max_age_s
        self.tag = tag
        conn.executescript(_SCHEMA)

    def create(self, user: str, ip: str) -> str:
        """A new session; returns the token for the cookie. Expired and revoked rows are removed."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        with transaction(self.conn):
            self.conn.execute("DELETE FROM admin_sessions WHERE created < ? OR password_tag != ?",
                              (now - self.max_age_s, self.tag))
            self.conn.execute(
                "INSERT INTO admin_sessions (id, user, ip, created, password_tag) VALUES (?, ?, ?, ?, ?)",
                (_row_id(token), user, ip, now, self.tag),
            )
        return token

    def revoke_others(self) -> None:
        """Delete the sessions of another password (run at start-up: a changed password ends them for good)."""
        self.conn.execute("DELETE FROM admin_sessions WHERE password_tag != ?", (self.tag,))

    def user_of(self, token: object) -> str | None:
        """The user of a valid session token, else None."""
        if not isinstance(token, str) or not token:
            return None
        row = self.conn.execute(
            "SELECT user FROM admin_sessions WHERE id = ? AND created >= ? AND password_tag = ?",
            (_row_id(token), time.time() - self.max_age_s, self.tag),
        ).fetchone()
        return str(row[0]) if row is not None else None

    def end(self, token: object) -> None:
        if isinstance(token, str) and token:
            self.conn.execute("DELETE FROM admin_sessions WHERE id = ?", (_row_id(token),))
