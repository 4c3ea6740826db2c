"""The real type of a file, by content (magic bytes, zip members), the extension only as a hint."""

from __future__ import annotations

import zipfile
from pathlib import Path

from scsearch.errors import CorruptFile, EmptyFile, UnsupportedFormat

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = (
    ("doc", "WordDocument".encode("utf-16-le")),
    ("xls", "Workbook".encode("utf-16-le")),
    ("xls", "Book".encode("utf-16-le")),
    ("ppt", "PowerPoint Document".encode("utf-16-le")),
)
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
_OOXML_MAIN = (("word/document.xml", "docx"), ("ppt/presentation.xml", "pptx"), ("xl/workbook.xml", "xlsx"))


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mime = zf.read("mimetype")[:200].decode("ascii", "replace").strip()
                if mime in _ODF_MIMETYPES:
                    return _ODF_MIMETYPES[mime]
            for member, fmt in _OOXML_MAIN:
                if member in names:
                    return fmt
            if "content.xml" in names:  # ODF without a mimetype member
                ext = path.suffix.lower().lstrip(".")
                return ext if ext in ("odt", "ods", "odp") else "odt"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise CorruptFile(str(path), f"poškozený archiv ZIP: {exc}") from exc
    raise UnsupportedFormat(str(path), "archiv ZIP, který není dokumentem Office ani OpenDocument")


def _ole_format(path: Path) -> str:
    ext = path.suffix.lower().lstrip(".")
    found: set[str] = set()
    with path.open("rb") as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            for fmt, marker in _OLE_STREAMS:
                if marker in data:
                    found.add(fmt)
            tail = data[-64:]
    if ext in found:
        return ext
    for fmt in ("doc", "xls", "ppt"):
        if fmt in found:
            return fmt
    raise UnsupportedFormat(str(path), "neznámý dokument OLE")


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) * 0.01


def detect_format(path: str | Path) -> str:
    """Format name of ``path`` ("pdf", "docx", "txt", ...); raises EmptyFile / UnsupportedFormat."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise CorruptFile(str(path), f"soubor nelze číst: {exc}") from exc
    if size == 0 or not head.strip(b"\x00 \t\r\n"):
        raise EmptyFile(str(path))
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(path)
    if head.startswith(OLE_MAGIC):
        return _ole_format(path)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    lowered = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or (
        lowered.startswith((b"<!--", b"<?xml", b"<head", b"<meta")) and b"<html" in lowered
    ):
        return "html"
    if head.startswith(b"%!PS"):
        raise UnsupportedFormat(str(path), "PostScript")
    if _looks_like_text(head):
        ext = path.suffix.lower()
        return "html" if ext in (".html", ".htm") else "txt"
    raise UnsupportedFormat(str(path))
