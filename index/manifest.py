"""The manifest of a generation: one typed entry per ingested file, keyed by its path.

``manifest.json`` in a generation maps each file (its canonical path, NFC) to what the
last ingest learned about it: whether it is indexed or failed, how to recognise it
unchanged (size, mtime, content hash, sidecar mtime) and the document's summary.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scsearch.index import store

_FAILED_KEYS = ("status", "sha256", "reason", "doc_id")
_TUPLES = ("ministries", "authors", "overridden", "warnings", "calls", "ministries_present", "task_reports",
           "minhash", "formats", "versions")


@dataclass(frozen=True)
class ManifestEntry:
    status: str  # indexed | failed
    doc_id: str
    sha256: str = ""
    reason: str = ""
    size: int = 0
    mtime_ns: int = 0
    sidecar_mtime_ns: int = 0
    abs_path: str = ""
    format: str = ""
    title: str = ""
    doc_type: str = "other"
    date: str | None = None
    date_source: str = ""
    ministries: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    meeting: int | None = None
    units: int = 0
    unit_kind: str = "page"
    method: str = ""
    ocr_pages: int = 0
    needs_ocr_pages: int = 0
    decisions: int = 0
    overridden: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    source: dict[str, Any] | None = None  # the web page's context of a synced file (SourceContext.to_json)
    indexed_at: str = ""  # ISO 8601 UTC: when the path was first indexed
    changed_at: str = ""  # ISO 8601 UTC: when its content last changed
    # records of their own (docs/records.md): call rows of an overview, what minutes say about their
    # meeting, the meeting number from the calendar, the text fingerprint and the duplicate-format group
    calls: tuple[dict[str, Any], ...] = ()  # ingest.metadata.calls.CallRow.to_json()
    place: str = ""
    ministries_present: tuple[str, ...] = ()
    task_reports: tuple[dict[str, Any], ...] = ()  # ingest.metadata.meetings.TaskReport.to_json()
    meeting_assigned: bool = False  # ``meeting`` came from the calendar (ingest.meeting_calendar)
    meeting_date: str | None = None  # from sync metadata when present
    minhash: tuple[int, ...] = ()
    shingles: int = 0
    group: str = ""  # doc_id of the primary member of its duplicate-format group (index.dedup)
    formats: tuple[dict[str, Any], ...] = ()  # the group's members, primary first
    versions: tuple[dict[str, Any], ...] = ()  # same title and type, other text

    @property
    def indexed(self) -> bool:
        return self.status == "indexed"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ManifestEntry:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in _TUPLES:
            if key in values:
                values[key] = tuple(values[key] or ())
        values.setdefault("doc_id", "")
        values.setdefault("status", "failed")
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        if self.status != "indexed":
            return {k: data[k] for k in _FAILED_KEYS}
        data.pop("reason")
        for key in _TUPLES:
            data[key] = list(data[key])
        for key in ("source", "indexed_at", "changed_at"):  # optional: absent rather than empty
            if not data[key]:
                data.pop(key)
        return data


Manifest = dict[str, ManifestEntry]


def read(gen: Path | None) -> Manifest:
    """The typed manifest of a generation (empty when there is none)."""
    return {k: ManifestEntry.from_json(v) for k, v in store.read_manifest(gen).items()}


def to_json(manifest: Manifest) -> dict[str, dict[str, Any]]:
    return {k: e.to_json() for k, e in manifest.items()}


def save_in_place(gen: Path, manifest: Manifest) -> None:
    """Rewrite the manifest of an existing generation (only statuses changed, the index did not)."""
    store.write_json_atomic(gen / store.MANIFEST, to_json(manifest))
