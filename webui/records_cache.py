"""Calls and meetings of the current index generation, built once per generation and app."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

from scsearch.webui.state import get_state

T = TypeVar("T")
_KEY = "scsearch_records"
_LOCK = threading.Lock()


def per_generation(name: str, build: Callable[[Any], T]) -> T:
    """``build(searcher)`` for the current generation, cached until a new one is published."""
    searcher = get_state().searcher
    gen = searcher.generation or ""
    cache: dict[str, tuple[str, Any]] = current_app.extensions.setdefault(_KEY, {})
    with _LOCK:
        hit = cache.get(name)
        if hit is not None and hit[0] == gen:
            value: T = hit[1]
            return value
    value = build(searcher)
    with _LOCK:
        cache[name] = (gen, value)
    return value
