"""Typed records that flow between the pipeline stages.

file --extract--> ExtractedDocument (Pages)
     --metadata--> DocumentMeta (+ Decision records)
     --lemmatise--> per-page token lists
     --index-->    whoosh records (one per page/slide/row, one per decision)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# How the text of a page was obtained.
METHOD_TEXT = "text"  # a text layer / native text
METHOD_OCR = "ocr"  # Tesseract
METHOD_NEEDS_OCR = "needs_ocr"  # no text layer and no OCR engine available

# Unit kinds.
UNIT_PAGE = "page"  # PDF page, DOCX/ODT/HTML/TXT section (number None)
UNIT_SLIDE = "slide"
UNIT_ROW = "row"
UNIT_PART = "part"  # a part of a long text without pages (TXT, HTML, DOCX, ODT), ~3,000 words

DOC_TYPES = ("minutes", "presentation", "funding_overview", "plan", "methodology", "other")
DECISION_TYPE = "decision"

MINISTRIES = ("MMR", "MŽP", "MPO", "MD", "MZe", "MZd", "MPSV", "MK", "MV")


@dataclass(frozen=True)
class Page:
    """One citable unit of a document: a PDF page, a slide, a spreadsheet row."""

    number: int | None  # 1-based page/slide/row; None where the format has no pages
    text: str  # reading-order text, boilerplate (running headers/footers) removed
    method: str = METHOD_TEXT
    kind: str = UNIT_PAGE
    label: str | None = None  # printed page label where it differs from number
    heading: str = ""  # slide title / first heading / sheet name, weighted higher in ranking
    sheet: str | None = None  # XLSX/ODS sheet name


@dataclass(frozen=True)
class ExtractedDocument:
    """What an extractor returns: the text of a file, unit by unit."""

    path: str  # the path as given to ingest
    format: str  # "pdf", "pptx", "docx", "xlsx", "html", "txt", "odt", ...
    pages: tuple[Page, ...]
    properties: dict[str, str] = field(default_factory=dict)  # title/author/created/modified/subject
    boilerplate: tuple[str, ...] = ()  # removed running headers/footers (for inspection)
    warnings: tuple[str, ...] = ()

    @property
    def method(self) -> str:
        """Overall text method: text, ocr, mixed or needs_ocr."""
        methods = {p.method for p in self.pages}
        if not methods:
            return METHOD_TEXT
        if len(methods) == 1:
            return next(iter(methods))
        return "mixed"

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)


@dataclass(frozen=True)
class Decision:
    """A decision or task found in minutes or resolutions."""

    text: str
    kind: str  # "task" | "resolution" | "conclusion" | "noted"
    page: int | None
    responsible: tuple[str, ...] = ()  # ministry codes or body names
    deadline: dt.date | None = None
    deadline_text: str = ""  # "příští jednání", "průběžně", "30. 4. 2018"
    number: str = ""  # "RM/2070/68/2026", "Úkol 7/1"


@dataclass(frozen=True)
class SourceContext:
    """What the web page a document was synchronised from says about it (``<file>.sync.json``)."""

    source_url: str
    retrieved_at: str = ""  # ISO time of the last download
    published: dt.date | None = None  # "19. července 2017: …" (the date before the colon)
    meeting: int | None = None  # "páté jednání" / "5. jednání"
    meeting_date: dt.date | None = None  # "Dne 31. 5. 2017 se konalo …"
    link_text: str = ""
    withdrawn: dt.date | None = None  # the link disappeared from the page on this date

    def to_json(self) -> dict[str, object]:
        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {"source_url": self.source_url, "retrieved_at": self.retrieved_at, "published": iso(self.published),
                "meeting": self.meeting, "meeting_date": iso(self.meeting_date), "link_text": self.link_text,
                "withdrawn": iso(self.withdrawn)}


@dataclass(frozen=True)
class DocumentMeta:
    """What the pipeline understands about a document."""

    title: str
    doc_type: str
    date: dt.date | None
    date_source: str = ""  # "content", "filename", "properties", "override", ""
    ministries: tuple[str, ...] = ()  # every ministry mentioned anywhere (codes)
    authors: tuple[str, ...] = ()  # author/presenter ministries (codes)
    page_ministries: dict[int, tuple[str, ...]] = field(default_factory=dict)  # key: page index (0-based)
    meeting_number: int | None = None
    decisions: tuple[Decision, ...] = ()
    overridden: tuple[str, ...] = ()  # field names whose value came from a sidecar override
    source: SourceContext | None = None  # context from the web page it was synchronised from


@dataclass(frozen=True)
class Token:
    """A word of the text with its lemma; offsets into the page text."""

    text: str
    lemma: str
    start: int
    end: int
