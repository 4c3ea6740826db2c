"""Two engines behind one interface: whoosh (the default) and tantivy give the same JSON contract, the same
matches, filters and facets, rankings that differ only by BM25F vs BM25, and ``reindex --full`` converts a
data directory from one to the other. The search and ingest suites also run whole against tantivy
(``SCSEARCH_ENGINE=tantivy pytest -m engine``, part of ``make test``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scsearch.errors import IndexMismatch, UsageError
from scsearch.index import store
from scsearch.index.bonus import EXACT_BONUS, PROXIMITY_BONUS, positional_factors
from scsearch.index.engine import engine_of, requested_engine
from scsearch.index.search import Searcher
from scsearch.index.stored import StoredRecord
from scsearch.index.types import SearchRequest
from scsearch.index.writer import GenerationWriter
from scsearch.ingest.pipeline import Pipeline
from scsearch.language.lemmatize import get_lemmatizer
from tests._fixtures_index import ingest_folder

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
QUERIES = ["elektromobilita", "dotace pro obce", '"Smart Cities"', "elektro*", "MŽP voda", "zasady urbanni politiky",
           "co jsme se dohodli o elektromobilitě", "ministerstvo dopravy úkol", '="chytrá města"', "dotace -projekt",
           "voda OR odpad", "elektromobylita", "jednání 2017"]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Searcher]:
    """The sample corpus indexed by each engine."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCSEARCH_LEMMATIZER", "simplemma")
        mp.delenv("SCSEARCH_ENGINE", raising=False)
        out = {e: Searcher(ingest_folder(CORPUS, tmp_path_factory.mktemp(e) / "data", engine=e))
               for e in ("whoosh", "tantivy")}
    yield out
    for s in out.values():
        s.close()


def test_each_generation_records_its_engine(both: dict[str, Searcher]) -> None:
    for name, s in both.items():
        assert s.engine == name and s.stats()["engine"] == name
        assert engine_of(store.current_generation(s.data_dir)) == name
    gen = store.current_generation(both["tantivy"].data_dir)
    assert gen is not None and (gen / "tantivy" / "meta.json").is_file() and (gen / store.META).is_file()


@pytest.mark.parametrize("query", QUERIES)
def test_same_matches_facets_and_contract(both: dict[str, Searcher], query: str) -> None:
    w = both["whoosh"].search(SearchRequest(query=query, limit=200))
    t = both["tantivy"].search(SearchRequest(query=query, limit=200))
    assert t.total == w.total and t.total_docs == w.total_docs, query
    assert {h.record_id for h in t.hits} == {h.record_id for h in w.hits}, query
    assert t.facets == w.facets and t.notices == w.notices and t.suggestion == w.suggestion
    assert [e.word for e in t.expansions] == [e.word for e in w.expansions]
    if w.hits:  # the ranking differs only by the BM25 flavour: the best pages are mostly the same
        top_w, top_t = [h.record_id for h in w.hits[:5]], [h.record_id for h in t.hits[:5]]
        assert len(set(top_w) & set(top_t)) >= min(3, len(top_w)), (query, top_w, top_t)
        same = {h.record_id: h for h in w.hits}
        for h in t.hits[:5]:  # the same record gives the same citation and snippet, whichever engine found it
            assert (h.citation, h.snippet, h.page, h.title, h.date) == (same[h.record_id].citation,
                                                                       same[h.record_id].snippet,
                                                                       same[h.record_id].page,
                                                                       same[h.record_id].title,
                                                                       same[h.record_id].date)


def test_filters_and_sorting_agree(both: dict[str, Searcher]) -> None:
    reqs = [SearchRequest(query="dotace", ministries=("MMR",)), SearchRequest(query="", doc_types=("decision",)),
            SearchRequest(query="jednání", years=("2017",), sort="date"),
            SearchRequest(query="dotace", group=True, limit=5)]
    for req in reqs:
        w, t = both["whoosh"].search(req), both["tantivy"].search(req)
        assert (t.total, t.facets) == (w.total, w.facets), req
        if req.sort == "date" or not req.query:
            assert [h.record_id for h in t.hits] == [h.record_id for h in w.hits], req
        if req.group:
            assert len(t.groups) == len(w.groups)


