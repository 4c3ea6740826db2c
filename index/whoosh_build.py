"""A whoosh segment writer that writes the same bytes as whoosh's own with far fewer Python calls.

whoosh spends most of a build in per-token and per-posting Python: a Token object per word of the
space-joined text fields, a size estimate and type asserts per posting put in the pool, a pickle per
posting when the pool spills to disk, and at commit a field length read back from the lengths file and
five method calls per posting. ``FastSegmentWriter`` does the same work in bulk:

* text fields analysed by whoosh's ``SpaceSeparatedTokenizer`` alone are split with its own regular
  expression (``findall``) and their postings encoded as ``Positions``/``Frequency`` would;
* postings are kept as columns per field and term (docnums, weights, values) instead of one tuple per
  posting in whoosh's pool, so the commit sorts the terms, not the postings; past the same memory
  estimate as whoosh's pool they are spilled to a sorted run on disk, and the runs are merged a term at
  a time (whoosh pickles, unpickles and merges them a posting at a time);
* the commit fills whoosh's posting blocks a block at a time, with the field lengths kept in memory
  while adding (whoosh reads each one back from the lengths file, per posting).

The files are byte for byte those whoosh writes (``tests/test_whoosh_build.py`` compares them), so
search results cannot change. Anything this writer does not know (other analysers or formats, term
vectors, spelling fields, ``_boost`` keys, segments merged in at commit) goes through whoosh's code: the
postings gathered so far are then handed to whoosh's pool.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from whoosh.analysis.tokenizers import RegexTokenizer
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

SPACE_PATTERN = r"[^ \t\r\n]+"  # whoosh.analysis.SpaceSeparatedTokenizer
RUN_CHUNK = 20_000  # postings pickled together in a run on disk (the most each run has in memory when merged)
_POSTING_SIZE = 28 + 4 * 5 + 21 + 26 + 18 + 16 + 21  # whoosh's PostingPool estimate without the lengths


def _space_format(field: Any) -> type | None:
    """Positions or Frequency where ``field`` is analysed by the space tokenizer alone, else None."""
    ana = field.analyzer if field.indexed else None
    if not isinstance(ana, RegexTokenizer) or type(ana) is not RegexTokenizer:  # no subclass: exactly whoosh's
        return None
    if ana.expression.pattern != SPACE_PATTERN or ana.gaps:
        return None
    fmt = type(field.format)
    if fmt not in (Positions, Frequency) or field.vector or field.separate_spelling():
        return None
    return fmt


def _positions_value(poslist: list[int]) -> bytes:
    """``Positions.encode``: the count, then the pickled deltas."""
    deltas = [poslist[0], *[b - a for a, b in zip(poslist, poslist[1:], strict=False)]]
    return pack_uint(len(deltas)) + pickle.dumps(deltas, 2)


_ONE = pack_uint(1)
# pickled [pos] per position; each value is a new object (the count prepended), as whoosh's are:
# a block's pickle would reference a repeated object instead of repeating its bytes
_single_bodies: dict[int, bytes] = {}

Columns = tuple[list[int], list[float], list[bytes]]  # one term's docnums, weights and values
Group = tuple[str, bytes, list[int], list[float], list[bytes]]  # (field, term, *columns)


class TermColumns:
    """The postings of the documents added so far, as columns per field and term, in docnum order;
    spilled to sorted runs (files in ``store``) when whoosh's size estimate passes ``limit`` bytes."""

    def __init__(self, store: Any, limit: int) -> None:
        self.fields: dict[str, dict[bytes, Columns]] = {}
        self.size = 0
        self.store = store
        self.limit = limit
        self.runs: list[str] = []

    def terms(self, field: str) -> dict[bytes, Columns]:
        terms = self.fields.get(field)
        if terms is None:
            terms = self.fields[field] = {}
        return terms

    def add_positions(self, field: str, docnum: int, tokens: list[str], fb: float) -> None:
        """The postings ``Positions.word_values`` gives for ``tokens``."""
        poses: dict[str, list[int]] = {}
        for pos, tok in enumerate(tokens):
            lst = poses.get(tok)
            if lst is None:
                poses[tok] = [pos]
            else:
                lst.append(pos)
        terms = self.terms(field)
        bodies = _single_bodies
        size = 0
        for word, poslist in poses.items():
            tbytes = word.encode("utf-8")
            n = len(poslist)
            if n == 1:
                body = bodies.get(poslist[0])
                if body is None:
                    body = bodies.setdefault(poslist[0], pickle.dumps(poslist, 2))
                value = _ONE + body
            else:
                value = _positions_value(poslist)
            cols = terms.get(tbytes)
            if cols is None:
                cols = terms[tbytes] = ([], [], [])
            cols[0].append(docnum)
            cols[1].append(float(n) * fb)
            cols[2].append(value)
            size += 2 * len(tbytes) + len(value)
        self.size += size + len(poses) * (_POSTING_SIZE + len(field))

    def add_frequencies(self, field: str, docnum: int, tokens: list[str], fb: float) -> None:
        """The postings ``Frequency.word_values`` gives for ``tokens``."""
        freqs: dict[str, int] = {}
        for tok in tokens:
            freqs[tok] = freqs.get(tok, 0) + 1
        terms = self.terms(field)
        size = 0
        for word, freq in freqs.items():
            tbytes = word.encode("utf-8")
            value = pack_uint(freq)
            cols = terms.get(tbytes)
            if cols is None:
                cols = terms[tbytes] = ([], [], [])
            cols[0].append(docnum)
            cols[1].append(float(freq) * fb)
            cols[2].append(value)
            size += 2 * len(tbytes) + len(value)
        self.size += size + len(freqs) * (_POSTING_SIZE + len(field))

    def add(self, field: str, tbytes: bytes, docnum: int, weight: float, value: bytes) -> None:
        cols = self.terms(field).get(tbytes)
        if cols is None:
            cols = self.fields[field][tbytes] = ([], [], [])
        cols[0].append(docnum)
        cols[1].append(weight)
        cols[2].append(value)
        self.size += _POSTING_SIZE + len(field) + 2 * len(tbytes) + len(value or b"")

    def full(self) -> bool:
        return self.size > self.limit

    def _in_memory(self) -> Iterator[Group]:
        for field in sorted(self.fields):
            terms = self.fields[field]
            for tbytes in sorted(terms):
                yield (field, tbytes, *terms[tbytes])

    def spill(self) -> None:
        """Write the postings in memory to a new run, in field and term order."""
        path = f"{random_name()}.run"
        with self.store.create_file(path).raw_file() as f:
            chunk: list[Group] = []
            count = 0
            for group in self._in_memory():
                chunk.append(group)
                count += len(group[2])
                if count >= RUN_CHUNK:
                    pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                    chunk = []
                    count = 0
            if chunk:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        self.runs.append(path)
        self.fields = {}
        self.size = 0

    def _read_run(self, path: str) -> Iterator[Group]:
        try:
            with self.store.open_file(path).raw_file() as f:
                while True:
                    try:
                        chunk = pickle.load(f)
                    except EOFError:
                        return
                    yield from chunk
        finally:
            self.store.delete_file(path)

    def groups(self) -> Iterator[Group]:
        """(field, term, docnums, weights, values) in field and term order: the runs and the postings in
        memory merged a term at a time; a term in several runs is joined in run (= docnum) order."""
        if not self.runs:
            yield from self._in_memory()
            return
        runs, self.runs = self.runs, []
        merged = heapq.merge(*(self._read_run(path) for path in runs), self._in_memory(), key=_FIELD_TERM)
        for (field, tbytes), same in groupby(merged, _FIELD_TERM):
            parts = list(same)
            if len(parts) == 1:
                yield parts[0]
                continue
            ids: list[int] = []
            weights: list[float] = []
            values: list[bytes] = []
            for g in parts:
                ids.extend(g[2])
                weights.extend(g[3])
                values.extend(g[4])
            yield field, tbytes, ids, weights, values

    def cleanup(self) -> None:
        for path in self.runs:
            if self.store.file_exists(path):
                self.store.delete_file(path)
        self.runs = []
        self.fields = {}


