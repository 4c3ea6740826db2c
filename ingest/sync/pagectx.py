"""What the group's web page says around a link: publication date, meeting number and date, next meeting.

>>> c = link_context("19. července 2017: Dne 31. 5. 2017 se konalo páté jednání Pracovní skupiny.", "zápis")
>>> (str(c.published), c.meeting, str(c.meeting_date), c.link_text)
('2017-07-19', 5, '2017-05-31', 'zápis')
>>> str(next_meeting("Termín dalšího jednání Pracovní skupiny pro SC: POZOR změna termínu: úterý 19. 3. 2018"))
'2018-03-19'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from scsearch.language import dates
from scsearch.language.entities import fold_same_length

_PUBLISHED = re.compile(r"^\s*(?P<date>[^:\n]{6,30}?)\s*:")
_HELD = re.compile(r"\bdne\s+(?P<date>[^\n]{6,25}?)\s+(?:se\s+)?(?:konal[aoy]?|probehl[aoy]?|uskutecnil[aoy]?)\b")
_NEXT = re.compile(r"\btermin\s+(?:dalsiho|pristiho|nasledujiciho)\s+(?:jednani|zasedani|setkani)\b(?P<rest>[^\n]{0,120})")
_UNITS = {"prvn": 1, "druh": 2, "tret": 3, "ctvrt": 4, "pat": 5, "sest": 6, "sedm": 7, "osm": 8, "devat": 9}
_ENDING = r"(?:iho|imu|eho|emu|ich|ym|em|im|y|e|i)"
# 21.–29. and 30.: "dvacáté páté jednání", "třicáté jednání"
_COMPOUND = re.compile(
    rf"\b(?:(?P<tens>dvacat|tricat){_ENDING}\s+(?:(?P<unit>{'|'.join(_UNITS)}){_ENDING}\s+)?)"
    r"(?:jednani|zasedani|setkani|schuz\w*)\b"
)


@dataclass(frozen=True)
class LinkContext:
    """The context of one link, from the text of the block (paragraph, list item) it stands in."""

    link_text: str
    published: dt.date | None = None
    meeting: int | None = None
    meeting_date: dt.date | None = None

    def inherit(self, parent: LinkContext | None) -> LinkContext:
        """Fill what this block does not say from the link that led to its page (a meeting's sub-page)."""
        if parent is None:
            return self
        return LinkContext(
            link_text=self.link_text,
            published=self.published or parent.published,
            meeting=self.meeting or parent.meeting,
            meeting_date=self.meeting_date or parent.meeting_date,
        )


def meeting_number(text: str) -> int | None:
    """The meeting's ordinal: "páté jednání" -> 5, "5. jednání" -> 5, "dvacáté páté jednání" -> 25."""
    folded = fold_same_length(text).lower()
    m = _COMPOUND.search(folded)
    if m:
        return (20 if m.group("tens") == "dvacat" else 30) + (_UNITS[m.group("unit")] if m.group("unit") else 0)
    return dates.meeting_number(text)


def link_context(block: str, link_text: str) -> LinkContext:
    text = " ".join(block.split())
    folded = fold_same_length(text).lower()
    published = None
    m = _PUBLISHED.match(text)
    if m:
        published = dates.first_date(m.group("date"))
    held = _HELD.search(folded)
    meeting_date = dates.first_date(text[held.start("date") : held.end("date")]) if held else None
    return LinkContext(link_text=" ".join(link_text.split())[:300], published=published,
                       meeting=meeting_number(text), meeting_date=meeting_date)


def next_meeting(page_text: str) -> dt.date | None:
    """The announced date of the next meeting ("Termín dalšího jednání …: úterý 19. 3. 2018")."""
    for line in page_text.splitlines():
        m = _NEXT.search(fold_same_length(line).lower())
        if m:
            found = dates.find_dates(line[m.start("rest") : m.end("rest")])
            if found:
                return found[-1].date
    return None
