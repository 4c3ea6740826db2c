"""The query plan: a parsed query -> the whoosh query that decides the matches, and a typed
``QueryPlan`` (each query word with its folded form, surface form, stem and candidate lemmas,
computed once) that ranking, snippets and the document page read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from scsearch.index import qtree as Q
from scsearch.index.coordination import Concept
from scsearch.index.expansion import (
    Expansion,
    coverage_credit,
    expand,
    guess_lemmas,
    identifier_variants,
    index_lemmas,
)
from scsearch.index.lexicon import Lexicon, dictionary_lemmas
from scsearch.index.query import Clause, ParsedQuery, is_stopword
from scsearch.index.questions import is_light_verb, is_question
from scsearch.language.stemmer import stem
from scsearch.language.tokenize import fold, normalize_token

HEAD_BOOST = 2.5
FORM_BOOST = 0.6
ENTITY_BOOST = 1.5
STEM_BOOST = 0.35
MAX_CANDIDATES = 5

# how a query word takes part in highlighting: any inflection (lemmas, its form and stem), the exact
# form only, a prefix, or a word of an entity name (lemmas only)
WORD, EXACT, PREFIX, ENTITY = "word", "exact", "prefix", "entity"


@dataclass(frozen=True)
class QueryWord:
    surface: str  # as typed
    folded: str  # lowercase, no diacritics
    form: str  # lowercase surface form (diacritics kept), as in the ``form`` field
    stem: str
    lemmas: tuple[str, ...]  # candidate index lemmas, related words included
    mode: str = WORD


@dataclass(frozen=True)
class QueryPlan:
    """What a query looks for, beyond the whoosh query: the words, and the positional bonuses' input."""

    words: tuple[QueryWord, ...] = ()
    proximity: tuple[frozenset[str], ...] = ()  # lemma sets of words that should stand together, in order
    exact_phrases: tuple[tuple[str, ...], ...] = ()  # forms of the exact wording typed
    concepts: tuple[Concept, ...] = ()  # what the coordination ranking counts (index/coordination.py)
    expansions: tuple[tuple[str, tuple[Expansion, ...]], ...] = ()  # word -> its related words, for the UI
    some_words: Q.Query | None = None  # the query of the pages with only some of the words (an Or of its parts)

    @cached_property  # asked for each hit shown
    def lemmas(self) -> frozenset[str]:
        return frozenset(lem for w in self.words if w.mode in (WORD, ENTITY) for lem in w.lemmas)

    @cached_property  # asked for each hit shown
    def forms(self) -> frozenset[str]:
        return frozenset(w.form for w in self.words if w.mode in (WORD, EXACT))

    @cached_property  # asked for each hit shown
    def prefixes(self) -> frozenset[str]:
        return frozenset(fold(w.surface.rstrip("*")) for w in self.words if w.mode == PREFIX)

    @cached_property  # asked for each hit shown
    def stems(self) -> frozenset[str]:
        return frozenset(w.stem for w in self.words if w.mode == WORD and len(w.stem) >= 4)


