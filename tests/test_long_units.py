"""A 5 MB text file: split into parts of bounded size, searched through the real app in bounded time."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from scsearch.index.snippets import make_snippet
from scsearch.index.types import MAX_LIMIT
from scsearch.ingest.extract import extract
from scsearch.ingest.extract.units import UNIT_WORDS
from scsearch.webui import create_app
from tests._fixtures_index import IndexOf

WORDS = ("obec", "město", "projekt", "rozvoj", "doprava", "energie", "občan", "služba", "data", "strategie",
         "veřejný", "program", "výzva", "podpora", "digitální", "řízení", "zápis", "jednání", "návrh", "krajský")


def _big_text(target_bytes: int) -> str:
    rng = random.Random(7)
    paras: list[str] = []
    size = 0
    while size < target_bytes:
        words = [rng.choice(WORDS) for _ in range(60)]
        words[rng.randrange(55)] = "dotace městům"  # a hit in every paragraph: the old snippet loop was quadratic
        para = " ".join(words).capitalize() + "."
        paras.append(para)
        size += len(para.encode("utf-8")) + 2
    return "\n\n".join(paras)


@pytest.fixture(scope="module")
def big_index(index_of: IndexOf, tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = tmp_path_factory.mktemp("long-units") / "docs"
    docs.mkdir()
    (docs / "dlouhy_text.txt").write_text(_big_text(5_000_000), encoding="utf-8")
    return index_of(docs)


@pytest.fixture(scope="module")
def app(big_index: Path) -> Flask:  # overrides conftest's: the app over the one long text
    return create_app({"DATA_DIR": str(big_index), "TESTING": True})


def test_long_text_is_split_into_numbered_parts(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(_big_text(200_000), encoding="utf-8")
    doc = extract(f)
    assert len(doc.pages) > 3
    assert [p.number for p in doc.pages] == list(range(1, len(doc.pages) + 1))
    assert all(p.kind == "part" and len(p.text.split()) <= UNIT_WORDS for p in doc.pages)
    assert "".join(doc.pages[0].text.split())[:200] == "".join(f.read_text(encoding="utf-8").split())[:200]
    short = tmp_path / "b.txt"
    short.write_text("Krátký text o dotacích městům.", encoding="utf-8")
    assert [(p.number, p.kind) for p in extract(short).pages] == [(None, "page")]


@pytest.mark.slow  # ingesting 5 MB of text takes ~40 s of CPU
def test_five_megabyte_text_searched_in_bounded_time(client: FlaskClient) -> None:
    docs = client.get("/api/documents").get_json()
    assert docs["total"] == 1
    assert docs["records"] > 200  # ~800k words in parts of at most 3,000
    assert docs["documents"][0]["units"] == docs["records"]
    for url in ("/?q=dotace+městům", "/api/search?q=dotace", "/api/search?q=dotace+městům&group=1"):
        t0 = time.perf_counter()
        resp = client.get(url)
        elapsed = time.perf_counter() - t0
        assert resp.status_code == 200
        assert elapsed < 5, f"{url} took {elapsed:.1f} s"
    hit = client.get("/api/search?q=dotace+městům").get_json()["hits"][0]
    assert hit["kind"] == "part" and hit["page"] >= 1
    assert f"část\u00a0{hit['page']}" in hit["citation"]
    assert "<mark>dotace</mark> <mark>městům</mark>" in hit["snippet"]


@pytest.mark.slow
def test_limit_is_capped(client: FlaskClient) -> None:
    t0 = time.perf_counter()
    out = client.get("/api/search?q=dotace&limit=1000").get_json()
    assert time.perf_counter() - t0 < 10
    assert out["total"] > MAX_LIMIT
    assert len(out["hits"]) == MAX_LIMIT
    assert any("nejvýše 200" in n for n in out["notices"])
    more = client.get(f"/api/search?q=dotace&limit=1000&offset={MAX_LIMIT}").get_json()
    assert len(more["hits"]) == min(MAX_LIMIT, out["total"] - MAX_LIMIT)


def test_snippet_of_a_huge_text_is_linear() -> None:
    text = " ".join(["dotace"] * 400_000)  # 2.8 MB, every word a hit
    lemma = " ".join(["dotace"] * 400_000)
    t0 = time.perf_counter()
    html = make_snippet(text, lemma, {"dotace"}, {"dotace"})
    assert time.perf_counter() - t0 < 2
    assert html.startswith("<mark>dotace</mark>") and len(html) < 2000
