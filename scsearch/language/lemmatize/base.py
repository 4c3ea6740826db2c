"""The lemmatiser interface and what every backend shares.

A backend maps pre-tokenised sentences (tokens from :func:`scsearch.language.tokenize.tokenize`)
to one lemma per token.  :func:`lemmatize_text_with` adds tokenisation and sentence
splitting on top of that, so backends only implement ``lemmatize_tokens``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from scsearch.language.sentences import split_sentences
from scsearch.models import Token


@runtime_checkable
class Lemmatizer(Protocol):
    """What the indexer and the query parser need from a lemmatiser."""

    name: str  # "stanza" | "simplemma"
    version: str  # library version
    model: str  # model id (stanza: package + model dir; simplemma: "cs")
    reason: str  # why this backend was chosen (Czech), for CLI/UI

    @property
    def ident(self) -> str:
        """``name/version/model``, recorded in the index."""
        ...

    def lemmatize_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """One lemma per input token, aligned 1:1 with ``sentences``."""
        ...

    def lemmatize_text(self, text: str) -> list[Token]:
        """Tokenise ``text``, split it into sentences and lemmatise; offsets index into ``text``."""
        ...


def make_ident(name: str, version: str, model: str) -> str:
    return f"{name}/{version}/{model}"


class TextLemmatizerMixin:
    """``lemmatize_text`` for any backend that has ``lemmatize_tokens``."""

    def lemmatize_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:  # pragma: no cover
        raise NotImplementedError

    def lemmatize_text(self, text: str) -> list[Token]:
        sents = split_sentences(text)
        lemmas = self.lemmatize_tokens([[t[2] for t in s] for s in sents])
        out: list[Token] = []
        for sent, sent_lemmas in zip(sents, lemmas, strict=True):
            for (start, end, tok, is_word), lemma in zip(sent, sent_lemmas, strict=True):
                if is_word:
                    out.append(Token(text=tok, lemma=lemma or tok, start=start, end=end))
        return out


def is_identifier(token: str) -> bool:
    """Numbers, identifiers, e-mails and URLs: lemmatisers must leave them as they are."""
    return any(c.isdigit() for c in token) or any(c in token for c in "/@_") or "://" in token or token.startswith("www.")
