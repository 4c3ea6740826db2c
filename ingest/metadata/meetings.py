"""What minutes say about their meeting: the place, the ministries present, and the reports on
earlier tasks ("Úkol 4/1 – splněn, …", "Úkol 3/2 trvá: …").

>>> from scsearch.models import ExtractedDocument, Page
>>> doc = ExtractedDocument("z.pdf", "pdf", (Page(1, "Místo: MMR, Praha 1\\nPřítomni: MMR, MD (2). Omluveni: MZe."
...     "\\nÚkol 4/1 – splněn, rozesláno."),))
>>> meeting_place(doc), ministries_present(doc), [(r.number, r.status) for r in task_reports(doc)]
('MMR, Praha 1', ('MMR', 'MD'), [('Úkol 4/1', 'splněn')])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scsearch.language.entities import find_ministries
from scsearch.models import ExtractedDocument

_PLACE = re.compile(r"^\s*Místo(?:\s+konání|\s+jednání)?\s*:\s*\|?\s*(?P<v>.+?)\s*$", re.MULTILINE | re.IGNORECASE)
_HELD_AT = re.compile(r"se\s+konal\w*[^.]{0,80}?\s+v\s+(?P<v>(?:zasedací\s+místnosti|budově|sídle|prostorách)\s[^.]{5,120}?"
                      r"Praha(?:\s+\d{1,2})?)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"\.(?=\s+(?:[A-ZÁ-Ž]|\d{1,2}\.\s+[A-ZÁ-Ž])|\s*$)|\n(?=\s*(?:\d{1,2}\.\s|Úkol))")
_PRESENT = re.compile(r"Přítomn[iíy]\w*\s*:?\s*(?P<v>.*?)(?=Omluven|Nepřítomn|Hosté\s*:|\n\s*(?:\d{1,2}\.\s|Program\b)|$)",
                      re.IGNORECASE | re.DOTALL)
_REPORT = re.compile(
    r"Úkol\w*\s+(?:č\.\s*)?(?P<nums>\d+\s?/\s?\d+(?:\s*(?:,|a)\s*\d+\s?/\s?\d+)*)\s*(?:[–—:-]\s*|\s)"
    r"(?:byl[ay]?\s+|je\s+|jsou\s+)?(?P<status>splněn\w*|trvá|trvají|zrušen\w*|průběžně\s+plněn\w*|nesplněn\w*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TaskReport:
    """A later meeting's word on a task: 'Úkol 4/1 – splněn …' on page 1 of the 5th minutes."""

    number: str  # "Úkol 4/1", as decisions number their tasks
    status: str  # splněn | trvá | zrušen | průběžně plněn | nesplněn
    page: int | None
    text: str  # the sentence of the report

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "status": self.status, "page": self.page, "text": self.text}


def meeting_place(doc: ExtractedDocument) -> str:
    """The place of the meeting as the minutes state it ("Místo konání: …"), or ""."""
    for page in doc.pages[:2]:
        m = _PLACE.search(page.text) or _HELD_AT.search(page.text)
        if m:
            return " ".join(m.group("v").split()).strip(" |.;,")
    return ""


def ministries_present(doc: ExtractedDocument) -> tuple[str, ...]:
    """Ministry codes in the attendance list ("Přítomni: …" up to "Omluveni"/"Hosté"/the agenda)."""
    found: list[str] = []
    for page in doc.pages[:2]:
        for m in _PRESENT.finditer(page.text):
            found.extend(find_ministries(m.group("v")))
        if found:
            break
    return tuple(dict.fromkeys(found))


def _status(raw: str) -> str:
    low = raw.lower()
    for name in ("nesplněn", "splněn", "trvá", "zrušen"):
        if low.startswith(name[:4]):
            return name
    return "průběžně plněn"


def task_reports(doc: ExtractedDocument) -> tuple[TaskReport, ...]:
    """Every report on an earlier task in the text, in order."""
    out: list[TaskReport] = []
    for page in doc.pages:
        text = page.text
        for m in _REPORT.finditer(text):
            start = max(text.rfind("\n", 0, m.start()), text.rfind(". ", 0, m.start()) + 1, 0)
            stop = _SENTENCE_END.search(text, m.end())
            sentence = " ".join(text[start : stop.start() + 1 if stop else len(text)].split()).strip()
            for num in re.findall(r"\d+\s?/\s?\d+", m.group("nums")):
                number = "Úkol " + re.sub(r"\s+", "", num)
                out.append(TaskReport(number=number, status=_status(m.group("status")), page=page.number,
                                      text=sentence[:300]))
    return tuple(out)
