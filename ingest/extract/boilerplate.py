"""Running headers and footers: lines repeated (modulo digits) at the top or bottom of many pages."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

ZONE = 0.12  # share of the page height searched for headers / footers
EDGE_LINES = 3  # lines looked at from each edge
_PAGE_NO = re.compile(r"^(?:-\s*)?(?:stránka|strana|str\.|page)?\s*(\d{1,4})(?:\s*(?:z|/|of)\s*\d{1,4})?(?:\s*-)?$", re.I)


@dataclass
class PageLine:
    text: str
    top: float
    bottom: float


def key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def _edge_lines(lines: list[PageLine], height: float) -> list[tuple[str, int]]:
    """(zone, index) of lines near the top or bottom edge of the page."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].top)
    out = []
    for i in order[:EDGE_LINES]:
        if lines[i].top < ZONE * height:
            out.append(("top", i))
    for i in order[-EDGE_LINES:]:
        if lines[i].bottom > (1 - ZONE) * height:
            out.append(("bottom", i))
    return [(z, i) for z, i in out]


def find_boilerplate(pages: list[tuple[list[PageLine], float]]) -> list[set[int]]:
    """Indexes of boilerplate lines on each page; ``pages`` holds (lines, page height)."""
    n = len(pages)
    removed: list[set[int]] = [set() for _ in pages]
    if n < 2:
        return removed
    counts: Counter[tuple[str, str]] = Counter()
    for lines, height in pages:
        counts.update({(z, key(lines[i].text)) for z, i in _edge_lines(lines, height)})
    threshold = max(2, math.ceil(0.5 * n))
    frequent = {k for k, c in counts.items() if c >= threshold and k[1]}
    occurrences: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for p, (lines, height) in enumerate(pages):
        for z, i in _edge_lines(lines, height):
            k = (z, key(lines[i].text))
            if k in frequent:
                occurrences.setdefault(k, []).append((p, lines[i].text))
    frequent = {k for k in frequent if _numbers_follow_pages(occurrences.get(k, []))}
    for p, (lines, height) in enumerate(pages):
        for z, i in _edge_lines(lines, height):
            zk = (z, key(lines[i].text))
            if zk in frequent or (z == "bottom" and _PAGE_NO.match(lines[i].text.strip()) and counts[zk] >= 2):
                removed[p].add(i)
    return removed


def _numbers_follow_pages(occ: list[tuple[int, str]]) -> bool:
    """Lines that differ only in digits repeat as running text only when the changing number is
    the page number (plus a constant): "Stránka 3 z 10" is, "Číslo: RM/7/1/2022" is not."""
    if len({text for _, text in occ}) <= 1:
        return True
    numbers = [(p, [int(x) for x in re.findall(r"\d+", text)]) for p, text in occ]
    width = len(numbers[0][1])
    if any(len(nums) != width for _, nums in numbers):
        return False
    for pos in range(width):
        values = [nums[pos] for _, nums in numbers]
        if len(set(values)) == 1:
            continue
        if len({v - p for v, (p, _) in zip(values, numbers, strict=True)}) != 1:
            return False
    return True


def printed_labels(numbers: list[int | None]) -> list[str | None]:
    """Printed page numbers as labels where they differ from the physical page by a consistent offset."""
    offsets = Counter(num - (i + 1) for i, num in enumerate(numbers) if num is not None)
    if not offsets:
        return [None] * len(numbers)
    offset, count = offsets.most_common(1)[0]
    present = sum(num is not None for num in numbers)
    if offset == 0 or count < 2 or count * 2 < present:
        return [None] * len(numbers)
    return [str(num) if num is not None and num - (i + 1) == offset else None for i, num in enumerate(numbers)]


def page_number_in(text: str) -> int | None:
    m = _PAGE_NO.match(text.strip())
    return int(m.group(1)) if m else None
