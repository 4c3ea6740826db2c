"""``scsearch alerts add|list|remove|run`` and the run after every ingest (``after_ingest``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scsearch import errors, urls

# The parser is built on every CLI call: the modules below (the search among them) load only when used.

EXIT_OK, EXIT_FAILED = 0, 1


def add_parser(sub: Any, *, ministry: Callable[[str], str], doc_type: Callable[[str], str],
               date: Callable[[str], Any], meeting: Callable[[str], int]) -> None:
    """Register ``alerts`` on the CLI's subparsers (the value checkers are the CLI's own)."""
    a = sub.add_parser("alerts", help="e-mailová upozornění na nové dokumenty")
    asub = a.add_subparsers(dest="alerts_command", required=True, parser_class=type(a))
    add = asub.add_parser("add", help="přidat potvrzený odběr hledání")
    add.add_argument("--email", required=True, help="e-mailová adresa odběratele")
    add.add_argument("query", nargs="?", default="", help="dotaz (jako na stránce hledání)")
    add.add_argument("--ministry", type=ministry, action="append", default=[])
    add.add_argument("--type", dest="types", type=doc_type, action="append", default=[])
    add.add_argument("--from", dest="date_from", type=date)
    add.add_argument("--to", dest="date_to", type=date)
    add.add_argument("--meeting", type=meeting, action="append", default=[])
    lst = asub.add_parser("list", help="vypsat odběry")
    lst.add_argument("--json", action="store_true")
    rm = asub.add_parser("remove", help="odstranit odběr")
    rm.add_argument("id", type=int)
    asub.add_parser("run", help="rozeslat upozornění na nově nalezené dokumenty")


def command(args: argparse.Namespace, data_dir: Path) -> int:
    return {"add": _add, "list": _list, "remove": _remove, "run": _run}[args.alerts_command](args, data_dir)


def _add(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.alerts.mailer import normalize_address, smtp_config
    from scsearch.alerts.runner import OFF_NOTICE
    from scsearch.alerts.search_spec import MAX_QUERY_CHARS, SavedSearch
    from scsearch.alerts.store import AlertStore

    try:
        email = normalize_address(args.email)
    except errors.BadAddress as exc:
        raise errors.UsageError(str(exc)) from None
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise errors.UsageError("datum --from je po datu --to")
    saved = SavedSearch(q=" ".join(args.query.split())[:MAX_QUERY_CHARS], ministries=tuple(dict.fromkeys(args.ministry)),
                        types=tuple(dict.fromkeys(args.types)), meetings=tuple(dict.fromkeys(args.meeting)),
                        date_from=args.date_from, date_to=args.date_to)
    if saved.empty:
        raise errors.UsageError("zadejte dotaz nebo alespoň jeden filtr")
    with AlertStore(data_dir) as store:
        sub, _ = store.subscribe(email, saved.query_string(), confirmed=True, site=urls.base_url())
    print(f"odběr č. {sub.id}: {email} – {saved.label()} (aktivní)")
    if smtp_config() is None:
        print(f"varování: {OFF_NOTICE}", file=sys.stderr)
    elif not urls.base_url():
        print("varování: není nastavena SCSEARCH_BASE_URL, odkazy v e-mailech nebudou obsahovat adresu webu",
              file=sys.stderr)
    return EXIT_OK


def _list(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.alerts.mailer import smtp_config
    from scsearch.alerts.search_spec import from_query_string
    from scsearch.alerts.store import AlertStore

    with AlertStore(data_dir) as store:
        subs = store.subscriptions()
    if args.json:
        out = [dict(s.to_json(), label=from_query_string(s.search).label()) for s in subs]
        print(json.dumps({"subscriptions": out, "total": len(out), "enabled": smtp_config() is not None},
                         ensure_ascii=False))
        return EXIT_OK
    if not subs:
        print("žádné odběry")
    for s in subs:
        print(f"{s.id:>4}  {s.state_label:<17} {s.email}  {from_query_string(s.search).label()}"
              + (f"  [chyba: {s.last_error}]" if s.last_error else ""))
    return EXIT_OK


def _remove(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.alerts.store import AlertStore

    with AlertStore(data_dir) as store:
        removed = store.remove(args.id)
    if not removed:
        print(f"scsearch: odběr č. {args.id} neexistuje", file=sys.stderr)
        return EXIT_FAILED
    print(f"odběr č. {args.id} odstraněn")
    return EXIT_OK


def _run(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.alerts.runner import run_alerts

    report = run_alerts(data_dir)
    for line in report.lines:
        print(line, file=sys.stderr)
    print(report.summary())
    return EXIT_FAILED if report.failed else EXIT_OK


def after_ingest(data_dir: str | Path, out: Any = None) -> None:
    """Send the alerts after an ingest, a sync or an admin re-index; never fails the caller."""
    from scsearch.alerts.mailer import smtp_config
    from scsearch.alerts.runner import run_alerts

    out = out or sys.stdout
    try:
        if smtp_config() is None:
            return
        report = run_alerts(data_dir)
    except Exception as exc:  # noqa: BLE001 - the index is committed; alerts report and retry next time
        print(f"upozornění se nepodařilo rozeslat: {type(exc).__name__}: {exc}", file=out)
        return
    for line in report.lines:
        print(line, file=out)
    print(report.summary(), file=out)
