"""What a CLI search loads: with the tantivy engine no whoosh module at all (the query plan is
``index.qtree``, not whoosh's query objects), and with either engine no web, feed, PDF or lemmatiser
library. Measured by bench/cli_footprint_bench.py (peak RSS, wall time, import time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests._fixtures_index import ingest_folder

ROOT = Path(__file__).resolve().parents[1]
WEB_AND_PDF = ("flask", "jinja2", "werkzeug", "feedgen", "feedparser", "pdfplumber", "pdfminer", "pypdfium2",
               "stanza", "simplemma", "torch", "aiosmtpd", "gunicorn", "prometheus_client")

CHILD = """
import json, sys
from scsearch.cli import main
sys.argv = ["scsearch", "--data-dir", sys.argv[1], "search", sys.argv[2], "--json"]
try:
    code = main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
top = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps({"code": code, "modules": top}), file=sys.stderr)
"""


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def data(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    docs = tmp_path_factory.mktemp("cli-imports") / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Elektromobilita a nabíjecí stanice ve městech.", encoding="utf-8")
    (docs / "b.txt").write_text("Dotace na veřejné osvětlení obcí a chytré parkování.", encoding="utf-8")
    return request.param, ingest_folder(docs, docs.parent / "data", engine=request.param)


# a plain word, a phrase, a prefix, a negation, a typo (the typo index) and an unknown form (the dictionary)
@pytest.mark.parametrize("query", ["elektromobilita", '"nabíjecí stanice"', "elektro*", "dotace -elektromobilita",
                                   "elektromobylita", "mestum"])
def test_cli_search_imports(data: tuple[str, Path], query: str) -> None:
    engine, path = data
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCSEARCH_LEMMATIZER="simplemma")
    env.pop("SCSEARCH_ENGINE", None)  # the index's own engine
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), query], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), proc.stderr
    out = json.loads(proc.stdout)
    assert out["total"] >= 1, (query, out)
    modules = set(report["modules"])
    assert "scsearch" in modules and "numpy" in modules  # the search really ran in the child
    assert not modules & set(WEB_AND_PDF), sorted(modules & set(WEB_AND_PDF))
    if engine == "tantivy":
        assert "tantivy" in modules and "whoosh" not in modules
    else:
        assert "whoosh" in modules
