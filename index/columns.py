"""Filter and facet columns of a generation: docnum -> type, ministries, date, year, meeting, document.

Read once from the stored fields and kept memory-mapped next to the generation (``index.arrays``);
a filter combination becomes a boolean mask (cached per generation), facets are counts over masks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from scsearch.index.arrays import load_or_build
from scsearch.index.query import ParsedQuery
from scsearch.index.records import date_int
from scsearch.index.stored import StoredRecord
from scsearch.index.types import SearchRequest

FACETS = ("ministry", "doc_type", "year", "meeting")
FACET_COLUMNS = ("ministry_set", "doc_type", "year", "meeting")  # each facet's codes, the columns of facet_rows
MAX_CACHED_FILTERS = 256


@dataclass
class Columns:
    """Per-generation arrays for filters and facets (index = docnum)."""

    n: int
    alive: np.ndarray  # bool
    decision: np.ndarray  # bool: decision records
    date: np.ndarray  # int32 yyyymmdd, 0 unknown
    doc_type: np.ndarray  # int16 codes into doc_type_names
    doc_type_names: list[str]
    year: np.ndarray
    year_names: list[str]
    meeting: np.ndarray
    meeting_names: list[str]
    doc_id: np.ndarray  # int32 codes (distinct documents)
    ministry: np.ndarray  # bool [len(ministry_names), n]: one row per ministry (fast masks)
    ministry_names: list[str]
    ministry_set: np.ndarray  # int32 codes: which set of ministries a record names (rows of ministry_sets)
    ministry_sets: np.ndarray  # int64 [sets, len(ministry_names)]: 1 where the set holds the ministry
    deadline: np.ndarray  # int32 yyyymmdd of a decision's deadline, 0 none
    # int32 codes: which combination of facet values a record has (rows of facet_rows: its ministry_set,
    # doc_type, year and meeting codes), so one count per combination gives every facet's counts
    facet_row: np.ndarray
    facet_rows: np.ndarray  # int32 [combinations, 4]
    doc_id_names: list[str] = field(default_factory=list)  # doc_id code -> doc_id

    def arrays(self) -> list[np.ndarray]:
        return [self.alive, self.decision, self.date, self.doc_type, self.year, self.meeting, self.doc_id,
                self.ministry, self.deadline]


def build_columns(gen: Path | None, reader: Any) -> Columns:
    """The filter values of every record, read once per generation and kept memory-mapped next to it
    (``reader``: the engine's ``index.readers.IndexReader``)."""
    n = reader.n
    bundle = load_or_build(gen, "columns", n, lambda: _read_columns(reader, n))
    if "ministry_set" not in bundle:  # written before the sets were (milliseconds)
        bundle = dict(bundle, **_ministry_sets(bundle["ministry"]))
    if "facet_row" not in bundle:  # written before the combinations were (milliseconds)
        bundle = dict(bundle, **_facet_rows(bundle))
    return Columns(
        n=n, alive=bundle["alive"], decision=bundle["decision"], date=bundle["date"],
        doc_type=bundle["doc_type"], doc_type_names=list(bundle["doc_type_names"]),
        year=bundle["year"], year_names=list(bundle["year_names"]),
        meeting=bundle["meeting"], meeting_names=list(bundle["meeting_names"]),
        doc_id=bundle["doc_id"], ministry=bundle["ministry"], ministry_names=list(bundle["ministry_names"]),
        ministry_set=bundle["ministry_set"], ministry_sets=bundle["ministry_sets"],
        deadline=bundle["deadline"], facet_row=bundle["facet_row"], facet_rows=bundle["facet_rows"],
        doc_id_names=list(bundle.get("doc_id_names") or []),
    )


def _ministry_sets(ministry: np.ndarray) -> dict[str, np.ndarray]:
    """``ministry_set`` and ``ministry_sets`` (``Columns``) from the rows of the ministry column."""
    bits = np.zeros(ministry.shape[1], dtype=object if ministry.shape[0] > 62 else np.int64)
    for i, row in enumerate(ministry):
        bits += row.astype(bits.dtype) << i
    sets, code = np.unique(bits, return_inverse=True)
    matrix = np.array([[(int(s) >> i) & 1 for i in range(ministry.shape[0])] for s in sets], dtype=np.int64)
    return {"ministry_set": code.astype(np.int32).reshape(-1),
            "ministry_sets": matrix.reshape(len(sets), ministry.shape[0])}


def _facet_rows(bundle: dict[str, Any]) -> dict[str, np.ndarray]:
    """``facet_row`` and ``facet_rows`` (``Columns``) from the facet columns."""
    columns = [np.asarray(bundle[name], dtype=np.int64) for name in FACET_COLUMNS]
    key = np.zeros(columns[0].size, dtype=np.int64)
    for col in columns:  # one number per combination (codes are small: no overflow)
        key = key * (int(col.max(initial=0)) + 1) + col
    combos, row = np.unique(key, return_inverse=True)
    first = np.zeros(combos.size, dtype=np.int64)
    first[row] = np.arange(row.size)  # a record of each combination (any one: they hold the same codes)
    return {"facet_row": row.astype(np.int32).reshape(-1),
            "facet_rows": np.stack([col[first] for col in columns], axis=1).astype(np.int32).reshape(-1, 4)}


def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(values))
    index = {v: i for i, v in enumerate(names)}
    return np.array([index[v] for v in values], dtype=np.int32), names


