"""Readable terminal output for search, documents and decisions."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from scsearch.index.citation import NBSP, unit_label
from scsearch.ingest.discover import printable


def _plain(snippet_html: str) -> str:
    text = re.sub(r"</?mark>", "*", snippet_html)
    return html.unescape(text).replace(NBSP, " ")


def print_results(resp: Any, stats: dict[str, Any]) -> None:
    for n in resp.notices:
        print(f"! {n}")
    if resp.suggestion:
        print(f"Měli jste na mysli: {resp.suggestion}?")
    print(f"Nalezeno: {resp.total} stran/jednotek")
    for i, h in enumerate(resp.hits, 1):
        date = f"{h.date.day}. {h.date.month}. {h.date.year}" if h.date else "bez data"
        where = unit_label(h.kind, h.page, h.page_label).replace(NBSP, " ")
        print(f"\n{i}. {h.title}  [{h.doc_type}, {date}, {', '.join(h.ministries) or '–'}] {where}")
        print(f"   {printable(h.path)}")
        print(f"   {_plain(h.snippet)}")
    if stats.get("lemmatizer"):
        print(f"\n(lemmatizátor: {stats['lemmatizer']}, generace {stats.get('generation')})")


def print_documents(docs: list[dict[str, Any]], stats: dict[str, Any], excluded: Sequence[Any] = ()) -> None:
    """One line per document (file names escaped onto one line), then the excluded files."""
    for d in docs:
        method = d.get("method", "text")
        print(
            f"{d.get('date') or '----------'}  {d.get('doc_type', ''):<16} {d.get('units', 0):>4} {d.get('unit_kind', '')}  "
            f"{method:<9} {','.join(d.get('ministries', [])):<20} {printable(d['path'])}"
        )
        print(f"            {printable(d.get('title', ''))}")
    print(f"\nCelkem {len(docs)} dokumentů; lemmatizátor {stats.get('lemmatizer')}, generace {stats.get('generation')}")
    if excluded:
        print(f"\nVyloučeno z indexu (odebráno v administraci, vrátit lze tamtéž): {len(excluded)}")
        for e in excluded:
            print(f"vyloučeno   {printable(e.path)}  (od {e.at})")


def print_decisions(resp: Any) -> None:
    for h in resp.hits:
        dec = h.decision or {}
        date = h.date.isoformat() if h.date else "----------"
        resp_ = ", ".join(dec.get("responsible", [])) or "–"
        deadline = dec.get("deadline") or dec.get("deadline_text") or "–"
        print(f"{date}  [{dec.get('kind', '')}] {dec.get('number', '')} odpovídá: {resp_}; termín: {deadline}")
        print(f"    {dec.get('text', '')}")
        print(f"    ({h.citation})")
    print(f"\nCelkem {resp.total} usnesení a úkolů")
