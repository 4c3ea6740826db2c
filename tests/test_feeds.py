"""Atom feeds of searches, parsed with feedparser and checked against the JSON API; the manifest's
first-indexed / last-changed times behind their order."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

import feedparser
import pytest
from flask import Flask

from tests._fixtures_alerts import ingest, write_docs


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _feed(app: Flask, query: str) -> feedparser.FeedParserDict:
    resp = app.test_client().get(f"/feed?{query}")
    assert resp.status_code == 200 and resp.content_type.startswith("application/atom+xml")
    parsed = feedparser.parse(resp.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_feed_matches_the_json_results(app: Flask) -> None:
    parsed = _feed(app, "q=elektromobilita&ministry=MD")
    groups = app.test_client().get("/api/search?q=elektromobilita&ministry=MD&group=true&limit=1000").get_json()
    assert parsed.feed.title.endswith("„elektromobilita“, ministerstvo MD")
    assert parsed.feed.language == "cs"
    by_doc = {h["doc_id"]: h for h in groups["hits"]}
    entry_docs = [e.id.rsplit("/", 1)[-1] for e in parsed.entries]
    assert sorted(entry_docs) == sorted(by_doc) and entry_docs
    for e in parsed.entries:
        best = by_doc[e.id.rsplit("/", 1)[-1]]
        assert e.title == best["title"]
        assert e.link.startswith(f"http://localhost/dokument/{best['doc_id']}?q=elektromobilita#")
        assert best["citation"] in e.summary
        content = _text(e.content[0].value)  # feedparser sanitises <mark> away; the text stays
        assert _text(best["snippet"]) in content and _text(best["citation"]) in content
        assert e.updated_parsed is not None
    times = [e.updated_parsed for e in parsed.entries]
    assert times == sorted(times, reverse=True)


def test_feed_link_on_results_page_and_bad_parameters(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/?q=elektromobilita&type=presentation").get_data(as_text=True)
    assert ('<link rel="alternate" type="application/atom+xml" title="Odebírat (Atom)" '
            'href="/feed?q=elektromobilita&amp;type=presentation">') in page
    assert "Odebírat (Atom)</a>" in page
    assert client.get("/feed?from=nedatum").status_code == 400
    assert client.get("/feed?ministry=XYZ").status_code == 400
    empty = feedparser.parse(client.get("/feed").data)
    assert not empty.bozo and empty.entries == []


def test_manifest_times_and_feed_order_by_indexing_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scsearch.index import store
    from scsearch.webui import create_app

    data, docs = tmp_path / "data", tmp_path / "docs"
    write_docs(docs, {f"stary_{n:02d}.txt": f"Dokument {n}\n\nElektromobilita v obci číslo {n}.\n" for n in range(52)})
    ingest(data, docs)
    first = store.read_manifest(store.current_generation(data))
    old = first[str(docs / "stary_00.txt")]
    assert old["indexed_at"] == old["changed_at"]
    time.sleep(1.1)
    write_docs(docs, {"novy.txt": "Novinka\n\nElektromobilita a nové dobíjecí stanice.\n",
                      "stary_05.txt": "Dokument 5 změněn\n\nElektromobilita v obci pět, nový text.\n"})
    ingest(data, docs)
    after = store.read_manifest(store.current_generation(data))
    changed = after[str(docs / "stary_05.txt")]
    assert changed["indexed_at"] == first[str(docs / "stary_05.txt")]["indexed_at"]
    assert changed["changed_at"] > changed["indexed_at"]
    assert after[str(docs / "stary_00.txt")] == old  # unchanged: the same times

    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    Pipeline(data, lemmatizer=get_lemmatizer("simplemma"), workers=1, full=True).run([str(docs)])
    rebuilt = store.read_manifest(store.current_generation(data))
    assert rebuilt[str(docs / "stary_05.txt")]["changed_at"] == changed["changed_at"]  # --full keeps the times

    app = create_app({"DATA_DIR": str(data), "TESTING": True})
    parsed = feedparser.parse(app.test_client().get("/feed?q=elektromobilita").data)
    assert len(parsed.entries) == 50  # 53 documents match, at most 50 entries
    newest = {e.title.split()[0] + e.title.split()[1] for e in parsed.entries[:2]}
    assert newest == {"NovinkaElektromobilita", "Dokument5"}
    assert tuple(parsed.entries[0].updated_parsed) > tuple(parsed.entries[-1].updated_parsed)
