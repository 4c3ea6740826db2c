"""Czech lemmatisation: stanza when its models are installed, simplemma otherwise.

>>> lem = get_lemmatizer("simplemma")
>>> lem.lemmatize_tokens([["Ministerstvem", "dopravy"]])
[['ministerstvo', 'doprava']]

``get_lemmatizer("auto")`` never downloads; ``models_download()`` does, on request
(``scsearch models download``).  See docs/lemmatization.md.
"""

from __future__ import annotations

import os

from scsearch.errors import ScsearchError, UsageError
from scsearch.language.lemmatize.base import Lemmatizer
from scsearch.language.lemmatize.simplemma_backend import SimplemmaLemmatizer
from scsearch.language.lemmatize.stanza_backend import StanzaLemmatizer, build_pipeline, clean_lemma
from scsearch.language.lemmatize.stanza_models import (
    EXPLICIT_FILE,
    LANG,
    PROCESSORS,
    ModelsNotFound,
    StanzaModels,
    find_models,
    resolve_dir,
)
from scsearch.language.sentences import split_sentences

__all__ = [
    "EXPLICIT_FILE",
    "Lemmatizer",
    "LemmatizerUnavailable",
    "ModelsNotFound",
    "SimplemmaLemmatizer",
    "StanzaLemmatizer",
    "StanzaModels",
    "available_backends",
    "build_pipeline",
    "clean_lemma",
    "find_models",
    "get_lemmatizer",
    "models_download",
    "models_status",
    "split_sentences",
]

CHOICES = ("auto", "stanza", "simplemma")

LemmatizerUnavailable = ModelsNotFound  # raised for an explicit "stanza" without usable models


def get_lemmatizer(choice: str = "auto", stanza_dir: str | os.PathLike[str] | None = None) -> Lemmatizer:
    """The lemmatiser for ``choice``; ``.reason`` says (in Czech) why it was chosen.

    "auto": stanza when its Czech models are in ``stanza_dir`` (default stanza's resources dir),
    otherwise simplemma.  "stanza" without usable models raises :class:`ModelsNotFound`.
    """
    choice = (choice or "auto").strip().lower()
    if choice not in CHOICES:
        raise UsageError(f"neznámý lemmatizátor {choice!r} (možnosti: {', '.join(CHOICES)})")
    if choice == "simplemma":
        return SimplemmaLemmatizer(reason="zvolen v nastavení")
    if choice == "stanza":
        return StanzaLemmatizer(find_models(stanza_dir), reason="zvolen v nastavení")
    try:
        models = find_models(stanza_dir)
    except ModelsNotFound as exc:
        return SimplemmaLemmatizer(reason=str(exc))
    return StanzaLemmatizer(models, reason=f"nalezeny modely stanza {models.package} v {models.dir}")


def available_backends(stanza_dir: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Backend name -> Czech status line."""
    simple = SimplemmaLemmatizer()
    out = {"simplemma": f"k dispozici (simplemma {simple.version}, slovník cs, bez modelů)"}
    try:
        models = find_models(stanza_dir)
    except ModelsNotFound as exc:
        out["stanza"] = f"nedostupný: {exc}"
    else:
        out["stanza"] = f"k dispozici (modely {models.package} v {models.dir})"
    return out


def models_status(stanza_dir: str | os.PathLike[str] | None = None) -> str:
    """What is installed and which backend "auto" picks, as Czech text for the CLI."""
    root = resolve_dir(stanza_dir)
    lines = [f"Adresář modelů stanza: {root}"]
    try:
        models = find_models(stanza_dir)
    except ModelsNotFound as exc:
        lines.append(f"Modely stanza: {exc}")
        if root.is_dir():
            present = [p for p in PROCESSORS if (root / LANG / p).is_dir()]
            if present:
                lines.append("Nalezené procesory: " + ", ".join(present))
    else:
        layout = "rozložení stanza_resources" if models.layout == "stanza_resources" else EXPLICIT_FILE
        lines.append(f"Modely stanza: {models.package} ({layout})")
        for proc, path in models.models.items():
            lines.append(f"  {proc}: {path}")
            for dep, dpath in models.dependencies.get(proc, {}).items():
                lines.append(f"    {dep}: {dpath}")
    for name, status in available_backends(stanza_dir).items():
        lines.append(f"{name}: {status}")
    chosen = get_lemmatizer("auto", stanza_dir)
    lines.append(f"Automatická volba: {chosen.name} ({chosen.reason})")
    return "\n".join(lines)


def models_download(stanza_dir: str | os.PathLike[str] | None = None, progress: bool = True) -> None:
    """Download stanza's default Czech models (tokenize, mwt, pos, lemma) into ``stanza_dir``."""
    import stanza

    root = resolve_dir(stanza_dir)
    try:
        stanza.download(
            LANG,
            model_dir=str(root),
            package="default",
            processors=",".join(PROCESSORS),
            verbose=progress,
        )
    except Exception as exc:  # network errors come in many classes (requests, OSError, ...)
        raise ScsearchError(f"stažení modelů stanza do {root} selhalo: {type(exc).__name__}: {exc}") from exc
    find_models(root)  # raises a Czech explanation when the download left something out
