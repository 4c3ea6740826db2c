"""Searches through the HTTP server keep answering while the index is rebuilt underneath.

The load is ``bench/load_bench.py``'s (N clients × M searches on 127.0.0.1 during full re-indexes),
kept small here; the bench prints its p50/p95 during a re-index.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.load_bench import run_load
from tests._fixtures_webui import build_index


@pytest.mark.slow
def test_searches_never_fail_during_reindex(tmp_path: Path) -> None:
    index = build_index(tmp_path)
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma", SCSEARCH_OCR="off")
    result = run_load(index.data_dir, index.docs_dir, clients=4, searches=40, reindexes=2, env=env)
    assert result.errors == []
    assert len(result.latencies) >= 4 * 40
    assert len(result.reindex_s) == 2
    assert result.during_reindex, "the searches did run during the re-index"
