"""PDF: pdfplumber page by page, own reading order and repairs, pypdfium2 fallback, OCR of scans."""

from __future__ import annotations

import itertools
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from scsearch import settings
from scsearch.errors import CorruptFile, EncryptedFile, TooLarge
from scsearch.language.tokenize import nfc
from scsearch.models import METHOD_NEEDS_OCR, METHOD_OCR, METHOD_TEXT, ExtractedDocument, Page

from . import textfix
from .boilerplate import PageLine, find_boilerplate, page_number_in, printed_labels
from .boilerplate import key as bp_key
from .layout import (
    WORD_DIRS,
    Line,
    Word,
    dominant_direction,
    duplicate_char_ids,
    group_lines,
    line_text,
    reading_order,
    to_upright,
)
from .ocr import OcrTimeout, ocr_available, ocr_image, render_page
from .pdfium_words import Graphics, find_tables, graphics, page_is_simple, read_page, table_rows
from .registry import Options, register
from .tables import table_lines

MAX_CHARS_PER_PAGE = 150_000  # beyond this a page is read through pypdfium2 (no layout analysis)
MAX_LINES_FOR_COLUMNS = 500
SCAN_COVERAGE = 0.4  # an image covering this share of the page makes it a scan candidate
CZECH_FUNCTION_WORDS = frozenset(
    "v z k s na se je ve ze že pro jako nebo od po za při ke být byl jsou bylo také které který která jeho".split()
)

# Time accounting for bench/extract_bench.py (seconds, cumulative).
STATS: dict[str, float] = {"pdfium": 0.0, "pdfplumber": 0.0, "layout": 0.0, "post": 0.0, "ocr": 0.0}


@dataclass
class RawPage:
    lines: list[PageLine]
    height: float
    coverage: float = 0.0  # largest image share of the page area
    has_chars: bool = False
    source: str = "pdfplumber"  # or "pdfium"
    warnings: list[str] = field(default_factory=list)


def _pdfium_count(path: Path) -> int | None:
    """Page count seen by pypdfium2; raises EncryptedFile for a password it cannot open."""
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedFile(str(path), "PDF vyžaduje heslo") from exc
        return None
    try:
        return len(doc)
    finally:
        doc.close()


def _pdfium_lines(path: Path, index: int) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        textpage = doc[index].get_textpage()
        text = textpage.get_text_bounded()
        return [ln for ln in re.split(r"\r\n|\n|\r", text)]
    finally:
        doc.close()


def _image_coverage(page: Any) -> float:
    area = float(page.width * page.height) or 1.0
    best = 0.0
    for im in page.images:
        w = min(float(im["x1"]), float(page.width)) - max(float(im["x0"]), 0.0)
        h = min(float(im["bottom"]), float(page.height)) - max(float(im["top"]), 0.0)
        if w > 0 and h > 0:
            best = max(best, w * h / area)
    return best


def _table_lines(page: Any, words: list[Word]) -> tuple[list[Line], list[Word]]:
    """Ruled tables as one labelled block each; returns the blocks and the words outside them."""
    if not (page.rects or page.lines) or len(page.rects) + len(page.lines) > 5000:
        return [], words
    blocks: list[Line] = []
    for table in page.find_tables():
        x0, top, x1, bottom = (float(v) for v in table.bbox)
        words = _table_block(table.extract(), (x0, top, x1, bottom), words, blocks)
    return blocks, words


def _table_block(rows: list[list[str | None]], bbox: tuple[float, float, float, float], words: list[Word],
                 blocks: list[Line]) -> list[Word]:
    """Append a table's labelled rows to ``blocks`` as one block; returns the words outside it (all of
    them when it is a frame or a one-column box rather than a table)."""
    if sum(1 for r in rows if sum(1 for c in r if c and c.strip()) >= 2) < 2:
        return words
    lines = table_lines(rows)
    if not lines:
        return words
    x0, top, x1, bottom = bbox
    blocks.append(Line([Word("", x0, x1, top, bottom)], text="\n".join(lines), is_table=True))
    return [w for w in words if not (x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom)]


def _layout_page(page: Any) -> RawPage:
    """Reading-order lines of one pdfplumber page."""
    chars = page.chars
    t0 = time.perf_counter()
    drop = duplicate_char_ids(chars)
    STATS["layout"] += time.perf_counter() - t0
    if drop:
        page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in drop)
    chars = page.chars
    direction = dominant_direction(chars)
    char_dir, line_dir = WORD_DIRS[direction]
    if direction in ("ttb", "btt"):
        raw_words = page.extract_words(char_dir_rotated=char_dir, line_dir_rotated=line_dir)
        height = float(page.width)
    else:
        raw_words = page.extract_words(char_dir=char_dir, line_dir=line_dir)
        height = float(page.height)
    main, other = [], []
    for rw in raw_words:
        wdir = rw.get("direction", "ltr")
        if wdir == direction:
            main.append(to_upright(rw, direction, float(page.width), float(page.height)))
        else:
            other.append(to_upright(rw, wdir, float(page.width), float(page.height)))
    tables: list[Line] = []
    if direction == "ltr":
        tables, main = _table_lines(page, main)
    lines = _ordered_lines(main, other, tables, height)
    return RawPage(lines, height, coverage=_image_coverage(page), has_chars=bool(chars))


