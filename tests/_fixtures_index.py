"""The one way tests build an index: the real pipeline over a folder of documents, simplemma lemmas."""

from __future__ import annotations

import mmap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

IndexOf = Callable[[Path], Path]  # conftest's ``index_of``: folder of documents -> DATA_DIR


def ingest_folder(docs: Path, data: Path, *, workers: int | None = None, engine: str | None = None) -> Path:
    """Ingest every document under ``docs`` into the data directory ``data`` and return ``data``.

    simplemma gives the same answers on every machine; the variable is set too for any process the
    pipeline starts. Any file that fails to index fails the test that asked for the index. ``engine``:
    whoosh or tantivy (None: as ``SCSEARCH_ENGINE`` says)."""
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCSEARCH_LEMMATIZER", "simplemma")
        report = Pipeline(data, lemmatizer=get_lemmatizer("simplemma"), workers=workers,
                          engine=engine).run([str(docs)])
    failed = [(r.path, r.reason) for r in report.failed]
    assert not failed, f"{docs}: files failed to index: {failed}"
    return data


def is_mapped(arr: np.ndarray) -> bool:
    """Whether ``arr`` is (a view of) a memory-mapped file rather than process memory."""
    base: object = arr
    while isinstance(base, np.ndarray):
        if isinstance(base, np.memmap):
            return True
        base = base.base
    if isinstance(base, memoryview):
        base = base.obj
    return isinstance(base, mmap.mmap)
