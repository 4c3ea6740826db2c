"""Finding the files to ingest under the given paths, and which names are never documents.

The skip rules live here once: hidden files and folders, sidecars, temporary and lock
files, Office owner files (``~$…``), and whatever a ``.scsearchignore`` lists.
"""

from __future__ import annotations

import fnmatch
import os
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

# names the pipeline never takes as documents (uploads are renamed so as not to end like these)
SKIP_SUFFIXES = (".meta.json", ".tmp", ".part", ".lock")
IGNORE_FILE = ".scsearchignore"


def nfc(path: str) -> str:
    return unicodedata.normalize("NFC", path)


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files under the given paths (recursively), sorted.

    Skips hidden files, sidecars, temporary office files, and whatever a
    ``.scsearchignore`` file in a walked folder lists (fnmatch patterns relative to
    that folder, one per line; ``dir/`` ignores a folder). Files named explicitly are
    always taken.
    """
    for p in paths:
        path = Path(p)
        if not path.is_dir():
            yield path
            continue
        ignores: list[tuple[Path, list[str]]] = []
        for root, dirs, files in os.walk(path):
            here = Path(root)
            ign = here / IGNORE_FILE
            if ign.is_file():
                pats = [ln.strip() for ln in ign.read_text(encoding="utf-8", errors="replace").splitlines()]
                ignores.append((here, [x for x in pats if x and not x.startswith("#")]))
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _ignored(here / d, True, ignores))
            for name in sorted(files):
                if wanted(name) and not _ignored(here / name, False, ignores):
                    yield here / name


def _ignored(path: Path, is_dir: bool, ignores: list[tuple[Path, list[str]]]) -> bool:
    for base, patterns in ignores:
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        for pat in patterns:
            if pat.endswith("/"):
                if is_dir and fnmatch.fnmatch(rel, pat.rstrip("/")):
                    return True
            elif fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(path.name, pat):
                return True
    return False


def wanted(name: str) -> bool:
    """Whether a file name may be a document (not hidden, a sidecar, a temporary or lock file)."""
    return not (name.startswith(".") or name.startswith("~$") or name.endswith(SKIP_SUFFIXES))
