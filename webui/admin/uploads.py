"""Accepting uploaded files: safe Czech-friendly names, type by content, size limit, duplicates by hash.

    >>> safe_name("../../x.pdf")
    'x.pdf'
    >>> safe_name("Zápis z jednání č. 5.PDF")
    'Zápis z jednání č. 5.pdf'
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from scsearch.ingest.discover import SKIP_SUFFIXES
from scsearch.ingest.extract import EXTRACTORS, detect_format
from scsearch.ingest.extract.zipguard import check_zip
from scsearch.ingest.jobqueue import now

MAX_NAME_CHARS = 120
INCOMING = ".incoming"  # hidden folder inside the upload folder: the pipeline's walk skips it
_UNSAFE = re.compile(r"[^\w \-.,()+]", re.UNICODE)
_SPACES = re.compile(r"[\s_]*\s[\s_]*")
_DOTS = re.compile(r"\.{2,}")
_UNDERSCORES = re.compile(r"_{2,}")
ZIP_FORMATS = ("docx", "pptx", "xlsx", "odt", "ods", "odp")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    original_name TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    format TEXT NOT NULL,
    user TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_sha ON uploads(sha256);
"""


def safe_name(name: str, default_stem: str = "soubor") -> str:
    """A file name safe to store: NFC, no folders or ``..``, Czech letters kept, odd characters replaced."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # control/format characters
    name = _UNSAFE.sub("_", name)
    name = _SPACES.sub(" ", name)
    name = _DOTS.sub(".", name)
    name = _UNDERSCORES.sub("_", name)
    name = name.strip(" ._-")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext.lower()
    if not re.fullmatch(r"[a-z0-9]{1,8}", ext):
        stem, ext = (f"{stem}.{ext}" if dot else stem), ""
        stem = stem.strip(" ._-")
    stem = stem.strip(" ._-") or default_stem
    stem = stem[:MAX_NAME_CHARS].rstrip(" ._-") or default_stem
    result = f"{stem}.{ext}" if ext else stem
    for suffix in SKIP_SUFFIXES:  # names the pipeline would skip (or read as an override sidecar)
        if result.lower().endswith(suffix):
            result = result[: -len(suffix)] + suffix.replace(".", "_")
    return result


@dataclass(frozen=True)
class UploadOutcome:
    original_name: str
    status: str  # stored | duplicate | refused
    message: str
    stored_path: str = ""
    stored_name: str = ""
    format: str = ""
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "stored"


def _extension_formats() -> dict[str, str]:
    return {ext: reg.name for reg in EXTRACTORS.values() for ext in reg.extensions}


class UploadStore:
    """Stores uploads into one folder and remembers them (with their hashes) in admin.sqlite."""

    def __init__(self, conn: sqlite3.Connection, upload_dir: Path, *, max_bytes: int, max_unzipped_mb: int,
                 known_hashes: Callable[[], dict[str, str]] | None = None) -> None:
        self.conn = conn
        self.upload_dir = Path(upload_dir)
        self.max_bytes = max_bytes
        self.max_unzipped_mb = max_unzipped_mb
        self.known_hashes = known_hashes or dict
        conn.executescript(_SCHEMA)

    def recent(self, limit: int = 100) -> list[dict[str, object]]:
        rows = self.conn.execute("SELECT * FROM uploads ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(r) for r in rows]

    def _receive(self, stream: IO[bytes]) -> tuple[Path, str, int]:
        incoming = self.upload_dir / INCOMING
        incoming.mkdir(parents=True, exist_ok=True)
        tmp = incoming / f"{secrets.token_hex(8)}.part"
        h = hashlib.sha256()
        size = 0
        with open(tmp, "wb") as out:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > self.max_bytes:
                    out.close()
                    tmp.unlink(missing_ok=True)
                    raise _TooBig(size)
                h.update(chunk)
                out.write(chunk)
        return tmp, h.hexdigest(), size

    def save(self, original_name: str, stream: IO[bytes], user: str) -> UploadOutcome:
        """Check and store one uploaded file; never raises for a bad file (the outcome says why)."""
        from scsearch.errors import ExtractionError

        original = unicodedata.normalize("NFC", original_name or "")
        if original.lower().endswith(".meta.json"):
            return UploadOutcome(original, "refused", "soubor „….meta.json“ je oprava metadat k jinému dokumentu, "
                                 "ne dokument; metadata upravte v administraci na stránce Dokumenty "
                                 "(odkaz „Upravit metadata“)")
        name = safe_name(original)
        try:
            tmp, sha, size = self._receive(stream)
        except _TooBig:
            mb = self.max_bytes // (1024 * 1024)
            return UploadOutcome(original, "refused", f"soubor je větší než povolených {mb} MB")
        try:
            if size == 0:
                return UploadOutcome(original, "refused", "soubor je prázdný")
            dup = self._duplicate_of(sha)
            if dup:
                return UploadOutcome(original, "duplicate", f"stejný soubor už existuje: {dup}", sha256=sha)
            try:
                fmt = str(detect_format(tmp))
                if fmt in ZIP_FORMATS:
                    check_zip(tmp, self.max_unzipped_mb)
            except ExtractionError as exc:
                detail = f" ({exc.detail})" if exc.detail else ""
                return UploadOutcome(original, "refused", f"{exc.reason}{detail}", sha256=sha)
            by_ext = _extension_formats()
            suffix = Path(name).suffix.lower()
            if fmt not in set(by_ext.values()):
                return UploadOutcome(original, "refused", f"nepodporovaný formát ({fmt})", sha256=sha)
            if not suffix:
                name = f"{name}.{fmt}"
            elif by_ext.get(suffix) != fmt:
                return UploadOutcome(
                    original, "refused",
                    f"přípona {suffix} neodpovídá obsahu souboru (skutečný formát: {fmt})", sha256=sha,
                )
            dest = self._place(tmp, name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        self.conn.execute(
            "INSERT INTO uploads (original_name, stored_path, sha256, size, format, user, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (original, str(dest), sha, size, fmt, user, now()),
        )
        msg = "uloženo" if dest.name == original else f"uloženo jako {dest.name}"
        return UploadOutcome(original, "stored", msg, str(dest), dest.name, fmt, sha)

    def _duplicate_of(self, sha: str) -> str:
        row = self.conn.execute("SELECT stored_path FROM uploads WHERE sha256 = ? LIMIT 1", (sha,)).fetchone()
        if row is not None and Path(row[0]).exists():
            return Path(row[0]).name
        indexed = self.known_hashes().get(sha)
        return Path(indexed).name if indexed else ""

    def _place(self, tmp: Path, name: str) -> Path:
        """Link the received file under ``name`` without ever replacing an existing file."""
        stem, ext = (name.rsplit(".", 1) + [""])[:2] if "." in name else (name, "")
        for n in range(1, 1000):
            candidate = name if n == 1 else (f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}")
            dest = self.upload_dir / candidate
            try:
                os.link(tmp, dest)  # fails if dest exists: never overwrites
            except FileExistsError:
                continue
            except OSError:  # no hard links on this file system: exclusive create + copy
                try:
                    with open(dest, "xb") as out, open(tmp, "rb") as src:
                        shutil.copyfileobj(src, out)
                except FileExistsError:
                    continue
            return dest
        raise OSError("nelze najít volný název souboru")


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size
