"""App-level admin setup and the per-request services (database connection, queue, uploads, audit)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from scsearch import settings
from scsearch.ingest import jobqueue as jobs
from scsearch.ingest import sources as source_folders
from scsearch.webui.admin import security
from scsearch.webui.admin.audit import AuditLog
from scsearch.webui.admin.ratelimit import LoginLimiter
from scsearch.webui.admin.sessions import SessionStore, password_tag
from scsearch.webui.admin.uploads import UploadStore

EXT_KEY = "scsearch_admin"


@dataclass(frozen=True)
class AdminConfig:
    data_dir: Path
    password: str
    upload_dir: Path
    sources: tuple[str, ...]
    max_upload_bytes: int
    max_unzipped_mb: int
    login_limit: int
    login_window_s: int
    login_global_limit: int
    session_max_age_s: int

    @property
    def enabled(self) -> bool:
        return bool(self.password)

    def job_paths(self) -> list[str]:
        """The folders a re-index job covers: the upload folder, the configured sources, and the
        sources the current index generation recorded; those that exist, one entry per real folder."""
        return source_folders.existing_unique(
            [str(self.upload_dir), *self.sources, *source_folders.recorded(self.data_dir)]
        )


def _sources(app: Flask) -> tuple[str, ...]:
    return tuple(source_folders.configured(app.config.get("SOURCES")))


def load_config(app: Flask) -> AdminConfig:
    data_dir = Path(app.config["DATA_DIR"]).resolve()
    sources = _sources(app)
    if app.config.get("UPLOAD_DIR"):
        upload_dir = Path(app.config["UPLOAD_DIR"])
    elif sources:
        upload_dir = Path(sources[0])
    else:
        upload_dir = data_dir / "uploads"
    password = app.config.get("ADMIN_PASSWORD")
    if password is None:
        password = settings.get("admin_password")
    return AdminConfig(
        data_dir=data_dir,
        password=str(password or ""),
        upload_dir=upload_dir.resolve(),
        sources=sources,
        max_upload_bytes=int(app.config.get("UPLOAD_MAX_MB") or settings.get("upload_max_mb")) * 1024 * 1024,
        max_unzipped_mb=int(settings.get("max_unzipped_mb")),
        login_limit=int(app.config.get("ADMIN_LOGIN_LIMIT", 5)),
        login_window_s=int(app.config.get("ADMIN_LOGIN_WINDOW", 300)),
        login_global_limit=int(app.config.get("ADMIN_LOGIN_GLOBAL_LIMIT", 50)),
        session_max_age_s=int(app.config.get("ADMIN_SESSION_MAX_AGE", 8 * 3600)),
    )


def setup_app(app: Flask) -> None:
    config = load_config(app)
    app.extensions[EXT_KEY] = config
    security.harden_session_cookie(app)
    if config.enabled:
        config.upload_dir.mkdir(parents=True, exist_ok=True)
        conn = jobs.connect(config.data_dir)  # create the database and its tables now
        try:
            tag = password_tag(str(app.secret_key or ""), config.password)
            SessionStore(conn, config.session_max_age_s, tag).revoke_others()
        finally:
            conn.close()
    app.teardown_appcontext(_close_connection)


def admin_config() -> AdminConfig:
    config: AdminConfig = current_app.extensions[EXT_KEY]
    return config


def _close_connection(exc: BaseException | None) -> None:
    conn: sqlite3.Connection | None = g.pop("admin_conn", None)
    if conn is not None:
        conn.close()
    queue: jobs.JobQueue | None = g.pop("admin_queue", None)
    if queue is not None:
        queue.close()


def connection() -> sqlite3.Connection:
    if "admin_conn" not in g:
        g.admin_conn = jobs.connect(admin_config().data_dir)
    conn: sqlite3.Connection = g.admin_conn
    return conn


def queue() -> jobs.JobQueue:
    if "admin_queue" not in g:
        g.admin_queue = jobs.JobQueue(admin_config().data_dir)
    q: jobs.JobQueue = g.admin_queue
    return q


def audit() -> AuditLog:
    return AuditLog(connection())


def limiter() -> LoginLimiter:
    config = admin_config()
    return LoginLimiter(connection(), config.login_limit, config.login_window_s, config.login_global_limit)


def sessions() -> SessionStore:
    config = admin_config()
    tag = password_tag(str(current_app.secret_key or ""), config.password)
    return SessionStore(connection(), config.session_max_age_s, tag)


def indexed_documents() -> list[dict[str, Any]]:
    """Manifest entries of the current generation (from the app's searcher when there is one)."""
    from scsearch.index import store

    state = current_app.extensions.get("scsearch")
    searcher = getattr(state, "searcher", None)
    if searcher is not None:
        return list(searcher.documents())
    gen = store.current_generation(admin_config().data_dir)
    manifest = store.read_manifest(gen)
    return [dict(v, path=k) for k, v in manifest.items() if v.get("status") == "indexed"]


def indexed_hashes() -> dict[str, str]:
    return {str(d["sha256"]): str(d.get("path", "")) for d in indexed_documents() if d.get("sha256")}


def uploads() -> UploadStore:
    config = admin_config()
    return UploadStore(connection(), config.upload_dir, max_bytes=config.max_upload_bytes,
                       max_unzipped_mb=config.max_unzipped_mb, known_hashes=indexed_hashes)


def base_template() -> str:
    """The site's base layout when the public blueprints are there, else a standalone one."""
    if "search.index" in current_app.view_functions:
        try:
            current_app.jinja_env.get_template("base.html")
            return "base.html"
        except Exception:  # noqa: BLE001 - no site layout: use ours
            pass
    return "admin/standalone.html"
