"""The admin and the ingest hardening, through real HTTP requests to the app and real worker processes:
odd files never hang a job, sidecars stay next to the indexed path, removed documents can be restored."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from scsearch.ingest import exclusions
from scsearch.ingest import jobqueue as jobs
from tests.test_admin import _env as _env  # noqa: F401 - the same autouse environment (simplemma, OCR off)
from tests.test_admin import job_id_of, login
from tests.test_admin import make_app as admin_app
from tests.test_admin import wait_for_job as wait_for_job_id

ROOT = Path(__file__).resolve().parents[1]
TXT = ROOT / "corpus" / "ostatni" / "Tiskova_zprava_seminar_financovani_2017-06-20.txt"


def make_app(tmp_path: Path, sources: Path) -> Flask:
    return admin_app(tmp_path, sources, UPLOAD_DIR=str(sources))  # uploads land in the indexed folder


def wait_for_job(client: FlaskClient, resp: Any, timeout: float = 180.0) -> dict[str, Any]:
    return wait_for_job_id(client, job_id_of(resp), timeout)


def indexed(tmp_path: Path) -> dict[str, str]:
    from scsearch.index import store

    manifest = store.read_manifest(store.current_generation(tmp_path / "data"))
    return {Path(k).name: v["doc_id"] for k, v in manifest.items() if v.get("status") == "indexed"}


def test_upload_named_like_a_sidecar_gets_a_clear_message(tmp_path: Path) -> None:
    src = tmp_path / "zdroje"
    src.mkdir()
    client = make_app(tmp_path, src).test_client()
    token = login(client)
    resp = client.post("/admin/nahrat", data={"csrf_token": token, "files": [(io.BytesIO(b'{"title": "x"}'),
                                                                              "x.pdf.meta.json")]},
                       content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "je oprava metadat k jinému dokumentu, ne dokument" in resp.text
    assert list(src.iterdir()) == [src / ".incoming"] or list(src.iterdir()) == []


@pytest.mark.slow
def test_jobs_skip_odd_files_edit_sidecar_next_to_link_and_restore(tmp_path: Path) -> None:
    src = tmp_path / "zdroje"
    src.mkdir()
    shutil.copy2(TXT, src / "dobry.txt")
    (src / "odkaz.txt").symlink_to(src / "dobry.txt")
    os.mkfifo(src / "roura.txt")
    (src / "nula.txt").symlink_to("/dev/zero")
    shutil.copy2(TXT, os.path.join(src, os.fsdecode(b"z\xe1pis.txt")))
    client = make_app(tmp_path, src).test_client()
    token = login(client)

    # a re-index job over a FIFO, a device link and a bad name finishes; each is reported by name
    data = wait_for_job(client, client.post("/admin/preindexovat", data={"csrf_token": token}))
    assert data["job"]["state"] == "done", data["job"]
    status = {Path(f["path"]).name: (f["status"], f["reason"]) for f in data["files"]}
    assert status["roura.txt"][0] == "skipped" and "není běžný soubor" in status["roura.txt"][1]
    assert status["nula.txt"][0] == "skipped" and "mimo zdrojové složky" in status["nula.txt"][1]
    assert status["z\\xe1pis.txt"][0] == "failed" and "UTF-8" in status["z\\xe1pis.txt"][1]
    assert data["job"]["skipped"] == 2 and data["job"]["failed"] == 1
    assert set(indexed(tmp_path)) == {"dobry.txt", "odkaz.txt"}

    # metadata of the linked document: the sidecar goes next to the link, not next to its target
    doc_id = indexed(tmp_path)["odkaz.txt"]
    form = {"csrf_token": token, "title": "Odkazovaná tisková zpráva", "doc_type": "other"}
    wait_for_job(client, client.post(f"/admin/dokumenty/{doc_id}/metadata", data=form))
    assert (src / "odkaz.txt.meta.json").is_file()
    assert not (src / "dobry.txt.meta.json").exists()

    # a removed document stays out of a later re-index until the admin restores it (audited)
    doc_id = indexed(tmp_path)["dobry.txt"]
    wait_for_job(client, client.post(f"/admin/dokumenty/{doc_id}/odebrat", data={"csrf_token": token}))
    wait_for_job(client, client.post("/admin/preindexovat", data={"csrf_token": token}))
    assert "dobry.txt" not in indexed(tmp_path)
    page = client.get("/admin/dokumenty").text
    assert "Vrátit do indexu" in page and str(src / "dobry.txt") in page
    resp = client.post("/admin/dokumenty/vratit", data={"csrf_token": token, "path": str(src / "dobry.txt")})
    wait_for_job(client, resp)
    assert "dobry.txt" in indexed(tmp_path)
    assert exclusions.entries(tmp_path / "data") == []
    conn = jobs.connect(tmp_path / "data")
    try:
        actions = [r[0] for r in conn.execute("SELECT action FROM audit ORDER BY id")]
    finally:
        conn.close()
    assert actions[-3:] == ["remove", "reindex", "restore"]
