"""Lemma accuracy and speed of each available lemmatiser on the UD Czech test files.

Usage::

    .venv/bin/python bench/lemma_accuracy.py [--train-tiny] [--backends simplemma,stanza,stanza-tiny]

Scoring: gold tokenisation (the syntactic words of each CoNLL-U sentence, multi-word tokens
already split), one call of ``lemmatize_tokens`` per file; a word is correct when its lemma
equals the gold lemma case-insensitively (``str.lower``).  Punctuation (UPOS PUNCT) is not
scored, since the index never sees it.  Two inputs are measured:

- ``+punct``: every word of the sentence is passed (the usual setting of published scores);
- ``-punct``: PUNCT words are removed from the input first, which is what the app does
  (``ingest.tokenize`` keeps no punctuation).

words/s = input words of the ``+punct`` run / seconds of the ``lemmatize_tokens`` calls
(the Pipeline is built before timing; simplemma's cache is cleared before each file).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
UD = ROOT.parent / "shared" / "eval" / "ud-czech"
FILES = ("cs_cac-ud-test", "cs_cltt-ud-test", "cs_fictree-ud-test", "cs_pud-ud-test")


@dataclass
class Word:
    form: str
    lemma: str
    upos: str


def read_conllu(path: Path) -> list[list[Word]]:
    sents: list[list[Word]] = []
    cur: list[Word] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
            cur = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) == 10 and cols[0].isdigit():
            cur.append(Word(cols[1], cols[2], cols[3]))
    if cur:
        sents.append(cur)
    return sents


def score(lem: object, sents: list[list[Word]], drop_punct: bool) -> tuple[int, int, int, float]:
    """(correct, scored, input words, seconds)."""
    inputs = [[w for w in s if not (drop_punct and w.upos == "PUNCT")] for s in sents]
    inputs = [s for s in inputs if s]
    t0 = time.perf_counter()
    preds = lem.lemmatize_tokens([[w.form for w in s] for s in inputs])  # type: ignore[attr-defined]
    secs = time.perf_counter() - t0
    correct = scored = 0
    for sent, sent_preds in zip(inputs, preds, strict=True):
        for w, p in zip(sent, sent_preds, strict=True):
            if w.upos == "PUNCT":
                continue
            scored += 1
            correct += p.lower() == w.lemma.lower()
    return correct, scored, sum(len(s) for s in inputs), secs


def backends(names: list[str], train_tiny: bool) -> dict[str, object]:
    from scsearch.language.lemmatize import ModelsNotFound, get_lemmatizer

    out: dict[str, object] = {}
    for name in names:
        try:
            if name == "simplemma":
                out[name] = get_lemmatizer("simplemma")
            elif name == "stanza":
                out[name] = get_lemmatizer("stanza")
            elif name == "stanza-tiny":
                from tests._fixtures_stanza import model_dir, train_tiny_models

                d = train_tiny_models() if train_tiny else model_dir()
                out[name] = get_lemmatizer("stanza", d)
        except (ModelsNotFound, FileNotFoundError) as exc:
            print(f"# {name}: skipped ({exc})", file=sys.stderr)
            continue
        if hasattr(out[name], "load"):
            out[name].load()  # type: ignore[attr-defined]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", default="simplemma,stanza,stanza-tiny")
    ap.add_argument("--train-tiny", action="store_true", help="train the tiny CLTT stanza model if not cached")
    ap.add_argument("--files", default=",".join(FILES))
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = ap.parse_args(argv)
    if not UD.is_dir():
        print(f"{UD} missing: nothing to measure", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(1)
    files = [f for f in args.files.split(",") if f]
    data = {f: read_conllu(UD / f"{f}.conllu") for f in files}
    results: dict[str, dict[str, object]] = {}
    for name, lem in backends(args.backends.split(","), args.train_tiny).items():
        row: dict[str, object] = {"ident": lem.ident}  # type: ignore[attr-defined]
        words = secs = 0.0
        for f, sents in data.items():
            if name == "simplemma":
                from scsearch.language.lemmatize.simplemma_backend import _lemma

                _lemma.cache_clear()
            c, n, w, s = score(lem, sents, drop_punct=False)
            c2, n2, _, _ = score(lem, sents, drop_punct=True)
            row[f] = {"acc": c / n, "acc_nopunct_input": c2 / n2, "scored": n}
            words += w
            secs += s
        row["macro"] = sum(row[f]["acc"] for f in files) / len(files)  # type: ignore[index]
        row["macro_nopunct_input"] = sum(row[f]["acc_nopunct_input"] for f in files) / len(files)  # type: ignore[index]
        row["words_per_s"] = words / secs if secs else 0.0
        results[name] = row
        print(f"# {name} done", file=sys.stderr)

    short = [f.removeprefix("cs_").removesuffix("-ud-test") for f in files]
    print(f"Machine: {platform.machine()}, {_cpus()} CPU cores, torch threads 1, Python {platform.python_version()}")
    print()
    print("| backend | " + " | ".join(short) + " | macro +punct | macro -punct | words/s |")
    print("|---|" + "---:|" * (len(files) + 3))
    for name, row in results.items():
        cells = [f"{100 * row[f]['acc']:.2f}" for f in files]  # type: ignore[index]
        print(
            f"| {name} (`{row['ident']}`) | " + " | ".join(cells)
            + f" | {100 * row['macro']:.2f} | {100 * row['macro_nopunct_input']:.2f}"  # type: ignore[operator]
            + f" | {row['words_per_s']:,.0f} |"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


if __name__ == "__main__":
    raise SystemExit(main())
