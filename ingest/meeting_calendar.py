"""The meeting calendar of an index: which meeting a presentation was given at.

A presentation that does not name its meeting belongs to the meeting whose minutes (or sync
metadata) have the same date. The number is written on every record of the presentation at index
time; ``assignments`` tells the pipeline which presentations need it (again) after a run.
"""

from __future__ import annotations

from scsearch.index.manifest import Manifest


def calendar(manifest: Manifest) -> dict[str, int]:
    """ISO date -> meeting number, from minutes and from documents with sync metadata."""
    out: dict[str, int] = {}
    for entry in manifest.values():
        if not entry.indexed or not entry.meeting or entry.meeting_assigned:
            continue
        date = entry.meeting_date or (entry.date if entry.doc_type == "minutes" else None)
        if date:
            out.setdefault(str(date), int(entry.meeting))
    return out


def assignments(manifest: Manifest) -> dict[str, int | None]:
    """Presentation path -> the meeting number its records should carry, where that differs from now."""
    cal = calendar(manifest)
    out: dict[str, int | None] = {}
    for key, entry in manifest.items():
        if not entry.indexed or entry.doc_type != "presentation":
            continue
        if entry.meeting and not entry.meeting_assigned:
            continue  # the presentation names its meeting itself
        want = cal.get(str(entry.date or ""))
        if want != entry.meeting:
            out[key] = want
    return out
