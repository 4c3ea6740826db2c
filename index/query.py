"""The query language: parsing what people type, and turning it into whoosh queries.

Syntax (documented for users in webui's help page):

- words are ANDed over lemmas, diacritics-insensitive: ``dotace mestum``
- ``OR`` between words or phrases: ``elektromobilita OR vodík``
- ``-slovo`` or ``NOT slovo`` excludes
- ``"fráze"`` matches the phrase in any inflection; ``="fráze"`` and ``+slovo`` only the exact wording
- ``prefix*`` matches words starting with the prefix
- field filters: ``ministerstvo:MŽP``, ``rok:2017``, ``typ:zapis``, ``od:2017-01-01``, ``do:2017-12-31``

Anything malformed (unbalanced quotes or brackets, lone operators, markup) is read
as plain words; the parser never raises.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from scsearch.language.tokenize import fold, token_texts

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32


@dataclass
class Clause:
    words: list[str]  # surface words as typed (tokenised)
    phrase: bool = False
    exact: bool = False
    prefix: bool = False
    negated: bool = False
    alternatives: list[Clause] = field(default_factory=list)  # OR-ed clauses (this one included first)


@dataclass
class ParsedQuery:
    clauses: list[Clause]
    ministries: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]


_TYPE_ALIASES = {
    "zapis": "minutes",
    "zapisy": "minutes",
    "minutes": "minutes",
    "prezentace": "presentation",
    "presentation": "presentation",
    "prehled": "funding_overview",
    "vyzvy": "funding_overview",
    "financovani": "funding_overview",
    "funding_overview": "funding_overview",
    "plan": "plan",
    "metodika": "methodology",
    "methodology": "methodology",
    "ostatni": "other",
    "other": "other",
    "usneseni": "decision",
    "ukol": "decision",
    "ukoly": "decision",
    "decision": "decision",
}
_FIELD_NAMES = {
    "ministerstvo": "ministry",
    "ministr": "ministry",
    "resort": "ministry",
    "rezort": "ministry",
    "ministry": "ministry",
    "rok": "year",
    "year": "year",
    "typ": "type",
    "type": "type",
    "od": "from",
    "from": "from",
    "do": "to",
    "to": "to",
}

_LEX = re.compile(
    r"""
    (?P<neg>-|NOT\s+)?(?P<mod>[+=])?"(?P<phrase>[^"]*)"      # phrase
    | (?P<field>[^\W\d_]+):(?P<value>"[^"]*"|\S+)               # field:value
    | (?P<or>\bOR\b|\|\|)
    | (?P<and>\bAND\b|&&)
    | (?P<not>\bNOT\b)
    | (?P<word>[-+]?[^\s"()]+)
    """,
    re.VERBOSE,
)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("scsearch.index").joinpath("data/stopwords_cs.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def is_stopword(word: str) -> bool:
    return fold(word) in stopwords()


def _parse_date(value: str) -> dt.date | None:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y"):
        try:
            d = dt.datetime.strptime(value.replace(" ", ""), fmt).date()
            return d
        except ValueError:
            continue
    return None


def parse(text: str) -> ParsedQuery:
    """Parse a query string. Never raises."""
    from scsearch.language.entities import normalize_ministry

    text = (text or "").replace("\x00", " ")
    pq = ParsedQuery(clauses=[])
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        pq.notices.append(f"Dotaz byl příliš dlouhý, použito prvních {MAX_QUERY_CHARS} znaků.")
    # unbalanced quotes: drop the last lone quote so the rest reads as words
    if text.count('"') % 2 == 1:
        idx = text.rfind('"')
        text = text[:idx] + " " + text[idx + 1 :]
    text = text.replace("(", " ").replace(")", " ").replace("“", '"').replace("„", '"')

    pending_or = False
    pending_not = False
    for m in _LEX.finditer(text):
        if m.group("or"):
            pending_or = bool(pq.clauses)
            continue
        if m.group("and"):
            continue
        if m.group("not"):
            pending_not = True
            continue
        clause: Clause | None = None
        if m.group("phrase") is not None:
            words = token_texts(m.group("phrase"))
            if words:
                clause = Clause(
                    words=words,
                    phrase=len(words) > 1,
                    exact=m.group("mod") is not None,
                    negated=bool(m.group("neg")) or pending_not,
                )
        elif m.group("field"):
            name = _FIELD_NAMES.get(fold(m.group("field")))
            value = m.group("value").strip('"')
            if name == "ministry" and normalize_ministry(value):
                pq.ministries.append(normalize_ministry(value) or "")
                continue
            if name == "year" and value.isdigit() and len(value) == 4:
                pq.years.append(int(value))
                continue
            if name == "type" and fold(value) in _TYPE_ALIASES:
                pq.doc_types.append(_TYPE_ALIASES[fold(value)])
                continue
            if name in ("from", "to") and _parse_date(value):
                d = _parse_date(value)
                if name == "from":
                    pq.date_from = d
                elif d is not None and len(value) == 4:
                    pq.date_to = dt.date(d.year, 12, 31)
                else:
                    pq.date_to = d
                continue
            # not a known field: read as plain words
            words = token_texts(m.group(0))
            for w in words:
                pq.clauses.append(Clause(words=[w], negated=pending_not))
            pending_not = pending_or = False
            continue
        elif m.group("word"):
            raw = m.group("word")
            neg = pending_not
            exact = False
            if raw.startswith("-") and len(raw) > 1:
                neg, raw = True, raw[1:]
            elif raw.startswith("+") and len(raw) > 1:
                exact, raw = True, raw[1:]
            prefix = raw.endswith("*") and len(raw.rstrip("*")) >= 2
            toks = token_texts(raw)
            if not toks:
                continue
            if len(toks) > 1 and not prefix:
                # "e-mobilita/elektromobilita" and the like: several words
                clause = Clause(words=toks, phrase=True, exact=exact, negated=neg)
            else:
                clause = Clause(words=[toks[0]], exact=exact, prefix=prefix, negated=neg)
        if clause is None:
            continue
        if pending_or and pq.clauses and not clause.negated and not pq.clauses[-1].negated:
            prev = pq.clauses[-1]
            if not prev.alternatives:
                prev.alternatives = [Clause(words=prev.words, phrase=prev.phrase, exact=prev.exact, prefix=prev.prefix)]
            prev.alternatives.append(clause)
        else:
            pq.clauses.append(clause)
        pending_or = pending_not = False
        if len(pq.clauses) >= MAX_CLAUSES:
            pq.notices.append(f"Dotaz má příliš mnoho slov, použito prvních {MAX_CLAUSES}.")
            break
    return pq
