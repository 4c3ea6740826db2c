"""The query-time path: arrays memory-mapped with the generation, bonuses from indexed positions,
the typo index kept with the generation, no lemmatiser loaded by a CLI search, linear snippets."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scsearch.index import store
from scsearch.index.arrays import load_or_build
from scsearch.index.bonus import EXACT_BONUS, PROXIMITY_BONUS, positional_factors
from scsearch.index.lexicon import TYPO_FILE, Lexicon, dictionary_lemmas
from scsearch.index.search import Searcher
from scsearch.index.snippets import WINDOW_TOKENS, best_window
from scsearch.index.types import SearchRequest
from tests._fixtures_index import IndexOf, is_mapped

FILLER = " ".join(["projekt", "rozvoj", "obec", "strategie", "doprava"] * 8)
TEXTS = {
    "spolu.txt": f"Ministerstvo poskytne dotace městům na rozvoj. {FILLER}",
    "daleko.txt": f"Městům pomůže strategie. {FILLER} Nové dotace přijdou později.",
    "elektro.txt": f"Elektromobilita ve městech a obcích. {FILLER}",
}


@pytest.fixture(scope="module")
def data_dir(index_of: IndexOf, tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = tmp_path_factory.mktemp("search-path") / "docs"
    docs.mkdir()
    for name, text in TEXTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    return index_of(docs)


def test_generation_arrays_are_memory_mapped_and_shared(data_dir: Path) -> None:
    s = Searcher(data_dir)
    assert s.search(SearchRequest(query="dotace")).total == 2
    st = s._open()
    assert st is not None
    assert is_mapped(st.cols.date) and is_mapped(st.cols.doc_id)  # (an empty column has nothing to map)
    assert is_mapped(st.fast.alive) and is_mapped(st.fast.field_lengths("lemma"))
    files = sorted(p.relative_to(st.path).as_posix() for p in (st.path / "arrays").rglob("*.npy"))
    assert "arrays/columns/date.npy" in files and "arrays/scorer/len.lemma.npy" in files
    stamps = {p: (st.path / p).stat().st_mtime_ns for p in files}
    other = Searcher(data_dir)  # a second process-like searcher maps the same files, writes nothing
    other.prewarm()
    assert other.search(SearchRequest(query="dotace")).total == 2
    assert {p: (st.path / p).stat().st_mtime_ns for p in files} == stamps
    assert not list(st.path.glob("*.seg"))  # non-compound segments: opened without copying
    s.close()
    other.close()


def test_a_stale_array_bundle_is_replaced_not_rebuilt_per_process(tmp_path: Path) -> None:
    gen = tmp_path / "gen-000001"
    gen.mkdir()
    calls: list[int] = []

    def build() -> dict[str, object]:
        calls.append(1)
        return {"x": np.arange(5, dtype=np.int32), "names": ["a"]}

    load_or_build(gen, "cols", 5, build)
    info = gen / "arrays" / "cols" / "bundle.json"
    old = json.loads(info.read_text(encoding="utf-8"))
    info.write_text(json.dumps(dict(old, version=old["version"] - 1)), encoding="utf-8")  # an older layout
    got = load_or_build(gen, "cols", 5, build)
    assert is_mapped(got["x"]) and list(got["x"]) == [0, 1, 2, 3, 4] and got["names"] == ["a"]
    assert json.loads(info.read_text(encoding="utf-8"))["version"] == old["version"]
    load_or_build(gen, "cols", 5, build)
    assert len(calls) == 2  # built once more for the stale copy, then mapped again
    assert sorted(p.name for p in (gen / "arrays").iterdir()) == ["cols"]  # nothing left aside


@pytest.mark.parametrize("array", [
    np.zeros(0, np.int32), np.arange(5, dtype=np.uint64), np.zeros((3, 4), np.float32),
    np.asfortranarray(np.zeros((3, 4))), np.array([True, False]), np.arange(3, dtype=">i4"),
    np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]), np.zeros((2, 0, 3), np.int8)])
def test_array_headers_are_read_as_numpy_reads_them(tmp_path: Path, array: np.ndarray) -> None:
    """The quick header reader (a pattern) gives numpy's shape, order, dtype and data offset, or hands over."""
    from scsearch.index.arrays import _map_npy, _npy_header

    path = tmp_path / "x.npy"
    np.save(path, array)
    with open(path, "rb") as f:
        got = _npy_header(f), f.tell()
    with open(path, "rb") as f:
        np.lib.format.read_magic(f)
        want = np.lib.format.read_array_header_1_0(f), f.tell()
    assert got == want
    if not array.dtype.names:
        assert np.array_equal(_map_npy(path), array) and _map_npy(path).dtype == array.dtype


def test_bonuses_come_from_indexed_positions(data_dir: Path) -> None:
    s = Searcher(data_dir)
    resp = s.search(SearchRequest(query="dotace městům"))
    assert [Path(h.path).name for h in resp.hits][:2] == ["spolu.txt", "daleko.txt"]  # then partial matches
    st = s._open()
    assert st is not None
    docnums = [d for d in range(st.fast.n) if st.fast.alive[d]]
    names = {d: Path(st.reader.stored_fields(d)["path"]).name for d in docnums}
    with st.io:
        factors = positional_factors(st.fast, docnums, [{"dotace"}, {"mesto"}], [["dotace", "městům"]])
    by_name = dict(zip((names[d] for d in docnums), factors, strict=True))
    assert by_name["spolu.txt"] == pytest.approx(1 + PROXIMITY_BONUS + EXACT_BONUS)
    assert by_name["daleko.txt"] == 1.0 and by_name["elektro.txt"] == 1.0
    s.close()


