"""Questions: which words of a question must not decide the ranking.

People ask ("Kolik dostala Charita na pečovatelskou službu?", "od kdy platí řízený přístup k datům").
Question words, particles and function words are stop words already (``index/data/stopwords_cs.txt``);
in a question the light verbs that carry the question rather than its subject (*dostat, mít, platit,
stát, činit …*) are not required either, so the page holding the answer — which rarely repeats the
verb of the question — is not outranked by pages that merely contain it.
"""

from __future__ import annotations

from scsearch.language.tokenize import fold

QUESTION_WORDS = frozenset(
    "kdo co kdy kde kam odkud kudy proc jak kolik kolikrat nakolik jaky jaka jake jaci jakou jakym jakem "
    "ktery ktera ktere kteri kterou kterym ci zda zdali jestli cim komu koho ceho cemu odkdy dokdy nac zac".split()
)
LIGHT_VERBS = frozenset(
    "byt mit dostat dostavat dat davat obdrzet ziskat ziskavat platit stat cinit moci muset smet chtit "
    "vedet znat delat udelat existovat probihat konat jit prijit patrit potrebovat znamenat rikat rict".split()
)


def is_question(words: list[str]) -> bool:
    """A question: one of its first two words is a question word (``kolik``, ``od kdy``, ``kdo``)."""
    return any(fold(w) in QUESTION_WORDS for w in words[:2])


def is_light_verb(word: str, lemmas: list[str]) -> bool:
    """Whether one of the two likeliest lemmas of ``word`` (folded candidates, best first; the word
    itself is no evidence: ``dat`` is *data* as often as *dát*) is a light verb."""
    folded = fold(word)
    return any(lemma in LIGHT_VERBS for lemma in [c for c in lemmas if c != folded][:2])
