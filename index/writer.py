"""Writing a new index generation: delete/replace documents, commit, publish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import index as windex

from scsearch.errors import IndexMismatch
from scsearch.index import store
from scsearch.index.lexicon import Lexicon
from scsearch.index.schema import SCHEMA_VERSION, build_schema


class GenerationWriter:
    """Opens the next generation (seeded with the current one), takes changes, publishes.

    Must be used under ``store.writer_lock``.
    """

    def __init__(self, data_dir: Path, lemmatizer_ident: str, *, full: bool = False) -> None:
        self.data_dir = Path(data_dir)
        base = store.current_generation(self.data_dir)
        if base is not None and not full:
            meta = store.read_meta(base)
            if meta.get("schema_version") != SCHEMA_VERSION:
                raise IndexMismatch(
                    f"index má verzi schématu {meta.get('schema_version')}, program {SCHEMA_VERSION}: "
                    "spusťte „scsearch reindex --full“"
                )
            if meta.get("lemmatizer") != lemmatizer_ident:
                raise IndexMismatch(
                    f"index vytvořil lemmatizátor {meta.get('lemmatizer')}, nyní je aktivní {lemmatizer_ident}; "
                    "lemmata by se neshodovala: spusťte „scsearch reindex --full“"
                )
        self.gen = store.start_generation(self.data_dir, fresh=full or base is None)
        if full or base is None:
            self.ix = windex.create_in(str(self.gen.path), build_schema())
            self.lexicon = Lexicon()
        else:
            self.ix = windex.open_dir(str(self.gen.path))
            self.lexicon = Lexicon.load(self.gen.path)
        self.writer = self.ix.writer(limitmb=256, compound=False)  # separate files: opened without copying them
        self.lemmatizer_ident = lemmatizer_ident
        self.changed = False

    def delete_document(self, doc_id: str) -> None:
        self.writer.delete_by_term("doc_id", doc_id)
        self.changed = True

    def add_records(self, records: Iterable[dict[str, Any]], lexicon_pairs: Iterable[tuple[str, str]]) -> None:
        for rec in records:
            self.writer.add_document(**{k: v for k, v in rec.items() if v is not None})
        self.lexicon.add(lexicon_pairs)
        self.changed = True

    def commit(self, manifest: dict[str, dict[str, Any]], extra_meta: dict[str, Any], keep: int = 2) -> Path:
        store.fault_point("before_commit")
        self.writer.commit()
        store.fault_point("after_commit")
        self.lexicon.save(self.gen.path)
        meta = {
            "schema_version": SCHEMA_VERSION,
            "lemmatizer": self.lemmatizer_ident,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **extra_meta,
        }
        return self.gen.publish(meta, manifest, keep=keep)

    def abandon(self) -> None:
        try:
            self.writer.cancel()
        finally:
            self.gen.abandon()
