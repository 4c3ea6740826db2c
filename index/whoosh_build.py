"""A whoosh segment writer that writes the same bytes as whoosh's own with far fewer Python calls.

whoosh spends most of a build in per-token and per-posting Python: a Token object per word of the
space-joined text fields, a size estimate and type asserts per posting put in the pool, a pickle per
posting when the pool spills to disk, and at commit a field length read back from the lengths file and
five method calls per posting. ``FastSegmentWriter`` does the same work in bulk:

* text fields analysed by whoosh's ``SpaceSeparatedTokenizer`` alone are split with its own regular
  expression (``findall``) and their postings encoded as ``Positions``/``Frequency`` would;
* the pool spills runs as pickled chunks of postings instead of one pickle per posting;
* the commit groups the sorted postings per field and term and fills whoosh's posting blocks a block
  at a time, with the field lengths kept in memory while adding.

The files are byte for byte those whoosh writes (``tests/test_whoosh_build.py`` compares them), so
search results cannot change. Anything this writer does not know (other analysers or formats, term
vectors, spelling fields, ``_boost`` keys, segments merged in at commit) goes through whoosh's code.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Iterable, Iterator
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import Any

from whoosh.analysis.tokenizers import RegexTokenizer
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

SPACE_PATTERN = r"[^ \t\r\n]+"  # whoosh.analysis.SpaceSeparatedTokenizer
RUN_CHUNK = 20_000  # postings pickled together when the pool spills a run to disk
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


def _add_positions(out: list[tuple[Any, ...]], name: str, docnum: int, tokens: list[str], fb: float) -> int:
    """Append the postings ``Positions.word_values`` gives for ``tokens``; returns whoosh's size estimate."""
    poses: dict[str, list[int]] = {}
    for pos, tok in enumerate(tokens):
        lst = poses.get(tok)
        if lst is None:
            poses[tok] = [pos]
        else:
            lst.append(pos)
    base = _POSTING_SIZE + len(name)
    size = 0
    append = out.append
    bodies = _single_bodies
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
        append((name, tbytes, docnum, float(n) * fb, value))
        size += base + 2 * len(tbytes) + len(value)
    return size


def _add_frequencies(out: list[tuple[Any, ...]], name: str, docnum: int, tokens: list[str], fb: float) -> int:
    """Append the postings ``Frequency.word_values`` gives for ``tokens``; returns whoosh's size estimate."""
    freqs: dict[str, int] = {}
    for tok in tokens:
        freqs[tok] = freqs.get(tok, 0) + 1
    base = _POSTING_SIZE + len(name)
    size = 0
    append = out.append
    for word, freq in freqs.items():
        tbytes = word.encode("utf-8")
        value = pack_uint(freq)
        append((name, tbytes, docnum, float(freq) * fb, value))
        size += base + 2 * len(tbytes) + len(value)
    return size


_FIELD_TERM = itemgetter(0, 1)


def _grouped(items: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, bytes, list[tuple[Any, ...]]]]:
    for (field, btext), posts in groupby(items, _FIELD_TERM):
        yield field, btext, list(posts)


