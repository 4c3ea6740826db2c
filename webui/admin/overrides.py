"""Reading and writing a document's metadata override (the sidecar ``<file>.meta.json``)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scsearch.ingest.metadata import normalize_override, override_path

EDITABLE = ("title", "doc_type", "date", "ministries", "authors")
MAX_TITLE_CHARS = 500
MAX_AUTHOR_CHARS = 200
MAX_AUTHORS = 50


def read_raw(document: Path) -> dict[str, Any]:
    """The sidecar's JSON object as written (empty when missing or unreadable)."""
    sidecar = override_path(document)
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def from_form(form: Mapping[str, Any], getlist: Any, previous: Mapping[str, Any]) -> dict[str, Any]:
    """The new override: edited keys from the form (empty = no override), other keys kept as they were."""
    out = {k: v for k, v in previous.items() if k not in EDITABLE}
    title = str(form.get("title", "")).strip()
    if title:
        out["title"] = title
    doc_type = str(form.get("doc_type", "")).strip()
    if doc_type:
        out["doc_type"] = doc_type
    date = str(form.get("date", "")).strip()
    if date:
        out["date"] = date
    for key in ("ministries", "authors"):
        values = [str(v) for v in getlist(key) if str(v).strip()]
        if values:
            out[key] = values
    return out


def validate(override: Mapping[str, Any]) -> None:
    """Raise ValueError with a Czech reason when the pipeline would reject the override or a value is too long."""
    normalize_override(dict(override))
    if len(str(override.get("title", ""))) > MAX_TITLE_CHARS:
        raise ValueError(f"Název je příliš dlouhý (nejvýše {MAX_TITLE_CHARS} znaků).")
    authors = override.get("authors") or []
    if len(authors) > MAX_AUTHORS or any(len(str(a)) > MAX_AUTHOR_CHARS for a in authors):
        raise ValueError(f"Nejvýše {MAX_AUTHORS} autorů, každý nejvýše {MAX_AUTHOR_CHARS} znaků.")


def write(document: Path, override: Mapping[str, Any]) -> Path:
    """Write the sidecar atomically (a hidden temporary file next to it, then rename)."""
    sidecar = override_path(document)
    tmp = sidecar.with_name(f".{sidecar.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(dict(override), fh, ensure_ascii=False, indent=2, sort_keys=True)
            fh.write("\n")
        os.replace(tmp, sidecar)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return sidecar
