"""CSV, RIS and BibTeX exports of searches and decisions (web API and CLI), read back and checked
against the JSON API over a real index."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from flask import Flask, url_for

from scsearch import exports, urls
from scsearch.index.types import Hit
from tests._fixtures_webui import WebIndex


def _read_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _plain(snippet: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", snippet).replace("&quot;", '"').replace("&#x27;", "'")
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split())


def parse_ris(text: str) -> list[dict[str, list[str]]]:
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = re.fullmatch(r"([A-Z][A-Z0-9])  - ?(.*)", line)
        assert m, f"not a RIS line: {line!r}"
        if m.group(1) == "ER":
            records.append(current)
            current = {}
        else:
            current.setdefault(m.group(1), []).append(m.group(2))
    assert not current, "every record ends with ER"
    return records


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """@type{key, name = {value with {nested} braces}, …} entries."""
    entries = []
    pos = 0
    while (m := re.compile(r"@(\w+)\{([^,\s]+),").search(text, pos)) is not None:
        fields: dict[str, str] = {}
        i = m.end()
        while True:
            fm = re.compile(r"\s*(\w+)\s*=\s*\{").match(text, i)
            if fm is None:
                break
            depth, j = 1, fm.end()
            while depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0) if text[j - 1] != "\\" else 0
                j += 1
            fields[fm.group(1)] = text[fm.end(): j - 1]
            i = j
            if text[i] == ",":
                i += 1
        assert re.compile(r"\s*\}").match(text, i), "entry closed"
        entries.append((m.group(1), m.group(2), fields))
        pos = i
    return entries


def test_search_csv_matches_the_json_api(app: Flask) -> None:
    client = app.test_client()
    hits = client.get("/api/search?q=elektromobilita&limit=50").get_json()["hits"]
    resp = client.get("/api/search.csv?q=elektromobilita&limit=50")
    assert resp.status_code == 200 and resp.content_type.startswith("text/csv")
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = _read_csv(resp.data)
    assert list(rows[0]) == list(exports.SEARCH_COLUMNS)
    assert len(rows) == len(hits) > 1
    for row, hit in zip(rows, hits, strict=True):
        assert row["path"] == hit["path"] and row["title"] == hit["title"] and row["type"] == hit["doc_type"]
        assert row["date"] == (hit["date"] or "") and row["ministries"] == ", ".join(hit["ministries"])
        assert row["page"] == str(hit["page_label"] or hit["page"] or "")
        assert row["citation"] == " ".join(hit["citation"].split())
        assert row["snippet"] == _plain(hit["snippet"]) and "<mark>" not in row["snippet"]
        assert row["url"].startswith("http://localhost/dokument/" + hit["doc_id"])
    assert client.get("/api/search.csv?q=x&limit=0").status_code == 400


def test_decisions_csv_web_and_cli(app: Flask, web_index: WebIndex, capsys: pytest.CaptureFixture[str]) -> None:
    from scsearch.cli import main

    client = app.test_client()
    decisions = client.get("/api/decisions?ministry=MD").get_json()["decisions"]
    rows = _read_csv(client.get("/api/decisions.csv?ministry=MD").data)
    assert [r["text"] for r in rows] == [" ".join(d["text"].split()) for d in decisions] and rows
    assert [r["deadline"] for r in rows] == [d["deadline"] or d["deadline_text"] for d in decisions]
    assert main(["--data-dir", str(web_index.data_dir), "decisions", "--ministry", "MD", "--csv"]) == 0
    cli_rows = _read_csv(capsys.readouterr().out.encode("utf-8"))
    assert [r["text"] for r in cli_rows] == [r["text"] for r in rows]


def test_cli_search_csv(web_index: WebIndex, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    from scsearch.cli import main

    monkeypatch.setenv("SCSEARCH_BASE_URL", "https://hledani.example.cz/")
    assert main(["--data-dir", str(web_index.data_dir), "search", "elektromobilita", "--json", "--limit", "5"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert main(["--data-dir", str(web_index.data_dir), "search", "elektromobilita", "--csv", "--limit", "5"]) == 0
    rows = _read_csv(capsys.readouterr().out.encode("utf-8"))
    assert [(r["path"], r["page"]) for r in rows] == [(h["path"], str(h["page"] or "")) for h in hits]
    assert all(r["url"].startswith("https://hledani.example.cz/dokument/") for r in rows)


def test_ris_and_bibtex_parse_back(app: Flask) -> None:
    client = app.test_client()
    hits = client.get("/api/search?q=elektromobilita&limit=20").get_json()["hits"]
    ris = parse_ris(client.get("/api/search.ris?q=elektromobilita&limit=20").get_data(as_text=True))
    bib = parse_bibtex(client.get("/api/search.bib?q=elektromobilita&limit=20").get_data(as_text=True))
    assert len(ris) == len(bib) == len(hits) > 1
    assert len({key for _, key, _ in bib}) == len(bib), "unique citation keys"
    for rec, (kind, _, fields), hit in zip(ris, bib, hits, strict=True):
        assert rec["TY"] == ["GOVDOC"] and kind == "misc"
        assert rec["TI"] == [hit["title"]] and fields["title"] == hit["title"]
        if hit["date"]:
            y, m, d = hit["date"].split("-")
            assert rec["DA"] == [f"{y}/{m}/{d}/"] and fields["year"] == y and fields["date"] == hit["date"]
        if hit["page"] is not None:
            assert rec["SP"] == [str(hit["page_label"] or hit["page"])] and fields["pages"] == rec["SP"][0]
        assert rec["UR"][0].startswith("http://localhost/dokument/" + hit["doc_id"])
        assert fields["url"] == rec["UR"][0]
        assert rec["PB"][0] and fields["institution"] == rec["PB"][0]  # the issuing body
    md = next(r for r, h in zip(ris, hits, strict=True) if "MD" in h["path"])
    assert md["PB"] == ["Ministerstvo dopravy"]


def test_formula_cells_and_special_characters_are_defused() -> None:
    hit = Hit(record_id="d:0", doc_id="d", path="=cmd|'/c calc'!A1.txt", title="{Title} 100 % & $x_1$",
              doc_type="other", date=dt.date(2017, 5, 31), ministries=(), page=None, snippet="a &lt;b&gt; <mark>c</mark>",
              score=1.0, citation="-1+1")
    row = exports.export_row(hit, "https://x.cz/dokument/d", None)
    rows = list(csv.reader(io.StringIO(exports.search_csv([row])[1:])))
    assert rows[1][0].startswith("'=") and rows[1][6] == "'-1+1" and rows[1][7] == "a <b> c"
    (_, _, fields), = parse_bibtex(exports.bibtex([row]))
    assert fields["title"] == r"\{Title\} 100 \% \& \$x\_1\$"
    assert fields["author"] == "{Pracovní skupina pro Smart Cities}"


def test_paths_outside_flask_agree_with_the_routes(app: Flask) -> None:
    with app.test_request_context():
        assert urls.document_path("ab12", "dotace městům", "u3") == url_for(
            "documents.document", doc_id="ab12", q="dotace městům") + "#u3"
        assert urls.document_path("ab12") == url_for("documents.document", doc_id="ab12")
        assert urls.search_path("q=x") == url_for("search.index") + "?q=x"


def test_results_page_has_export_menu(app: Flask) -> None:
    page = app.test_client().get("/?q=elektromobilita&ministry=MD").get_data(as_text=True)
    assert "Exportovat" in page
    for path in ("/api/search.csv?", "/api/search.ris?", "/api/search.bib?", "/api/decisions.csv?"):
        assert path + "q=elektromobilita&amp;ministry=MD" in page
