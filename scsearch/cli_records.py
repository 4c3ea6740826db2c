"""``scsearch calls`` and ``scsearch meetings``: funding calls and meetings as records of their own."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK = 0


def _days(value: str) -> int:
    from scsearch.index.params import ascii_int

    n = ascii_int(value)
    if n is None or not 0 <= n <= 3660:
        raise argparse.ArgumentTypeError(f"Neplatný počet dní „{value[:40]}“ (očekáváno 0–3660).")
    return n


def add_parsers(sub: Any, date_type: Callable[[str], dt.date], ministry_type: Callable[[str], str]) -> None:
    c = sub.add_parser("calls", help="výzvy z přehledů aktuálních výzev")
    c.add_argument("--json", action="store_true", help="výstup jako JSON")
    c.add_argument("--open-on", dest="open_on", type=date_type, help="výzvy otevřené v tento den (RRRR-MM-DD)")
    c.add_argument("--closing-within", dest="closing_within", type=_days,
                   help="příjem žádostí končí do tolika dní (od --open-on, jinak od dneška)")
    c.add_argument("--ministry", type=ministry_type, action="append", default=[], help="poskytovatel (lze opakovat)")
    c.add_argument("--applicant", default="", help="oprávněný žadatel: obce, kraje, svazky obcí, MAS, … nebo text")
    c.add_argument("--area", default="", help="oblast (Energetika, Doprava, …)")
    c.add_argument("--query", default="", help="slova v názvu, programu, oblasti nebo žadatelích")

    m = sub.add_parser("meetings", help="jednání pracovní skupiny: zápisy, prezentace, usnesení, účast")
    m.add_argument("--json", action="store_true", help="výstup jako JSON")


def cmd_calls(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.index.calls import CallFilter, build_calls, calls_json, filter_calls
    from scsearch.index.search import Searcher

    f = CallFilter(open_on=args.open_on, closing_within=args.closing_within, today=dt.date.today(),
                   ministries=tuple(dict.fromkeys(args.ministry)), applicant=args.applicant, area=args.area,
                   query=args.query)
    calls = filter_calls(build_calls(Searcher(data_dir).documents()), f)
    if args.json:
        print(json.dumps(calls_json(calls), ensure_ascii=False))
        return EXIT_OK
    for call in calls:
        r = call.row
        print(f"{r.open_text or '–':<28} {','.join(r.provider) or '–':<8} {r.programme}: {r.call}")
        print(f"    oblast: {r.area or '–'}; alokace: {r.allocation_text or '–'}; žadatelé: {r.applicants or '–'}")
        where = f"s. {r.page}, ř. {r.row}" if r.page else f"ř. {r.row}"
        print(f"    zdroj: {r.path} ({where}); verzí: {len(call.versions)}")
        for note in (*call.changes, *(f"! {flag}" for flag in call.flags)):
            print(f"    {note}")
    print(f"\nCelkem {len(calls)} výzev")
    return EXIT_OK


def cmd_meetings(args: argparse.Namespace, data_dir: Path) -> int:
    from scsearch.index.meetings import load_meetings, meetings_json
    from scsearch.index.search import Searcher

    meetings = load_meetings(Searcher(data_dir))
    if args.json:
        print(json.dumps(meetings_json(meetings), ensure_ascii=False))
        return EXIT_OK
    for m in meetings:
        date = m.date.isoformat() if m.date else "----------"
        print(f"{date}  {m.number}. jednání{f' – {m.place}' if m.place else ''}")
        print(f"    přítomna ministerstva: {', '.join(m.ministries_present) or '–'}")
        for d in m.documents:
            print(f"    [{d.doc_type}] {d.title} ({d.path})")
        for dec in m.decisions:
            done = dec.get("done")
            state = f" – splněno ({done['meeting']}. jednání)" if done else ""
            print(f"    {dec.get('number') or dec.get('kind')}: {dec.get('text', '')[:100]}{state}")
    print(f"\nCelkem {len(meetings)} jednání")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Path], int]] = {"calls": cmd_calls, "meetings": cmd_meetings}
