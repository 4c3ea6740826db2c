"""The one tokenizer shared by indexing and querying.

Words keep inner hyphens (``e-mobilita``, ``Frýdek-Místek``); identifiers with slashes stay whole
(``RM/2077/68/2026``, ``541/2020``, ``II/449``), as do e-mail addresses and URLs. Numbers split at dots
and commas, so a date matches however it is spaced (``7.9.2016`` and ``7. 9. 2016`` are both 7, 9, 2016).

>>> [t for _, _, t in tokenize("Usnesení RM/2077/68/2026 viz https://mmr.cz, e-mobilita.")]
['Usnesení', 'RM/2077/68/2026', 'viz', 'https://mmr.cz', 'e-mobilita']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_W = r"[^\W_]"  # a word character, underscore excluded ("POSKYTOVÁNÍ_HVDs_" is two words)
_TOKEN_RE = re.compile(
    rf"""
    (?:https?://|www\.)[^\s<>"'()\[\]]+[^\s<>"'()\[\].,;:!?]     # URL
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                                # e-mail
    | {_W}+(?:[/.]{_W}+)*(?:/{_W}+)                                # identifiers with slashes: RM/2077/68/2026
    | {_W}+(?:[-‐‑'’]{_W}+)*                                       # words, inner hyphens and apostrophes kept
    """,
    re.VERBOSE | re.UNICODE,
)


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Split ``text`` into (start, end, token) triples; offsets index into ``text``."""
    out: list[tuple[int, int, str]] = []
    for m in _TOKEN_RE.finditer(text):
        tok = m.group(0)
        out.append((m.start(), m.end(), tok))
    return out


def fold(s: str) -> str:
    """Lowercase and strip diacritics: ``Městům`` -> ``mestum``."""
    return _fold_word(s) if len(s) <= 40 else _fold(s)  # words repeat: cached; long texts are not


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c)).replace("‐", "-").replace("‑", "-")


_fold_word = lru_cache(maxsize=200_000)(_fold)


def nfc(text: str) -> str:
    """Unicode NFC: one code point per Czech letter, however the text or file name was composed."""
    return unicodedata.normalize("NFC", text)


def normalize_token(s: str) -> str:
    """Lowercase, NFC, unify hyphen variants; diacritics kept."""
    return unicodedata.normalize("NFC", s.lower()).replace("‐", "-").replace("‑", "-").replace("’", "'")
