"""The admin pages: access control, CSRF, login rate limit, hostile uploads, background jobs, audit log.

Real Flask app (``webui.create_app``), real pipeline in a real worker process, real corpus files.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from scsearch.ingest import jobqueue as jobs
from scsearch.webui.admin.uploads import safe_name

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PASSWORD = "Správné heslo 42"
TXT = CORPUS / "ostatni" / "Tiskova_zprava_seminar_financovani_2017-06-20.txt"
HTML = CORPUS / "ostatni" / "Doporuceni_bezpecnost_a_pristupnost_webu_obci.html"
PDF = CORPUS / "financovani" / "Prehled_vyzev_SC_2017-03-31.pdf"
UPLOADED_TEXT = "Zápis o pilotním projektu chytrého osvětlení v obci Horní Květoslavice.\n".encode()


def corpus_file(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"sample corpus file missing: {path}")
    return path


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCSEARCH_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("SCSEARCH_SOURCES", raising=False)
    monkeypatch.setenv("SCSEARCH_LEMMATIZER", "simplemma")  # inherited by the worker process
    monkeypatch.setenv("SCSEARCH_OCR", "off")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    src = tmp_path / "zdroje"
    src.mkdir()
    shutil.copy2(corpus_file(TXT), src / TXT.name)
    shutil.copy2(corpus_file(HTML), src / HTML.name)
    return src


def make_app(tmp_path: Path, sources: Path | None = None, **config: Any) -> Flask:
    from scsearch.webui import create_app
    from scsearch.webui.admin import init_app

    base: dict[str, Any] = {
        "TESTING": True,
        "DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "test-secret",
        "ADMIN_PASSWORD": PASSWORD,
        "SOURCES": [str(sources)] if sources else [],
        "UPLOAD_DIR": str(tmp_path / "nahrane"),
    }
    base.update(config)
    app = create_app(base)
    init_app(app)  # no-op when create_app registered the blueprint already
    assert "admin" in app.blueprints
    return app


def token_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the form"
    return m.group(1)


def login(client: FlaskClient, password: str = PASSWORD) -> str:
    page = client.get("/admin/prihlaseni")
    resp = client.post("/admin/prihlaseni", data={"password": password, "csrf_token": token_of(page.text)})
    assert resp.status_code == 302, resp.text
    return token_of(client.get("/admin/").text)


def upload(client: FlaskClient, token: str, *files: tuple[bytes, str]) -> Any:
    data = {"csrf_token": token, "files": [(io.BytesIO(content), name) for content, name in files]}
    return client.post("/admin/nahrat", data=data, content_type="multipart/form-data")


def wait_for_job(client: FlaskClient, job_id: int, timeout: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(f"/admin/ulohy/{job_id}.json").get_json()
        if data["job"]["state"] not in ("queued", "running"):
            return dict(data)
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def job_id_of(resp: Any) -> int:
    assert resp.status_code == 302, resp.text
    m = re.search(r"/admin/ulohy/(\d+)$", resp.headers["Location"])
    assert m, resp.headers["Location"]
    return int(m.group(1))


def audit_actions(tmp_path: Path) -> list[tuple[str, str, str]]:
    conn = jobs.connect(tmp_path / "data")
    try:
        rows = conn.execute("SELECT user, action, target FROM audit ORDER BY id").fetchall()
    finally:
        conn.close()
    return [(r[0], r[1], r[2]) for r in rows]


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\Windows\\zpráva.txt", "zpráva.txt"),
        ("/etc/passwd", "passwd"),
        ("..", "soubor"),
        (".bashrc", "bashrc"),
        ("Zápis z jednání č. 5.PDF", "Zápis z jednání č. 5.pdf"),
        (unicodedata.normalize("NFD", "Přehled výzev ŘÍJEN.docx"), "Přehled výzev ŘÍJEN.docx"),
        ("a<b>|c?*.txt", "a_b_c.txt"),
        ("zpráva\x00\n.txt", "zpráva.txt"),
        ("Plan.pdf.meta.json", "Plan.pdf_meta_json"),
        ("rozpočet..2017...xlsx", "rozpočet.2017.xlsx"),
    ],
)
def test_safe_name(given: str, expected: str) -> None:
    assert safe_name(given) == expected


def test_safe_name_limits_length() -> None:
    name = safe_name("ž" * 500 + ".pdf")
    assert name == "ž" * 120 + ".pdf"


# ------------------------------------------------------------------ access control


def test_admin_disabled_without_password(tmp_path: Path) -> None:
    app = make_app(tmp_path, ADMIN_PASSWORD="")
    client = app.test_client()
    for path in ("/admin/", "/admin/prihlaseni", "/admin/audit"):
        resp = client.get(path)
        assert resp.status_code == 404
        assert "Administrace je vypnuta" in resp.text
    resp = client.post("/admin/prihlaseni", data={"password": ""})
    assert resp.status_code == 404


def test_routes_refuse_without_login(tmp_path: Path, sources: Path) -> None:
    app = make_app(tmp_path, sources)
    client = app.test_client()
    for path in ("/admin/", "/admin/dokumenty", "/admin/ulohy", "/admin/ulohy/1", "/admin/audit",
                 "/admin/dokumenty/abc/metadata"):
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert resp.headers["Location"].startswith("/admin/prihlaseni?next=")
    assert client.get("/admin/ulohy/1.json").status_code == 403
    # a valid CSRF token (from the login page) is not a login
    token = token_of(client.get("/admin/prihlaseni").text)
    for path in ("/admin/preindexovat", "/admin/dokumenty/abc/odebrat", "/admin/dokumenty/abc/metadata",
                 "/admin/dokumenty/vratit"):
        resp = client.post(path, data={"csrf_token": token})
        assert resp.status_code == 403, path
        assert "musíte přihlásit" in resp.text
    resp = upload(client, token, (UPLOADED_TEXT, "a.txt"))
    assert resp.status_code == 403
    assert not (tmp_path / "nahrane" / "a.txt").exists()
    assert jobs.JobQueue(tmp_path / "data").list_jobs() == []


def test_forms_refuse_without_valid_csrf_token(tmp_path: Path, sources: Path) -> None:
    app = make_app(tmp_path, sources)
    client = app.test_client()
    # login itself needs the token
    resp = client.post("/admin/prihlaseni", data={"password": PASSWORD})
    assert resp.status_code == 400
    assert "CSRF" in resp.text
    token = login(client)
    other = app.test_client()
    other_token = token_of(other.get("/admin/prihlaseni").text)
    for bad in ({}, {"csrf_token": ""}, {"csrf_token": "x" * 43}, {"csrf_token": other_token}):
        assert client.post("/admin/preindexovat", data=bad).status_code == 400
        assert upload(client, bad.get("csrf_token", ""), (UPLOADED_TEXT, "a.txt")).status_code == 400
        assert client.post("/admin/odhlaseni", data=bad).status_code == 400
    assert not (tmp_path / "nahrane" / "a.txt").exists()
    assert jobs.JobQueue(tmp_path / "data").list_jobs() == []
    # the right token works (and logout ends the session)
    assert client.post("/admin/odhlaseni", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_login_with_werkzeug_hash_and_wrong_password(tmp_path: Path) -> None:
    app = make_app(tmp_path, ADMIN_PASSWORD=generate_password_hash("kočka-pes"))
    client = app.test_client()
    token = token_of(client.get("/admin/prihlaseni").text)
    resp = client.post("/admin/prihlaseni", data={"password": "kočka", "csrf_token": token})
    assert resp.status_code == 401
    assert "Nesprávné heslo" in resp.text
    resp = client.post("/admin/prihlaseni", data={"password": "kočka-pes", "csrf_token": token,
                                                  "next": "https://evil.example/"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/admin/"  # no open redirect
    assert client.get("/admin/").status_code == 200


def test_login_rate_limit(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    token = token_of(client.get("/admin/prihlaseni").text)
    for _ in range(5):
        resp = client.post("/admin/prihlaseni", data={"password": "špatně", "csrf_token": token})
        assert resp.status_code == 401
    resp = client.post("/admin/prihlaseni", data={"password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 429
    assert "Příliš mnoho neúspěšných pokusů" in resp.text
    assert int(resp.headers["Retry-After"]) > 0
    # another address is not blocked
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    login(other)
    actions = [a for _, a, _ in audit_actions(tmp_path)]
    assert actions == ["login_failed"] * 5 + ["login_blocked", "login"]


def test_session_cookie_flags(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    page = client.get("/admin/prihlaseni")
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    page = secure.get("/admin/prihlaseni", base_url="https://localhost")
    assert "Secure" in page.headers["Set-Cookie"]


# ------------------------------------------------------------------ uploads


def zip_bomb_docx(declared_mb: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(declared_mb):
                member.write(chunk)
    return buf.getvalue()


def test_hostile_uploads_are_refused_or_neutralised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCSEARCH_MAX_UNZIPPED_MB", "20")
    app = make_app(tmp_path, UPLOAD_MAX_MB=1)
    client = app.test_client()
    token = login(client)
    bomb = zip_bomb_docx(60)
    assert len(bomb) < 200_000
    pdf = corpus_file(PDF).read_bytes()
    nfd_name = unicodedata.normalize("NFD", "Zápis ŘÍJEN.txt")
    resp = upload(
        client, token,
        (bomb, "bomba.docx"),
        (b"Tohle je jen text, ne PDF.\n" * 10, "faktura.pdf"),
        (pdf, "../../x.pdf"),
        (UPLOADED_TEXT, nfd_name),
        (b"", "prazdny.txt"),
        (b"a" * (1024 * 1024 + 1), "velky.txt"),
        (b'{"title": "Podvrh"}', "Plan.pdf.meta.json"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 50, "program.exe"),
    )
    assert resp.status_code == 200
    rows = re.findall(r'<tr class="upload-(\w+)"><td>([^<]*)</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>', resp.text)
    got = {name: (status, message) for status, name, message in rows}
    assert got["bomba.docx"][0] == "refused" and "bezpečnostní limit" in got["bomba.docx"][1]
    assert got["faktura.pdf"] == ("refused", "přípona .pdf neodpovídá obsahu souboru (skutečný formát: txt)")
    assert got["../../x.pdf"] == ("stored", "uloženo jako x.pdf")
    assert got[unicodedata.normalize("NFC", nfd_name)] == ("stored", "uloženo")
    assert got["prazdny.txt"] == ("refused", "soubor je prázdný")
    assert got["velky.txt"] == ("refused", "soubor je větší než povolených 1 MB")
    assert got["Plan.pdf.meta.json"][0] == "refused"
    assert got["program.exe"][0] == "refused"
    stored = sorted(p.name for p in (tmp_path / "nahrane").iterdir() if not p.name.startswith("."))
    assert stored == sorted(["x.pdf", unicodedata.normalize("NFC", "Zápis ŘÍJEN.txt")])
    assert (tmp_path / "nahrane" / "x.pdf").read_bytes() == pdf
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path.parent / "x.pdf").exists()
    assert list((tmp_path / "nahrane" / ".incoming").iterdir()) == []  # no temporary leftovers
    # every file is in the audit log, refused ones included
    actions = [(a, t) for _, a, t in audit_actions(tmp_path)]
    assert ("upload", "x.pdf") in actions
    assert ("upload_refused", "bomba.docx") in actions
    assert sum(1 for a, _ in actions if a == "upload_refused") == 6


def test_duplicates_recognised_and_names_never_overwritten(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    token = login(client)
    resp = upload(client, token, (UPLOADED_TEXT, "zapis.txt"))
    assert "upload-stored" in resp.text
    resp = upload(client, token, (UPLOADED_TEXT, "jiny-nazev.txt"))
    assert resp.status_code == 422
    assert "duplikát" in resp.text and "stejný soubor už existuje: zapis.txt" in resp.text
    resp = upload(client, token, (b"Jiny obsah se stejnym nazvem.\n", "zapis.txt"))
    assert "uloženo jako zapis-2.txt" in resp.text
    folder = tmp_path / "nahrane"
    assert (folder / "zapis.txt").read_bytes() == UPLOADED_TEXT
    assert (folder / "zapis-2.txt").read_bytes() == b"Jiny obsah se stejnym nazvem.\n"
    assert not (folder / "jiny-nazev.txt").exists()
    # the dashboard lists both as queued
    page = client.get("/admin/").text
    assert page.count("ve frontě") >= 2 and "zapis-2.txt" in page


# ------------------------------------------------------------------ jobs


def test_interrupted_job_is_shown_after_restart(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    queue = jobs.JobQueue(tmp_path / "data")
    job = queue.enqueue([str(tmp_path)], reason="test", user="admin")
    with jobs.transaction(queue.conn):
        queue.conn.execute("UPDATE jobs SET state = 'running', pid = ? WHERE id = ?", (dead.pid, job.id))
    queue.close()
    client = make_app(tmp_path).test_client()
    login(client)
    data = client.get(f"/admin/ulohy/{job.id}.json").get_json()
    assert data["job"]["state"] == "interrupted"
    page = client.get(f"/admin/ulohy/{job.id}").text
    assert "přerušeno" in page and "aniž úlohu dokončil" in page


@pytest.mark.slow
def test_background_job_metadata_edit_and_removal(tmp_path: Path, sources: Path) -> None:
    from scsearch.index.search import Searcher
    from scsearch.index.types import SearchRequest

    app = make_app(tmp_path, sources)
    client = app.test_client()
    token = login(client)
    assert "upload-stored" in upload(client, token, (UPLOADED_TEXT, "Zápis Květoslavice.txt")).text
    src_hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sources.iterdir()}

    started = time.monotonic()
    resp = client.post("/admin/preindexovat", data={"csrf_token": token})
    assert time.monotonic() - started < 3.0  # the web request does not wait for the ingest
    job_id = job_id_of(resp)
    page = client.get(f"/admin/ulohy/{job_id}")
    assert page.status_code == 200 and "progress.js" in page.text
    data = wait_for_job(client, job_id)
    job = data["job"]
    assert (job["state"], job["indexed"], job["failed"], job["total"]) == ("done", 3, 0, 3), data
    uploaded = str((tmp_path / "nahrane" / "Zápis Květoslavice.txt").resolve())
    assert {f["path"]: f["status"] for f in data["files"]}[uploaded] == "indexed"
    assert job["pid"] and job["started_at"] and job["finished_at"]

    def hits(query: str) -> list[str]:
        searcher = Searcher(tmp_path / "data")
        try:
            return [h.path for h in searcher.search(SearchRequest(query=query, limit=50)).hits]
        finally:
            searcher.close()

    assert uploaded in hits("Květoslavice")

    # a new app instance (a restarted web process) sees the finished job and the upload's status
    client2 = make_app(tmp_path, sources).test_client()
    token2 = login(client2)
    again = client2.get(f"/admin/ulohy/{job_id}.json").get_json()
    assert again["job"] == job
    assert "zaindexováno" in client2.get("/admin/").text

    # metadata override: a sidecar next to the document, then a re-index job
    docs = {d["path"]: d for d in Searcher(tmp_path / "data").documents()}
    doc = docs[uploaded]
    resp = client2.post(f"/admin/dokumenty/{doc['doc_id']}/metadata",
                        data={"csrf_token": token2, "title": "Osvětlení Květoslavice", "doc_type": "minutes",
                              "date": "2018-03-14", "ministries": ["MMR", "MŽP"], "authors": ""})
    data = wait_for_job(client2, job_id_of(resp))
    assert data["job"]["state"] == "done", data
    sidecar = Path(uploaded + ".meta.json")
    assert json.loads(sidecar.read_text(encoding="utf-8")) == {
        "date": "2018-03-14", "doc_type": "minutes", "ministries": ["MMR", "MŽP"], "title": "Osvětlení Květoslavice"}
    docs = {d["path"]: d for d in Searcher(tmp_path / "data").documents()}
    assert (docs[uploaded]["title"], docs[uploaded]["date"], docs[uploaded]["doc_type"]) == (
        "Osvětlení Květoslavice", "2018-03-14", "minutes")

    # invalid values are refused with a Czech reason, nothing is written
    before = sidecar.read_bytes()
    resp = client2.post(f"/admin/dokumenty/{doc['doc_id']}/metadata",
                        data={"csrf_token": token2, "date": "2018-13-45"})
    assert resp.status_code == 422 and "není platné datum" in resp.text
    assert sidecar.read_bytes() == before

    # removal: out of the index, the file stays untouched; restoring brings it back
    html_key = str((sources / HTML.name).resolve())
    resp = client2.post(f"/admin/dokumenty/{docs[html_key]['doc_id']}/odebrat", data={"csrf_token": token2})
    data = wait_for_job(client2, job_id_of(resp))
    assert data["job"]["state"] == "done", data
    assert html_key not in {d["path"] for d in Searcher(tmp_path / "data").documents()}
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sources.iterdir()} == src_hashes
    assert html_key in client2.get("/admin/dokumenty").text  # listed among removed documents
    resp = client2.post("/admin/dokumenty/vratit", data={"csrf_token": token2, "path": html_key})
    data = wait_for_job(client2, job_id_of(resp))
    assert data["job"]["state"] == "done", data
    assert html_key in {d["path"] for d in Searcher(tmp_path / "data").documents()}

    # the audit log has every action, and the page shows them
    actions = [a for _, a, _ in audit_actions(tmp_path)]
    assert actions == ["login", "upload", "reindex", "login", "metadata", "remove", "restore"]
    audit_page = client2.get("/admin/audit").text
    for label in ("přihlášení", "nahrání souboru", "spuštění přeindexování", "úprava metadat",
                  "odebrání dokumentu", "vrácení dokumentu"):
        assert label in audit_page


def test_audit_page_lists_actions(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    token = login(client)
    upload(client, token, (UPLOADED_TEXT, "zapis.txt"))
    page = client.get("/admin/audit").text
    assert "přihlášení" in page and "nahrání souboru" in page and "zapis.txt" in page and "127.0.0.1" in page
