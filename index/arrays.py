"""Per-generation numpy arrays kept on disk as ``.npy`` files and memory-mapped.

Filter and facet columns, field lengths and the live-record mask are computed once per generation
and written next to it (``gen-N/arrays/``, not hard-linked into the next generation). Every process
that opens the generation maps the same files read-only (``np.load(mmap_mode="r")``), so the N
workers of a pre-forking server share one copy through the page cache instead of each building
and holding its own. A read-only index still works: the arrays are then kept in memory.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import re
import shutil
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ARRAYS_DIR = "arrays"
VERSION = 2  # 2: the ministry column one row per ministry


def array_dir(gen: Path) -> Path:
    return Path(gen) / ARRAYS_DIR


def load_or_build(gen: Path | None, name: str, n: int, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The bundle ``name`` of a generation: numpy arrays (memory-mapped) and JSON-able values.

    ``build()`` returns the bundle; it is called only when no valid copy is on disk, and its result is
    written atomically (a temporary folder renamed into place) so concurrent workers never see half of it.
    """
    if gen is not None:
        found = _load(array_dir(gen) / name, n)
        if found is not None:
            return found
    bundle = build()
    if gen is None:
        return bundle
    try:
        _save(array_dir(gen) / name, bundle, n)
    except OSError:
        return bundle  # read-only data directory: the arrays stay in memory
    return _load(array_dir(gen) / name, n) or bundle


def load_existing(gen: Path, name: str, n: int) -> dict[str, Any] | None:
    """The bundle ``name`` of a generation when a valid copy is on disk (never builds it), else None."""
    return _load(array_dir(gen) / name, n)


def _load(folder: Path, n: int) -> dict[str, Any] | None:
    try:
        info = json.loads((folder / "bundle.json").read_text(encoding="utf-8"))
        if info.get("version") != VERSION or info.get("n") != n:
            return None
        out: dict[str, Any] = dict(info.get("values") or {})
        for key in info.get("arrays") or []:
            out[key] = _map_npy(folder / f"{key}.npy")
        return out
    except (OSError, ValueError, KeyError):
        return None


def npy_data_offset(path: Path) -> int:
    """Where the data of an ``.npy`` file starts (after its header)."""
    with open(path, "rb") as f:
        _npy_header(f)
        return f.tell()


def pread_slices(path: str | Path, data_at: int, dtype: np.dtype[Any], starts: list[int], ends: list[int]
                 ) -> np.ndarray:
    """array[starts[0]:ends[0]], array[starts[1]:ends[1]], … of the array stored in ``path`` from byte
    ``data_at``, read with pread: a short-lived process (a CLI search) reading a few scattered pieces keeps
    only them, where a mapping would map whole page-cache folios around each (up to megabytes)."""
    size = dtype.itemsize
    fd = os.open(path, os.O_RDONLY)
    try:
        data = b"".join(os.pread(fd, (b - a) * size, data_at + a * size) for a, b in zip(starts, ends, strict=True))
    finally:
        os.close(fd)
    return np.frombuffer(data, dtype=dtype)


_HEADER = re.compile(r"\{'descr': '([<>|=]?[a-zA-Z]\d*)', 'fortran_order': (True|False), 'shape': \(([\d, ]*)\), \}\s*$")


def _npy_header(f: Any) -> tuple[tuple[int, ...], bool, np.dtype[Any]]:
    """(shape, fortran order, dtype) of an ``.npy`` file, the file left at its data. The header ``np.save``
    writes for a plain array is read with a pattern (numpy parses it with ``ast.literal_eval``: ~0.1 ms a file,
    a dozen files a CLI search); any other header by numpy."""
    start = f.tell()
    magic = f.read(8)
    if magic[:6] == b"\x93NUMPY" and magic[6] in (1, 2, 3):
        size = struct.unpack("<H" if magic[6] == 1 else "<I", f.read(2 if magic[6] == 1 else 4))[0]
        found = _HEADER.match(f.read(size).decode("latin1"))
        if found is not None:
            shape = tuple(int(x) for x in found.group(3).split(",") if x.strip())
            return shape, found.group(2) == "True", np.dtype(found.group(1))
    f.seek(start)
    version = np.lib.format.read_magic(f)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = read_header(f)
    return shape, fortran, dtype


def _map_npy(path: Path) -> np.ndarray:
    """A read-only ndarray over the memory-mapped data of an ``.npy`` file (what ``np.load(mmap_mode="r")``
    maps, without np.memmap's per-call overhead: a CLI search opens a dozen of these)."""
    with open(path, "rb") as f:
        shape, fortran, dtype = _npy_header(f)
        offset = f.tell()
        count = int(np.prod(shape, dtype=np.int64))
        if dtype.hasobject:
            raise ValueError(f"{path}: object arrays are not mapped")
        if not count:
            return np.zeros(shape, dtype=dtype)
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    arr = np.frombuffer(mapped, dtype=dtype, count=count, offset=offset)
    return arr.reshape(shape, order="F" if fortran else "C")


def _save(folder: Path, bundle: dict[str, Any], n: int) -> None:
    folder.parent.mkdir(exist_ok=True)
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    arrays = [k for k, v in bundle.items() if isinstance(v, np.ndarray)]
    for key in arrays:
        np.save(tmp / f"{key}.npy", np.ascontiguousarray(bundle[key]), allow_pickle=False)
    values = {k: v for k, v in bundle.items() if not isinstance(v, np.ndarray)}
    (tmp / "bundle.json").write_text(json.dumps({"version": VERSION, "n": n, "arrays": arrays, "values": values},
                                                ensure_ascii=False), encoding="utf-8")
    try:
        os.replace(tmp, folder)  # atomic; fails when the folder exists (another process won the race)
    except OSError:
        if _load(folder, n) is None and folder.exists():  # a stale copy (older VERSION): move it aside
            stale = folder.with_name(f"{folder.name}.{os.getpid()}.stale")
            with contextlib.suppress(OSError):
                os.replace(folder, stale)  # processes that mapped its files keep them until they close
                shutil.rmtree(stale, ignore_errors=True)
            with contextlib.suppress(OSError):
                os.replace(tmp, folder)
        shutil.rmtree(tmp, ignore_errors=True)
        if not (folder / "bundle.json").exists():
            raise


def touch(arrays: list[np.ndarray]) -> None:
    """Read every page of memory-mapped arrays once (page cache prewarming; cheap, no copies kept)."""
    for arr in arrays:
        with contextlib.suppress(Exception):
            if arr.size:
                np.add.reduce(arr.reshape(-1)[:: max(1, 4096 // max(1, arr.itemsize))].astype(np.float64))