def test_documents_and_stored_fields_round_trip(both: dict[str, Searcher]) -> None:
    w, t = both["whoosh"], both["tantivy"]
    assert [d["doc_id"] for d in t.documents()] == [d["doc_id"] for d in w.documents()]
    for doc in w.documents()[:8]:
        ws = [r.fields for r in w.document_records(doc["doc_id"])]
        ts = [r.fields for r in t.document_records(doc["doc_id"])]
        assert [StoredRecord.from_fields(f).fields for f in ts] == [StoredRecord.from_fields(f).fields for f in ws]
        assert json.loads(json.dumps(ws, default=list)) == json.loads(json.dumps(ts, default=list))


def test_positional_bonuses_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCSEARCH_LEMMATIZER", "simplemma")
    docs = tmp_path / "docs"
    docs.mkdir()
    filler = " ".join(["projekt", "rozvoj", "obec", "strategie", "doprava"] * 8)
    texts = {"spolu.txt": f"Ministerstvo poskytne dotace městům na rozvoj. {filler}",
             "daleko.txt": f"Městům pomůže strategie. {filler} Nové dotace přijdou později.",
             "obracene.txt": f"Městům dotace nepřijdou. {filler}"}
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    found = {}
    for engine in ("whoosh", "tantivy"):
        s = Searcher(ingest_folder(docs, tmp_path / engine, engine=engine))
        st = s._open()
        assert st is not None
        alive = [int(d) for d in np.flatnonzero(st.fast.alive)]
        names = {d: Path(st.reader.stored_fields(d)["path"]).name for d in alive}
        with st.io:
            factors = positional_factors(st.fast, alive, [{"dotace"}, {"mesto"}], [["dotace", "městům"]])
            pairs = st.fast.near_pairs("lemma", [["dotace"], ["mesto"]], np.asarray(alive), 4)
        found[engine] = ({names[d]: f for d, f in zip(alive, factors, strict=True)},
                         sorted(names[int(d)] for d in pairs[0]))
        s.close()
    assert found["whoosh"] == found["tantivy"]
    by_name, near = found["tantivy"]
    assert by_name["spolu.txt"] == pytest.approx(1 + PROXIMITY_BONUS + EXACT_BONUS)
    assert by_name["daleko.txt"] == 1.0 and by_name["obracene.txt"] == 1.0  # reversed order is no phrase
    assert near == ["obracene.txt", "spolu.txt"]  # proximity counts either order


