"""Document title and type from the content, the file name and the document properties.

>>> unspace("M ě s t o L i t o v e l")
'Město Litovel'
>>> unspace("U S N E S E N Í")
'USNESENÍ'
"""

from __future__ import annotations

import re
from pathlib import PurePath

from scsearch.language.entities import fold_same_length
from scsearch.models import UNIT_SLIDE, ExtractedDocument

_SINGLE = re.compile(r"^\S$")


def unspace(line: str) -> str:
    """Undo letter spacing ("U S N E S E N Í" -> "USNESENÍ"); word breaks are guessed at a
    lowercase->uppercase change. Lines that are not mostly single letters are returned unchanged."""
    tokens = line.split()
    if len(tokens) < 4 or sum(1 for t in tokens if _SINGLE.match(t)) < 0.7 * len(tokens):
        return " ".join(tokens) if tokens else line.strip()
    out: list[str] = []
    run = ""
    for t in tokens:
        if _SINGLE.match(t) or (len(t) == 2 and t.isupper()):
            if run and run[-1].islower() and t[0].isupper():
                out.append(run)
                run = ""
            run += t
        else:
            if run:
                out.append(run)
                run = ""
            out.append(t)
    if run:
        out.append(run)
    return " ".join(out)


_BAD_PROPERTY_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel)\b|prezentace\s+aplikace|snimek\s+\d|slide\s+\d|untitled|bez\s+nazvu|"
    r"nazev\b|title\b|dokument\d*$|document\d*$|presentation\d*$|prezentace\d*$)",
)
_NOISE_LINE = re.compile(
    r"^(?:stran[ak]\s*\d+|strana\s+\d+\s+z\s+\d+|\d+\s*(?:/\s*\d+)?|page\s+\d+.*|-\s*\d+\s*-|www\.\S+|https?://\S+)$"
)
# An issuer letterhead ("Město Litovel", "Ministerstvo pro místní rozvoj") is not the title when more follows.
_ISSUER = re.compile(
    r"^(?:(?:statutarni\s+)?mesto|obec|mestys|kraj|ministerstvo|urad|ceska\s+republika|zastupitelstvo|rada)\b"
)
# A bare kind word that is completed by the next line ("Výpis usnesení" + "z 1. schůze …").
_KIND_ONLY = re.compile(
    r"^(?:vypis\s+(?:z\s+)?usneseni|usneseni|zapis|prezentace|pozvanka|program|zaznam)\s*:?$"
)
_CONTINUATION = re.compile(r"^(?:z|ze|k|ke|o|pro|na|do)\s")


def _meaningful_property_title(title: str, path: str) -> bool:
    t = title.strip()
    if len(t) < 4 or not re.search(r"[^\W\d_]{3}", t):
        return False
    folded = fold_same_length(t)
    if _BAD_PROPERTY_TITLE.match(folded):
        return False
    stem = fold_same_length(PurePath(path).stem)
    norm = re.sub(r"[\W_]+", "", folded)
    if norm == re.sub(r"[\W_]+", "", stem) or re.search(r"\.(?:docx?|pptx?|xlsx?|pdf|odt)$", folded):
        return False
    if t.count("_") >= 2 or re.match(r"^(?:microsoft\s+\w+|word\s+pro)\s+-\s", folded):
        return False  # a file name put into the title field ("Word Pro - Čerčany_Z1_ÚP_návrh")
    return True


def significant_lines(text: str, limit: int = 20) -> list[str]:
    out: list[str] = []
    for raw in text.splitlines():
        line = unspace(raw)
        if len(line) < 3 or not re.search(r"[^\W\d_]{2}", line):
            continue
        if _NOISE_LINE.match(fold_same_length(line)):
            continue
        out.append(line)
        if len(out) >= limit:
            break
    return out


def _title_from_lines(lines: list[str]) -> str:
    if not lines:
        return ""
    i = 0
    while i < len(lines) - 1 and i < 2 and _ISSUER.match(fold_same_length(lines[i])):
        i += 1
    title = lines[i]
    folded = fold_same_length(title)
    if (
        i + 1 < len(lines)
        and _KIND_ONLY.match(folded)
        and _CONTINUATION.match(fold_same_length(lines[i + 1]))
    ):
        title = f"{title} {lines[i + 1]}"
    elif (
        i + 1 < len(lines)
        and len(title.split()) == 1
        and len(lines[i + 1].split()) > 1
        and not re.match(r"^[\d\s./:-]+$", lines[i + 1])
    ):
        title = f"{title} {lines[i + 1]}"  # a one-word heading ("VYHODNOCENÍ") continues on the next line
    return _trim(title)


