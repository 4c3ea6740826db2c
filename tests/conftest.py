"""Shared fixtures: the session's index builder, the indexes built with it, and the web app over them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests._fixtures_index import IndexOf, ingest_folder
from tests._fixtures_webui import WebIndex, write_web_docs

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


# The search and ingest suites: `make test` runs them a second time with SCSEARCH_ENGINE=tantivy (-m engine).
ENGINE_SUITES = frozenset({
    "test_ranking.py", "test_query_understanding.py", "test_query_parser.py", "test_filters_e2e.py",
    "test_facets.py", "test_decisions.py", "test_decisions_filters.py", "test_long_units.py", "test_webui.py",
    "test_calls.py", "test_meetings.py", "test_exports.py", "test_feeds.py", "test_citation.py", "test_cli.py",
    "test_dedup.py", "test_ingest_hardening.py", "test_ingest_parts.py", "test_reindex.py", "test_store.py",
    "test_backup.py", "test_admin_ingest.py", "test_concurrency.py", "test_engines.py", "test_service.py",
    "test_ingest_prepare.py", "test_token_streams.py", "test_phrase_pairs.py", "test_evaluate.py",
})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in ENGINE_SUITES:
            item.add_marker(pytest.mark.engine)


def shared_dir(*parts: str) -> Path:
    """A folder of ../shared, or skip the test with a message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared evaluation data missing)")
    return path


@pytest.fixture(scope="session")
def index_of(tmp_path_factory: pytest.TempPathFactory) -> IndexOf:
    """The session's index builder: ``index_of(docs)`` is the DATA_DIR of an index over the folder
    ``docs``, built by the real pipeline on first use and reused for the rest of the session.
    Tests that change an index work on a copy (``shutil.copytree``)."""
    built: dict[Path, Path] = {}

    def build(docs: Path) -> Path:
        key = docs.resolve()
        if key not in built:
            built[key] = ingest_folder(key, tmp_path_factory.mktemp("index") / "data")
        return built[key]

    return build


@pytest.fixture(scope="session")
def corpus_data_dir(index_of: IndexOf) -> Path:
    """DATA_DIR with the whole sample corpus ingested by the real pipeline (simplemma lemmas)."""
    return index_of(CORPUS)


@pytest.fixture(scope="session")
def corpus_searcher(corpus_data_dir: Path) -> Iterator[Any]:
    from scsearch.index.search import Searcher

    s = Searcher(corpus_data_dir)
    yield s
    s.close()


@pytest.fixture(scope="session")
def web_index(index_of: IndexOf, tmp_path_factory: pytest.TempPathFactory) -> WebIndex:
    """A few sample documents (and one with markup in its text) for the web UI, API and server tests."""
    docs = tmp_path_factory.mktemp("web") / "docs"
    files = write_web_docs(docs)
    return WebIndex(data_dir=index_of(docs), docs_dir=docs, files=files)


@pytest.fixture(scope="module")
def app(web_index: WebIndex) -> Flask:
    """The public web app over ``web_index``; a module that needs other settings overrides this."""
    from scsearch.webui import create_app

    return create_app({"DATA_DIR": str(web_index.data_dir), "TESTING": True})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()
