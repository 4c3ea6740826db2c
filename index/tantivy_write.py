"""The tantivy engine's index: its schema and writing a generation with it.

The records are the same as whoosh's (``index.records``): text fields hold scsearch's own analysed
tokens joined by spaces, so tantivy's ``whitespace`` tokenizer only splits them and keeps positions
(phrases over lemmas and exact forms survive). Each record gets a record number (``recno``, a fast
field) that never changes while the record lives; the filter and facet columns, the postings read by
the scorer and the stored fields are all keyed by it. The stored fields of a record are kept as one
JSON value, so both engines hand the ranking the same ``StoredRecord``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ENGINE = "tantivy"
SUBDIR = "tantivy"  # the index inside the generation folder (tantivy's own meta.json lives there)
STATE_FILE = "records.json"  # in SUBDIR: {"records": next record number}
# searchable fields: index option (positions for phrases and proximity) and whether whoosh lowercases
TEXT_FIELDS: dict[str, str] = {"lemma": "position", "form": "position", "head": "position", "stem": "freq",
                               "entity": "freq"}
NOT_STORED = frozenset({"form", "stem", "head", "entity"})  # as in whoosh's schema (index.schema)
HEAP_BYTES = 256 * 1024 * 1024


def build_schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("recno", stored=False, indexed=True, fast=True)
    sb.add_text_field("doc_id", stored=False, tokenizer_name="raw", index_option="basic")
    for name, option in TEXT_FIELDS.items():
        sb.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option=option)
    sb.add_bytes_field("stored", stored=True, indexed=False)
    return sb.build()


def records_in(gen: Path) -> int:
    """The next free record number of the generation in ``gen`` (0 for a new one)."""
    try:
        return int(json.loads((gen / SUBDIR / STATE_FILE).read_text(encoding="utf-8"))["records"])
    except (OSError, ValueError, KeyError):
        return 0


def to_document(rec: dict[str, Any], recno: int) -> Any:
    """A tantivy document of one record (the same fields whoosh indexes and stores)."""
    import tantivy

    doc = tantivy.Document()
    doc.add_unsigned("recno", recno)
    doc.add_text("doc_id", str(rec.get("doc_id", "")))
    for name in TEXT_FIELDS:
        value = rec.get(name)
        if value:
            doc.add_text(name, str(value).lower() if name == "entity" else str(value))
    stored = {k: v for k, v in rec.items() if k not in NOT_STORED and v is not None}
    doc.add_bytes("stored", json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return doc


class TantivyWriter:
    """Deletes and adds records in the tantivy index of a generation folder; ``commit`` makes them durable.

    ``path`` is the new generation's folder (seeded by hard links from the current one: tantivy never
    rewrites a segment file, it writes new ones and replaces its ``meta.json`` by renaming)."""

    def __init__(self, path: Path, *, fresh: bool) -> None:
        import tantivy

        self.path = Path(path) / SUBDIR
        if fresh:
            self.path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(build_schema(), path=str(self.path), reuse=False) if fresh \
            else tantivy.Index.open(str(self.path))
        self.next_recno = 0 if fresh else records_in(Path(path))
        threads = max(1, min(2, os.cpu_count() or 1))
        self.writer = self.index.writer(heap_size=HEAP_BYTES, num_threads=threads)

    def delete_document(self, doc_id: str) -> None:
        self.writer.delete_documents_by_term("doc_id", doc_id)

    def add(self, rec: dict[str, Any]) -> None:
        self.writer.add_document(to_document(rec, self.next_recno))
        self.next_recno += 1

    def commit(self) -> None:
        self.writer.commit()
        self.writer.wait_merging_threads()
        tmp = self.path / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps({"records": self.next_recno}), encoding="utf-8")
        os.replace(tmp, self.path / STATE_FILE)  # a new file: the hard-linked one of the old generation stays

    def cancel(self) -> None:
        self.writer.rollback()
