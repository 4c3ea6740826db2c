"""Turn an analysed document into whoosh records (one per unit, one per decision)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scsearch.index.analysis import form_token, index_token
from scsearch.language.stemmer import stem
from scsearch.models import DECISION_TYPE, MINISTRIES, UNIT_ROW, Decision, DocumentMeta, ExtractedDocument


def doc_id_for(path: str) -> str:
    """Stable id of a document: NFC and NFD spellings of one path are one document."""
    import hashlib  # here: OpenSSL costs a search process ~4 MB, and a search never hashes

    norm = unicodedata.normalize("NFC", str(path))
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class AnalysedText:
    """A text with its tokens and one lemma per token."""

    text: str
    tokens: tuple[tuple[int, int, str], ...]
    lemmas: tuple[str, ...]

    def lemma_field(self) -> str:
        return " ".join(index_token(lem) for lem in self.lemmas)

    def stem_field(self) -> str:
        """Stems of the words; a hyphenated word adds its parts ("Frýdek-Místek" -> frydek-mistek frydek mistek)."""
        out: list[str] = []
        for _, _, t in self.tokens:
            out.append(stem(t))
            if "-" in t:
                out.extend(stem(part) for part in t.split("-") if part)
        return " ".join(out)

    def form_field(self) -> str:
        return " ".join(form_token(t) for _, _, t in self.tokens)


# Folded lemmas of each type's Czech name, added to the title field so that a query
# such as "prezentace MŽP" or "zápis elektromobilita" prefers documents of that type.
TYPE_WORDS = {
    "minutes": "zapis jednani",
    "presentation": "prezentace",
    "funding_overview": "prehled vyzva",
    "plan": "plan cinnost",
    "methodology": "metodika",
    "decision": "usneseni ukol",
}


def date_int(d: dt.date | None) -> int:
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def _decision_json(dec: Decision) -> str:
    data = dataclasses.asdict(dec)
    data["deadline"] = dec.deadline.isoformat() if dec.deadline else None
    data["responsible"] = list(dec.responsible)
    return json.dumps(data, ensure_ascii=False)


def build_records(
    *,
    doc_id: str,
    path: str,
    abs_path: str,
    doc: ExtractedDocument,
    meta: DocumentMeta,
    units: Sequence[AnalysedText],
    title: AnalysedText,
    headings: Sequence[AnalysedText],
    decisions: Sequence[AnalysedText],
    entity_tokens: Callable[[str], list[str]],
) -> list[dict[str, Any]]:
    """Records for every unit (page/slide/row) and every decision of one document."""
    common: dict[str, Any] = {
        "doc_id": doc_id,
        "path": path,
        "abs_path": abs_path,
        "title": meta.title,
        "doc_type": meta.doc_type,
        "date": date_int(meta.date),
        "year": str(meta.date.year) if meta.date else "",
        "meeting": str(meta.meeting_number) if meta.meeting_number else "",
        "doc_ministries": ",".join(meta.ministries),
    }
    title_field = title.lemma_field() + " " + TYPE_WORDS.get(meta.doc_type, "")
    records: list[dict[str, Any]] = []
    for i, (page, analysed) in enumerate(zip(doc.pages, units, strict=True)):
        if not page.text.strip() and page.method == "text":
            continue
        heading = headings[i].lemma_field() if i < len(headings) else ""
        ministries = set(meta.page_ministries.get(i, ()))
        if page.kind != UNIT_ROW:  # a funding-call row belongs to its provider, not to the overview's author
            ministries |= set(meta.authors)
        rec = dict(common)
        rec.update(
            record_id=f"{doc_id}:{i}",
            kind=page.kind,
            lemma=analysed.lemma_field(),
            form=analysed.form_field(),
            stem=analysed.stem_field(),
            head=(title_field + " " + heading).strip(),
            entity=" ".join(entity_tokens(page.text + "\n" + page.heading)),
            ministry=",".join(sorted(ministries)),
            text=page.text,
            page=page.number,
            page_label=page.label,
            heading=page.heading,
            method=page.method,
            unit_index=i,
        )
        records.append(rec)
    for j, (dec, analysed) in enumerate(zip(meta.decisions, decisions, strict=True)):
        rec = dict(common)
        ministries = set(dec.responsible) & set(meta.ministries or dec.responsible)
        rec.update(
            record_id=f"{doc_id}:d{j}",
            kind="decision",
            doc_type=DECISION_TYPE,
            lemma=analysed.lemma_field(),
            form=analysed.form_field(),
            stem=analysed.stem_field(),
            head=title_field,
            entity=" ".join(entity_tokens(dec.text)),
            ministry=",".join(sorted(r for r in dec.responsible if r in MINISTRIES)),
            text=dec.text,
            page=dec.page,
            page_label=None,
            heading="",
            method="text",
            decision=_decision_json(dec),
            unit_index=10_000 + j,
        )
        records.append(rec)
    return records
