"""A tiny real stanza model for Czech, trained from UD Czech-CLTT, for offline tests and the benchmark.

``train_tiny_models()`` trains, with stanza's own trainers (``stanza.models.tagger`` and
``stanza.models.lemmatizer``):

- a UPOS tagger (no pretrained embeddings, XPOS/FEATS blanked so the heads stay small),
- a POS-aware seq2seq lemmatiser with its dictionary,

on ``../shared/eval/ud-czech/cs_cltt-ud-train.conllu`` (CC BY-SA 4.0, Kríž & Hladká) and lays
them out exactly like ``stanza.download`` does (``resources.json``, ``cs/pos/<pkg>.pt``,
``cs/lemma/<pkg>.pt``), plus ``explicit/scsearch-models.json`` pointing at the same files.
The result is cached in ``tests/.cache/stanza-cltt-<hash>/`` keyed by the training file and
the recipe, so only the first run pays (about 1-2 minutes on 2 cores).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UD = SHARED / "eval" / "ud-czech"
TRAIN = UD / "cs_cltt-ud-train.conllu"
DEV = UD / "cs_cltt-ud-dev.conllu"
CACHE = Path(__file__).resolve().parent / ".cache"
PACKAGE = "cltt_tiny"
SHORTHAND = "cs_scsearchtiny"  # not a dataset stanza knows, so it does not expect its XPOS tagset

TAGGER_ARGS = [
    "--no_pretrain", "--hidden_dim", "64", "--char_hidden_dim", "64", "--word_emb_dim", "32",
    "--char_emb_dim", "32", "--tag_emb_dim", "8", "--deep_biaff_hidden_dim", "32",
    "--composite_deep_biaff_hidden_dim", "16", "--num_layers", "1", "--max_steps", "150",
    "--eval_interval", "50", "--log_step", "50", "--batch_size", "32", "--lr", "0.01", "--seed", "1234",
]
LEMMA_ARGS = [
    "--num_epoch", "5", "--hidden_dim", "64", "--emb_dim", "32", "--pos_dim", "32",
    "--batch_size", "100", "--log_step", "1000", "--seed", "1234",
]
RECIPE = f"v1 {SHORTHAND} " + " ".join(TAGGER_ARGS + LEMMA_ARGS)


def cache_key() -> str:
    h = hashlib.sha256(TRAIN.read_bytes())
    h.update(RECIPE.encode())
    return h.hexdigest()[:12]


def model_dir() -> Path:
    """Where the trained models live (may not exist yet)."""
    return CACHE / f"stanza-cltt-{cache_key()}"


def _upos_only(src: Path, dst: Path, max_sents: int | None = None) -> None:
    """Copy a CoNLL-U file with XPOS and FEATS blanked (the tagger then learns UPOS only)."""
    out: list[str] = []
    sents = 0
    for line in src.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) == 10:
            cols[4] = cols[5] = "_"
            line = "\t".join(cols)
        out.append(line)
        if not line.strip():
            sents += 1
            if max_sents is not None and sents >= max_sents:
                break
    dst.write_text("\n".join(out).rstrip("\n") + "\n\n", encoding="utf-8")


def train_tiny_models(quiet: bool = True) -> Path:
    """Train (or reuse) the tiny Czech models; returns a stanza_resources-like directory."""
    if not TRAIN.is_file():
        raise FileNotFoundError(f"{TRAIN} is not available (../shared evaluation data missing)")
    final = model_dir()
    if (final / "resources.json").is_file():
        return final
    import torch
    from stanza.models import lemmatizer, tagger

    torch.set_num_threads(1)
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="stanza-train-", dir=CACHE))
    try:
        data = work / "data"
        data.mkdir()
        _upos_only(TRAIN, data / "train.conllu")
        _upos_only(DEV, data / "dev.conllu", max_sents=40)
        for proc in ("pos", "lemma"):
            (work / "cs" / proc).mkdir(parents=True)
        common = ["--eval_file", str(data / "dev.conllu"), "--shorthand", SHORTHAND, "--cpu"]
        sink = io.StringIO()
        level = logging.getLogger("stanza").level
        if quiet:
            logging.getLogger("stanza").setLevel(logging.ERROR)
        try:
            with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
                tagger.main(
                    ["--train_file", str(data / "train.conllu"), "--lang", "cs", *common,
                     "--save_dir", str(work / "cs" / "pos"), "--save_name", f"{PACKAGE}.pt", *TAGGER_ARGS]
                )
                # the lemmatiser learns from the full file (gold UPOS, gold lemmas)
                lemmatizer.main(
                    ["--train_file", str(TRAIN), *common,
                     "--save_dir", str(work / "cs" / "lemma"), "--save_name", f"{PACKAGE}.pt", *LEMMA_ARGS]
                )
        finally:
            logging.getLogger("stanza").setLevel(level)
        shutil.rmtree(data)
        for proc in ("pos", "lemma"):
            if not (work / "cs" / proc / f"{PACKAGE}.pt").is_file():
                raise RuntimeError(f"stanza training produced no {proc} model")
        resources = {
            "cs": {
                "lang_name": "Czech",
                "packages": {"default": {"pos": PACKAGE, "lemma": PACKAGE}},
                "default_processors": {"pos": PACKAGE, "lemma": PACKAGE},
                "pos": {PACKAGE: {}},
                "lemma": {PACKAGE: {}},
            }
        }
        (work / "resources.json").write_text(json.dumps(resources, indent=1), encoding="utf-8")
        (work / "explicit").mkdir()
        explicit = {
            "package": PACKAGE,
            "processors": {
                "pos": {"model": f"../cs/pos/{PACKAGE}.pt"},
                "lemma": {"model": f"../cs/lemma/{PACKAGE}.pt"},
            },
        }
        (work / "explicit" / "scsearch-models.json").write_text(json.dumps(explicit, indent=1), encoding="utf-8")
        (work / "SOURCE.txt").write_text(
            f"Trained by tests/_fixtures_stanza.py from {TRAIN.name} (UD Czech-CLTT, CC BY-SA 4.0,"
            f" Kríž & Hladká); derived data, share-alike.\nrecipe: {RECIPE}\n",
            encoding="utf-8",
        )
        try:
            work.rename(final)
        except OSError:  # another process finished first
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final
