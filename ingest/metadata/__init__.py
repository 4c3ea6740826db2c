"""What the pipeline understands about a document: title, type, date, ministries, authors, decisions.

``analyze`` is a pure function of the extracted text, the file name and the document properties,
corrected by an optional sidecar override (``<file>.meta.json``, see ``load_override``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path, PurePath
from typing import Any

from scsearch.ingest.metadata.decisions import extract_decisions
from scsearch.ingest.metadata.doctype import document_title, document_type, significant_lines
from scsearch.language import dates as _dates
from scsearch.language.entities import (
    find_entities,
    find_ministries,
    fold_same_length,
    ministry_of,
    normalize_ministry,
)
from scsearch.models import (
    DOC_TYPES,
    MINISTRIES,
    UNIT_ROW,
    UNIT_SLIDE,
    DocumentMeta,
    ExtractedDocument,
    Page,
    SourceContext,
)

__all__ = ["analyze", "load_override", "OVERRIDE_SUFFIX"]

log = logging.getLogger(__name__)
OVERRIDE_SUFFIX = ".meta.json"
_OVERRIDE_KEYS = {"title", "doc_type", "date", "ministries", "authors", "pages", "meeting"}

# "Zpracovalo: MMR", "Předkládá: Ministerstvo dopravy", "Autor: …"
_AUTHOR_CUE = re.compile(
    r"^\s*(?:zpracoval[aoi]?|vypracoval[aoi]?|zpracovatel|predklada|predkladatel|autor\w*|gestor|prezentuj\w*|"
    r"prednasejici|za\s+ministerstvo)\b\s*:?\s*(?P<v>.+)$",
    re.MULTILINE,
)
_ATTENDANCE = re.compile(r"^\s*(?:pritomn\w*|omluven\w*|host\w*|ucastni\w*|misto|rozdelovnik|nepritomn\w*)\b")
_PROVIDER = re.compile(
    r"^\s*poskytovatel\w*(?:\s+\w+)?\s*(?::|=|\||\t|\s[-–]\s)\s*(?P<v>.*)$", re.MULTILINE | re.IGNORECASE
)


# ---------------------------------------------------------------- overrides
def _parse_date_value(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return _dates.first_date(value)


def _ministry_list(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"'{what}' musí být seznam zkratek ministerstev")
    codes: list[str] = []
    for v in value:
        code = normalize_ministry(v)
        if code is None:
            raise ValueError(f"neznámé ministerstvo {v!r} v '{what}'")
        codes.append(code)
    return tuple(dict.fromkeys(codes))


def normalize_override(raw: Any) -> dict[str, Any]:
    """Validate and normalise an override mapping; raises ValueError with a Czech reason."""
    if not isinstance(raw, dict):
        raise ValueError("soubor musí obsahovat objekt JSON")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _OVERRIDE_KEYS:
            log.warning("Opravy metadat: neznámý klíč %r se ignoruje (unknown override key)", key)
            continue
        if key == "title":
            if not isinstance(value, str) or not value.strip():
                raise ValueError("'title' musí být neprázdný text")
            out["title"] = value.strip()
        elif key == "doc_type":
            if value not in DOC_TYPES:
                raise ValueError(f"'doc_type' musí být jedno z: {', '.join(DOC_TYPES)}")
            out["doc_type"] = value
        elif key == "date":
            if value is None or value == "":
                out["date"] = None
            else:
                d = _parse_date_value(value)
                if d is None:
                    raise ValueError(f"'date' {value!r} není platné datum (RRRR-MM-DD)")
                out["date"] = d
        elif key in ("ministries", "authors"):
            out[key] = _ministry_list(value, key)
        elif key == "meeting":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 999):
                raise ValueError("'meeting' musí být číslo jednání 1–999 nebo null")
            out["meeting"] = value
        elif key == "pages":
            if not isinstance(value, dict):
                raise ValueError("'pages' musí být objekt {\"číslo strany\": {...}}")
            pages: dict[int, dict[str, Any]] = {}
            for num, spec in value.items():
                try:
                    n = int(num)
                except (TypeError, ValueError):
                    raise ValueError(f"'pages': {num!r} není číslo strany") from None
                if not isinstance(spec, dict) or set(spec) - {"ministries"}:
                    raise ValueError(f"'pages.{num}' smí obsahovat jen 'ministries'")
                if "ministries" in spec:
                    pages[n] = {"ministries": _ministry_list(spec["ministries"], f"pages.{num}.ministries")}
            out["pages"] = pages
    return out


def override_path(document: Path) -> Path:
    return (
        document
        if document.name.endswith(OVERRIDE_SUFFIX)
        else document.with_name(document.name + OVERRIDE_SUFFIX)
    )


def load_override(path: Path) -> dict | None:
    """The sidecar override of a document (``<file>.meta.json`` next to it), validated and normalised.

    Keys: title, doc_type, date (YYYY-MM-DD), ministries, authors, meeting (number); per page (1-based page number):
    ``{"pages": {"3": {"ministries": ["MŽP"]}}}``. Missing -> None; invalid -> a logged warning and None.
    """
    sidecar = override_path(Path(path))
    if not sidecar.is_file():
        return None
    try:
        raw = json.loads(sidecar.read_text(encoding="utf-8"))
        return normalize_override(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        log.warning("Neplatný soubor s opravami metadat %s se ignoruje: %s", sidecar, exc)
        return None


# ---------------------------------------------------------------- ministries and authors
def row_ministries(page: Page) -> tuple[str, ...]:
    """A spreadsheet row: the provider column ("Poskytovatel: MŽP / SFŽP") decides; else the mentions."""
    m = _PROVIDER.search(page.text)
    if m is None:
        return find_ministries(f"{page.heading}\n{page.text}")
    codes = {c for c in (ministry_of(e.code) for e in find_entities(m.group("v"))) if c}
    return tuple(c for c in MINISTRIES if c in codes)


_ATTENDEE_ROW = re.compile(r"^\s*(?:instituce|organizace|zastupce|jmeno)\s*:", re.IGNORECASE)
_TITLE_ABBREV = re.compile(r"(?:^|\s)(?:ing|mgr|bc|dr|phdr|mudr|judr|rndr|paeddr|ph\.d|arch|doc|prof|csc)\.$",
                           re.IGNORECASE)
_NEW_SECTION = re.compile(r"^\s*(?:\d+\s*[.)]|program\b|body\s+jednani|zahajeni)", re.IGNORECASE)
_LABEL = re.compile(r"^\s*[^\W\d_][^\W\d_ ]{2,20}(?: [^\W\d_]{2,15})?\s*:")  # "Předkládá:", "Zapsal:"


def without_attendance(text: str) -> str:
    """The text without attendance lists ("Přítomni: MMR, MŽP …", "Omluveni: …", a "Přítomni" block of
    "Instituce: …; Zástupce: …" rows): a ministry that only attends does not speak on that page.

    A list runs on over the following lines until the previous line ends a sentence (a full stop that
    is not an academic title such as "Ing.") or a numbered point / "Program" starts."""
    out: list[str] = []
    skipping = False
    prev = ""
    for line in text.splitlines():
        folded = fold_same_length(line)
        stripped = line.strip()
        if _ATTENDANCE.match(folded) and not folded.lstrip().startswith("misto"):
            skipping = True
        elif skipping:
            tail = prev.rstrip()
            ended = (not tail) or (tail.endswith((".", "!", "?")) and not _TITLE_ABBREV.search(tail))
            header_block = fold_same_length(tail).strip() in ("pritomni", "pritomni:", "pritomny", "pritomny:")
            if not stripped or _NEW_SECTION.match(folded) or (_LABEL.match(line) and not _ATTENDEE_ROW.match(folded)):
                skipping = False
            elif _ATTENDEE_ROW.match(folded):
                pass
            elif ended and not header_block:
                skipping = False
        if not skipping:
            out.append(line)
        prev = line
    return "\n".join(out)


def page_ministries(doc: ExtractedDocument) -> dict[int, tuple[str, ...]]:
    out: dict[int, tuple[str, ...]] = {}
    for i, page in enumerate(doc.pages):
        codes = (
            row_ministries(page)
            if page.kind == UNIT_ROW
            else find_ministries(f"{page.heading}\n{without_attendance(page.text)}")
        )
        if codes:
            out[i] = codes
    return out


def _authors(doc: ExtractedDocument, doc_type: str) -> tuple[str, ...]:
    found: list[str] = []
    for page in doc.pages[:2] + doc.pages[-1:]:
        for m in _AUTHOR_CUE.finditer(fold_same_length(page.text)):
            found += find_ministries(page.text[m.start("v") : m.end("v")])
    first = next((p for p in doc.pages if p.text.strip()), None)
    if first is not None and not found:
        if doc_type == "presentation" or first.kind == UNIT_SLIDE:
            found += find_ministries(f"{first.heading}\n{first.text}")
        else:
            header = [
                x for x in significant_lines(first.text, 3) if not _ATTENDANCE.match(fold_same_length(x))
            ]
            found += find_ministries("\n".join([first.heading, *header]))
    for key in ("author", "company", "creator"):
        value = doc.properties.get(key) if isinstance(doc.properties, dict) else None
        if isinstance(value, str) and value:
            code = normalize_ministry(value)
            found += [code] if code else list(find_ministries(value))
    return tuple(dict.fromkeys(found))


# ---------------------------------------------------------------- dates
def _content_date(doc: ExtractedDocument, doc_type: str) -> dt.date | None:
    texts = [p.text for p in doc.pages[:2] if p.text]
    head = "\n".join(texts)
    if doc_type == "funding_overview":
        d = _dates.overview_date_from_text(head)
        if d:
            return d
    d = _dates.meeting_date_from_text(head)
    if d:
        return d
    if texts:
        first = next(p for p in doc.pages if p.text)
        return _dates.standalone_date(f"{first.heading}\n{first.text}")
    return None


def _date(doc: ExtractedDocument, path: str, doc_type: str) -> tuple[dt.date | None, str]:
    d = _content_date(doc, doc_type)
    if d:
        return d, "content"
    d = _dates.date_from_filename(PurePath(path).name)
    if d:
        return d, "filename"
    props = doc.properties if isinstance(doc.properties, dict) else {}
    for key in ("created", "creationdate", "modified"):
        d = _dates.date_from_property(props.get(key))
        if d:
            return d, "properties"
    return None, ""


def _meeting_number(doc: ExtractedDocument, path: str, doc_type: str) -> int | None:
    if doc_type not in ("minutes", "presentation"):
        return None
    first = next((p for p in doc.pages if p.text.strip()), None)
    if first is not None:
        n = _dates.meeting_number("\n".join(significant_lines(first.text, 8)))
        if n:
            return n
    return _dates.meeting_number(re.sub(r"[_+]+", " ", PurePath(path).stem))


# ---------------------------------------------------------------- analyze
def _safe(what: str, fn: Any, default: Any) -> Any:
    try:
        return fn()
    except Exception:  # metadata must never stop ingestion
        log.exception("Metadata: %s failed", what)
        return default


def analyze(
    doc: ExtractedDocument, *, path: str, override: dict | None = None, source: SourceContext | None = None
) -> DocumentMeta:
    """Metadata of an extracted document; ``override`` (from ``load_override``) wins field by field.

    ``source`` (the web page's context, from ``<file>.sync.json``) gives the meeting date and number when
    the text has none: it wins over the file name and properties, not over the content or the override."""
    path = str(path or doc.path or "")
    ov: dict[str, Any] = {}
    if override:
        try:
            ov = normalize_override(override)
        except ValueError as exc:
            log.warning("Neplatné opravy metadat pro %s se ignorují: %s", path, exc)
    overridden: list[str] = []

    title = _safe("title", lambda: document_title(doc, path), PurePath(path).stem)
    if "title" in ov:
        title = ov["title"]
        overridden.append("title")
    doc_type = _safe("type", lambda: document_type(doc, path, title), "other")
    if "doc_type" in ov:
        doc_type = ov["doc_type"]
        overridden.append("doc_type")

    date, date_source = _safe("date", lambda: _date(doc, path, doc_type), (None, ""))
    if source is not None and source.meeting_date and date_source != "content":
        date, date_source = source.meeting_date, "page"
    if "date" in ov:
        date, date_source = ov["date"], "override"
        overridden.append("date")

    pages = _safe("page ministries", lambda: page_ministries(doc), {})
    for num, spec in ov.get("pages", {}).items():
        idx = next((i for i, p in enumerate(doc.pages) if p.number == num), num - 1)
        if 0 <= idx < len(doc.pages) and "ministries" in spec:
            if spec["ministries"]:
                pages[idx] = spec["ministries"]
            else:
                pages.pop(idx, None)
            if "page_ministries" not in overridden:
                overridden.append("page_ministries")

    authors = _safe("authors", lambda: _authors(doc, doc_type), ())
    if "authors" in ov:
        authors = ov["authors"]
        overridden.append("authors")

    if "ministries" in ov:
        ministries = ov["ministries"]
        overridden.append("ministries")
    else:
        # every ministry mentioned anywhere, attendance lists included (pages leave those out)
        everywhere = _safe(
            "ministries",
            lambda: {c for p in doc.pages if p.kind != UNIT_ROW for c in find_ministries(f"{p.heading}\n{p.text}")},
            set(),
        )
        mentioned = {c for codes in pages.values() for c in codes} | set(authors) | everywhere
        ministries = tuple(c for c in MINISTRIES if c in mentioned)

    number = _safe("meeting number", lambda: _meeting_number(doc, path, doc_type), None)
    if source is not None and source.meeting and (number is None or date_source == "page"):
        number = source.meeting
    if "meeting" in ov:
        number = ov["meeting"]
        overridden.append("meeting_number")
    decisions: tuple = ()
    if doc_type == "minutes":
        decisions = tuple(
            _safe("decisions", lambda: extract_decisions((p.number, p.text) for p in doc.pages), [])
        )
    return DocumentMeta(
        title=title,
        doc_type=doc_type,
        date=date,
        date_source=date_source,
        ministries=ministries,
        authors=authors,
        page_ministries=pages,
        meeting_number=number,
        decisions=decisions,
        overridden=tuple(overridden),
        source=source,
    )
