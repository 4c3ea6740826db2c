"""Reading a tantivy generation: record numbers to tantivy's document addresses, stored fields, terms.

The map ``recno -> (segment, doc)`` is built once per generation (one pass over tantivy's fast field
``recno``) and kept memory-mapped next to it (``index.arrays``), like the filter columns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from scsearch.index.arrays import load_or_build
from scsearch.index.tantivy_write import SUBDIR, records_in


class TantivyReader:
    engine = "tantivy"

    def __init__(self, gen: Path) -> None:
        import tantivy

        self._tantivy = tantivy
        self.index = tantivy.Index.open(str(gen / SUBDIR))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.n = records_in(gen)
        bundle = load_or_build(gen, "tantivy-docs", self.n, self._build_map)
        self.segment: np.ndarray = bundle["segment"]
        self.doc: np.ndarray = bundle["doc"]
        self.alive: np.ndarray = bundle["alive"]

    def _build_map(self) -> dict[str, Any]:
        segment = np.full(self.n, -1, dtype=np.int32)
        doc = np.zeros(self.n, dtype=np.int32)
        total = int(self.searcher.num_docs)
        if total:
            hits = self.searcher.search(self._tantivy.Query.all_query(), limit=total, count=False).hits
            addrs = [a for _score, a in hits]
            recnos = np.asarray(self.searcher.fast_field_values("recno", addrs), dtype=np.int64)
            segment[recnos] = np.fromiter((a.segment_ord for a in addrs), dtype=np.int32, count=len(addrs))
            doc[recnos] = np.fromiter((a.doc for a in addrs), dtype=np.int32, count=len(addrs))
        return {"segment": segment, "doc": doc, "alive": segment >= 0}

    # ------------------------------------------------------------ records
    def recnos(self, hits: list[tuple[Any, Any]]) -> np.ndarray:
        """int64 record numbers of search hits ``(score, DocAddress)``."""
        if not hits:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.searcher.fast_field_values("recno", [a for _s, a in hits]), dtype=np.int64)

    def _fields(self, addr: Any) -> dict[str, Any]:
        raw = self.searcher.doc(addr).get_first("stored")
        value: dict[str, Any] = json.loads(bytes(raw).decode("utf-8")) if raw is not None else {}
        return value

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        seg = int(self.segment[docnum])
        if seg < 0:
            return {}
        return self._fields(self._tantivy.DocAddress(seg, int(self.doc[docnum])))

    def iter_docs(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for docnum in np.flatnonzero(self.alive):
            yield int(docnum), self.stored_fields(int(docnum))

    def documents(self, doc_id: str) -> list[dict[str, Any]]:
        count = int(self.searcher.doc_freq("doc_id", doc_id))  # deleted records included: an upper bound
        if not count:
            return []
        query = self._tantivy.Query.term_query(self.schema, "doc_id", doc_id)
        hits = self.searcher.search(query, limit=count, count=False).hits
        return [self._fields(addr) for _score, addr in hits]

    def most_frequent_terms(self, field: str, number: int) -> list[str]:
        return [term for term, _count in self.searcher.terms_with_prefix(field, "", limit=number)]

    def close(self) -> None:
        """Nothing to release: tantivy's searcher is freed with the generation."""
