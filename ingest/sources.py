"""Which source folders an ingest covers: written once for the CLI ``reindex`` and admin jobs."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scsearch import settings
from scsearch.index import store


def configured(raw: Any = None) -> list[str]:
    """The configured source folders: ``raw`` (a list, or folders joined by ':') or the setting."""
    if raw is None:
        raw = settings.get("sources")
    items = str(raw).split(":") if isinstance(raw, str) else list(raw or [])
    return [str(s) for s in items if str(s)]


def recorded(data_dir: str | os.PathLike[str]) -> list[str]:
    """The folders earlier ingests recorded in the current generation."""
    gen = store.current_generation(Path(data_dir))
    if gen is None:
        return []
    try:
        return [str(p) for p in store.read_meta(gen).get("sources", [])]
    except (OSError, ValueError):
        return []


def existing_unique(paths: Iterable[str]) -> list[str]:
    """The paths that exist, each real folder once (the last spelling given wins)."""
    by_real: dict[str, str] = {}
    for p in paths:
        if Path(p).exists():
            by_real[os.path.realpath(p)] = p
    return list(dict.fromkeys(by_real.values()))
