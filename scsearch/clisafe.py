"""Robust edges of the command line: odd arguments, a closed pipe, a bad ``--data-dir``.

- A query may start with ``-`` (``scsearch search -dotace``): argparse would take it for an
  option, so a lone unknown ``-word`` after ``search`` becomes the query; ``--`` works too.
- Arguments that are not valid UTF-8 become valid text (bad bytes -> U+FFFD), so JSON is valid.
- ``scsearch documents | head``: a reader that closes the pipe ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command ended by a closed pipe
DASH_HINT = "dotaz začínající „-“ lze zadat i za „--“, např. scsearch search -- -slovo"


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """``parser.parse_args`` that accepts a search query starting with ``-``."""
    args, unknown = parser.parse_known_args(argv)
    if unknown and getattr(args, "command", None) == "search" and args.query is None and len(unknown) == 1:
        args.query, unknown = unknown[0], []
    if unknown:
        parser.error(f"neznámé argumenty: {' '.join(unknown)} ({DASH_HINT})")
    if getattr(args, "command", None) == "search" and args.query is None:
        parser.error(f"chybí dotaz ({DASH_HINT})")
    for name in ("query",):
        value = getattr(args, name, None)
        if isinstance(value, str):
            setattr(args, name, valid_text(value))
    return args


def valid_text(text: str) -> str:
    """Text as it can be written to JSON: bytes that were not UTF-8 become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def data_dir_problem(path: Path) -> str:
    """Why ``path`` cannot be the data directory (empty when it can)."""
    for p in (path, *path.parents):
        if p.exists():
            return "" if p.is_dir() else f"datový adresář {path} nelze použít: {p} není adresář"
    return ""


def pipe_closed() -> int:
    """Call on ``BrokenPipeError``: silence stdout (no second error at exit) and give the exit code."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_PIPE
