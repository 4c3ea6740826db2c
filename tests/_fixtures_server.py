"""Real servers on 127.0.0.1 for one test: ``serving`` runs an app in Werkzeug's threaded server (the
handler of ``scsearch serve --dev``); ``serve`` starts a whole ``scsearch serve`` (gunicorn) process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

from scsearch.webui.devserver import RequestHandler

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class RunningServer:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


def get(url: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, dict(r.headers.items()), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()


@contextmanager
def serve(data_dir: Path, log: Path, *, workers: int = 2, env: Mapping[str, str] | None = None,
          extra: tuple[str, ...] = ()) -> Iterator[RunningServer]:
    """Start ``scsearch serve`` and wait for /healthz to answer; always stopped (SIGTERM) at the end."""
    port = free_port()
    full_env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma", **(env or {}))
    cmd = [sys.executable, "-m", "scsearch.cli", "--data-dir", str(data_dir), "serve", "--port", str(port),
           "--workers", str(workers), *extra]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/healthz", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start: " + log.read_text(errors="replace")) from None
                time.sleep(0.2)
        yield RunningServer(base, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free port; yields the base URL; always stops the server."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