def _ordered_lines(main: list[Word], other: list[Word], tables: list[Line], height: float) -> list[PageLine]:
    """Reading-order lines of a page's upright words, its table blocks and its words in other directions."""
    t0 = time.perf_counter()
    lines = sorted(group_lines(main) + tables, key=lambda ln: ln.top)
    if 0 < len(lines) <= MAX_LINES_FOR_COLUMNS:
        heights = [w.bottom - w.top for w in main] or [10.0]
        lines = reading_order(lines, min_gap=max(6.0, statistics.median(heights)))
    out: list[PageLine] = []
    for ln in lines:
        for text in ln.text.split("\n") if ln.is_table else [line_text(ln.words)]:
            out.append(PageLine(text, ln.top, ln.bottom))
    out += [PageLine(line_text(ln.words), height, height) for ln in group_lines(other)]
    STATS["layout"] += time.perf_counter() - t0
    return out


def _pdfium_page(path: Path, index: int, coverage: float = 0.0) -> RawPage:
    lines = [PageLine(text, float(i), float(i)) for i, text in enumerate(_pdfium_lines(path, index))]
    # positions are unknown: keep them out of header/footer detection with a huge height
    return RawPage(lines, 1e9, coverage=coverage, has_chars=any(ln.text.strip() for ln in lines), source="pdfium")


def _is_garbage(text: str) -> bool:
    """An OCR layer without Czech diacritics although the words are Czech, or full of letter-digit mixes."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < 15 or textfix.czech_share(text) >= 0.005:
        return False
    function = sum(w in CZECH_FUNCTION_WORDS for w in words) / len(words)
    mixed = sum(bool(re.search(r"[a-z]", w) and re.search(r"\d", w)) for w in words) / len(words)
    return function >= 0.04 or (function >= 0.02 and mixed >= 0.05)


def _pdf_date(value: str) -> str:
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", value)
    if not m:
        return value
    y, mo, d, h, mi, s = (g or "" for g in m.groups())
    out = f"{y}-{mo or '01'}-{d or '01'}"
    if h:
        out += f"T{h}:{mi or '00'}:{s or '00'}"
    return out


def _properties(meta: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for src, dst in (("Title", "title"), ("Author", "author"), ("Subject", "subject"),
                     ("CreationDate", "created"), ("ModDate", "modified")):
        value = meta.get(src)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if value is None:
            continue
        text = textfix.clean_line(str(value))
        if text:
            out[dst] = _pdf_date(text) if dst in ("created", "modified") else text
    return out


def _catalog_labels(pdf: Any, n: int) -> list[str | None]:
    try:
        labels = list(itertools.islice(pdf.doc.get_page_labels(), n))  # an endless generator
    except Exception:
        return [None] * n
    out: list[str | None] = [None] * n
    for i, label in enumerate(labels):
        if label and str(label) != str(i + 1):
            out[i] = str(label)
    return out


def _check_time(path: Path, deadline: float) -> None:
    if time.monotonic() > deadline:
        raise TooLarge(str(path), "překročen čas zpracování souboru")


def _pages(pdf: Any, path: Path) -> list[Any]:
    """pdfplumber's pages of an open document; a document whose page tree pdfminer cannot read is corrupt."""
    try:
        return list(pdf.pages)
    except PdfminerException as exc:
        raise CorruptFile(str(path), f"stránky PDF nelze načíst: {exc}") from exc


def _open(path: Path) -> Any:
    try:
        return pdfplumber.open(str(path), password="")
    except PdfminerException as exc:
        if any(isinstance(a, PDFPasswordIncorrect) for a in exc.args):
            raise EncryptedFile(str(path), "PDF vyžaduje heslo") from exc
        raise CorruptFile(str(path), f"PDF nelze otevřít: {exc}") from exc


