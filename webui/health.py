"""``GET /healthz`` for monitoring and ``GET /metrics`` for Prometheus (docs/api.md)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, jsonify
from werkzeug.wrappers import Response

from scsearch.ingest.runlog import read_totals
from scsearch.webui.observability import metrics_enabled
from scsearch.webui.state import get_state

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    state = get_state()
    try:
        stats = state.searcher.stats()
        documents = len(state.documents_by_id()) if stats.get("generation") else 0
    except Exception as exc:  # noqa: BLE001 - an unreadable index is what this endpoint reports
        current_app.logger.warning("index nelze číst: %s", exc)
        stats, documents = {"generation": None}, 0
    ok = stats.get("generation") is not None
    body = {
        "status": "ok" if ok else "unavailable",
        "generation": stats.get("generation"),
        "documents": documents,
        "records": stats.get("records", 0),
        "lemmatizer": stats.get("lemmatizer"),
        "last_ingest": stats.get("committed_at"),
        "engine": stats.get("engine"),
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ok else 503


def _job_rows(data_dir: Path) -> list[tuple[str, str | None, str | None]]:
    path = data_dir / "admin.sqlite"
    if not path.exists():
        return []
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)) as conn:
            return list(conn.execute("SELECT state, started_at, finished_at FROM jobs"))
    except sqlite3.Error:
        return []


def _seconds(start: str | None, end: str | None) -> float:
    try:
        return max(0.0, (dt.datetime.fromisoformat(end or "") - dt.datetime.fromisoformat(start or "")).total_seconds())
    except ValueError:
        return 0.0


class _IndexCollector:
    """Values read at scrape time: the index this worker serves, CLI ingest runs, admin jobs."""

    def __init__(self, data_dir: Path, stats: dict[str, Any]) -> None:
        self.data_dir = data_dir
        self.stats = stats

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        gen = str(self.stats.get("generation") or "")
        number = int(gen.rsplit("-", 1)[-1]) if gen[-1:].isdigit() else 0
        yield GaugeMetricFamily("scsearch_index_records", "Záznamy (stránky, snímky, řádky, usnesení) v indexu.",
                                value=float(self.stats.get("records", 0)))
        yield GaugeMetricFamily("scsearch_index_generation", "Číslo generace indexu, kterou server používá.",
                                value=float(number))
        runs = read_totals(self.data_dir)
        yield CounterMetricFamily("scsearch_ingest_runs", "Běhy scsearch ingest/reindex.", value=runs.runs)
        yield CounterMetricFamily("scsearch_ingest_failed_runs", "Běhy ingest/reindex s chybou nebo chybnými soubory.",
                                  value=runs.failed_runs)
        yield CounterMetricFamily("scsearch_ingest_failed_files", "Soubory, které se při ingest nepodařilo zpracovat.",
                                  value=runs.files_failed)
        yield CounterMetricFamily("scsearch_ingest_duration_seconds", "Celková doba běhů ingest/reindex.",
                                  value=runs.seconds_total)
        yield GaugeMetricFamily("scsearch_ingest_last_duration_seconds", "Doba posledního běhu ingest/reindex.",
                                value=runs.last_seconds)
        jobs = _job_rows(self.data_dir)
        count = CounterMetricFamily("scsearch_jobs", "Úlohy přeindexování z administrace podle stavu.",
                                    labels=["state"])
        by_state: dict[str, int] = {}
        for state, _s, _e in jobs:
            by_state[state] = by_state.get(state, 0) + 1
        for state, n in sorted(by_state.items()):
            count.add_metric([state], n)
        yield count
        yield CounterMetricFamily("scsearch_jobs_duration_seconds", "Celková doba dokončených úloh administrace.",
                                  value=sum(_seconds(s, e) for _st, s, e in jobs if e))


@bp.get("/metrics")
def metrics() -> Response:
    if not metrics_enabled():
        abort(404)
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    state = get_state()
    try:
        stats = state.searcher.stats()
    except Exception:  # noqa: BLE001 - the metrics still answer; the index values are 0
        stats = {}
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    registry = CollectorRegistry()
    registry.register(_IndexCollector(Path(state.searcher.data_dir), stats))
    text += generate_latest(registry)
    return Response(text, mimetype=None, content_type=CONTENT_TYPE_LATEST)
