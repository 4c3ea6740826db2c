"""Decisions and tasks filtered by meeting number and by deadline, on the sample corpus:
the back-end (``SearchRequest.meetings`` / ``deadline_from`` / ``deadline_to``) and the CLI
(``scsearch decisions --meeting/--deadline-from/--deadline-to``, ``scsearch search --meeting``).

Expected records come from corpus/src/docs/zapis_*.md (the sources of the minutes PDFs/DOCXs).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scsearch.index.types import SearchRequest

ROOT = Path(__file__).resolve().parents[1]

MINUTES_4 = "Zapis_PS_SC_2017-04-05.pdf"
# zapis_04_2017-04-05.md in document order: (number, kind, deadline, page)
MEETING_4 = [
    ("Úkol 4/1", "task", "2017-05-31", 2),
    ("Úkol 4/2", "task", None, 2),
    ("Úkol 4/3", "task", None, 2),
    ("", "conclusion", None, 2),  # Závěr: elektromobilita is a priority
    ("", "noted", None, 2),  # PS bere na vědomí informaci MPSV
    ("", "conclusion", None, 2),  # two seminars agreed
    ("Úkol 4/4", "task", "2017-05-15", 2),
]
# every task with a deadline from 1. 5. to 20. 6. 2017, newest meeting first (zapis_03, 04, 05)
MAY_JUNE = [
    ("Zapis_PS_SC_2017-05-31.pdf", "Úkol 5/1", "2017-06-15", ["MD"]),
    ("Zapis_PS_SC_2017-04-05.pdf", "Úkol 4/1", "2017-05-31", ["MD", "MPO", "MŽP"]),
    ("Zapis_PS_SC_2017-04-05.pdf", "Úkol 4/4", "2017-05-15", ["MMR", "SMO ČR"]),
    ("Zapis_PS_SC_2017-02-01.pdf", "Úkol 3/3", "2017-05-31", ["MMR"]),
]


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma")
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def decisions_json(data: Path, *args: str) -> dict[str, Any]:
    res = run(data, "decisions", "--json", *args)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def decisions(searcher: Any, **filters: Any) -> list[Any]:
    resp = searcher.search(SearchRequest(query="", doc_types=("decision",), limit=1000, sort="date", **filters))
    assert resp.total == len(resp.hits)
    return list(resp.hits)


# ------------------------------------------------------------------ back-end


def test_meeting_filter_gives_exactly_the_decisions_of_that_meeting(corpus_searcher: Any) -> None:
    hits = decisions(corpus_searcher, meetings=(4,))
    assert [Path(h.path).name for h in hits] == [MINUTES_4] * 7
    assert [(h.decision["number"], h.decision["kind"], h.decision["deadline"], h.page) for h in hits] == MEETING_4
    first = hits[0].decision
    assert first["text"] == ("MD ve spolupráci s MPO a MŽP připraví přehled podpory elektromobility pro obce "
                             "(vozidla, dobíjecí infrastruktura, legislativa).")
    assert (first["responsible"], first["deadline_text"]) == (["MD", "MPO", "MŽP"], "31. 5. 2017")
    assert all(h.date == dt.date(2017, 4, 5) for h in hits)
    # OR within meetings; every record of a meeting counted once in the facet
    both = decisions(corpus_searcher, meetings=(4, 7))
    assert len(both) == 7 + len(decisions(corpus_searcher, meetings=(7,)))
    facet = corpus_searcher.search(SearchRequest(query="", doc_types=("decision",), limit=1)).facets["meeting"]
    assert facet["4"] == 7 and sum(facet.values()) == len(decisions(corpus_searcher))


def test_deadline_range_gives_exactly_the_tasks_due_in_it(corpus_searcher: Any) -> None:
    hits = decisions(corpus_searcher, deadline_from=dt.date(2017, 5, 1), deadline_to=dt.date(2017, 6, 20))
    got = [(Path(h.path).name, h.decision["number"], h.decision["deadline"], h.decision["responsible"]) for h in hits]
    assert got == MAY_JUNE
    # bounds are inclusive; one side open
    assert [h.decision["number"] for h in decisions(corpus_searcher, deadline_from=dt.date(2017, 6, 15),
                                                     deadline_to=dt.date(2017, 6, 15))] == ["Úkol 5/1"]
    later = decisions(corpus_searcher, deadline_from=dt.date(2018, 1, 1))
    assert [(h.decision["number"], h.decision["deadline"]) for h in later] == [
        ("Úkol 7/1", "2018-02-16"), ("Úkol 6/1", "2018-01-10"),
    ]
    # records without a dated deadline ("příští jednání") never pass a deadline range
    assert all(h.decision["deadline"] for h in decisions(corpus_searcher, deadline_to=dt.date(2100, 1, 1)))


def test_meeting_and_deadline_combine(corpus_searcher: Any) -> None:
    hits = decisions(corpus_searcher, meetings=(4,), deadline_from=dt.date(2017, 5, 1), deadline_to=dt.date(2017, 5, 20))
    assert [h.decision["number"] for h in hits] == ["Úkol 4/4"]
    assert decisions(corpus_searcher, meetings=(2,), deadline_from=dt.date(2017, 5, 1)) == []


def test_task_after_a_resolution_is_its_own_record(corpus_searcher: Any) -> None:
    hits = decisions(corpus_searcher, deadline_from=dt.date(2017, 6, 16), deadline_to=dt.date(2017, 6, 30))
    assert [(h.decision["number"], h.decision["deadline"]) for h in hits] == [("Úkol 5/3", "2017-06-30")]


def test_meeting_filter_on_pages_keeps_minutes_and_presentations_of_that_meeting(corpus_searcher: Any) -> None:
    resp = corpus_searcher.search(SearchRequest(query="elektromobilita", meetings=(4,), limit=1000))
    names = {Path(h.path).name for h in resp.hits}
    assert {MINUTES_4, "prezentace_MD_elektromobilita_2017-04-05.pdf"} <= names
    assert all(h.date == dt.date(2017, 4, 5) and h.kind != "decision" for h in resp.hits)
    assert set(resp.facets["meeting"]) >= {"4"} and resp.facets["meeting"]["4"] == resp.total


def test_pdf_and_docx_twins_list_decisions_once(corpus_searcher: Any) -> None:
    hits = decisions(corpus_searcher)
    keys = [(Path(h.path).stem, h.decision["number"], h.decision["text"]) for h in hits]
    assert len(keys) == len(set(keys))
    assert {Path(h.path).suffix for h in hits} == {".pdf"}
    twins = [d for d in corpus_searcher.documents() if Path(d["path"]).name.startswith("Zapis_PS_SC_")]
    by_name = {Path(d["path"]).name: d.get("decisions", 0) for d in twins}
    assert by_name["Zapis_PS_SC_2017-04-05.pdf"] == 7 and by_name["Zapis_PS_SC_2017-04-05.docx"] == 0
    assert all(n == 0 for name, n in by_name.items() if name.endswith(".docx"))


# ------------------------------------------------------------------ CLI


def test_cli_decisions_meeting_and_deadline(corpus_data_dir: Path) -> None:
    out = decisions_json(corpus_data_dir, "--meeting", "4")
    assert out["total"] == 7
    assert [(d["number"], d["kind"], d["deadline"], d["page"]) for d in out["decisions"]] == MEETING_4
    assert {Path(d["path"]).name for d in out["decisions"]} == {MINUTES_4}
    out = decisions_json(corpus_data_dir, "--deadline-from", "2017-05-01", "--deadline-to", "2017-06-20")
    got = [(Path(d["path"]).name, d["number"], d["deadline"], d["responsible"]) for d in out["decisions"]]
    assert got == MAY_JUNE
    out = decisions_json(corpus_data_dir, "--meeting", "4", "--meeting", "5", "--deadline-from", "2017-06-01",
                         "--ministry", "MD")
    assert [(d["number"], d["deadline"]) for d in out["decisions"]] == [("Úkol 5/1", "2017-06-15")]


def test_cli_search_meeting(corpus_data_dir: Path) -> None:
    res = run(corpus_data_dir, "search", "elektromobilita", "--meeting", "4", "--limit", "1000", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["total"] == len(out["hits"]) > 0
    assert all(h["date"] == "2017-04-05" for h in out["hits"])
    assert out["facets"]["meeting"]["4"] == out["total"]


@pytest.mark.parametrize("args", [
    ["decisions", "--meeting", "x"],
    ["decisions", "--meeting", "0"],
    ["decisions", "--deadline-from", "2017-13-01"],
    ["decisions", "--deadline-to", "31. 5. 2017"],
    ["decisions", "--deadline-from", "2018-01-01", "--deadline-to", "2017-01-01"],
    ["search", "dotace", "--meeting", "čtvrté"],
])
def test_cli_bad_values_exit_2_one_line(corpus_data_dir: Path, args: list[str]) -> None:
    res = run(corpus_data_dir, *args, "--json")
    assert res.returncode == 2
    assert res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert res.stderr.startswith("scsearch: chyba:")
