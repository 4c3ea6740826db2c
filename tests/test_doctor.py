"""``scsearch doctor``: real tools found on PATH, a tool missing simulated by restricting PATH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests._fixtures_webui import WebIndex

ROOT = Path(__file__).resolve().parents[1]


def _doctor(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SCSEARCH_")}
    full.update(SCSEARCH_LEMMATIZER="simplemma", **env)
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data_dir), "doctor", *args],
                          cwd=ROOT, env=full, capture_output=True, text=True, timeout=120)


def _checks(res: subprocess.CompletedProcess[str]) -> dict[str, dict[str, str]]:
    return {c["name"].split(" ")[0]: c for c in json.loads(res.stdout)["checks"]}


def _has_czech_tesseract() -> bool:
    exe = shutil.which("tesseract")
    if not exe:
        return False
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    return "ces" in (out.stdout + out.stderr).split()


@pytest.mark.skipif(not (_has_czech_tesseract() and shutil.which("soffice")),
                    reason="needs tesseract with Czech data and LibreOffice installed")
def test_everything_needed_is_there(web_index: WebIndex) -> None:
    res = _doctor(web_index.data_dir)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "[OK] Tesseract" in res.stdout and "[OK] Index" in res.stdout
    assert "Vše potřebné je k dispozici." in res.stdout


def test_tools_missing_from_path(web_index: WebIndex, tmp_path: Path) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    res = _doctor(web_index.data_dir, "--json", PATH=str(empty_bin))
    assert res.returncode == 1, res.stdout + res.stderr
    checks = _checks(res)
    assert checks["Tesseract"]["status"] == "fail"
    assert "není nainstalován" in checks["Tesseract"]["message"]
    assert "bez textu" in checks["Tesseract"]["message"]  # how many indexed pages need OCR
    assert checks["LibreOffice"]["status"] == "fail"
    assert checks["Index"]["status"] == "ok"
    assert json.loads(res.stdout)["ok"] is False
    text = _doctor(web_index.data_dir, PATH=str(empty_bin))
    assert "[CHYBÍ] Tesseract" in text.stdout and "Něco potřebného chybí" in text.stdout


def test_tesseract_without_czech_data(web_index: WebIndex, tmp_path: Path) -> None:
    """A tesseract that lists no Czech data (a real executable on PATH that prints only English)."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    exe = fake_bin / "tesseract"
    exe.write_text("#!/bin/sh\necho 'List of available languages in \"/usr/share\" (2):'\necho eng\necho osd\n")
    exe.chmod(0o755)
    res = _doctor(web_index.data_dir, "--json", PATH=f"{fake_bin}:/usr/bin:/bin")
    check = _checks(res)["Tesseract"]
    assert check["status"] == "fail" and "tesseract-ocr-ces" in check["message"]


def test_index_with_a_missing_file(web_index: WebIndex, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(web_index.data_dir, data)
    gen = data / "index" / (data / "index" / "CURRENT").read_text().strip()
    segment = next(gen.glob("MAIN_*.trm"))  # the terms file of a (non-compound) whoosh segment
    segment.unlink()
    res = _doctor(data, "--json")
    assert res.returncode == 1
    check = _checks(res)["Index"]
    assert check["status"] == "fail" and gen.name in check["message"]


def test_no_index_and_weak_admin_key(tmp_path: Path) -> None:
    res = _doctor(tmp_path / "none", "--json", SCSEARCH_ADMIN_PASSWORD="heslo", SCSEARCH_SECRET_KEY="short")
    assert res.returncode == 1
    checks = _checks(res)
    assert checks["Index"]["status"] == "fail" and "scsearch ingest" in checks["Index"]["message"]
    assert checks["Administrace"]["status"] == "fail"
