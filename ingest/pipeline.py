"""The ingestion pipeline: files -> extraction -> metadata -> lemmas -> a new index generation.

Per-file failures are collected, never fatal: a bad file is reported by name with
its reason, nothing partial of it enters the index, and the rest is committed.
Unchanged files (same size and mtime as recorded, or same content hash) are not
opened. Extraction results (OCR included) and lemmas are cached by content hash,
so a renamed or moved file costs nothing to re-index.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
import os
import pickle
import time
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scsearch import settings
from scsearch.index import store
from scsearch.index.analysis import index_token, sentences
from scsearch.index.dedup import assign_groups, fingerprint
from scsearch.index.records import AnalysedText, build_records, doc_id_for
from scsearch.index.schema import SCHEMA_VERSION
from scsearch.index.writer import GenerationWriter
from scsearch.ingest.worker import ExtractorPool, ExtractOutcome
from scsearch.models import DocumentMeta, ExtractedDocument

SKIP_NAMES = (".meta.json", ".tmp", ".part", ".lock")
CACHE_VERSION = 1


@dataclass
class FileResult:
    path: str
    status: str  # indexed | unchanged | failed | removed
    reason: str = ""
    units: int = 0
    method: str = ""
    seconds: float = 0.0


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=lambda: {"extract": 0.0, "lemmatize": 0.0, "index": 0.0})
    pages: int = 0
    generation: str | None = None
    lemmatizer: str = ""
    lemmatizer_reason: str = ""
    notices: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


Progress = Callable[[FileResult, int, int], None]


def nfc(path: str) -> str:
    return unicodedata.normalize("NFC", path)


IGNORE_FILE = ".scsearchignore"


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files under the given paths (recursively), sorted.

    Skips hidden files, sidecars, temporary office files, and whatever a
    ``.scsearchignore`` file in a walked folder lists (fnmatch patterns relative to
    that folder, one per line; ``dir/`` ignores a folder). Files named explicitly are
    always taken.
    """
    for p in paths:
        path = Path(p)
        if not path.is_dir():
            yield path
            continue
        ignores: list[tuple[Path, list[str]]] = []
        for root, dirs, files in os.walk(path):
            here = Path(root)
            ign = here / IGNORE_FILE
            if ign.is_file():
                pats = [ln.strip() for ln in ign.read_text(encoding="utf-8", errors="replace").splitlines()]
                ignores.append((here, [x for x in pats if x and not x.startswith("#")]))
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _ignored(here / d, True, ignores))
            for name in sorted(files):
                if _wanted(name) and not _ignored(here / name, False, ignores):
                    yield here / name


def _ignored(path: Path, is_dir: bool, ignores: list[tuple[Path, list[str]]]) -> bool:
    for base, patterns in ignores:
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        for pat in patterns:
            if pat.endswith("/"):
                if is_dir and fnmatch.fnmatch(rel, pat.rstrip("/")):
                    return True
            elif fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(path.name, pat):
                return True
    return False


