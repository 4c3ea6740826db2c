"""Related words a query word is also searched as: synonyms, abbreviations and derivations.

People paraphrase: *auto* for *vozidlo*, *rezort* for *ministerstvo*, *most* for *můstek*,
*městský* for *město*, *schválit* for *schválení*. A query word therefore also matches

- the curated pairs of ``index/data/synonyms_admin.tsv`` (administrative Czech: synonyms,
  near-synonyms, abbreviations) and the groups of ``index/data/synonyms_cs.txt``;
- its derivations by a small rule set (diminutives *most ~ můstek*, *dům ~ domek*; noun ~ adjective
  *město ~ městský*, *voda ~ vodní*; verb ~ noun *schválit ~ schválení*), kept only when the index
  holds the derived lemma (a corpus-derived check, so rules never invent words).

Every related word weighs less than the word itself (``EXPANSION_WEIGHTS``). All lemmas here are
folded (lowercase, no diacritics) as in the index; labels keep the diacritics of the curated file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from weakref import WeakKeyDictionary

from scsearch.index.lexicon import Lexicon
from scsearch.language.tokenize import fold

# weight of a related word relative to the word typed (1.0)
EXPANSION_WEIGHTS = {"identifier": 0.8, "abbreviation": 0.6, "synonym": 0.5, "near": 0.35, "derivation": 0.4}
# how much of a query word a page covers when it holds only the related word (coordination)
EXPANSION_CREDITS = {"identifier": 0.9, "abbreviation": 0.9, "synonym": 0.8, "near": 0.6, "derivation": 0.6}
MAX_EXPANSIONS = 8  # per query word
MIN_DERIVED_LEN = 4

_CURATED_KINDS = {"syn": "synonym", "near": "near", "abbr": "abbreviation"}

# (suffix of the base word, suffix of the derived word), applied in both directions
_DERIVATIONS: tuple[tuple[str, str], ...] = (
    # noun ~ adjective: mesto ~ mestsky, voda ~ vodni, les ~ lesni, kraj ~ krajsky, skola ~ skolni
    ("o", "sky"), ("a", "sky"), ("", "sky"), ("o", "ni"), ("a", "ni"), ("e", "ni"), ("", "ni"),
    ("", "ovy"), ("a", "ovy"), ("o", "ovy"),
    # verb ~ verbal noun: schvalit ~ schvaleni, budovat ~ budovani, zahajit ~ zahajeni
    ("it", "eni"), ("et", "eni"), ("at", "ani"), ("nout", "nuti"), ("out", "uti"),
)
# diminutives, with the vowel alternation of the last syllable (dum ~ domek, most ~ mustek)
_DIMINUTIVES: tuple[str, ...] = ("ek", "icek", "ecek")
MIN_RULE_BASE = 4  # the noun/adjective/verb rules apply to lemmas of this many letters or more
# inflected ending -> lemma endings it may come from (folded), to read forms the lexicon has not seen
_INFLECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ami", ("a", "")), ("emi", ("e", "")), ("ach", ("a", "o", "")), ("ech", ("o", "", "e")),
    ("ich", ("e", "i")), ("ych", ("y",)), ("ymi", ("y",)), ("eho", ("y", "i")), ("emu", ("y", "i")),
    ("ou", ("a", "y")), ("em", ("", "o", "y")), ("im", ("i",)), ("um", ("", "o")), ("am", ("a",)), ("ym", ("y",)),
    ("e", ("a", "o", "", "e")), ("y", ("a", "")), ("u", ("a", "o", "")), ("i", ("e", "", "a", "i")),
    ("a", ("y", "", "o")), ("o", ("",)),
)
_ALTERNATIONS = (("u", "o"), ("o", "u"), ("i", "e"), ("e", "i"))


@dataclass(frozen=True)
class Expansion:
    """A lemma searched in place of a query word, at ``weight`` (< 1) of the word's own score."""

    lemma: str  # folded index lemma
    label: str  # as shown to people ("hledáno také jako …")
    kind: str  # abbreviation | synonym | near | derivation
    weight: float


