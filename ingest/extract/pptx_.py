"""PPTX: one Page per slide: title (heading), text of all shapes incl. groups and tables, speaker notes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scsearch.errors import TooLarge
from scsearch.models import UNIT_SLIDE, ExtractedDocument, Page

from .registry import Options, register
from .tables import table_lines
from .textfix import clean_line
from .zipguard import check_zip


def _pos(shape: Any) -> tuple[int, int]:
    try:
        return (int(shape.top or 0), int(shape.left or 0))
    except (AttributeError, ValueError, KeyError):
        return (0, 0)


def frame_lines(frame: Any) -> list[str]:
    return [t for t in (clean_line(p.text) for p in frame.paragraphs) if t]


def shape_lines(shapes: Any, skip: Any = None) -> list[str]:
    """Text of ``shapes`` in reading order (top to bottom, left to right), groups recursively."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE  # python-pptx is imported when a PPTX is read

    out: list[str] = []
    for shape in sorted(shapes, key=_pos):
        if skip is not None and shape.shape_id == skip.shape_id:
            continue
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            out.extend(shape_lines(shape.shapes))
        elif getattr(shape, "has_table", False) and shape.has_table:
            rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
            out.extend(table_lines(rows, merged=True))
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            out.extend(frame_lines(shape.text_frame))
        elif getattr(shape, "has_chart", False) and shape.has_chart:
            chart = shape.chart
            if chart.has_title and chart.chart_title.has_text_frame:
                out.extend(frame_lines(chart.chart_title.text_frame))
    return out


@register("pptx", extensions=(".pptx", ".pptm", ".ppsx"))
def extract_pptx(path: Path, opts: Options) -> ExtractedDocument:
    from pptx import Presentation

    check_zip(path, opts.max_unzipped_mb)
    prs = Presentation(str(path))
    if len(prs.slides) > opts.max_pages:
        raise TooLarge(str(path), f"{len(prs.slides)} snímků > {opts.max_pages}")
    pages = []
    for number, slide in enumerate(prs.slides, start=1):
        title_shape = slide.shapes.title
        title = ""
        if title_shape is not None and title_shape.has_text_frame:
            title = " ".join(frame_lines(title_shape.text_frame))
        lines = ([title] if title else []) + shape_lines(slide.shapes, skip=title_shape)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            lines += frame_lines(slide.notes_slide.notes_text_frame)
        pages.append(Page(number=number, text="\n".join(lines), kind=UNIT_SLIDE, heading=title))
    cp = prs.core_properties
    props = {}
    for key, value in (("title", cp.title), ("author", cp.author), ("subject", cp.subject),
                       ("created", cp.created), ("modified", cp.modified)):
        if value:
            props[key] = value.isoformat() if hasattr(value, "isoformat") else clean_line(str(value))
    return ExtractedDocument(path=str(path), format="pptx", pages=tuple(pages), properties=props)