def _read_columns(reader: Any, n: int) -> dict[str, Any]:
    alive = np.zeros(n, dtype=bool)
    decision = np.zeros(n, dtype=bool)
    date = np.zeros(n, dtype=np.int32)
    deadline = np.zeros(n, dtype=np.int32)
    types, years, meetings, docs = [""] * n, [""] * n, [""] * n, [""] * n
    mins: list[tuple[str, ...]] = [()] * n
    for docnum, fields in reader.iter_docs():
        rec = StoredRecord.from_fields(fields)
        alive[docnum] = True
        decision[docnum] = rec.kind == "decision"
        date[docnum] = rec.date_int
        types[docnum] = rec.fields.get("doc_type", "") or ""
        years[docnum] = rec.fields.get("year", "") or ""
        meetings[docnum] = rec.fields.get("meeting", "") or ""
        docs[docnum] = rec.doc_id
        mins[docnum] = rec.ministries
        deadline[docnum] = rec.deadline_int
    # a presentation's meeting number is stored on its records at index time (ingest.meeting_calendar)
    ministry_names = sorted({m for ms in mins for m in ms})
    col = {m: i for i, m in enumerate(ministry_names)}
    ministry = np.zeros((len(ministry_names), n), dtype=bool)
    for docnum, ms in enumerate(mins):
        for m in ms:
            ministry[col[m], docnum] = True
    doc_type, doc_type_names = _codes(types)
    year, year_names = _codes(years)
    meeting, meeting_names = _codes(meetings)
    doc_id, doc_id_names = _codes(docs)
    out = {"alive": alive, "decision": decision, "date": date, "doc_type": doc_type, "doc_type_names": doc_type_names,
           "year": year, "year_names": year_names, "meeting": meeting, "meeting_names": meeting_names,
           "doc_id": doc_id, "doc_id_names": doc_id_names, "ministry": ministry, "ministry_names": ministry_names,
           **_ministry_sets(ministry), "deadline": deadline}
    return {**out, **_facet_rows(out)}


def _filter_key(req: SearchRequest, pq: ParsedQuery, skip: str = "") -> tuple[Any, ...]:
    """The filters of a search (all but ``skip``) in a canonical form: the key of their cached mask."""
    ministries = tuple(sorted(set(req.ministries) | set(pq.ministries)))
    types = tuple(sorted(set(req.doc_types) | set(pq.doc_types)))
    years = tuple(sorted({str(y) for y in req.years} | {str(y) for y in pq.years}))
    meetings = tuple(sorted({str(m) for m in req.meetings}))
    return (
        () if skip == "ministry" else ministries,
        () if skip == "doc_type" else types,
        () if skip == "year" else years,
        () if skip == "meeting" else meetings,
        date_int(pq.date_from or req.date_from),
        date_int(pq.date_to or req.date_to),
        req.include_decisions or "decision" in types,
        date_int(req.deadline_from),
        date_int(req.deadline_to),
    )


def filter_mask(cols: Columns, cache: dict[tuple[Any, ...], np.ndarray], req: SearchRequest, pq: ParsedQuery,
                skip: str = "") -> np.ndarray:
    """Records passing the filters (all of them but ``skip``, for that facet's counts); cached."""
    return _mask(cols, cache, _filter_key(req, pq, skip))


