"""Which files changed since the last generation, and which left the index.

The "unchanged?" question is answered here once: a file is unchanged when the manifest
says it was indexed, its sidecar override did not change, nobody forced it, and either
its size and mtime (cheap, before opening) or its content hash (after hashing) match.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Collection, Iterable
from pathlib import Path

from scsearch.index.manifest import Manifest, ManifestEntry
from scsearch.language.tokenize import nfc


def sidecar_mtime(path: Path) -> int:
    """mtime of the metadata override next to a document plus that of its sync context (0 when none)."""
    total = 0
    for suffix in (".meta.json", ".sync.json"):
        try:
            total += Path(f"{path}{suffix}").stat().st_mtime_ns
        except OSError:
            pass
    return total


def matches(key: str, path: Path, names: Collection[str]) -> bool:
    """Whether a file is named in ``names`` by its manifest key or its resolved path."""
    if not names:
        return False
    if key in names:
        return True
    try:
        return nfc(str(Path(path).resolve())) in names
    except OSError:
        return False


class ChangeCheck:
    """Answers "is this file unchanged?" against the previous manifest."""

    def __init__(self, old: Manifest, *, full: bool, force: Collection[str]) -> None:
        self.old = old
        self.full = full
        self.force = force

    def unchanged(self, key: str, path: Path, *, size: int, mtime_ns: int, sha: str | None = None) -> ManifestEntry | None:
        """The old entry when the file is unchanged, else None. Without ``sha`` size and mtime decide."""
        old = self.old.get(key)
        if self.full or old is None or not old.indexed:
            return None
        if old.sidecar_mtime_ns != sidecar_mtime(path) or matches(key, path, self.force):
            return None
        if sha is None:
            return old if (old.size, old.mtime_ns) == (size, mtime_ns) else None
        return old if old.sha256 == sha else None


def under(key: str, root: str) -> bool:
    root = root.rstrip("/")
    return key == root or key.startswith(root + "/")


def removed_keys(old: Manifest, seen: set[str], roots: Iterable[str], exclude: Collection[str]) -> list[str]:
    """Indexed files that leave the index: no longer found under a walked root (deleted, or now
    skipped, e.g. a link leading out of the sources), or excluded. Keys of older runs spelled
    relative to the working folder count as their absolute spelling."""
    roots = list(roots)
    out = []
    for key, entry in old.items():
        if key in seen or not entry.indexed:
            continue
        absolute = key if os.path.isabs(key) else os.path.abspath(key)
        gone = any(under(absolute, r) for r in roots)
        if gone or matches(key, Path(entry.abs_path or key), exclude):
            out.append(key)
    return out


def stamp_times(entry: ManifestEntry, prior: ManifestEntry | None) -> ManifestEntry:
    """``indexed_at`` (when the path was first indexed) and ``changed_at`` (when its content last
    changed; a new metadata sidecar alone is no change), both ISO 8601 UTC, kept from ``prior``."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    same = prior is not None and prior.indexed and prior.sha256 == entry.sha256
    return dataclasses.replace(
        entry,
        indexed_at=(prior.indexed_at if prior is not None else "") or now,
        changed_at=(prior.changed_at if same and prior is not None else "") or now,
    )
