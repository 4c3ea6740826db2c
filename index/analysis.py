"""Czech analysis for the index: tokens -> folded lemmas and surface forms.

Indexing and querying share ``ingest.tokenize``; each token of a unit's text gets
exactly one lemma, so the stored ``lemma`` field aligns 1:1 with the tokens of the
stored text (snippets re-tokenise the text to find which words matched).
"""

from __future__ import annotations

import re

from scsearch.language.tokenize import fold, normalize_token


def index_token(lemma: str) -> str:
    """The form a lemma takes in the index: folded, no inner spaces."""
    t = fold(lemma).strip()
    return re.sub(r"\s+", "_", t) or "_"


def form_token(surface: str) -> str:
    return normalize_token(surface)
