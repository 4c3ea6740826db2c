"""Dates in Czech text and file names; the meeting date and the meeting number of a document.

>>> [str(d.date) for d in find_dates("Dne 7. 9. 2016 se konalo, 19. února 2026, 31. 2. 2020")]
['2016-09-07', '2026-02-19']
>>> date_from_filename("usneseni_ze_dne_19._unora_2026.pdf")
datetime.date(2026, 2, 19)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from scsearch.language.entities import fold_same_length

MONTHS = {  # genitive (as after a day number) and nominative, folded
    "ledna": 1, "leden": 1, "unora": 2, "unor": 2, "brezna": 3, "brezen": 3, "dubna": 4, "duben": 4,
    "kvetna": 5, "kveten": 5, "cervna": 6, "cerven": 6, "cervence": 7, "cervenec": 7, "srpna": 8,
    "srpen": 8, "zari": 9, "rijna": 10, "rijen": 10, "listopadu": 11, "listopad": 11, "prosince": 12,
    "prosinec": 12,
}  # fmt: skip
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
MIN_YEAR, MAX_YEAR = 1990, 2100

_DATE_RE = re.compile(
    rf"""
    (?<![\d.])(?P<d>[0-3]?\d)\.\s*(?P<m>[01]?\d)\.\s*(?P<y>(?:19|20)\d\d)(?!\d)         # 7. 9. 2016, 07.09.2016
    | (?<![\d.])(?P<d2>[0-3]?\d)\.?\s*(?P<mn>{_MONTH_ALT})\s+(?P<y2>(?:19|20)\d\d)(?!\d)  # 7. září 2016
    | (?<!\d)(?P<y3>(?:19|20)\d\d)-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)(?!\d)                  # 2016-09-07
    """,
    re.VERBOSE,
)
_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")  # 20160907
_SEP_ISO_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)[_.](0[1-9]|1[0-2])[_.](0[1-9]|[12]\d|3[01])(?!\d)")
_DMY_SEP_RE = re.compile(r"(?<!\d)(0?[1-9]|[12]\d|3[01])[-_](0?[1-9]|1[0-2])[-_]((?:19|20)\d\d)(?!\d)")


@dataclass(frozen=True)
class DateMention:
    date: dt.date
    start: int
    end: int
    text: str


def make_date(year: int, month: int, day: int) -> dt.date | None:
    """A valid date or None ("31. 2." is not a date)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMention]:
    """Every valid full date (day, month, year) in ``text``, in order."""
    out: list[DateMention] = []
    if not text:
        return out
    folded = fold_same_length(text)
    for m in _DATE_RE.finditer(folded):
        if m.group("y"):
            d = make_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        elif m.group("y2"):
            d = make_date(int(m.group("y2")), MONTHS[m.group("mn")], int(m.group("d2")))
        else:
            d = make_date(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")))
        if d is not None:
            out.append(DateMention(d, m.start(), m.end(), text[m.start() : m.end()]))
    return out


def first_date(text: str) -> dt.date | None:
    found = find_dates(text)
    return found[0].date if found else None


# Cues that introduce the date of the meeting itself (not of the next meeting, not of a cited document).
_DATE = r"(?:\d{1,2}\.\s*\d{1,2}\.\s*\d{4}|\d{1,2}\.?\s*[a-z]+\s+\d{4}|\d{4}-\d\d-\d\d)"
_MEETING_CUES = [
    re.compile(rf"\bkonan\w*\s+(?:dne\s+)?(?:v\s+\w+\s+)?(?P<date>{_DATE})"),  # konané dne 19. února 2026
    re.compile(
        rf"\bdne\s+(?P<date>{_DATE})\s+(?:se\s+)?(?:konal|uskutecnil|probehl)\w*"
    ),  # Dne 7. 9. 2016 se konalo
    re.compile(rf"\bdatum\s+(?:konani|jednani|schuze|zasedani)?\s*:\s*(?:\w+\s+)?(?P<date>{_DATE})"),
    re.compile(
        rf"\b(?:jednani|schuze|zasedani|setkani|zapis)\b[^\n]{{0,120}}?\bze?\s+dne\s+(?P<date>{_DATE})"
    ),
]
_NEXT_MEETING = re.compile(
    r"(?:pristi|dalsi|nasledujici)\w*\s+(?:jednani|schuze|zasedani|setkani)|termin\s+dalsiho"
)
_OVERVIEW_CUES = re.compile(
    rf"\b(?:aktualizac\w*|aktualizovan\w*|stav|platn\w*|verze)\s+(?:ke?|ze\s+dne)\s+(?:dni\s+)?(?P<date>{_DATE})"
)


def meeting_date_from_text(text: str) -> dt.date | None:
    """The meeting date announced by a cue ("konané dne …", "Dne … se konalo", "Datum konání: …")."""
    folded = fold_same_length(text)
    best: tuple[int, dt.date] | None = None
    for cue in _MEETING_CUES:
        for m in cue.finditer(folded):
            line_start = folded.rfind("\n", 0, m.start()) + 1
            if _NEXT_MEETING.search(folded[max(line_start, m.start() - 60) : m.end()]):
                continue
            d = first_date(text[m.start("date") : m.end("date")])
            if d is not None and (best is None or m.start() < best[0]):
                best = (m.start(), d)
            break
    return best[1] if best else None


def overview_date_from_text(text: str) -> dt.date | None:
    """The "aktualizace k …" / "stav k …" date of an overview."""
    m = _OVERVIEW_CUES.search(fold_same_length(text))
    return first_date(text[m.start("date") : m.end("date")]) if m else None


def standalone_date(text: str, max_lines: int = 15) -> dt.date | None:
    """A date that stands on its own line near the top (a title slide: "Praha, 19. 3. 2018")."""
    for line in text.splitlines()[:max_lines]:
        s = line.strip()
        found = find_dates(s)
        if len(found) != 1:
            continue
        rest = (s[: found[0].start] + s[found[0].end :]).strip(" ,.-–—")
        if len(rest) <= 25 and not re.search(r"\d", rest):  # only a place or weekday around it
            return found[0].date
    return None


def date_from_filename(name: str) -> dt.date | None:
    """A date in a file name: 2016-09-07, 2016_09_07, 20160907, 7.9.2016, ze_dne_19._unora_2026."""
    stem = name.rsplit("/", 1)[-1]
    spaced = re.sub(r"[_+]+", " ", stem)
    d = first_date(spaced)
    if d is not None:
        return d
    for rx, order in ((_SEP_ISO_RE, "ymd"), (_COMPACT_RE, "ymd"), (_DMY_SEP_RE, "dmy")):
        for m in rx.finditer(stem):
            a, b, c = (int(g) for g in m.groups())
            d = make_date(a, b, c) if order == "ymd" else make_date(c, b, a)
            if d is not None:
                return d
    return None


_PDF_DATE = re.compile(r"^(?:D:)?((?:19|20)\d\d)-?(\d\d)-?(\d\d)")


def date_from_property(value: object) -> dt.date | None:
    """A date from a document property: datetime/date, ISO text, PDF "D:20160907…"."""
    if isinstance(value, dt.datetime):
        return make_date(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    m = _PDF_DATE.match(value.strip())
    if m:
        return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return first_date(value)


ORDINALS = {
    "prvn": 1, "druh": 2, "tret": 3, "ctvrt": 4, "pat": 5, "sest": 6, "sedm": 7, "osm": 8,
    "devat": 9, "desat": 10, "jedenact": 11, "dvanact": 12, "trinact": 13, "ctrnact": 14,
    "patnact": 15, "sestnact": 16, "sedmnact": 17, "osmnact": 18, "devatenact": 19, "dvacat": 20,
}  # fmt: skip
_MEETING_NOUN = r"(?:jednani|schuz\w*|zasedani|setkani)"
_NUM_MEETING = re.compile(rf"(?<![\d.])(\d{{1,3}})\.\s*(?:\(\w+\)\s*)?(?:\w+\s+)?{_MEETING_NOUN}\b")
_WORD_MEETING = re.compile(
    rf"\b({'|'.join(sorted(ORDINALS, key=len, reverse=True))})(?:iho|imu|eho|emu|ich|ym|em|im|y|e|i)\s+{_MEETING_NOUN}\b"
)


def meeting_number(text: str) -> int | None:
    """The ordinal of the meeting: "páté jednání" -> 5, "68. schůze" -> 68, "z 1. (ustavujícího) zasedání" -> 1."""
    folded = fold_same_length(text)
    hits: list[tuple[int, int]] = []
    m = _NUM_MEETING.search(folded)
    if m and 0 < int(m.group(1)) < 1000:
        hits.append((m.start(), int(m.group(1))))
    w = _WORD_MEETING.search(folded)
    if w:
        hits.append((w.start(), ORDINALS[w.group(1)]))
    return min(hits)[1] if hits else None
