"""The ``scsearch`` command line.

Exit codes: 0 success; 1 some files failed (the rest is indexed and committed) or
the index is locked by another writer; 2 usage errors (one line on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from scsearch import errors, settings
from scsearch.models import DOC_TYPES

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"scsearch: chyba: {message}\n")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"neplatné datum {value!r} (očekáváno RRRR-MM-DD)") from None


def _ministry(value: str) -> str:
    from scsearch.ingest.metadata.entities import normalize_ministry

    code = normalize_ministry(value)
    if code is None:
        raise argparse.ArgumentTypeError(
            f"neznámé ministerstvo {value!r} (MMR, MŽP, MPO, MD, MZe, MZd, MPSV, MK, MV)"
        )
    return code


def _doc_type(value: str) -> str:
    v = value.strip().lower()
    if v not in DOC_TYPES + ("decision",):
        raise argparse.ArgumentTypeError(f"neznámý typ {value!r} ({', '.join(DOC_TYPES + ('decision',))})")
    return v


def _meeting(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"neplatné číslo jednání {value!r}") from None
    if not 1 <= n <= 999:
        raise argparse.ArgumentTypeError(f"číslo jednání musí být 1–999, ne {n}")
    return n


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"neplatné číslo {value!r}") from None
    if n < 1 or n > 1000:
        raise argparse.ArgumentTypeError(f"počet musí být 1–1000, ne {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="scsearch", description="Vyhledávání v dokumentech Pracovní skupiny pro Smart Cities.")
    p.add_argument("--data-dir", help="adresář s indexem (výchozí $SCSEARCH_DATA_DIR nebo ./instance)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ing = sub.add_parser("ingest", help="zaindexovat soubory a složky")
    ing.add_argument("paths", nargs="+", help="soubory nebo složky (rekurzivně)")
    ing.add_argument("--full", action="store_true", help="přestavět celý index")
    ing.add_argument("--workers", type=int, default=None, help="počet procesů extrakce")

    rei = sub.add_parser("reindex", help="znovu projít zdrojové složky (jen změny)")
    rei.add_argument("--full", action="store_true", help="přestavět vše od začátku")
    rei.add_argument("--workers", type=int, default=None, help="počet procesů extrakce")

    s = sub.add_parser("search", help="hledat")
    s.add_argument("query")
    s.add_argument("--json", action="store_true", help="výstup jako JSON")
    s.add_argument("--limit", type=_positive, default=10)
    s.add_argument("--offset", type=int, default=0)
    s.add_argument("--ministry", type=_ministry, action="append", default=[])
    s.add_argument("--type", dest="types", type=_doc_type, action="append", default=[])
    s.add_argument("--from", dest="date_from", type=_date)
    s.add_argument("--to", dest="date_to", type=_date)
    s.add_argument("--meeting", type=_meeting, action="append", default=[], help="číslo jednání (lze opakovat)")
    s.add_argument("--sort", choices=("relevance", "date", "date_asc"), default="relevance")
    s.add_argument("--group", action="store_true", help="seskupit podle dokumentů")

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

    sv = sub.add_parser("serve", help="spustit webové rozhraní")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=5000)
    sv.add_argument("--debug", action="store_true")

    m = sub.add_parser("models", help="jazykové modely (stanza)")
    msub = m.add_subparsers(dest="models_command", required=True, parser_class=_Parser)
    msub.add_parser("status", help="co je nainstalováno a který lemmatizátor je aktivní")
    msub.add_parser("download", help="stáhnout české modely stanza (vyžaduje internet)")

    from scsearch import cli_records

    cli_records.add_parsers(sub, _date, _ministry)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    data_dir = settings.data_dir(args.data_dir)
    try:
        handler = _COMMANDS[args.command]
        return handler(args, data_dir)
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
    return _run_ingest(args.paths, data_dir, full=args.full, workers=args.workers)


def _cmd_reindex(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.index import store

    configured = [s for s in str(settings.get("sources")).split(":") if s]
    if not configured:
        gen = store.current_generation(data_dir)
        configured = list(store.read_meta(gen).get("sources", [])) if gen else []
    if not configured:
        print("scsearch: chyba: nejsou nastaveny zdrojové složky (SCSEARCH_SOURCES) ani nebyl dříve spuštěn ingest",
              file=sys.stderr)
        return EXIT_USAGE
    existing = [s for s in configured if Path(s).exists()]
    for s in configured:
        if s not in existing:
            print(f"varování: zdrojová složka neexistuje: {s}", file=sys.stderr)
    return _run_ingest(existing, data_dir, full=args.full, workers=args.workers)


def _run_ingest(paths: list[str], data_dir: Path, *, full: bool, workers: int | None) -> int:
    from scsearch.ingest.pipeline import Pipeline
    from scsearch.progress import ProgressPrinter

    printer = ProgressPrinter(sys.stdout)
    pipeline = Pipeline(data_dir, full=full, progress=printer.file_done, workers=workers)
    report = pipeline.run(paths)
    printer.finish(report)
    return EXIT_FAILED if report.failed else EXIT_OK


def _request_from(args: argparse.Namespace, query: str, types: list[str]) -> Any:
    from scsearch.index.types import SearchRequest

    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise errors.UsageError("datum --from je po datu --to")
    deadline_from, deadline_to = getattr(args, "deadline_from", None), getattr(args, "deadline_to", None)
    if deadline_from and deadline_to and deadline_from > deadline_to:
        raise errors.UsageError("datum --deadline-from je po datu --deadline-to")
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
    if args.json:
        print(json.dumps(resp.to_json(), ensure_ascii=False))
        return EXIT_OK
    from scsearch.textout import print_results

    print_results(resp, searcher.stats())
    return EXIT_OK


def _cmd_documents(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.index.search import Searcher

    searcher = Searcher(data_dir)
    docs = searcher.documents()
    if args.json:
        from scsearch.index.records_json import document_json

        out = [document_json(d) for d in docs]
        print(json.dumps({"documents": out, "total": len(out), **searcher.stats()}, ensure_ascii=False))
        return EXIT_OK
    from scsearch.textout import print_documents

    print_documents(docs, searcher.stats())
    return EXIT_OK


def _cmd_decisions(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.index.search import Searcher

    args.limit, args.sort = 1000, "date"
    req = _request_from(args, args.query, ["decision"])
    resp = Searcher(data_dir).search(req)
    if args.json:
        from scsearch.index.records_json import decision_json

        out = [decision_json(h) for h in resp.hits]
        print(json.dumps({"total": resp.total, "decisions": out}, ensure_ascii=False))
        return EXIT_OK
    from scsearch.textout import print_decisions

    print_decisions(resp)
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.webui import create_app

    app = create_app({"DATA_DIR": str(data_dir)})
    print(f"scsearch: webové rozhraní běží na http://{args.host}:{args.port}/ (index: {data_dir})", flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug, threaded=True, use_reloader=False)
    return EXIT_OK


def _cmd_models(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.ingest.lemmatize import models_download, models_status

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


_COMMANDS = {
    "ingest": _cmd_ingest,
    "reindex": _cmd_reindex,
    "search": _cmd_search,
    "documents": _cmd_documents,
    "decisions": _cmd_decisions,
    "serve": _cmd_serve,
    "models": _cmd_models,
}
_COMMANDS.update(__import__("scsearch.cli_records", fromlist=["COMMANDS"]).COMMANDS)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
