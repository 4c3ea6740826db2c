"""The production server: /healthz, /metrics, request ids and logs, generation switches under load."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests._fixtures_server import ROOT, get, serve
from tests._fixtures_webui import WebIndex


def _app(data_dir: Path):  # type: ignore[no-untyped-def]
    from scsearch.webui import create_app

    return create_app({"DATA_DIR": str(data_dir), "TESTING": False})


def test_healthz_reports_the_index(web_index: WebIndex) -> None:
    res = _app(web_index.data_dir).test_client().get("/healthz")
    assert res.status_code == 200
    body = res.get_json()
    assert body["status"] == "ok"
    assert body["generation"].startswith("gen-")
    assert body["documents"] == len(web_index.files)
    assert body["records"] > body["documents"]
    assert body["lemmatizer"].startswith("simplemma")
    assert body["last_ingest"] and body["engine"]


def test_healthz_503_without_index(tmp_path: Path) -> None:
    res = _app(tmp_path / "empty").test_client().get("/healthz")
    assert res.status_code == 503
    assert res.get_json()["status"] == "unavailable"
    assert res.get_json()["generation"] is None


def test_healthz_503_with_a_damaged_index(web_index: WebIndex, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(web_index.data_dir, data)
    gen = data / "index" / (data / "index" / "CURRENT").read_text().strip()
    # the segments' terms and postings (whoosh) or terms and doc lists (tantivy, under SCSEARCH_ENGINE=tantivy)
    for segment in [*gen.glob("MAIN_*.trm"), *gen.glob("MAIN_*.pst"), *gen.glob("tantivy/*.term"),
                    *gen.glob("tantivy/*.idx")]:
        segment.unlink()
    res = _app(data).test_client().get("/healthz")
    assert res.status_code == 503 and res.get_json()["status"] == "unavailable"


def test_metrics_count_admin_jobs(web_index: WebIndex, tmp_path: Path) -> None:
    from scsearch.ingest import jobqueue as jobs

    data = tmp_path / "data"
    shutil.copytree(web_index.data_dir, data)
    conn = jobs.connect(data)
    for state, start, end in (("done", "2026-11-29T10:00:00+01:00", "2026-11-29T10:01:30+01:00"),
                              ("failed", "2026-11-29T11:00:00+01:00", "2026-11-29T11:00:10+01:00")):
        conn.execute("INSERT INTO jobs (state, created_at, started_at, finished_at) VALUES (?, ?, ?, ?)",
                     (state, start, start, end))
    conn.close()
    res = _app(data).test_client().get("/metrics")
    fam = _families(res.get_data(as_text=True))
    assert _sample(fam, "scsearch_jobs", "scsearch_jobs_total", state="done") == 1
    assert _sample(fam, "scsearch_jobs", "scsearch_jobs_total", state="failed") == 1
    assert _sample(fam, "scsearch_jobs_duration_seconds", "scsearch_jobs_duration_seconds_total") == 100


def test_metrics_off_is_404(web_index: WebIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCSEARCH_METRICS", "off")
    assert _app(web_index.data_dir).test_client().get("/metrics").status_code == 404


def test_500_page_shows_the_request_id(web_index: WebIndex) -> None:
    app = _app(web_index.data_dir)

    def boom() -> str:
        raise RuntimeError("test failure")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    client = app.test_client()
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("scsearch.error").addHandler(handler)
    try:
        res = client.get("/boom")
    finally:
        logging.getLogger("scsearch.error").removeHandler(handler)
    assert res.status_code == 500
    rid = res.headers["X-Request-Id"]
    assert rid and rid in res.get_data(as_text=True)
    assert [r.fields["request_id"] for r in records] == [rid]  # type: ignore[attr-defined]
    assert records[0].exc_info and "test failure" in str(records[0].exc_info[1])
    assert "Traceback" not in res.get_data(as_text=True)
    api = client.get("/api/boom", headers={"X-Request-Id": "abc-123"})
    assert api.status_code == 500 and api.get_json()["request_id"] == "abc-123"
    assert api.headers["X-Request-Id"] == "abc-123"
    # a malformed incoming id is replaced, never echoed
    bad = client.get("/healthz", headers={"X-Request-Id": "<script>"})
    assert bad.headers["X-Request-Id"] != "<script>"


def _families(text: str) -> dict[str, object]:
    return {f.name: f for f in text_string_to_metric_families(text)}


def _sample(families: dict[str, object], name: str, sample: str, **labels: str) -> float:
    fam = families[name]
    values = [s.value for s in fam.samples  # type: ignore[attr-defined]
              if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())]
    assert values, (sample, labels)
    return float(sum(values))


@pytest.mark.slow
def test_gunicorn_metrics_logs_and_headers(web_index: WebIndex, tmp_path: Path) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {"SCSEARCH_LOG_FORMAT": "json", "TMPDIR": str(tmpdir)}
    searches = 12
    with serve(web_index.data_dir, tmp_path / "server.log", workers=2, env=env) as server:
        assert [p.name for p in tmpdir.iterdir()][0].startswith("scsearch-metrics-")
        ids = []
        for i in range(searches):
            q = "elektromobilita" if i % 3 else "xqzvwk"
            status, headers, _ = get(f"{server.base}/api/search?q={q}")
            assert status == 200
            assert headers["Server"] == "scsearch"
            ids.append(headers["X-Request-Id"])
        # a request line over gunicorn's bound: 414 in the app's manner, JSON under /api/, Czech elsewhere
        status, headers, body = get(f"{server.base}/api/search?q=" + "%C4%8D" * 2000)
        assert status == 414 and json.loads(body)["status"] == 414 and headers["Server"] == "scsearch"
        status, headers, body = get(f"{server.base}/?q=" + "%C4%8D" * 2000)
        assert status == 414 and "příliš dlouhá" in body.decode("utf-8")
        status, headers, body = get(server.base + "/metrics")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        fam = _families(body.decode("utf-8"))
        # values of both workers, merged by the multi-process collector
        assert _sample(fam, "scsearch_request_duration_seconds", "scsearch_request_duration_seconds_count",
                       route="api.search") == searches
        assert _sample(fam, "scsearch_searches", "scsearch_searches_total", interface="api") == searches
        assert _sample(fam, "scsearch_zero_hit_searches", "scsearch_zero_hit_searches_total",
                       interface="api") == searches // 3
        assert _sample(fam, "scsearch_index_records", "scsearch_index_records") > 0
        assert _sample(fam, "scsearch_index_generation", "scsearch_index_generation") >= 1
        assert "scsearch_ingest_runs" in fam and "scsearch_jobs_duration_seconds" in fam
    assert list(tmpdir.iterdir()) == [], "the metrics directory is removed when the server stops"
    lines = [json.loads(ln) for ln in (tmp_path / "server.log").read_text().splitlines() if ln.startswith("{")]
    access = [ln for ln in lines if ln.get("logger") == "scsearch.access" and ln.get("route") == "api.search"]
    assert {ln["request_id"] for ln in access} == set(ids)
    assert all(ln["status"] == 200 and ln["latency_ms"] > 0 and ln["method"] == "GET" for ln in access)


@pytest.mark.slow
def test_workers_switch_generations_under_load(web_index: WebIndex, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(web_index.data_dir, data_dir)
    docs = tmp_path / "docs"
    shutil.copytree(web_index.docs_dir, docs)
    with serve(data_dir, tmp_path / "server.log", workers=2) as server:
        url = f"{server.base}/api/search?q=elektromobilita&limit=5"
        baseline = json.loads(get(url)[2])["total"]
        before = json.loads(get(server.base + "/healthz")[2])["generation"]
        assert baseline > 0
        stop = threading.Event()
        failures: list[str] = []
        totals: set[int] = set()
        count = [0]

        def hammer() -> None:
            while not stop.is_set():
                try:
                    status, _h, body = get(url)
                    totals.add(json.loads(body).get("total"))
                    if status != 200:
                        failures.append(f"{status} {body[:200]!r}")
                except Exception as exc:  # noqa: BLE001 - every failure is recorded
                    failures.append(repr(exc))
                count[0] += 1

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            (docs / "Elektromobilita_dodatek.txt").write_text(
                "Dodatek: elektromobilita ve městech a nabíjecí stanice.\n", encoding="utf-8")
            res = subprocess.run(
                [sys.executable, "-m", "scsearch.cli", "--data-dir", str(data_dir), "ingest", str(docs)],
                cwd=ROOT, capture_output=True, text=True, timeout=300,
                env={**os.environ, "SCSEARCH_LEMMATIZER": "simplemma"},
            )
            assert res.returncode == 0, res.stdout + res.stderr
            time.sleep(1.0)  # searches go on against the new generation
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
        assert count[0] >= 10
        assert failures == []
        # every worker now serves the new generation (and finds the new document)
        fam = _families(get(server.base + "/metrics")[2].decode("utf-8"))  # the CLI run is counted
        assert _sample(fam, "scsearch_ingest_runs", "scsearch_ingest_runs_total") == 1
        assert _sample(fam, "scsearch_ingest_last_duration_seconds", "scsearch_ingest_last_duration_seconds") > 0
        answers = [json.loads(get(server.base + "/healthz")[2])["generation"] for _ in range(10)]
        assert before not in answers and len(set(answers)) == 1
        final = json.loads(get(url)[2])["total"]
        assert final > baseline
        assert totals <= {baseline, final}, "every answer came from one generation or the other"
