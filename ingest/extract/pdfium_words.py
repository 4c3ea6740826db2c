"""Words, rules and boxes from pypdfium2: the fast path under the PDF layout code.

pdfium parses a page's content stream in C, far faster than pdfminer. This module turns its text into
the same ``Word`` records that :mod:`.layout` orders into lines and columns, so the repairs (columns,
hyphenation, running headers, letter spacing, doubled glyphs) stay one code path. A page is read this
way only when it is upright, its glyphs map to Unicode and its tables are ruled by plain lines and
boxes (found with pdfplumber's own table geometry, :func:`find_tables`); other pages go to pdfplumber
(see :func:`page_is_simple`), which stays the reference.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .layout import Word

# A page with this many drawn boxes may hold a table of cells: pdfplumber finds those.
RULED_BOXES = 4


@dataclass(frozen=True)
class PdfiumPage:
    """What the layout code needs of one page, read through pdfium."""

    words: tuple[Word, ...]
    width: float
    height: float
    chars: int


@dataclass(frozen=True)
class Graphics:
    """What the page's drawing says about its layout: ruling lines and the largest image."""

    h_rules: int
    v_rules: int
    boxes: int
    grids: int
    image_coverage: float
    edges: tuple[dict[str, Any], ...] = ()  # pdfplumber-style edges of the rules and boxes (top-down)

    @property
    def may_hold_table(self) -> bool:
        return (self.h_rules >= 2 and self.v_rules >= 2) or self.boxes >= RULED_BOXES or self.grids > 0


def _edge(x0: float, x1: float, top: float, bottom: float, orientation: str) -> dict[str, Any]:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation, "object_type": "line"}


def _straight_segments(path: Any) -> tuple[int, bool]:
    """Number of segments of a path object and whether all of them are straight."""
    n = pdfium_c.FPDFPath_CountSegments(path)
    for k in range(n):
        seg = pdfium_c.FPDFPath_GetPathSegment(path, k)
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            return n, False
    return n, True


def _path_edges(path: Any, height: float) -> list[dict[str, Any]] | None:
    """The horizontal and vertical straight segments of a path object, in page coordinates;
    None when the path has a slanted segment (a drawing, not a grid)."""
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(path, ctypes.byref(matrix)):
        return None
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[dict[str, Any]] = []
    start = prev = None
    for k in range(pdfium_c.FPDFPath_CountSegments(path)):
        seg = pdfium_c.FPDFPath_GetPathSegment(path, k)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            return None
        point = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        targets = [point]
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = prev = point
            continue
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            targets.append(start)
        for target in targets:
            if prev is not None:
                (x0, y0), (x1, y1) = prev, target
                if abs(y1 - y0) < 1 and abs(x1 - x0) >= 3:
                    out.append(_edge(min(x0, x1), max(x0, x1), y0, y0, "h"))
                elif abs(x1 - x0) < 1 and abs(y1 - y0) >= 3:
                    out.append(_edge(x0, x0, min(y0, y1), max(y0, y1), "v"))
                elif abs(x1 - x0) >= 1 and abs(y1 - y0) >= 1:
                    return None
            prev = target
    return out


def graphics(page: pdfium.PdfPage, width: float, height: float) -> Graphics:
    """Classify the page's top-level path and image objects by their bounds (no Python wrappers)."""
    raw = page.raw
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    area = width * height or 1.0
    h_rules = v_rules = boxes = grids = 0
    coverage = 0.0
    edges: list[dict[str, Any]] = []
    for i in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = pdfium_c.FPDFPage_GetObject(raw, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE):
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
            continue
        w, h = right.value - left.value, top.value - bottom.value
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            cw = min(right.value, width) - max(left.value, 0.0)
            ch = min(top.value, height) - max(bottom.value, 0.0)
            if cw > 0 and ch > 0:
                coverage = max(coverage, cw * ch / area)
            continue
        x0, x1, top_, bottom_ = left.value, right.value, height - top.value, height - bottom.value
        if h <= 2 and w >= 3:
            h_rules += w >= 15  # a thin path is a rule whatever it is drawn with
            y = (top_ + bottom_) / 2
            edges.append(_edge(x0, x1, y, y, "h"))
        elif w <= 2 and h >= 3:
            v_rules += h >= 8
            x = (x0 + x1) / 2
            edges.append(_edge(x, x, top_, bottom_, "v"))
        elif w > 2 and h > 2:
            segments, straight = _straight_segments(obj)
            if not straight:
                continue  # curves: logos and decoration, not table rulings
            if segments > 6:
                grid = _path_edges(obj, height)
                if grid is None:
                    grids += w > 30 and h > 10  # a grid that cannot be read as lines: pdfplumber decides
                else:
                    edges += grid
            else:
                boxes += 1
                edges += [_edge(x0, x1, top_, top_, "h"), _edge(x0, x1, bottom_, bottom_, "h"),
                          _edge(x0, x0, top_, bottom_, "v"), _edge(x1, x1, top_, bottom_, "v")]
    return Graphics(h_rules, v_rules, boxes, grids, coverage, tuple(edges))


