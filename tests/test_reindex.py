"""Incremental re-indexing and crash safety, through the real CLI in subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FILES = [
    "zapisy/Zapis_PS_SC_2017-04-05.pdf",
    "prezentace/prezentace_MD_elektromobilita_2017-04-05.pptx",
    "financovani/Prehled_aktualnich_vyzev_Smart_Cities_2017-09-30.xlsx",
    "ostatni/PS_pro_Smart_Cities_web_MMR.html",
]


def scsearch(data: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), *args],
        capture_output=True, text=True, timeout=timeout, env=full_env, cwd=ROOT,
    )


def search_paths(data: Path, query: str) -> list[tuple[str, int | None]]:
    res = scsearch(data, "search", query, "--json", "--limit", "50")
    assert res.returncode == 0, res.stderr
    return [(Path(h["path"]).name, h["page"]) for h in json.loads(res.stdout)["hits"]]


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    for rel in FILES:
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(CORPUS / rel, target)
    return src


@pytest.mark.slow
def test_incremental_unchanged_changed_removed_renamed(tmp_path: Path, sources: Path) -> None:
    data = tmp_path / "data"
    first = scsearch(data, "ingest", str(sources))
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.count("indexováno") >= len(FILES)
    assert any(name.startswith("Zapis_PS_SC_2017-04-05") for name, _ in search_paths(data, "elektromobilita"))

    again = scsearch(data, "reindex")
    assert again.returncode == 0, again.stderr
    assert "4 beze změny" in again.stdout and "0 indexováno" in again.stdout

    # change one file, remove one, rename one: the index follows, caches make the rename cheap
    html = sources / "ostatni/PS_pro_Smart_Cities_web_MMR.html"
    html.write_text(html.read_text(encoding="utf-8").replace("</article>", "<p>Nové slovo kvantomobilita.</p></article>"),
                    encoding="utf-8")
    (sources / FILES[1]).unlink()
    renamed = sources / "zapisy/Zapis_4_jednani_prejmenovany.pdf"
    (sources / FILES[0]).rename(renamed)
    third = scsearch(data, "reindex")
    assert third.returncode == 0, third.stdout + third.stderr
    assert "odstraněno" in third.stdout
    assert search_paths(data, "kvantomobilita") == [("PS_pro_Smart_Cities_web_MMR.html", None)]
    names = {name for name, _ in search_paths(data, "elektromobilita")}
    assert "prezentace_MD_elektromobilita_2017-04-05.pptx" not in names
    assert "Zapis_PS_SC_2017-04-05.pdf" not in names
    assert "Zapis_4_jednani_prejmenovany.pdf" in names


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["before_commit", "after_commit", "before_publish"])
def test_kill_during_commit_keeps_last_good_generation(tmp_path: Path, sources: Path, fault: str) -> None:
    data = tmp_path / "data"
    assert scsearch(data, "ingest", str(sources / "ostatni")).returncode == 0
    before = search_paths(data, "Smart Cities")
    assert before
    crashed = scsearch(data, "ingest", str(sources), env={"SCSEARCH_FAULT": fault})
    assert crashed.returncode == -signal.SIGKILL
    assert search_paths(data, "Smart Cities") == before  # still the previous generation
    assert not search_paths(data, "elektromobilita")
    done = scsearch(data, "ingest", str(sources))  # the stale lock of the dead writer is recovered
    assert done.returncode == 0, done.stdout + done.stderr
    assert search_paths(data, "elektromobilita")


@pytest.mark.slow
def test_kill_during_extraction_then_resume(tmp_path: Path, sources: Path) -> None:
    data = tmp_path / "data"
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), "ingest", str(sources)],
        stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT, start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the first file is done: extraction of the others is under way
    assert line.startswith("indexováno"), line
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.2)
    assert scsearch(data, "search", "elektromobilita", "--json").returncode == 0  # empty index answers
    done = scsearch(data, "ingest", str(sources))
    assert done.returncode == 0, done.stdout + done.stderr
    assert search_paths(data, "elektromobilita")


def test_second_writer_is_refused_with_holder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys,time; from index import store; from pathlib import Path\n"
         "with store.writer_lock(Path(sys.argv[1]), 'ingest'):\n    print('locked', flush=True); time.sleep(60)",
         str(data)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        start = time.monotonic()
        res = scsearch(data, "ingest", str(CORPUS / FILES[3]))
        assert res.returncode == 1
        assert f"pid {holder.pid}" in res.stderr
        assert time.monotonic() - start < 30
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_lemmatizer_change_triggers_full_rebuild(tmp_path: Path, sources: Path) -> None:
    from scsearch.index import store

    data = tmp_path / "data"
    assert scsearch(data, "ingest", str(sources / "ostatni"), str(sources / "zapisy")).returncode == 0
    gen = store.current_generation(data)
    assert gen is not None
    meta = json.loads((gen / "meta.json").read_text(encoding="utf-8"))
    meta["lemmatizer"] = "stanza/1.15.0/cs_pdt"  # as if the index had been built by another lemmatiser
    (gen / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    warned = scsearch(data, "search", "elektromobilita", "--json")
    assert "reindex --full" in " ".join(json.loads(warned.stdout)["notices"])
    res = scsearch(data, "ingest", str(sources / "ostatni"))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "přestaví" in res.stdout
    assert "2 indexováno" in res.stdout  # the HTML page and the minutes from the earlier source folder
    new_meta = store.read_meta(store.current_generation(data))  # type: ignore[arg-type]
    assert new_meta["lemmatizer"].startswith("simplemma/")
    assert search_paths(data, "elektromobilita")
