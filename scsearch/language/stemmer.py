"""A light Czech stemmer on folded words, after Dolamic & Savoy (2009).

It only strips case endings, so it is a recall aid beside the lemmas: words the
lemmatiser does not know (``elektromobility``, ``elektromobilita``) still meet.

>>> stem("elektromobility"), stem("elektromobilita"), stem("mestum")
('elektromobilit', 'elektromobilit', 'mest')
"""

from __future__ import annotations

from functools import lru_cache

from scsearch.language.tokenize import fold

_SUFFIXES = (
    ("atech",),
    ("etem", "atum"),
    ("ech", "ich", "eho", "emi", "emu", "ete", "eti", "iho", "imi", "imu", "ach", "ata", "aty", "ych", "ama",
     "ami", "ove", "ovi", "ymi"),
    ("em", "es", "im", "um", "at", "am", "os", "us", "ym", "mi", "ou"),
    ("e", "i", "u", "y", "a", "o"),
)
_MIN_STEM = 3


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    w = fold(word)
    if not w.isalpha() or len(w) <= _MIN_STEM + 1:
        return w
    for group in _SUFFIXES:
        for suf in group:
            if w.endswith(suf) and len(w) - len(suf) >= _MIN_STEM:
                return w[: -len(suf)]
    return w
