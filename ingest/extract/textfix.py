"""Pure text repairs shared by the extractors: NFC, mojibake, doubled glyphs, hyphenation.

>>> fix_mojibake("Pøíloha è. 1")
'Příloha č. 1'
>>> undouble_line("AAnnkkeettaa bbyyllaa")
'Anketa byla'
>>> dehyphenate(["rozpočet participativní-", "ho typu a Frýdek-", "Místek"])
['rozpočet participativního typu a Frýdek-Místek']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CZECH_DIACRITICS = set("ěščřžýáíéúůďťňóĚŠČŘŽÝÁÍÉÚŮĎŤŇÓ")
# CP1250 bytes shown through WinAnsi (cp1252): ø=ř, è=č, ì=ě, ò=ň, ù=ů, ï=ď and capitals.
_MOJIBAKE_STRONG = set("øìòùïØÌÒÙÏ")
_MOJIBAKE_ANY = _MOJIBAKE_STRONG | set("èÈ")
_TOKEN = re.compile(r"\S+")
_HYPHENS = ("-", "\u00ad", "\u2010", "\u2011")
_COMPOUND_PREFIX = re.compile(r"^[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ][a-záčďéěíňóřšťúůýž]*(?:sk|ck|ňsk)o$")


def czech_share(text: str) -> float:
    """Share of letters that carry Czech diacritics (Czech prose: ~0.08-0.12)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(c in CZECH_DIACRITICS for c in letters) / len(letters)


def has_mojibake(text: str) -> bool:
    """True when ``text`` shows CP1250 bytes read as Latin-1/WinAnsi (``Pøíloha è. 1``)."""
    strong = sum(1 for tok in _TOKEN.findall(text) if _MOJIBAKE_STRONG & set(tok) and _fixable(tok))
    czech_only = sum(1 for c in text if c in "ěščřžůňťďĚŠČŘŽŮŇŤĎ")
    return strong >= 1 and czech_only >= 2


def _fixable(token: str) -> bool:
    try:
        token.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def fix_mojibake(text: str) -> str:
    """Re-decode tokens that contain mojibake characters as CP1250."""

    def repair(match: re.Match[str]) -> str:
        tok = match.group(0)
        if not (_MOJIBAKE_ANY & set(tok)) or not _fixable(tok):
            return tok
        try:
            return tok.encode("cp1252").decode("cp1250")
        except UnicodeDecodeError:
            return tok

    return _TOKEN.sub(repair, text)


def _is_doubled(tok: str) -> bool:
    return len(tok) >= 4 and len(tok) % 2 == 0 and tok[0::2] == tok[1::2]


def undouble_line(line: str) -> str:
    """Collapse fake-bold doubled glyphs (``AAnnkkeettaa`` -> ``Anketa``).

    A token is collapsed when it is long and doubled, or when most tokens of the line are doubled.
    """
    toks = line.split(" ")
    candidates = [t for t in toks if len(t) >= 2]
    doubled = [t for t in candidates if _is_doubled(t) or (len(t) == 2 and t[0] == t[1])]
    line_mode = len(candidates) >= 2 and len(doubled) * 2 > len(candidates)
    out = []
    for t in toks:
        if (line_mode and (_is_doubled(t) or (len(t) == 2 and t[0] == t[1]))) or (
            len(t) >= 6 and _is_doubled(t) and not t.isdigit()
        ):
            out.append(t[0::2])
        else:
            out.append(t)
    return " ".join(out)


def vocabulary(lines: Iterable[str]) -> set[str]:
    """Lower-cased words of ``lines`` (used to decide hyphenation by what the document spells)."""
    vocab: set[str] = set()
    for line in lines:
        toks = line.split()
        for i, tok in enumerate(toks):
            if i == len(toks) - 1 and tok.endswith(_HYPHENS):
                continue
            vocab.add(tok.strip(".,;:!?()[]„“\"'").lower())
    return vocab


def _keep_hyphen(left: str, right: str, vocab: set[str]) -> bool:
    compound, joined = f"{left}-{right}".lower(), f"{left}{right}".lower()
    if compound in vocab:
        return True
    if joined in vocab:
        return False
    if right[:1].isupper() or right[:1].isdigit() or left[-1:].isdigit():
        return True
    if len(left) <= 1 or (left.isupper() and len(left) >= 2):
        return True
    return bool(_COMPOUND_PREFIX.match(left))


def dehyphenate(lines: list[str], vocab: set[str] | None = None) -> list[str]:
    """Join words split by a hyphen at a line end; keep real hyphens (``Frýdek-Místek``, ``e-mobilita``)."""
    if vocab is None:
        vocab = vocabulary(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        while i + 1 < len(lines) and line.endswith(_HYPHENS) and len(line) >= 2 and line[-2].isalpha():
            nxt = lines[i + 1].lstrip()
            m_left = re.search(r"(\w+)\W$", line)
            if nxt.startswith("-") and len(nxt) > 1 and nxt[1].isalpha():  # Czech repeated hyphen
                line = line + nxt[1:]
            elif not nxt[:1].isalpha() or m_left is None:
                break
            elif line.endswith("\u00ad"):
                line = line[:-1] + nxt
            else:
                right = re.match(r"\w+", nxt)
                left = m_left.group(1)
                if right and _keep_hyphen(left, right.group(0), vocab):
                    line = line[:-1] + "-" + nxt
                else:
                    line = line[:-1] + nxt
            i += 1
        out.append(line)
        i += 1
    return out


def clean_line(line: str) -> str:
    """Collapse runs of spaces and strip control characters."""
    line = "".join(c if c.isprintable() or c == "\t" else " " for c in line)
    return re.sub(r"[ \t\u00a0]+", " ", line).strip()