@lru_cache(maxsize=1)
def curated() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Folded lemma -> (folded related lemma, label, kind) from both synonym files."""
    pairs: dict[str, list[tuple[str, str, str]]] = {}

    def add(a: str, b: str, kind: str) -> None:
        fa, fb = fold(a), fold(b)
        if fa == fb:
            return
        got = pairs.setdefault(fa, [])
        if all(x[0] != fb for x in got):
            got.append((fb, b, kind))

    data = resources.files("scsearch.index").joinpath("data")
    for line in data.joinpath("synonyms_admin.tsv").read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) != 3:
            continue
        a, b, kind = (c.strip() for c in cols)
        kind = _CURATED_KINDS.get(kind, "near")
        add(a, b, kind)
        add(b, a, kind)
    for line in data.joinpath("synonyms_cs.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        group = line.split()
        for a in group:
            for b in group:
                add(a, b, "synonym")
    return {k: tuple(v) for k, v in pairs.items()}


def coverage_credit(expansions: Iterable[Expansion]) -> float:
    """The share of a query word covered by a page with only (the best) one of its related words."""
    return max((EXPANSION_CREDITS[e.kind] for e in expansions), default=0.0)


def derivations(lemma: str) -> list[str]:
    """Candidate derivations of a folded lemma by the rule set (not yet checked against the index)."""
    out: list[str] = []
    for base_suffix, derived_suffix in _DERIVATIONS if len(lemma) >= MIN_RULE_BASE else ():
        if lemma.endswith(base_suffix):
            out.append(lemma[: len(lemma) - len(base_suffix)] + derived_suffix)
        if derived_suffix and lemma.endswith(derived_suffix):
            out.append(lemma[: len(lemma) - len(derived_suffix)] + base_suffix)
    for stem in _alternated(lemma) if lemma[-1] not in "aeiouy" else ():  # masculine nouns: most -> mustek
        out.extend(stem + d for d in _DIMINUTIVES)
    for d in _DIMINUTIVES:
        if lemma.endswith(d) and len(lemma) - len(d) >= 2:
            out.extend(_alternated(lemma[: -len(d)]))
    return [c for c in dict.fromkeys(out) if c != lemma and len(c) >= MIN_DERIVED_LEN]


def _alternated(stem: str) -> list[str]:
    """The stem and its variants with the vowel of the last syllable alternated (dum -> dom)."""
    out = [stem]
    for i in range(len(stem) - 1, -1, -1):
        ch = stem[i]
        if ch in "aeiouy":
            out.extend(stem[:i] + new + stem[i + 1 :] for old, new in _ALTERNATIONS if old == ch)
            break
    return out


def expand(lemmas: Iterable[str], known: Callable[[str], bool],
           identifiers: Callable[[str], list[str]] | None = None) -> list[Expansion]:
    """Related words of a query word's candidate lemmas, best first; derivations only when ``known``;
    ``identifiers``: the index's longer or shorter spellings of an identifier (``7/23/2025`` ~ ``zm/7/23/2025``)."""
    own = list(lemmas)
    seen = set(own)
    out: list[Expansion] = []
    for lemma in own:
        for other in identifiers(lemma) if identifiers is not None else ():
            if other not in seen:
                seen.add(other)
                out.append(Expansion(other, other.upper(), "identifier", EXPANSION_WEIGHTS["identifier"]))
    for lemma in own:
        for other, label, kind in curated().get(lemma, ()):
            if other not in seen:
                seen.add(other)
                out.append(Expansion(other, label, kind, EXPANSION_WEIGHTS[kind]))
    for lemma in own[:1]:  # derivations of the likeliest lemma only (druhy "second", not druh "kind")
        if len(lemma) < MIN_DERIVED_LEN - 1:
            continue
        for other in derivations(lemma):
            if other not in seen and known(other):
                seen.add(other)
                out.append(Expansion(other, other, "derivation", EXPANSION_WEIGHTS["derivation"]))
    out.sort(key=lambda e: -e.weight)
    return out[:MAX_EXPANSIONS]


def guess_lemmas(form: str, known: frozenset[str]) -> list[str]:
    """Index lemmas an unseen folded form may inflect (``cistirne`` -> ``cistirna``), longest ending first."""
    out: list[str] = []
    for ending, lemma_endings in _INFLECTIONS:
        if form.endswith(ending) and len(form) - len(ending) >= 3:
            stem = form[: len(form) - len(ending)]
            out.extend(stem + e for e in lemma_endings if stem + e in known and stem + e not in out)
    return out


_KNOWN: WeakKeyDictionary[Lexicon, frozenset[str]] = WeakKeyDictionary()
_TAILS: WeakKeyDictionary[Lexicon, dict[str, tuple[str, ...]]] = WeakKeyDictionary()
_DIGIT_SLASH = re.compile(r"^(?=.*\d)[\w.-]+(/[\w.-]+)+$")


def identifier_variants(lexicon: Lexicon, word: str) -> list[str]:
    """Index lemmas of identifiers that end with the folded ``word`` after a '/' (``7/23/2025`` ->
    ``zm/7/23/2025``), and the index's tails of ``word`` (``zm/7/23/2025`` -> ``7/23/2025``)."""
    if "/" not in word or not _DIGIT_SLASH.match(word):
        return []
    tails = _TAILS.get(lexicon)
    if tails is None:
        found: dict[str, list[str]] = {}
        for form in lexicon.forms:
            if "/" in form and _DIGIT_SLASH.match(form):
                for i, ch in enumerate(form):
                    if ch == "/" and "/" in form[i + 1 :]:
                        found.setdefault(form[i + 1 :], []).append(form)
        tails = {k: tuple(v[:5]) for k, v in found.items()}
        _TAILS[lexicon] = tails
    forms = list(tails.get(word, ()))
    forms += [word[i + 1 :] for i, ch in enumerate(word) if ch == "/" and "/" in word[i + 1 :]
              and word[i + 1 :] in lexicon.forms]
    return list(dict.fromkeys(lem for f in forms for lem in lexicon.lemmas_for(f)[:1]))


def index_lemmas(lexicon: Lexicon) -> frozenset[str]:
    """Every folded lemma of the index (from its lexicon), computed once per lexicon."""
    got = _KNOWN.get(lexicon)
    if got is None:
        got = frozenset(lem for counter in lexicon.forms.values() for lem in counter)
        _KNOWN[lexicon] = got
    return got
