"""The lemmatiser interface and what every backend shares.

A backend maps pre-tokenised sentences (tokens from :func:`ingest.tokenize.tokenize`)
to one lemma per token.  :func:`lemmatize_text_with` adds tokenisation and sentence
splitting on top of that, so backends only implement ``lemmatize_tokens``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from scsearch.language.tokenize import tokenize
from scsearch.models import Token

MAX_SENT = 120  # longer runs (tables, lists without punctuation) are cut into pieces of this size

# A sentence ends after . ! ? (or …) when the next token starts with a capital letter or a digit
# and the word before the stop is not a short abbreviation ("č.", "tzv.", "např.", "odst.").
_ABBREV = frozenset(
    "č čj čl odst písm tzv např resp apod atd mj tj popř příp sb str s ing mgr bc phdr judr mudr rndr doc prof p "
    "pí sl kč mil mld tis min max cca ev viz vč zejm hod obr tab kap část".split()
)
_END_RE = re.compile(r"[.!?…]")
_PUNCT_RE = re.compile(r"[^\w\s]")


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


def split_sentences(text: str) -> list[list[tuple[int, int, str, bool]]]:
    """Tokens of ``text`` grouped into sentences.

    Each item is ``(start, end, text, is_word)``: words come from :func:`ingest.tokenize.tokenize`
    (``is_word`` True); punctuation characters between them are added with ``is_word`` False so that
    a tagger sees the context it was trained on.  Callers drop the punctuation afterwards.
    """
    words = tokenize(text)
    out: list[list[tuple[int, int, str, bool]]] = []
    cur: list[tuple[int, int, str, bool]] = []
    prev_end = 0
    prev_word = ""
    for start, end, tok in words:
        gap = text[prev_end:start]
        if cur and _is_boundary(gap, prev_word, tok):
            cut = _END_RE.search(gap)
            assert cut is not None or "\n" in gap
            split_at = cut.end() if cut else len(gap)
            cur.extend(_punct(gap[:split_at], prev_end))
            out.append(cur)
            cur = list(_punct(gap[split_at:], prev_end + split_at))
        else:
            cur.extend(_punct(gap, prev_end))
        if sum(1 for t in cur if t[3]) >= MAX_SENT:
            out.append(cur)
            cur = []
        cur.append((start, end, tok, True))
        prev_end, prev_word = end, tok
    if cur:
        cur.extend(_punct(text[prev_end:], prev_end))
        out.append(cur)
    return [s for s in out if any(t[3] for t in s)]


def _is_boundary(gap: str, prev_word: str, next_word: str) -> bool:
    if re.search(r"\n\s*\n", gap):
        return True  # paragraph break
    if not _END_RE.search(gap):
        return False
    if gap.lstrip()[:1] not in ".!?…":
        return False  # the stop does not follow the previous word directly ("slovo (x.")
    if gap.lstrip().startswith(".") and (prev_word.lower() in _ABBREV or (len(prev_word) == 1 and prev_word.isalpha())):
        return False  # "č. 107", "p. Novák", initials
    if prev_word.isdigit() and next_word[:1].isdigit():
        return False  # dates "30. 4. 2018"
    first = next_word[:1]
    return first.isupper() or first.isdigit()


def _punct(gap: str, offset: int) -> list[tuple[int, int, str, bool]]:
    return [(offset + m.start(), offset + m.end(), m.group(0), False) for m in _PUNCT_RE.finditer(gap)]


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
