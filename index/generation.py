"""Opening an index generation: the engine's reader, its lexicon, columns and scorer as one snapshot.

A search works on one snapshot from start to end; a newer generation is opened as a new snapshot and the
old one is left to the garbage collector, so requests still using it finish undisturbed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from scsearch.index import store
from scsearch.index.arrays import touch
from scsearch.index.columns import Columns, build_columns, warm_facet_totals
from scsearch.index.dedup import collapse_formats
from scsearch.index.evaluate import Scorer
from scsearch.index.hot_postings import HOT_TERMS, map_existing_hot_postings, share_hot_postings
from scsearch.index.lexicon import Lexicon
from scsearch.index.pairs import build_pairs, load_pairs
from scsearch.index.readers import IndexReader, open_engine
from scsearch.index.tokens import build_streams, load_streams


@dataclass
class Generation:
    """Everything a search reads, swapped as one object when a new generation is published."""

    path: Path
    reader: IndexReader
    meta: dict[str, Any]
    lexicon: Lexicon
    cols: Columns
    fast: Scorer
    filter_cache: dict[tuple[Any, ...], np.ndarray]
    # engine readers are not documented as thread-safe: every read of the files goes under this lock
    # (the web app serves requests from several threads); numpy work on cached arrays needs none
    io: threading.RLock = field(default_factory=threading.RLock)


def open_generation(gen: Path) -> Generation:
    """Open ``gen`` with the engine that wrote it, and the arrays mapped from (or, once, written to)
    ``gen/arrays``."""
    reader, scorer = open_engine(gen)
    map_existing_hot_postings(gen, scorer)  # written by ingest (or a server's prewarm): a CLI search reads them
    scorer.use_tokens(load_streams(gen, reader.n))  # mapped when written; else built by prewarm_postings
    scorer.use_pairs(load_pairs(gen, reader.n))
    return Generation(
        path=gen,
        reader=reader,
        meta=store.read_meta(gen),
        lexicon=Lexicon.load(gen),
        cols=collapse_formats(build_columns(gen, reader), store.read_manifest(gen)),  # formats once
        fast=scorer,
        filter_cache={},
    )


def prepare_generation(gen: Path, seeded_from: Path | None = None) -> None:
    """Write the arrays of a just-published generation (filter columns, scorer arrays, token streams, phrase
    pairs, the frequent terms' postings) so that no search pays for them, not even the first CLI one; an optimisation,
    so a failure is ignored.
    ``seeded_from``: the generation it was written on top of (not for a full rebuild): token streams of
    unchanged records are copied from it where the engine keeps record numbers (``index.tokens``)."""
    try:
        st = open_generation(gen)
    except Exception:  # noqa: BLE001 - the generation is published; a search builds what is missing
        return
    try:
        streams = build_streams(gen, st.reader, st.io, previous=seeded_from)
        build_pairs(gen, streams, st.fast.alive)
        share_hot_postings(gen, st.reader, st.fast, st.io, HOT_TERMS)  # a CLI search maps them too
    except Exception:  # noqa: BLE001 - as above: the engine's positions answer until a server builds them
        pass
    finally:
        st.reader.close()


def prewarm_postings(st: Generation, number: int) -> None:
    """Map the postings of the ``number`` most frequent lemmas, the token streams of the re-ranking
    (``index.tokens``, their pages read once) and the phrase pairs (``index.pairs``; all written once next to
    the generation, shared by every process), count the facet totals of the unfiltered search and read the
    positions of the most frequent exact forms into this process's cache (whoosh), one term at a time under
    the I/O lock, so the first searches after a re-index find them warm."""
    try:
        share_hot_postings(st.path, st.reader, st.fast, st.io, number)
        streams = build_streams(st.path, st.reader, st.io)  # mapped: a server reads them often
        touch(streams.arrays())  # (every search reads a few hundred records of them, anywhere in the file)
        st.fast.use_tokens(streams)
        st.fast.use_pairs(build_pairs(st.path, streams, st.fast.alive))
        warm_facet_totals(st.cols, st.filter_cache)
        # phrases of lemmas are answered by the pairs and the streams: only the exact wording's positions
        # (phrases in the form field) are worth reading ahead
        with st.io:
            terms = st.reader.most_frequent_terms("form", number // 8)
        for text in terms:
            with st.io:
                st.fast.warm_positions("form", [text])
    except Exception:  # noqa: BLE001 - warming is an optimisation; a closed reader just stops it
        return


def active_lemmatizer_name() -> str:
    """Which backend ``get_lemmatizer(settings)`` would choose, without loading any model."""
    from scsearch import settings
    from scsearch.language.lemmatize import ModelsNotFound, find_models

    choice = str(settings.get("lemmatizer")).lower()
    if choice in ("simplemma", "stanza"):
        return choice
    try:
        find_models(settings.get("stanza_dir") or None)
    except ModelsNotFound:
        return "simplemma"
    except Exception:  # noqa: BLE001 - a broken model dir must not break search
        return ""
    return "stanza"
