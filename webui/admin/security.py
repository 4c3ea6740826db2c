"""Login, session-bound CSRF tokens and the login rate limit of the admin pages."""

from __future__ import annotations

import hmac
import secrets
import sqlite3
import time
from typing import Any

from flask import Flask, Request, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import check_password_hash

SESSION_USER = "admin_user"
SESSION_LOGIN_AT = "admin_login_at"
SESSION_CSRF = "admin_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
HASH_PREFIXES = ("scrypt:", "pbkdf2:")

_FAILURES_SCHEMA = """
CREATE TABLE IF NOT EXISTS login_failures (ip TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_ip ON login_failures(ip, at);
"""


def password_matches(configured: str, given: str) -> bool:
    """Compare ``given`` with the configured password or werkzeug hash; an empty configuration never matches."""
    if not configured or not given:
        return False
    if configured.startswith(HASH_PREFIXES):
        try:
            return check_password_hash(configured, given)
        except (ValueError, TypeError):
            return False
    return hmac.compare_digest(configured.encode("utf-8"), given.encode("utf-8"))


# ------------------------------------------------------------------ CSRF


def csrf_token() -> str:
    """The CSRF token of this session (created on first use)."""
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return token


def csrf_valid(req: Request) -> bool:
    expected = session.get(SESSION_CSRF)
    given = req.form.get(CSRF_FIELD) or req.headers.get(CSRF_HEADER) or ""
    if not isinstance(expected, str) or not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


# ------------------------------------------------------------------ sessions


def logged_in(max_age_s: int) -> bool:
    user = session.get(SESSION_USER)
    at = session.get(SESSION_LOGIN_AT)
    if not user or not isinstance(at, (int, float)):
        return False
    return time.time() - at <= max_age_s


def log_in(user: str) -> None:
    """Start a fresh session (no fixation): new CSRF token, the user and the login time."""
    session.clear()
    session[SESSION_USER] = user
    session[SESSION_LOGIN_AT] = time.time()
    session[SESSION_CSRF] = secrets.token_urlsafe(32)
    session.permanent = False


def log_out() -> None:
    session.clear()


def client_ip() -> str:
    return request.remote_addr or "?"


class AdminSessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, marked ``Secure`` whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = app.config.get("SESSION_COOKIE_SECURE")
        if configured:
            return True
        if app.config.get("ADMIN_COOKIE_SECURE_AUTO", True):
            try:
                return bool(request.is_secure)
            except RuntimeError:  # outside a request
                return False
        return False


def harden_session_cookie(app: Flask) -> None:
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = AdminSessionInterface()


# ------------------------------------------------------------------ rate limit


class LoginLimiter:
    """At most ``limit`` failed logins per ``window_s`` seconds per client address (kept in admin.sqlite)."""

    def __init__(self, conn: sqlite3.Connection, limit: int = 5, window_s: int = 300) -> None:
        self.conn = conn
        self.limit = limit
        self.window_s = window_s
        conn.executescript(_FAILURES_SCHEMA)

    def _recent(self, ip: str, now: float) -> list[float]:
        rows = self.conn.execute(
            "SELECT at FROM login_failures WHERE ip = ? AND at > ? ORDER BY at", (ip, now - self.window_s)
        ).fetchall()
        return [float(r[0]) for r in rows]

    def blocked_for(self, ip: str, now: float | None = None) -> int:
        """Seconds until ``ip`` may try again (0 = not blocked)."""
        now = time.time() if now is None else now
        recent = self._recent(ip, now)
        if len(recent) < self.limit:
            return 0
        return max(1, int(recent[-self.limit] + self.window_s - now) + 1)

    def failed(self, ip: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.conn.execute("DELETE FROM login_failures WHERE at <= ?", (now - self.window_s,))
        self.conn.execute("INSERT INTO login_failures (ip, at) VALUES (?, ?)", (ip, now))

    def succeeded(self, ip: str) -> None:
        self.conn.execute("DELETE FROM login_failures WHERE ip = ?", (ip,))


def describe_wait(seconds: int) -> dict[str, Any]:
    minutes = (seconds + 59) // 60
    return {"seconds": seconds, "minutes": minutes}
