"""Meetings as records: every meeting of the sample corpus with its minutes, presentations and
decisions; meeting numbers stored on presentation records at index time; tasks linked to the later
report that they were done; CLI, API and the Jednání page agree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
WITH_PRESENTATIONS = {1, 2, 3, 4, 5, 7}


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma")
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def meetings(corpus_data_dir: Path) -> dict:
    res = cli(corpus_data_dir, "meetings", "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_every_meeting_has_minutes_presentations_decisions(meetings: dict) -> None:
    assert meetings["total"] == len(meetings["meetings"]) == 7
    assert [m["number"] for m in meetings["meetings"]] == [1, 2, 3, 4, 5, 6, 7]
    for m in meetings["meetings"]:
        types = {d["doc_type"] for d in m["documents"]}
        assert "minutes" in types, m["number"]
        assert ("presentation" in types) == (m["number"] in WITH_PRESENTATIONS), m["number"]
        assert m["decisions"], m["number"]
        assert set(m) >= {"number", "date", "place", "documents", "decisions", "ministries_present"}
        for d in m["documents"]:
            assert set(d) >= {"path", "doc_type", "title"}
    by = {m["number"]: m for m in meetings["meetings"]}
    assert by[5]["date"] == "2017-05-31"
    assert "Ministerstvo dopravy" in by[4]["place"]
    assert "MZe" not in by[5]["ministries_present"] and "MZd" in by[5]["ministries_present"]  # MZe excused
    paths = {d["path"] for d in by[5]["documents"]}
    assert any("NSZM_Zdrava_mesta" in p for p in paths)  # by the date of the minutes, not by its own text


def test_tasks_linked_to_their_done_report(meetings: dict) -> None:
    by = {m["number"]: m for m in meetings["meetings"]}
    tasks = {d["number"]: d for d in by[5]["decisions"] if d["number"]}
    done = tasks["Úkol 5/1"]["done"]
    assert done["meeting"] == 6 and done["status"] == "splněn" and done["path"].endswith(".pdf")
    assert "5/1" in done["text"]
    four = {d["number"]: d for d in by[4]["decisions"] if d["number"]}
    assert four["Úkol 4/1"]["done"]["meeting"] == 5
    assert four["Úkol 4/2"]["done"] is None and four["Úkol 4/2"]["reports"][0]["status"] == "trvá"
    assert tasks["Úkol 5/1"]["deadline"] == "2017-06-15"


def test_meeting_number_stored_on_presentation_records(corpus_searcher) -> None:  # type: ignore[no-untyped-def]
    nszm = next(d for d in corpus_searcher.documents() if d["path"].endswith("NSZM_Zdrava_mesta_a_SC_2017-05-31.pptx"))
    units = corpus_searcher.document_units(nszm["doc_id"])
    assert units and {u.get("meeting") for u in units} == {"5"}
    assert nszm["meeting"] == 5 and nszm["meeting_assigned"] is True


def test_incremental_calendar(tmp_path: Path) -> None:
    from scsearch.index.search import Searcher
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    src, data = tmp_path / "src", tmp_path / "data"
    src.mkdir()
    pres = src / "prezentace_NSZM_Zdrava_mesta_a_SC_2017-05-31.pptx"
    shutil.copy(CORPUS / "prezentace" / pres.name, pres)
    lem = get_lemmatizer("simplemma")

    def meeting_of_records() -> set[str]:
        s = Searcher(data)
        doc = next(d for d in s.documents() if d["path"].endswith(pres.name))
        out = {u.get("meeting") or "" for u in s.document_units(doc["doc_id"])}
        s.close()
        return out

    Pipeline(data, lemmatizer=lem).run([str(src)])
    assert meeting_of_records() == {""}
    shutil.copy(CORPUS / "zapisy" / "Zapis_PS_SC_2017-05-31.pdf", src / "Zapis_PS_SC_2017-05-31.pdf")
    Pipeline(data, lemmatizer=lem).run([str(src)])  # the presentation is unchanged, its records now carry 5
    assert meeting_of_records() == {"5"}
    (src / "Zapis_PS_SC_2017-05-31.pdf").unlink()
    Pipeline(data, lemmatizer=lem).run([str(src)])
    assert meeting_of_records() == {""}
    (src / f"{pres.name}.meta.json").write_text(json.dumps({"meeting": 9}), encoding="utf-8")
    Pipeline(data, lemmatizer=lem).run([str(src)])
    assert meeting_of_records() == {"9"}
    out = json.loads(cli(data, "meetings", "--json").stdout)
    assert [(m["number"], len(m["documents"])) for m in out["meetings"]] == [(9, 1)]


def test_cli_api_page_agree(corpus_data_dir: Path, meetings: dict) -> None:
    from scsearch.webui import create_app

    client = create_app({"DATA_DIR": str(corpus_data_dir), "TESTING": True}).test_client()
    assert client.get("/api/meetings").get_json() == meetings
    page = client.get("/jednani").get_data(as_text=True)
    assert page.count('class="meeting"') == 7
    for m in meetings["meetings"]:
        assert f'id="jednani-{m["number"]}"' in page
    assert page.count("report-done") == sum(1 for m in meetings["meetings"] for d in m["decisions"]
                                            for r in d["reports"] if r["status"] == "splněn")