def _mask(cols: Columns, cache: dict[tuple[Any, ...], np.ndarray], key: tuple[Any, ...]) -> np.ndarray:
    """The records passing the filters of ``key`` (``_filter_key``), cached under it."""
    lo, hi, want_decisions, dl_lo, dl_hi = key[4:]
    cached = cache.get(key)
    if cached is not None:
        return cached
    mask = cols.alive.copy()
    if not want_decisions:
        mask &= ~cols.decision
    for values, column, names in (
        (key[1], cols.doc_type, cols.doc_type_names),
        (key[2], cols.year, cols.year_names),
        (key[3], cols.meeting, cols.meeting_names),
    ):
        if values:
            wanted = [i for i, name in enumerate(names) if name in values]
            mask &= np.isin(column, wanted)
    if key[0]:
        idx = [i for i, name in enumerate(cols.ministry_names) if name in key[0]]
        mask &= np.logical_or.reduce(cols.ministry[idx], axis=0) if idx else False
    if lo:
        mask &= cols.date >= lo
    if hi:
        mask &= (cols.date > 0) & (cols.date <= hi)
    if dl_lo or dl_hi:  # a deadline range keeps only decisions with a deadline inside it
        mask &= cols.deadline > 0
        if dl_lo:
            mask &= cols.deadline >= dl_lo
        if dl_hi:
            mask &= cols.deadline <= dl_hi
    if len(cache) > MAX_CACHED_FILTERS:
        cache.clear()
    cache[key] = mask
    return mask


class _Selected:
    """The matched records a filter combination allows (``sel``) and how many have each combination of facet
    values (``Columns.facet_row``): counted over those records or, when they are most of the allowed ones, as
    every allowed record's counts (kept per filter combination, from the first such search) less those of the
    few allowed records not matched."""

    def __init__(self, cols: Columns, cache: dict[tuple[Any, ...], np.ndarray], key: tuple[Any, ...],
                 matched: np.ndarray) -> None:
        allowed = _mask(cols, cache, key)
        sel = matched & allowed
        size = len(cols.facet_rows)
        rest = np.flatnonzero(allowed & ~sel) if 2 * np.count_nonzero(sel) > np.count_nonzero(allowed) else None
        base = cache.get(("counts", *key)) if rest is not None else None
        if base is not None:
            self.counts = base - np.bincount(cols.facet_row[rest], minlength=size)
            return
        # (record numbers: a gather by them is far cheaper than through the mask)
        self.counts = np.bincount(cols.facet_row[np.flatnonzero(sel)], minlength=size)
        if rest is not None:
            cache[("counts", *key)] = self.counts + np.bincount(cols.facet_row[rest], minlength=size)


def facet_counts(cols: Columns, cache: dict[tuple[Any, ...], np.ndarray], matched: np.ndarray, req: SearchRequest,
                 pq: ParsedQuery) -> dict[str, dict[str, int]]:
    """Counts per facet value over the matched records, every filter applied but the facet's own: the
    records per combination of facet values (``_Selected``, once per distinct filter combination, the same
    for most facets), summed per value of each facet."""
    out: dict[str, dict[str, int]] = {}
    selected: dict[tuple[Any, ...], _Selected] = {}
    value_names = {"ministry": cols.ministry_names, "doc_type": cols.doc_type_names, "year": cols.year_names,
                   "meeting": cols.meeting_names}
    for at, name in enumerate(FACETS):  # (column ``at`` of facet_rows holds the facet's codes: FACET_COLUMNS)
        names = value_names[name]
        key = _filter_key(req, pq, skip=name)
        if key not in selected:
            selected[key] = _Selected(cols, cache, key, matched)
        size = len(cols.ministry_sets) if name == "ministry" else len(names)
        # (float64 sums of whole numbers: exact)
        counts = np.bincount(cols.facet_rows[:, at], weights=selected[key].counts, minlength=size).astype(np.int64)
        if name == "ministry":  # records per set of ministries, then per ministry
            counts = counts @ cols.ministry_sets
        pairs = [(names[i], int(c)) for i, c in enumerate(counts) if c and names[i]]
        out[name] = dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
    return out


def warm_facet_totals(cols: Columns, cache: dict[tuple[Any, ...], np.ndarray]) -> None:
    """Keep the per-facet totals of the unfiltered search (``facet_counts``), so that a server's first
    search for a common word counts only the few records it does not match."""
    facet_counts(cols, cache, cols.alive, SearchRequest(query=""), ParsedQuery(clauses=[]))


def empty_facets() -> dict[str, dict[str, int]]:
    return {name: {} for name in FACETS}