class QueryPlanner:
    """Builds queries against one generation's lexicon; candidate lemmas are looked up once per word."""

    MEMO = 10_000  # candidate lists kept per generation (a server's planner lives as long as its lexicon)

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._cands: dict[tuple[str, bool], list[str]] = {}
        self._parts: dict[str, tuple[Q.Or, Q.Or | None, list[Expansion]]] = {}

    def candidates(self, word: str, with_synonyms: bool = True) -> list[str]:
        """Folded index lemmas a typed word may stand for (its related words included)."""
        key = (word, with_synonyms)
        if key not in self._cands:
            if len(self._cands) > self.MEMO:
                self._cands.clear()
            f = fold(word)
            cands = self.lexicon.lemmas_for(f)[:MAX_CANDIDATES]
            if not cands:
                cands = list(dictionary_lemmas(f))[:MAX_CANDIDATES]
            if not cands:  # a form neither the corpus nor the dictionary knows: the index lemmas it may inflect
                cands = guess_lemmas(f, index_lemmas(self.lexicon))[:MAX_CANDIDATES]
            if f not in cands:
                cands.append(f)
            if with_synonyms:
                cands.extend(e.lemma for e in self.expansions(cands))
            self._cands[key] = cands
        return list(self._cands[key])

    def expansions(self, lemmas: list[str]) -> list[Expansion]:
        """Related words (synonyms, abbreviations, derivations in this index) of a word's lemmas."""
        lexicon = self.lexicon
        return expand(lemmas, index_lemmas(lexicon).__contains__, lambda w: identifier_variants(lexicon, w))

    def word(self, surface: str, mode: str) -> QueryWord:
        lemmas = tuple(self.candidates(surface)) if mode in (WORD, ENTITY) else ()
        return QueryWord(surface=surface, folded=fold(surface), form=normalize_token(surface), stem=stem(surface),
                         lemmas=lemmas, mode=mode)

    # ------------------------------------------------------------ whoosh queries
    def _word_query(self, word: str, exact: bool, prefix: bool) -> Q.Query:
        norm = normalize_token(word)
        if prefix:
            head = fold(word.rstrip("*"))
            return Q.Or([Q.Prefix("lemma", head), Q.Prefix("form", normalize_token(word.rstrip("*")))])
        if exact:
            return Q.Term("form", norm)
        own, related, _ = self._word_parts(word)
        # the same two subtrees the ranking scores on their own (index/coordination.py): evaluated once a search
        return Q.Or([own, related]) if related is not None else own

    def _word_parts(self, word: str) -> tuple[Q.Or, Q.Or | None, list[Expansion]]:
        """A plain word's own terms (lemmas, heading, exact form, stem) and its related words' terms,
        each related word weighted below the word itself (index/expansion.py). The same objects each time
        (kept like the candidates): the query and the ranking then share their evaluation in a search."""
        found = self._parts.get(word)
        if found is None:
            if len(self._parts) > self.MEMO:
                self._parts.clear()
            found = self._parts[word] = self._new_word_parts(word)
        return found

    def _new_word_parts(self, word: str) -> tuple[Q.Or, Q.Or | None, list[Expansion]]:
        subs: list[Q.Query] = []
        primary = self.candidates(word, with_synonyms=False)
        for c in primary:
            subs.append(Q.Term("lemma", c))
            subs.append(Q.Term("head", c, boost=HEAD_BOOST))
        subs.append(Q.Term("form", normalize_token(word), boost=FORM_BOOST))
        st = stem(word)
        if len(st) >= 4:
            subs.append(Q.Term("stem", st, boost=STEM_BOOST))
        related = self.expansions(primary)
        rel: list[Q.Query] = []
        for e in related:
            rel.append(Q.Term("lemma", e.lemma, boost=e.weight))
            rel.append(Q.Term("head", e.lemma, boost=HEAD_BOOST * e.weight))
        return Q.Or(subs), (Q.Or(rel) if rel else None), related

    def _concept(self, clause: Clause, q: Q.Query, shown: list[tuple[str, tuple[Expansion, ...]]]) -> Concept:
        """One concept of the ranking (index/coordination.py); a plain word's related words are kept apart
        (weaker) and listed in ``shown`` for "hledáno také jako …"."""
        if clause.phrase or clause.alternatives or clause.exact or clause.prefix:
            return Concept(" ".join(clause.words), q)
        word = clause.words[0]
        own, related, expansions = self._word_parts(word)
        if expansions:
            shown.append((word, tuple(expansions)))
        return Concept(word, own, related, tuple(self.candidates(word, with_synonyms=False)),
                       coverage_credit(expansions))

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

    @staticmethod
    def _entity_groups(clauses: list[Clause]) -> list[tuple[list[int], str]]:
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

    # ------------------------------------------------------------ the plan
    def build(self, pq: ParsedQuery) -> tuple[Q.Query | None, QueryPlan]:
        """The whoosh query for a parsed query (pages with every word), and its plan for highlighting and
        re-ranking (with the query of the pages with only some of the words).

        Only what decides a match goes into the whoosh query; the bonuses that need positions
        (words standing together, the exact wording) are applied to the top hits afterwards
        (``index.bonus``), which keeps span matching off the hot path.
        """
        clauses = pq.clauses
        words: list[QueryWord] = []
        proximity: list[frozenset[str]] = []
        exact_phrases: list[tuple[str, ...]] = []
        concepts: list[Concept] = []
        shown: list[tuple[str, tuple[Expansion, ...]]] = []
        required: list[Q.Query] = []
        some: list[Q.Query] = []  # the same parts, an entity's words each on its own
        negative: list[Q.Query] = []
        positive = [c for c in clauses if not c.negated]
        question = is_question([c.words[0] for c in positive])

        def optional(c: Clause) -> bool:  # function words; light verbs of a question (index/questions.py)
            return is_stopword(c.words[0]) or (question and is_light_verb(c.words[0],
                                                                          self.candidates(c.words[0], False)))

        all_stop = all(not c.phrase and not c.alternatives and optional(c) for c in positive)
        groups = self._entity_groups(clauses)
        grouped = {i for idx, _ in groups for i in idx}
        for idx, tok in groups:
            names = [clauses[i].words[0] for i in idx]
            # a page naming the entity carries its token; the words themselves are the fallback
            # (all of them, anywhere on the page: no span matching on this path)
            spelled = Q.And([self._word_query(w, False, False) for w in names]) if len(names) > 1 \
                else self._word_query(names[0], False, False)
            named = Q.Or([Q.Term("entity", tok, boost=ENTITY_BOOST), spelled])
            required.append(named)
            # every word counts on its own when only some words need to match
            some.append(Q.Term("entity", tok, boost=ENTITY_BOOST))
            some.extend(self._word_query(w, False, False) for w in names)
            if len(names) > 1:
                proximity.extend(frozenset(self.candidates(w)) for w in names)
            concepts.append(Concept(" ".join(names), named, None,
                                    tuple(c for w in names for c in self.candidates(w, False))))
            words.extend(self.word(w, ENTITY) for w in names)
        for i, c in enumerate(clauses):
            if i in grouped:
                continue
            if not c.negated and not all_stop and not c.phrase and not c.alternatives and not c.exact \
                    and optional(c):
                continue  # function words need not match (and would match nearly every page)
            q = self._clause_query(c)
            if c.negated:
                negative.append(q)
                continue
            concepts.append(self._concept(c, q, shown))
            for alt in c.alternatives or [c]:
                mode = PREFIX if alt.prefix else EXACT if alt.exact else WORD
                words.extend(self.word(w, mode) for w in alt.words)
                if alt.phrase and len(alt.words) > 1:
                    exact_phrases.append(tuple(normalize_token(w) for w in alt.words))
            required.append(q)
            some.append(q)
        plain = [c.words[0] for c in positive if not c.phrase and not c.alternatives and not c.exact
                 and not c.prefix and (all_stop or not optional(c))]
        if len(plain) > 1:
            proximity = [frozenset(self.candidates(w)) for w in plain]
            exact_phrases.append(tuple(normalize_token(w) for w in plain))
        main: Q.Query | None = None
        some_words: Q.Query | None = None
        if required:
            main = Q.And(required) if len(required) > 1 else required[0]
            some_words = Q.Or(some)
            if negative:
                excluded = Q.Or(negative)  # (one object: evaluated once for both)
                main, some_words = Q.AndNot(main, excluded), Q.AndNot(some_words, excluded)
        return main, QueryPlan(words=tuple(words), proximity=tuple(proximity), exact_phrases=tuple(exact_phrases),
                               concepts=tuple(concepts), expansions=tuple(shown), some_words=some_words)
