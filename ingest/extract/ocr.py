"""OCR of rendered pages with Tesseract (Czech model), time-bounded per page."""

from __future__ import annotations

import functools
import shutil
from typing import Any

OCR_LANG = "ces"
OCR_DPI = 300


@functools.lru_cache(maxsize=1)
def ocr_available() -> bool:
    """True when the ``tesseract`` binary and its Czech model are installed."""
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        return OCR_LANG in pytesseract.get_languages(config="")
    except Exception:
        return False


class OcrTimeout(Exception):
    pass


def ocr_image(image: Any, timeout: int) -> str:
    """Text of a PIL image; raises ``OcrTimeout`` when Tesseract runs longer than ``timeout`` s."""
    import pytesseract

    try:
        return str(pytesseract.image_to_string(image, lang=OCR_LANG, timeout=timeout))
    except RuntimeError as exc:  # pytesseract signals its timeout this way
        if "timeout" in str(exc).lower():
            raise OcrTimeout(str(exc)) from exc
        raise


def render_page(pdf_path: str, index: int, dpi: int = OCR_DPI, password: str | None = None) -> Any:
    """Render page ``index`` (0-based) to a greyscale PIL image with pypdfium2."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_path, password=password)
    try:
        page = doc[index]
        scale = dpi / 72
        # cap the bitmap size of huge pages (~ 40 Mpx)
        w, h = page.get_size()
        scale = min(scale, (40_000_000 / max(w * h, 1)) ** 0.5)
        bitmap = page.render(scale=scale, grayscale=True)
        return bitmap.to_pil()
    finally:
        doc.close()
