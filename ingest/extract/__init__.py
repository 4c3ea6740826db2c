"""Text extraction: a file in, an ``ExtractedDocument`` out.

    >>> from ingest.extract import extract
    >>> doc = extract("zapis.pdf")            # doctest: +SKIP
    >>> doc.pages[0].number, doc.method       # doctest: +SKIP
    (1, 'text')

The format is detected by content (``detect_format``); each format has one module registered with
``@register``. Only ``scsearch.errors.ExtractionError`` subclasses leave ``extract``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from scsearch.errors import CorruptFile, ExtractionError, TooLarge, UnsupportedFormat
from scsearch.language.tokenize import nfc
from scsearch.models import ExtractedDocument

from . import docx_, html, legacy, odf, pdf, pptx_, txt, xlsx  # noqa: F401  (register extractors)
from .detect import detect_format
from .ocr import ocr_available
from .registry import EXTRACTORS, Options, register
from .units import split_long_units

__all__ = ["extract", "detect_format", "ocr_available", "register", "EXTRACTORS", "Options"]


def _normalised(doc: ExtractedDocument) -> ExtractedDocument:
    pages = tuple(
        dataclasses.replace(
            p,
            text=nfc(p.text),
            heading=nfc(p.heading),
            label=nfc(p.label) if p.label else p.label,
            sheet=nfc(p.sheet) if p.sheet else p.sheet,
        )
        for p in doc.pages
    )
    return dataclasses.replace(
        doc,
        pages=pages,
        properties={k: nfc(v) for k, v in doc.properties.items()},
        boilerplate=tuple(nfc(b) for b in doc.boilerplate),
    )


def extract(
    path: str | Path,
    *,
    ocr: str = "auto",
    ocr_timeout: int = 60,
    max_pages: int = 2000,
    max_unzipped_mb: int = 300,
) -> ExtractedDocument:
    """Text of ``path`` unit by unit (pages, slides, rows); raises only ExtractionError subclasses."""
    options = Options(ocr=ocr, ocr_timeout=ocr_timeout, max_pages=max_pages, max_unzipped_mb=max_unzipped_mb)
    file = Path(path)
    try:
        fmt = detect_format(file)
        reg = EXTRACTORS.get(fmt)
        if reg is None:
            raise UnsupportedFormat(str(path), fmt)
        doc = reg.func(file, options)
        doc = dataclasses.replace(doc, path=str(path))
        return split_long_units(_normalised(doc))
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise CorruptFile(str(path), "příliš hluboce vnořené nebo cyklické objekty") from exc
    except MemoryError as exc:
        raise TooLarge(str(path), "nedostatek paměti") from exc
    except Exception as exc:  # any library error becomes a named, user-facing one
        raise CorruptFile(str(path), f"{type(exc).__name__}: {str(exc)[:200]}") from exc



