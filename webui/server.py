"""The production server: gunicorn embedded (``scsearch serve``), and Flask's development server (``--dev``).

Choices (see README, *Choices*):

- **sync workers, one per core.** A search is CPU-bound Python (12–13 ms of CPU); the GIL lets one
  thread of a process run Python at a time, so threads in a worker (gthread) add no throughput, only
  contention. N single-threaded processes use N cores. Slow clients are the reverse proxy's job
  (nginx buffers requests and answers; docs/deployment.md).
- **preload_app.** The app (Flask, whoosh, numpy, the Czech dictionaries) is imported once in the master
  and shared copy-on-write by the workers; workers start in milliseconds. No index file is opened in the
  master: whoosh reads through file objects whose offsets a fork would share, so each worker opens the
  current generation itself, in a background thread right after the fork (``post_fork``), and the first
  request finds it open and pre-reading.
- **bounded requests.** Request lines up to 8,190 bytes (a longer one gets 414, JSON under /api/), at most 100
  header fields, a worker silent for 60 s is replaced.
- **graceful shutdown.** SIGTERM/SIGINT: the master stops accepting, workers finish the requests they
  hold (up to ``graceful_timeout``) and exit; SIGHUP re-forks workers (they open the index afresh).
- **metrics.** prometheus_client's multi-process mode: ``serve`` creates a private temporary directory for
  the workers' value files (``PROMETHEUS_MULTIPROC_DIR``), a dead worker's files are merged away by
  ``mark_process_dead`` and the directory is removed when the master exits.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from scsearch.index.scratch import keep_freed_memory
from scsearch.webui import security_headers

SERVER_NAME = security_headers.SERVER_NAME  # the Server header: no product version is revealed
REQUEST_TIMEOUT_S = 60  # a worker silent for longer is killed and replaced (bounded requests)
GRACEFUL_TIMEOUT_S = 30

log = logging.getLogger("scsearch.server")


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    workers: int
    data_dir: Path
    dev: bool = False
    debug: bool = False


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def warm_up(app: Flask) -> threading.Thread:
    """Open the current generation (and start its pre-reading) in a background thread."""
    from scsearch.webui.state import AppState

    state: AppState = app.extensions["scsearch"]

    def _open() -> None:
        with contextlib.suppress(Exception):  # no index yet, or unreadable: requests report it
            state.searcher.prewarm()  # maps the generation's arrays, reads the most frequent postings
            state.documents_by_id()

    thread = threading.Thread(target=_open, daemon=True, name="scsearch-warm-up")
    thread.start()
    return thread


def _hide_versions() -> None:
    import gunicorn.http.wsgi as gwsgi

    gwsgi.SERVER = SERVER_NAME
    gwsgi.SERVER_SOFTWARE = SERVER_NAME


TOO_LONG_TEXT = "Adresa požadavku je příliš dlouhá (zkraťte dotaz)."


def too_long_answer(head: bytes) -> bytes:
    """The whole 414 answer to a request line over gunicorn's limit: JSON under /api/, Czech text elsewhere."""
    parts = head.split(b" ")
    api = len(parts) > 1 and parts[1].startswith(b"/api/")
    if api:
        body, ctype = json.dumps({"error": TOO_LONG_TEXT, "status": 414}, ensure_ascii=False), "application/json"
    else:
        body, ctype = TOO_LONG_TEXT + "\n", "text/plain; charset=utf-8"
    data = body.encode("utf-8")
    headers = {"Content-Security-Policy": security_headers.CONTENT_SECURITY_POLICY, **security_headers.HEADERS}
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (f"HTTP/1.1 414 URI Too Long\r\nServer: {SERVER_NAME}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(data)}\r\n{extra}Connection: close\r\n\r\n").encode("ascii") + data


def _worker_class() -> type:
    """gunicorn's sync worker, answering an over-long request line with 414 in the app's manner (not 400)."""
    from gunicorn.http.errors import LimitRequestLine
    from gunicorn.workers.sync import SyncWorker

    class ScsearchSyncWorker(SyncWorker):
        def handle(self, listener: Any, client: Any, addr: Any) -> None:
            try:  # the start of the request line, left in the socket for the parser
                self.scsearch_head = client.recv(16, socket.MSG_PEEK)
            except OSError:
                self.scsearch_head = b""
            super().handle(listener, client, addr)

        def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
            if not isinstance(exc, LimitRequestLine):
                super().handle_error(req, client, addr, exc)
                return
            with contextlib.suppress(OSError):
                client.sendall(too_long_answer(getattr(self, "scsearch_head", b"")))

    return ScsearchSyncWorker


def _gunicorn_app(app: Flask, options: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication

    class ScsearchApplication(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    return ScsearchApplication()


def _post_fork(app: Flask) -> Callable[[Any, Any], None]:
    def hook(_server: Any, _worker: Any) -> None:
        keep_freed_memory()  # a search's temporaries reuse mapped memory (index/scratch.py)
        warm_up(app)

    return hook


def _pre_fork(_server: Any, _worker: Any) -> None:
    gc.freeze()  # the preloaded objects stay out of the collector: fewer shared pages copied by the workers


def _child_exit(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def run_gunicorn(options: ServeOptions) -> int:
    from scsearch.webui import create_app
    from scsearch.webui.observability import metrics_enabled

    metrics_dir: str | None = None
    if metrics_enabled():
        # must be set before prometheus_client creates any metric (create_app below)
        metrics_dir = tempfile.mkdtemp(prefix="scsearch-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        _hide_versions()
        app = create_app({"DATA_DIR": str(options.data_dir)})
        config = {
            "bind": f"{options.host}:{options.port}",
            "workers": options.workers,
            "worker_class": _worker_class(),
            "preload_app": True,
            "timeout": REQUEST_TIMEOUT_S,
            "graceful_timeout": GRACEFUL_TIMEOUT_S,
            # the workers' heartbeat files in memory, not on a disk that may stall (gunicorn's advice)
            "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
            # gunicorn's largest bounded value (0 would mean unbounded): a longer request line gets a 414
            "limit_request_line": 8190,
            "limit_request_fields": 100,
            "accesslog": None,  # one line per request comes from webui.observability
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "scsearch",
            "control_socket_disable": True,  # no runtime control socket (a second server would share its path)
            "pre_fork": _pre_fork,
            "post_fork": _post_fork(app),
            "child_exit": _child_exit,
        }
        print(
            f"scsearch: webové rozhraní běží na http://{options.host}:{options.port}/ "
            f"(gunicorn, počet procesů: {options.workers}; index: {options.data_dir})",
            flush=True,
        )
        _gunicorn_app(app, config).run()
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return 0


def run_dev(options: ServeOptions) -> int:
    from scsearch.webui import create_app
    from scsearch.webui.devserver import RequestHandler

    app = create_app({"DATA_DIR": str(options.data_dir)})
    warm_up(app)
    print(
        f"scsearch: vývojový server běží na http://{options.host}:{options.port}/ (index: {options.data_dir})",
        flush=True,
    )
    app.run(host=options.host, port=options.port, debug=options.debug, threaded=True, use_reloader=False,
            request_handler=RequestHandler)
    return 0


def serve(options: ServeOptions) -> int:
    if options.dev or options.debug:
        return run_dev(options)
    return run_gunicorn(options)
