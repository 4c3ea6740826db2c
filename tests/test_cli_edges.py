"""The CLI at its edges: a query starting with '-', bytes that are not UTF-8, a closed pipe, a bad --data-dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    return dict(os.environ, SCSEARCH_LEMMATIZER="simplemma")


def run_bytes(data: Path, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    argv: list[str | bytes] = [sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), *args]
    return subprocess.run(argv, capture_output=True, timeout=120, env=_env(), cwd=ROOT)


def test_query_starting_with_dash_is_a_query(corpus_data_dir: Path) -> None:
    res = run_bytes(corpus_data_dir, "search", "-dotace", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["query"] == "-dotace"
    res = run_bytes(corpus_data_dir, "search", "--json", "--", "-dotace")
    assert res.returncode == 0 and json.loads(res.stdout)["query"] == "-dotace"
    bad = run_bytes(corpus_data_dir, "search", "dotace", "-x")
    assert bad.returncode == 2 and b"--" in bad.stderr and len(bad.stderr.splitlines()) == 1


def test_argument_that_is_not_utf8_gives_valid_json(corpus_data_dir: Path) -> None:
    res = run_bytes(corpus_data_dir, "search", b"dot\xe1ce", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.decode("utf-8", "strict"))  # strict: no raw bytes, no lone surrogates
    assert out["query"] == "dot\ufffdce"
    res = run_bytes(corpus_data_dir, "decisions", "--query", b"\xff\xfe", "--json")
    assert res.returncode == 0 and json.loads(res.stdout.decode("utf-8", "strict"))


def test_closed_pipe_ends_quietly(corpus_data_dir: Path) -> None:
    for args in (("documents",), ("search", "dotace", "--limit", "1000"), ("decisions",)):
        proc = subprocess.Popen([sys.executable, "-m", "scsearch.cli", "--data-dir", str(corpus_data_dir), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=ROOT)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read()
        proc.wait(timeout=120)
        assert b"Traceback" not in err and b"BrokenPipe" not in err, err
        assert proc.returncode in (0, 141)


def test_data_dir_that_is_a_file_is_one_line_exit_2(tmp_path: Path) -> None:
    afile = tmp_path / "soubor"
    afile.write_text("x", encoding="utf-8")
    for data in (afile, afile / "pod"):
        for args in (("documents",), ("search", "dotace"), ("ingest", str(tmp_path))):
            res = run_bytes(data, *args)
            assert res.returncode == 2, res.stderr
            assert res.stdout == b"" and len(res.stderr.splitlines()) == 1 and b"Traceback" not in res.stderr
