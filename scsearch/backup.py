"""``scsearch backup FILE`` and ``scsearch restore FILE``: one tar archive with a manifest of checksums.

A backup is a consistent snapshot taken while searches and an ingest go on: ``CURRENT`` is read once and
that generation's files are hard-linked into a staging folder first (a published generation is never
modified, and the links keep its files alive even if a later ingest prunes it); the admin database is
copied with SQLite's online backup API; caches and uploads are copied file by file (each cache entry is
written atomically and only read by content hash, so any mix of them is valid).

A restore goes only into an empty (or missing) data directory. Every member is checked before anything is
written there: only regular files and folders, no absolute paths, no ``..``, every file listed in the
manifest with the right size and SHA-256, nothing missing. The files are unpacked into a staging folder
beside the target and moved into place at the end, so a bad archive changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from scsearch.errors import BackupError
from scsearch.index import store

MANIFEST_NAME = "scsearch-backup.json"
FORMAT = "scsearch-backup"
FORMAT_VERSION = 1
ADMIN_DB = "admin.sqlite"
COPIED_DIRS = ("cache", "uploads")
COPIED_FILES = ("ingest-runs.json",)
_CHUNK = 1 << 20


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _link_or_copy(src: Path, dst: Path) -> bool:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except FileNotFoundError:
        return False
    except OSError:
        try:
            shutil.copy2(src, dst)
        except FileNotFoundError:
            return False
    return True


def _stage(data_dir: Path, stage: Path) -> str:
    """Fill ``stage`` with the snapshot; returns the generation's name."""
    gen = store.current_generation(data_dir)  # read CURRENT once: this generation is the snapshot
    if gen is None:
        raise BackupError(f"v {data_dir} není žádný index, není co zálohovat")
    target = stage / "index" / gen.name
    target.mkdir(parents=True)
    for item in sorted(gen.rglob("*")):  # the engine's files (tantivy keeps its own in gen/tantivy/)
        rel = item.relative_to(gen)
        if rel.parts[0] == "arrays" or not item.is_file() or item.is_symlink():
            continue  # the mapped arrays are rebuilt from the index on first open
        if not item.name.endswith(".tmp") and item.name != "MAIN_WRITELOCK" and not item.name.endswith(".lock"):
            _link_or_copy(item, target / rel)
    if not (target / store.META).is_file():
        raise BackupError(f"generace {gen.name} zmizela během zálohy; spusťte zálohu znovu")
    (stage / "index" / store.CURRENT).write_text(gen.name + "\n", encoding="utf-8")
    for name in COPIED_DIRS:
        root = data_dir / name
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if path.is_file() and not path.is_symlink() and not path.name.endswith(".tmp"):
                _link_or_copy(path, stage / path.relative_to(data_dir))
    for name in COPIED_FILES:
        if (data_dir / name).is_file():
            _link_or_copy(data_dir / name, stage / name)
    db = data_dir / ADMIN_DB
    if db.is_file():
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as src, \
                contextlib.closing(sqlite3.connect(stage / ADMIN_DB)) as dst:
            src.backup(dst)
    return gen.name


