"""The command-line contract: JSON shape, exit codes, malformed queries, filters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SCSEARCH_LEMMATIZER="simplemma")
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def search_json(data: Path, *args: str) -> dict:
    res = run(data, "search", *args, "--json")
    assert res.returncode == 0, res.stderr
    assert res.stderr == "" or "Traceback" not in res.stderr
    return json.loads(res.stdout)


HIT_KEYS = {"path", "title", "doc_type", "date", "ministries", "page", "snippet", "score"}


def test_json_shape(corpus_data_dir: Path) -> None:
    out = search_json(corpus_data_dir, "dotace mestum")
    assert set(out) >= {"query", "total", "hits", "facets"}
    assert out["query"] == "dotace mestum"
    assert out["total"] >= len(out["hits"]) > 0
    for h in out["hits"]:
        assert HIT_KEYS <= set(h)
        assert isinstance(h["ministries"], list) and isinstance(h["score"], float)
        assert h["date"] is None or len(h["date"]) == 10
        assert h["page"] is None or h["page"] >= 1
        assert Path(h["path"]).exists()
    assert set(out["facets"]) >= {"ministry", "doc_type", "year"}
    assert all(isinstance(v, int) for v in out["facets"]["year"].values())


@pytest.mark.parametrize("query", ['"', '"nedokončená', "(((", "OR", "AND NOT", "-", "*", "<script>alert(1)</script>",
                                   "x" * 10_000, "ministerstvo:", "\\", "'; DROP TABLE", "😀", ""])
def test_malformed_queries_give_valid_json(corpus_data_dir: Path, query: str) -> None:
    out = search_json(corpus_data_dir, query)
    assert isinstance(out["hits"], list) and isinstance(out["total"], int)


@pytest.mark.parametrize("args", [["--from", "2017-13-45"], ["--to", "yesterday"], ["--ministry", "XYZ"],
                                  ["--type", "novel"], ["--limit", "0"], ["--limit", "abc"], ["--limit", "٥"],
                                  ["--from", "٢٠١٧-01-01"]])
def test_bad_option_values_exit_2_one_line(corpus_data_dir: Path, args: list[str]) -> None:
    res = run(corpus_data_dir, "search", "dotace", "--json", *args)
    assert res.returncode == 2
    assert res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_filters_or_within_and_across(corpus_data_dir: Path) -> None:
    base = search_json(corpus_data_dir, "smart cities", "--limit", "1000")
    md = search_json(corpus_data_dir, "smart cities", "--ministry", "md", "--limit", "1000")
    mzp = search_json(corpus_data_dir, "smart cities", "--ministry", "mzp", "--limit", "1000")
    both = search_json(corpus_data_dir, "smart cities", "--ministry", "MD", "--ministry", "MŽP", "--limit", "1000")
    assert 0 < md["total"] < base["total"]
    assert all("MD" in h["ministries"] for h in md["hits"])
    assert both["total"] == len({(h["path"], h["page"]) for h in md["hits"] + mzp["hits"]})
    pres_md = search_json(corpus_data_dir, "smart cities", "--ministry", "MD", "--type", "presentation", "--limit", "1000")
    assert pres_md["total"] <= md["total"]
    assert all(h["doc_type"] == "presentation" and "MD" in h["ministries"] for h in pres_md["hits"])
    dated = search_json(corpus_data_dir, "smart cities", "--from", "2017-01-01", "--to", "2017-12-31", "--limit", "1000")
    assert dated["total"] > 0
    assert all(h["date"] and "2017-01-01" <= h["date"] <= "2017-12-31" for h in dated["hits"])
    assert set(dated["facets"]["year"]) == {"2017"}


def test_documents_lists_every_file_with_method(corpus_data_dir: Path) -> None:
    res = run(corpus_data_dir, "documents", "--json")
    assert res.returncode == 0, res.stderr
    docs = json.loads(res.stdout)["documents"]
    corpus_files = [p for p in (ROOT / "corpus").rglob("*") if p.is_file() and "src" not in p.parts
                    and p.suffix.lower() in (".pdf", ".docx", ".pptx", ".xlsx", ".html", ".txt")]
    assert len(docs) == len(corpus_files)
    scan = [d for d in docs if d["path"].endswith("Pozvanka_8_jednani_PS_SC_sken.pdf")]
    assert scan and scan[0]["method"] in ("ocr", "needs_ocr")
    for d in docs:
        assert {"path", "title", "doc_type", "date", "ministries", "units", "method"} <= set(d)
        assert d["title"] and d["units"] >= 1


def test_ingest_reports_failures_and_exit_1(tmp_path: Path) -> None:
    good = tmp_path / "in" / "ok.txt"
    good.parent.mkdir()
    good.write_text("Zápis z jednání o dotacích městům.", encoding="utf-8")
    (tmp_path / "in" / "empty.pdf").write_bytes(b"")
    (tmp_path / "in" / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    res = run(tmp_path / "data", "ingest", str(tmp_path / "in"))
    assert res.returncode == 1, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert any("empty.pdf" in ln and "prázdný soubor" in ln for ln in lines)
    assert any("broken.pdf" in ln and "poškozený" in ln for ln in lines)
    assert any(ln.startswith("indexováno") and "ok.txt" in ln for ln in lines)
    out = json.loads(run(tmp_path / "data", "search", "dotace", "--json").stdout)
    assert [Path(h["path"]).name for h in out["hits"]] == ["ok.txt"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run(tmp_path, "ingest").returncode == 2
    assert run(tmp_path, "ingest", str(tmp_path / "missing")).returncode == 2
    assert run(tmp_path, "frobnicate").returncode == 2


def test_decisions_command(corpus_data_dir: Path) -> None:
    res = run(corpus_data_dir, "decisions", "--json", "--ministry", "MD")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["total"] > 0
    for d in out["decisions"]:
        assert "MD" in d["responsible"]
        assert d["path"] and d["date"]
