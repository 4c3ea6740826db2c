"""The meeting calendar of an index: which meeting a presentation was given at.

A presentation that does not name its meeting belongs to the meeting whose minutes (or sync
metadata) have the same date. The number is written on every record of the presentation at index
time; ``assignments`` tells the pipeline which presentations need it (again) after a run.
"""

from __future__ import annotations

from typing import Any

ASSIGNED = "meeting_assigned"  # manifest flag: the number came from the calendar, not from the document


def calendar(manifest: dict[str, dict[str, Any]]) -> dict[str, int]:
    """ISO date -> meeting number, from minutes and from documents with sync metadata."""
    out: dict[str, int] = {}
    for entry in manifest.values():
        if entry.get("status") != "indexed" or not entry.get("meeting") or entry.get(ASSIGNED):
            continue
        date = entry.get("meeting_date") or (entry.get("date") if entry.get("doc_type") == "minutes" else None)
        if date:
            out.setdefault(str(date), int(entry["meeting"]))
    return out


def assignments(manifest: dict[str, dict[str, Any]]) -> dict[str, int | None]:
    """Presentation path -> the meeting number its records should carry, where that differs from now."""
    cal = calendar(manifest)
    out: dict[str, int | None] = {}
    for key, entry in manifest.items():
        if entry.get("status") != "indexed" or entry.get("doc_type") != "presentation":
            continue
        if entry.get("meeting") and not entry.get(ASSIGNED):
            continue  # the presentation names its meeting itself
        want = cal.get(str(entry.get("date") or ""))
        if want != entry.get("meeting"):
            out[key] = want
    return out
