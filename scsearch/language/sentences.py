"""The one sentence splitter, shared by indexing, the lemmatisers and the decisions.

A sentence ends after . ! ? (or …) when the next token starts with a capital letter or a digit and the
word before the stop is not an abbreviation ("č.", "tzv.", "např.", "odst.", "Ing.") or an initial; a
blank line (paragraph) ends one too; runs without punctuation (tables, lists) are cut every
``MAX_SENT`` words.

>>> [[t for _, _, t in s] for s in word_sentences("Dne 30. 4. 2018 jednal p. Novák. Úkol č. 5 trvá.")]
[['Dne', '30', '4', '2018', 'jednal', 'p', 'Novák'], ['Úkol', 'č', '5', 'trvá']]
"""

from __future__ import annotations

import re

from scsearch.language.tokenize import tokenize

MAX_SENT = 120  # longer runs (tables, lists without punctuation) are cut into pieces of this size

ABBREVIATIONS = frozenset(
    "č čj čl odst písm tzv tzn např resp apod atd mj tj popř příp sb str s ing mgr bc phdr judr mudr rndr doc "
    "prof p pí sl kč mil mld tis min max cca ev viz vč zejm hod obr tab kap část ul nám st arch".split()
)
_END_RE = re.compile(r"[.!?…]")
_PUNCT_RE = re.compile(r"[^\w\s]")
_PARAGRAPH_RE = re.compile(r"\n\s*\n")




def split_sentences(text: str) -> list[list[tuple[int, int, str, bool]]]:
    """Tokens of ``text`` grouped into sentences.

    Each item is ``(start, end, text, is_word)``: words come from :func:`.tokenize.tokenize`
    (``is_word`` True); punctuation characters between them are added with ``is_word`` False so that
    a tagger sees the context it was trained on.  Callers drop the punctuation afterwards.
    """
    words = tokenize(text)
    out: list[list[tuple[int, int, str, bool]]] = []
    cur: list[tuple[int, int, str, bool]] = []
    cur_words = 0  # words (not punctuation) in ``cur``
    prev_end = 0
    prev_word = ""
    for start, end, tok in words:
        gap = text[prev_end:start]
        if gap == " ":  # the common case: no punctuation, no boundary
            pass
        elif cur and _is_boundary(gap, prev_word, tok):
            cut = _END_RE.search(gap)
            assert cut is not None or "\n" in gap
            split_at = cut.end() if cut else len(gap)
            cur.extend(_punct(gap[:split_at], prev_end))
            out.append(cur)
            cur = list(_punct(gap[split_at:], prev_end + split_at))
            cur_words = 0
        else:
            cur.extend(_punct(gap, prev_end))
        if cur_words >= MAX_SENT:
            out.append(cur)
            cur = []
            cur_words = 0
        cur.append((start, end, tok, True))
        cur_words += 1
        prev_end, prev_word = end, tok
    if cur:
        cur.extend(_punct(text[prev_end:], prev_end))
        out.append(cur)
    return [s for s in out if any(t[3] for t in s)]


def _is_boundary(gap: str, prev_word: str, next_word: str) -> bool:
    if "\n" in gap and _PARAGRAPH_RE.search(gap):
        return True  # paragraph break
    if not _END_RE.search(gap):
        return False
    if gap.lstrip()[:1] not in ".!?…":
        return False  # the stop does not follow the previous word directly ("slovo (x.")
    if gap.lstrip().startswith(".") and (prev_word.lower() in ABBREVIATIONS or (len(prev_word) == 1 and prev_word.isalpha())):
        return False  # "č. 107", "p. Novák", initials
    if prev_word.isdigit() and next_word[:1].isdigit():
        return False  # dates "30. 4. 2018"
    first = next_word[:1]
    return first.isupper() or first.isdigit()


def _punct(gap: str, offset: int) -> list[tuple[int, int, str, bool]]:
    return [(offset + m.start(), offset + m.end(), m.group(0), False) for m in _PUNCT_RE.finditer(gap)]


def word_sentences(text: str) -> list[list[tuple[int, int, str]]]:
    """The words of ``text`` (``(start, end, token)``) grouped into sentences, punctuation left out."""
    return [[(s, e, t) for s, e, t, is_word in sent if is_word] for sent in split_sentences(text)]
