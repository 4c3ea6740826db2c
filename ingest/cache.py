"""Content-addressed caches of extraction results and lemmas under ``DATA_DIR/cache``.

A renamed or moved file costs nothing to re-index: both caches are keyed by content.
"""

from __future__ import annotations

import errno
import hashlib
import os
import pickle
import stat
from pathlib import Path
from typing import Any

from scsearch.models import ExtractedDocument

CACHE_VERSION = 2  # 2: long texts without pages split into parts; PDF text through pypdfium2


def sha256_file(path: Path) -> str:
    """Hash of a regular file. Opened without blocking, so a file swapped for a FIFO cannot hang the
    run (and the writer lock with it): anything but a regular file raises ``OSError``."""
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "není běžný soubor", str(path))
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Caches:
    """Content-addressed caches under DATA_DIR/cache."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "cache"
        (self.root / "extract").mkdir(parents=True, exist_ok=True)
        (self.root / "lemmas").mkdir(parents=True, exist_ok=True)

    def _read(self, path: Path) -> Any:
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            return None

    def _write(self, path: Path, value: Any) -> None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    def extracted(self, sha: str, options_key: str) -> ExtractedDocument | None:
        value = self._read(self.root / "extract" / f"{sha}-{options_key}.pickle")
        return value if isinstance(value, ExtractedDocument) else None

    def store_extracted(self, sha: str, options_key: str, doc: ExtractedDocument) -> None:
        self._write(self.root / "extract" / f"{sha}-{options_key}.pickle", doc)

    def lemmas(self, key: str) -> list[list[str]] | None:
        value = self._read(self.root / "lemmas" / f"{key}.pickle")
        return value if isinstance(value, list) else None

    def store_lemmas(self, key: str, value: list[list[str]]) -> None:
        self._write(self.root / "lemmas" / f"{key}.pickle", value)


def options_key(ocr: str, max_pages: int) -> str:
    """A short key of the extraction options that change what extraction returns."""
    import json

    return hashlib.sha1(json.dumps([CACHE_VERSION, ocr, max_pages]).encode()).hexdigest()[:8]