_FIELD_TERM = itemgetter(0, 1)


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with bulk analysis of space-joined text fields and a bulk commit (same files)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        plain = not any(f.vector or f.separate_spelling() for f in self.schema)  # else whoosh's code throughout
        self._columns: TermColumns | None = TermColumns(self._tempstorage, self.pool.limit) if plain else None
        self._space: dict[str, type] = {}
        for name, field in self.schema.items():
            fmt = _space_format(field)
            if fmt is not None:
                self._space[name] = fmt
        # quantised field length (as whoosh reads it back at commit) per scorable field, by docnum
        self._lengths: dict[str, list[int]] = {name: [] for name, f in self.schema.items() if f.scorable}
        self._quantised: dict[int, int] = {}

    def _to_whoosh(self) -> None:
        """From now on whoosh's own code: the postings gathered so far go to its pool."""
        columns, self._columns = self._columns, None
        if columns is not None:
            add = self.pool.add
            for field, tbytes, ids, weights, values in columns.groups():
                for docnum, weight, value in zip(ids, weights, values, strict=True):
                    add((field, tbytes, docnum, weight, value))

    def add_reader(self, reader: Any) -> None:
        self._to_whoosh()
        super().add_reader(reader)

    def add_document(self, **fields: Any) -> None:
        columns = self._columns
        if columns is None or self.docbase or any(name.startswith("_") for name in fields):
            self._to_whoosh()  # boosts or custom stored values: whoosh's own code, its own lengths
            super().add_document(**fields)
            return
        self._check_state()
        perdoc = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        names = sorted(fields)
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        lengths = dict.fromkeys(self._lengths, 0)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    scorable = field.scorable
                    fmt = self._space.get(name)
                    if fmt is not None and isinstance(value, str):
                        tokens = field.analyzer.expression.findall(value)
                        add = columns.add_positions if fmt is Positions else columns.add_frequencies
                        add(name, docnum, tokens, field.format.field_boost)
                        length = len(tokens) if scorable else 0
                    else:
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if scorable:
                                length += freq
                            columns.add(name, tbytes, docnum, weight * 1.0, vbytes)
                    if scorable:
                        lengths[name] = length
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        quantised = self._quantised
        for name, length in lengths.items():
            q = quantised.get(length)
            if q is None:
                lbyte = length_to_byte(length) if length else 0
                q = quantised.setdefault(length, byte_to_length(lbyte) if lbyte else 0)
            self._lengths[name].append(q)
        if columns.full():
            columns.spill()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        if self._columns is None:
            super()._flush_segment()
            return
        self.perdocwriter.close()
        _write_postings(self.fieldwriter, self.schema, self._lengths, self._columns.groups())
        self.fieldwriter.close()

    def _close_segment(self) -> None:
        if self._columns is not None:
            self._columns.cleanup()
        super()._close_segment()


