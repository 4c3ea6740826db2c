"""Duplicate formats: the same text as PDF and PPTX/DOCX is one document with several formats;
a revision with other text stays a document of its own, shown as a version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scsearch.index.dedup import DUPLICATE_THRESHOLD, containment, fingerprint
from scsearch.index.types import SearchRequest

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ("elektromobilita", "dobíjecí stanice", "metodika", "otevřená data", "Smart Villages", "zápis jednání",
           "OPŽP", "úkol")

REPORT = (
    "Zpráva o činnosti pracovní skupiny\n"
    "Pracovní skupina se v roce sešla čtyřikrát a projednala sdílení dat, bezpečnost webů a "
    "zkušenosti obcí s projekty veřejného osvětlení. Členové zaslali podněty k aktualizaci zásad urbánní "
    "politiky. Ministerstvo dopravy představilo akční plán inteligentních dopravních systémů. "
) * 3
REVISION = (
    "Zpráva o činnosti pracovní skupiny\n"
    "Ve druhém pololetí se skupina zabývala hlavně financováním projektů z národních programů, seminářem "
    "pro starosty malých obcí a přípravou šetření mezi členskými městy. Svaz měst a obcí představil "
    "výsledky dotazníku o připravenosti obcí na digitalizaci služeb. "
) * 3


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma")
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def test_fingerprints() -> None:
    a, na = fingerprint(REPORT)
    b, nb = fingerprint(REPORT.replace("\n", "\n\n").upper() + " Strana 1 z 2")
    c, nc = fingerprint(REVISION)
    assert containment(a, na, b, nb) >= 0.9
    assert containment(a, na, c, nc) < DUPLICATE_THRESHOLD
    assert fingerprint("") == ([], 0)


def test_short_repetitive_texts_are_not_merged() -> None:
    from scsearch.index.dedup import assign_groups
    from scsearch.index.manifest import ManifestEntry

    filler = "Rozvoj obce a fond rozvoje obce. Fond obce podporuje rozvoj. "
    texts = {"a.txt": filler * 30, "b.txt": filler * 25, "c.txt": REPORT, "d.html": REPORT.upper()}
    manifest = {}
    for i, (name, text) in enumerate(texts.items()):
        sig, n = fingerprint(text)
        manifest[name] = ManifestEntry("indexed", f"id{i}", format=name.rsplit(".", 1)[1], minhash=tuple(sig),
                                       shingles=n)
    groups = {k: e.group for k, e in assign_groups(manifest).items()}
    assert groups["a.txt"] != groups["b.txt"]  # 10 distinct shingles each: too little to call them copies
    assert groups["c.txt"] == groups["d.html"]


def test_sample_corpus_groups(corpus_data_dir: Path) -> None:
    res = cli(corpus_data_dir, "documents", "--json")
    docs = json.loads(res.stdout)["documents"]
    by_path = {d["path"]: d for d in docs}
    for d in docs:
        stem = d["path"].rsplit(".", 1)[0]
        twins = [p for p in by_path if p.rsplit(".", 1)[0] == stem]
        assert sorted(f["path"] for f in d["formats"]) == sorted(twins), d["path"]
    groups = {d["formats"][0]["doc_id"] for d in docs}
    assert len(docs) == 50 and len(groups) == 28  # 22 documents published in two formats
    by_name = {Path(p).name: d for p, d in by_path.items()}
    minutes = by_name["Zapis_PS_SC_2017-05-31.docx"]
    assert [f["format"] for f in minutes["formats"]] == ["pdf", "docx"]  # the PDF (with pages) is shown
    overview = by_name["Prehled_vyzev_SC_2017-03-31.pdf"]
    assert overview["formats"] == [{"path": overview["path"], "doc_id": overview["doc_id"], "format": "pdf"}]
    assert [Path(v["path"]).name for v in overview["versions"]] == [
        "Prehled_aktualnich_vyzev_Smart_Cities_2017-09-30.xlsx"]


@pytest.mark.parametrize("query", QUERIES)
def test_no_result_list_shows_the_same_content_twice(corpus_searcher, query: str) -> None:  # type: ignore[no-untyped-def]
    docs = {d["doc_id"]: d for d in corpus_searcher.documents()}
    flat = corpus_searcher.search(SearchRequest(query=query, limit=1000))
    group_of = [docs[h.doc_id]["formats"][0]["doc_id"] for h in flat.hits]
    assert {docs[h.doc_id]["formats"][0]["doc_id"] for h in flat.hits} == {h.doc_id for h in flat.hits}
    assert len({(g, h.page) for g, h in zip(group_of, flat.hits, strict=True)}) == len(flat.hits)
    assert flat.total == len(flat.hits)
    assert sum(flat.facets["doc_type"].values()) == flat.total  # facets count each document once
    grouped = corpus_searcher.search(SearchRequest(query=query, limit=1000, group=True))
    assert len({g.doc_id for g in grouped.groups}) == len(grouped.groups) == grouped.total_docs


def test_revision_is_a_version_not_a_duplicate(tmp_path: Path) -> None:
    from scsearch.index.search import Searcher
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer
    from scsearch.webui import create_app

    src, data = tmp_path / "src", tmp_path / "data"
    src.mkdir()
    (src / "zprava_2017.txt").write_text(REPORT, encoding="utf-8")
    (src / "zprava_2017_kopie.html").write_text(
        "<html><body><h1>" + REPORT.replace("\n", "</h1><p>", 1) + "</p></body></html>", encoding="utf-8")
    (src / "zprava_2018.txt").write_text(REVISION, encoding="utf-8")
    assert not Pipeline(data, lemmatizer=get_lemmatizer("simplemma")).run([str(src)]).failed
    docs = {Path(d["path"]).name: d for d in json.loads(cli(data, "documents", "--json").stdout)["documents"]}
    assert [f["format"] for f in docs["zprava_2017.txt"]["formats"]] == ["txt", "html"]
    assert docs["zprava_2018.txt"]["formats"] == [
        {"path": docs["zprava_2018.txt"]["path"], "doc_id": docs["zprava_2018.txt"]["doc_id"], "format": "txt"}]
    assert [Path(v["path"]).name for v in docs["zprava_2018.txt"]["versions"]] == ["zprava_2017.txt"]
    s = Searcher(data)
    hits = s.search(SearchRequest(query="pracovní skupina", limit=100)).hits
    assert sorted(Path(h.path).name for h in hits) == ["zprava_2017.txt", "zprava_2018.txt"]
    s.close()
    page = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client().get("/?q=pracovní+skupina")
    html = page.get_data(as_text=True)
    assert "také jako" in html and f'/dokument/{docs["zprava_2017_kopie.html"]["doc_id"]}' in html
    assert "jiná verze" in html
