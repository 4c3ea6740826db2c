"""``scsearch sync URL [--into DIR] [--json]`` and the hook that lets ``reindex`` sync the remembered sites."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from scsearch import errors
from scsearch.ingest.sync import state
from scsearch.ingest.sync.run import STATUS_LABELS, SyncOutcome, SyncReport, sync_site

EXIT_OK, EXIT_FAILED = 0, 1


def print_outcome(outcome: SyncOutcome, out: IO[str] = sys.stdout) -> None:
    label = STATUS_LABELS.get(outcome.status, outcome.status)
    if outcome.status == "failed":
        print(f"CHYBA {outcome.url}: {outcome.reason}", file=out, flush=True)
        return
    where = f" → {outcome.path}" if outcome.path and outcome.status == "downloaded" else ""
    note = f" ({outcome.reason})" if outcome.reason else ""
    print(f"{label} {outcome.url}{where}{note}", file=out, flush=True)


def summary(report: SyncReport, ingested: int | None) -> str:
    parts = [f"staženo {len(report.urls('downloaded'))}", f"beze změny {len(report.urls('unchanged'))}",
             f"chyb {len(report.failed)}"]
    if report.urls("withdrawn"):
        parts.append(f"odstraněno z webu {len(report.urls('withdrawn'))}")
    text = f"Synchronizace {report.url}: " + ", ".join(parts)
    if report.next_meeting:
        d = report.next_meeting.split("-")
        text += f"; příští jednání {int(d[2])}. {int(d[1])}. {d[0]}"
    return text + (f"; zaindexováno {ingested}." if ingested is not None else ".")


def report_json(report: SyncReport, ingested: int) -> dict[str, Any]:
    return {
        "downloaded": report.urls("downloaded"),
        "unchanged": report.urls("unchanged"),
        "failed": [{"url": o.url, "reason": o.reason} for o in report.failed],
        "withdrawn": report.urls("withdrawn"),
        "moved": report.urls("moved"),
        "ingested": ingested,
        "next_meeting": report.next_meeting or None,
        "into": report.into,
    }


def ingest_dir(data_dir: Path, into: str, *, quiet: bool) -> tuple[int, int]:
    """Ingest the sync folder with the ordinary pipeline; (indexed, failed)."""
    from scsearch.ingest.pipeline import Pipeline

    def show(result: Any, _done: int, _total: int) -> None:
        if result.status == "failed" and not quiet:
            print(f"CHYBA {result.path}: {result.reason}", flush=True)

    report = Pipeline(data_dir, progress=show).run([into])
    return report.count("indexed"), report.count("failed")


def cmd_sync(args: Any, data_dir: Path) -> int:
    into = Path(args.into) if args.into else None
    progress = None if args.json else print_outcome
    report = sync_site(data_dir, args.url, into=into, progress=progress)
    ingested = failed_files = 0
    if not report.error:
        ingested, failed_files = ingest_dir(data_dir, report.into, quiet=args.json)
    if args.json:
        print(json.dumps(report_json(report, ingested), ensure_ascii=False))
    else:
        print(summary(report, None if report.error else ingested))
    return EXIT_FAILED if report.failed or failed_files else EXIT_OK


def sync_remembered(data_dir: Path) -> tuple[list[str], bool]:
    """For ``reindex``: sync every site synced before; returns their folders and whether anything failed."""
    folders: list[str] = []
    failed = False
    for site in state.sites(data_dir):
        try:
            report = sync_site(data_dir, site.url, into=Path(site.into), progress=print_outcome)
        except (errors.UsageError, errors.IndexLocked) as exc:
            print(f"CHYBA {site.url}: {exc}", flush=True)
            failed = True
            continue
        print(summary(report, None))
        failed = failed or bool(report.failed)
        if Path(site.into).is_dir():
            folders.append(site.into)
    return folders, failed