def _write_postings(fw: Any, schema: Any, lengths: dict[str, list[int]], groups: Iterable[Group]) -> None:
    """``FieldWriter.add_postings`` for postings grouped by field and term, one posting block at a time."""
    for fieldname, field_groups in groupby(groups, itemgetter(0)):
        fw.start_field(fieldname, schema[fieldname])
        pw = fw._postwriter
        limit = pw._blocklimit
        flen = lengths.get(fieldname)
        for _, btext, all_ids, all_weights, all_values in field_groups:
            fw.start_term(btext)
            count = len(all_ids)
            for start in range(0, count, limit):
                if start:
                    pw._write_block()  # whoosh writes a full block when the next posting comes
                if count > limit:
                    ids = all_ids[start : start + limit]
                    weights = all_weights[start : start + limit]
                    values = all_values[start : start + limit]
                else:
                    ids, weights, values = all_ids, all_weights, all_values
                pw._ids.extend(ids)
                pw._weights.extend(weights)
                pw._maxweight = max(0, *weights)
                pw._values.extend(values if all(values) else [v for v in values if v])
                if flen is not None:
                    lens = [flen[d] for d in ids]
                    if 0 in lens:
                        lens = [q for q in lens if q]
                    if lens:
                        pw._minlength = min(lens)
                        pw._maxlength = max(lens)
            fw.finish_term()
        fw.finish_field()
