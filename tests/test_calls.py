"""Funding calls as records: two quarterly overviews of our own with known answers (generated with
openpyxl here), and the sample corpus's overviews; CLI, API and the Výzvy page agree."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scsearch.index.calls import CallFilter, build_calls, filter_calls
from scsearch.ingest.metadata.calls import (
    FLAG_ALLOCATION_NAN,
    FLAG_END_BEFORE_START,
    FLAG_MERGED,
    categories_of,
    parse_allocation,
)

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["Poskytovatel", "Program", "Výzva", "Oblast", "Alokace (mil. Kč)", "Příjem žádostí od", "do",
          "Oprávnění žadatelé"]
Q1 = [  # overview of 31. 3. 2018
    ["MMR", "IROP", "80. výzva – Chytré parkování", "Doprava", 500, dt.date(2018, 2, 1), dt.date(2018, 6, 30),
     "obce, kraje"],
    [None, "IROP", "81. výzva – Veřejné osvětlení", "Energetika", "1,5 mld. Kč", "1. 3. 2018", "31. 5. 2018",
     "obce do 3 000 obyvatel"],  # provider cell merged with the row above
    ["MŽP", "OPŽP", "90. výzva – Zeleň v sídlech", "Životní prostředí", "dle výzvy", "1. 1. 2018", "30. 4. 2018",
     "dobrovolné svazky obcí"],
    ["MPO", "OP PIK", "Úspory energie – výzva VI", "Energetika", 2000, "1. 3. 2018", "31. 12. 2018",
     "podnikatelské subjekty"],
    ["MD", "OP D", "Výzva č. 20 – Dobíjecí stanice", "Doprava", 300, "30. 6. 2018", "1. 6. 2018", "obce, kraje"],
    ["MZe", "PRV", "Operace 19.2.1 – CLLD", "Venkov", "2 000", "průběžně", "průběžně", "místní akční skupiny"],
]
Q2 = [  # overview of 30. 6. 2018: other row order, a moved deadline, a new call, two calls gone
    ["MPO", "OP PIK", "Úspory energie – výzva VI", "Energetika", 2000, "1. 3. 2018", "31. 12. 2018",
     "podnikatelské subjekty"],
    ["MMR", "IROP", "82. výzva – Sociální bydlení", "Sociální oblast", "800 000 000 Kč", "1. 6. 2018", "31. 10. 2018",
     "obce s rozšířenou působností, NNO"],
    ["MMR", "IROP", "80. výzva – Chytré parkování (prodloužení)", "Doprava", 500, "1. 2. 2018", "30. 9. 2018",
     "obce, kraje"],
]


def _overview(path: Path, date: str, rows: list[list[object]], merge: str = "") -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = f"Výzvy k {date}"
    ws.append([f"Přehled aktuálních výzev v klíčových oblastech Smart Cities – aktualizace k {date}"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)


@pytest.fixture(scope="module")
def own_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    src = tmp_path_factory.mktemp("overviews")
    _overview(src / "Prehled_vyzev_SC_2018-03-31.xlsx", "31. 3. 2018", Q1, merge="A3:A4")
    _overview(src / "Prehled_vyzev_SC_2018-06-30.xlsx", "30. 6. 2018", Q2)
    data = tmp_path_factory.mktemp("overviews-index")
    report = Pipeline(data, lemmatizer=get_lemmatizer("simplemma")).run([str(src)])
    assert not report.failed
    return data


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma")
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def calls_json(data: Path, *args: str) -> dict:
    res = cli(data, "calls", "--json", *args)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["total"] == len(out["calls"])
    return out


def names(out: dict) -> set[str]:
    return {c["call"] for c in out["calls"]}


def test_values_and_categories() -> None:
    assert parse_allocation("1 200,0", "Alokace (mil. Kč)") == (1_200_000_000, True)
    assert parse_allocation("1,5 mld. Kč") == (1_500_000_000, True)
    assert parse_allocation("800 000 000 Kč") == (800_000_000, True)
    assert parse_allocation("2,5 mil.Kč") == (2_500_000, True)
    assert parse_allocation("dle výzvy", "Alokace (mil. Kč)") == (None, False)
    assert categories_of("obce do 3 000 obyvatel, svazky obcí") == ("obce", "svazky obcí")
    assert categories_of("obce s rozšířenou působností") == ("obce",)
    assert categories_of("organizace zřizované obcemi") == ("příspěvkové organizace",)
    assert "obce" not in categories_of("dobrovolné svazky obcí")


def test_own_overview_known_answers(own_data: Path) -> None:
    assert names(calls_json(own_data, "--open-on", "2018-04-15", "--applicant", "obce")) == {
        "80. výzva – Chytré parkování (prodloužení)", "81. výzva – Veřejné osvětlení"}
    assert names(calls_json(own_data, "--open-on", "2018-07-15", "--applicant", "obce")) == {
        "80. výzva – Chytré parkování (prodloužení)", "82. výzva – Sociální bydlení"}
    assert names(calls_json(own_data, "--open-on", "2018-04-15", "--applicant", "svazky obcí")) == {
        "90. výzva – Zeleň v sídlech"}
    assert names(calls_json(own_data, "--open-on", "2018-04-15", "--closing-within", "30")) == {
        "90. výzva – Zeleň v sídlech"}
    assert names(calls_json(own_data, "--ministry", "mzp")) == {"90. výzva – Zeleň v sídlech"}
    assert names(calls_json(own_data, "--open-on", "2020-01-01", "--applicant", "MAS")) == {"Operace 19.2.1 – CLLD"}
    assert names(calls_json(own_data, "--area", "energetika", "--query", "osvětlení")) == {
        "81. výzva – Veřejné osvětlení"}


def test_own_overview_versions_and_flags(own_data: Path) -> None:
    out = calls_json(own_data)
    assert out["total"] == 7  # 6 calls of the first overview + 1 new one; matched by number/name, not row
    by = {c["call_number"] or c["call"]: c for c in out["calls"]}
    parking = by["80"]
    assert [v["open_to"] for v in parking["versions"]] == ["2018-06-30", "2018-09-30"]
    assert parking["open_to"] == "2018-09-30" and parking["source"]["path"].endswith("2018-06-30.xlsx")
    assert parking["changes"] == ["termín ukončení: 30. 6. 2018 → 30. 9. 2018"]
    assert by["81"]["allocation_czk"] == 1_500_000_000 and FLAG_MERGED in by["81"]["flags"]
    assert by["81"]["provider"] == ["MMR"]
    assert by["90"]["allocation_czk"] is None and FLAG_ALLOCATION_NAN in by["90"]["flags"]
    assert FLAG_END_BEFORE_START in by["20"]["flags"]
    assert by["82"]["allocation_czk"] == 800_000_000 and by["82"]["categories"] == ["obce", "neziskové organizace"]
    assert by["80"]["allocation_czk"] == 500_000_000
    assert len(by["Úspory energie – výzva VI"]["versions"]) == 2
    assert by["82"]["versions"][0]["row"] == 4  # the spreadsheet row of the source
    deadlines = [c["open_to"] or "9999" for c in out["calls"]]
    assert deadlines == sorted(deadlines)


def test_bad_option_is_usage_error(own_data: Path) -> None:
    res = cli(own_data, "calls", "--open-on", "15. 4. 2018")
    assert res.returncode == 2 and "neplatné datum" in res.stderr.lower()
    assert cli(own_data, "calls", "--closing-within", "٥").returncode == 2


SAMPLE_OPEN_FOR_OBCE = {  # open on 15. 10. 2017 with municipalities among the applicants (sample corpus)
    ("IROP", "53"), ("IROP", "54"), ("IROP", "55"), ("IROP", "56"), ("IROP", "68"), ("IROP", "69"), ("IROP", "70"),
    ("IROP", "71"), ("OPŽP", "69"), ("OPŽP", "75"), ("OPŽP", "72"), ("OPŽP", "73"), ("NPŽP", "2/2017"),
    ("NPŽP", "5/2017"), ("OP D", "13"), ("OP D", "14"), ("OPZ", "92"), ("OPZ", "110"), ("Národní dotace", "129300"),
}


def test_sample_corpus_calls(corpus_data_dir: Path) -> None:
    out = calls_json(corpus_data_dir, "--open-on", "2017-10-15", "--applicant", "obce")
    assert {(c["programme"], c["call_number"]) for c in out["calls"]} == SAMPLE_OPEN_FOR_OBCE
    svazky = calls_json(corpus_data_dir, "--open-on", "2017-10-15", "--applicant", "svazky obcí")
    assert {(c["programme"], c["call_number"]) for c in svazky["calls"]} == {
        ("IROP", "55"), ("OPŽP", "72"), ("NPŽP", "2/2017"), ("OPZ", "92"), ("Národní dotace", "129300")}
    everything = calls_json(corpus_data_dir)
    assert everything["total"] == 33  # 22 calls of March + 24 of September, 13 of them in both
    both = [c for c in everything["calls"] if len(c["versions"]) == 2]
    assert len(both) == 13
    its = next(c for c in both if c["programme"] == "IROP" and c["call_number"] == "53")
    assert its["versions"][0]["page"] == 1 and its["versions"][0]["row"] == 1
    assert its["versions"][0]["path"].endswith("Prehled_vyzev_SC_2017-03-31.pdf")
    assert its["versions"][1]["row"] == 3
    assert its["allocation_czk"] == 1_200_000_000
    mzd = next(c for c in everything["calls"] if c["provider"] == ["MZd"])
    assert mzd["source"]["page"] == 2  # a table going on on the next page without its header


def test_cli_api_page_agree(corpus_data_dir: Path) -> None:
    from scsearch.webui import create_app

    client = create_app({"DATA_DIR": str(corpus_data_dir), "TESTING": True}).test_client()
    cli_out = calls_json(corpus_data_dir, "--open-on", "2017-10-15", "--applicant", "obce", "--ministry", "MMR")
    api = client.get("/api/calls?open_on=2017-10-15&applicant=obce&ministry=MMR").get_json()
    assert api == cli_out
    page = client.get("/vyzvy?stav=otevrene&open_on=2017-10-15&applicant=obce&ministry=MMR").get_data(as_text=True)
    assert page.count('class="call"') == cli_out["total"] == 8
    for c in cli_out["calls"]:
        assert f'id="vyzva-{c["id"]}"' in page
    assert client.get("/api/calls?closing_within=abc").status_code == 400


def test_filter_functions_directly(own_data: Path) -> None:
    from scsearch.index.search import Searcher

    calls = build_calls(Searcher(own_data).documents())
    soon = filter_calls(calls, CallFilter(today=dt.date(2018, 4, 15), closing_within=30))
    assert [c.row.call for c in soon] == ["90. výzva – Zeleň v sídlech"]


def test_docx_overview_is_a_third_version(tmp_path: Path) -> None:
    from docx import Document

    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    _overview(tmp_path / "Prehled_vyzev_SC_2018-03-31.xlsx", "31. 3. 2018", Q1, merge="A3:A4")
    doc = Document()
    doc.add_heading("Přehled aktuálních výzev v klíčových oblastech Smart Cities – aktualizace k 30. 9. 2018", 1)
    table = doc.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for values in (["MMR", "IROP", "80. výzva – Chytré parkování", "Doprava", "500,0", "1. 2. 2018", "31. 12. 2018",
                    "obce, kraje"],
                   ["MZe", "Národní dotace", "Program 129 300 – Obnova venkova", "Venkov", "250 mil. Kč", "1. 10. 2018",
                    "30. 11. 2018", "obce do 3 000 obyvatel, svazky obcí"]):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    doc.save(str(tmp_path / "Prehled_vyzev_SC_2018-09-30.docx"))
    data = tmp_path / "data"
    assert not Pipeline(data, lemmatizer=get_lemmatizer("simplemma")).run([str(tmp_path)]).failed
    by = {c["call_number"] or c["call"]: c for c in calls_json(data)["calls"]}
    parking = by["80"]
    assert [v["open_to"] for v in parking["versions"]] == ["2018-06-30", "2018-12-31"]
    assert parking["source"]["path"].endswith(".docx") and parking["source"]["row"] == 1
    assert by["129300"]["allocation_czk"] == 250_000_000 and by["129300"]["source"]["row"] == 2
    assert names(calls_json(data, "--open-on", "2018-10-15", "--applicant", "svazky obcí")) == {
        "Program 129 300 – Obnova venkova"}