def page_is_simple(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, drawn: Graphics) -> bool:
    """Upright text with Unicode for every glyph, and tables (if any) ruled by simple lines and boxes."""
    if page.get_rotation() % 360 or drawn.grids:
        return False
    n = textpage.count_chars()
    if n == 0:
        return True
    raw = textpage.raw
    matrix = pdfium_c.FS_MATRIX()
    sideways = broken = sampled = 0
    step = max(1, n // 200)  # a sample is enough to tell the orientation and the font mapping
    for i in range(0, n, step):
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            continue
        sampled += 1
        if pdfium_c.FPDFText_HasUnicodeMapError(raw, i):
            broken += 1
        if pdfium_c.FPDFText_GetMatrix(raw, i, ctypes.byref(matrix)):
            if abs(matrix.b) > abs(matrix.a) or matrix.a < 0:
                sideways += 1
    return sideways * 10 <= sampled and broken * 20 <= sampled


_TOKEN = re.compile(r"\S+")


def _text(textpage: pdfium.PdfTextPage) -> str:
    """The page's characters, pdfium's own spaces and line breaks included, index for index."""
    raw = textpage.raw
    n = textpage.count_chars()
    if n <= 0:
        return ""
    utf16 = (ctypes.c_ushort * (n + 1))()
    got = pdfium_c.FPDFText_GetText(raw, 0, n, utf16)
    text = bytes(utf16)[: max(got - 1, 0) * 2].decode("utf-16-le", errors="replace")
    if len(text) != n:  # characters outside the BMP shift the indexes: one call per character
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 0xFFFD) for i in range(n))
    # pdfium marks a hyphen that ends a line as U+FFFE and joins the lines: give the hyphen back
    # (dehyphenation decides later) and let the line split in page_words cut the token there
    return text.replace("\ufffe", "-").replace("\x02", "-")


class _Boxes:
    """Loose character boxes (font ascent to descent) in top-down page coordinates."""

    def __init__(self, textpage: pdfium.PdfTextPage, height: float) -> None:
        self.raw = textpage.raw
        self.height = height
        self.rect = pdfium_c.FS_RECTF()
        self.ref = ctypes.byref(self.rect)

    def box(self, i: int) -> tuple[float, float, float, float] | None:
        if not pdfium_c.FPDFText_GetLooseCharBox(self.raw, i, self.ref):
            return None
        r = self.rect
        return r.left, r.right, self.height - r.top, self.height - r.bottom


def _split_by_lines(token: str, start: int, boxes: _Boxes) -> list[Word]:
    """A token whose ends sit on different lines: cut it where a character starts a new line."""
    out: list[Word] = []
    cur: list[tuple[str, tuple[float, float, float, float]]] = []
    for k, ch in enumerate(token):
        b = boxes.box(start + k)
        if b is None:
            continue
        if cur:
            pb = cur[-1][1]
            h = max(pb[3] - pb[2], 1.0)
            if abs(b[2] - pb[2]) >= 0.5 * h or b[0] < pb[0] - h:
                out.append(_word(cur))
                cur = []
        cur.append((ch, b))
    if cur:
        out.append(_word(cur))
    return out


