"""The ``scsearch`` command line.

Exit codes: 0 success; 1 some files failed (the rest is indexed and committed) or
the index is locked by another writer; 2 usage errors (one line on stderr); 141 the
reader of the output closed the pipe (``scsearch documents | head``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from scsearch import clisafe, errors, settings
from scsearch.index import params as rp
from scsearch.index.engine import ENGINES

T = TypeVar("T")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"scsearch: chyba: {message}\n")


def _arg(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse type from a request-value parser shared with the web API (``index.params``):
    the same ranges and Czech messages, ASCII digits only; a bad value exits 2 with one line."""

    def convert(value: str) -> T:
        try:
            return parse(value)
        except rp.ParamError as exc:
            raise argparse.ArgumentTypeError(exc.message) from None

    convert.__name__ = getattr(parse, "__name__", "hodnota")
    return convert


_date = _arg(partial(rp.parse_date, param="date", label="datum"))
_ministry = _arg(rp.parse_ministry)
_doc_type = _arg(rp.parse_doc_type)
_meeting = _arg(rp.parse_meeting)
_positive = _arg(rp.parse_limit)
_offset = _arg(rp.parse_offset)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="scsearch", description="Vyhledávání v dokumentech Pracovní skupiny pro Smart Cities.")
    p.add_argument("--data-dir", help="adresář s indexem (výchozí $SCSEARCH_DATA_DIR nebo ./instance)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ing = sub.add_parser("ingest", help="zaindexovat soubory a složky")
    ing.add_argument("paths", nargs="+", help="soubory nebo složky (rekurzivně)")
    ing.add_argument("--full", action="store_true", help="přestavět celý index")
    ing.add_argument("--workers", type=int, default=None, help="počet procesů extrakce")
    ing.add_argument("--engine", choices=ENGINES, default=None,
                     help="vyhledávací engine (výchozí: engine indexu, jinak SCSEARCH_ENGINE); jiný přestaví celý index")

    rei = sub.add_parser("reindex", help="znovu projít zdrojové složky (jen změny)")
    rei.add_argument("--full", action="store_true", help="přestavět vše od začátku")
    rei.add_argument("--workers", type=int, default=None, help="počet procesů extrakce")
    rei.add_argument("--engine", choices=ENGINES, default=None,
                     help="vyhledávací engine; s --full převede index na whoosh nebo tantivy")

    s = sub.add_parser("search", help="hledat", epilog=clisafe.DASH_HINT)
    s.add_argument("query", nargs="?", help="dotaz (může začínat „-“, např. -slovo)")
    s.add_argument("--json", action="store_true", help="výstup jako JSON")
    s.add_argument("--limit", type=_positive, default=10)
    s.add_argument("--offset", type=_offset, default=0)
    s.add_argument("--ministry", type=_ministry, action="append", default=[])
    s.add_argument("--type", dest="types", type=_doc_type, action="append", default=[])
    s.add_argument("--from", dest="date_from", type=_date)
    s.add_argument("--to", dest="date_to", type=_date)
    s.add_argument("--meeting", type=_meeting, action="append", default=[], help="číslo jednání (lze opakovat)")
    s.add_argument("--sort", choices=rp.SORTS, default="relevance")
    s.add_argument("--group", action="store_true", help="seskupit podle dokumentů")
    s.add_argument("--csv", action="store_true", help="výstup jako CSV (UTF-8 s BOM)")

    d = sub.add_parser("documents", help="seznam zaindexovaných dokumentů")
    d.add_argument("--json", action="store_true")

    dec = sub.add_parser("decisions", help="usnesení a úkoly z jednání")
    dec.add_argument("--json", action="store_true")
    dec.add_argument("--ministry", type=_ministry, action="append", default=[])
    dec.add_argument("--from", dest="date_from", type=_date)
    dec.add_argument("--to", dest="date_to", type=_date)
    dec.add_argument("--meeting", type=_meeting, action="append", default=[], help="číslo jednání (lze opakovat)")
    dec.add_argument("--deadline-from", dest="deadline_from", type=_date, help="termín splnění od (RRRR-MM-DD)")
    dec.add_argument("--deadline-to", dest="deadline_to", type=_date, help="termín splnění do (RRRR-MM-DD)")
    dec.add_argument("--query", default="", help="hledat jen v usneseních a úkolech")
    dec.add_argument("--csv", action="store_true", help="výstup jako CSV (UTF-8 s BOM)")

    sv = sub.add_parser("serve", help="spustit webové rozhraní")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=5000)
    sv.add_argument("--debug", action="store_true", help="ladicí režim (vývojový server)")
    sv.add_argument("--dev", action="store_true", help="vývojový server Flasku místo gunicornu")
    sv.add_argument("--workers", type=int, default=None, help="počet procesů serveru (výchozí: počet jader)")

    m = sub.add_parser("models", help="jazykové modely (stanza)")
    msub = m.add_subparsers(dest="models_command", required=True, parser_class=_Parser)
    msub.add_parser("status", help="co je nainstalováno a který lemmatizátor je aktivní")
    msub.add_parser("download", help="stáhnout české modely stanza (vyžaduje internet)")

    doc = sub.add_parser("doctor", help="zkontrolovat instalaci (OCR, LibreOffice, modely, index, administrace)")
    doc.add_argument("--json", action="store_true")
    bk = sub.add_parser("backup", help="zálohovat index, cache a databázi administrace do jednoho archivu")
    bk.add_argument("file", help="cílový archiv (.tar)")
    rs = sub.add_parser("restore", help="obnovit zálohu do prázdného datového adresáře")
    rs.add_argument("file", help="archiv vytvořený scsearch backup")
    for cmd in (bk, rs):  # --data-dir also after the command name
        cmd.add_argument("--data-dir", default=argparse.SUPPRESS, help="datový adresář")
    sy = sub.add_parser("sync", help="stáhnout nové a změněné dokumenty ze stránky pracovní skupiny a zaindexovat je")
    sy.add_argument("url", help="adresa stránky (http:// nebo https://)")
    sy.add_argument("--into", help="cílová složka (výchozí <data-dir>/sources/<server>)")
    sy.add_argument("--json", action="store_true", help="výstup jako JSON")
    from scsearch.alerts import cli as alerts_cli

    alerts_cli.add_parser(sub, ministry=_ministry, doc_type=_doc_type, date=_date, meeting=_meeting)

    from scsearch import cli_records

    cli_records.add_parsers(sub, _date, _ministry)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = clisafe.parse(parser, None if argv is None else list(argv))
    data_dir = settings.data_dir(args.data_dir)
    if problem := clisafe.data_dir_problem(data_dir):
        print(f"scsearch: chyba: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        handler = _COMMANDS[args.command]
        return handler(args, data_dir)
    except BrokenPipeError:
        return clisafe.pipe_closed()
    except errors.UsageError as exc:
        print(f"scsearch: chyba: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except errors.IndexLocked as exc:
        print(f"scsearch: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except errors.IndexMismatch as exc:
        print(f"scsearch: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("scsearch: přerušeno; index zůstal v posledním platném stavu", file=sys.stderr)
        return 130


# ------------------------------------------------------------------ commands


def _cmd_ingest(args: argparse.Namespace, data_dir: Path) -> int:
    for p in args.paths:
        if not Path(p).exists():
            print(f"scsearch: chyba: cesta neexistuje: {p}", file=sys.stderr)
            return EXIT_USAGE
    return _run_ingest(args.paths, data_dir, full=args.full, workers=args.workers, engine=args.engine)


def _cmd_reindex(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.ingest import sources
    from scsearch.ingest.sync.command import sync_remembered

    configured = sources.configured() or sources.recorded(data_dir)
    synced, sync_failed = sync_remembered(data_dir)  # sites given to `scsearch sync` are synced first
    configured = list(dict.fromkeys([*configured, *synced]))
    if not configured:
        print("scsearch: chyba: nejsou nastaveny zdrojové složky (SCSEARCH_SOURCES) ani nebyl dříve spuštěn ingest",
              file=sys.stderr)
        return EXIT_USAGE
    existing = [s for s in configured if Path(s).exists()]
    for s in configured:
        if s not in existing:
            print(f"varování: zdrojová složka neexistuje: {s}", file=sys.stderr)
    return _run_ingest(existing, data_dir, full=args.full, workers=args.workers, engine=args.engine) \
        or int(sync_failed)


def _run_ingest(paths: list[str], data_dir: Path, *, full: bool, workers: int | None, engine: str | None = None) -> int:
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.ingest.runlog import record_run
    from scsearch.progress import ProgressPrinter

    printer = ProgressPrinter(sys.stdout)
    pipeline = Pipeline(data_dir, full=full, progress=printer.file_done, workers=workers, engine=engine)
    started, failed = time.monotonic(), -1
    try:
        report = pipeline.run(paths)
        failed = len(report.failed)
    finally:
        record_run(data_dir, time.monotonic() - started, ok=failed == 0, files_failed=max(0, failed))
    printer.finish(report)
    from scsearch.alerts.cli import after_ingest

    after_ingest(data_dir)
    return EXIT_FAILED if report.failed else EXIT_OK


def _request_from(args: argparse.Namespace, query: str, types: list[str]) -> Any:
    from scsearch.index.types import SearchRequest

    deadline_from, deadline_to = getattr(args, "deadline_from", None), getattr(args, "deadline_to", None)
    try:
        rp.check_range(args.date_from, args.date_to, "from", "Datum")
        rp.check_range(deadline_from, deadline_to, "deadline_from", "Termín")
    except rp.ParamError as exc:
        raise errors.UsageError(exc.message) from None
    return SearchRequest(
        query=query,
        ministries=tuple(dict.fromkeys(args.ministry)),
        doc_types=tuple(dict.fromkeys(types)),
        date_from=args.date_from,
        date_to=args.date_to,
        meetings=tuple(dict.fromkeys(getattr(args, "meeting", []))),
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        limit=getattr(args, "limit", 1000),
        offset=max(0, getattr(args, "offset", 0)),
        sort=getattr(args, "sort", "date"),
        group=getattr(args, "group", False),
    )


def _cmd_search(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.index.search import Searcher

    req = _request_from(args, args.query, args.types)
    searcher = Searcher(data_dir)
    resp = searcher.search(req)
    if args.csv:
        return _print_csv("search", resp, searcher, args.query)
    if args.json:
        print(json.dumps(resp.to_json(), ensure_ascii=False))
        return EXIT_OK
    from scsearch.textout import print_results

    print_results(resp, searcher.stats())
    return EXIT_OK


def _cmd_documents(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.index.search import Searcher
    from scsearch.ingest import exclusions

    searcher = Searcher(data_dir)
    docs = searcher.documents()
    excluded = exclusions.entries(data_dir)
    if args.json:
        from scsearch.index.records_json import document_json

        out = [document_json(d) for d in docs]
        listing: dict[str, Any] = {"documents": out, "total": len(out), **searcher.stats()}
        if excluded:  # the operator's view only: the public /api/documents does not list removed files
            listing["excluded"] = [e.to_json() for e in excluded]
        print(json.dumps(listing, ensure_ascii=False))
        return EXIT_OK
    from scsearch.textout import print_documents

    print_documents(docs, searcher.stats(), excluded)
    return EXIT_OK


def _cmd_decisions(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.index.search import Searcher

    args.limit, args.sort = 1000, "date"
    req = _request_from(args, args.query, ["decision"])
    searcher = Searcher(data_dir)
    resp = searcher.search(req)
    if args.csv:
        return _print_csv("decisions", resp, searcher, args.query)
    if args.json:
        from scsearch.index.records_json import decision_json

        out = [decision_json(h) for h in resp.hits]
        print(json.dumps({"total": resp.total, "decisions": out}, ensure_ascii=False))
        return EXIT_OK
    from scsearch.textout import print_decisions

    print_decisions(resp)
    return EXIT_OK


def _print_csv(what: str, resp: Any, searcher: Any, q: str) -> int:
    from scsearch import exports, urls

    rows = exports.rows_for(resp.hits, searcher.documents(), q, urls.base_url())
    sys.stdout.write(exports.search_csv(rows) if what == "search" else exports.decisions_csv(rows))
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.index import store
    from scsearch.webui.server import ServeOptions, default_workers, serve

    store.cleanup_if_idle(data_dir)

    if args.workers is not None and not 1 <= args.workers <= 64:
        raise errors.UsageError("--workers musí být 1–64")
    return serve(ServeOptions(host=args.host, port=args.port, workers=args.workers or default_workers(),
                              data_dir=data_dir, dev=args.dev, debug=args.debug))


def _cmd_models(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.language.lemmatize import models_download, models_status

    stanza_dir = settings.get("stanza_dir") or None
    if args.models_command == "status":
        print(models_status(stanza_dir))
        return EXIT_OK
    try:
        models_download(stanza_dir, progress=True)
    except Exception as exc:  # noqa: BLE001 - network failures are reported, not raised
        print(f"scsearch: stažení modelů selhalo: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(models_status(stanza_dir))
    return EXIT_OK


def _cmd_doctor(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.doctor import main as doctor_main

    return doctor_main(data_dir, args.json)


def _cmd_backup(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.backup import backup_main

    return backup_main(data_dir, Path(args.file))


def _cmd_restore(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.backup import restore_main

    return restore_main(Path(args.file), data_dir)


def _cmd_sync(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.ingest.sync.command import cmd_sync

    return cmd_sync(args, data_dir)


def _cmd_alerts(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.alerts.cli import command

    return command(args, data_dir)


_COMMANDS = {
    "ingest": _cmd_ingest,
    "reindex": _cmd_reindex,
    "search": _cmd_search,
    "documents": _cmd_documents,
    "decisions": _cmd_decisions,
    "serve": _cmd_serve,
    "models": _cmd_models,
    "doctor": _cmd_doctor,
    "backup": _cmd_backup,
    "restore": _cmd_restore,
    "sync": _cmd_sync,
    "alerts": _cmd_alerts,
}
_COMMANDS.update(__import__("scsearch.cli_records", fromlist=["COMMANDS"]).COMMANDS)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
