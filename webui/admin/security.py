"""Login: password check, server-side sessions, session-bound CSRF tokens and the device cookie."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Request, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response as BaseResponse

from scsearch.webui.admin.sessions import SessionStore

SESSION_TOKEN = "admin_session"
SESSION_CSRF = "admin_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
HASH_PREFIXES = ("scrypt:", "pbkdf2:")
DEVICE_COOKIE = "scsearch_admin_device"
DEVICE_MAX_AGE_S = 30 * 24 * 3600


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


def logged_in(store: SessionStore) -> bool:
    """Whether the cookie's session token names a live server-side session."""
    return store.user_of(session.get(SESSION_TOKEN)) is not None


def log_in(store: SessionStore, user: str, ip: str) -> None:
    """Start a fresh session (no fixation): a new server-side session and a new CSRF token."""
    session.clear()
    session[SESSION_TOKEN] = store.create(user, ip)
    session[SESSION_CSRF] = secrets.token_urlsafe(32)
    session.permanent = False


def log_out(store: SessionStore) -> None:
    store.end(session.get(SESSION_TOKEN))
    session.clear()


def client_ip() -> str:
    return request.remote_addr or "?"


# ------------------------------------------------------------------ device cookie


def _device_serializer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.secret_key or "", salt="scsearch-admin-device")


def device_id(app: Flask, req: Request) -> str | None:
    """The id of this browser's device cookie (issued at a successful login), if valid."""
    raw = req.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = _device_serializer(app).loads(raw, max_age=DEVICE_MAX_AGE_S)
    except BadSignature:
        return None
    return value if isinstance(value, str) and value else None


def set_device_cookie(app: Flask, resp: BaseResponse, known: str | None) -> None:
    """Give the browser a device cookie after a successful login (renewed, same id when it had one)."""
    value = _device_serializer(app).dumps(known or secrets.token_urlsafe(16))
    secure = bool(app.session_interface.get_cookie_secure(app))
    resp.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_MAX_AGE_S, path="/admin", secure=secure, httponly=True,
                    samesite="Strict")


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


def describe_wait(seconds: int) -> int:
    """Whole minutes to wait (rounded up)."""
    return (seconds + 59) // 60