def test_incremental_ingest_keeps_record_numbers_and_drops_deleted(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCSEARCH_LEMMATIZER", "simplemma")
    monkeypatch.delenv("SCSEARCH_ENGINE", raising=False)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Elektromobilita a nabíjecí stanice ve městech.", encoding="utf-8")
    (docs / "b.txt").write_text("Dotace na veřejné osvětlení obcí.", encoding="utf-8")
    data = ingest_folder(docs, tmp_path / "data", engine="tantivy")
    first = store.current_generation(data)
    assert first is not None
    (docs / "b.txt").write_text("Dotace na chytré parkování a elektromobilitu.", encoding="utf-8")
    (docs / "c.txt").write_text("Sdílená kola v krajském městě.", encoding="utf-8")
    report = Pipeline(data, lemmatizer=get_lemmatizer("simplemma")).run([str(docs)])  # the index's own engine
    assert {r.path.rsplit("/", 1)[-1]: r.status for r in report.results} == \
        {"a.txt": "unchanged", "b.txt": "indexed", "c.txt": "indexed"}
    s = Searcher(data)
    assert s.engine == "tantivy"
    assert sorted(Path(h.path).name for h in s.search(SearchRequest(query="elektromobilita")).hits) == ["a.txt", "b.txt"]
    assert s.search(SearchRequest(query="osvětlení")).total == 0  # the old text of b.txt is gone
    assert s.search(SearchRequest(query="kola")).total == 1
    st = s._open()
    assert st is not None and st.fast.n == 4 and int(np.count_nonzero(st.fast.alive)) == 3  # b's old record deleted
    assert (first.parent / "CURRENT").read_text().strip() != first.name
    s.close()


def test_reindex_full_converts_both_ways(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs, ignore=shutil.ignore_patterns("*.pptx", "*.xlsx", "*.docx"))
    data = tmp_path / "data"
    env = {**os.environ, "SCSEARCH_LEMMATIZER": "simplemma", "SCSEARCH_DATA_DIR": str(data)}
    env.pop("SCSEARCH_ENGINE", None)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "scsearch.cli", *args], capture_output=True, text=True,
                              env=env, timeout=300, cwd=ROOT)

    assert cli("ingest", str(docs)).returncode == 0
    before = json.loads(cli("search", "elektromobilita", "--json").stdout)
    assert engine_of(store.current_generation(data)) == "whoosh"
    done = cli("reindex", "--full", "--engine", "tantivy")
    assert done.returncode == 0, done.stderr
    assert engine_of(store.current_generation(data)) == "tantivy"
    after = json.loads(cli("search", "elektromobilita", "--json").stdout)
    assert after["total"] == before["total"] > 0 and set(after) == set(before)
    assert {(h["doc_id"], h["page"]) for h in after["hits"]} == {(h["doc_id"], h["page"]) for h in before["hits"]}
    doctor = cli("doctor", "--json")
    index_check = next(c for c in json.loads(doctor.stdout)["checks"] if c["name"] == "Index")
    assert index_check["status"] == "ok" and "(tantivy)" in index_check["message"]
    again = cli("ingest", str(docs))  # a plain ingest keeps the index's engine and finds nothing changed
    assert again.returncode == 0 and engine_of(store.current_generation(data)) == "tantivy"
    back = cli("reindex", "--engine", "whoosh")  # without --full: another engine still rebuilds, and says so
    assert back.returncode == 0 and "engine tantivy, požadován je whoosh" in back.stdout + back.stderr
    assert engine_of(store.current_generation(data)) == "whoosh"
    assert json.loads(cli("search", "elektromobilita", "--json").stdout)["total"] == before["total"]
    bad = cli("reindex", "--engine", "lucene")
    assert bad.returncode == 2 and "lucene" in bad.stderr
    env["SCSEARCH_ENGINE"] = "solr"
    bad_env = cli("ingest", str(docs))
    assert bad_env.returncode == 2 and "neznámý vyhledávací engine „solr“" in bad_env.stderr


def test_writer_refuses_another_engine_without_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCSEARCH_ENGINE", raising=False)
    with store.writer_lock(tmp_path):
        w = GenerationWriter(tmp_path, "lem/1", engine="tantivy")
        w.add_records([{"record_id": "r1", "doc_id": "d1", "lemma": "voda", "text": "voda"}], [("voda", "voda")])
        w.commit({}, {})
        with pytest.raises(IndexMismatch, match="reindex --full --engine whoosh"):
            GenerationWriter(tmp_path, "lem/1", engine="whoosh")
        w2 = GenerationWriter(tmp_path, "lem/1")  # nobody asked: the index's own engine
        assert w2.engine == "tantivy"
        w2.abandon()
    assert engine_of(store.current_generation(tmp_path)) == "tantivy"
    monkeypatch.setenv("SCSEARCH_ENGINE", "Tantivy ")
    assert requested_engine() == "tantivy"
    monkeypatch.setenv("SCSEARCH_ENGINE", "elastic")
    with pytest.raises(UsageError):
        requested_engine()
