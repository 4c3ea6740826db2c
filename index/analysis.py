"""Czech analysis for the index: tokens -> folded lemmas and surface forms.

Indexing and querying share ``ingest.tokenize``; each token of a unit's text gets
exactly one lemma, so the stored ``lemma`` field aligns 1:1 with the tokens of the
stored text (snippets re-tokenise the text to find which words matched).
"""

from __future__ import annotations

import re

from scsearch.language.tokenize import fold, normalize_token, tokenize

_SENT_BREAK = re.compile(r"(?<=[^\W\d]{2}[.!?])\s+(?=[\"„(]?[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ0-9])|\n\s*\n|\n(?=\s*[-•–*▪]\s)")
MAX_SENT = 80


def index_token(lemma: str) -> str:
    """The form a lemma takes in the index: folded, no inner spaces."""
    t = fold(lemma).strip()
    return re.sub(r"\s+", "_", t) or "_"


def form_token(surface: str) -> str:
    return normalize_token(surface)


def sentences(text: str) -> list[list[tuple[int, int, str]]]:
    """Tokens of ``text`` grouped into sentences (at most MAX_SENT tokens each)."""
    out: list[list[tuple[int, int, str]]] = []
    pos = 0
    for m in list(_SENT_BREAK.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        toks = [(s + pos, e + pos, t) for s, e, t in tokenize(text[pos:end])]
        for i in range(0, len(toks), MAX_SENT):
            chunk = toks[i : i + MAX_SENT]
            if chunk:
                out.append(chunk)
        pos = m.end() if m else len(text)
    return out