def backup(data_dir: Path, archive: Path) -> dict[str, Any]:
    """Write the archive; returns its manifest."""
    data_dir = Path(data_dir)
    archive = Path(archive)
    if archive.resolve().is_relative_to(data_dir.resolve()):
        raise BackupError(f"archiv {archive} nesmí ležet v datovém adresáři {data_dir}")
    if not data_dir.is_dir():
        raise BackupError(f"datový adresář {data_dir} neexistuje")
    stage = Path(tempfile.mkdtemp(prefix=".backup-", dir=data_dir))  # same file system: hard links work
    tmp = archive.with_name(f".{archive.name}.{os.getpid()}.tmp")
    try:
        generation = _stage(data_dir, stage)
        files: dict[str, dict[str, Any]] = {
            p.relative_to(stage).as_posix(): {"size": p.stat().st_size, "sha256": _sha256(p)}
            for p in sorted(stage.rglob("*")) if p.is_file()
        }
        manifest = {"format": FORMAT, "version": FORMAT_VERSION, "generation": generation,
                    "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "files": files}
        mode = "w:gz" if archive.name.endswith((".gz", ".tgz")) else "w"
        with tarfile.open(tmp, mode) as tar:  # type: ignore[call-overload]
            blob = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size, info.mtime, info.mode = len(blob), int(dt.datetime.now().timestamp()), 0o644
            tar.addfile(info, io.BytesIO(blob))
            for rel, entry in files.items():
                member = tarfile.TarInfo(rel)  # always a regular file (never a hard-link member)
                member.size, member.mode = entry["size"], 0o644
                member.mtime = int((stage / rel).stat().st_mtime)
                with open(stage / rel, "rb") as fh:
                    tar.addfile(member, fh)
        os.replace(tmp, archive)
    except OSError as exc:
        raise BackupError(f"zálohu {archive} nelze zapsat ({exc.strerror or exc})") from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return manifest


def _safe_name(name: str) -> str | None:
    p = PurePosixPath(name)
    if not name or p.is_absolute() or ".." in p.parts or "\\" in name or name.startswith("/"):
        return None
    return p.as_posix()


def _members(tar: tarfile.TarFile, archive: Path) -> Iterator[tarfile.TarInfo]:
    for m in tar:
        if _safe_name(m.name) is None:
            raise BackupError(f"{archive}: nebezpečná cesta v archivu: {m.name!r}")
        if not (m.isfile() or m.isdir()):
            raise BackupError(f"{archive}: archiv obsahuje odkaz nebo zvláštní soubor: {m.name!r}")
        yield m


def _read_manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST_NAME)
        fh = tar.extractfile(member)
        manifest = json.loads(fh.read().decode("utf-8")) if fh else None
    except (KeyError, ValueError, UnicodeDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{archive}: nejde o zálohu scsearch (chybí nebo je poškozený {MANIFEST_NAME})")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"{archive}: nepodporovaná verze zálohy {manifest.get('version')!r}")
    return manifest


def restore(archive: Path, data_dir: Path) -> dict[str, Any]:
    """Unpack a verified archive into an empty ``data_dir``; returns the manifest."""
    archive, data_dir = Path(archive), Path(data_dir)
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(f"datový adresář {data_dir} není prázdný; obnovit lze jen do prázdného adresáře")
    if not archive.is_file():
        raise BackupError(f"archiv {archive} neexistuje")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restore-", dir=data_dir.parent))
    try:
        try:
            with tarfile.open(archive, "r:*") as tar:
                manifest = _read_manifest(tar, archive)
                expected: dict[str, Any] = manifest["files"]
                seen: set[str] = set()
                for m in _members(tar, archive):
                    if m.name == MANIFEST_NAME or m.isdir():
                        continue
                    if m.name not in expected or m.name in seen:
                        raise BackupError(f"{archive}: soubor {m.name!r} není v seznamu zálohy")
                    seen.add(m.name)
                    _extract_checked(tar, m, stage / m.name, expected[m.name], archive)
                missing = sorted(set(expected) - seen)
                if missing:
                    raise BackupError(f"{archive}: v archivu chybí {len(missing)} souborů (např. {missing[0]})")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"{archive}: poškozený archiv ({exc})") from exc
        if store.current_generation(stage) is None:
            raise BackupError(f"{archive}: záloha neobsahuje použitelnou generaci indexu")
        if data_dir.exists():
            data_dir.rmdir()
        os.replace(stage, data_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    restored = store.current_generation(data_dir)
    if restored is not None:  # the arrays are not in the archive: write them now, as ingest does
        from scsearch.index.generation import prepare_generation

        prepare_generation(restored)
    return manifest


def _extract_checked(tar: tarfile.TarFile, member: tarfile.TarInfo, dst: Path, want: dict[str, Any],
                     archive: Path) -> None:
    src = tar.extractfile(member)
    if src is None:
        raise BackupError(f"{archive}: soubor {member.name!r} nelze přečíst")
    dst.parent.mkdir(parents=True, exist_ok=True)
    h, size = hashlib.sha256(), 0
    with open(dst, "wb") as out:
        for block in iter(lambda: src.read(_CHUNK), b""):
            h.update(block)
            size += len(block)
            out.write(block)
    if size != want.get("size") or h.hexdigest() != want.get("sha256"):
        raise BackupError(f"{archive}: kontrolní součet souboru {member.name!r} nesouhlasí (archiv je poškozený "
                          "nebo upravený)")


def backup_main(data_dir: Path, archive: Path) -> int:
    try:
        manifest = backup(data_dir, archive)
    except BackupError as exc:
        print(f"scsearch: chyba: {exc}", file=sys.stderr)
        return 1
    print(f"Záloha uložena do {archive}: generace {manifest['generation']}, {len(manifest['files'])} souborů.")
    return 0


def restore_main(archive: Path, data_dir: Path) -> int:
    try:
        manifest = restore(archive, data_dir)
    except BackupError as exc:
        print(f"scsearch: chyba: {exc}", file=sys.stderr)
        return 1
    print(f"Obnoveno do {data_dir}: generace {manifest['generation']}, {len(manifest['files'])} souborů.")
    return 0
