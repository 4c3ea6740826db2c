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
from ingest.tokenize import fold, normalize_token

HEAD_BOOST = 2.5
FORM_BOOST = 0.6
ENTITY_BOOST = 1.5
PHRASE_BONUS = 2.0
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
        seq = Q.Sequence(parts)
        bonus = Q.Phrase("form", [normalize_token(w) for w in words], boost=FORM_BOOST)
        return Q.AndMaybe(seq, bonus)

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

    def build(self, pq: ParsedQuery, *, partial: bool = False) -> tuple[Q.Query | None, dict[str, set[str]]]:
        """The whoosh query for a parsed query, and the terms for highlighting."""
        clauses = pq.clauses
        terms: dict[str, set[str]] = {"lemmas": set(), "forms": set(), "prefixes": set(), "stems": set()}
        required: list[Q.Query] = []
        optional: list[Q.Query] = []
        negative: list[Q.Query] = []
        positive = [c for c in clauses if not c.negated]
        all_stop = all(
            not c.phrase and not c.alternatives and is_stopword(c.words[0]) for c in positive
        )
        groups = self._entity_groups(clauses)
        grouped = {i for idx, _ in groups for i in idx}
        for idx, tok in groups:
            words = [clauses[i].words[0] for i in idx]
            alt = (
                Q.Sequence([Q.Or([Q.Term("lemma", c) for c in self.candidates(w)]) for w in words])
                if len(words) > 1
                else self._word_query(words[0], False, False)
            )
            required.append(Q.Or([Q.Term("entity", tok, boost=ENTITY_BOOST), alt]))
            for w in words:
                terms["lemmas"].update(self.candidates(w))
        for i, c in enumerate(clauses):
            if i in grouped:
                continue
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
            if not all_stop and not c.phrase and not c.alternatives and not c.exact and is_stopword(c.words[0]):
                optional.append(q)
            else:
                required.append(q)
        plain_words = [c.words[0] for c in positive if not c.phrase and not c.alternatives and not c.exact]
        if len(plain_words) > 1:
            seq = [Q.Or([Q.Term("lemma", c) for c in self.candidates(w)]) for w in plain_words]
            optional.append(Q.Sequence(seq, slop=2, boost=PHRASE_BONUS))
        if not required and not optional:
            return None, terms
        if partial:
            main: Q.Query = Q.Or(required + optional)
        elif required:
            main = Q.And(required) if len(required) > 1 else required[0]
            if optional:
                main = Q.AndMaybe(main, Q.Or(optional))
        else:
            main = Q.Or(optional)
        if negative:
            main = Q.AndNot(main, Q.Or(negative))
        return main, terms

    # ------------------------------------------------------------ filtering
    def _filter_set(self, req: SearchRequest, pq: ParsedQuery, skip: str = "") -> set[int] | None:
        assert self._cols is not None
        ministries = tuple(sorted(set(req.ministries) | set(pq.ministries)))
        types = tuple(sorted(set(req.doc_types) | set(pq.doc_types)))
        years = tuple(sorted({str(y) for y in req.years} | {str(y) for y in pq.years}))
        dfrom = pq.date_from or req.date_from
        dto = pq.date_to or req.date_to
        lo = dfrom.year * 10000 + dfrom.month * 100 + dfrom.day if dfrom else 0
        hi = dto.year * 10000 + dto.month * 100 + dto.day if dto else 0
        want_decisions = req.include_decisions or "decision" in types
        key = (
            () if skip == "ministry" else ministries,
            () if skip == "doc_type" else types,
            () if skip == "year" else years,
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
            allowed = self._filter_set(req, pq, skip=name if name != "meeting" else "")
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
                elif name == "meeting" and cols.meeting[n] and cols.doc_type[n] == "minutes":
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
        return [d for d in query.docs(self._searcher) if alive[d]]

    def _ranked(
        self, query: Q.Query, allowed: set[int], req: SearchRequest, terms: dict[str, set[str]], matched: list[int]
    ) -> tuple[list[Hit], list[DocGroup], int]:
        assert self._cols is not None
        limit = max(1, min(req.limit, 1000))
        offset = max(0, req.offset)
        if not allowed:
            return [], [], 0
        kwargs: dict[str, Any] = {"filter": allowed}
        if req.sort in ("date", "date_asc"):
            kwargs["sortedby"] = "date"
            kwargs["reverse"] = req.sort == "date"
        if req.group:
            results = self._searcher.search(query, limit=None, **kwargs)
            # one group per document; an original and its PDF export (same folder and name,
            # e.g. Zapis.docx + Zapis.pdf) form one group, so the list is not doubled
            order: dict[str, list[Any]] = {}
            for r in results:
                order.setdefault(_family(r["path"]), []).append(r)
            doc_ids = list(order)
            groups = []
            for fam in doc_ids[offset : offset + limit]:
                hits = [self._hit(r, terms) for r in order[fam][:3]]
                groups.append(DocGroup(doc_id=hits[0].doc_id, best=hits[0], hits=tuple(hits)))
            flat = [g.best for g in groups]
            return flat, groups, len(doc_ids)
        results = self._searcher.search(query, limit=offset + limit, **kwargs)
        docs = {self._cols.doc_id[n] for n in matched}
        hits = [self._hit(r, terms) for r in list(results)[offset : offset + limit]]
        return hits, [], len(docs)

    def _hit(self, r: Any, terms: dict[str, set[str]]) -> Hit:
        f = r.fields()
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
            score=float(r.score or 0.0),
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


def _family(path: str) -> str:
    p = PurePosixPath(unicodedata.normalize("NFC", path.replace("\\", "/")))
    return str(p.with_suffix("")).casefold()


def _empty_facets() -> dict[str, dict[str, int]]:
    return {"ministry": {}, "doc_type": {}, "year": {}, "meeting": {}}
