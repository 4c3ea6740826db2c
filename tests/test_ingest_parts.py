"""Unit tests of the pipeline's parts over real files: manifest entries, the change check, discovery."""

from __future__ import annotations

import os
from pathlib import Path

from scsearch.index.manifest import ManifestEntry
from scsearch.ingest.changes import ChangeCheck, removed_keys
from scsearch.ingest.discover import Discovery, Skipped, canonical_roots, inside_sources, printable


def test_manifest_entry_round_trip_keeps_the_json_shape() -> None:
    indexed = {"status": "indexed", "doc_id": "abc", "sha256": "f" * 64, "size": 3, "mtime_ns": 5,
               "sidecar_mtime_ns": 0, "abs_path": "/a.txt", "format": "txt", "title": "T", "doc_type": "other",
               "date": None, "date_source": "", "ministries": ["MMR"], "authors": [], "meeting": None, "units": 1,
               "unit_kind": "page", "method": "text", "ocr_pages": 0, "needs_ocr_pages": 0, "decisions": 0,
               "overridden": [], "warnings": [], "calls": [], "place": "", "ministries_present": [],
               "task_reports": [], "meeting_assigned": False, "meeting_date": None, "minhash": [], "shingles": 0,
               "group": "", "formats": [], "versions": []}
    assert ManifestEntry.from_json(indexed).to_json() == indexed
    failed = {"status": "failed", "sha256": "0", "reason": "prázdný soubor", "doc_id": "x"}
    assert ManifestEntry.from_json(failed).to_json() == failed
    assert ManifestEntry.from_json(dict(indexed, unknown_key=1)).ministries == ("MMR",)


def test_change_check_size_mtime_then_hash_sidecar_and_force(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("obsah", encoding="utf-8")
    st = f.stat()
    old = {str(f): ManifestEntry("indexed", "id", sha256="h", size=st.st_size, mtime_ns=st.st_mtime_ns)}
    check = ChangeCheck(old, full=False, force=())
    assert check.unchanged(str(f), f, size=st.st_size, mtime_ns=st.st_mtime_ns) is not None
    assert check.unchanged(str(f), f, size=st.st_size, mtime_ns=1) is None
    assert check.unchanged(str(f), f, size=1, mtime_ns=1, sha="h") is not None  # touched, same content
    assert check.unchanged(str(f), f, size=1, mtime_ns=1, sha="other") is None
    assert ChangeCheck(old, full=True, force=()).unchanged(str(f), f, size=st.st_size, mtime_ns=st.st_mtime_ns) is None
    assert ChangeCheck(old, full=False, force={str(f)}).unchanged(
        str(f), f, size=st.st_size, mtime_ns=st.st_mtime_ns) is None
    Path(f"{f}.meta.json").write_text("{}", encoding="utf-8")  # a new sidecar is a change of the document
    assert check.unchanged(str(f), f, size=st.st_size, mtime_ns=st.st_mtime_ns) is None


def test_removed_keys_cover_vanished_skipped_excluded_and_old_relative_spellings(tmp_path: Path) -> None:
    root = str(tmp_path)
    old = {f"{root}/gone.txt": ManifestEntry("indexed", "1"), f"{root}/kept.txt": ManifestEntry("indexed", "2"),
           "/elsewhere/x.txt": ManifestEntry("indexed", "3"), "/elsewhere/ex.txt": ManifestEntry("indexed", "4"),
           f"{root}/failed.txt": ManifestEntry("failed", "5")}
    relative = os.path.relpath(f"{root}/old.txt")
    old[relative] = ManifestEntry("indexed", "6")
    got = removed_keys(old, {f"{root}/kept.txt"}, [root], {"/elsewhere/ex.txt"})
    assert sorted(got) == sorted([f"{root}/gone.txt", "/elsewhere/ex.txt", relative])


def test_discovery_and_printable(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / ".skryta").mkdir(parents=True)
    (src / "a.txt").write_text("a", encoding="utf-8")
    (src / "a.txt.meta.json").write_text("{}", encoding="utf-8")
    (src / "~$a.docx").write_text("x", encoding="utf-8")
    (src / "data").mkdir()
    (src / "data" / "manifest.json").write_text("{}", encoding="utf-8")
    (src / "ven.txt").symlink_to("/etc/hostname")
    os.mkfifo(src / "roura.txt")
    found = list(Discovery(canonical_roots([src, os.path.relpath(src)]), data_dir=src / "data").walk())
    assert [p for p in found if isinstance(p, Path)] == [src / "a.txt"]
    skipped = {Path(s.path).name: s for s in found if isinstance(s, Skipped)}
    assert set(skipped) == {"roura.txt", "ven.txt"} and not any(s.failed for s in skipped.values())
    assert inside_sources(src / "a.txt", [src]) and not inside_sources(src / "ven.txt", [src])
    assert printable(os.fsdecode(b"a\xe1\tb\nc")) == "a\\xe1\\tb\\nc"
