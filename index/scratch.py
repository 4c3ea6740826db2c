"""Scratch arrays a thread reuses from one search to the next.

A search's temporaries are as long as the index (hundreds of KB at 100k pages); freshly allocated,
their memory comes from the system a page at a time, and the page faults cost more than the arithmetic
on them (measured: ``bench/eval_bench.py``, docs/search.md). The arrays here are kept per thread and
handed out again, so a warm search touches memory that is already mapped. Each is at most as long as
the largest index the thread searched; nothing returned from a search may be one of them.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np


class _Arrays(threading.local):
    def __init__(self) -> None:
        self.kept: dict[str, np.ndarray] = {}


_LOCAL = _Arrays()


def scratch(name: str, size: int, dtype: Any) -> np.ndarray:
    """An uninitialised array of ``size`` elements of ``dtype``, this thread's array ``name``: valid until
    the thread asks for ``name`` again (callers use distinct names for arrays alive at once)."""
    dtype = np.dtype(dtype)
    kept = _LOCAL.kept.get(name)
    if kept is None or kept.dtype != dtype or kept.size < size:
        kept = _LOCAL.kept[name] = np.empty(size, dtype=dtype)
    return kept[:size]
