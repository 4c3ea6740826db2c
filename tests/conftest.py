"""Shared fixtures: a real index of the sample corpus, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


def shared_dir(*parts: str) -> Path:
    """A folder of ../shared, or skip the test with a message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared evaluation data missing)")
    return path


@pytest.fixture(scope="session")
def corpus_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DATA_DIR with the whole sample corpus ingested by the real pipeline (simplemma lemmas)."""
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.language.lemmatize import get_lemmatizer

    data_dir = tmp_path_factory.mktemp("corpus-index")
    report = Pipeline(data_dir, lemmatizer=get_lemmatizer("simplemma")).run([str(CORPUS)])
    failed = [(r.path, r.reason) for r in report.failed]
    assert not failed, f"sample corpus files failed: {failed}"
    return data_dir


@pytest.fixture(scope="session")
def corpus_searcher(corpus_data_dir: Path):  # type: ignore[no-untyped-def]
    from scsearch.index.search import Searcher

    s = Searcher(corpus_data_dir)
    yield s
    s.close()
