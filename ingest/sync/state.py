"""What sync remembers in ``DATA_DIR/sync/``: per-URL state (validators, file, withdrawal), the list of
synced sites (for ``reindex``) and the announced next meeting (for the UI). JSON files written atomically;
one sync at a time (``lock``)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from scsearch import errors

STATE_DIR = "sync"
STATE_FILE = "state.json"
SITES_FILE = "sites.json"
NEXT_MEETING_FILE = "next_meeting.json"


@dataclass(frozen=True)
class DocState:
    path: str  # absolute path of the downloaded file
    root: str  # the start URL of the sync that found it
    found_on: str  # the page that links it
    etag: str = ""
    last_modified: str = ""
    sha256: str = ""
    withdrawn: str = ""  # ISO date when its link disappeared


@dataclass(frozen=True)
class Site:
    url: str
    into: str


def _dir(data_dir: Path) -> Path:
    return Path(data_dir) / STATE_DIR


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def load_docs(data_dir: Path) -> dict[str, DocState]:
    raw = _read(_dir(data_dir) / STATE_FILE)
    out: dict[str, DocState] = {}
    if isinstance(raw, dict):
        for url, entry in raw.items():
            with contextlib.suppress(TypeError):
                out[url] = DocState(**entry)
    return out


def save_docs(data_dir: Path, docs: dict[str, DocState]) -> None:
    _write(_dir(data_dir) / STATE_FILE, {url: asdict(d) for url, d in sorted(docs.items())})


def sites(data_dir: Path) -> list[Site]:
    raw = _read(_dir(data_dir) / SITES_FILE)
    if not isinstance(raw, list):
        return []
    return [Site(str(s["url"]), str(s["into"])) for s in raw if isinstance(s, dict) and "url" in s and "into" in s]


def remember_site(data_dir: Path, site: Site) -> None:
    known = [s for s in sites(data_dir) if s.url != site.url]
    _write(_dir(data_dir) / SITES_FILE, [asdict(s) for s in [*known, site]])


def save_next_meeting(data_dir: Path, date_iso: str, source_url: str) -> None:
    _write(_dir(data_dir) / NEXT_MEETING_FILE, {"date": date_iso, "source_url": source_url})


def next_meeting(data_dir: Path) -> str:
    """The ISO date of the next meeting announced on the synced page ('' when none is known)."""
    raw = _read(_dir(data_dir) / NEXT_MEETING_FILE)
    return str(raw.get("date") or "") if isinstance(raw, dict) else ""


@contextlib.contextmanager
def lock(data_dir: Path) -> Iterator[None]:
    """One sync at a time per data directory; a second one fails at once."""
    path = _dir(data_dir) / "lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise errors.IndexLocked("jiná synchronizace právě běží") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
