"""Generations and the writer lock (real whoosh, real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scsearch.errors import IndexLocked, IndexMismatch
from scsearch.index import store
from scsearch.index.writer import GenerationWriter


def _record(i: int) -> dict:
    return {"record_id": f"d{i}:0", "doc_id": f"d{i}", "path": f"f{i}.txt", "kind": "page", "lemma": "slovo",
            "form": "slovo", "text": "slovo", "doc_type": "other", "date": 0, "unit_index": 0}


def test_publish_switches_current_and_keeps_old(tmp_path: Path) -> None:
    with store.writer_lock(tmp_path):
        w = GenerationWriter(tmp_path, "lem/1")
        w.add_records([_record(1)], [("slovo", "slovo")])
        g1 = w.commit({"f1.txt": {"status": "indexed", "doc_id": "d1"}}, {})
    assert store.current_generation(tmp_path) == g1
    with store.writer_lock(tmp_path):
        w = GenerationWriter(tmp_path, "lem/1")
        w.add_records([_record(2)], [])
        g2 = w.commit({}, {})
    assert store.current_generation(tmp_path) == g2
    assert g1.exists(), "the previous generation stays for searchers still reading it"
    from scsearch.index.readers import open_engine  # whichever engine SCSEARCH_ENGINE chose

    assert int(open_engine(g2)[1].alive.sum()) == 2  # seeded with generation 1
    assert int(open_engine(g1)[1].alive.sum()) == 1  # untouched by the second writer


def test_abandoned_generation_leaves_current_serving(tmp_path: Path) -> None:
    with store.writer_lock(tmp_path):
        w = GenerationWriter(tmp_path, "lem/1")
        w.add_records([_record(1)], [])
        g1 = w.commit({}, {})
        w = GenerationWriter(tmp_path, "lem/1")
        w.add_records([_record(2)], [])
        w.abandon()
    assert store.current_generation(tmp_path) == g1
    assert not [p for p in store.index_root(tmp_path).iterdir() if p.name.endswith(".tmp")]


def test_lemmatizer_mismatch_is_refused(tmp_path: Path) -> None:
    with store.writer_lock(tmp_path):
        w = GenerationWriter(tmp_path, "lem/1")
        w.add_records([_record(1)], [])
        w.commit({}, {})
        with pytest.raises(IndexMismatch, match="reindex --full"):
            GenerationWriter(tmp_path, "other/2")
        GenerationWriter(tmp_path, "other/2", full=True).abandon()


def test_live_lock_refuses_at_once(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys,time; from index import store; from pathlib import Path\n"
         "with store.writer_lock(Path(sys.argv[1]), 'test'):\n    print('locked', flush=True); time.sleep(30)",
         str(tmp_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexLocked, match=str(holder.pid)), store.writer_lock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_stale_lock_of_dead_process_is_recovered(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "ingest.lock").write_text(json.dumps({"pid": dead.pid, "what": "ingest", "since": "x"}))
    with store.writer_lock(tmp_path):
        assert store.lock_holder(tmp_path)["pid"] == os.getpid()
    assert not (tmp_path / "ingest.lock").exists()
