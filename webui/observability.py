"""Request ids, the access log and Prometheus metrics of the web app.

Every request gets an id (a well-formed incoming ``X-Request-Id`` is kept, else a new one), sent back in
``X-Request-Id``, written on its access-log line and shown on the 500 page. One access-log line per
request (logger ``scsearch.access``): method, route (the endpoint name, not the raw path), status,
latency and id; ``SCSEARCH_LOG_FORMAT=json`` writes JSON lines instead.

Metrics are created lazily, on the first request of a process: under gunicorn ``PROMETHEUS_MULTIPROC_DIR``
is set by ``serve`` before the fork and prometheus_client must see it before its first metric exists.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from functools import lru_cache
from typing import Any

from flask import Flask, g, request
from werkzeug.wrappers import Response

from scsearch import settings

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

access_log = logging.getLogger("scsearch.access")
error_log = logging.getLogger("scsearch.error")


def metrics_enabled() -> bool:
    return str(settings.get("metrics")).strip().lower() not in ("off", "0", "false", "no")


def request_id() -> str:
    """The id of the current request ('' outside a request)."""
    return str(g.get("request_id", "")) if g else ""


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update(getattr(record, "fields", {}))
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "fields", {})
        if "request_id" in fields and record.name != access_log.name:
            line += f" request_id={fields['request_id']}"
        return line


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the record (it may be replaced after start)."""

    _scsearch = True

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging() -> None:
    """One stderr handler for scsearch's loggers, in the configured format (idempotent)."""
    root = logging.getLogger("scsearch")
    if any(getattr(h, "_scsearch", False) for h in root.handlers):
        return
    handler = _StderrHandler()
    if str(settings.get("log_format")).lower() == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


@lru_cache(maxsize=1)
def _metrics() -> dict[str, Any]:
    from prometheus_client import Counter, Histogram

    return {
        "latency": Histogram("scsearch_request_duration_seconds", "Doba vyřízení požadavku podle cesty (route).",
                             ["route"], buckets=LATENCY_BUCKETS),
        "requests": Counter("scsearch_requests_total", "Požadavky podle cesty a stavového kódu.",
                            ["route", "status"]),
        "searches": Counter("scsearch_searches_total", "Hledání podle rozhraní (ui, api).", ["interface"]),
        "zero_hits": Counter("scsearch_zero_hit_searches_total", "Hledání bez jediného výsledku.", ["interface"]),
    }


def count_search(interface: str, total: int) -> None:
    """Count one search (and whether it found nothing)."""
    if not metrics_enabled():
        return
    m = _metrics()
    m["searches"].labels(interface).inc()
    if total == 0:
        m["zero_hits"].labels(interface).inc()


def _route() -> str:
    rule = request.url_rule
    return rule.endpoint if rule is not None else "unmatched"


def init_app(app: Flask) -> None:
    configure_logging()
    enabled = metrics_enabled()

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        rid = g.get("request_id") or uuid.uuid4().hex[:16]
        started = g.get("request_started") or time.perf_counter()
        latency = time.perf_counter() - started
        route = _route()
        response.headers["X-Request-Id"] = rid
        if enabled:
            m = _metrics()
            m["latency"].labels(route).observe(latency)
            m["requests"].labels(route, str(response.status_code)).inc()
        fields = {"method": request.method, "route": route, "status": response.status_code,
                  "latency_ms": round(latency * 1000, 1), "request_id": rid}
        access_log.info("%s %s %s %.1f ms id=%s", request.method, route, response.status_code,
                        latency * 1000, rid, extra={"fields": fields})
        return response


def log_error(exc: BaseException) -> str:
    """Log an unexpected error with the request's id; returns the id (for the 500 page)."""
    rid = request_id() or uuid.uuid4().hex[:16]
    error_log.error("neočekávaná chyba na %s", request.path, exc_info=exc,
                    extra={"fields": {"request_id": rid, "route": _route(), "method": request.method}})
    return rid
