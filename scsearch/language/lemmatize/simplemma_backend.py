"""The offline lemmatiser: simplemma's Czech dictionary (no model files, always available)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from types import ModuleType
from typing import Any

from scsearch.language.lemmatize.base import TextLemmatizerMixin, is_identifier, make_ident

LANG = "cs"


@lru_cache(maxsize=1)
def _simplemma() -> ModuleType:
    """simplemma, imported on first use: a search (which lemmatises nothing) does not load it."""
    import simplemma

    return simplemma


@lru_cache(maxsize=262_144)
def _lemma(token: str) -> str:
    if is_identifier(token):
        return token
    lemma: Any = _simplemma().lemmatize(token, lang=LANG)
    return lemma or token


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # only when lemmatising (a search does not)

    try:
        return version("simplemma")
    except PackageNotFoundError:  # pragma: no cover - installed from source
        return str(getattr(_simplemma(), "__version__", "unknown"))


class SimplemmaLemmatizer(TextLemmatizerMixin):
    """Dictionary look-up per token; numbers and identifiers are returned unchanged."""

    name = "simplemma"
    model = LANG

    def __init__(self, reason: str = "zvolen výslovně") -> None:
        self.version = _version()
        self.reason = reason

    @property
    def ident(self) -> str:
        return make_ident(self.name, self.version, self.model)

    def load(self) -> None:
        """Load simplemma's Czech dictionary now (otherwise on first use)."""
        _simplemma().lemmatize("slovo", lang=LANG)

    def lemmatize_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        return [[_lemma(tok) for tok in sent] for sent in sentences]

    def __repr__(self) -> str:
        return f"SimplemmaLemmatizer({self.ident!r})"
