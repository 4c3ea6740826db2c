"""The vocabulary of decisions: line classes, verbs and kinds, and the helpers that read a
responsible party and a deadline (used by :mod:`.decisions`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from scsearch.language.dates import find_dates
from scsearch.language.entities import find_entities, fold_same_length

# ---------------------------------------------------------------- line classes
_HEADER = re.compile(
    r"^(?:Číslo(?:\s+usnesení)?\s*:|Usnesení\s+(?:č\.|čís\.|číslo)\s*:?)\s*"
    r"(?P<num>(?:[A-ZÚ]{1,4}\s?/\s?)?\d+(?:\s?/\s?\w+)*)\s*[:.]?\s*(?P<rest>.*)$"
)
_INLINE_HEADER = re.compile(r"^(?P<num>[A-Z]{1,4}/\d+/\d+/\d{4})\b\s*[:.–-]?\s*(?P<rest>\S.*)$")
_ITEM = re.compile(r"^(?P<letter>[a-z])\)\s*(?P<rest>.*)$")
_RESPONSIBLE = re.compile(r"^(?:Zodpovídá|Odpovídá|Zodpovědnost|Zodpovědný|Odpovědnost|Z)\s*:\s*(?P<v>.+)$")
_DEADLINE = re.compile(r"^(?:Termín(?:\s+plnění)?|T)\s*:\s*(?P<v>.+)$")
_VOTE = re.compile(r"^(?:Hlasování\s*:?\s*)?(?:(?P<letter>[a-z])\)\s*)?pro\s*[-–:]?\s*\d+", re.IGNORECASE)
_VOTE_HEAD = re.compile(r"^Hlasování\s*:?\s*$", re.IGNORECASE)
_REJECTED = re.compile(r"nebyl\w*\s+prijat|neprijat|nebyl\w*\s+schvalen")
_REJECTED_SECTION = re.compile(r"^(?:neprijate\s+navrhy|navrhy?,?\s+(?:ktere?|ktery)\s+nebyl\w*\s+prijat\w*)")
_SIGNATURE = re.compile(r"\bv\.\s?r\.|^(?:starosta|mistostarosta|primator|hejtman)\w*\s+(?:mesta|obce|kraje)")
_AGENDA_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.\s+[A-ZÁ-Ž]")
_PAGE_NOISE = re.compile(r"^(?:stránka|strana)\s+\d+\s+z\s+\d+$|^\d{1,3}$|^-\s*\d+\s*-$", re.IGNORECASE)

# ---------------------------------------------------------------- verbs and kinds
_VERBS = (
    "bere na vědomí|berou na vědomí|ukládá|pověřuje|vyzývá|žádá|schvaluje|neschvaluje|souhlasí|nesouhlasí|"
    "doporučuje|nedoporučuje|revokuje|ruší|volí|jmenuje|odvolává|deleguje|zřizuje|určuje|stanovuje|stanoví|"
    "vydává|uděluje|rozhodla|rozhodl|trvá|navrhuje|zmocňuje|stahuje|deklaruje|přijímá|odkládá|vyhovuje|"
    "nevyhovuje|konstatuje|setrvává|projednala|projednal|vyslovuje|odmítá"
)
_VERB_RE = re.compile(rf"(?<!\w)(?P<verb>{_VERBS})(?!\w)")
_TASK_VERBS = {"ukládá", "pověřuje", "vyzývá", "žádá"}
_NOTED_VERBS = {"bere na vědomí", "berou na vědomí"}

# Free-text cues.
_TASK_LINE = re.compile(
    r"^Úkol\w*\s*(?:č\.\s*)?(?P<num>\d+(?:\s?/\s?\d+)*)?\s*(?:pro\s+(?P<who>.+?))?(?:\s*:\s*|\s+[–—-]\s+)(?P<body>.+)$"
)
_TASK_TRAILER = re.compile(r"^(?P<body>.+?)\s+[–—-]\s+úkol\s+pro\s+(?P<who>.+?)\.?$", re.IGNORECASE)
_TASKS_HEAD = re.compile(r"^(?:Úkoly|Přijaté\s+úkoly|Nové\s+úkoly)\s*:?\s*$")
_CONCLUSION_LINE = re.compile(r"^(?:Závěry?|Závěr\s+jednání|Shrnutí)\s*:\s*(?P<body>.*)$")
_GROUP_SUBJECT = (
    r"(?:PS(?:\s+(?:pro\s+)?SC)?|pracovní\s+skupina|členové(?:\s+\w+){0,3}|účastníci(?:\s+\w+){0,2}|přítomní)"
)
_CONCLUSION_SENT = re.compile(
    rf"^(?:{_GROUP_SUBJECT}\s+(?:se\s+)?(?:shodl\w*|dohodl\w*|souhlasí|souhlasili|odsouhlasil\w*|schválil\w*)"
    r"|(?:Bylo|Je)\s+(?:dohodnuto|odsouhlaseno|schváleno|rozhodnuto)|Dohodnuto)\b",
    re.IGNORECASE,
)
_NOTED_SENT = re.compile(rf"^{_GROUP_SUBJECT}\s+(?:bere|berou|vzal\w*)\s+na\s+vědomí\b", re.IGNORECASE)
_TASK_VERB_FUTURE = re.compile(
    r"(?<!\w)(?:zajistí|zašle|zašlou|rozešle|rozešlou|zapracuje|zapracují|připraví|prověří|předloží|zpracuje|"
    r"zpracují|doplní|svolá|svolají|informuje|informují|pošle|pošlou|vypracuje|vypracují|zveřejní|aktualizuje|"
    r"aktualizují|osloví|ověří|uspořádá|uspořádají|zorganizuje|zorganizují|předá|předají|projedná|projednají|"
    r"zmapuje|zmapují|navrhne|navrhnou|vyhodnotí|připomínkuje|připomínkují)(?!\w)"
)
_BULLET = re.compile(r"^\s*(?:[-–•*▪●○]|\d{1,2}\))\s+")
_INLINE_DEADLINE = re.compile(
    r"(?<!\w)(?:T|Termín)\s*:\s*(?P<v>[^;\n]+?)\s*(?=$|;|\)|,?\s+(?:Z|Zodpovídá|Odpovídá)\s*:)"
)
_INLINE_RESPONSIBLE = re.compile(
    r"(?<!\w)(?:Z|Zodpovídá|Odpovídá)\s*:\s*(?P<v>[^;\n]+?)\s*(?=$|;|\)|,?\s+(?:T|Termín)\s*:)"
)
_TEXT_DEADLINE = re.compile(
    r"(?:(?:nejpozději\s+|ve\s+lhůtě\s+)?do\s+(?P<rel>(?:příštího|dalšího|následujícího)\s+(?:jednání|zasedání|setkání)"
    r"(?:\s+(?:PS|pracovní\s+skupiny|rady|zastupitelstva))?|konce\s+\w+(?:\s+(?:roku\s+)?\d{4})?)"
    r"|(?:nejpozději\s+|ve\s+lhůtě\s+)?do\s+(?P<date>\d{1,2}\.\s*(?:\d{1,2}\.|\w+)\s*\d{4})"
    r"|(?P<ongoing>průběžně))",
    re.IGNORECASE,
)

# Role words after "ukládá/pověřuje/vyzývá" and their nominative.
_ROLES = {
    "starostovi": "starosta", "starostu": "starosta", "starosty": "starosta", "starosta": "starosta",
    "mistostarostovi": "místostarosta", "mistostarostu": "místostarosta", "mistostarosta": "místostarosta",
    "tajemnikovi": "tajemník", "tajemnika": "tajemník", "tajemnik": "tajemník",
    "rade": "Rada", "radu": "Rada", "rada": "Rada", "zastupitelstvu": "Zastupitelstvo",
    "vedeni": "vedení", "vedoucimu": "vedoucí", "vedouciho": "vedoucí", "vedouci": "vedoucí",
    "reditelce": "ředitelka", "reditelku": "ředitelka", "rediteli": "ředitel", "reditele": "ředitel",
    "odboru": "odbor", "odbor": "odbor", "vybor": "výbor", "vyboru": "výbor", "komisi": "komise",
    "spravci": "správce", "spravce": "správce", "predsedovi": "předseda", "predsedu": "předseda",
}  # fmt: skip
_GENITIVE_FILLERS = {"mesta", "obce", "mistni", "casti", "kraje", "pro", "a"}


@dataclass
class _Block:
    number: str
    page: int | None
    subject: list[str] = field(default_factory=list)
    items: list[tuple[str, list[str], int | None]] = field(default_factory=list)
    responsible: tuple[str, ...] = ()
    deadline_text: str = ""
    voting: bool = False
    rejected_all: bool = False
    rejected: set[str] = field(default_factory=set)


# ---------------------------------------------------------------- helpers
def split_responsible(value: str) -> tuple[str, ...]:
    """'MMR, MŽP' -> ('MMR', 'MŽP'); 'Ing. P. Hojgr, Mgr. I. Nevěčná' -> both names; entities become codes."""
    out: list[str] = []
    value = value.strip().rstrip(".;")
    for part in re.split(r"\s*[,;/]\s*|\s+a\s+(?=[A-ZÁ-Ž])", value):
        part = part.strip()
        if not part:
            continue
        mentions = find_entities(part)
        if mentions and sum(m.end - m.start for m in mentions) >= 0.6 * len(part.replace(" ", "")):
            out.extend(m.code for m in mentions)
        else:
            out.append(_person_nominative(part))
    return tuple(dict.fromkeys(out))


_TITLE_OR_INITIAL = re.compile(r"^(?:[A-ZÁ-Ž]\.|Ing\.|Mgr\.|Bc\.|JUDr\.|PhDr\.|RNDr\.|MUDr\.|paní|p\.|pí\.)$")


def _person_nominative(name: str) -> str:
    """Feminine surnames after a title or initial: 'Mgr. Nevěčnou' -> 'Mgr. Nevěčná'."""
    words = name.split()
    if words and fold_same_length(words[0]) in _ROLES:
        words[0] = _ROLES[fold_same_length(words[0])]
    if (
        len(words) >= 2
        and _TITLE_OR_INITIAL.match(words[-2])
        and words[-1].endswith("ou")
        and words[-1][0].isupper()
    ):
        words[-1] = words[-1][:-2] + "á"
    return " ".join(words)


def _object_after(verb_end: int, text: str) -> tuple[str, ...]:
    """The addressee of 'ukládá/pověřuje/vyzývá X …': entities as codes, roles in nominative."""
    tail = text[verb_end:].strip()
    mentions = [m for m in find_entities(tail[:80]) if m.start < 3]
    if mentions:
        return (mentions[0].code,)
    words: list[str] = []
    for raw in tail.split():
        w = raw.rstrip(",.;:")
        f = fold_same_length(w)
        if not w:
            break
        if (
            f in _ROLES
            or f in _GENITIVE_FILLERS
            or (w[0].isupper() and not f.endswith(("at", "it", "et", "ovat")))
        ):
            words.append(w)
        else:
            break
        if raw != w:  # punctuation ends the addressee
            break
    while words and fold_same_length(words[-1]) in {"pro", "a"}:
        words.pop()
    if not words:
        return ()
    f0 = fold_same_length(words[0])
    if f0 in _ROLES:
        words[0] = _ROLES[f0]
    return (_person_nominative(" ".join(words)),)


def _parse_deadline(value: str) -> tuple[dt.date | None, str]:
    value = " ".join(value.split()).strip(" .;,")
    dates = find_dates(value)
    return (dates[0].date if dates else None), value


def _deadline_in_text(text: str, kind: str) -> tuple[dt.date | None, str]:
    m = _INLINE_DEADLINE.search(text)
    if m:
        return _parse_deadline(m.group("v"))
    m = re.search(r"Termín[^.]{0,40}?\bdo\s+(?P<v>\d{1,2}\.\s*\d{1,2}\.\s*\d{4})", text)
    if m:
        return _parse_deadline(m.group("v"))
    if kind != "task":
        return None, ""
    m = _TEXT_DEADLINE.search(text)
    if not m:
        return None, ""
    if m.group("date"):
        return _parse_deadline(m.group("date"))
    if m.group("ongoing"):
        return None, "průběžně"
    return None, " ".join(m.group(0).split())


def _first_verb(text: str) -> tuple[str, int, int]:
    m = _VERB_RE.search(text)
    if not m:
        return "", -1, -1
    return m.group("verb"), m.start(), m.end()


def _kind_of(verb: str) -> str:
    if verb in _NOTED_VERBS:
        return "noted"
    if verb in _TASK_VERBS:
        return "task"
    return "resolution"


def _clean(text: str) -> str:
    return " ".join(text.split()).strip()
