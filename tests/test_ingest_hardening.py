"""Odd files never stop or hang an ingest; links stay inside the sources; removed stays removed.

Every test runs the real CLI in a subprocess (or the real pipeline) over real files:
FIFOs, links to /dev/zero and /etc/passwd, names with bad bytes and newlines.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scsearch.index import store
from scsearch.ingest import exclusions

ROOT = Path(__file__).resolve().parents[1]
TXT = ROOT / "corpus" / "ostatni" / "Tiskova_zprava_seminar_financovani_2017-06-20.txt"
BAD_NAME = os.fsdecode(b"z\xe1pis cp1250.txt")  # a name unpacked from a Windows ZIP: not UTF-8


def cli(data: Path, *args: str, cwd: Path = ROOT, timeout: float = 120, **kw: object) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma", SCSEARCH_OCR="off")
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), *args],
                          capture_output=True, text=True, errors="strict", timeout=timeout, env=env, cwd=cwd,
                          **kw)  # type: ignore[call-overload]


def documents(data: Path) -> dict:
    res = cli(data, "documents", "--json")
    assert res.returncode == 0, res.stderr
    return dict(json.loads(res.stdout))


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "zdroje"
    folder.mkdir()
    shutil.copy2(TXT, folder / "dobry.txt")
    return folder


def test_fifo_device_and_outside_links_are_reported_and_skipped(tmp_path: Path, src: Path) -> None:
    os.mkfifo(src / "roura.txt")
    (src / "nula.txt").symlink_to("/dev/zero")
    (src / "passwd.txt").symlink_to("/etc/passwd")
    (src / "uvnitr.txt").symlink_to(src / "dobry.txt")  # a link inside the sources is fine
    res = cli(tmp_path / "data", "ingest", str(src), timeout=60)  # the old code hung here forever
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert any(ln.startswith("přeskočeno") and "roura.txt" in ln and "není běžný soubor" in ln for ln in lines)
    assert any("nula.txt" in ln and "mimo zdrojové složky" in ln for ln in lines)
    assert any("passwd.txt" in ln and "mimo zdrojové složky" in ln for ln in lines)
    paths = {Path(d["path"]).name for d in documents(tmp_path / "data")["documents"]}
    assert paths == {"dobry.txt", "uvnitr.txt"}
    assert not (tmp_path / "data" / "ingest.lock").exists()
    found = json.loads(cli(tmp_path / "data", "search", "root", "--json").stdout)
    assert found["total"] == 0


def test_link_turned_outside_leaves_the_index(tmp_path: Path, src: Path) -> None:
    link = src / "odkaz.txt"
    link.symlink_to(src / "dobry.txt")
    assert cli(tmp_path / "data", "ingest", str(src)).returncode == 0
    assert "odkaz.txt" in {Path(d["path"]).name for d in documents(tmp_path / "data")["documents"]}
    link.unlink()
    link.symlink_to("/etc/passwd")
    res = cli(tmp_path / "data", "ingest", str(src))
    assert res.returncode == 0, res.stderr
    assert "odkaz.txt" not in {Path(d["path"]).name for d in documents(tmp_path / "data")["documents"]}


def test_bad_utf8_name_is_one_failed_file_rest_committed(tmp_path: Path, src: Path) -> None:
    shutil.copy2(TXT, os.path.join(src, BAD_NAME))
    shutil.copy2(TXT, src / "dva\nradky.txt")
    bad_folder = os.path.join(tmp_path, BAD_NAME + "-slozka")
    os.mkdir(bad_folder)
    res = cli(tmp_path / "data", "ingest", str(src), bad_folder)
    assert res.returncode == 1, res.stdout + res.stderr  # one failed file, not a crash
    assert "Traceback" not in res.stderr
    assert "CHYBA       " + str(src) + "/z\\xe1pis cp1250.txt: název souboru není platné UTF-8" in res.stdout
    assert f"indexováno  {src}/dva\\nradky.txt" in res.stdout  # a newline in a name stays on one line
    assert "CHYBA       " + str(tmp_path) + "/z\\xe1pis cp1250.txt-slozka: název není platné UTF-8" in res.stdout
    names = {Path(d["path"]).name for d in documents(tmp_path / "data")["documents"]}
    assert names == {"dobry.txt", "dva\nradky.txt"}
    text = cli(tmp_path / "data", "documents").stdout
    assert f"{src}/dva\\nradky.txt" in text and "dva\nradky" not in text


def test_data_dir_inside_a_source_and_relative_plus_absolute(tmp_path: Path, src: Path) -> None:
    data = src / "instance"
    assert cli(data, "ingest", str(src)).returncode == 0
    res = cli(Path("instance"), "ingest", ".", str(src), cwd=src)  # again: relative and absolute
    assert res.returncode == 0, res.stderr
    docs = documents(data)["documents"]
    assert [Path(d["path"]).name for d in docs] == ["dobry.txt"]  # no manifest.json/meta.json, no duplicate
    assert docs[0]["path"] == str(src / "dobry.txt")


def _deep_folder(parent: Path) -> None:
    """A folder nested so deep that its path exceeds PATH_MAX: nobody, root included, can list it by path."""
    fd = os.open(parent, os.O_RDONLY)
    try:
        for _ in range(20):
            os.mkdir("d" * 250, dir_fd=fd)
            new = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
    finally:
        os.close(fd)


def test_unreadable_subfolder_is_reported(tmp_path: Path, src: Path) -> None:
    locked = src / "zamceno"
    locked.mkdir()
    shutil.copy2(TXT, locked / "skryty.txt")
    if os.geteuid() == 0:  # permissions do not stop root: make a folder whose path is too long to open
        _deep_folder(locked)
    else:
        os.chmod(locked, 0o000)
    try:
        res = cli(tmp_path / "data", "ingest", str(src))
    finally:
        os.chmod(locked, 0o755)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "složku nelze číst" in res.stdout and "Traceback" not in res.stderr
    assert f"CHYBA       {locked}" in res.stdout
    assert "indexováno  " + str(src / "dobry.txt") in res.stdout


def test_excluded_stays_out_of_cli_ingest_and_is_listed(tmp_path: Path, src: Path) -> None:
    shutil.copy2(TXT, src / "druhy.txt")
    data = tmp_path / "data"
    assert cli(data, "ingest", str(src)).returncode == 0
    exclusions.add(data, str(src / "druhy.txt"), title="Druhý", user="admin")  # as the admin's "Odebrat" does
    res = cli(data, "ingest", str(src))
    assert res.returncode == 0 and f"odstraněno  {src}/druhy.txt" in res.stdout
    for command in (("ingest", str(src)), ("reindex",)):
        assert cli(data, *command).returncode == 0
        out = documents(data)
        assert [Path(d["path"]).name for d in out["documents"]] == ["dobry.txt"]
        assert [e["path"] for e in out["excluded"]] == [str(src / "druhy.txt")]
    assert f"vyloučeno   {src}/druhy.txt" in cli(data, "documents").stdout
    assert exclusions.remove(data, str(src / "druhy.txt"))
    assert cli(data, "reindex").returncode == 0
    assert len(documents(data)["documents"]) == 2


def test_leftover_generation_tmp_is_cleaned_at_start_but_not_a_live_writers(tmp_path: Path, src: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "ingest", str(src)).returncode == 0
    leftover = store.index_root(data) / "gen-000099.tmp"
    leftover.mkdir()
    (leftover / "_MAIN_1.toc").write_bytes(b"x")
    res = cli(data, "ingest", str(src))  # nothing changed: the old code left it until the next write
    assert res.returncode == 0 and "beze změny" in res.stdout
    assert not leftover.exists()
    leftover.mkdir()
    with store.writer_lock(data, "test"):  # a live writer (this process) is writing it: it stays
        assert not store.cleanup_if_idle(data)
        assert leftover.exists()
    assert store.cleanup_if_idle(data) and not leftover.exists()