def _trim(title: str, limit: int = 200) -> str:
    title = " ".join(title.split()).strip(" :;,-–—")
    if len(title) > limit:
        cut = title[:limit].rsplit(" ", 1)[0]
        title = cut + " …"
    return title


def document_title(doc: ExtractedDocument, path: str) -> str:
    """First heading / slide 1 title / meaningful PDF title / first significant line / file name."""
    first = next((p for p in doc.pages if p.text.strip() or p.heading.strip()), None)
    if first is not None and first.heading.strip():
        heading = _trim(unspace(first.heading))
        folded = fold_same_length(heading)
        if first.kind == UNIT_SLIDE or not _ISSUER.match(folded) and not _KIND_ONLY.match(folded):
            if len(heading) >= 3 and (first.kind == UNIT_SLIDE or first.sheet is None):
                return heading
    prop = doc.properties.get("title", "") if isinstance(doc.properties, dict) else ""
    if isinstance(prop, str) and _meaningful_property_title(prop, path):
        return _trim(prop)
    if first is not None:
        title = _title_from_lines(significant_lines(first.text))
        if title:
            return title
    return PurePath(path).stem.replace("_", " ").strip() or path


# Document types: cues on the title and the top lines of page 1, then on the file name.
_TYPE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("funding_overview", re.compile(r"prehled\s+(?:aktualnich\s+|dotacnich\s+)?vyzev")),
    ("minutes", re.compile(r"^(?:zapis\w*|vypis\s+(?:z\s+)?usneseni|usneseni)\b")),
    ("plan", re.compile(r"\bplan\w*\s+(?:cinnosti|prace|aktivit)|\bakcni\s+plan\b|\bimplementacni\s+plan\b")),
    ("methodology", re.compile(r"\bmetodik\w*|\bmetodick\w*\s+(?:pokyn|doporuceni|material)")),
    ("presentation", re.compile(r"^prezentace\b")),
)
_NAME_TYPE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("funding_overview", re.compile(r"prehled.{0,3}(?:aktualnich.{0,3})?vyzev|vyzvy")),
    ("minutes", re.compile(r"zapis|usneseni|(?:^|[\W_])(?:rm|zm)[\W_]*\d")),
    ("plan", re.compile(r"plan.{0,3}(?:cinnosti|prace)|akcni.{0,3}plan")),
    ("methodology", re.compile(r"metodik")),
    ("presentation", re.compile(r"prezentace|slides|(?:^|[\W_])prez(?:[\W_]|$)")),
)
_SLIDE_FORMATS = {"pptx", "ppt", "odp", "key"}


_SLIDE_PROGRAMS = re.compile(r"impress|powerpoint|keynote|google slides", re.IGNORECASE)


def _exported_slides(doc: ExtractedDocument) -> bool:
    """A PDF made by a presentation program (PDF Creator/Producer: Impress, PowerPoint, Keynote)."""
    props = doc.properties or {}
    return bool(_SLIDE_PROGRAMS.search(f"{props.get('creator', '')} {props.get('producer', '')}"))


def document_type(doc: ExtractedDocument, path: str, title: str) -> str:
    """One of scsearch.models.DOC_TYPES: funding_overview, presentation, minutes, plan, methodology, other."""
    first = next((p for p in doc.pages if p.text.strip()), None)
    lines = [fold_same_length(x) for x in [title, *(significant_lines(first.text, 6) if first else [])]]
    name = fold_same_length(PurePath(path).name)
    if any(_TYPE_CUES[0][1].search(x) for x in lines) or _NAME_TYPE_CUES[0][1].search(name):
        return "funding_overview"
    if doc.format.lower() in _SLIDE_FORMATS or any(p.kind == UNIT_SLIDE for p in doc.pages):
        return "presentation"
    if _NAME_TYPE_CUES[-1][1].search(name) or _exported_slides(doc):
        return "presentation"  # slides exported to PDF: the name or the producing program says so
    for kind, rx in _TYPE_CUES[1:]:
        if rx.search(lines[0]):
            return kind
    # below the title only the strong cues count ("metodiky" in a sentence does not make a methodology)
    for kind, rx in _TYPE_CUES[1:]:
        if kind in ("minutes", "presentation") and any(rx.search(x) for x in lines[1:]):
            return kind
    for kind, rx in _NAME_TYPE_CUES[1:]:
        if rx.search(name):
            return kind
    return "other"