def _wanted(name: str) -> bool:
    return not (name.startswith(".") or name.startswith("~$") or name.endswith(SKIP_NAMES))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Caches:
    """Content-addressed caches under DATA_DIR/cache."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "cache"
        (self.root / "extract").mkdir(parents=True, exist_ok=True)
        (self.root / "lemmas").mkdir(parents=True, exist_ok=True)

    def _read(self, path: Path) -> Any:
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            return None

    def _write(self, path: Path, value: Any) -> None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    def extracted(self, sha: str, options_key: str) -> ExtractedDocument | None:
        value = self._read(self.root / "extract" / f"{sha}-{options_key}.pickle")
        return value if isinstance(value, ExtractedDocument) else None

    def store_extracted(self, sha: str, options_key: str, doc: ExtractedDocument) -> None:
        self._write(self.root / "extract" / f"{sha}-{options_key}.pickle", doc)

    def lemmas(self, key: str) -> list[list[str]] | None:
        value = self._read(self.root / "lemmas" / f"{key}.pickle")
        return value if isinstance(value, list) else None

    def store_lemmas(self, key: str, value: list[list[str]]) -> None:
        self._write(self.root / "lemmas" / f"{key}.pickle", value)


class Pipeline:
    """One ingest run. Use ``run()``; the writer lock is taken inside."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        lemmatizer: Any = None,
        full: bool = False,
        progress: Progress | None = None,
        workers: int | None = None,
        ocr: str | None = None,
        exclude: Collection[str] = (),
        force: Collection[str] = (),
    ) -> None:
        """``exclude``: files (as ingested or resolved paths) to leave out; indexed ones are removed.
        ``force``: files to re-index even when unchanged (e.g. after an admin edited their metadata)."""
        self.data_dir = Path(data_dir)
        self.exclude = {nfc(str(p)) for p in exclude}
        self.force = {nfc(str(p)) for p in force}
        self.full = full
        self.progress = progress
        self._lemmatizer = lemmatizer
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        self.options = {
            "ocr": settings.get("ocr", ocr),
            "ocr_timeout": int(settings.get("ocr_timeout")),
            "max_pages": int(settings.get("max_pages")),
            "max_unzipped_mb": int(settings.get("max_unzipped_mb")),
            "file_timeout": int(settings.get("file_timeout")),
        }
        self.options_key = hashlib.sha1(
            json.dumps([CACHE_VERSION, self.options["ocr"], self.options["max_pages"]]).encode()
        ).hexdigest()[:8]
        self.max_file_bytes = int(settings.get("max_file_mb")) * 1024 * 1024

    @property
    def lemmatizer(self) -> Any:
        if self._lemmatizer is None:
            from scsearch.language.lemmatize import get_lemmatizer

            self._lemmatizer = get_lemmatizer(settings.get("lemmatizer"), settings.get("stanza_dir") or None)
        return self._lemmatizer

    # ------------------------------------------------------------------ run
    def run(self, paths: Iterable[str | os.PathLike[str]], *, remove_missing: bool = True) -> IngestReport:
        report = IngestReport()
        lem = self.lemmatizer
        report.lemmatizer = lem.ident
        report.lemmatizer_reason = getattr(lem, "reason", "")
        paths = [str(p) for p in paths]
        with store.writer_lock(self.data_dir, "ingest"):
            current = store.current_generation(self.data_dir)
            if current is not None and not self.full:
                meta = store.read_meta(current)
                why = ""
                if meta.get("schema_version") != SCHEMA_VERSION:
                    why = f"index má verzi schématu {meta.get('schema_version')}, program {SCHEMA_VERSION}"
                elif meta.get("lemmatizer") != lem.ident:
                    why = f"index vytvořil lemmatizátor {meta.get('lemmatizer')}, nyní je aktivní {lem.ident}"
                if why:
                    # lemmas of different tools do not match: rebuild everything, sources included
                    self.full = True
                    known = [s for s in meta.get("sources", []) if Path(s).exists()]
                    paths = list(dict.fromkeys([*paths, *known]))
                    report.notices.append(f"{why}: index se celý přestaví ({', '.join(map(str, paths))}).")
            self._run_locked(paths, report, remove_missing)
        return report

    def _emit(self, result: FileResult, report: IngestReport, done: int, total: int) -> None:
        report.results.append(result)
        if self.progress:
            self.progress(result, done, total)

    def _run_locked(self, paths: list[str | os.PathLike[str]], report: IngestReport, remove_missing: bool) -> None:
        self._deferred: dict[str, ExtractedDocument] = {}  # presentations waiting for the meeting calendar
        current = store.current_generation(self.data_dir)
        old_manifest = {} if self.full else store.read_manifest(current)
        manifest: dict[str, dict[str, Any]] = {k: dict(v) for k, v in store.read_manifest(current).items()}
        if self.full:
            manifest = {}
        caches = Caches(self.data_dir)
        roots = [nfc(str(p)) for p in paths]
        files = list(iter_files(paths))
        seen: set[str] = set()
        todo: list[tuple[str, Path, str, os.stat_result]] = []
        total = len(files)
        done = 0
        for f in files:
            key = nfc(str(f))
            if key in seen or self._matches(key, f, self.exclude):
                continue
            seen.add(key)
            try:
                st = f.stat()
            except OSError as exc:
                done += 1
                self._emit(_unreadable(key, exc), report, done, total)
                continue
            old = old_manifest.get(key)
            if (
                old
                and old.get("status") == "indexed"
                and old.get("size") == st.st_size
                and old.get("mtime_ns") == st.st_mtime_ns
                and old.get("sidecar_mtime_ns", 0) == _sidecar_mtime(f)
                and not self._matches(key, f, self.force)
            ):
                done += 1
                self._emit(FileResult(key, "unchanged", units=old.get("units", 0)), report, done, total)
                continue
            todo.append((key, f, "", st))

        writer: GenerationWriter | None = None
        # removed files: recorded under a given folder but gone from disk
        removed = []
        if remove_missing:
            for key, entry in old_manifest.items():
                if key in seen or entry.get("status") != "indexed":
                    continue
                gone = any(_under(key, r) for r in roots) and not Path(entry.get("abs_path", key)).exists()
                if gone or self._matches(key, Path(entry.get("abs_path", key)), self.exclude):
                    removed.append(key)
        try:
            if todo or removed:
                writer = GenerationWriter(self.data_dir, self.lemmatizer.ident, full=self.full)
            for key in removed:
                assert writer is not None
                writer.delete_document(manifest[key]["doc_id"])
                manifest.pop(key, None)
                self._emit(FileResult(key, "removed"), report, done, total)
            pool = ExtractorPool(self.workers, self.options) if todo else None
            try:
                done = self._process(todo, pool, caches, manifest, old_manifest, writer, report, done, total)
            finally:
                if pool is not None:
                    pool.close()
            if writer is not None:
                self._assign_meetings(manifest, caches, writer, report)
                assign_groups(manifest)  # duplicate formats, written with the generation's manifest
                if writer.changed or self.full:
                    t0 = time.perf_counter()
                    final = writer.commit(
                        manifest,
                        {"lemmatizer_reason": report.lemmatizer_reason, "sources": sorted(set(roots) | _sources(current))},
                        keep=int(settings.get("keep_generations")),
                    )
                    report.timings["index"] += time.perf_counter() - t0
                    report.generation = final.name
                else:
                    writer.abandon()
                    self._save_manifest_in_place(current, manifest)
                writer = None
            elif current is not None and manifest != store.read_manifest(current):
                self._save_manifest_in_place(current, manifest)
        finally:
            if writer is not None:
                writer.abandon()
        if report.generation is None and current is not None:
            report.generation = current.name

    @staticmethod
    def _matches(key: str, path: Path, names: set[str]) -> bool:
        if not names:
            return False
        if key in names:
            return True
        try:
            return nfc(str(Path(path).resolve())) in names
        except OSError:
            return False

    def _save_manifest_in_place(self, gen: Path | None, manifest: dict[str, dict[str, Any]]) -> None:
        if gen is None:
            return
        store._write_json_atomic(gen / store.MANIFEST, manifest)

    def _process(
        self,
        todo: list[tuple[str, Path, str, os.stat_result]],
        pool: ExtractorPool | None,
        caches: Caches,
        manifest: dict[str, dict[str, Any]],
        old_manifest: dict[str, dict[str, Any]],
        writer: GenerationWriter | None,
        report: IngestReport,
        done: int,
        total: int,
    ) -> int:
        # hash, check caches, and queue extraction (a sliding window keeps workers busy)
        window = max(2, (pool.processes if pool else 1) * 2)
        queue: list[tuple[str, Path, str, os.stat_result]] = []
        for key, f, _sha, st in todo:
            if st.st_size > self.max_file_bytes:
                done += 1
                manifest.pop(key, None)
                self._drop_old(key, old_manifest, writer)
                self._emit(FileResult(key, "failed", f"soubor překračuje bezpečnostní limit "
                                      f"({st.st_size // (1024 * 1024)} MB)"), report, done, total)
                continue
            try:
                sha = sha256_file(f)
            except OSError as exc:
                done += 1
                self._emit(_unreadable(key, exc), report, done, total)
                continue
            old = old_manifest.get(key)
            if (
                old
                and old.get("sha256") == sha
                and old.get("status") == "indexed"
                and not self.full
                and old.get("sidecar_mtime_ns", 0) == _sidecar_mtime(f)
                and not self._matches(key, f, self.force)
            ):
                manifest[key] = dict(old, size=st.st_size, mtime_ns=st.st_mtime_ns)
                done += 1
                self._emit(FileResult(key, "unchanged", units=old.get("units", 0)), report, done, total)
                continue
            queue.append((key, f, sha, st))

        inflight: list[tuple[str, Path, str, os.stat_result, Any]] = []
        pending = list(queue)

        def fill() -> None:
            while pending and len(inflight) < window:
                key, f, sha, st = pending.pop(0)
                cached = caches.extracted(sha, self.options_key)
                handle = None if cached is not None or pool is None else pool.submit(str(f))
                inflight.append((key, f, sha, st, cached if cached is not None else handle))

        fill()
        while inflight:
            key, f, sha, st, handle = inflight.pop(0)
            if isinstance(handle, ExtractedDocument):
                outcome = ExtractOutcome(str(f), handle)
            else:
                assert pool is not None
                restarted_before = pool._pool
                outcome = pool.result(str(f), handle)
                if pool._pool is None and restarted_before is not None:
                    # the pool was restarted: resubmit what was in flight
                    inflight = [
                        (k, ff, s, stt, h if isinstance(h, ExtractedDocument) else pool.submit(str(ff)))
                        for k, ff, s, stt, h in inflight
                    ]
                if outcome.ok and outcome.doc is not None:
                    caches.store_extracted(sha, self.options_key, outcome.doc)
            fill()
            report.timings["extract"] += outcome.seconds
            done += 1
            start = time.perf_counter()
            if not outcome.ok or outcome.doc is None:
                reason = outcome.error_reason + (f" ({outcome.error_detail})" if outcome.error_detail else "")
                self._drop_old(key, old_manifest, writer)
                manifest[key] = {"status": "failed", "sha256": sha, "reason": reason, "doc_id": doc_id_for(key)}
                self._emit(FileResult(key, "failed", reason, seconds=outcome.seconds), report, done, total)
                continue
            try:
                units, entry = self._index_document(key, f, sha, st, outcome.doc, caches, writer, report)
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
                self._drop_old(key, old_manifest, writer)
                reason = f"chyba při indexaci ({type(exc).__name__}: {exc})"[:300]
                manifest[key] = {"status": "failed", "sha256": sha, "reason": reason, "doc_id": doc_id_for(key)}
                self._emit(FileResult(key, "failed", reason), report, done, total)
                continue
            manifest[key] = entry
            report.pages += units
            self._emit(
                FileResult(key, "indexed", units=units, method=outcome.doc.method,
                           seconds=outcome.seconds + time.perf_counter() - start),
                report, done, total,
            )
        return done

    def _assign_meetings(self, manifest: dict[str, dict[str, Any]], caches: Caches, writer: GenerationWriter,
                         report: IngestReport) -> None:
        """Presentations that do not name their meeting take the number of the minutes of their date,
        written on every record (re-indexed from the extraction cache when the calendar changed)."""
        from scsearch.ingest.meeting_calendar import assignments, calendar

        cal = calendar(manifest)
        todo = {key: cal.get(str(manifest[key].get("date") or "")) for key in self._deferred
                if manifest.get(key, {}).get("status") == "indexed"}
        todo.update(assignments(manifest))
        for key, number in todo.items():
            entry = manifest[key]
            doc = self._deferred.get(key) or caches.extracted(entry.get("sha256", ""), self.options_key)
            f = Path(entry.get("abs_path", key))
            try:
                st = f.stat()
            except OSError:
                continue
            if doc is None:
                report.notices.append(f"Číslo jednání pro {key} nelze zapsat: text není v mezipaměti.")
                continue
            try:
                manifest[key] = self._index_document(key, f, entry["sha256"], st, doc, caches, writer, report,
                                                     meeting=number, final=True)[1]
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
                writer.delete_document(entry.get("doc_id", ""))
                reason = f"chyba při indexaci ({type(exc).__name__}: {exc})"[:300]
                manifest[key] = {"status": "failed", "sha256": entry["sha256"], "reason": reason,
                                 "doc_id": entry.get("doc_id", "")}
                report.notices.append(f"{key}: {reason}")
        self._deferred.clear()

    def _drop_old(self, key: str, old_manifest: dict[str, dict[str, Any]], writer: GenerationWriter | None) -> None:
        """A file that now fails leaves the index (its old version would be stale)."""
        old = old_manifest.get(key)
        if old and old.get("status") == "indexed" and writer is not None:
            writer.delete_document(old["doc_id"])

    def _index_document(
        self,
        key: str,
        f: Path,
        sha: str,
        st: os.stat_result,
        doc: ExtractedDocument,
        caches: Caches,
        writer: GenerationWriter | None,
        report: IngestReport,
        meeting: int | None = None,
        final: bool = False,
    ) -> tuple[int, dict[str, Any]]:
        from scsearch.ingest.metadata import analyze, load_override
        from scsearch.ingest.metadata.records import entry_fields as record_entry_fields
        from scsearch.language.entities import entity_token, find_entities

        assert writer is not None
        override = load_override(f)
        meta: DocumentMeta = analyze(doc, path=key, override=override)
        assigned = meeting is not None and meta.meeting_number is None
        if assigned:  # the meeting of its date, from the calendar (ingest.meeting_calendar)
            meta = dataclasses.replace(meta, meeting_number=meeting)
        if meta.decisions and _has_pdf_twin(f):
            # Zapis.docx beside its export Zapis.pdf: the decisions are listed once, from the PDF (it has pages)
            meta = dataclasses.replace(meta, decisions=())
        t0 = time.perf_counter()
        texts = [meta.title] + [p.text for p in doc.pages] + [p.heading for p in doc.pages] + [d.text for d in meta.decisions]
        analysed = self._lemmatize(texts, caches)
        report.timings["lemmatize"] += time.perf_counter() - t0
        t1 = time.perf_counter()
        n = len(doc.pages)
        title = analysed[0]
        units = analysed[1 : 1 + n]
        headings = analysed[1 + n : 1 + 2 * n]
        decisions = analysed[1 + 2 * n :]
        doc_id = doc_id_for(key)

        def entity_tokens(text: str) -> list[str]:
            return sorted({entity_token(m.code) for m in find_entities(text)})

        records = build_records(
            doc_id=doc_id, path=key, abs_path=str(f.resolve()), doc=doc, meta=meta, units=units, title=title,
            headings=headings, decisions=decisions, entity_tokens=entity_tokens,
        )
        if meta.doc_type == "presentation" and meta.meeting_number is None and not final:
            # written once the meeting calendar of the run is known (``_assign_meetings``): whoosh cannot
            # delete records added earlier in the same writer session
            self._deferred[key] = doc
        else:
            writer.delete_document(doc_id)
            pairs = [(tok, index_token(lem)) for a in analysed for (_, _, tok), lem in zip(a.tokens, a.lemmas, strict=True)]
            writer.add_records(records, pairs)
        report.timings["index"] += time.perf_counter() - t1
        units_count = sum(1 for r in records if r["kind"] != "decision")
        entry = {
            "status": "indexed",
            "doc_id": doc_id,
            "sha256": sha,
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "sidecar_mtime_ns": _sidecar_mtime(f),
            "abs_path": str(f.resolve()),
            "format": doc.format,
            "title": meta.title,
            "doc_type": meta.doc_type,
            "date": meta.date.isoformat() if meta.date else None,
            "date_source": meta.date_source,
            "ministries": list(meta.ministries),
            "authors": list(meta.authors),
            "meeting": meta.meeting_number,
            "units": units_count,
            "unit_kind": doc.pages[0].kind if doc.pages else "page",
            "method": doc.method,
            "ocr_pages": sum(1 for p in doc.pages if p.method == "ocr"),
            "needs_ocr_pages": sum(1 for p in doc.pages if p.method == "needs_ocr"),
            "decisions": len(meta.decisions),
            "overridden": list(meta.overridden),
            "warnings": list(doc.warnings),
        }
        signature, shingles = fingerprint(doc.text)  # duplicate formats (index.dedup)
        entry.update(record_entry_fields(doc, meta, key), meeting_assigned=assigned, minhash=signature,
                     shingles=shingles)
        return units_count, entry

    def _lemmatize(self, texts: list[str], caches: Caches) -> list[AnalysedText]:
        sents_per_text = [sentences(t) for t in texts]
        key = hashlib.sha256(
            (self.lemmatizer.ident + "\x00" + "\x01".join(texts)).encode("utf-8", "surrogatepass")
        ).hexdigest()
        flat_sents = [[tok for _, _, tok in s] for ss in sents_per_text for s in ss]
        lemmas = caches.lemmas(key)
        if lemmas is None or len(lemmas) != len(flat_sents):
            lemmas = self.lemmatizer.lemmatize_tokens(flat_sents) if flat_sents else []
            caches.store_lemmas(key, lemmas)
        out: list[AnalysedText] = []
        i = 0
        for text, ss in zip(texts, sents_per_text, strict=True):
            toks: list[tuple[int, int, str]] = []
            lems: list[str] = []
            for s in ss:
                sent_lemmas = lemmas[i]
                i += 1
                if len(sent_lemmas) != len(s):  # defensive: keep alignment whatever the backend did
                    sent_lemmas = [(sent_lemmas[j] if j < len(sent_lemmas) else tok) for j, (_, _, tok) in enumerate(s)]
                toks.extend(s)
                lems.extend(lem or tok for lem, (_, _, tok) in zip(sent_lemmas, s, strict=True))
            out.append(AnalysedText(text=text, tokens=tuple(toks), lemmas=tuple(lems)))
        return out


def _unreadable(key: str, exc: OSError) -> FileResult:
    return FileResult(key, "failed", f"soubor nelze číst ({exc.strerror})")


def _has_pdf_twin(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return False
    return any(path.with_suffix(ext).exists() for ext in (".pdf", ".PDF"))


def _sidecar_mtime(path: Path) -> int:
    """mtime of the metadata override next to a document (0 when there is none)."""
    try:
        return Path(f"{path}.meta.json").stat().st_mtime_ns
    except OSError:
        return 0


def _under(key: str, root: str) -> bool:
    root = root.rstrip("/")
    return key == root or key.startswith(root + "/")


def _sources(gen: Path | None) -> set[str]:
    if gen is None:
        return set()
    try:
        return set(store.read_meta(gen).get("sources", []))
    except (OSError, ValueError):
        return set()
