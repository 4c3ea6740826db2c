"""Searching: query -> ranked page hits with snippets, filters and facets (``Searcher``).

Scores are BM25F (whoosh's formula, computed vectorised by ``index.fastscore``; with the tantivy
engine, ``index.tantivy_score``, tantivy's BM25 on whoosh's idf) over the folded lemmas of the text
(``lemma``), of the title and unit heading (``head``, x HEAD_BOOST), the exact lowercase surface
forms (``form``, a bonus x FORM_BOOST so the exact wording ranks first) and light stems (``stem``,
x STEM_BOOST). The top hits are then re-ranked: words standing together and the exact wording
multiply the score, further pages of one document count a little less. Running headers/footers are
removed at extraction and never indexed. See docs/search.md. The parts: ``index.plan`` (query
plan), ``index.columns`` (filters and facets), ``index.evaluate`` (query trees over an engine's
postings), ``index.ranking`` (top hits, bonuses, snippets), ``index.generation`` (opening a
generation with its engine: ``index.readers``), ``index.types`` (the JSON shape).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from scsearch.index import qtree as Q
from scsearch.index import store
from scsearch.index.arrays import touch
from scsearch.index.columns import empty_facets, facet_counts, filter_mask
from scsearch.index.coordination import coordinate
from scsearch.index.generation import Generation, active_lemmatizer_name, open_generation, prewarm_postings
from scsearch.index.hot_postings import HOT_TERMS
from scsearch.index.lexicon import Lexicon, dictionary_lemmas, set_cache_dir
from scsearch.index.plan import QueryPlan, QueryPlanner
from scsearch.index.query import ParsedQuery, is_stopword, parse
from scsearch.index.ranking import ranked_hits
from scsearch.index.stored import StoredRecord
from scsearch.index.types import QueryExpansion, SearchRequest, SearchResponse
from scsearch.language.tokenize import fold

BACKFILL_BELOW = 3  # fewer pages with every word than this: pages with some of the words follow them

__all__ = ["Searcher", "active_lemmatizer_name"]


def _places(n: int) -> str:
    return {1: "1 místo", 2: "2 místa"}.get(n, f"{n} míst")


class Searcher:
    """Searches the current generation; re-opens when a new generation is published."""

    def __init__(self, data_dir: str | Path, *, prewarm: int = 0) -> None:
        """``prewarm``: after a generation is opened, read the postings of that many of the most
        frequent lemmas in a background thread (for a long-running server; the CLI leaves it 0)."""
        self.data_dir = Path(data_dir)
        self.prewarm_terms = prewarm
        self._prewarm_thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._state: Generation | None = None
        self._active_lemmatizer: str | None = None
        self._planner: QueryPlanner | None = None
        set_cache_dir(self.data_dir / "cache")

    def wait_warm(self, timeout: float = 120.0) -> None:
        """Block until the pre-reading of the current generation is done (benchmarks, tests)."""
        thread = self._prewarm_thread
        if thread is not None:
            thread.join(timeout)

    # ------------------------------------------------------------ opening
    def _open(self) -> Generation | None:
        """The current generation, opened (or re-opened when a newer one was published).

        A search works on one snapshot from start to end; the previous snapshot is left to
        the garbage collector, so requests still using it finish undisturbed."""
        gen = store.current_generation(self.data_dir)
        state = self._state
        if gen is None:
            return state
        if state is not None and state.path == gen:
            return state
        with self._lock:
            state = self._state
            if state is not None and state.path == gen:
                return state
            state = open_generation(gen)
            self._state = state
            if self.prewarm_terms:
                self._prewarm_thread = threading.Thread(target=prewarm_postings, args=(state, self.prewarm_terms),
                                                        daemon=True, name="scsearch-prewarm")
                self._prewarm_thread.start()
        return state

    def prewarm(self) -> None:
        """Open the current generation (mapping or, once, writing its arrays), read the mapped pages
        and the postings of the most frequent lemmas; cheap enough for a background thread at start."""
        st = self._open()
        if st is None:
            return
        touch([*st.cols.arrays(), *st.fast.arrays()])
        if not self.prewarm_terms:
            prewarm_postings(st, HOT_TERMS)
        else:
            self.wait_warm()

    def _ensure_open(self) -> bool:
        return self._open() is not None

    @property
    def engine(self) -> str:
        """The engine of the current generation (whoosh or tantivy)."""
        state = self._open()
        return state.reader.engine if state else ""

    @property
    def meta(self) -> dict[str, Any]:
        state = self._open()
        return state.meta if state else {}

    @property
    def lexicon(self) -> Lexicon:
        state = self._open()
        return state.lexicon if state else Lexicon()

    @property
    def generation(self) -> str | None:
        state = self._open()
        return state.path.name if state else None

    def close(self) -> None:
        with self._lock:
            state, self._state = self._state, None
        if state is not None:
            state.reader.close()

    # ------------------------------------------------------------ query building
    def planner(self) -> QueryPlanner:
        """The planner of the current generation's lexicon (its candidate memo lives as long as it)."""
        lexicon = self.lexicon
        planner = self._planner
        if planner is None or planner.lexicon is not lexicon:
            planner = self._planner = QueryPlanner(lexicon)
        return planner

    def build(self, pq: ParsedQuery) -> tuple[Q.Query | None, QueryPlan]:
        """The whoosh query for a parsed query and its plan (``QueryPlanner.build``)."""
        return self.planner().build(pq)

    # ------------------------------------------------------------ searching
    def search(self, req: SearchRequest) -> SearchResponse:
        st = self._open()
        if st is None:
            return SearchResponse(query=req.query, total=0, hits=(), facets=empty_facets(),
                                  notices=("Index je prázdný: nejprve spusťte „scsearch ingest“.",))
        with st.fast.one_search():
            return self._search(st, req)

    def _search(self, st: Generation, req: SearchRequest) -> SearchResponse:
        pq = parse(req.query)
        notices = list(pq.notices)
        notices.extend(self._lemmatizer_notice(st))
        query, plan = self.build(pq)
        partial = False
        suggestion: str | None = None
        if query is None:
            if not (pq.ministries or pq.doc_types or pq.years or pq.date_from or pq.date_to or req.ministries
                    or req.doc_types or req.years or req.meetings or req.date_from or req.date_to
                    or req.deadline_from or req.deadline_to):
                return SearchResponse(query=req.query, total=0, hits=(), facets=empty_facets(),
                                      notices=tuple(notices))
            query = Q.Every()
        allowed = filter_mask(st.cols, st.filter_cache, req, pq)
        mask, scores = self._evaluate(st, query)
        full = mask  # the pages with every word: they rank above the others (index/coordination.py)
        total = int(np.count_nonzero(mask & allowed))
        if total < BACKFILL_BELOW and len(pq.positive) > 1:
            pquery = plan.some_words
            if pquery is not None:
                pmask, pscores = self._evaluate(st, pquery)
                ptotal = int(np.count_nonzero(pmask & allowed))
                if ptotal > total and not total:
                    query, mask, scores, total, partial = pquery, pmask, pscores, ptotal, True
                    notices.append("Žádná stránka neobsahuje všechna slova dotazu; zobrazeny stránky, "
                                   "které obsahují jen některá z nich.")
                elif ptotal > total:
                    # few pages have every word: list them first, then the pages with only some of the words
                    mask = mask | pmask
                    notices.append(f"Všechna slova dotazu obsahuje jen {_places(total)}; pod nimi následují "
                                   "stránky, které obsahují jen některá z nich.")
                    total = ptotal
        if total < 3:
            corrected = self._suggest(pq, req)
            if corrected is not None:
                cq = parse(corrected)
                cquery, cplan = self.build(cq)
                if cquery is not None:
                    cmask, cscores = self._evaluate(st, cquery)
                    ctotal = int(np.count_nonzero(cmask & allowed))
                    if ctotal > total:
                        suggestion = corrected
                        if not total:
                            notices.append(f"Pro „{req.query}“ nebylo nic nalezeno; zobrazeny výsledky pro „{corrected}“.")
                            query, plan, mask, scores, total, pq = cquery, cplan, cmask, cscores, ctotal, cq
                            full = cmask
        sel = mask & allowed
        if plan.concepts:  # one ranking for full and partial matches
            with st.io:
                scores = coordinate(st.fast, list(plan.concepts), sel, full & allowed)
        if req.limit > req.hit_cap:
            notices.append(f"Vráceno nejvýše {req.hit_cap} výsledků najednou (limit); další získáte parametrem offset.")
        facets = facet_counts(st.cols, st.filter_cache, mask, req, pq)
        hits, groups, total_docs = ranked_hits(st, sel, scores, req, plan)
        return SearchResponse(
            query=req.query,
            total=total,
            hits=tuple(hits),
            facets=facets,
            notices=tuple(notices),
            suggestion=suggestion,
            partial=partial,
            groups=tuple(groups),
            total_docs=total_docs,
            expansions=tuple(QueryExpansion(w, tuple(e.label for e in exp)) for w, exp in plan.expansions),
        )

    @staticmethod
    def _evaluate(st: Generation, query: Q.Query) -> tuple[np.ndarray, np.ndarray]:
        with st.io:
            return st.fast.evaluate(query)

    def _suggest(self, pq: ParsedQuery, req: SearchRequest) -> str | None:
        changed = False
        words: list[str] = []
        for c in pq.clauses:
            if c.phrase or c.alternatives or c.exact or c.prefix or c.negated:
                return None
            w = c.words[0]
            if self.lexicon.frequency(w) == 0 and not dictionary_lemmas(fold(w)) and not is_stopword(w):
                s = self.lexicon.suggest(w)
                if s:
                    words.append(s)
                    changed = True
                    continue
            words.append(w)
        return " ".join(words) if changed else None

    def _lemmatizer_notice(self, st: Generation) -> list[str]:
        """A warning when the index was built by another lemmatiser than the one now active."""
        built = str(st.meta.get("lemmatizer") or "")
        if self._active_lemmatizer is None:
            self._active_lemmatizer = active_lemmatizer_name()
        active = self._active_lemmatizer
        if built and active and built.split("/")[0] != active:
            return [
                f"Index vytvořil lemmatizátor {built.split('/')[0]}, nyní je aktivní {active}: "
                "tvary slov se nemusí shodovat. Přestavte index příkazem „scsearch reindex --full“."
            ]
        return []

    # ------------------------------------------------------------ documents
    def document_units(self, doc_id: str) -> list[dict[str, Any]]:
        """Stored fields of every unit of a document, in order (decisions last)."""
        return [dict(rec.fields) for rec in self.document_records(doc_id)]

    def document_records(self, doc_id: str) -> list[StoredRecord]:
        """Every record of a document, in order (decisions last)."""
        st = self._open()
        if st is None:
            return []
        with st.io:
            units = [StoredRecord.from_fields(f) for f in st.reader.documents(doc_id)]
        units.sort(key=lambda r: r.get("unit_index", 0))
        return units

    def documents(self) -> list[dict[str, Any]]:
        """One summary per indexed document (from the manifest of the current generation)."""
        st = self._open()
        if st is None:
            return []
        manifest = store.read_manifest(st.path)
        docs = [dict(v, path=k) for k, v in manifest.items() if v.get("status") == "indexed"]
        docs.sort(key=lambda d: (d.get("date") or "", d.get("path", "")))
        return docs

    def stats(self) -> dict[str, Any]:
        st = self._open()
        if st is None:
            return {"generation": None, "records": 0}
        return {
            "generation": st.path.name,
            "records": int(np.count_nonzero(st.cols.alive)),
            "lemmatizer": st.meta.get("lemmatizer"),
            "lemmatizer_reason": st.meta.get("lemmatizer_reason"),
            "committed_at": st.meta.get("committed_at"),
            "schema_version": st.meta.get("schema_version"),
            "engine": st.reader.engine,
        }
