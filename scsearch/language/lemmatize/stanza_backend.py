"""The stanza backend: a real ``stanza.Pipeline`` (tokenize, mwt, pos, lemma) on pre-tokenised text.

The Pipeline is built from explicit model paths (:class:`StanzaModels`), whichever layout the
model directory has, never downloads (``download_method=None``) and runs on the CPU with one
torch thread (two threads on a 2-core machine were seen to run 40x slower under load).
Building it takes seconds, so it is cached per process and per set of model files.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scsearch.language.lemmatize.base import TextLemmatizerMixin, is_identifier, make_ident
from scsearch.language.lemmatize.stanza_models import LANG, StanzaModels

# A resources file that only names the language: every model path is passed explicitly, so the
# same code builds the Pipeline for stanza's own layout and for scsearch-models.json.
_MIN_RESOURCES = Path(__file__).with_name("stanza_min_resources.json")
_PACKAGE = "scsearch"  # the package name stanza shows for our explicitly given models

_PIPELINES: dict[tuple[str, ...], Any] = {}
_PIPELINES_LOCK = threading.Lock()

# PDT-style lemma decorations: technical suffixes ("_^(...)", "_;G", "_:B", "`...") and homonym
# numbers ("moci-1").  UD models should not produce them; strip them if one does.
_TECH_RE = re.compile(r"(?<=.)(?:_[\^;:,].*|`.*)$")
_HOMONYM_RE = re.compile(r"(?<=\D)-\d+$")

# For a multi-word token (Czech "abych" = aby + bych, "oč" = o + co) the first word carries
# the meaning for search: aby / když / o.
MWT_PICK = "first"


def clean_lemma(lemma: str | None, token: str) -> str:
    """stanza's lemma with any PDT decoration removed; the token itself when there is none."""
    if not lemma or (lemma == "_" and token != "_"):
        return token
    out = _TECH_RE.sub("", lemma)
    if not re.search(r"-\d+$", token):
        out = _HOMONYM_RE.sub("", out)
    return out or token


def stanza_version() -> str:
    import stanza

    return str(stanza.__version__)


def build_pipeline(models: StanzaModels) -> Any:
    """A stanza Pipeline for ``models`` (cached per process)."""
    kwargs = models.pipeline_kwargs()
    key = (str(models.dir), *sorted(f"{k}={v}" for k, v in kwargs.items()))
    with _PIPELINES_LOCK:
        pipe = _PIPELINES.get(key)
        if pipe is None:
            import stanza
            import torch

            torch.set_num_threads(1)
            pipe = stanza.Pipeline(
                lang=LANG,
                dir=str(models.dir),
                resources_filepath=str(_MIN_RESOURCES),
                processors={p: _PACKAGE for p in models.processors},
                package=None,
                tokenize_pretokenized=True,
                download_method=None,
                use_gpu=False,
                logging_level="WARN",
                **kwargs,
            )
            _PIPELINES[key] = pipe
    return pipe


class StanzaLemmatizer(TextLemmatizerMixin):
    """Lemmas from stanza's POS-aware lemmatiser; whole documents are passed in one call."""

    name = "stanza"

    def __init__(self, models: StanzaModels, reason: str = "zvolen výslovně") -> None:
        self.models = models
        self.version = stanza_version()
        self.model = f"{models.package}@{models.dir}"
        self.reason = reason
        self._lock = threading.Lock()

    @property
    def ident(self) -> str:
        return make_ident(self.name, self.version, self.model)

    def load(self) -> None:
        """Build the Pipeline now (otherwise it is built on first use)."""
        build_pipeline(self.models)

    def lemmatize_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        # stanza rejects empty sentences and tokens with whitespace; keep alignment around them
        todo = [i for i, s in enumerate(sentences) if len(s) > 0]
        out: list[list[str]] = [[] for _ in sentences]
        if not todo:
            return out
        batch = [[_safe(tok) for tok in sentences[i]] for i in todo]
        pipe = build_pipeline(self.models)
        with self._lock:
            doc = pipe(batch)
        if len(doc.sentences) != len(batch):
            raise RuntimeError(f"stanza vrátila {len(doc.sentences)} vět místo {len(batch)}")
        for i, sent in zip(todo, doc.sentences, strict=True):
            toks = sentences[i]
            if len(sent.tokens) != len(toks):
                raise RuntimeError(f"stanza vrátila {len(sent.tokens)} slov místo {len(toks)}")
            out[i] = [_token_lemma(tok, t.words) for tok, t in zip(toks, sent.tokens, strict=True)]
        return out

    def __repr__(self) -> str:
        return f"StanzaLemmatizer({self.ident!r})"


def _safe(tok: str) -> str:
    tok = re.sub(r"\s+", "_", tok.strip())
    return tok or "_"


def _token_lemma(token: str, words: Sequence[Any]) -> str:
    if is_identifier(token) or not words:
        return token
    word = words[0]  # MWT_PICK == "first"; with one word per token this is the word itself
    if len(words) == 1 and word.text != token and word.lemma == word.text:
        return token  # a token _safe() had to change ("a b" -> "a_b") and stanza kept as is
    return clean_lemma(word.lemma, word.text if len(words) > 1 else token)
