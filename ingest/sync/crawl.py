"""Walk a site from its start page: links with the text around them, documents by extension or Content-Type.

Pages are decoded from their declared charset, else UTF-8, else cp1250 (the ministry's older pages).
Only links on the start page's host are followed, down to ``depth`` pages from the start.
"""

from __future__ import annotations

import re
import tempfile
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from requests.utils import requote_uri

from scsearch.ingest.sync.fetch import Fetched, Fetcher, FetchError
from scsearch.ingest.sync.pagectx import LinkContext, link_context, next_meeting

DOC_EXTENSIONS = {"pdf", "docx", "pptx", "xlsx", "odt", "ods", "odp", "doc", "xls", "ppt"}
DOC_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
}
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_PAGE_BYTES = 5 * 1024 * 1024
_BLOCKS = {"p", "li", "div", "td", "th", "tr", "ul", "ol", "table", "section", "article", "dd", "dt", "br",
           "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "main", "nav", "body", "blockquote"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    block: str  # the text of the paragraph / list item the link stands in


@dataclass(frozen=True)
class BadLink:
    href: str
    reason: str


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]
        self.links: list[tuple[str, int, list[str]]] = []  # href, block index, text parts
        self._open: tuple[str, int, list[str]] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self._new_block()
        elif tag == "a":
            href = dict(attrs).get("href")
            if href is not None:
                self._open = (href, len(self.blocks) - 1, [])
                self.links.append(self._open)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._new_block()
        elif tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.blocks[-1].append(data)
        if self._open is not None:
            self._open[2].append(data)

    def _new_block(self) -> None:
        if self.blocks[-1]:
            self.blocks.append([])


def decode_page(body: bytes, charset: str) -> str:
    candidates = [charset] if charset else []
    m = _META_CHARSET.search(body[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "replace"))
    for enc in [*candidates, "utf-8"]:
        try:
            return body.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1250", "replace")


def resolve_url(base: str, href: str) -> str | None:
    """An absolute, normalised http(s) URL for a link (None for mailto:, #anchors …); ValueError when broken."""
    href = "".join(href.split("\n")).strip().replace("\t", "")
    if not href or href.startswith("#"):
        return None
    joined = urljoin(base, href)
    parts = urlsplit(joined)
    if parts.scheme not in ("http", "https"):
        return None
    if not parts.hostname:
        raise ValueError("adresa bez serveru")
    segments: list[str] = []
    for seg in parts.path.split("/")[1:]:
        if seg in (".", "%2e", "%2E"):
            continue
        if seg in ("..", "%2e%2e", "%2E%2E"):
            if segments:
                segments.pop()
            continue
        segments.append(seg)
    trailing = parts.path.endswith("/") and segments and segments[-1] != ""
    path = "/" + "/".join(segments) + ("/" if trailing else "")
    return requote_uri(urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, "")))


def extension(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def parse_page(body: bytes, charset: str, base: str) -> tuple[str, list[Link], list[BadLink]]:
    """The page's text (one block per line), its links with their blocks, and links that are not URLs."""
    parser = _LinkParser()
    parser.feed(decode_page(body, charset))
    parser.close()
    blocks = [" ".join("".join(b).split()) for b in parser.blocks]
    links: list[Link] = []
    bad: list[BadLink] = []
    for href, idx, parts in parser.links:
        try:
            url = resolve_url(base, href)
        except ValueError as exc:
            bad.append(BadLink(href, f"neplatná adresa odkazu ({exc})"))
            continue
        if url is not None:
            links.append(Link(url, " ".join("".join(parts).split()), blocks[idx]))
    return "\n".join(b for b in blocks if b), links, bad


@dataclass(frozen=True)
class FoundDocument:
    url: str
    context: LinkContext
    found_on: str
    staged: Path | None = None  # already downloaded while probing a link without a document extension
    fetched: Fetched | None = None


@dataclass
class CrawlResult:
    documents: list[FoundDocument] = field(default_factory=list)
    pages_ok: set[str] = field(default_factory=set)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    next_meeting: str = ""  # ISO date
    root_error: str = ""


def crawl(fetcher: Fetcher, start: str, *, depth: int, max_pages: int, staging: Path,
          known: dict[str, tuple[str, str]] | None = None) -> CrawlResult:
    """Breadth-first over pages of the start page's host; documents are collected, not downloaded.

    A link without a document extension is fetched to see what it is; ``known`` (URL -> ETag, Last-Modified
    of documents downloaded before) makes that request conditional, so an unchanged document is not sent."""
    known = known or {}
    result = CrawlResult()
    host = (urlsplit(start).hostname or "").lower()
    # (url, level, context of the link that led here, the page that linked it)
    queue: deque[tuple[str, int, LinkContext | None, str]] = deque([(start, 0, None, start)])
    seen_pages = {start}
    seen_docs: set[str] = set()
    while queue and len(result.pages_ok) < max_pages:
        url, level, parent, linked_from = queue.popleft()
        staged = Path(tempfile.mkstemp(dir=staging, prefix=".probe-", suffix=".part")[1])
        try:
            with open(staged, "wb") as sink:
                etag, modified = known.get(url, ("", ""))
                fetched = fetcher.get(url, sink, etag=etag, last_modified=modified)
        except FetchError as exc:
            staged.unlink(missing_ok=True)
            if url == start:
                result.root_error = exc.reason
                return result
            result.failures.append((url, exc.reason))
            continue
        if (fetched.content_type in DOC_CONTENT_TYPES or fetched.not_modified) and parent is not None:
            if url in seen_docs:
                staged.unlink(missing_ok=True)
            else:
                seen_docs.add(url)
                result.documents.append(FoundDocument(url, parent, linked_from, staged, fetched))
            continue
        body = staged.read_bytes() if fetched.size <= MAX_PAGE_BYTES else b""
        staged.unlink(missing_ok=True)
        if fetched.content_type not in HTML_TYPES or not body:
            if url == start:
                result.root_error = f"stránka není HTML ({fetched.content_type or 'neznámý typ'})"
                return result
            continue
        result.pages_ok.add(url)
        text, links, bad = parse_page(body, fetched.charset, fetched.url)
        result.failures.extend((f"{url} → {b.href}", b.reason) for b in bad)
        if not result.next_meeting:
            found = next_meeting(text)
            result.next_meeting = found.isoformat() if found else ""
        for link in links:
            if (urlsplit(link.url).hostname or "").lower() != host:
                continue
            ctx = link_context(link.block, link.text).inherit(parent)
            if extension(link.url) in DOC_EXTENSIONS:
                if link.url not in seen_docs:
                    seen_docs.add(link.url)
                    result.documents.append(FoundDocument(link.url, ctx, url))
            elif level < depth and link.url not in seen_pages:
                seen_pages.add(link.url)
                queue.append((link.url, level + 1, ctx, url))
    return result
