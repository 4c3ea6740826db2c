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
KEEP_FREED_BYTES = 64 << 20  # a server process keeps this much freed memory for its next searches
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
_MMAP_ABOVE = 32 << 20  # (glibc's largest threshold on 64 bits)
PRETOUCH_BYTES = 24 << 20  # heap written once at start by ``keep_freed_memory`` (below _MMAP_ABOVE: from the heap)


def scratch(name: str, size: int, dtype: Any) -> np.ndarray:
    """An uninitialised array of ``size`` elements of ``dtype``, this thread's array ``name``: valid until
    the thread asks for ``name`` again (callers use distinct names for arrays alive at once)."""
    dtype = np.dtype(dtype)
    kept = _LOCAL.kept.get(name)
    if kept is None or kept.dtype != dtype or kept.size < size:
        kept = _LOCAL.kept[name] = np.empty(size, dtype=dtype)
    return kept[:size]


def keep_freed_memory() -> bool:
    """Ask the C library's allocator (glibc) to serve arrays up to 32 MB from its heap and to keep up to
    KEEP_FREED_BYTES of freed memory instead of handing it back to the system (and grow the heap by
    PRETOUCH_BYTES right away): every search's other
    temporaries (filters, facets, the top hits, snippets) then reuse memory that is already mapped too.
    For a long-running server process (a gunicorn worker); its memory stays at most that much above what
    its searches use at once. False where the C library has no ``mallopt`` (nothing changes)."""
    import ctypes  # (only a server asks: not imported by a CLI search)

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    if not (mallopt(_M_MMAP_THRESHOLD, _MMAP_ABOVE) and mallopt(_M_TRIM_THRESHOLD, KEEP_FREED_BYTES)):
        return False
    # the heap grows (a page fault per 4 KiB written) once, now, instead of in the first searches: written and
    # freed, the block stays with the heap for their temporaries (as a JVM's AlwaysPreTouch)
    np.ones(PRETOUCH_BYTES, dtype=np.uint8)
    return True
