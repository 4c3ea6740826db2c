"""Ministries, programmes and bodies: one table (``scsearch/language/data/entities.tsv``), found in text.

Abbreviations are matched case-sensitively as whole words on the original text; full names by
regular expressions on diacritics-folded lowercase text, so every grammatical case matches
("Ministerstvem dopravy", "ministerstva zemědělství").

>>> find_ministries("Zástupci Ministerstva dopravy a MŽP se shodli.")
('MŽP', 'MD')
>>> normalize_ministry("mzp"), entity_token("SMO ČR")
('MŽP', 'ent_smo_cr')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scsearch.language.tokenize import fold
from scsearch.models import MINISTRIES

DATA_FILE = Path(__file__).resolve().parent / "data" / "entities.tsv"
KINDS = ("ministry", "programme", "body")

# The head noun of a ministry's name in any case: Ministerstvo, ministerstvem, ministr, rezortu ...
_MINISTRY_HEAD = r"(?:ministerstv\w*|ministr\w*|re[sz]ort\w*)"


@dataclass(frozen=True)
class Entity:
    code: str  # canonical abbreviation: "MŽP", "SMO ČR"
    kind: str  # "ministry" | "programme" | "body"
    label: str  # Czech full name, nominative
    abbreviations: tuple[str, ...] = ()  # whole-word, case-sensitive spellings
    pattern: str = ""  # regex over folded lowercase text (full name in any case)
    ministry: str = ""  # managing ministry of a programme/body, "" if none of the nine


@dataclass(frozen=True)
class Mention:
    code: str
    start: int
    end: int
    text: str


def load_entities(path: Path = DATA_FILE) -> tuple[Entity, ...]:
    """Read the TSV table (header row, '#' comment lines, '|'-separated abbreviations)."""
    out: list[Entity] = []
    header: list[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
        kind = row["kind"].strip()
        if kind not in KINDS:
            raise ValueError(f"{path}: unknown kind {kind!r} for {row['code']!r}")
        out.append(
            Entity(
                code=row["code"].strip(),
                kind=kind,
                label=row["label"].strip(),
                abbreviations=tuple(a for a in row["abbreviations"].split("|") if a),
                pattern=row["pattern"].strip(),
                ministry=row.get("ministry", "").strip(),
            )
        )
    return tuple(out)


ENTITIES: tuple[Entity, ...] = load_entities()
BY_CODE: dict[str, Entity] = {e.code: e for e in ENTITIES}


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    f = fold(c)
    return f if len(f) == 1 else c.lower()[:1] or c


def fold_same_length(text: str) -> str:
    """``fold`` that keeps every offset: one output character per input character."""
    return text.translate(_SAME_LENGTH)


class _SameLengthFold(dict[int, str]):
    """``str.translate`` table of ``_fold_char``, filled on demand (at most 65,536 characters kept)."""

    def __missing__(self, code: int) -> str:
        out = _fold_char(chr(code))
        if len(self) < 65_536:
            self[code] = out
        return out


_SAME_LENGTH = _SameLengthFold()


def _abbrev_regex(abbrev: str) -> str:
    # Whole word: no letter/digit/hyphen/slash/dot-word around it ("MDR", "C-ITS" for ITS, "MD.1").
    # Long all-caps codes may carry a Czech case ending: "z IROPu", "s IROPem".
    ending = "(?:u|em|ům|y)?" if len(abbrev) >= 4 and abbrev.isupper() and " " not in abbrev else ""
    return rf"(?<![\w\-/])(?<!\w\.){re.escape(abbrev)}{ending}(?![\w/])(?!-\w)(?!\.\w)"


def _name_regex(pattern: str) -> str:
    body = pattern.replace("{M}", _MINISTRY_HEAD).replace(" ", r"\s+")
    return rf"(?<!\w)(?:{body})(?!\w)"


@lru_cache(maxsize=8)
def _compiled(kinds: tuple[str, ...]) -> tuple[re.Pattern[str], list[str], re.Pattern[str], list[str]]:
    abbrevs: list[tuple[str, str]] = []
    names: list[tuple[str, str]] = []
    for e in ENTITIES:
        if e.kind not in kinds:
            continue
        abbrevs += [(a, e.code) for a in e.abbreviations]
        if e.pattern:
            names.append((e.pattern, e.code))
    abbrevs.sort(key=lambda ac: -len(ac[0]))  # longest first: "NS MAS" before "MAS"
    abbr_re = re.compile(
        _starting_with([a for a, _ in abbrevs])
        + "(?:" + ("|".join(f"(?P<a{i}>{_abbrev_regex(a)})" for i, (a, _) in enumerate(abbrevs)) or "(?!)") + ")"
    )
    bodies = [p.replace("{M}", _MINISTRY_HEAD) for p, _ in names]
    name_re = re.compile(
        _starting_with(bodies)
        + "(?:" + ("|".join(f"(?P<n{i}>{_name_regex(p)})" for i, (p, _) in enumerate(names)) or "(?!)") + ")"
    )
    return abbr_re, [c for _, c in abbrevs], name_re, [c for _, c in names]


def _starting_with(alternatives: list[str]) -> str:
    """A lookahead for the first characters the alternatives can start with, so that the alternation is
    tried only there (ten times faster on long texts); empty when a first character is not a plain letter.

    >>> _starting_with(["MMR", "IROP"])
    '(?=[IM])'
    """
    firsts: set[str] = set()
    for a in alternatives:
        if a.startswith("(?:") and ")" in a:  # a group first: the first letters of its alternatives
            firsts.update(alt[:1] for alt in a[3 : a.index(")")].split("|"))
        else:
            firsts.add(a[:1])
    if not firsts or any(not f.isalpha() for f in firsts):
        return ""
    return "(?=[" + "".join(sorted(firsts)) + "])"


# "MD" that is not the Ministry of Transport.
_MD_DEGREE_BEFORE = re.compile(r"(?:\b[A-ZÁ-Ž][a-zá-ž]+|Ph\.\s?D\.|CSc\.|MBA|DrSc\.|Th\.D\.)\s*,\s*$")
_MD_LEAVE_BEFORE = re.compile(
    r"(?:\b(?:je|jsou|byla?|bude|odchod\w*|ode[šs]l\w*|nastoupil\w*|nastoupí|návrat\w*|vrátil\w*|mateřsk\w*)"
    r"\s+(?:na|z|ze)\s+)$",
    re.IGNORECASE,
)
_MD_DEGREE_AFTER = re.compile(r"^\s*(?:,\s*(?:Ph\.\s?D\.|MBA|CSc\.)|\.)")


def _keep_short_code(code: str, text: str, start: int, end: int) -> bool:
    if code != "MD":
        return True
    before = text[max(0, start - 40) : start]
    after = text[end : end + 12]
    if _MD_LEAVE_BEFORE.search(before):  # "je na MD" = maternity leave
        return False
    if _MD_DEGREE_AFTER.match(after):  # "MD, Ph.D.", "M.D."
        return False
    m = _MD_DEGREE_BEFORE.search(before)
    if m:
        prev = m.group(0).rstrip(" ,")
        if prev not in _ABBREV_SET:  # "MPO, MD" is a list of ministries; "Novák, MD" a degree
            return False
    return True


_ABBREV_SET = {a for e in ENTITIES for a in e.abbreviations}


def find_entities(text: str, kinds: tuple[str, ...] | list[str] = KINDS) -> list[Mention]:
    """All entity mentions in ``text``, sorted by position; overlapping mentions keep the longest."""
    if not text:
        return []
    abbr_re, abbr_codes, name_re, name_codes = _compiled(tuple(kinds))
    found: list[Mention] = []
    for m in abbr_re.finditer(text):
        code = abbr_codes[int((m.lastgroup or "a0")[1:])]
        if _keep_short_code(code, text, m.start(), m.end()):
            found.append(Mention(code, m.start(), m.end(), m.group(0)))
    folded = fold_same_length(text)
    for m in name_re.finditer(folded):
        code = name_codes[int((m.lastgroup or "n0")[1:])]
        found.append(Mention(code, m.start(), m.end(), text[m.start() : m.end()]))
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    out: list[Mention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            continue
        out.append(mention)
    return out


def find_ministries(text: str) -> tuple[str, ...]:
    """Codes of the ministries mentioned in ``text``, in the canonical order of ``MINISTRIES``."""
    codes = {m.code for m in find_entities(text, ("ministry",))}
    return tuple(c for c in MINISTRIES if c in codes)


_CODE_BY_FOLDED = {fold(e.code): e.code for e in ENTITIES if e.kind == "ministry"}
_CODE_BY_FOLDED.update({fold(a): e.code for e in ENTITIES if e.kind == "ministry" for a in e.abbreviations})


def normalize_ministry(value: str) -> str | None:
    """A ministry code from any spelling: "mzp", "MŽP", "Ministerstvo životního prostředí" -> "MŽP"."""
    if not isinstance(value, str):
        return None
    v = " ".join(value.split())
    if not v:
        return None
    code = _CODE_BY_FOLDED.get(fold(v).removesuffix(" cr").strip())
    if code:
        return code
    mentions = find_entities(v, ("ministry",))
    if len({m.code for m in mentions}) == 1:
        return mentions[0].code
    return None


def entity_token(code: str) -> str:
    """ASCII index token for an entity: "MŽP" -> "ent_mzp", "SMO ČR" -> "ent_smo_cr"."""
    slug = re.sub(r"[^a-z0-9]+", "_", fold(code)).strip("_")
    return f"ent_{slug}"


def ministry_of(code: str) -> str | None:
    """The ministry behind an entity code: itself for a ministry, the managing ministry otherwise."""
    e = BY_CODE.get(code)
    if e is None:
        return None
    if e.kind == "ministry":
        return e.code
    return e.ministry or None