class ChunkedPool(PostingPool):
    """whoosh's posting pool, spilling runs as pickled chunks (one pickle per ``RUN_CHUNK`` postings).

    Postings appended straight to ``current`` in docnum order (``FastSegmentWriter``) are sorted by
    field and term alone (a stable sort keeps the docnums in order): the order of whoosh's tuple sort,
    found with cheaper comparisons. Anything given to ``add`` (merged segments) turns that off.
    """

    ordered = True
    current: list[tuple[Any, ...]]
    runs: list[str]

    def add(self, item: tuple[Any, ...]) -> None:
        self.ordered = False
        super().add(item)

    def _sort_current(self) -> None:
        if not self.ordered:
            self.current.sort()
            return
        prefix: dict[str, bytes] = {}
        for name in self.fieldnames:
            prefix[name] = name.encode("utf-8") + b"\0"  # "a" < "ab": b"a\0..." < b"ab\0..."
        self.current.sort(key=lambda p: prefix[p[0]] + p[1])

    def save(self) -> None:
        if self.current:
            self._sort_current()
            path, f = self._new_run()
            self._write_run(f, self.current)
            self._add_run(path)
            self.current = []
        self.currentsize = 0

    def groups(self, maxfiles: int = 128) -> Iterator[tuple[str, bytes, list[tuple[Any, ...]]]]:
        """(field, term, its postings in docnum order) in field and term order: the pool's postings,
        the runs on disk merged a term at a time (not a posting at a time, as whoosh merges them)."""
        if not self.runs:
            self._sort_current()
            yield from _grouped(self.current)
            return
        self.save()
        if len(self.runs) > maxfiles:
            self.reduce_to(maxfiles, maxfiles)
        runs, self.runs = self.runs, []
        merged = heapq.merge(*(self._run_groups(path) for path in runs), key=_FIELD_TERM)
        for (field, btext), same in groupby(merged, _FIELD_TERM):
            lists = [g[2] for g in same]
            # sorted into docnum order: whoosh's reduce_to may have merged runs out of order
            yield field, btext, lists[0] if len(lists) == 1 else sorted(chain.from_iterable(lists))

    def _run_groups(self, path: str) -> Iterator[tuple[str, bytes, list[tuple[Any, ...]]]]:
        """``_grouped(self._read_run(path))``, grouped a chunk at a time."""
        f = self._open_run(path)
        try:
            last: tuple[str, bytes, list[tuple[Any, ...]]] | None = None
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    break
                for (field, btext), posts in groupby(chunk, _FIELD_TERM):
                    if last is not None and last[1] == btext and last[0] == field:  # continued from the last chunk
                        last[2].extend(posts)
                        continue
                    if last is not None:
                        yield last
                    last = (field, btext, list(posts))
            if last is not None:
                yield last
        finally:
            f.close()
            self._remove_run(path)

    def _write_run(self, f: Any, items: Iterable[tuple[Any, ...]]) -> None:
        it = iter(items)
        while chunk := list(islice(it, RUN_CHUNK)):
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[tuple[Any, ...]]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with bulk analysis of space-joined text fields and a bulk commit (same files)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = ChunkedPool(self._tempstorage, self.newsegment, limitmb=kwargs.get("limitmb", 128))
        self._space: dict[str, type] = {}
        for name, field in self.schema.items():
            fmt = _space_format(field)
            if fmt is not None:
                self._space[name] = fmt
        # quantised field length (as whoosh reads it back at commit) per scorable field, by docnum
        self._lengths: dict[str, list[int]] = {name: [] for name, f in self.schema.items() if f.scorable}
        self._quantised: dict[int, int] = {}
        self._merged = False

    def add_reader(self, reader: Any) -> None:
        self._merged = True
        super().add_reader(reader)

    def add_document(self, **fields: Any) -> None:
        if any(name.startswith("_") for name in fields):
            self._merged = True  # boosts or custom stored values: whoosh's own code, its own lengths
            super().add_document(**fields)
            return
        self._check_state()
        perdoc = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        current = pool.current
        names = sorted(fields)
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        size = 0
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
                    pool.fieldnames.add(name)
                    fmt = self._space.get(name)
                    if fmt is not None and isinstance(value, str):
                        tokens = field.analyzer.expression.findall(value)
                        add = _add_positions if fmt is Positions else _add_frequencies
                        size += add(current, name, docnum, tokens, field.format.field_boost)
                        length = len(tokens) if scorable else 0
                    else:
                        nlen = len(name)
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if scorable:
                                length += freq
                            size += _POSTING_SIZE + nlen + 2 * len(tbytes) + len(vbytes or "")
                            current.append((name, tbytes, docnum, weight * 1.0, vbytes))
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
        pool.currentsize += size
        if pool.currentsize > pool.limit:
            pool.save()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        if (self._merged or not self.pool.ordered or self.docbase
                or self.docnum != len(next(iter(self._lengths.values()), []))):
            super()._flush_segment()
            return
        self.perdocwriter.close()
        _write_postings(self.fieldwriter, self.schema, self._lengths, self.pool.groups())
        self.fieldwriter.close()


def _write_postings(fw: Any, schema: Any, lengths: dict[str, list[int]],
                    groups: Iterable[tuple[str, bytes, list[tuple[Any, ...]]]]) -> None:
    """``FieldWriter.add_postings`` for postings grouped by field and term, one posting block at a time."""
    for fieldname, field_groups in groupby(groups, itemgetter(0)):
        fw.start_field(fieldname, schema[fieldname])
        pw = fw._postwriter
        limit = pw._blocklimit
        flen = lengths.get(fieldname)
        for _, btext, posts in field_groups:
            fw.start_term(btext)
            for start in range(0, len(posts), limit):
                if start:
                    pw._write_block()  # whoosh writes a full block when the next posting comes
                block = posts[start : start + limit] if len(posts) > limit else posts
                ids = [p[2] for p in block]
                weights = [p[3] for p in block]
                values = [p[4] for p in block]
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
