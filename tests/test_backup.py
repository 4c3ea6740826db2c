"""``scsearch backup`` during a running ingest, ``scsearch restore`` into an empty dir, bad archives refused."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from scsearch.index import store
from tests._fixtures_webui import WebIndex

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "SCSEARCH_LEMMATIZER": "simplemma"}


@pytest.fixture(scope="module")
def web_index(web_index: WebIndex, tmp_path_factory: pytest.TempPathFactory) -> WebIndex:
    """A copy of the session's ``web_index`` whose admin database has one row to find again."""
    from scsearch.ingest import exclusions

    data = tmp_path_factory.mktemp("backup") / "data"
    shutil.copytree(web_index.data_dir, data)
    exclusions.add(data, "x.pdf", title="Vyřazený", user="admin")  # an admin-database row to find again
    return WebIndex(data_dir=data, docs_dir=web_index.docs_dir, files=web_index.files)


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data_dir), *args],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)


def _search(data_dir: Path, query: str) -> list[tuple[str, int | None, float]]:
    res = _cli(data_dir, "search", query, "--json", "--limit", "50")
    assert res.returncode == 0, res.stderr
    return [(h["path"], h["page"], h["score"]) for h in json.loads(res.stdout)["hits"]]


QUERIES = ("elektromobilita", "dotace městům", "bezpečnost webu")


@pytest.mark.slow
def test_backup_during_ingest_and_restore(web_index: WebIndex, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(web_index.data_dir, data)
    expected = {q: _search(data, q) for q in QUERIES}
    ingest = subprocess.Popen(
        [sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), "ingest", "--full", str(web_index.docs_dir)],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    archives: list[Path] = []
    try:
        while ingest.poll() is None or not archives:
            archive = tmp_path / f"zaloha-{len(archives)}.tar"
            res = _cli(data, "backup", str(archive))
            assert res.returncode == 0, res.stdout + res.stderr
            assert "Záloha uložena" in res.stdout
            archives.append(archive)
            time.sleep(0.1)
    finally:
        out = ingest.communicate(timeout=300)[0]
    assert ingest.returncode == 0, out
    assert len(archives) >= 2, "at least one backup ran while the ingest was running"
    for archive in (archives[0], archives[-1]):
        target = tmp_path / f"restored-{archive.stem}"
        res = _cli(target, "restore", str(archive))
        assert res.returncode == 0, res.stdout + res.stderr
        gen = store.current_generation(target)
        assert gen is not None and (gen / "arrays" / "tokens" / "bundle.json").is_file()  # prepared, as ingest does
        for q in QUERIES:
            assert _search(target, q) == expected[q], q
        with sqlite3.connect(target / "admin.sqlite") as conn:
            assert conn.execute("SELECT title FROM exclusions").fetchall() == [("Vyřazený",)]
        assert any((target / "cache").rglob("*"))


@pytest.fixture(scope="module")
def archive(web_index: WebIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "zaloha.tar"
    res = _cli(web_index.data_dir, "backup", str(path))
    assert res.returncode == 0, res.stderr
    return path


def _refused(archive: Path, target: Path, reason: str) -> None:
    res = _cli(target, "restore", str(archive))
    assert res.returncode == 1, res.stdout
    assert reason in res.stderr, res.stderr
    assert not target.exists() or not any(target.iterdir()), "nothing was written"
    assert not any(p.name.startswith(f".{target.name}.restore-") for p in target.parent.iterdir())


def _rewrite(src: Path, dst: Path, change) -> None:  # type: ignore[no-untyped-def]
    with tarfile.open(src) as tin, tarfile.open(dst, "w") as tout:
        for m in tin:
            data = tin.extractfile(m).read() if m.isfile() else None  # type: ignore[union-attr]
            m, data = change(m, data)
            tout.addfile(m, io.BytesIO(data) if data is not None else None)


def test_restore_refuses_a_non_empty_dir(archive: Path, tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    res = _cli(target, "restore", str(archive))
    assert res.returncode == 1 and "není prázdný" in res.stderr
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_corrupt_member_is_refused(archive: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar"

    def flip(m: tarfile.TarInfo, data: bytes | None):  # type: ignore[no-untyped-def]
        if data is not None and m.name.endswith((".trm", ".term")) and len(data) > 101:  # a segment's terms (either engine)
            data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
        return m, data

    _rewrite(archive, bad, flip)
    _refused(bad, tmp_path / "data", "kontrolní součet")


def test_truncated_archive_is_refused(archive: Path, tmp_path: Path) -> None:
    bad = tmp_path / "cut.tar"
    bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _refused(bad, tmp_path / "data", "chyba")


def test_foreign_archive_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        blob = b"hello"
        info = tarfile.TarInfo("readme.txt")
        info.size = len(blob)
        tar.addfile(info, io.BytesIO(blob))
    _refused(foreign, tmp_path / "data", "nejde o zálohu scsearch")


def test_path_traversal_and_symlinks_are_refused(archive: Path, tmp_path: Path) -> None:
    for kind in ("traversal", "symlink"):
        bad = tmp_path / f"{kind}.tar"

        def add_evil(m: tarfile.TarInfo, data: bytes | None, kind: str = kind):  # type: ignore[no-untyped-def]
            if m.name.startswith("cache/"):
                if kind == "traversal":
                    m.name = "../evil.txt"
                else:
                    m.type, m.linkname, m.size, data = tarfile.SYMTYPE, "/etc/passwd", 0, None
            return m, data

        _rewrite(archive, bad, add_evil)
        _refused(bad, tmp_path / f"data-{kind}", "nebezpečná cesta" if kind == "traversal" else "odkaz")
        assert not (tmp_path / "evil.txt").exists()
