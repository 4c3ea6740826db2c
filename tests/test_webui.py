"""The Flask web UI and HTTP API over a real index of sample documents (Flask test client)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from scsearch import cli
from scsearch.webui import create_app
from tests._fixtures_webui import SCRIPT_NAME, WebIndex

NBSP = "\u00a0"
MD_PRES = "prezentace_MD_elektromobilita_2017-04-05.pdf"
MINUTES = "Zapis_PS_SC_2017-04-05.pdf"
XLSX = "Prehled_aktualnich_vyzev_Smart_Cities_2017-09-30.xlsx"


def doc_ids(web_index: WebIndex) -> dict[str, str]:
    from scsearch.index.search import Searcher

    return {Path(d["path"]).name: d["doc_id"] for d in Searcher(web_index.data_dir).documents()}


def page(client: FlaskClient, url: str, status: int = 200) -> Any:
    resp = client.get(url)
    assert resp.status_code == status, (url, resp.status_code)
    assert resp.content_type == "text/html; charset=utf-8"
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def results(soup: Any) -> list[tuple[str, list[str]]]:
    """(title, [place labels]) of each document group on a results page."""
    out = []
    for art in soup.select("li.result article"):
        out.append((art.h2.get_text(strip=True), [p.a.get_text(strip=True) for p in art.select("p.where")]))
    return out


def facet(soup: Any, name: str) -> dict[str, tuple[int, bool]]:
    out = {}
    for a in soup.select(f'a.facet-value[data-facet="{name}"]'):
        out[a["data-value"]] = (int(a.select_one(".count").get_text()), a["aria-checked"] == "true")
    return out


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert cli.main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


# ------------------------------------------------------------------ search page


def test_search_page_groups_hits_by_document(client: FlaskClient, web_index: WebIndex) -> None:
    soup = page(client, "/?q=elektromobilita")
    assert soup.html["lang"] == "cs"
    assert soup.select_one("h1.count").get_text(" ", strip=True) == f"Nalezeno 14{NBSP}míst v{NBSP}4{NBSP}dokumentech"
    found = results(soup)
    # pages 1 and 6 of the presentation score within 0.5 % of each other: either engine may list either first
    # (tests/test_engines.py: BM25F vs tantivy's BM25 length quantisation), the rest of the page is the same
    title, pages = found[0]
    assert title == "Elektromobilita a čistá mobilita ve městech" and sorted(pages[:2]) == [f"s.{NBSP}1", f"s.{NBSP}6"]
    assert pages[2] == f"s.{NBSP}5"
    assert found[1:] == [
        ("Přehled aktuálních výzev v klíčových oblastech Smart Cities – aktualizace k 30. 9. 2017",
         [f"ř.{NBSP}19", f"ř.{NBSP}15", f"ř.{NBSP}21"]),
        ("Poznámka k bezpečnosti webových stránek obcí", ["text dokumentu"]),
        ("Zápis ze 4. jednání Pracovní skupiny pro Smart Cities", [f"s.{NBSP}2", f"s.{NBSP}1"]),
    ]
    first = soup.select_one("li.result")
    meta = first.select_one("p.meta")
    assert meta.select_one(".type").get_text() == "prezentace"
    assert meta.time["datetime"] == "2017-04-05" and meta.time.get_text() == f"5.{NBSP}4.{NBSP}2017"
    ids = doc_ids(web_index)
    page6 = next(li for li in first.select("li.hit") if li.select_one("p.where a").get_text(strip=True) == f"s.{NBSP}6")
    links = [a["href"] for a in page6.select("p.actions a")]
    assert links == [f"/dokument/{ids[MD_PRES]}?q=elektromobilita#u5", f"/soubor/{ids[MD_PRES]}#page=6"]
    cite = page6.select_one("button.copy")
    assert cite["data-copy"] == f"Elektromobilita a čistá mobilita ve městech, 5.{NBSP}4.{NBSP}2017, s.{NBSP}6"
    # the snippet keeps the back-end's <mark> and nothing else is unescaped
    assert [m.get_text() for m in page6.select(".snippet mark")] == ["elektromobility", "Elektromobilita"]
    # the xlsx hit links to the original without a #page fragment
    xlsx_links = [a["href"] for a in soup.select("li.result")[1].select("p.actions a")]
    assert xlsx_links[1] == f"/soubor/{ids[XLSX]}"
    # footer: lemmatiser, generation, last re-index
    footer = soup.select_one("footer").get_text(" ", strip=True)
    assert "simplemma/2.0.0/cs" in footer and "gen-000001" in footer and "poslední reindexace" in footer


def test_facets_have_counts_and_toggle_in_the_url(client: FlaskClient) -> None:
    soup = page(client, "/?q=elektromobilita")
    ministries = facet(soup, "ministry")
    assert {m: ministries[m] for m in ("MD", "MPO", "MŽP")} == {"MD": (10, False), "MPO": (4, False), "MŽP": (4, False)}
    assert list(ministries) == sorted(ministries, key=lambda m: (-ministries[m][0], m))
    # each count is exactly what ticking the value gives
    for a in soup.select('a.facet-value[data-facet="ministry"]'):
        ticked = page(client, a["href"])
        assert ticked.select_one("h1.count").get_text(" ", strip=True).startswith(f"Nalezeno {a.select_one('.count').get_text()}{NBSP}")
    assert facet(soup, "type") == {
        "minutes": (2, False), "presentation": (7, False), "funding_overview": (4, False), "other": (1, False),
        "decision": (4, False),
    }
    assert facet(soup, "year") == {"2017": (13, False)}
    labels = [a.select_one(".label").get_text() for a in soup.select('a.facet-value[data-facet="type"]')]
    assert labels == ["zápis", "prezentace", "přehled výzev", "ostatní", "usnesení a úkoly"]
    mzp = soup.select_one('a.facet-value[data-value="MŽP"]')
    assert mzp["href"] == "/?q=elektromobilita&ministry=M%C5%BDP"

    soup = page(client, mzp["href"])
    assert results(soup) == [
        ("Elektromobilita a čistá mobilita ve městech", [f"s.{NBSP}6"]),
        ("Přehled aktuálních výzev v klíčových oblastech Smart Cities – aktualizace k 30. 9. 2017", [f"ř.{NBSP}15"]),
        ("Zápis ze 4. jednání Pracovní skupiny pro Smart Cities", [f"s.{NBSP}2", f"s.{NBSP}1"]),
    ]
    assert facet(soup, "ministry")["MŽP"] == (4, True)
    # the form keeps the facet when the query is resubmitted
    assert [i["value"] for i in soup.select('form#hledani input[type=hidden][name="ministry"]')] == ["MŽP"]
    # unticking removes it again
    assert soup.select_one('a.facet-value[data-value="MŽP"]')["href"] == "/?q=elektromobilita"
    # OR within the ministry facet
    soup = page(client, "/?q=elektromobilita&ministry=MŽP&ministry=MPSV")
    assert facet(soup, "ministry")["MŽP"][1] and facet(soup, "ministry")["MPSV"][1]


def test_date_range_filter_and_combination(client: FlaskClient) -> None:
    soup = page(client, "/?q=elektromobilita&from=2017-04-01&to=2017-04-30")
    assert [t for t, _ in results(soup)] == [
        "Elektromobilita a čistá mobilita ve městech",
        "Zápis ze 4. jednání Pracovní skupiny pro Smart Cities",
    ]
    assert soup.select_one("input#from")["value"] == "2017-04-01"
    assert soup.select_one("input#to")["value"] == "2017-04-30"
    # facet links keep the date range
    assert soup.select_one('a.facet-value[data-value="MŽP"]')["href"] == (
        "/?q=elektromobilita&ministry=M%C5%BDP&from=2017-04-01&to=2017-04-30"
    )
    soup = page(client, "/?q=elektromobilita&from=2017-04-01&to=2017-04-30&ministry=mzp")
    assert results(soup) == [
        ("Elektromobilita a čistá mobilita ve městech", [f"s.{NBSP}6"]),
        ("Zápis ze 4. jednání Pracovní skupiny pro Smart Cities", [f"s.{NBSP}2", f"s.{NBSP}1"]),
    ]
    # Czech date format in the URL is accepted too
    soup = page(client, "/?q=elektromobilita&from=1.%204.%202017&to=30.4.2017")
    assert len(results(soup)) == 2 and not soup.select(".notices")


def test_sort_by_date_and_year_facet(client: FlaskClient) -> None:
    soup = page(client, "/?q=elektromobilita&sort=date")
    assert [t for t, _ in results(soup)][0].startswith("Přehled aktuálních výzev")
    assert soup.select_one(".sort strong").get_text() == "nejnovější"
    soup = page(client, "/?year=2016")
    assert results(soup) == [
        ("Podpora chytrých řešení ve městech z Operačního programu Životní prostředí",
         [f"s.{NBSP}1", f"s.{NBSP}2", f"s.{NBSP}3"]),
    ]


@pytest.mark.parametrize(
    ("url", "notice"),
    [
        ("/?q=elektromobilita&from=2017-13-45", "Neplatné datum „2017-13-45“ v poli „od“"),
        ("/?q=elektromobilita&to=31.%202.%202017", "Neplatné datum „31. 2. 2017“ v poli „do“"),
        ("/?q=elektromobilita&ministry=XYZ", "Neznámé ministerstvo „XYZ“"),
        ("/?q=elektromobilita&type=pdf", "Neznámý typ dokumentu „pdf“"),
        ("/?q=elektromobilita&year=dvacet", "Neplatný rok „dvacet“"),
        ("/?q=elektromobilita&sort=random", "Neznámé řazení „random“"),
        ("/?q=elektromobilita&page=-1", "Neplatné číslo stránky výsledků „-1“"),
        ("/?q=elektromobilita&from=2018-01-01&to=2017-01-01", "Datum „od“ je pozdější než datum „do“"),
    ],
)
def test_bad_filter_values_are_ignored_with_a_notice(client: FlaskClient, url: str, notice: str) -> None:
    soup = page(client, url)
    text = soup.select_one(".notices").get_text(" ", strip=True)
    assert notice in text and "Hodnota byla ignorována." in text
    assert len(results(soup)) == 4  # the bad value filtered nothing


@pytest.mark.parametrize(
    "query",
    ['"nevyvážené uvozovky', "x" * 10_000, "<script>alert(1)</script>", "(((", "AND OR NOT", "-", '="', "*", "ministerstvo:"],
)
def test_malformed_queries_never_give_an_error_page(client: FlaskClient, query: str) -> None:
    resp = client.get("/", query_string={"q": query})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "<script>alert" not in body
    soup: Any = BeautifulSoup(body, "html.parser")
    assert soup.select_one("input#q")["value"] == query
    api = client.get("/api/search", query_string={"q": query})
    assert api.status_code == 200 and set(api.get_json()) >= {"query", "total", "hits", "facets"}


def test_long_query_notice(client: FlaskClient) -> None:
    soup = page(client, "/?q=" + "slovo%20" * 2000)
    assert "Dotaz byl příliš dlouhý" in soup.select_one(".notices").get_text()


def test_typo_suggestion_is_a_link(client: FlaskClient) -> None:
    soup = page(client, "/?q=elektromobylita&ministry=MD")
    link = soup.select_one(".notices li.suggestion a")
    assert link.get_text() == "elektromobilita"
    assert link["href"] == "/?q=elektromobilita&ministry=MD"
    assert "Měli jste na mysli" in link.parent.get_text()


def test_decisions_block(client: FlaskClient, web_index: WebIndex) -> None:
    soup = page(client, "/?q=elektromobilita")
    block = soup.select_one("section.decisions")
    assert block.h2.get_text() == "Usnesení a úkoly"
    items = block.select("ol > li")
    assert len(items) == 3
    ids = doc_ids(web_index)
    for li in items:
        assert li.select_one(".meta a")["href"] == f"/dokument/{ids[MINUTES]}?q=elektromobilita#p2"
        assert li.select_one("mark") is not None
    assert block.select("p > a")[-1]["href"] == "/?q=elektromobilita&type=decision"
    assert block.select("p > a")[-1].get_text() == "Všechna usnesení a úkoly (4)"
    # choosing the decisions type shows them as results and hides the block
    soup = page(client, "/?q=elektromobilita&type=decision")
    assert soup.select_one("section.decisions") is None
    assert soup.select_one("h1.count").get_text(" ", strip=True) == (
        f"Usnesení a úkoly: nalezeno 4{NBSP}záznamy v{NBSP}1{NBSP}dokumentu"
    )


def test_empty_state_and_pagination_parameter(client: FlaskClient) -> None:
    soup = page(client, "/")
    assert soup.select_one("section.intro") is not None
    assert "5" in soup.select_one("section.intro p").get_text()
    soup = page(client, "/?q=elektromobilita&page=2")
    assert results(soup) == []  # 4 documents fit on page 1
    assert soup.select_one("nav.pager") is not None
    assert soup.select_one("nav.pager a[rel=prev]")["href"] == "/?q=elektromobilita"


# ------------------------------------------------------------------ document page and files


def test_document_page_highlights_and_jumps(client: FlaskClient, web_index: WebIndex) -> None:
    ids = doc_ids(web_index)
    soup = page(client, f"/dokument/{ids[MINUTES]}?q=elektromobilita")
    assert soup.h1.get_text() == "Zápis ze 4. jednání Pracovní skupiny pro Smart Cities"
    meta = {dt.get_text(): dd.get_text(" ", strip=True) for dt, dd in zip(soup.select(".docmeta dt"), soup.select(".docmeta dd"), strict=True)}
    assert meta["Typ"] == "zápis"
    assert meta["Datum"].startswith(f"5.{NBSP}4.{NBSP}2017")
    assert meta["Jednání"] == f"4.{NBSP}jednání PS pro SC"
    units = soup.select("section.unit")
    assert [u["id"] for u in units] == ["u0", "u1"]
    assert [u.h2.get("id") for u in units] == ["p1", "p2"]
    marks = soup.select("section.unit mark")
    assert [m["id"] for m in marks] == [f"hit-{i}" for i in range(1, len(marks) + 1)]
    assert {m.get_text().lower() for m in marks} == {"elektromobilita", "elektromobilitu", "elektromobility"}
    jumps = [a["href"] for a in soup.select("nav.jumps a.jump")]
    assert jumps == [f"#hit-{i}" for i in range(1, len(marks) + 1)]
    decisions = soup.select("section.decisions li")
    assert len(decisions) == 7
    assert all(li.select_one(".meta a")["href"] == "#p2" for li in decisions)
    assert soup.select_one("a.unit-file")["href"] == f"/soubor/{ids[MINUTES]}#page=1"
    assert soup.select_one('a[download]')["href"] == f"/soubor/{ids[MINUTES]}?stahnout=1"


def test_script_in_a_document_is_shown_as_text(client: FlaskClient, web_index: WebIndex) -> None:
    doc_id = doc_ids(web_index)[SCRIPT_NAME]
    for url in (f"/dokument/{doc_id}?q=script", f"/dokument/{doc_id}", "/?q=script", "/?q=formul%C3%A1%C5%99"):
        body = client.get(url).get_data(as_text=True)
        assert "document.title=" in body.replace("&#x27;", "'").replace("&#39;", "'")
        assert "<script>document" not in body and "<script>window" not in body
        soup: Any = BeautifulSoup(body, "html.parser")
        assert [s.get("src") for s in soup.find_all("script")] == ["/static/app.js"]
    soup = page(client, f"/dokument/{doc_id}?q=script")
    assert "<script>document.title='XSS';window.__xss=1</script>" in soup.select_one(".unit-text").get_text()


def test_original_files_are_served_with_their_content_type(client: FlaskClient, web_index: WebIndex) -> None:
    ids = doc_ids(web_index)
    by_name = {f.name: f for f in web_index.files}
    for name, mime in (
        (MINUTES, "application/pdf"),
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (SCRIPT_NAME, "text/plain; charset=utf-8"),
    ):
        resp = client.get(f"/soubor/{ids[name]}")
        assert resp.status_code == 200
        assert resp.content_type == mime
        assert resp.data == by_name[name].read_bytes()
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    resp = client.get(f"/soubor/{ids[MINUTES]}?stahnout=1")
    assert resp.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "url",
    [
        "/soubor/../../etc/passwd",
        "/soubor/..%2F..%2Fetc%2Fpasswd",
        "/soubor/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/soubor/etc/passwd",
        "/soubor//etc/passwd",
        "/soubor/0000000000000000",
        "/soubor/" + "a" * 16,
        "/dokument/../../etc/passwd",
        "/dokument/0000000000000000",
        "/static/../../../../etc/passwd",
    ],
)
def test_nothing_outside_the_index_is_served(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 404
    assert b"root:" not in resp.data
    if resp.content_type.startswith("text/html"):
        assert "Stránka nenalezena" in resp.get_data(as_text=True)


def test_help_page_explains_the_ministry_filter(client: FlaskClient) -> None:
    soup = page(client, "/napoveda")
    section = soup.select_one("section#ministerstva")
    text = section.get_text(" ", strip=True)
    assert "autorem dokumentu" in text and "této straně, snímku či řádku" in text
    syntax = [k.get_text() for k in soup.select("section#operatory tbody td:first-child kbd")]
    assert syntax == ["slovo slovo", "OR", "-slovo", "NOT slovo", '"fráze"', '="fráze"', "+slovo", "začátek*"]


def test_document_list(client: FlaskClient) -> None:
    soup = page(client, "/dokumenty")
    assert len(soup.select("table.doclist tbody tr")) == 5


# ------------------------------------------------------------------ API


@pytest.mark.parametrize(
    ("query", "argv"),
    [
        ("q=elektromobilita", ["elektromobilita"]),
        ("q=elektromobilita&ministry=mzp&limit=5", ["elektromobilita", "--ministry", "mzp", "--limit", "5"]),
        ("q=elektromobilita&type=minutes&type=presentation&from=2017-04-01&to=2017-04-30&sort=date",
         ["elektromobilita", "--type", "minutes", "--type", "presentation", "--from", "2017-04-01", "--to",
          "2017-04-30", "--sort", "date"]),
        ("q=poskytovatel&offset=3&limit=2&group=1", ["poskytovatel", "--offset", "3", "--limit", "2", "--group"]),
        ("q=%22nevyv%C3%A1%C5%BEen%C3%A9", ['"nevyvážené']),
    ],
)
def test_api_search_equals_cli_json(
    client: FlaskClient, web_index: WebIndex, capsys: pytest.CaptureFixture[str], query: str, argv: list[str]
) -> None:
    resp = client.get("/api/search?" + query)
    assert resp.status_code == 200 and resp.content_type == "application/json"
    expected = cli_json(capsys, "--data-dir", str(web_index.data_dir), "search", *argv, "--json")
    assert resp.get_json() == expected
    assert set(expected) >= {"query", "total", "hits", "facets"}
    # not ASCII-escaped: Czech as it is
    assert "\\u" not in resp.get_data(as_text=True)


def test_api_search_hit_shape(client: FlaskClient) -> None:
    assert client.get("/api/search?q=elektromobilita&limit=1").get_json()["total"] == 14
    data = client.get("/api/search?q=čistá+mobilita&limit=1").get_json()
    hit = data["hits"][0]
    assert {k: hit[k] for k in ("title", "doc_type", "date", "ministries", "page")} == {
        "title": "Elektromobilita a čistá mobilita ve městech",
        "doc_type": "presentation",
        "date": "2017-04-05",
        "ministries": ["MD"],
        "page": 1,
    }
    assert hit["path"].endswith(MD_PRES) and isinstance(hit["score"], float)
    assert set(data["facets"]) >= {"ministry", "doc_type", "year"}


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("from=2017-13-45", "from"),
        ("to=zitra", "to"),
        ("ministry=XYZ", "ministry"),
        ("type=pdf", "type"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=deset", "limit"),
        ("offset=abc", "offset"),
        ("sort=random", "sort"),
        ("group=maybe", "group"),
        ("year=20x7", "year"),
        ("from=2018-01-01&to=2017-01-01", "from"),
        ("meeting=abc", "meeting"),
        ("meeting=0", "meeting"),
        ("deadline_from=7.%205.%202017", "deadline_from"),
        ("deadline_to=2017-02-30", "deadline_to"),
        ("deadline_from=2018-01-01&deadline_to=2017-01-01", "deadline_from"),
    ],
)
def test_api_rejects_bad_parameter_values_with_400(client: FlaskClient, query: str, param: str) -> None:
    resp = client.get("/api/search?q=elektromobilita&" + query)
    assert resp.status_code == 400
    data = resp.get_json()
    assert data["parameter"] == param and data["status"] == 400 and data["error"]


def test_api_documents_equal_cli(client: FlaskClient, web_index: WebIndex, capsys: pytest.CaptureFixture[str]) -> None:
    resp = client.get("/api/documents")
    assert resp.status_code == 200
    assert resp.get_json() == cli_json(capsys, "--data-dir", str(web_index.data_dir), "documents", "--json")


def test_api_document_detail(client: FlaskClient, web_index: WebIndex) -> None:
    ids = doc_ids(web_index)
    data = client.get(f"/api/documents/{ids[MINUTES]}").get_json()
    assert data["title"] == "Zápis ze 4. jednání Pracovní skupiny pro Smart Cities"
    assert data["date"] == "2017-04-05" and data["doc_type"] == "minutes" and data["pdf"] is True
    assert [u["page"] for u in data["units_list"]] == [1, 2]
    assert len(data["decisions_list"]) == 7
    assert data["file_url"] == f"/soubor/{ids[MINUTES]}"
    resp = client.get("/api/documents/0000000000000000")
    assert resp.status_code == 404 and resp.get_json()["status"] == 404
    assert client.get("/api/nic").get_json()["status"] == 404


def test_api_decisions_equal_cli(client: FlaskClient, web_index: WebIndex, capsys: pytest.CaptureFixture[str]) -> None:
    resp = client.get("/api/decisions?ministry=MPO")
    expected = cli_json(capsys, "--data-dir", str(web_index.data_dir), "decisions", "--ministry", "MPO", "--json")
    assert resp.get_json() == expected
    assert expected["total"] == 2


def test_empty_data_dir_is_not_an_error(tmp_path: Path) -> None:
    client = create_app({"DATA_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert client.get("/?q=elektromobilita").status_code == 200
    assert "Index zatím neexistuje" in client.get("/").get_data(as_text=True)
    assert client.get("/api/search?q=x").get_json()["total"] == 0
    assert client.get("/soubor/0123456789abcdef").status_code == 404


# ------------------------------------------------------------------ meetings and decision deadlines


def decision_meta(soup: Any) -> list[str]:
    return [p.get_text(" ", strip=True) for p in soup.select("li.result p.decision-meta")]


def test_meeting_facet_has_labels_counts_and_toggles(client: FlaskClient) -> None:
    soup = page(client, "/?q=elektromobilita")
    assert facet(soup, "meeting") == {"4": (9, False)}
    a = soup.select_one('a.facet-value[data-facet="meeting"]')
    assert a.select_one(".label").get_text() == "4. jednání"
    assert a["title"] == f"jednání 5.{NBSP}4.{NBSP}2017"
    assert soup.select_one("#facet-meeting").get_text() == "Jednání"
    ticked = page(client, a["href"])
    assert a["href"] == "/?q=elektromobilita&meeting=4"
    assert ticked.select_one("h1.count").get_text(" ", strip=True) == f"Nalezeno 9{NBSP}míst v{NBSP}2{NBSP}dokumentech"
    assert [t for t, _ in results(ticked)] == [
        "Elektromobilita a čistá mobilita ve městech", "Zápis ze 4. jednání Pracovní skupiny pro Smart Cities",
    ]
    assert ticked.select_one('#hledani input[type=hidden][name="meeting"]')["value"] == "4"
    # a selected meeting the query does not reach stays listed with 0, and OR-combines with others
    soup = page(client, "/?q=elektromobilita&meeting=2")
    assert facet(soup, "meeting") == {"2": (0, True), "4": (9, False)}
    assert soup.select_one('a.facet-value[data-value="4"]')["href"] == "/?q=elektromobilita&meeting=2&meeting=4"
    assert page(client, "/?q=elektromobilita&meeting=2&meeting=4").select_one("h1.count").get_text(" ", strip=True) \
        == f"Nalezeno 9{NBSP}míst v{NBSP}2{NBSP}dokumentech"
    # the MŽP presentation was given at the 2nd meeting
    soup = page(client, "/?meeting=2")
    assert [t for t, _ in results(soup)] == ["Podpora chytrých řešení ve městech z Operačního programu Životní prostředí"]


def test_decision_view_lists_every_record_with_kind_number_responsible_deadline(client: FlaskClient) -> None:
    soup = page(client, "/?type=decision")
    assert soup.select_one("h1.count").get_text(" ", strip=True) == (
        f"Usnesení a úkoly: nalezeno 7{NBSP}záznamů v{NBSP}1{NBSP}dokumentu"
    )
    assert decision_meta(soup) == [
        f"úkol Úkol 4/1 · odpovídá: MD, MPO, MŽP · termín: 31.{NBSP}5.{NBSP}2017",
        "úkol Úkol 4/2 · odpovídá: MPO · termín: příští jednání",
        "úkol Úkol 4/3 · odpovídá: MMR · termín: při nejbližší aktualizaci",
        "závěr",
        "bere na vědomí",
        "závěr",
        f"úkol Úkol 4/4 · odpovídá: MMR, SMO ČR · termín: 15.{NBSP}5.{NBSP}2017",
    ]
    first = soup.select_one("li.result")
    assert first.select_one(".decision-meta time")["datetime"] == "2017-05-31"
    assert first.select_one("p.meta .type").get_text() == "zápis"
    assert soup.select_one("ol.decision-list")["start"] == "1"
    # the deadline range is in the sidebar only here, with labelled fields
    box = soup.select_one("fieldset.deadline")
    assert box.legend.get_text() == "Termín splnění"
    for name in ("deadline_from", "deadline_to"):
        field = box.select_one(f"input#{name}")
        assert field["name"] == name and field["form"] == "hledani" and field["type"] == "date"
        assert "termín splnění" in box.select_one(f'label[for="{name}"]').get_text()
    assert page(client, "/?q=elektromobilita").select_one("fieldset.deadline") is None


def test_deadline_range_and_meeting_filter_in_the_decision_view(client: FlaskClient) -> None:
    soup = page(client, "/?type=decision&deadline_from=2017-05-20&deadline_to=31.%205.%202017")
    assert decision_meta(soup) == [f"úkol Úkol 4/1 · odpovídá: MD, MPO, MŽP · termín: 31.{NBSP}5.{NBSP}2017"]
    assert soup.select_one("input#deadline_from")["value"] == "2017-05-20"
    assert soup.select_one("input#deadline_to")["value"] == "2017-05-31"
    # the state stays in the URL of every facet link; the clear link drops only the deadline
    assert soup.select_one('a.facet-value[data-facet="meeting"]')["href"] == (
        "/?type=decision&meeting=4&deadline_from=2017-05-20&deadline_to=2017-05-31"
    )
    assert soup.select_one("fieldset.deadline a.clear")["href"] == "/?type=decision"
    soup = page(client, "/?type=decision&deadline_from=2017-05-01&deadline_to=2017-05-20")
    assert [m.split(" · ")[0] for m in decision_meta(soup)] == ["úkol Úkol 4/4"]
    soup = page(client, "/?type=decision&deadline_from=2018-01-01")
    assert soup.select_one("h1.count").get_text(" ", strip=True) == "Usnesení a úkoly: nic nenalezeno"
    soup = page(client, "/?q=elektromobilita&type=decision&meeting=4")
    assert facet(soup, "meeting") == {"4": (4, True)}
    assert page(client, "/?type=decision&meeting=2").select_one("h1.count").get_text(" ", strip=True) == (
        "Usnesení a úkoly: nic nenalezeno"
    )
    # bad values are dropped with a notice
    soup = page(client, "/?type=decision&deadline_from=2018-01-01&deadline_to=2017-01-01&meeting=abc")
    notices = soup.select_one(".notices").get_text(" ", strip=True)
    assert "Termín „od“ je pozdější než termín „do“." in notices and "Neplatné číslo jednání „abc“" in notices
    assert len(decision_meta(soup)) == 7


def test_deadline_outside_the_decision_view_filters_only_the_decisions_block(client: FlaskClient) -> None:
    soup = page(client, "/?q=elektromobilita&deadline_from=2017-05-20")
    assert "Termín splnění se uplatní jen na usnesení a úkoly." in soup.select_one(".notices").get_text()
    assert soup.select_one("h1.count").get_text(" ", strip=True) == f"Nalezeno 14{NBSP}míst v{NBSP}4{NBSP}dokumentech"
    block = soup.select_one("section.decisions")
    assert [b.get_text() for b in block.select("strong")] == ["Úkol 4/1"]
    assert soup.select_one("fieldset.deadline input#deadline_from")["value"] == "2017-05-20"


def test_api_meeting_and_deadline_params(client: FlaskClient, web_index: WebIndex,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = client.get("/api/search?q=elektromobilita&meeting=4&limit=100").get_json()
    assert data["total"] == 9 and data["facets"]["meeting"] == {"4": 9}
    assert {Path(h["path"]).name for h in data["hits"]} == {MD_PRES, MINUTES}
    data = client.get("/api/search?q=&type=decision&deadline_from=2017-05-01&deadline_to=2017-05-31").get_json()
    assert sorted(h["decision"]["number"] for h in data["hits"]) == ["Úkol 4/1", "Úkol 4/4"]
    resp = client.get("/api/decisions?meeting=4&deadline_from=2017-05-20")
    expected = cli_json(capsys, "--data-dir", str(web_index.data_dir), "decisions", "--meeting", "4",
                        "--deadline-from", "2017-05-20", "--json")
    assert resp.get_json() == expected
    assert [(d["number"], d["deadline"]) for d in expected["decisions"]] == [("Úkol 4/1", "2017-05-31")]
    assert client.get("/api/decisions?meeting=2").get_json() == {"total": 0, "decisions": []}
