"""Totals of the ingest runs of the command line, kept in ``DATA_DIR/ingest-runs.json``.

``scsearch ingest``/``reindex`` run in processes of their own, so the web server cannot count them
in memory: each run adds itself to this small file (replaced atomically) and ``/metrics`` reads it.
Background jobs of the administration are counted from their table in ``admin.sqlite`` instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

RUNLOG = "ingest-runs.json"


@dataclass(frozen=True)
class RunTotals:
    runs: int = 0
    failed_runs: int = 0  # runs that ended with an error or with files that failed
    files_failed: int = 0
    seconds_total: float = 0.0
    last_seconds: float = 0.0
    last_finished: str = ""


def read_totals(data_dir: Path) -> RunTotals:
    try:
        raw = json.loads((Path(data_dir) / RUNLOG).read_text(encoding="utf-8"))
        return RunTotals(**{k: raw[k] for k in RunTotals.__dataclass_fields__ if k in raw})
    except (OSError, ValueError, TypeError):
        return RunTotals()


def record_run(data_dir: Path, seconds: float, *, ok: bool, files_failed: int) -> None:
    """Add one finished run to the totals (best effort: a read-only data dir is no error)."""
    old = read_totals(data_dir)
    new = RunTotals(
        runs=old.runs + 1,
        failed_runs=old.failed_runs + (0 if ok else 1),
        files_failed=old.files_failed + files_failed,
        seconds_total=round(old.seconds_total + seconds, 3),
        last_seconds=round(seconds, 3),
        last_finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    path = Path(data_dir) / RUNLOG
    tmp = path.with_name(f"{RUNLOG}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps(asdict(new)), encoding="utf-8")
        os.replace(tmp, path)