def test_typo_index_is_written_with_the_generation(data_dir: Path, tmp_path: Path) -> None:
    gen = store.current_generation(data_dir)
    assert gen is not None and (gen / TYPO_FILE).exists()
    saved = Lexicon.load(gen)
    assert saved.suggest("elektromobylita") == "elektromobilita"
    assert saved._deletes is None  # answered from the saved index: a few rows read, nothing built in memory
    copy = shutil.copytree(gen, tmp_path / gen.name)
    (copy / TYPO_FILE).write_bytes(b"not a database")  # unreadable: built in memory, the same answer
    assert Lexicon.load(copy).suggest("elektromobylita") == "elektromobilita"
    rebuilt = Lexicon()
    rebuilt.forms.update(saved.forms)
    assert rebuilt.suggest("elektromobylita") == "elektromobilita"  # built in memory: the same answer


def test_cli_search_loads_no_lemmatiser(data_dir: Path) -> None:
    assert dictionary_lemmas("mestum") == ("mesto",)  # the folded dictionary's look-up table exists (built once)
    code = (
        "import sys, json\n"
        "from scsearch.cli import main\n"
        f"sys.argv = ['scsearch', '--data-dir', {str(data_dir)!r}, 'search', 'elektromobylita obcim', '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('simplemma', 'stanza', 'torch'))\n"
        "print(json.dumps(heavy), file=sys.stderr)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert json.loads(res.stdout)["total"] >= 1
    assert json.loads(res.stderr.strip().splitlines()[-1]) == []


def _old_best_window(hits: list[int], keys: list[str]) -> int:
    """The quadratic loop this replaced: the reference for the two-pointer version."""
    best = (0, 0, hits[0])
    for i, start in enumerate(hits):
        window = [j for j in range(i, len(hits)) if hits[j] - start < WINDOW_TOKENS]
        cand = (len({keys[j] for j in window}), len(window), -start)
        if cand > (best[0], best[1], -best[2]):
            best = (cand[0], cand[1], start)
    return best[2]


def test_two_pointer_window_equals_the_quadratic_one() -> None:
    rng = random.Random(3)
    for _ in range(300):
        hits = sorted(rng.sample(range(400), rng.randint(1, 60)))
        keys = [rng.choice("abcde") for _ in hits]
        assert best_window(hits, keys) == _old_best_window(hits, keys)


def test_prewarmed_postings_are_mapped_and_give_the_same_results(data_dir: Path) -> None:
    cold = Searcher(data_dir)
    warm = Searcher(data_dir, prewarm=50)
    queries = ("dotace", "dotace městům", '"pracovní skupina"', "strategie rozvoj")
    expected = [[(h.record_id, round(h.score, 4)) for h in cold.search(SearchRequest(query=q)).hits] for q in queries]
    warm.search(SearchRequest(query="x"))
    warm.wait_warm()
    st = warm._open()
    assert st is not None and (st.path / "arrays" / "hot-50" / "ids.npy").exists()
    ids, scores = st.fast.postings("lemma", b"dotace")
    assert is_mapped(ids) and len(ids) == 2
    loaded = st.fast.load_postings("lemma", b"dotace")
    assert np.array_equal(ids, loaded[0]) and np.allclose(scores, loaded[1])
    bundle = st.fast._shared  # asked for every term of a search: a term outside it answers None, raises nothing
    assert np.array_equal(bundle.get(("lemma", b"dotace"))[0], ids) and bundle.get(("lemma", b"neexistuje")) is None
    got = [[(h.record_id, round(h.score, 4)) for h in warm.search(SearchRequest(query=q)).hits] for q in queries]
    assert got == expected
    cli = Searcher(data_dir)  # a later CLI search maps what the server wrote, and builds nothing
    assert [[(h.record_id, round(h.score, 4)) for h in cli.search(SearchRequest(query=q)).hits]
            for q in queries] == expected
    cli_state = cli._open()
    assert cli_state is not None and ("lemma", b"dotace") in cli_state.fast._shared  # read from the bundle
    cli_ids, cli_scores = cli_state.fast.postings("lemma", b"dotace")
    assert not is_mapped(cli_ids) and np.array_equal(cli_ids, ids) and np.array_equal(cli_scores, scores)
    cli.close()
    cold.close()
    warm.close()


def test_api_states_the_limit_cap(data_dir: Path) -> None:
    from scsearch.index.types import MAX_LIMIT
    from scsearch.webui import create_app

    client = create_app({"DATA_DIR": str(data_dir), "TESTING": True}).test_client()
    out = client.get("/api/search?q=dotace&limit=1000").get_json()
    assert out["total"] == len(out["hits"]) == 2
    assert any(f"nejvýše {MAX_LIMIT}" in n for n in out["notices"])
    assert not any("nejvýše" in n for n in client.get(f"/api/search?q=dotace&limit={MAX_LIMIT}").get_json()["notices"])
    assert SearchRequest(query="", doc_types=("decision",)).hit_cap > MAX_LIMIT


@pytest.mark.parametrize("module", ["scsearch.index.snippets", "scsearch.index.stored", "scsearch.ingest.extract.units"])
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
