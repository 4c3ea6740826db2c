"""Where a downloaded file goes (a stable, safe name inside DIR from its URL) and whether its bytes are
what its link promises (a PDF link that returns an HTML error page is refused)."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

_UNSAFE = re.compile(r"[^\w.()\-]+")
_MAGIC = {
    "pdf": (b"%PDF",),
    **{ext: (b"PK\x03\x04",) for ext in ("docx", "pptx", "xlsx", "odt", "ods", "odp")},
    **{ext: (b"\xd0\xcf\x11\xe0",) for ext in ("doc", "xls", "ppt")},
}
MAX_SEGMENT = 120


class UnsafePath(ValueError):
    """The URL maps outside DIR (cannot happen with the sanitiser; checked anyway)."""


def _segment(raw: str) -> str:
    name = unicodedata.normalize("NFC", unquote(raw, errors="replace"))
    name = _UNSAFE.sub("_", name).strip("._")
    return name[:MAX_SEGMENT] or "_"


def local_path(into: Path, url: str, ext: str) -> Path:
    """``into`` / the URL's path, segment by segment made safe (no ``..``, no hidden names, no separators);
    a query string becomes a short hash in the name; the name always ends in the document's extension."""
    parts = urlsplit(url)
    raw = [s for s in parts.path.split("/") if s]
    segments = [_segment(s) for s in raw if unquote(s) not in (".", "..")]
    name = segments.pop() if segments else "index"
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix.lower() != ext:
        stem, suffix = name, ext
    if parts.query:
        stem += "-" + hashlib.sha1(parts.query.encode()).hexdigest()[:8]
    path = into.joinpath(*segments, f"{stem}.{suffix}")
    root = os.path.realpath(into)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        raise UnsafePath(str(path))
    return path


def content_problem(head: bytes, ext: str, content_type: str) -> str:
    """Why the first bytes are not a ``ext`` file ('' when they are)."""
    start = head.lstrip()[:512].lower()
    if content_type in ("text/html", "application/xhtml+xml") or start.startswith((b"<!doctype html", b"<html")) \
            or b"<html" in start:
        return f"odkaz na {ext.upper()} vrátil stránku HTML (pravděpodobně chybovou stránku)"
    if not head:
        return "server vrátil prázdný soubor"
    magic = _MAGIC.get(ext)
    if magic and not head.startswith(magic):
        return f"obsah neodpovídá formátu {ext.upper()} (Content-Type {content_type or 'neuveden'})"
    return ""
