"""Writing a new index generation: delete/replace documents, commit, publish (whoosh or tantivy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from scsearch.errors import IndexMismatch
from scsearch.index import store
from scsearch.index.engine import engine_for_writing, engine_of
from scsearch.index.lexicon import Lexicon
from scsearch.index.schema import SCHEMA_VERSION


class EngineWriter(Protocol):
    """What a generation writer needs of an engine (one registry: ``BACKENDS``)."""

    def delete_document(self, doc_id: str) -> None: ...
    def add(self, rec: dict[str, Any]) -> None: ...
    def commit(self) -> None: ...
    def cancel(self) -> None: ...


class WhooshWriter:
    def __init__(self, path: Path, *, fresh: bool) -> None:
        from whoosh import index as windex

        from scsearch.index.schema import build_schema
        from scsearch.index.whoosh_build import FastSegmentWriter

        ix = windex.create_in(str(path), build_schema()) if fresh else windex.open_dir(str(path))
        self.writer = FastSegmentWriter(ix, limitmb=256, compound=False)  # separate files: opened without copying

    def delete_document(self, doc_id: str) -> None:
        self.writer.delete_by_term("doc_id", doc_id)

    def add(self, rec: dict[str, Any]) -> None:
        self.writer.add_document(**{k: v for k, v in rec.items() if v is not None})

    def commit(self) -> None:
        self.writer.commit()

    def cancel(self) -> None:
        self.writer.cancel()


def _tantivy_writer(path: Path, *, fresh: bool) -> EngineWriter:
    from scsearch.index.tantivy_write import TantivyWriter

    return TantivyWriter(path, fresh=fresh)


BACKENDS = {"whoosh": WhooshWriter, "tantivy": _tantivy_writer}


class GenerationWriter:
    """Opens the next generation (seeded with the current one), takes changes, publishes.

    Must be used under ``store.writer_lock``. ``engine``: the engine asked for (None: the current
    generation's, else the ``engine`` setting); a different engine than the current one needs ``full``.
    """

    def __init__(self, data_dir: Path, lemmatizer_ident: str, *, full: bool = False, engine: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        base = store.current_generation(self.data_dir)
        self.engine = engine_for_writing(self.data_dir, engine)
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
            if engine_of(base) != self.engine:
                raise IndexMismatch(
                    f"index používá engine {engine_of(base)}, požadován je {self.engine}: "
                    f"spusťte „scsearch reindex --full --engine {self.engine}“"
                )
        fresh = full or base is None
        self.gen = store.start_generation(self.data_dir, fresh=fresh)
        self.lexicon = Lexicon() if fresh else Lexicon.load(self.gen.path)
        self.writer = BACKENDS[self.engine](self.gen.path, fresh=fresh)
        self.lemmatizer_ident = lemmatizer_ident
        self.changed = False

    def delete_document(self, doc_id: str) -> None:
        self.writer.delete_document(doc_id)
        self.changed = True

    def add_records(self, records: Iterable[dict[str, Any]], lexicon_pairs: Iterable[tuple[str, str]]) -> None:
        for rec in records:
            self.writer.add(rec)
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
            "engine": self.engine,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **extra_meta,
        }
        return self.gen.publish(meta, manifest, keep=keep)

    def abandon(self) -> None:
        try:
            self.writer.cancel()
        finally:
            self.gen.abandon()
