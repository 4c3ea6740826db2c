"""The Flask web UI and HTTP API of scsearch.

``create_app`` is a flaskr-style app factory; blueprints are registered from
``BLUEPRINTS`` (module names exposing ``bp``), the one registry of web pages.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from scsearch import settings

# Blueprint modules in registration order.
BLUEPRINTS: tuple[str, ...] = ("scsearch.webui.search", "scsearch.webui.documents", "scsearch.webui.api", "scsearch.webui.help",
                              "scsearch.webui.health", "scsearch.webui.exports", "scsearch.webui.feeds",
                              "scsearch.webui.alerts", "scsearch.webui.admin", "scsearch.webui.calls",
                               "scsearch.webui.meetings")


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; ``test_config`` overrides DATA_DIR, SECRET_KEY and any Flask setting."""
    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=str(settings.data_dir()),
        SECRET_KEY=settings.get("secret_key") or os.urandom(32).hex(),
        JSON_AS_ASCII=False,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from scsearch.webui import observability, request_guard, security_headers, state, views_common

    state.init_app(app)
    observability.init_app(app)
    views_common.init_app(app)
    security_headers.init_app(app)
    request_guard.init_app(app)
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    return app
