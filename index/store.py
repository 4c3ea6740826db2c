"""Index generations on disk, the writer lock, and the manifest.

Layout of ``DATA_DIR/index``::

    CURRENT              name of the generation that serves searches (replaced atomically)
    gen-000007/          an index (whoosh or tantivy) + meta.json + manifest.json + lexicon.pickle + typos.sqlite
    gen-000008.tmp/      a generation being written (removed if a writer died)

A writer copies the current generation (hard links: whoosh never rewrites a
segment file), applies its changes, commits, writes the sidecar files and only
then points ``CURRENT`` at the new generation. Readers open whatever ``CURRENT``
names, so a crash at any moment leaves the last good generation serving.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scsearch.errors import IndexLocked

GEN_PREFIX = "gen-"
CURRENT = "CURRENT"
META = "meta.json"
MANIFEST = "manifest.json"


def index_root(data_dir: Path) -> Path:
    return Path(data_dir) / "index"


def current_generation(data_dir: Path) -> Path | None:
    """The directory of the generation that serves searches, or None."""
    root = index_root(data_dir)
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = root / name
    return gen if name and (gen / META).exists() else None


def read_meta(gen: Path) -> dict[str, Any]:
    return json.loads((gen / META).read_text(encoding="utf-8"))


def read_manifest(gen: Path | None) -> dict[str, dict[str, Any]]:
    if gen is None or not (gen / MANIFEST).exists():
        return {}
    data: dict[str, dict[str, Any]] = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    return data


def write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=0, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _gen_number(name: str) -> int:
    try:
        return int(name[len(GEN_PREFIX) :].split(".")[0])
    except ValueError:
        return -1


def list_generations(data_dir: Path) -> list[Path]:
    root = index_root(data_dir)
    if not root.exists():
        return []
    gens = [p for p in root.iterdir() if p.name.startswith(GEN_PREFIX) and not p.name.endswith(".tmp")]
    return sorted(gens, key=lambda p: _gen_number(p.name))


def _copy_tree_linked(src: Path, dst: Path, *, skip: tuple[str, ...] = ("arrays",)) -> None:
    """Hard-link every file of ``src`` into ``dst`` (folders too, but the per-generation ``arrays``)."""
    dst.mkdir(parents=True)
    for item in src.iterdir():
        if item.is_dir() and not item.is_symlink() and item.name not in skip:
            _copy_tree_linked(item, dst / item.name, skip=())
        elif item.is_file():
            target = dst / item.name
            try:
                os.link(item, target)
            except OSError:
                shutil.copy2(item, target)


@dataclass
class NewGeneration:
    """A generation being written; ``publish()`` makes it the current one."""

    data_dir: Path
    path: Path  # the .tmp directory
    final: Path
    base: Path | None

    def publish(self, meta: dict[str, Any], manifest: dict[str, dict[str, Any]], keep: int = 2) -> Path:
        meta = dict(meta)
        meta["generation"] = _gen_number(self.final.name)
        meta["committed_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        write_json_atomic(self.path / MANIFEST, manifest)
        write_json_atomic(self.path / META, meta)
        fault_point("before_publish")
        os.replace(self.path, self.final)
        _fsync_dir(self.final.parent)
        root = index_root(self.data_dir)
        tmp = root / (CURRENT + ".tmp")
        tmp.write_text(self.final.name + "\n", encoding="utf-8")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, root / CURRENT)
        _fsync_dir(root)
        prune_generations(self.data_dir, keep=keep)
        return self.final

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def fault_point(name: str) -> None:
    """Crash-test hook: ``SCSEARCH_FAULT=name`` kills the process here with SIGKILL.

    Used by the crash-safety tests to stop an ingest at exact moments; inert otherwise.
    """
    if os.environ.get("SCSEARCH_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def start_generation(data_dir: Path, *, fresh: bool = False) -> NewGeneration:
    """Create the directory of the next generation, seeded with the current one unless ``fresh``."""
    root = index_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    cleanup_incomplete(data_dir)
    base = current_generation(data_dir)
    numbers = [_gen_number(p.name) for p in root.iterdir() if p.name.startswith(GEN_PREFIX)]
    nxt = max(numbers, default=0) + 1
    final = root / f"{GEN_PREFIX}{nxt:06d}"
    tmp = root / f"{GEN_PREFIX}{nxt:06d}.tmp"
    if base is not None and not fresh:
        _copy_tree_linked(base, tmp)
        for name in (META, MANIFEST, "columns.pickle", "typos.pickle"):  # the pickles: left by older versions
            with contextlib.suppress(FileNotFoundError):
                (tmp / name).unlink()
    else:
        tmp.mkdir(parents=True)
    return NewGeneration(data_dir=Path(data_dir), path=tmp, final=final, base=None if fresh else base)


def cleanup_incomplete(data_dir: Path) -> None:
    """Remove generations a dead writer left half-written (only called under the lock)."""
    root = index_root(data_dir)
    if not root.exists():
        return
    for p in root.iterdir():
        if p.name.startswith(GEN_PREFIX) and p.name.endswith(".tmp"):
            shutil.rmtree(p, ignore_errors=True)


def cleanup_if_idle(data_dir: Path) -> bool:
    """At start-up: remove a crashed writer's ``gen-*.tmp`` unless a live writer holds the lock
    (its ``.tmp`` is then being written and stays). Returns whether the cleanup ran."""
    if not index_root(data_dir).exists():
        return False
    try:
        with writer_lock(data_dir, "cleanup"):
            cleanup_incomplete(data_dir)
    except IndexLocked:
        return False
    return True


def prune_generations(data_dir: Path, keep: int = 2, min_age_s: float = 60.0) -> None:
    """Delete generations older than the current one, keeping ``keep`` of them, and any
    younger than ``min_age_s`` seconds (a searcher may still be reading them)."""
    current = current_generation(data_dir)
    if current is None:
        return
    older = [g for g in list_generations(data_dir) if _gen_number(g.name) < _gen_number(current.name)]
    now = time.time()
    for g in older[: max(0, len(older) - keep)]:
        try:
            age = now - g.stat().st_mtime
        except FileNotFoundError:
            continue
        if age >= min_age_s:
            shutil.rmtree(g, ignore_errors=True)


# ---------------------------------------------------------------- the lock


def pid_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    # a zombie counts as dead
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def lock_holder(data_dir: Path) -> dict[str, Any] | None:
    path = Path(data_dir) / "ingest.lock"
    try:
        info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return info


@contextlib.contextmanager
def writer_lock(data_dir: Path, what: str = "ingest") -> Iterator[None]:
    """One writer at a time. A lock left by a dead process is taken over; a live holder
    makes this raise ``IndexLocked`` at once (no waiting forever)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "ingest.lock"
    payload = json.dumps(
        {"pid": os.getpid(), "what": what, "since": dt.datetime.now().isoformat(timespec="seconds")}
    )
    for _attempt in range(3):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            info = lock_holder(data_dir)
            if info is None:
                # half-written by a writer that is starting right now, or garbage: give it a moment
                time.sleep(0.2)
                info = lock_holder(data_dir)
                if info is None:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                    continue
            if pid_alive(int(info.get("pid", 0))):
                raise IndexLocked(
                    f"index je právě zamčen jiným procesem (pid {info.get('pid')}, {info.get('what')}, "
                    f"od {info.get('since')}); zkuste to později"
                ) from None
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # stale lock of a dead process
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        break
    else:
        raise IndexLocked("zámek indexu se nepodařilo získat")
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            info = lock_holder(data_dir)
            if info is None or info.get("pid") == os.getpid():
                path.unlink()