@register("pdf", extensions=(".pdf",))
def extract_pdf(path: Path, opts: Options) -> ExtractedDocument:
    """Pages through pypdfium2 where they are simple, through pdfplumber where they need it."""
    deadline = time.monotonic() + int(settings.get("file_timeout"))
    if settings.get("pdf_text") == "pdfplumber":
        return _extract_plumber(path, opts, deadline)
    doc = _pdfium_open(path)
    if doc is None:
        return _extract_plumber(path, opts, deadline)
    warnings: list[str] = []
    t0 = time.perf_counter()
    try:
        n = len(doc)
        if n > opts.max_pages:
            raise TooLarge(str(path), f"{n} stran > {opts.max_pages}")
        if n == 0:
            return _extract_plumber(path, opts, deadline)
        raw: list[RawPage | None] = []
        for i in range(n):
            _check_time(path, deadline)
            raw.append(_pdfium_layout_page(doc, i))
        properties = _pdfium_properties(doc)
        labels = _pdfium_labels(doc, n)
    finally:
        doc.close()
    STATS["pdfium"] += time.perf_counter() - t0
    rest = [i for i, rp in enumerate(raw) if rp is None]
    if rest:
        t1 = time.perf_counter()
        with _open(path) as pdf:
            plumber_pages = _pages(pdf, path)
            for i in rest:
                _check_time(path, deadline)
                if i < len(plumber_pages):
                    raw[i] = _plumber_page(path, plumber_pages, i, warnings)
                else:  # pdfplumber does not see this page either: its text, if any, is pdfium's
                    warnings.append(f"strana {i + 1}: pdfplumber ji nevidí, text z pypdfium2")
                    raw[i] = _pdfium_page(path, i, coverage=1.0)
        STATS["pdfplumber"] += time.perf_counter() - t1
    pages = [rp for rp in raw if rp is not None]
    t2 = time.perf_counter()
    out = _postprocess(path, pages, labels, properties, warnings, opts, deadline)
    STATS["post"] += time.perf_counter() - t2
    return out


