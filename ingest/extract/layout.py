"""Reading order of PDF words: orientation, lines, letter-spaced runs and columns.

Works on plain ``Word`` records so it can be tested without a PDF. Columns are found from gutters:
vertical strips that no word crosses over a run of consecutive lines, with text on both sides.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

WORD_DIRS = {
    # dominant char direction -> (char_dir, line_dir) for pdfplumber's word extractor
    "ltr": ("ltr", "ttb"),
    "ttb": ("ttb", "rtl"),
    "btt": ("btt", "ltr"),
    "rtl": ("rtl", "btt"),
}


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Line:
    words: list[Word]
    text: str = ""
    is_table: bool = False
    top: float = field(init=False)
    bottom: float = field(init=False)
    x0: float = field(init=False)
    x1: float = field(init=False)

    def __post_init__(self) -> None:
        words = self.words
        self.top = min([w.top for w in words])
        self.bottom = max([w.bottom for w in words])
        self.x0 = min([w.x0 for w in words])
        self.x1 = max([w.x1 for w in words])


def dominant_direction(chars: list[dict[str, Any]]) -> str:
    """Direction most characters run in ("ltr", "ttb", "btt", "rtl"), from their text matrix."""
    counts: Counter[str] = Counter()
    for c in chars:
        a, b = c["matrix"][0], c["matrix"][1]
        if abs(a) >= abs(b):
            counts["ltr" if a >= 0 else "rtl"] += 1
        else:
            counts["btt" if b > 0 else "ttb"] += 1
    return counts.most_common(1)[0][0] if counts else "ltr"


def to_upright(raw: dict[str, Any], direction: str, width: float, height: float) -> Word:
    """A pdfplumber word in the frame of a reader who turned the page to read ``direction`` text."""
    x0, x1, top, bottom = raw["x0"], raw["x1"], raw["top"], raw["bottom"]
    text = str(raw["text"])
    if direction == "ttb":
        return Word(text, top, bottom, width - x1, width - x0)
    if direction == "btt":
        return Word(text, height - bottom, height - top, x0, x1)
    if direction == "rtl":
        return Word(text, width - x1, width - x0, height - bottom, height - top)
    return Word(text, x0, x1, top, bottom)


def group_lines(words: list[Word]) -> list[Line]:
    """Cluster words into physical lines (vertical overlap), each sorted left to right."""
    lines: list[list[Word]] = []
    top = bottom = 0.0  # extent of the current line
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.5 * min(bottom - top, w.bottom - w.top, 1e9) and overlap > 0:
                lines[-1].append(w)
                top, bottom = min(top, w.top), max(bottom, w.bottom)
                continue
        lines.append([w])
        top, bottom = w.top, w.bottom
    return [Line(sorted(ws, key=lambda w: w.x0)) for ws in lines]


def _is_spaced_token(text: str) -> bool:
    return text.isalpha() and len(text) <= 2


def line_text(words: list[Word]) -> str:
    """Text of one line; runs of letter-spaced glyphs (``M ě s t o  L i t o v e l``) become words."""
    out: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and _is_spaced_token(words[j].text):
            j += 1
        run = words[i:j]
        spaced = len(run) >= 4 or (len(run) == 3 and all(w.text.isupper() for w in run))
        if spaced and sum(len(w.text) == 1 for w in run) * 3 >= 2 * len(run):
            gaps = [run[k + 1].x0 - run[k].x1 for k in range(len(run) - 1)]
            limit = 1.6 * max(statistics.median(gaps), 0.5)
            word = run[0].text
            for k, gap in enumerate(gaps):
                if gap > limit:
                    out.append(word)
                    word = ""
                word += run[k + 1].text
            out.append(word)
            i = j
        else:
            out.append(words[i].text)
            i += 1
    return " ".join(out)


def _free_intervals(line: Line, lo: float, hi: float) -> list[tuple[float, float]]:
    free: list[tuple[float, float]] = []
    cursor = lo
    for w in sorted(line.words, key=lambda w: w.x0):
        if w.x0 > cursor:
            free.append((cursor, w.x0))
        cursor = max(cursor, w.x1)
    if cursor < hi:
        free.append((cursor, hi))
    return free


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= min_gap:
                out.append((lo, hi))
    return out


def _split(lines: list[Line], gutter: tuple[float, float]) -> tuple[list[Line], list[Line]]:
    mid = (gutter[0] + gutter[1]) / 2
    left, right = [], []
    for ln in lines:
        lw = [w for w in ln.words if w.x1 <= mid]
        rw = [w for w in ln.words if w.x1 > mid]
        if lw:
            left.append(Line(lw))
        if rw:
            right.append(Line(rw))
    return left, right


def _looks_like_columns(lines: list[Line], gutter: tuple[float, float], span: float) -> bool:
    """Whether ``_split(lines, gutter)`` gives two columns: at least 3 lines on each side, each side
    at least a fifth of ``span`` wide with 3+ words a line (computed without building the split lines)."""
    mid = (gutter[0] + gutter[1]) / 2
    sides = [[0, 0, math.inf, -math.inf], [0, 0, math.inf, -math.inf]]  # lines, words, x0, x1 of each side
    for ln in lines:
        on_left = on_right = False
        for w in ln.words:
            if w.x1 <= mid:
                side, on_left = sides[0], True
            else:
                side, on_right = sides[1], True
            side[1] += 1
            if w.x0 < side[2]:
                side[2] = w.x0
            if w.x1 > side[3]:
                side[3] = w.x1
        sides[0][0] += on_left
        sides[1][0] += on_right
    if sides[0][0] < 3 or sides[1][0] < 3:
        return False
    for count, words, x0, x1 in sides:
        if x1 - x0 < 0.2 * span or words / count < 3:
            return False
    return True


def reading_order(lines: list[Line], min_gap: float, depth: int = 0) -> list[Line]:
    """Order lines column by column inside multi-column blocks, top to bottom elsewhere."""
    text_lines = [ln for ln in lines if not ln.is_table]
    if not text_lines or depth > 3:
        return lines
    lo = min(ln.x0 for ln in text_lines)
    hi = max(ln.x1 for ln in text_lines)
    span = hi - lo
    frees: dict[int, list[tuple[float, float]]] = {}  # free intervals of each line, computed once

    def free_of(k: int) -> list[tuple[float, float]]:
        if k not in frees:
            frees[k] = _free_intervals(lines[k], lo, hi)
        return frees[k]

    out: list[Line] = []
    i = 0
    while i < len(lines):
        if lines[i].is_table:
            out.append(lines[i])
            i += 1
            continue
        free = [iv for iv in free_of(i) if iv[1] - iv[0] >= min_gap]
        j = i + 1
        best: tuple[int, tuple[float, float]] | None = None
        while j < len(lines) and not lines[j].is_table:
            nxt = _intersect(free, free_of(j), min_gap)
            if not nxt:
                break
            free = nxt
            j += 1
            for gutter in free:
                if gutter[0] > lo and gutter[1] < hi and _looks_like_columns(lines[i:j], gutter, span):
                    best = (j, gutter)
                    break
        if best is None:
            out.append(lines[i])
            i += 1
            continue
        # extend the block as far as the chosen gutter stays free
        end, gutter = best
        while end < len(lines) and not lines[end].is_table:
            narrowed = _intersect([gutter], free_of(end), min_gap)
            if not narrowed:
                break
            gutter = narrowed[0]
            end += 1
        left, right = _split(lines[i:end], gutter)
        out.extend(reading_order(left, min_gap, depth + 1))
        out.extend(reading_order(right, min_gap, depth + 1))
        i = end
    return out


def duplicate_char_ids(chars: list[dict[str, Any]], tolerance: float = 1.0) -> set[int]:
    """ids of characters drawn again at (almost) the same place (fake bold): linear-time dedupe."""
    seen: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    drop: set[int] = set()
    for c in chars:
        text, x, y = c["text"], float(c["x0"]), float(c["top"])
        bx, by = int(x // tolerance), int(y // tolerance)
        dup = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for px, py in seen.get((text, bx + dx, by + dy), ()):
                    if abs(px - x) <= tolerance and abs(py - y) <= tolerance:
                        dup = True
                        break
        if dup:
            drop.add(id(c))
        else:
            seen.setdefault((text, bx, by), []).append((x, y))
    return drop
