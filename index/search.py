"""Searching: query -> ranked page hits with snippets, filters and facets.

Scores are BM25F (whoosh's formula, computed vectorised by ``index.fastscore``) over the
folded lemmas of the text (``lemma``), of the title and unit heading (``head``, x HEAD_BOOST),
the exact lowercase surface forms (``form``, a bonus x FORM_BOOST so the exact wording ranks
first) and light stems (``stem``, x STEM_BOOST). The top hits are then re-ranked: words
standing together and the exact wording multiply the score, further pages of one document
count a little less. Running headers/footers are removed at extraction and never indexed.
See docs/search.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as windex
from whoosh import query as Q

from scsearch.index import store
from scsearch.index.citation import citation
from scsearch.index.dedup import collapse_formats
from scsearch.index.fastscore import FastScorer
from scsearch.index.lexicon import Lexicon, dictionary_forms, set_cache_dir
from scsearch.index.query import Clause, ParsedQuery, is_stopword, parse
from scsearch.index.snippets import make_snippet
from scsearch.index.types import DocGroup, Hit, SearchRequest, SearchResponse
from scsearch.language.stemmer import stem
from scsearch.language.tokenize import fold, normalize_token, tokenize

HEAD_BOOST = 2.5
FORM_BOOST = 0.6
ENTITY_BOOST = 1.5
PROXIMITY_BONUS = 0.3  # score x 1.3 when the words stand together (within 2 words, in order)
EXACT_BONUS = 0.15  # and x 1.15 more when the exact wording typed is on the page
DIVERSITY = 0.9  # score factor for each further page of the same document in the top hits
RERANK_DEPTH = 50
BACKFILL_BELOW = 3  # fewer pages with every word than this: pages with some of the words follow them  # how many top hits the positional bonuses re-rank
GROUP_DEPTH = 300  # how many top hits feed the grouping by document
STEM_BOOST = 0.35
SYNONYM_BOOST = 0.5
MAX_CANDIDATES = 5


def _date_int(d: dt.date | None) -> int:
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def _date_from_int(v: int | None) -> dt.date | None:
    if not v:
        return None
    try:
        return dt.date(v // 10000, v // 100 % 100, v % 100)
    except ValueError:
        return None


@dataclass
class _Columns:
    """Per-generation arrays for filters and facets (index = docnum)."""

    n: int
    alive: np.ndarray  # bool
    decision: np.ndarray  # bool: decision records
    date: np.ndarray  # int32 yyyymmdd, 0 unknown
    doc_type: np.ndarray  # int16 codes into doc_type_names
    doc_type_names: list[str]
    year: np.ndarray
    year_names: list[str]
    meeting: np.ndarray
    meeting_names: list[str]
    doc_id: np.ndarray  # int32 codes (distinct documents)
    ministry: np.ndarray  # bool [n, len(ministry_names)]
    ministry_names: list[str]
    deadline: np.ndarray  # int32 yyyymmdd of a decision's deadline, 0 none
    doc_id_names: list[str] = field(default_factory=list)  # doc_id code -> doc_id


@dataclass
class _Generation:
    """Everything a search reads, swapped as one object when a new generation is published."""

    path: Path
    searcher: Any
    meta: dict[str, Any]
    lexicon: Lexicon
    cols: _Columns
    fast: FastScorer
    filter_cache: dict[tuple[Any, ...], np.ndarray]
    # whoosh readers are not documented as thread-safe: every read of the files goes under this lock
    # (the web app serves requests from several threads); numpy work on cached arrays needs none
    io: threading.RLock = field(default_factory=threading.RLock)


def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(values))
    index = {v: i for i, v in enumerate(names)}
    return np.array([index[v] for v in values], dtype=np.int32), names


COLUMNS_FILE = "columns.pickle"
COLUMNS_VERSION = 4


def _places(n: int) -> str:
    return {1: "1 místo", 2: "2 místa"}.get(n, f"{n} míst")


def _prewarm(st: _Generation, number: int) -> None:
    """Read the postings of the most frequent lemmas (and the positions of the most frequent quarter)
    into the scorer's cache, one term at a time under the I/O lock, so the first searches after a
    re-index find them warm."""
    try:
        with st.io:
            terms = st.searcher.reader().most_frequent_terms("lemma", number=number)
        field = st.searcher.schema["lemma"]
        for rank, (_freq, text) in enumerate(terms):
            btext = text if isinstance(text, bytes) else field.to_bytes(text)
            with st.io:
                st.fast.postings("lemma", btext)
                if rank < number // 4:  # positions (for phrases) of the most frequent quarter
                    st.fast.positions("lemma", btext)
    except Exception:  # noqa: BLE001 - warming is an optimisation; a closed reader just stops it
        return


def _deadline_int(decision_json: str) -> int:
    try:
        value = json.loads(decision_json).get("deadline") or ""
        return int(value.replace("-", "")) if len(value) == 10 else 0
    except (ValueError, AttributeError):
        return 0


def _build_columns(gen: Path, searcher: Any) -> _Columns:
    """Read the filter values of every record once per generation (cached in the generation folder)."""
    n = searcher.doc_count_all()
    cache = gen / COLUMNS_FILE
    try:
        with open(cache, "rb") as fh:
            version, cols = pickle.load(fh)
        if version == COLUMNS_VERSION and isinstance(cols, _Columns) and cols.n == n:
            return cols
    except (OSError, pickle.PickleError, EOFError, ValueError, AttributeError, TypeError):
        pass
    alive = np.zeros(n, dtype=bool)
    decision = np.zeros(n, dtype=bool)
    date = np.zeros(n, dtype=np.int32)
    deadline = np.zeros(n, dtype=np.int32)
    types, years, meetings, docs = [""] * n, [""] * n, [""] * n, [""] * n
    mins: list[tuple[str, ...]] = [()] * n
    for docnum, fields in searcher.reader().iter_docs():
        alive[docnum] = True
        decision[docnum] = fields.get("kind") == "decision"
        date[docnum] = int(fields.get("date") or 0)
        types[docnum] = fields.get("doc_type", "") or ""
        years[docnum] = fields.get("year", "") or ""
        meetings[docnum] = fields.get("meeting", "") or ""
        docs[docnum] = fields.get("doc_id", "") or ""
        mins[docnum] = tuple(m for m in (fields.get("ministry") or "").split(",") if m)
        if fields.get("decision"):
            deadline[docnum] = _deadline_int(fields["decision"])
    ministry_names = sorted({m for ms in mins for m in ms})
    col = {m: i for i, m in enumerate(ministry_names)}
    ministry = np.zeros((n, len(ministry_names)), dtype=bool)
    for docnum, ms in enumerate(mins):
        for m in ms:
            ministry[docnum, col[m]] = True
    doc_type, doc_type_names = _codes(types)
    year, year_names = _codes(years)
    meeting, meeting_names = _codes(meetings)
    doc_id, doc_id_names = _codes(docs)
    cols = _Columns(n, alive, decision, date, doc_type, doc_type_names, year, year_names, meeting, meeting_names,
                    doc_id, ministry, ministry_names, deadline, doc_id_names)
    try:
        tmp = cache.with_name(f"{COLUMNS_FILE}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump((COLUMNS_VERSION, cols), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only index still works, it just reads the columns again next time
    return cols


class Searcher:
    """Searches the current generation; re-opens when a new generation is published."""

    def wait_warm(self, timeout: float = 120.0) -> None:
        """Block until the pre-reading of the current generation is done (benchmarks, tests)."""
        thread = self._prewarm_thread
        if thread is not None:
            thread.join(timeout)

    def __init__(self, data_dir: str | Path, *, prewarm: int = 0) -> None:
        """``prewarm``: after a generation is opened, read the postings of that many of the most
        frequent lemmas in a background thread (for a long-running server; the CLI leaves it 0)."""
        self.data_dir = Path(data_dir)
        self.prewarm = prewarm
        self._prewarm_thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._state: _Generation | None = None
        self._active_lemmatizer: str | None = None
        set_cache_dir(self.data_dir / "cache")

    # ------------------------------------------------------------ opening
    def _open(self) -> _Generation | None:
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
            searcher = windex.open_dir(str(gen)).searcher()
            state = _Generation(
                path=gen,
                searcher=searcher,
                meta=store.read_meta(gen),
                lexicon=Lexicon.load(gen),
                cols=collapse_formats(_build_columns(gen, searcher), store.read_manifest(gen)),
                fast=FastScorer(searcher),
                filter_cache={},
            )
            self._state = state
            if self.prewarm:
                self._prewarm_thread = threading.Thread(target=_prewarm, args=(state, self.prewarm), daemon=True,
                                                        name="scsearch-prewarm")
                self._prewarm_thread.start()
        return state

    def _ensure_open(self) -> bool:
        return self._open() is not None

    @property
    def _searcher(self) -> Any:
        state = self._open()
        return state.searcher if state else None

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
            state.searcher.close()

    # ------------------------------------------------------------ query building
    def candidates(self, word: str, synonyms: bool = True) -> list[str]:
        """Folded index lemmas a typed word may stand for (its synonyms included)."""
        f = fold(word)
        cands = self.lexicon.lemmas_for(f)[:MAX_CANDIDATES]
        if not cands:
            cands = list(dictionary_forms().get(f, ()))[:MAX_CANDIDATES]
        if f not in cands:
            cands.append(f)
        if synonyms:
            cands.extend(self.synonyms(cands))
        return cands

    @staticmethod
    def synonyms(lemmas: list[str]) -> list[str]:
        out: list[str] = []
        for c in lemmas:
            for syn in synonym_groups().get(c, ()):
                if syn not in lemmas and syn not in out:
                    out.append(syn)
        return out

    def _word_query(self, word: str, exact: bool, prefix: bool) -> Q.Query:
        norm = normalize_token(word)
        if prefix:
            head = fold(word.rstrip("*"))
            return Q.Or([Q.Prefix("lemma", head), Q.Prefix("form", normalize_token(word.rstrip("*")))])
        if exact:
            return Q.Term("form", norm)
        subs: list[Q.Query] = []
        primary = self.candidates(word, synonyms=False)
        for c in primary:
            subs.append(Q.Term("lemma", c))
            subs.append(Q.Term("head", c, boost=HEAD_BOOST))
        for c in self.synonyms(primary):
            subs.append(Q.Term("lemma", c, boost=SYNONYM_BOOST))
            subs.append(Q.Term("head", c, boost=HEAD_BOOST * SYNONYM_BOOST))
        subs.append(Q.Term("form", norm, boost=FORM_BOOST))
        st = stem(word)
        if len(st) >= 4:
            subs.append(Q.Term("stem", st, boost=STEM_BOOST))
        return Q.Or(subs)

    def _phrase_query(self, words: list[str], exact: bool) -> Q.Query:
        if exact:
            return Q.Phrase("form", [normalize_token(w) for w in words])
        parts = [Q.Or([Q.Term("lemma", c) for c in self.candidates(w)]) for w in words]
        return Q.Sequence(parts)

    def _clause_query(self, clause: Clause) -> Q.Query:
        if clause.alternatives:
            return Q.Or([self._single_clause(c) for c in clause.alternatives])
        return self._single_clause(clause)

    def _single_clause(self, clause: Clause) -> Q.Query:
        if clause.phrase and len(clause.words) > 1:
            return self._phrase_query(clause.words, clause.exact)
        return self._word_query(clause.words[0], clause.exact, clause.prefix)

    def _entity_groups(self, clauses: list[Clause]) -> list[tuple[list[int], str]]:
        """Runs of plain single-word clauses that name an entity (ministry, programme, body)."""
        from scsearch.language.entities import entity_token, find_entities, normalize_ministry

        plain = [
            i
            for i, c in enumerate(clauses)
            if not c.negated and not c.phrase and not c.exact and not c.prefix and not c.alternatives
        ]
        text = ""
        spans: list[tuple[int, int, int]] = []
        for i in plain:
            start = len(text)
            text += clauses[i].words[0]
            spans.append((i, start, len(text)))
            text += " "
        groups: list[tuple[list[int], str]] = []
        used: set[int] = set()
        for m in find_entities(text):
            idx = [i for i, s, e in spans if s >= m.start and e <= m.end]
            if idx and not used & set(idx):
                groups.append((idx, entity_token(m.code)))
                used |= set(idx)
        for i, _s, _e in spans:
            w = clauses[i].words[0]
            if i in used or len(w) > 5:
                continue
            code = normalize_ministry(w)
            if code and (w.isupper() or code.upper() not in ("MD", "MV", "MK")):
                groups.append(([i], entity_token(code)))
                used.add(i)
        return groups

    def build(self, pq: ParsedQuery, *, partial: bool = False) -> tuple[Q.Query | None, dict[str, Any]]:
        """The whoosh query for a parsed query, and the terms for highlighting and re-ranking.

        Only what decides a match goes into the whoosh query; the bonuses that need
        positions (words standing together, the exact wording) are applied to the top
        hits afterwards (``_rerank``), which keeps span matching off the hot path.
        """
        clauses = pq.clauses
        terms: dict[str, Any] = {"lemmas": set(), "forms": set(), "prefixes": set(), "stems": set(),
                                 "proximity": [], "exact_phrases": []}
        required: list[Q.Query] = []
        negative: list[Q.Query] = []
        positive = [c for c in clauses if not c.negated]
        all_stop = all(not c.phrase and not c.alternatives and is_stopword(c.words[0]) for c in positive)
        groups = self._entity_groups(clauses)
        grouped = {i for idx, _ in groups for i in idx}
        for idx, tok in groups:
            words = [clauses[i].words[0] for i in idx]
            # a page naming the entity carries its token; the words themselves are the fallback
            # (all of them, anywhere on the page: no span matching on this path)
            if partial:  # every word counts on its own when only some words need to match
                required.append(Q.Term("entity", tok, boost=ENTITY_BOOST))
                required.extend(self._word_query(w, False, False) for w in words)
            else:
                alt = Q.And([self._word_query(w, False, False) for w in words]) if len(words) > 1 \
                    else self._word_query(words[0], False, False)
                required.append(Q.Or([Q.Term("entity", tok, boost=ENTITY_BOOST), alt]))
            if len(words) > 1:
                terms["proximity"] = [*terms["proximity"], *[set(self.candidates(w)) for w in words]]
            for w in words:
                terms["lemmas"].update(self.candidates(w))
        for i, c in enumerate(clauses):
            if i in grouped:
                continue
            if not c.negated and not all_stop and not c.phrase and not c.alternatives and not c.exact \
                    and is_stopword(c.words[0]):
                continue  # function words need not match (and would match nearly every page)
            q = self._clause_query(c)
            if c.negated:
                negative.append(q)
                continue
            for alt in c.alternatives or [c]:
                for w in alt.words:
                    if alt.prefix:
                        terms["prefixes"].add(fold(w.rstrip("*")))
                    elif alt.exact:
                        terms["forms"].add(normalize_token(w))
                    else:
                        terms["lemmas"].update(self.candidates(w))
                        terms["forms"].add(normalize_token(w))
                        if len(stem(w)) >= 4:
                            terms["stems"].add(stem(w))
                if alt.phrase and len(alt.words) > 1:
                    terms["exact_phrases"].append([normalize_token(w) for w in alt.words])
            required.append(q)
        plain = [c.words[0] for c in positive if not c.phrase and not c.alternatives and not c.exact
                 and not c.prefix and (all_stop or not is_stopword(c.words[0]))]
        if len(plain) > 1:
            terms["proximity"] = [set(self.candidates(w)) for w in plain]
            terms["exact_phrases"].append([normalize_token(w) for w in plain])
        if not required:
            return None, terms
        if partial:
            main: Q.Query = Q.Or(required)
        else:
            main = Q.And(required) if len(required) > 1 else required[0]
        if negative:
            main = Q.AndNot(main, Q.Or(negative))
        return main, terms

    # ------------------------------------------------------------ filtering
    def _filter_mask(self, st: _Generation, req: SearchRequest, pq: ParsedQuery, skip: str = "") -> np.ndarray:
        """Records passing the filters (all of them but ``skip``, for that facet's counts); cached."""
        ministries = tuple(sorted(set(req.ministries) | set(pq.ministries)))
        types = tuple(sorted(set(req.doc_types) | set(pq.doc_types)))
        years = tuple(sorted({str(y) for y in req.years} | {str(y) for y in pq.years}))
        meetings = tuple(sorted({str(m) for m in req.meetings}))
        dfrom = pq.date_from or req.date_from
        dto = pq.date_to or req.date_to
        lo = dfrom.year * 10000 + dfrom.month * 100 + dfrom.day if dfrom else 0
        hi = dto.year * 10000 + dto.month * 100 + dto.day if dto else 0
        want_decisions = req.include_decisions or "decision" in types
        dl_lo = _date_int(req.deadline_from)
        dl_hi = _date_int(req.deadline_to)
        key = (
            () if skip == "ministry" else ministries,
            () if skip == "doc_type" else types,
            () if skip == "year" else years,
            () if skip == "meeting" else meetings,
            lo,
            hi,
            want_decisions,
            dl_lo,
            dl_hi,
        )
        cached = st.filter_cache.get(key)
        if cached is not None:
            return cached
        cols = st.cols
        mask = cols.alive.copy()
        if not want_decisions:
            mask &= ~cols.decision
        for values, column, names in (
            (key[1], cols.doc_type, cols.doc_type_names),
            (key[2], cols.year, cols.year_names),
            (key[3], cols.meeting, cols.meeting_names),
        ):
            if values:
                wanted = [i for i, name in enumerate(names) if name in values]
                mask &= np.isin(column, wanted)
        if key[0]:
            idx = [i for i, name in enumerate(cols.ministry_names) if name in key[0]]
            mask &= cols.ministry[:, idx].any(axis=1) if idx else False
        if lo:
            mask &= cols.date >= lo
        if hi:
            mask &= (cols.date > 0) & (cols.date <= hi)
        if dl_lo or dl_hi:  # a deadline range keeps only decisions with a deadline inside it
            mask &= cols.deadline > 0
            if dl_lo:
                mask &= cols.deadline >= dl_lo
            if dl_hi:
                mask &= cols.deadline <= dl_hi
        if len(st.filter_cache) > 256:
            st.filter_cache.clear()
        st.filter_cache[key] = mask
        return mask

    def _facets(self, st: _Generation, matched: np.ndarray, req: SearchRequest, pq: ParsedQuery
                ) -> dict[str, dict[str, int]]:
        """Counts per facet value over the matched records, every filter applied but the facet's own."""
        cols = st.cols
        out: dict[str, dict[str, int]] = {}
        for name, column, names in (
            ("ministry", None, cols.ministry_names),
            ("doc_type", cols.doc_type, cols.doc_type_names),
            ("year", cols.year, cols.year_names),
            ("meeting", cols.meeting, cols.meeting_names),
        ):
            sel = matched & self._filter_mask(st, req, pq, skip=name)
            if column is None:
                counts = cols.ministry[sel].sum(axis=0) if cols.ministry.shape[1] else np.zeros(0, dtype=np.int64)
            else:
                counts = np.bincount(column[sel], minlength=len(names))
            pairs = [(names[i], int(c)) for i, c in enumerate(counts) if c and names[i]]
            out[name] = dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
        return out

    # ------------------------------------------------------------ searching
    def search(self, req: SearchRequest) -> SearchResponse:
        st = self._open()
        if st is None:
            return SearchResponse(query=req.query, total=0, hits=(), facets=_empty_facets(),
                                  notices=("Index je prázdný: nejprve spusťte „scsearch ingest“.",))
        pq = parse(req.query)
        notices = list(pq.notices)
        notices.extend(self._lemmatizer_notice(st))
        query, terms = self.build(pq)
        partial = False
        suggestion: str | None = None
        if query is None:
            if not (pq.ministries or pq.doc_types or pq.years or pq.date_from or pq.date_to or req.ministries
                    or req.doc_types or req.years or req.meetings or req.date_from or req.date_to
                    or req.deadline_from or req.deadline_to):
                return SearchResponse(query=req.query, total=0, hits=(), facets=_empty_facets(),
                                      notices=tuple(notices))
            query = Q.Every()
        allowed = self._filter_mask(st, req, pq)
        mask, scores = self._evaluate(st, query)
        total = int(np.count_nonzero(mask & allowed))
        if total < BACKFILL_BELOW and len(pq.positive) > 1:
            pquery, _ = self.build(pq, partial=True)
            if pquery is not None:
                pmask, pscores = self._evaluate(st, pquery)
                ptotal = int(np.count_nonzero(pmask & allowed))
                if ptotal > total and not total:
                    query, mask, scores, total, partial = pquery, pmask, pscores, ptotal, True
                    notices.append("Žádná stránka neobsahuje všechna slova dotazu; zobrazeny stránky, "
                                   "které obsahují jen některá z nich.")
                elif ptotal > total:
                    # few pages have every word: list them first, then the pages with only some of the words
                    on_top = float(pscores[pmask].max()) + 1.0
                    scores = np.where(mask, scores + on_top, pscores).astype(np.float32)
                    mask = mask | pmask
                    notices.append(f"Všechna slova dotazu obsahuje jen {_places(total)}; pod nimi následují "
                                   "stránky, které obsahují jen některá z nich.")
                    total = ptotal
        if total < 3:
            corrected = self._suggest(pq, req)
            if corrected is not None:
                cq = parse(corrected)
                cquery, cterms = self.build(cq)
                if cquery is not None:
                    cmask, cscores = self._evaluate(st, cquery)
                    ctotal = int(np.count_nonzero(cmask & allowed))
                    if ctotal > total:
                        suggestion = corrected
                        if not total:
                            notices.append(f"Pro „{req.query}“ nebylo nic nalezeno; zobrazeny výsledky pro „{corrected}“.")
                            query, terms, mask, scores, total, pq = cquery, cterms, cmask, cscores, ctotal, cq
        facets = self._facets(st, mask, req, pq)
        hits, groups, total_docs = self._ranked(st, mask, scores, allowed, req, terms)
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
        )

    @staticmethod
    def _evaluate(st: _Generation, query: Q.Query) -> tuple[np.ndarray, np.ndarray]:
        with st.io:
            return st.fast.evaluate(query)

    def _ranked(
        self, st: _Generation, mask: np.ndarray, scores: np.ndarray, allowed: np.ndarray, req: SearchRequest,
        terms: dict[str, Any],
    ) -> tuple[list[Hit], list[DocGroup], int]:
        limit = max(1, min(req.limit, 1000))
        offset = max(0, req.offset)
        sel = mask & allowed
        if not sel.any():
            return [], [], 0
        total_docs = int(np.unique(st.cols.doc_id[sel]).size)
        if req.group:
            # rank the best pages, then one group per document (other formats of a document are left
            # out of the columns at open: ``dedup.collapse_formats``)
            depth = max(GROUP_DEPTH, (offset + limit) * 10)
            ranked = self._top(st, mask, scores, allowed, depth, terms, req.sort)
            order: dict[str, list[tuple[float, dict[str, Any]]]] = {}
            for item in ranked:
                order.setdefault(item[1]["doc_id"], []).append(item)
            families = list(order)
            groups = []
            for fam in families[offset : offset + limit]:
                hits = [self._hit(f, score, terms) for score, f in order[fam][:3]]
                groups.append(DocGroup(doc_id=hits[0].doc_id, best=hits[0], hits=tuple(hits)))
            return [g.best for g in groups], groups, total_docs
        ranked = self._top(st, mask, scores, allowed, offset + limit, terms, req.sort)
        hits = [self._hit(f, score, terms) for score, f in ranked[offset : offset + limit]]
        return hits, [], total_docs

    def _top(
        self, st: _Generation, mask: np.ndarray, scores: np.ndarray, allowed: np.ndarray, n: int,
        terms: dict[str, Any], sort: str,
    ) -> list[tuple[float, dict[str, Any]]]:
        """The top ``n`` records as (score, stored fields): by relevance re-ranked with the positional
        bonuses, or by date (newest or oldest first, relevance breaking ties)."""
        if sort in ("date", "date_asc"):
            cand = np.nonzero(mask & allowed)[0]
            dates = st.cols.date[cand].astype(np.int64)
            order = np.lexsort((-scores[cand], -dates if sort == "date" else dates))[:n]
            with st.io:
                return [(float(scores[d]), dict(st.searcher.stored_fields(int(d)))) for d in cand[order]]
        depth = max(n, RERANK_DEPTH)
        with st.io:
            top = [(float(score), dict(st.searcher.stored_fields(int(d))))
                   for d, score in st.fast.top(mask, scores, depth, allowed)]
        if terms.get("proximity") or terms.get("exact_phrases"):
            top = [(score * _bonus(fields, terms), fields) for score, fields in top]
            top.sort(key=lambda item: -item[0])
        # diversity: each further page of a document already listed counts a little less, so one long
        # document does not fill the first page of results when others match almost as well
        seen: dict[str, int] = {}
        diversified = []
        for score, fields in top:
            k = seen.get(fields.get("doc_id", ""), 0)
            seen[fields.get("doc_id", "")] = k + 1
            diversified.append((score * DIVERSITY**k, fields))
        diversified.sort(key=lambda item: -item[0])
        return diversified[:n]

    def _hit(self, f: dict[str, Any], score: float, terms: dict[str, Any]) -> Hit:
        date = _date_from_int(f.get("date"))
        snippet = make_snippet(
            f.get("text", ""), f.get("lemma", ""), terms["lemmas"], terms["forms"], terms["prefixes"], terms.get("stems", set())
        )
        ministries = tuple(m for m in (f.get("ministry") or "").split(",") if m)
        decision = json.loads(f["decision"]) if f.get("decision") else None
        return Hit(
            record_id=f["record_id"],
            doc_id=f["doc_id"],
            path=f["path"],
            title=f.get("title", ""),
            doc_type=f.get("doc_type", "other"),
            date=date,
            ministries=ministries,
            page=f.get("page"),
            snippet=snippet,
            score=score,
            page_label=f.get("page_label"),
            method=f.get("method", "text"),
            kind=f.get("kind", "page"),
            citation=citation(f.get("title", ""), f.get("doc_type", ""), date, f.get("kind", "page"),
                              f.get("page"), f.get("page_label"), f.get("meeting")),
            decision=decision,
        )

    def _suggest(self, pq: ParsedQuery, req: SearchRequest) -> str | None:
        changed = False
        words: list[str] = []
        for c in pq.clauses:
            if c.phrase or c.alternatives or c.exact or c.prefix or c.negated:
                return None
            w = c.words[0]
            if self.lexicon.frequency(w) == 0 and not dictionary_forms().get(fold(w)) and not is_stopword(w):
                s = self.lexicon.suggest(w)
                if s:
                    words.append(s)
                    changed = True
                    continue
            words.append(w)
        return " ".join(words) if changed else None

    def _lemmatizer_notice(self, st: _Generation) -> list[str]:
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
        st = self._open()
        if st is None:
            return []
        with st.io:
            units = [dict(f) for f in st.searcher.documents(doc_id=doc_id)]
        units.sort(key=lambda f: f.get("unit_index", 0))
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
        }


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


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Folded lemma -> the other lemmas of its group (index/data/synonyms_cs.txt)."""
    text = resources.files("scsearch.index").joinpath("data/synonyms_cs.txt").read_text(encoding="utf-8")
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        group = line.split()
        for w in group:
            out[w] = tuple(x for x in group if x != w)
    return out


def _bonus(fields: dict[str, Any], terms: dict[str, Any]) -> float:
    """Score multiplier for a hit: query words together on the page, and the exact wording."""
    factor = 1.0
    proximity: list[set[str]] = terms.get("proximity") or []
    if proximity:
        lemmas = (fields.get("lemma") or "").split(" ")
        if _in_order(lemmas, proximity, slop=2):
            factor += PROXIMITY_BONUS
    phrases: list[list[str]] = terms.get("exact_phrases") or []
    if phrases:
        forms = [normalize_token(t) for _, _, t in tokenize(fields.get("text") or "")]
        if any(_in_order(forms, [{w} for w in phrase], slop=0) for phrase in phrases):
            factor += EXACT_BONUS
    return factor


def _in_order(tokens: list[str], wanted: list[set[str]], slop: int) -> bool:
    """Whether tokens contain one of wanted[0], then wanted[1] … each within ``slop`` extra words."""
    if not wanted:
        return False
    first = wanted[0]
    for start, tok in enumerate(tokens):
        if tok not in first:
            continue
        pos = start
        for nxt in wanted[1:]:
            found = next((j for j in range(pos + 1, min(len(tokens), pos + 2 + slop)) if tokens[j] in nxt), None)
            if found is None:
                break
            pos = found
        else:
            return True
    return False


def _empty_facets() -> dict[str, dict[str, int]]:
    return {"ministry": {}, "doc_type": {}, "year": {}, "meeting": {}}
