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
_URL = r"""(?:https?://|www\.)[^\s<>"'()\[\]]+[^\s<>"'()\[\].,;:!?]"""
_EMAIL = r"[\w.+-]++@[\w-]+(?:\.[\w-]+)+"  # possessive: the run before "@" is all of it or nothing
_IDENTIFIER = rf"{_W}++(?:[/.]{_W}++)*(?:/{_W}++)"  # with slashes: RM/2077/68/2026
_WORD = rf"{_W}+(?:[-‐‑'’]{_W}+)*"  # inner hyphens and apostrophes kept


def _compile(url: bool, email: bool, identifier: bool) -> re.Pattern[str]:
    branches = [b for b, on in ((_URL, url), (_EMAIL, email), (_IDENTIFIER, identifier)) if on]
    return re.compile("|".join([*branches, _WORD]), re.UNICODE)


_TOKEN_RE = _compile(True, True, True)
# A branch that cannot match a text (no "@", no "/", no "http"/"www.") is left out of the pattern used for
# it: the same tokens, several times faster (each left-out branch was tried, and failed, at every word).
_PATTERNS = {(u, e, i): _compile(u, e, i) for u in (False, True) for e in (False, True) for i in (False, True)}


def _pattern(text: str) -> re.Pattern[str]:
    return _PATTERNS[("http" in text or "www." in text, "@" in text, "/" in text)]


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Split ``text`` into (start, end, token) triples; offsets index into ``text``."""
    return [(m.start(), m.end(), m.group()) for m in _pattern(text).finditer(text)]


def token_texts(text: str) -> list[str]:
    """The tokens of ``text`` without their offsets (``tokenize``'s third items, faster)."""
    return _pattern(text).findall(text)


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
