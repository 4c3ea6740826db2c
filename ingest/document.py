"""One extracted document into the index: metadata, lemmas, records and its manifest entry."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scsearch.index.analysis import index_token
from scsearch.index.dedup import fingerprint
from scsearch.index.manifest import ManifestEntry
from scsearch.index.records import AnalysedText, build_records, doc_id_for
from scsearch.index.writer import GenerationWriter
from scsearch.ingest.cache import Caches
from scsearch.ingest.changes import sidecar_mtime
from scsearch.language.sentences import word_sentences
from scsearch.models import DocumentMeta, ExtractedDocument


@dataclass(frozen=True)
class PreparedDocument:
    """Everything of one document that the index writer needs, computed without the writer (in an
    extraction worker when the lemmatiser allows): its records, lexicon pairs and manifest entry.

    ``deferred``: a presentation that names no meeting; the pipeline writes it once the meeting
    calendar of the run is known. ``lemmatize_s`` / ``analyse_s``: seconds spent lemmatising and
    building the records."""

    doc_id: str
    records: tuple[dict[str, Any], ...]
    pairs: tuple[tuple[str, str], ...]
    units: int
    entry: ManifestEntry
    deferred: bool = False
    lemmatize_s: float = 0.0
    analyse_s: float = 0.0


def index_document(
    key: str,
    f: Path,
    sha: str,
    st: os.stat_result,
    doc: ExtractedDocument,
    *,
    lemmatizer: Any,
    caches: Caches,
    writer: GenerationWriter,
    timings: dict[str, float],
    meeting: int | None = None,
    deferred: dict[str, ExtractedDocument] | None = None,
    prepared: PreparedDocument | None = None,
) -> tuple[int, ManifestEntry]:
    """Replace the document ``key`` in ``writer``; returns its unit count and manifest entry.

    ``meeting``: the meeting number from the calendar for a document that names none. With
    ``deferred``, a presentation that names no meeting is not written yet but put there: the pipeline
    writes it once the meeting calendar of the run is known (whoosh cannot delete records added
    earlier in the same writer session). ``prepared``: the document already prepared by an extraction
    worker (``prepare_document`` with these arguments)."""
    if prepared is None:
        prepared = prepare_document(key, f, sha, st, doc, lemmatizer=lemmatizer, caches=caches, meeting=meeting,
                                    may_defer=deferred is not None)
    timings["lemmatize"] += prepared.lemmatize_s
    timings["index"] += prepared.analyse_s
    if prepared.deferred:
        assert deferred is not None
        deferred[key] = doc
    else:
        t0 = time.perf_counter()
        write_prepared(prepared, writer)
        timings["index"] += time.perf_counter() - t0
    return prepared.units, prepared.entry


def write_prepared(prepared: PreparedDocument, writer: GenerationWriter) -> None:
    """Replace the document's records in ``writer`` (the only part of indexing that needs the writer)."""
    writer.delete_document(prepared.doc_id)
    writer.add_records(prepared.records, prepared.pairs)


def prepare_document(
    key: str,
    f: Path,
    sha: str,
    st: os.stat_result,
    doc: ExtractedDocument,
    *,
    lemmatizer: Any,
    caches: Caches,
    meeting: int | None = None,
    may_defer: bool = False,
) -> PreparedDocument:
    """Metadata, lemmas, records and manifest entry of one extracted document (see ``index_document``)."""
    from scsearch.ingest.metadata import analyze, load_override
    from scsearch.ingest.metadata.records import entry_fields as record_entry_fields
    from scsearch.ingest.metadata.source import load_context
    from scsearch.language.entities import entity_token, find_entities

    t0 = time.perf_counter()
    override = load_override(f)
    meta: DocumentMeta = analyze(doc, path=key, override=override, source=load_context(f))
    assigned = meeting is not None and meta.meeting_number is None
    if assigned:
        meta = dataclasses.replace(meta, meeting_number=meeting)
    if meta.decisions and _has_pdf_twin(f):
        # Zapis.docx beside its export Zapis.pdf: the decisions are listed once, from the PDF (it has pages)
        meta = dataclasses.replace(meta, decisions=())
    t1 = time.perf_counter()
    texts = [meta.title] + [p.text for p in doc.pages] + [p.heading for p in doc.pages] + [d.text for d in meta.decisions]
    analysed = lemmatize(lemmatizer, texts, caches)
    t2 = time.perf_counter()
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
    deferred = may_defer and meta.doc_type == "presentation" and meta.meeting_number is None
    pairs = () if deferred else tuple(
        (tok, index_token(lem)) for a in analysed for (_, _, tok), lem in zip(a.tokens, a.lemmas, strict=True)
    )
    units_count = sum(1 for r in records if r["kind"] != "decision")
    signature, shingles = fingerprint(doc.text)  # duplicate formats (index.dedup)
    entry = ManifestEntry(
        status="indexed",
        doc_id=doc_id,
        sha256=sha,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        sidecar_mtime_ns=sidecar_mtime(f),
        abs_path=str(f.resolve()),
        format=doc.format,
        title=meta.title,
        doc_type=meta.doc_type,
        date=meta.date.isoformat() if meta.date else None,
        date_source=meta.date_source,
        ministries=tuple(meta.ministries),
        authors=tuple(meta.authors),
        meeting=meta.meeting_number,
        units=units_count,
        unit_kind=doc.pages[0].kind if doc.pages else "page",
        method=doc.method,
        ocr_pages=sum(1 for p in doc.pages if p.method == "ocr"),
        needs_ocr_pages=sum(1 for p in doc.pages if p.method == "needs_ocr"),
        decisions=len(meta.decisions),
        overridden=tuple(meta.overridden),
        warnings=tuple(doc.warnings),
        source=meta.source.to_json() if meta.source is not None else None,
        meeting_assigned=assigned,
        meeting_date=meta.source.meeting_date.isoformat() if meta.source and meta.source.meeting_date else None,
        minhash=tuple(signature),
        shingles=shingles,
        **record_entry_fields(doc, meta, key),
    )
    return PreparedDocument(doc_id=doc_id, records=tuple(records), pairs=pairs, units=units_count, entry=entry,
                            deferred=deferred, lemmatize_s=t2 - t1,
                            analyse_s=time.perf_counter() - t0 - (t2 - t1))


def lemmatize(lemmatizer: Any, texts: list[str], caches: Caches) -> list[AnalysedText]:
    """Tokens and lemmas of each text (lemmas cached by the texts and the lemmatiser)."""
    sents_per_text = [word_sentences(t) for t in texts]
    key = hashlib.sha256(
        (lemmatizer.ident + "\x00" + "\x01".join(texts)).encode("utf-8", "surrogatepass")
    ).hexdigest()
    flat_sents = [[tok for _, _, tok in s] for ss in sents_per_text for s in ss]
    lemmas = caches.lemmas(key)
    if lemmas is None or len(lemmas) != len(flat_sents):
        lemmas = lemmatizer.lemmatize_tokens(flat_sents) if flat_sents else []
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


def _has_pdf_twin(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return False
    return any(path.with_suffix(ext).exists() for ext in (".pdf", ".PDF"))