def _word(chars: list[tuple[str, tuple[float, float, float, float]]]) -> Word:
    return Word("".join(c for c, _ in chars), min(b[0] for _, b in chars), max(b[1] for _, b in chars),
                min(b[2] for _, b in chars), max(b[3] for _, b in chars))


def page_words(textpage: pdfium.PdfTextPage, height: float) -> list[Word]:
    """Words as pdfium separates them (its spaces and line breaks), boxed from their first and last
    character; two calls into pdfium per word instead of one per character."""
    text = _text(textpage)
    boxes = _Boxes(textpage, height)
    words: list[Word] = []
    for m in _TOKEN.finditer(text):
        start, last = m.start(), m.end() - 1
        first_box = boxes.box(start)
        last_box = first_box if last == start else boxes.box(last)
        if first_box is None or last_box is None:
            words += _split_by_lines(m.group(0), start, boxes)
            continue
        h = max(first_box[3] - first_box[2], 1.0)
        if abs(last_box[2] - first_box[2]) >= 0.5 * h or last_box[1] < first_box[0]:
            words += _split_by_lines(m.group(0), start, boxes)
            continue
        words.append(Word(m.group(0), first_box[0], last_box[1], min(first_box[2], last_box[2]),
                          max(first_box[3], last_box[3])))
    return words


def drop_duplicates(words: list[Word], tolerance: float = 1.0) -> list[Word]:
    """Words drawn again at (almost) the same place (fake bold, text drawn twice) are kept once.

    Four offset grids of ``tolerance``-sized cells catch every pair closer than half of it.

    >>> ws = [Word("Smart", 10, 40, 5, 15), Word("Smart", 10.3, 40.3, 5, 15), Word("Smart", 60, 90, 5, 15)]
    >>> [w.x0 for w in drop_duplicates(ws)]
    [10, 60]
    """
    seen: set[tuple[str, int, int, int]] = set()
    out: list[Word] = []
    half = tolerance / 2
    for w in words:
        ax, ay = int(w.x0 // tolerance), int(w.top // tolerance)
        bx, by = int((w.x0 + half) // tolerance), int((w.top + half) // tolerance)
        keys = ((w.text, 0, ax, ay), (w.text, 1, bx, ay), (w.text, 2, ax, by), (w.text, 3, bx, by))
        if any(k in seen for k in keys):
            continue
        seen.update(keys)
        out.append(w)
    return out


def read_page(textpage: pdfium.PdfTextPage, width: float, height: float) -> PdfiumPage:
    words = drop_duplicates(page_words(textpage, height))
    return PdfiumPage(tuple(words), width, height, textpage.count_chars())


def find_tables(edges: tuple[dict[str, Any], ...]) -> list[list[tuple[float, float, float, float]]]:
    """Tables as lists of cell boxes, by pdfplumber's geometry (snap, join, intersect) with its defaults."""
    from pdfplumber import table as ptable

    if len(edges) < 4:
        return []
    merged = ptable.merge_edges(list(edges), 3, 3, 3, 3)
    merged = [e for e in merged if (e["width"] if e["orientation"] == "h" else e["height"]) >= 3]
    cells = ptable.intersections_to_cells(ptable.edges_to_intersections(merged, 3, 3))
    return [[tuple(c) for c in t] for t in ptable.cells_to_tables(cells)]  # type: ignore[misc]


def table_rows(cells: list[tuple[float, float, float, float]], words: list[Word]) -> list[list[str | None]]:
    """Cell texts row by row, like pdfplumber's ``Table.extract`` (None where no cell starts)."""
    from .layout import group_lines, line_text

    xs = sorted({c[0] for c in cells})
    rows: list[list[str | None]] = []
    for top in sorted({c[1] for c in cells}):
        by_x = {c[0]: c for c in cells if c[1] == top}
        row: list[str | None] = []
        for x in xs:
            cell = by_x.get(x)
            if cell is None:
                row.append(None)
                continue
            x0, y0, x1, y1 = cell
            inside = [w for w in words if x0 <= (w.x0 + w.x1) / 2 < x1 and y0 <= (w.top + w.bottom) / 2 < y1]
            row.append("\n".join(line_text(ln.words) for ln in group_lines(inside)))
        rows.append(row)
    return rows
