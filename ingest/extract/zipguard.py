"""Zip bomb guard for OOXML / ODF containers: check declared sizes before any parser opens the file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from scsearch.errors import CorruptFile, TooLarge

MAX_MEMBERS = 20_000


def check_zip(path: Path, max_unzipped_mb: int) -> None:
    """Raise TooLarge when the members would unpack to more than ``max_unzipped_mb`` MB.

    zipfile never returns more bytes than a member's declared size (and checks its CRC), so
    the declared sizes bound what the parsers can read.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise CorruptFile(str(path), f"poškozený archiv ZIP: {exc}") from exc
    if len(infos) > MAX_MEMBERS:
        raise TooLarge(str(path), f"{len(infos)} souborů v archivu")
    total = sum(i.file_size for i in infos)
    if total > max_unzipped_mb * 1024 * 1024:
        raise TooLarge(str(path), f"rozbalená velikost {total // (1024 * 1024)} MB > {max_unzipped_mb} MB")