def _pdfium_open(path: Path) -> pdfium.PdfDocument | None:
    """The document through pypdfium2; EncryptedFile for a password, None when pdfium cannot read it."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedFile(str(path), "PDF vyžaduje heslo") from exc
        return None


def _pdfium_layout_page(doc: pdfium.PdfDocument, index: int) -> RawPage | None:
    """A simple page read from pdfium's characters; None when it needs pdfplumber."""
    page = doc[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            drawn = graphics(page, width, height)
            if textpage.count_chars() > MAX_CHARS_PER_PAGE or not page_is_simple(page, textpage, drawn):
                return None
            read = read_page(textpage, width, height)
        finally:
            textpage.close()
    finally:
        page.close()
    if not read.words and (read.chars > 0 or drawn.image_coverage < SCAN_COVERAGE):
        return None  # no words for pdfium on a page that is not a bare scan: pdfminer sometimes reads them
    words = list(read.words)
    tables: list[Line] = []
    if drawn.may_hold_table:
        tables, words = _pdfium_tables(drawn, words)
    lines = _ordered_lines(words, [], tables, height)
    return RawPage(lines, height, coverage=drawn.image_coverage, has_chars=read.chars > 0, source="pdfium")


def _pdfium_tables(drawn: Graphics, words: list[Word]) -> tuple[list[Line], list[Word]]:
    """Ruled tables from pdfium's rules and boxes, as in :func:`_table_lines`; returns the words outside."""
    blocks: list[Line] = []
    for cells in find_tables(drawn.edges):
        bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
        words = _table_block(table_rows(cells, words), bbox, words, blocks)
    return blocks, words


def _pdfium_properties(doc: pdfium.PdfDocument) -> dict[str, str]:
    try:
        return _properties(dict(doc.get_metadata_dict(skip_empty=True)))
    except pdfium.PdfiumError:
        return {}


def _pdfium_labels(doc: pdfium.PdfDocument, n: int) -> list[str | None]:
    out: list[str | None] = []
    for i in range(n):
        label = doc.get_page_label(i)
        out.append(label if label and label != str(i + 1) else None)
    return out


def _plumber_page(path: Path, plumber_pages: list[Any], i: int, warnings: list[str]) -> RawPage:
    page = plumber_pages[i]
    try:
        if len(page.chars) > MAX_CHARS_PER_PAGE:
            warnings.append(f"strana {i + 1}: příliš mnoho znaků, čteno bez rozvržení")
            return _pdfium_page(path, i)
        return _layout_page(page)
    except (PdfminerException, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        warnings.append(f"strana {i + 1}: {type(exc).__name__}, text z pypdfium2")
        return _pdfium_page(path, i)
    finally:
        page.close()


def _extract_plumber(path: Path, opts: Options, deadline: float) -> ExtractedDocument:
    """Every page through pdfplumber: the reference reading (``SCSEARCH_PDF_TEXT=pdfplumber``)."""
    n_pdfium = _pdfium_count(path)
    if n_pdfium is not None and n_pdfium > opts.max_pages:
        raise TooLarge(str(path), f"{n_pdfium} stran > {opts.max_pages}")
    warnings: list[str] = []
    t0 = time.perf_counter()
    with _open(path) as pdf:
        plumber_pages = _pages(pdf, path)
        n = len(plumber_pages)
        if n > opts.max_pages:
            raise TooLarge(str(path), f"{n} stran > {opts.max_pages}")
        raw: list[RawPage] = []
        if n == 0:
            if not n_pdfium:
                raise CorruptFile(str(path), "PDF nemá žádné stránky")
            warnings.append(f"pdfplumber nevidí žádnou stránku, text z pypdfium2 ({n_pdfium} str.)")
            raw = [_pdfium_page(path, i, coverage=1.0) for i in range(n_pdfium)]
        for i in range(n):
            _check_time(path, deadline)
            raw.append(_plumber_page(path, plumber_pages, i, warnings))
        properties = _properties(pdf.metadata or {})
        labels = _catalog_labels(pdf, len(raw))
    t1 = time.perf_counter()
    STATS["pdfplumber"] += t1 - t0
    doc = _postprocess(path, raw, labels, properties, warnings, opts, deadline)
    STATS["post"] += time.perf_counter() - t1
    return doc


def _postprocess(
    path: Path,
    raw: list[RawPage],
    labels: list[str | None],
    properties: dict[str, str],
    warnings: list[str],
    opts: Options,
    deadline: float,
) -> ExtractedDocument:
    for rp in raw:
        for ln in rp.lines:
            ln.text = nfc(textfix.undouble_line(textfix.clean_line(ln.text)))
        rp.lines = [ln for ln in rp.lines if ln.text]
    if textfix.has_mojibake("\n".join(ln.text for rp in raw for ln in rp.lines)):
        warnings.append("opraveno chybné kódování (CP1250 čtené jako Latin-1)")
        for rp in raw:
            for ln in rp.lines:
                ln.text = textfix.fix_mojibake(ln.text)
    removed = find_boilerplate([(rp.lines, rp.height) for rp in raw])
    boilerplate: dict[str, str] = {}  # key (digits masked) -> first text seen
    printed: list[int | None] = []
    for rp, rem in zip(raw, removed, strict=True):
        number = None
        for i in sorted(rem):
            text = rp.lines[i].text
            boilerplate.setdefault(bp_key(text), text)
            number = number if number is not None else page_number_in(text)
        printed.append(number)
        rp.lines = [ln for i, ln in enumerate(rp.lines) if i not in rem]
    from_print = printed_labels(printed)
    labels = [lab if lab is not None else fp for lab, fp in zip(labels, from_print, strict=True)]
    vocab = textfix.vocabulary(ln.text for rp in raw for ln in rp.lines)

    pages: list[Page] = []
    for i, rp in enumerate(raw):
        text = "\n".join(textfix.dehyphenate([ln.text for ln in rp.lines], vocab))
        method = METHOD_TEXT
        has_letters = any(c.isalpha() for c in text)
        scan = rp.coverage >= SCAN_COVERAGE
        needs = (not has_letters and rp.coverage >= 0.15) or (scan and _is_garbage(text))
        if needs:
            if opts.ocr == "off" or not ocr_available():
                if not has_letters:
                    text, method = "", METHOD_NEEDS_OCR
                else:
                    warnings.append(f"strana {i + 1}: nekvalitní textová vrstva (OCR vypnuto nebo nedostupné)")
            else:
                text, method = _ocr_page(path, i, opts, warnings, vocab, deadline)
        pages.append(Page(number=i + 1, text=text, method=method, label=labels[i]))
    return ExtractedDocument(
        path=str(path),
        format="pdf",
        pages=tuple(pages),
        properties=properties,
        boilerplate=tuple(list(boilerplate.values())[:50]),
        warnings=tuple(warnings),
    )


def _ocr_page(path: Path, index: int, opts: Options, warnings: list[str], vocab: set[str], deadline: float) -> tuple[str, str]:
    _check_time(path, deadline)
    t0 = time.perf_counter()
    try:
        image = render_page(str(path), index)
        raw = ocr_image(image, opts.ocr_timeout)
    except OcrTimeout:
        warnings.append(f"strana {index + 1}: OCR překročilo {opts.ocr_timeout} s")
        return "", METHOD_NEEDS_OCR
    finally:
        STATS["ocr"] += time.perf_counter() - t0
    lines = [nfc(textfix.clean_line(ln)) for ln in raw.splitlines()]
    lines = [ln for ln in lines if ln]
    return "\n".join(textfix.dehyphenate(lines, vocab)), METHOD_OCR
