"""Long texts of formats without pages (TXT, HTML, DOCX, ODT, ...) in units of bounded size.

A 5 MB text file as one record made every search that hit it scan megabytes; such a text is cut
into parts of about ``UNIT_WORDS`` words, at a paragraph break near the limit where there is one.
The part number is the unit's number, shown like a page ("část 3"). Short texts stay one unit
without a number, as before.

>>> doc = ExtractedDocument(path="a.txt", format="txt", pages=(Page(number=None, text="slovo " * 7000),))
>>> [(p.number, p.kind, len(p.text.split())) for p in split_long_units(doc).pages]
[(1, 'part', 3000), (2, 'part', 3000), (3, 'part', 1000)]
"""

from __future__ import annotations

import dataclasses
import re

from scsearch.models import UNIT_PART, ExtractedDocument, Page

UNIT_WORDS = 3000  # words per part of a long text without pages
_WORD = re.compile(r"\S+")
_PARAGRAPH_SLACK = 0.2  # a part may end up to this share of UNIT_WORDS early, at a line break


def split_long_units(doc: ExtractedDocument, unit_words: int = UNIT_WORDS) -> ExtractedDocument:
    """``doc`` with its one page-less unit cut into numbered parts when it is longer than ``unit_words``."""
    if len(doc.pages) != 1 or doc.pages[0].number is not None:
        return doc
    page = doc.pages[0]
    parts = _cut(page.text, unit_words)
    if len(parts) < 2:
        return doc
    pages = tuple(
        Page(number=i + 1, text=text, method=page.method, kind=UNIT_PART, heading=page.heading if i == 0 else "")
        for i, text in enumerate(parts)
    )
    return dataclasses.replace(doc, pages=pages)


def _cut(text: str, unit_words: int) -> list[str]:
    """``text`` in pieces of at most ``unit_words`` words, each ending at a line break when one lies
    in its last fifth; linear in the length of the text."""
    starts = [m.start() for m in _WORD.finditer(text)]
    if len(starts) <= unit_words:
        return [text]
    slack = int(unit_words * _PARAGRAPH_SLACK)
    parts: list[str] = []
    first = 0  # index of the part's first word
    while len(starts) - first > unit_words:
        limit = first + unit_words  # the word that would start the next part at the latest
        lo = starts[limit - slack]
        nl = text.rfind("\n", lo, starts[limit])
        end = nl if nl > 0 else starts[limit]
        if nl > 0:
            # the first word after the line break
            nxt = limit
            while nxt > first + 1 and starts[nxt - 1] > nl:
                nxt -= 1
        else:
            nxt = limit
        parts.append(text[starts[first] : end].strip())
        first = nxt
    parts.append(text[starts[first] :].strip())
    return [p for p in parts if p]
