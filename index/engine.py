"""Which search engine a data directory's index uses: whoosh (the default) or tantivy.

The engine is recorded in each generation's ``meta.json``; searches open whatever the current generation
was built with. A writer continues with the current generation's engine unless one is asked for (the
``engine`` setting, ``SCSEARCH_ENGINE``, or ``--engine`` of ``ingest``/``reindex``): a different engine
means a full rebuild, which is how ``scsearch reindex --full --engine tantivy`` converts a data directory.
"""

from __future__ import annotations

from pathlib import Path

from scsearch import settings
from scsearch.errors import UsageError
from scsearch.index import store

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"


def valid_engine(name: str) -> str:
    """``name`` checked against the known engines (the one validator of this input)."""
    value = name.strip().lower()
    if value not in ENGINES:
        raise UsageError(f"neznámý vyhledávací engine „{name}“: použijte {' nebo '.join(ENGINES)}")
    return value


def engine_of(gen: Path | None) -> str | None:
    """The engine of a generation (None when there is none)."""
    if gen is None:
        return None
    try:
        name = str(store.read_meta(gen).get("engine") or DEFAULT_ENGINE)
    except (OSError, ValueError):
        return DEFAULT_ENGINE
    return name if name in ENGINES else DEFAULT_ENGINE


def requested_engine(override: str | None = None) -> str | None:
    """The engine asked for by an option or by the environment, or None when nobody asked."""
    if override:
        return valid_engine(override)
    if settings.is_set("engine"):
        return valid_engine(str(settings.get("engine")))
    return None


def engine_for_writing(data_dir: Path, override: str | None = None) -> str:
    """The engine the next generation is written with: the one asked for, else the current one's."""
    return requested_engine(override) or engine_of(store.current_generation(data_dir)) or \
        valid_engine(str(settings.get("engine")))
