"""Searching: query -> ranked page hits with snippets, filters and facets.

Scores are whoosh BM25F over three fields: folded lemmas of the text (``lemma``),
folded lemmas of the title and unit heading (``head``, weighted x HEAD_BOOST) and the
exact lowercase surface forms (``form``, a bonus x FORM_BOOST so the exact wording
ranks first). A multi-word query adds a bonus for the words standing together as a
phrase. Running headers/footers are removed at extraction and never indexed.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from whoosh import index as windex
from whoosh import query as Q

from index import store
from index.citation import citation
from index.lexicon import Lexicon, dictionary_forms, set_cache_dir
from index.query import Clause, ParsedQuery, is_stopword, parse
from index.snippets import make_snippet
from index.stemmer import stem
from index.types import DocGroup, Hit, SearchRequest, SearchResponse
from ingest.tokenize import fold, normalize_token, tokenize

HEAD_BOOST = 2.5
FORM_BOOST = 0.6
ENTITY_BOOST = 1.5
PROXIMITY_BONUS = 0.3  # score x 1.3 when the words stand together (within 2 words, in order)
EXACT_BONUS = 0.15  # and x 1.15 more when the exact wording typed is on the page
RERANK_DEPTH = 50  # how many top hits the positional bonuses re-rank
GROUP_DEPTH = 300  # how many top hits feed the grouping by document
STEM_BOOST = 0.35
SYNONYM_BOOST = 0.5
MAX_CANDIDATES = 5


def _date_from_int(v: int | None) -> dt.date | None:
    if not v:
        return None
    try:
        return dt.date(v // 10000, v // 100 % 100, v % 100)
    except ValueError:
        return None


@dataclass
class _Columns:
    """Per-generation arrays for fast filters and facets (docnum -> value)."""

    doc_type: list[str]
    ministries: list[tuple[str, ...]]
    date: list[int]
    year: list[str]
    meeting: list[str]
    doc_id: list[str]
    kind: list[str]
    alive: list[bool]


class Searcher:
    """Searches the current generation; re-opens when a new generation is published."""

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self._lock = threading.Lock()
        self._gen: Path | None = None
        self._ix: Any = None
        self._searcher: Any = None
        self.meta: dict[str, Any] = {}
        self.lexicon = Lexicon()
        self._cols: _Columns | None = None
        self._filter_cache: dict[tuple[Any, ...], set[int]] = {}
        self._active_lemmatizer: str | None = None
        self._postings_cache: dict[tuple[str, str], frozenset[int]] = {}
        set_cache_dir(self.data_dir / "cache")

    # ------------------------------------------------------------ opening
    def _ensure_open(self) -> bool:
        gen = store.current_generation(self.data_dir)
        if gen is None:
            return False
        if gen == self._gen and self._searcher is not None:
            return True
        with self._lock:
            if gen == self._gen and self._searcher is not None:
                return True
            ix = windex.open_dir(str(gen))
            searcher = ix.searcher()
            meta = store.read_meta(gen)
            lexicon = Lexicon.load(gen)
            cols = self._build_columns(searcher)
            old = self._searcher
            self._ix, self._searcher, self.meta, self.lexicon, self._cols = ix, searcher, meta, lexicon, cols
            self._filter_cache = {}
            self._postings_cache = {}
            self._gen = gen
            if old is not None:
                try:
                    old.close()
                except Exception:  # noqa: BLE001 - closing a stale reader must not break search
                    pass
        return True

    @staticmethod
    def _build_columns(searcher: Any) -> _Columns:
        n = searcher.doc_count_all()
        cols = _Columns(
            doc_type=[""] * n,
            ministries=[()] * n,
            date=[0] * n,
            year=[""] * n,
            meeting=[""] * n,
            doc_id=[""] * n,
            kind=[""] * n,
            alive=[False] * n,
        )
        reader = searcher.reader()
        for docnum, fields in reader.iter_docs():
            cols.doc_type[docnum] = fields.get("doc_type", "")
            cols.ministries[docnum] = tuple(m for m in (fields.get("ministry") or "").split(",") if m)
            cols.date[docnum] = fields.get("date") or 0
            cols.year[docnum] = fields.get("year", "")
            cols.meeting[docnum] = fields.get("meeting", "")
            cols.doc_id[docnum] = fields.get("doc_id", "")
            cols.kind[docnum] = fields.get("kind", "")
            cols.alive[docnum] = True
        return cols

    @property
    def generation(self) -> str | None:
        self._ensure_open()
        return self._gen.name if self._gen else None

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

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
        from ingest.metadata.entities import entity_token, find_entities, normalize_ministry

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
    def _filter_set(self, req: SearchRequest, pq: ParsedQuery, skip: str = "") -> set[int]:
        assert self._cols is not None
        ministries = tuple(sorted(set(req.ministries) | set(pq.ministries)))
        types = tuple(sorted(set(req.doc_types) | set(pq.doc_types)))
        years = tuple(sorted({str(y) for y in req.years} | {str(y) for y in pq.years}))
        meetings = tuple(sorted({str(m) for m in req.meetings}))
        dfrom = pq.date_from or req.date_from
        dto = pq.date_to or req.date_to
        lo = dfrom.year * 10000 + dfrom.month * 100 + dfrom.day if dfrom else 0
        hi = dto.year * 10000 + dto.month * 100 + dto.day if dto else 0
        want_decisions = req.include_decisions or "decision" in types
        key = (
            () if skip == "ministry" else ministries,
            () if skip == "doc_type" else types,
            () if skip == "year" else years,
            () if skip == "meeting" else meetings,
            lo,
            hi,
            want_decisions,
        )
        cached = self._filter_cache.get(key)
        if cached is not None:
            return cached
        cols = self._cols
        mset = set(key[0])
        tset = set(key[1])
        yset = set(key[2])
        meet = set(key[3])
        out = []
        for n in range(len(cols.alive)):
            if not cols.alive[n]:
                continue
            if cols.kind[n] == "decision" and not want_decisions:
                continue
            if tset and cols.doc_type[n] not in tset:
                continue
            if mset and not mset.intersection(cols.ministries[n]):
                continue
            if yset and cols.year[n] not in yset:
                continue
            if meet and cols.meeting[n] not in meet:
                continue
            if lo and cols.date[n] < lo:
                continue
            if hi and (cols.date[n] == 0 or cols.date[n] > hi):
                continue
            out.append(n)
        result = set(out)
        if len(self._filter_cache) > 256:
            self._filter_cache.clear()
        self._filter_cache[key] = result
        return result

    def _facets(self, matched: Iterable[int], req: SearchRequest, pq: ParsedQuery) -> dict[str, dict[str, int]]:
        assert self._cols is not None
        cols = self._cols
        matched = list(matched)
        out: dict[str, dict[str, int]] = {}
        for name in ("ministry", "doc_type", "year", "meeting"):
            allowed = self._filter_set(req, pq, skip=name)
            counter: Counter[str] = Counter()
            for n in matched:
                if allowed is not None and n not in allowed:
                    continue
                if name == "ministry":
                    counter.update(cols.ministries[n])
                elif name == "doc_type":
                    counter[cols.doc_type[n]] += 1
                elif name == "year" and cols.year[n]:
                    counter[cols.year[n]] += 1
                elif name == "meeting" and cols.meeting[n]:
                    counter[cols.meeting[n]] += 1
            out[name] = dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    # ------------------------------------------------------------ searching
    def search(self, req: SearchRequest) -> SearchResponse:
        if not self._ensure_open():
            return SearchResponse(query=req.query, total=0, hits=(), facets=_empty_facets(),
                                  notices=("Index je prázdný: nejprve spusťte „scsearch ingest“.",))
        pq = parse(req.query)
        notices = list(pq.notices)
        notices.extend(self._lemmatizer_notice())
        query, terms = self.build(pq)
        partial = False
        suggestion: str | None = None
        matched: list[int] = []
        if query is None:
            if not (pq.ministries or pq.doc_types or pq.years or pq.date_from or pq.date_to or req.ministries
                    or req.doc_types or req.years or req.date_from or req.date_to):
                return SearchResponse(query=req.query, total=0, hits=(), facets=_empty_facets(),
                                      notices=tuple(notices))
            query = Q.Every()
        allowed = self._filter_set(req, pq)
        everything = self._matching(query)
        matched = [d for d in everything if d in allowed]
        if not matched and len(pq.positive) > 1:
            pquery, _ = self.build(pq, partial=True)
            if pquery is not None:
                peverything = self._matching(pquery)
                pmatched = [d for d in peverything if d in allowed]
                if pmatched:
                    query, matched, everything, partial = pquery, pmatched, peverything, True
                    notices.append("Žádná stránka neobsahuje všechna slova dotazu; zobrazeny stránky, "
                                   "které obsahují jen některá z nich.")
        if len(matched) < 3:
            corrected = self._suggest(pq, req)
            if corrected is not None:
                cq = parse(corrected)
                cquery, cterms = self.build(cq)
                if cquery is not None:
                    ceverything = self._matching(cquery)
                    cmatched = [d for d in ceverything if d in allowed]
                    if len(cmatched) > len(matched):
                        suggestion = corrected
                        if not matched:
                            notices.append(f"Pro „{req.query}“ nebylo nic nalezeno; zobrazeny výsledky pro „{corrected}“.")
                            query, terms, matched, everything, pq = cquery, cterms, cmatched, ceverything, cq
        total = len(matched)
        facets = self._facets(everything, req, pq)
        hits, groups, total_docs = self._ranked(query, allowed, req, terms, matched)
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

    def _matching(self, query: Q.Query) -> list[int]:
        """Every live record the query matches, unfiltered and unscored."""
        assert self._cols is not None
        alive = self._cols.alive
        return sorted(d for d in self._docset(query) if alive[d])

    def _docset(self, query: Q.Query) -> set[int] | frozenset[int]:
        """Docnums matching ``query``: boolean combinations of terms are answered with set
        operations on cached posting lists; positional queries fall back to whoosh."""
        if isinstance(query, Q.Term):
            return self._postings(query.fieldname, query.text)
        if isinstance(query, Q.And):
            sets = sorted((self._docset(q) for q in query.subqueries), key=len)
            if not sets:
                return set()
            out = set(sets[0])
            for other in sets[1:]:
                out &= other
                if not out:
                    break
            return out
        if isinstance(query, Q.Or):
            union: set[int] = set()
            for q in query.subqueries:
                union |= self._docset(q)
            return union
        if isinstance(query, Q.AndNot):
            return set(self._docset(query.a)) - self._docset(query.b)
        return set(query.docs(self._searcher))

    def _postings(self, field: str, text: str) -> frozenset[int]:
        key = (field, text)
        cached = self._postings_cache.get(key)
        if cached is None:
            reader = self._searcher.reader()
            try:
                cached = frozenset(reader.postings(field, text).all_ids()) if (field, text) in reader else frozenset()
            except Exception:  # noqa: BLE001 - a term the codec cannot read matches nothing
                cached = frozenset()
            if len(self._postings_cache) > 20_000:
                self._postings_cache.clear()
            self._postings_cache[key] = cached
        return cached

    def _ranked(
        self, query: Q.Query, allowed: set[int], req: SearchRequest, terms: dict[str, Any], matched: list[int]
    ) -> tuple[list[Hit], list[DocGroup], int]:
        assert self._cols is not None
        limit = max(1, min(req.limit, 1000))
        offset = max(0, req.offset)
        if not allowed or not matched:
            return [], [], 0
        by_date = req.sort in ("date", "date_asc")
        kwargs: dict[str, Any] = {"filter": allowed}
        if by_date:
            kwargs["sortedby"] = "date"
            kwargs["reverse"] = req.sort == "date"
        doc_ids = {self._cols.doc_id[n] for n in matched}
        if req.group:
            # rank the best pages, then one group per document; an original and its PDF export
            # (same folder and name, e.g. Zapis.docx + Zapis.pdf) form one group, so the list is not doubled
            depth = min(len(matched), max(GROUP_DEPTH, (offset + limit) * 10))
            ranked = self._top(query, depth, kwargs, terms, rerank=not by_date)
            order: dict[str, list[tuple[float, dict[str, Any]]]] = {}
            for item in ranked:
                order.setdefault(_family(item[1]["path"]), []).append(item)
            families = list(order)
            groups = []
            for fam in families[offset : offset + limit]:
                hits = [self._hit(f, score, terms) for score, f in order[fam][:3]]
                groups.append(DocGroup(doc_id=hits[0].doc_id, best=hits[0], hits=tuple(hits)))
            return [g.best for g in groups], groups, len(doc_ids)
        ranked = self._top(query, offset + limit, kwargs, terms, rerank=not by_date)
        hits = [self._hit(f, score, terms) for score, f in ranked[offset : offset + limit]]
        return hits, [], len(doc_ids)

    def _top(
        self, query: Q.Query, n: int, kwargs: dict[str, Any], terms: dict[str, Any], rerank: bool
    ) -> list[tuple[float, dict[str, Any]]]:
        """The top ``n`` records as (score, stored fields), re-ranked with the positional bonuses."""
        depth = max(n, RERANK_DEPTH) if rerank else n
        results = self._searcher.search(query, limit=depth, **kwargs)
        top = [(float(results.score(i) or 0.0), results[i].fields()) for i in range(results.scored_length())]
        if rerank and (terms.get("proximity") or terms.get("exact_phrases")):
            top = [(score * _bonus(fields, terms), fields) for score, fields in top]
            top.sort(key=lambda item: -item[0])
        return top[:n]

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

    def _lemmatizer_notice(self) -> list[str]:
        """A warning when the index was built by another lemmatiser than the one now active."""
        built = str(self.meta.get("lemmatizer") or "")
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
        if not self._ensure_open():
            return []
        units = [dict(f) for f in self._searcher.documents(doc_id=doc_id)]
        units.sort(key=lambda f: f.get("unit_index", 0))
        return units

    def documents(self) -> list[dict[str, Any]]:
        """One summary per indexed document (from the manifest of the current generation)."""
        if not self._ensure_open():
            return []
        assert self._gen is not None
        manifest = store.read_manifest(self._gen)
        docs = [dict(v, path=k) for k, v in manifest.items() if v.get("status") == "indexed"]
        docs.sort(key=lambda d: (d.get("date") or "", d.get("path", "")))
        return docs

    def stats(self) -> dict[str, Any]:
        if not self._ensure_open():
            return {"generation": None, "records": 0}
        return {
            "generation": self._gen.name if self._gen else None,
            "records": self._searcher.doc_count(),
            "lemmatizer": self.meta.get("lemmatizer"),
            "lemmatizer_reason": self.meta.get("lemmatizer_reason"),
            "committed_at": self.meta.get("committed_at"),
            "schema_version": self.meta.get("schema_version"),
        }


def active_lemmatizer_name() -> str:
    """Which backend ``get_lemmatizer(settings)`` would choose, without loading any model."""
    from ingest.lemmatize import ModelsNotFound, find_models
    from scsearch import settings

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
    text = resources.files("index").joinpath("data/synonyms_cs.txt").read_text(encoding="utf-8")
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


def _family(path: str) -> str:
    p = PurePosixPath(unicodedata.normalize("NFC", path.replace("\\", "/")))
    return str(p.with_suffix("")).casefold()


def _empty_facets() -> dict[str, dict[str, int]]:
    return {"ministry": {}, "doc_type": {}, "year": {}, "meeting": {}}
