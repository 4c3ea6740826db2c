"""Searches through the HTTP server keep answering while the index is rebuilt underneath."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests._fixtures_webui import build_index

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_searches_never_fail_during_reindex(tmp_path: Path) -> None:
    index = build_index(tmp_path)
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "scsearch.cli", "--data-dir", str(index.data_dir), "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/search?q=elektromobilita&limit=5"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    baseline = json.loads(r.read())["total"]
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert baseline > 0

        stop = threading.Event()
        failures: list[str] = []
        counts = [0]

        def hammer() -> None:
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(url, timeout=30) as r:
                        body = json.loads(r.read())
                    if r.status != 200 or body["total"] != baseline or not body["hits"]:
                        failures.append(f"status {r.status}, total {body.get('total')}")
                except Exception as exc:  # noqa: BLE001 - every failure is recorded
                    failures.append(repr(exc))
                counts[0] += 1

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            for _ in range(3):  # full rebuilds: new generations published under the searchers
                res = subprocess.run(
                    [sys.executable, "-m", "scsearch.cli", "--data-dir", str(index.data_dir), "ingest", "--full",
                     str(index.docs_dir)],
                    cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                )
                assert res.returncode == 0, res.stdout + res.stderr
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
        assert counts[0] >= 10, "the searches did run during the re-index"
        assert failures == []
        with urllib.request.urlopen(url.replace("/api/search", "/api/documents"), timeout=10) as r:
            gen = json.loads(r.read())
        assert gen  # the server answers from the newest generation
    finally:
        server.terminate()
        server.wait(timeout=30)
