"""One sync of a site: crawl, download what is new or changed into DIR, record the page's context next to
each file, mark files whose link disappeared as withdrawn, then ingest DIR with the ordinary pipeline.

A failed start page changes nothing (no file, no state, no index); a failed file keeps its previous version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scsearch import errors, settings
from scsearch.ingest.metadata.source import load_context, sidecar_path, write_context
from scsearch.ingest.pipeline import sha256_file
from scsearch.ingest.sync import state
from scsearch.ingest.sync.crawl import DOC_CONTENT_TYPES, DOC_EXTENSIONS, FoundDocument, crawl, extension
from scsearch.ingest.sync.fetch import FetchConfig, Fetched, Fetcher, FetchError
from scsearch.ingest.sync.files import UnsafePath, content_problem, local_path
from scsearch.models import SourceContext

STAGING = ".scsearch-sync"  # hidden: the pipeline's walk skips it
STATUS_LABELS = {"downloaded": "staženo", "unchanged": "beze změny", "failed": "CHYBA",
                 "withdrawn": "odstraněno z webu", "moved": "přesunuto"}


@dataclass(frozen=True)
class SyncOutcome:
    url: str
    status: str  # downloaded | unchanged | failed | withdrawn | moved
    reason: str = ""
    path: str = ""


@dataclass(frozen=True)
class SyncReport:
    url: str
    into: str
    outcomes: tuple[SyncOutcome, ...]
    next_meeting: str = ""
    error: str = ""  # the start page could not be read: nothing was changed

    def urls(self, status: str) -> list[str]:
        return [o.url for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[SyncOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


Progress = Callable[[SyncOutcome], None]


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.UsageError(f"neplatná adresa stránky {url!r} (očekáváno http:// nebo https://)")
    return url.strip()


def default_into(data_dir: Path, url: str) -> Path:
    return Path(data_dir) / "sources" / (urlsplit(url).hostname or "web").lower()


def sync_site(data_dir: Path, url: str, *, into: Path | None = None, progress: Progress | None = None,
              config: FetchConfig | None = None) -> SyncReport:
    """Download the documents of the site at ``url`` into ``into`` (default ``DATA_DIR/sources/<host>``)."""
    url = check_url(url)
    target = Path(into) if into is not None else default_into(data_dir, url)
    if target.exists() and not target.is_dir():
        raise errors.UsageError(f"cílová složka {target} je soubor")
    with state.lock(Path(data_dir)):
        return _Run(Path(data_dir), url, target.resolve(), progress, config or FetchConfig.from_settings()).run()


class _Run:
    def __init__(self, data_dir: Path, url: str, into: Path, progress: Progress | None, config: FetchConfig) -> None:
        self.data_dir, self.url, self.into, self.progress = data_dir, url, into, progress
        self.fetcher = Fetcher(config, {(urlsplit(url).hostname or "").lower()})
        self.docs = state.load_docs(data_dir)
        self.outcomes: list[SyncOutcome] = []
        self.today = dt.date.today().isoformat()

    def emit(self, outcome: SyncOutcome) -> None:
        self.outcomes.append(outcome)
        if self.progress:
            self.progress(outcome)

    def run(self) -> SyncReport:
        self.into.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=self.into))
        try:
            found = crawl(self.fetcher, self.url, depth=max(0, int(settings.get("sync_depth"))),
                          max_pages=max(1, int(settings.get("sync_max_pages"))), staging=self.staging,
                          known={u: (d.etag, d.last_modified) for u, d in self.docs.items() if Path(d.path).is_file()})
            if found.root_error:
                self.emit(SyncOutcome(self.url, "failed", f"stránku nelze načíst: {found.root_error}"))
                return self.report(error=found.root_error)
            for url, reason in found.failures:
                self.emit(SyncOutcome(url, "failed", reason))
            for doc in found.documents:
                self.emit(self.download(doc))
            self.withdraw_missing({d.url for d in found.documents}, found.pages_ok)
            state.save_docs(self.data_dir, self.docs)
            state.remember_site(self.data_dir, state.Site(self.url, str(self.into)))
            if found.next_meeting:
                state.save_next_meeting(self.data_dir, found.next_meeting, self.url)
            return self.report(next_meeting=found.next_meeting)
        finally:
            self.fetcher.close()
            shutil.rmtree(self.staging, ignore_errors=True)

    def report(self, **kw: str) -> SyncReport:
        return SyncReport(self.url, str(self.into), tuple(self.outcomes), **kw)

    # ------------------------------------------------------------ one document
    def download(self, doc: FoundDocument) -> SyncOutcome:
        old = self.docs.get(doc.url)
        if old is not None and not _inside(Path(old.path), self.into):
            old = None  # synced into another folder before: start afresh here
        have_old = old is not None and Path(old.path).is_file()
        staged, fetched = doc.staged, doc.fetched
        if staged is None or fetched is None:
            fd, name = tempfile.mkstemp(dir=self.staging, prefix=".dl-", suffix=".part")
            staged = Path(name)
            try:
                with os.fdopen(fd, "wb") as sink:
                    fetched = self.fetcher.get(doc.url, sink, etag=old.etag if old and have_old else "",
                                               last_modified=old.last_modified if old and have_old else "")
            except FetchError as exc:
                return SyncOutcome(doc.url, "failed", exc.reason)
        try:
            return self._store(doc, old if have_old else None, staged, fetched)
        finally:
            staged.unlink(missing_ok=True)

    def _store(self, doc: FoundDocument, old: state.DocState | None, staged: Path, fetched: Fetched) -> SyncOutcome:
        if fetched.not_modified and old is not None:
            self._record(doc, old, Path(old.path), fetched, downloaded=False)
            return SyncOutcome(doc.url, "unchanged", path=old.path)
        ext = extension(doc.url)
        if ext not in DOC_EXTENSIONS:
            ext = DOC_CONTENT_TYPES.get(fetched.content_type, "")
        with open(staged, "rb") as fh:
            head = fh.read(1024)
        problem = content_problem(head, ext, fetched.content_type)
        if problem:
            return SyncOutcome(doc.url, "failed", problem)
        try:
            target = Path(old.path) if old is not None else local_path(self.into, doc.url, ext)
        except UnsafePath:
            return SyncOutcome(doc.url, "failed", "adresa odkazu nevede k bezpečnému názvu souboru")
        sha = sha256_file(staged)
        if old is not None and sha == old.sha256 and target.is_file():
            self._record(doc, old, target, fetched, downloaded=False, sha=sha)
            return SyncOutcome(doc.url, "unchanged", path=str(target))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
        except OSError as exc:
            return SyncOutcome(doc.url, "failed", f"soubor nelze uložit do {target.parent} ({exc.strerror})")
        self._record(doc, old, target, fetched, downloaded=True, sha=sha)
        return SyncOutcome(doc.url, "downloaded", path=str(target))

    def _record(self, doc: FoundDocument, old: state.DocState | None, target: Path, fetched: Fetched, *,
                downloaded: bool, sha: str = "") -> None:
        previous = load_context(target)
        retrieved = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        if not downloaded and previous is not None and previous.retrieved_at:
            retrieved = previous.retrieved_at
        c = doc.context
        write_context(target, SourceContext(source_url=doc.url, retrieved_at=retrieved, published=c.published,
                                            meeting=c.meeting, meeting_date=c.meeting_date, link_text=c.link_text))
        self.docs[doc.url] = state.DocState(
            path=str(target), root=self.url, found_on=doc.found_on,
            etag=fetched.etag or (old.etag if old and fetched.not_modified else ""),
            last_modified=fetched.last_modified or (old.last_modified if old and fetched.not_modified else ""),
            sha256=sha or (old.sha256 if old else ""),
        )

    # ------------------------------------------------------------ links that disappeared
    def withdraw_missing(self, linked: set[str], pages_ok: set[str]) -> None:
        """Files whose link is gone from a page read this time: withdrawn (kept, labelled), or, when the same
        content was downloaded under a new URL, moved (the old copy is deleted; the pipeline reuses its text)."""
        fresh = {self.docs[o.url].sha256: o.url for o in self.outcomes
                 if o.status == "downloaded" and o.url in self.docs}
        for url, entry in list(self.docs.items()):
            if entry.root != self.url or url in linked or entry.withdrawn or entry.found_on not in pages_ok:
                continue
            path = Path(entry.path)
            if not path.is_file() or not _inside(path, self.into):
                self.docs.pop(url)
                continue
            if entry.sha256 in fresh:
                for p in (path, sidecar_path(path)):
                    p.unlink(missing_ok=True)
                self.docs.pop(url)
                self.emit(SyncOutcome(url, "moved", f"nová adresa {fresh[entry.sha256]}", entry.path))
                continue
            ctx = load_context(path) or SourceContext(source_url=url)
            write_context(path, dataclasses.replace(ctx, withdrawn=dt.date.fromisoformat(self.today)))
            self.docs[url] = dataclasses.replace(entry, withdrawn=self.today)
            self.emit(SyncOutcome(url, "withdrawn", path=entry.path))


def _inside(path: Path, root: Path) -> bool:
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, os.path.realpath(path)]) == real_root
