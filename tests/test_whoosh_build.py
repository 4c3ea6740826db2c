"""The fast whoosh segment writer writes the very files whoosh's own writer writes (so no search can change)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from scsearch.index.analysis import form_token
from scsearch.language.stemmer import stem
from scsearch.language.tokenize import tokenize


def _records(corpus_data_dir: Path, count: int) -> list[dict[str, Any]]:
    """``count`` records made from the sample corpus' stored pages, every field of the schema filled,
    with tabs, newlines and repeated spaces in the space-joined fields."""
    from whoosh import index as windex

    from scsearch.index import store

    gen = store.current_generation(corpus_data_dir)
    assert gen is not None
    with windex.open_dir(str(gen)).searcher() as s:
        pages = [dict(f) for f in s.all_stored_fields() if f.get("text")]
    out = []
    for i in range(count):
        page = dict(pages[(i * 7) % len(pages)])
        words = [t for _, _, t in tokenize(page["text"])]
        page.update(
            record_id=f"r{i}",
            form=" ".join(form_token(w) for w in words) + ("\t x\n\ny  z" if i % 5 == 0 else ""),
            stem="  ".join(stem(w) for w in words[i % 3:]),
            head=(page.get("lemma") or "").split(" ")[0] + " zapis jednani",
            entity="ent_mzp ENT_md" if i % 3 else "",
            unit_index=i,
        )
        out.append({k: v for k, v in page.items() if v is not None})
    return out


def _build(path: Path, records: list[list[dict[str, Any]]], fast: bool, limitmb: int, schema: Any = None) -> dict[str, str]:
    """Write ``records`` (one commit per list, the last merging all segments into one) and return the digest
    of every file of the segment by its suffix."""
    from whoosh import index as windex

    from scsearch.index.schema import build_schema
    from scsearch.index.whoosh_build import FastSegmentWriter

    path.mkdir(parents=True)
    windex.create_in(str(path), schema or build_schema())
    for n, batch in enumerate(records, 1):
        ix = windex.open_dir(str(path))
        w = FastSegmentWriter(ix, limitmb=limitmb, compound=False) if fast else ix.writer(limitmb=limitmb,
                                                                                             compound=False)
        for rec in batch:
            w.add_document(**rec)
        w.commit(optimize=n == len(records) > 1)
    assert len(windex.open_dir(str(path))._segments()) == 1
    files = {}
    for p in path.iterdir():
        if p.name.startswith("MAIN_") and "." in p.name:  # segment files: MAIN_<random id>.<part>
            files[p.name.split(".", 1)[1]] = hashlib.sha256(p.read_bytes()).hexdigest()
    assert files
    return files


@pytest.mark.parametrize("limitmb", [256, 1], ids=["in memory", "spilled runs"])
def test_same_files_as_whoosh(corpus_data_dir: Path, tmp_path: Path, limitmb: int) -> None:
    records = [_records(corpus_data_dir, 400)]
    plain = _build(tmp_path / "whoosh", records, fast=False, limitmb=limitmb)
    fast = _build(tmp_path / "fast", records, fast=True, limitmb=limitmb)
    assert set(plain) >= {"pst", "trm", "_stored.col", "_lemma_len.col"}
    assert fast == plain


@pytest.mark.parametrize("limitmb", [256, 1], ids=["in memory", "spilled runs"])
def test_same_files_when_segments_merge(corpus_data_dir: Path, tmp_path: Path, limitmb: int) -> None:
    """A commit that merges segments (whoosh's own path for the merged postings), documents with a boost."""
    recs = _records(corpus_data_dir, 90)
    recs[-1]["_boost"] = 2.0
    batches = [recs[:40], recs[40:60], recs[60:]]
    assert _build(tmp_path / "fast", batches, fast=True, limitmb=limitmb) == _build(
        tmp_path / "whoosh", batches, fast=False, limitmb=limitmb)


def test_same_files_with_term_vectors(corpus_data_dir: Path, tmp_path: Path) -> None:
    """A schema with what the fast path does not write (term vectors, spelling) goes through whoosh's code."""
    from whoosh.analysis import SpaceSeparatedTokenizer
    from whoosh.fields import ID, TEXT, Schema

    schema = Schema(record_id=ID(stored=True), lemma=TEXT(analyzer=SpaceSeparatedTokenizer(), vector=True),
                    form=TEXT(analyzer=SpaceSeparatedTokenizer(), spelling=True))
    records = [[{k: r[k] for k in ("record_id", "lemma", "form")} for r in _records(corpus_data_dir, 50)]]
    assert _build(tmp_path / "fast", records, True, 256, schema) == _build(tmp_path / "whoosh", records, False, 256,
                                                                           schema)


def test_writer_uses_fast_segments(tmp_path: Path) -> None:
    from scsearch.index.whoosh_build import FastSegmentWriter
    from scsearch.index.writer import WhooshWriter

    w = WhooshWriter(tmp_path, fresh=True)
    try:
        assert isinstance(w.writer, FastSegmentWriter)
    finally:
        w.cancel()


def test_columns_merge_runs_in_whoosh_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Postings spilled to many runs come back grouped by field and term, in whoosh's (tuple) order, also
    where a term goes on from one pickled chunk of a run to the next; the run files are removed."""
    import random

    from whoosh.filedb.filestore import FileStorage

    from scsearch.index import whoosh_build
    from scsearch.index.whoosh_build import TermColumns

    monkeypatch.setattr(whoosh_build, "RUN_CHUNK", 2)
    rnd = random.Random(3)
    columns = TermColumns(FileStorage(str(tmp_path)), limit=1)
    added = []
    for doc in range(300):
        for field in ("a", "ab", "b"):
            for term in {rnd.choice([b"x", b"y", b"\x00z", "ž".encode(), b"xx"]) for _ in range(3)}:
                added.append((field, term, doc, float(doc % 3), b"v%d" % doc))
                columns.add(*added[-1])
        if doc % 40 == 39:
            columns.spill()
    assert len(columns.runs) == 7
    groups = list(columns.groups())
    assert [(f, t) for f, t, *_ in groups] == sorted({(p[0], p[1]) for p in added})  # each term once, in order
    flat = [(f, t, *post) for f, t, ids, weights, values in groups for post in zip(ids, weights, values, strict=True)]
    assert flat == sorted(added)
    assert not list(tmp_path.iterdir())
