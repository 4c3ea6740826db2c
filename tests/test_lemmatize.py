"""Lemmatisers: simplemma (always), and a real stanza Pipeline on a tiny model trained from UD Czech-CLTT."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from scsearch.errors import UsageError
from scsearch.language.lemmatize import (
    ModelsNotFound,
    SimplemmaLemmatizer,
    StanzaLemmatizer,
    available_backends,
    build_pipeline,
    clean_lemma,
    find_models,
    get_lemmatizer,
    models_status,
    split_sentences,
)
from scsearch.language.tokenize import tokenize
from tests._fixtures_stanza import TRAIN, train_tiny_models

# --- simplemma -------------------------------------------------------------------------------


def test_simplemma_lemmas_and_identifiers() -> None:
    lem = get_lemmatizer("simplemma")
    assert isinstance(lem, SimplemmaLemmatizer)
    assert lem.name == "simplemma" and lem.model == "cs"
    assert lem.ident == f"simplemma/{lem.version}/cs"
    out = lem.lemmatize_tokens(
        [
            ["Ministerstvem", "dopravy", "Zásad", "urbánní", "politiky"],
            [],
            ["Starostům", "menších", "obcí", "bylo", "elektromobilů", "v", "Praze"],
            ["RM/2077/68/2026", "541/2020", "107", "info@mmr.cz", "https://mmr.cz/x", "COVID-19"],
        ]
    )
    assert out == [
        ["ministerstvo", "doprava", "zásada", "urbánní", "politika"],
        [],
        ["starosta", "malý", "obec", "být", "elektromobil", "v", "Praha"],
        ["RM/2077/68/2026", "541/2020", "107", "info@mmr.cz", "https://mmr.cz/x", "COVID-19"],
    ]


def test_lemmatize_text_offsets_align_with_tokenizer() -> None:
    text = "Usnesení RM/2077/68/2026 schválilo Ministerstvo dopravy. Starostům menších obcí bylo (č. 107) řečeno…"
    toks = get_lemmatizer("simplemma").lemmatize_text(text)
    assert [(t.start, t.end, t.text) for t in toks] == tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in toks)
    assert [t.lemma for t in toks] == [
        "usnesení", "RM/2077/68/2026", "schválit", "ministerstvo", "doprava",
        "starosta", "malý", "obec", "být", "č", "107", "řečený",
    ]


def test_split_sentences() -> None:
    text = "Jednání vedl p. Novák dne 30. 4. 2018. Schválen byl dokument č. 107! Další bod\n\nNový odstavec"
    sents = split_sentences(text)
    words = [[t[2] for t in s if t[3]] for s in sents]
    assert words == [
        ["Jednání", "vedl", "p", "Novák", "dne", "30", "4", "2018"],
        ["Schválen", "byl", "dokument", "č", "107"],
        ["Další", "bod"],
        ["Nový", "odstavec"],
    ]
    # punctuation is kept (for a tagger's context) and flagged as non-word
    assert [t[2] for t in sents[1] if not t[3]] == [".", "!"]
    assert all(text[s:e] == tok for sent in sents for s, e, tok, _ in sent)


def test_split_sentences_cuts_long_runs() -> None:
    text = " ".join(["slovo"] * 300)
    assert [sum(t[3] for t in s) for s in split_sentences(text)] == [120, 120, 60]


def test_clean_lemma_strips_pdt_decorations() -> None:
    assert clean_lemma("moci-1_^(mít_možnost_[něco_dělat])", "může") == "moci"
    assert clean_lemma("Praha_;G", "Praze") == "Praha"
    assert clean_lemma("COVID-19", "COVID-19") == "COVID-19"
    assert clean_lemma("", "slovo") == "slovo"
    assert clean_lemma("_", "slovo") == "slovo"
    assert clean_lemma(None, "slovo") == "slovo"


# --- backend choice without models -------------------------------------------------------------


def test_auto_without_models_falls_back_to_simplemma(tmp_path: Path) -> None:
    lem = get_lemmatizer("auto", stanza_dir=tmp_path / "none")
    assert lem.name == "simplemma"
    assert lem.reason.startswith("modely stanza nejsou nainstalovány")
    with pytest.raises(ModelsNotFound, match="nejsou nainstalovány"):
        get_lemmatizer("stanza", stanza_dir=tmp_path)
    with pytest.raises(UsageError):
        get_lemmatizer("udpipe")
    status = available_backends(tmp_path)
    assert status["simplemma"].startswith("k dispozici")
    assert status["stanza"].startswith("nedostupný: modely stanza nejsou nainstalovány")
    assert "Automatická volba: simplemma" in models_status(tmp_path)


def test_incomplete_stanza_dir_is_reported(tmp_path: Path) -> None:
    resources = {"cs": {"packages": {"default": {"tokenize": "pdt", "pos": "pdt", "lemma": "pdt"}},
                        "pos": {"pdt": {"dependencies": [{"model": "pretrain", "package": "conll17"}]}}}}
    (tmp_path / "resources.json").write_text(json.dumps(resources), encoding="utf-8")
    for proc in ("tokenize", "pos", "lemma"):
        (tmp_path / "cs" / proc).mkdir(parents=True)
        (tmp_path / "cs" / proc / "pdt.pt").write_bytes(b"x")
    with pytest.raises(ModelsNotFound, match=r"chybí .*cs/pretrain/conll17\.pt"):
        find_models(tmp_path)
    (tmp_path / "cs" / "pretrain").mkdir()
    (tmp_path / "cs" / "pretrain" / "conll17.pt").write_bytes(b"x")
    models = find_models(tmp_path)
    assert models.package == "default (pdt)"
    assert models.processors == ("tokenize", "pos", "lemma")
    assert models.pipeline_kwargs()["pos_pretrain_path"] == str(tmp_path / "cs" / "pretrain" / "conll17.pt")
    (tmp_path / "scsearch-models.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelsNotFound, match="je neplatný"):
        find_models(tmp_path)


# --- stanza, for real ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tiny_stanza_dir() -> Path:
    if not TRAIN.is_file():
        pytest.skip(f"{TRAIN} is not available (../shared evaluation data missing)")
    return train_tiny_models()


def _gold(n: int) -> list[list[tuple[str, str]]]:
    """The first ``n`` sentences of the training file as (form, lemma) of syntactic words."""
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    for line in TRAIN.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) == 10 and cols[0].isdigit():
            cur.append((cols[1], cols[2]))
        elif not line.strip() and cur:
            sents.append(cur)
            cur = []
            if len(sents) == n:
                break
    return sents


@pytest.mark.slow
def test_stanza_auto_picks_installed_models(tiny_stanza_dir: Path) -> None:
    lem = get_lemmatizer("auto", stanza_dir=tiny_stanza_dir)
    assert isinstance(lem, StanzaLemmatizer)
    assert lem.ident == f"stanza/{lem.version}/default (cltt_tiny)@{tiny_stanza_dir}"
    assert lem.reason.startswith("nalezeny modely stanza default (cltt_tiny)")
    assert lem.models.processors == ("tokenize", "pos", "lemma")
    status = models_status(tiny_stanza_dir)
    assert "Automatická volba: stanza" in status and "cs/lemma/cltt_tiny.pt" in status
    # the Pipeline is real, built once per process
    pipe = build_pipeline(lem.models)
    assert pipe is build_pipeline(lem.models)
    assert set(pipe.processors) == {"tokenize", "pos", "lemma"}
    assert pipe.config["tokenize_pretokenized"] is True


@pytest.mark.slow
def test_stanza_lemmas_on_seen_sentences(tiny_stanza_dir: Path) -> None:
    lem = get_lemmatizer("stanza", stanza_dir=tiny_stanza_dir)
    gold = _gold(60)
    preds = lem.lemmatize_tokens([[f for f, _ in s] for s in gold])
    assert [len(p) for p in preds] == [len(s) for s in gold]
    pairs = [(p, g) for ps, s in zip(preds, gold, strict=True) for p, (_, g) in zip(ps, s, strict=True)]
    acc = sum(p.lower() == g.lower() for p, g in pairs) / len(pairs)
    assert acc > 0.97, acc  # measured 0.991 on 1634 words: training sentences are in the lemma dictionary
    # forms seen in training (stanoví 7x, vyhláškou 4x); "Ministerstvo"/"dopravy" are not in the training file
    assert lem.lemmatize_tokens([["Ministerstvo", "dopravy", "stanoví", "vyhláškou"]]) == [
        ["Ministerstvo", "doprava", "stanovit", "vyhláška"]
    ]


@pytest.mark.slow
def test_stanza_lemmas_on_unseen_words(tiny_stanza_dir: Path) -> None:
    from bench.lemma_accuracy import UD, read_conllu

    lem = get_lemmatizer("stanza", stanza_dir=tiny_stanza_dir)
    text = "Ministerstvo pro místní rozvoj projednalo zásady urbánní politiky. Usnesení RM/2077/68/2026 bylo přijato."
    toks = lem.lemmatize_text(text)
    assert [(t.start, t.end, t.text) for t in toks] == tokenize(text)
    lemmas = {t.text: t.lemma for t in toks}
    # "politiky", "urbánní" never occur in the training file: the seq2seq model generalises
    assert (lemmas["politiky"], lemmas["zásady"], lemmas["urbánní"]) == ("politika", "zásada", "urbánní")
    assert lemmas["bylo"] == "být"
    assert lemmas["RM/2077/68/2026"] == "RM/2077/68/2026"  # identifiers are never lemmatised
    # unseen sentences of the same treebank: measured 0.909 (simplemma: 0.980) on 1499 words
    gold = read_conllu(UD / "cs_cltt-ud-test.conllu")[:50]
    preds = lem.lemmatize_tokens([[w.form for w in s] for s in gold])
    pairs = [(p, w.lemma) for ps, s in zip(preds, gold, strict=True) for p, w in zip(ps, s, strict=True) if w.upos != "PUNCT"]
    acc = sum(p.lower() == g.lower() for p, g in pairs) / len(pairs)
    assert acc > 0.85, acc


@pytest.mark.slow
def test_stanza_explicit_json_layout_gives_same_lemmas(tiny_stanza_dir: Path, tmp_path: Path) -> None:
    explicit = tiny_stanza_dir / "explicit"
    a = get_lemmatizer("stanza", stanza_dir=tiny_stanza_dir)
    b = get_lemmatizer("auto", stanza_dir=explicit)
    assert isinstance(b, StanzaLemmatizer) and b.models.layout == "explicit"
    assert b.ident == f"stanza/{b.version}/cltt_tiny@{explicit}"
    sents = [[f for f, _ in s] for s in _gold(20)] + [["", "a b", "Praha"], []]
    out = b.lemmatize_tokens(sents)
    assert out == a.lemmatize_tokens(sents)
    assert out[-2][:2] == ["", "a b"] and out[-1] == []
    # a model file gone: auto falls back, explicit stanza explains
    broken = tmp_path / "broken"
    shutil.copytree(explicit, broken)
    assert get_lemmatizer("auto", stanza_dir=broken).name == "simplemma"
    with pytest.raises(ModelsNotFound, match="chybí"):
        get_lemmatizer("stanza", stanza_dir=broken)


def test_default_model_dir_matches_stanza_without_importing_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from stanza.resources.common import DEFAULT_MODEL_DIR

    from scsearch.language.lemmatize.stanza_models import _stanza_default_model_dir

    monkeypatch.delenv("STANZA_RESOURCES_DIR", raising=False)
    if os.getenv("STANZA_RESOURCES_DIR") is None and DEFAULT_MODEL_DIR.startswith(os.path.expanduser("~")):
        assert _stanza_default_model_dir() == DEFAULT_MODEL_DIR
    monkeypatch.setenv("STANZA_RESOURCES_DIR", "/srv/models")
    assert _stanza_default_model_dir() == "/srv/models"
