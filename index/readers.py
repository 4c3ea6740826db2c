"""Reading a generation's index, whichever engine wrote it: stored fields, documents, term statistics.

``open_engine(gen)`` is the one registry of engines on the search side: it returns the reader and the
scorer (``index.evaluate.Scorer``) of the engine recorded in the generation's ``meta.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from scsearch.index.engine import engine_of
from scsearch.index.evaluate import Scorer


class IndexReader(Protocol):
    """What searching needs of an engine besides scoring; records are addressed by record number."""

    engine: str
    n: int  # record numbers run 0 .. n-1 (deleted ones included)

    def iter_docs(self) -> Iterator[tuple[int, dict[str, Any]]]: ...
    def stored_fields(self, docnum: int) -> dict[str, Any]: ...
    def documents(self, doc_id: str) -> list[dict[str, Any]]: ...
    def most_frequent_terms(self, field: str, number: int) -> list[str]: ...
    def close(self) -> None: ...


class WhooshReader:
    """A whoosh searcher; record numbers are whoosh's docnums."""

    engine = "whoosh"

    def __init__(self, gen: Path) -> None:
        from whoosh import index as windex

        self.searcher = windex.open_dir(str(gen)).searcher()
        self.n = int(self.searcher.doc_count_all())

    def iter_docs(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return iter(self.searcher.reader().iter_docs())

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        return dict(self.searcher.stored_fields(docnum))

    def documents(self, doc_id: str) -> list[dict[str, Any]]:
        return [dict(f) for f in self.searcher.documents(doc_id=doc_id)]

    def most_frequent_terms(self, field: str, number: int) -> list[str]:
        found = self.searcher.reader().most_frequent_terms(field, number=number)
        return [t.decode("utf-8") if isinstance(t, bytes) else str(t) for _freq, t in found]

    def close(self) -> None:
        self.searcher.close()


def _open_whoosh(gen: Path) -> tuple[IndexReader, Scorer]:
    from scsearch.index.fastscore import FastScorer

    reader = WhooshReader(gen)
    return reader, FastScorer(reader.searcher, gen)


def _open_tantivy(gen: Path) -> tuple[IndexReader, Scorer]:
    from scsearch.index.tantivy_read import TantivyReader
    from scsearch.index.tantivy_score import TantivyScorer

    reader = TantivyReader(gen)
    return reader, TantivyScorer(reader)


OPENERS: dict[str, Callable[[Path], tuple[IndexReader, Scorer]]] = {"whoosh": _open_whoosh, "tantivy": _open_tantivy}


def open_engine(gen: Path) -> tuple[IndexReader, Scorer]:
    """The reader and scorer of the generation in ``gen``, by the engine that wrote it."""
    return OPENERS[engine_of(gen) or "whoosh"](gen)
