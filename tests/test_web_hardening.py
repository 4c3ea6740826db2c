"""Public pages and API hardening: security headers on every response, no server versions, JSON errors
everywhere under /api/, ASCII digits only, original HTML served once-charset plain text, bounded
metadata titles. Real index, real app; the server-level parts through ``scsearch serve``."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from scsearch.webui import create_app
from tests._fixtures_index import IndexOf
from tests.test_admin import HTML, PASSWORD, PDF, TXT, corpus_file, login

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data_dir(index_of: IndexOf, tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = tmp_path_factory.mktemp("hardening") / "docs"
    docs.mkdir()
    for src in (TXT, HTML, PDF):
        shutil.copy2(corpus_file(src), docs / src.name)
    return index_of(docs)


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Flask:  # overrides conftest's: admin and uploads on
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "test", "ADMIN_PASSWORD": PASSWORD,
                       "UPLOAD_DIR": str(data_dir.parent / "nahrane")})


def doc_id(client: FlaskClient, suffix: str) -> str:
    docs = client.get("/api/documents").get_json()["documents"]
    return next(str(d["doc_id"]) for d in docs if str(d["path"]).endswith(suffix))


def assert_security_headers(headers: Any, where: str) -> None:
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where


# ------------------------------------------------------------------ item 9: headers everywhere


def test_every_response_carries_the_security_headers(client: FlaskClient) -> None:
    txt, pdf = doc_id(client, ".txt"), doc_id(client, ".pdf")
    urls = {
        "/": 200, "/?q=dotace": 200, "/dokumenty": 200, f"/dokument/{txt}": 200, "/napoveda": 200,
        "/api/search?q=dotace": 200, "/api/documents": 200, f"/soubor/{txt}": 200, f"/soubor/{pdf}": 200,
        "/static/app.js": 200, "/neexistuje": 404, "/api/neexistuje": 404, "/api/search?limit=0": 400,
        "/admin/prihlaseni": 200, "/admin/": 302,
    }
    for url, status in urls.items():
        resp = client.get(url)
        assert resp.status_code == status, url
        assert_security_headers(resp.headers, url)
    page = client.get("/?q=dotace").headers["Content-Security-Policy"]
    assert "script-src 'self'" in page and "unsafe-inline" not in page and "default-src 'none'" in page
    # the original files keep their own stricter policy
    assert client.get(f"/soubor/{txt}").headers["Content-Security-Policy"].startswith("sandbox")


def test_unexpected_errors_carry_the_headers_too(data_dir: Path) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "test"})  # not TESTING: errors become 500s

    def boom() -> str:
        raise RuntimeError("tajné podrobnosti")

    app.add_url_rule("/api/boom", "api_boom", boom)
    app.add_url_rule("/boom", "boom", boom)
    for url in ("/api/boom", "/boom"):
        resp = app.test_client().get(url)
        assert resp.status_code == 500 and "tajné" not in resp.get_data(as_text=True)
        assert_security_headers(resp.headers, url)
    assert app.test_client().get("/api/boom").is_json


def test_no_inline_script_or_style_in_pages(client: FlaskClient) -> None:
    """The policy forbids inline code: the pages must not contain any (it would silently stop working)."""
    for url in ("/", "/?q=dotace", "/dokumenty", "/napoveda", "/admin/prihlaseni"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "<style" not in html and " style=" not in html, url
        assert " onclick=" not in html and "javascript:" not in html, url


# ------------------------------------------------------------------ items 11 and 13: API, charset, titles


def test_api_errors_are_json(client: FlaskClient) -> None:
    resp = client.get("/api/search?q=" + "dotace%20" * 5000)  # 45 KB
    assert resp.status_code == 414 and resp.is_json and resp.get_json()["status"] == 414
    resp = client.post("/api/search?q=dotace")
    assert resp.status_code == 405 and resp.is_json
    resp = client.get("/?q=" + "a" * 40_000)
    assert resp.status_code == 414 and "text/html" in resp.content_type


@pytest.mark.parametrize(("query", "param"), [
    ("q=dotace&limit=٥", "limit"), ("q=dotace&year=٢٠١٧", "year"), ("q=dotace&offset=５", "offset"),
    ("q=dotace&meeting=²", "meeting"), ("q=dotace&from=٢٠١٧-01-01", "from"),
])
def test_api_numbers_are_ascii_digits_only(client: FlaskClient, query: str, param: str) -> None:
    resp = client.get(f"/api/search?{query}")
    assert resp.status_code == 400 and resp.is_json
    assert resp.get_json()["parameter"] == param


def test_html_original_has_one_charset(client: FlaskClient) -> None:
    resp = client.get(f"/soubor/{doc_id(client, '.html')}")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_metadata_title_length_is_bounded(client: FlaskClient) -> None:
    token = login(client)
    doc = doc_id(client, ".txt")
    resp = client.post(f"/admin/dokumenty/{doc}/metadata", data={"csrf_token": token, "title": "Dlouhý název " * 100})
    assert resp.status_code == 422
    assert "Název je příliš dlouhý (nejvýše 500 znaků)" in resp.get_data(as_text=True)
    assert not list((Path(client.application.config["DATA_DIR"]).parent / "docs").glob("*.meta.json"))


# ------------------------------------------------------------------ the server itself (scsearch serve)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(data_dir: Path) -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma")
    server = subprocess.Popen(
        [sys.executable, "-m", "scsearch.cli", "--data-dir", str(data_dir), "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/documents", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(url: str) -> tuple[int, Any, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_server_header_shows_no_versions(served: str) -> None:
    for url in ("/", "/api/search?q=dotace", "/neexistuje", "/static/style.css"):
        status, headers, _ = _get(served + url)
        assert headers.get_all("Server") == ["scsearch"], (url, headers.get_all("Server"))
        assert_security_headers(headers, url)


def test_request_line_over_the_server_limit_is_json_under_api(served: str) -> None:
    status, headers, body = _get(f"{served}/api/search?q=" + "%C4%8D" * 12000)  # ~72 KB request line
    assert status == 414
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["status"] == 414
    assert headers.get_all("Server") == ["scsearch"]
    assert_security_headers(headers, "414")
    status, headers, body = _get(f"{served}/?q=" + "%C4%8D" * 12000)
    assert status == 414 and "dlouhá" in body.decode("utf-8")
