"""The sync sidecar ``<file>.sync.json``: what the group's web page says about a downloaded file.

Written only by ``scsearch sync`` (never by an administrator, whose ``<file>.meta.json`` wins over it);
read by the pipeline, which passes it to ``analyze`` as a :class:`SourceContext`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import Any

from scsearch.models import SourceContext

SYNC_SUFFIX = ".sync.json"
log = logging.getLogger(__name__)


def sidecar_path(document: Path) -> Path:
    return document.with_name(document.name + SYNC_SUFFIX)


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def from_json(raw: Any) -> SourceContext | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("source_url"), str):
        return None
    meeting = raw.get("meeting")
    return SourceContext(
        source_url=raw["source_url"],
        retrieved_at=str(raw.get("retrieved_at") or ""),
        published=_date(raw.get("published")),
        meeting=meeting if isinstance(meeting, int) and 0 < meeting < 1000 else None,
        meeting_date=_date(raw.get("meeting_date")),
        link_text=str(raw.get("link_text") or "")[:300],
        withdrawn=_date(raw.get("withdrawn")),
    )


def load_context(document: Path) -> SourceContext | None:
    """The sync context of a document; None when there is none or it cannot be read (logged)."""
    path = sidecar_path(Path(document))
    if not path.is_file():
        return None
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("Soubor s kontextem synchronizace %s se ignoruje: %s", path, exc)
        return None


def write_context(document: Path, ctx: SourceContext) -> None:
    """Write the sidecar atomically, and only when its content changes (its mtime triggers a re-index)."""
    path = sidecar_path(Path(document))
    text = json.dumps(ctx.to_json(), ensure_ascii=False, indent=1)
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
