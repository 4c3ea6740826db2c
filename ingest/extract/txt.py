"""Plain text files."""

from __future__ import annotations

from pathlib import Path

from scsearch.errors import EmptyFile
from scsearch.models import ExtractedDocument, Page

from .encoding import decode_czech
from .registry import Options, register
from .textfix import clean_line, dehyphenate


@register("txt", extensions=(".txt", ".text", ".md", ".csv"))
def extract_txt(path: Path, opts: Options) -> ExtractedDocument:
    text, encoding = decode_czech(path.read_bytes())
    lines = [clean_line(ln) for ln in text.splitlines()]
    # keep paragraph breaks (one empty line), drop runs of empty lines
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    body = "\n".join(dehyphenate(out)).strip()
    if not body:
        raise EmptyFile(str(path), "soubor obsahuje jen prázdné znaky")
    return ExtractedDocument(
        path=str(path), format="txt", pages=(Page(number=None, text=body),), properties={"encoding": encoding}
    )
