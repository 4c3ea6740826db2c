"""The admin pages: login, uploads, background re-index with live progress, metadata overrides,
removing documents from the index, and the audit log. All text in Czech.

``init_app(app)`` registers the blueprint (``/admin``); registering ``bp`` directly works as well:
the app-level setup runs when the blueprint is registered. Configuration (``app.config``):

- ``ADMIN_PASSWORD``: password or werkzeug hash (default: setting ``admin_password``); empty = admin off
- ``UPLOAD_DIR``: where uploads go (default: the first source folder, else ``DATA_DIR/uploads``)
- ``SOURCES``: source folders re-indexed with the uploads (list or ``:``-separated; default: setting ``sources``)
- ``UPLOAD_MAX_MB`` (default: setting ``upload_max_mb``), ``ADMIN_LOGIN_LIMIT`` (5 attempts) per
  ``ADMIN_LOGIN_WINDOW`` (300 s) per address or device cookie, ``ADMIN_LOGIN_GLOBAL_LIMIT`` (50 attempts
  per window from all clients without a device cookie), ``ADMIN_SESSION_MAX_AGE`` (8 h),
  ``SESSION_COOKIE_SECURE`` (always) / ``ADMIN_COOKIE_SECURE_AUTO`` (Secure over https, default on)
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask.blueprints import BlueprintSetupState

bp = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    from scsearch.webui.admin.context import setup_app

    app = state.app
    assert isinstance(app, Flask)
    setup_app(app)


def init_app(app: Flask) -> None:
    """Register the admin blueprint (once) and its app-level setup."""
    if "admin" not in app.blueprints:
        app.register_blueprint(bp)


from scsearch.webui.admin import subscriptions, views  # noqa: E402,F401  (routes)

__all__ = ["bp", "init_app"]
