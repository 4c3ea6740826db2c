"""Per-app state: one ``Searcher`` and a doc_id -> manifest entry map per index generation."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app

from scsearch.index.hot_postings import HOT_TERMS
from scsearch.index.search import Searcher

_KEY = "scsearch"


class AppState:
    """The searcher of one app and a cache of the documents of its current generation."""

    def __init__(self, data_dir: str) -> None:
        self.searcher = Searcher(data_dir, prewarm=HOT_TERMS)  # frequent postings read when a generation opens
        self._lock = threading.Lock()
        self._docs_gen: str | None = None
        self._docs: dict[str, dict[str, Any]] = {}

    def documents_by_id(self) -> dict[str, dict[str, Any]]:
        """Manifest entries of every indexed document, keyed by doc_id (re-read per generation)."""
        gen = self.searcher.generation
        if gen is not None and gen == self._docs_gen:
            return self._docs
        with self._lock:
            docs = {d["doc_id"]: d for d in self.searcher.documents() if d.get("doc_id")}
            self._docs, self._docs_gen = docs, gen
        return docs

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return self.documents_by_id().get(doc_id)


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = AppState(str(app.config["DATA_DIR"]))


def get_state() -> AppState:
    state: AppState = current_app.extensions[_KEY]
    return state


def get_searcher() -> Searcher:
    return get_state().searcher
