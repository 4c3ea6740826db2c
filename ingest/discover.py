"""Finding the files to ingest under the given paths, and which names are never documents.

The skip rules live here once. Left out silently: hidden files and folders, sidecars,
temporary and lock files, Office owner files (``~$…``), whatever a ``.scsearchignore``
lists, symlinked folders (never followed) and the data directory itself. Reported by name
with a reason and skipped: anything that is not a regular file (FIFO, device, socket),
links whose target leaves the source folders, names that are not valid UTF-8, and folders
that cannot be read.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# names the pipeline never takes as documents (uploads are renamed so as not to end like these)
SKIP_SUFFIXES = (".meta.json", ".sync.json", ".tmp", ".part", ".lock")
IGNORE_FILE = ".scsearchignore"
_KINDS = ((stat.S_ISFIFO, "pojmenovaná roura, FIFO"), (stat.S_ISCHR, "znakové zařízení"),
          (stat.S_ISBLK, "blokové zařízení"), (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "složka"))


def printable(text: str) -> str:
    r"""One line of valid text for any path: bad bytes as ``\xNN``, control characters escaped.

    >>> printable("a\nb.pdf")
    'a\\nb.pdf'
    >>> printable("z\udce1pis.txt")
    'z\\xe1pis.txt'
    """
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(
        ch if unicodedata.category(ch)[0] != "C" or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def valid_text(text: str) -> bool:
    """Whether a name decoded from the file system is valid UTF-8 (has no surrogate escapes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Skipped:
    """A file or folder that was looked at and left out; ``failed`` ones count as errors."""

    path: str  # printable
    reason: str
    failed: bool = False


def canonical_roots(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Absolute, normalised spellings of the given paths, each real folder once (first spelling wins)."""
    out: dict[str, str] = {}
    for p in paths:
        absolute = os.path.abspath(os.fspath(p))
        out.setdefault(os.path.realpath(absolute), absolute)
    return list(out.values())


class Discovery:
    """The files under canonical roots, in sorted order, with the reasons others were skipped."""

    def __init__(self, roots: Iterable[str], *, data_dir: str | os.PathLike[str]) -> None:
        self.roots = list(roots)
        self.real_roots = [os.path.realpath(r) for r in self.roots]
        self.data_dir = os.path.realpath(os.fspath(data_dir))

    def walk(self) -> Iterator[Path | Skipped]:
        for root in self.roots:
            if not valid_text(root):
                yield Skipped(printable(root), "název není platné UTF-8; přejmenujte jej", failed=True)
                continue
            if os.path.realpath(root) == self.data_dir:
                continue
            if not os.path.isdir(root):
                yield self._check(Path(root))
                continue
            yield from self._walk_folder(Path(root))

    def _walk_folder(self, top: Path) -> Iterator[Path | Skipped]:
        ignores: list[tuple[Path, list[str]]] = []
        errors: list[OSError] = []
        for root, dirs, files in os.walk(top, onerror=errors.append):
            while errors:
                exc = errors.pop()
                yield Skipped(printable(str(exc.filename)), f"složku nelze číst ({exc.strerror})", failed=True)
            here = Path(root)
            try:
                text = (here / IGNORE_FILE).read_text(encoding="utf-8", errors="replace")
            except OSError:  # none (or unreadable)
                text = ""
            if text:
                pats = [ln.strip() for ln in text.splitlines()]
                ignores.append((here, [x for x in pats if x and not x.startswith("#")]))
            dirs[:] = sorted(
                d for d in dirs
                if not d.startswith(".") and not _ignored(here / d, True, ignores)
                and os.path.realpath(here / d) != self.data_dir
            )
            for name in sorted(files):
                if wanted(name) and not _ignored(here / name, False, ignores):
                    yield self._check(here / name)
        while errors:
            exc = errors.pop()
            yield Skipped(printable(str(exc.filename)), f"složku nelze číst ({exc.strerror})", failed=True)

    def _check(self, path: Path) -> Path | Skipped:
        """The path if it may be opened as a document, else why not."""
        name = str(path)
        if not valid_text(name):
            return Skipped(printable(name), "název souboru není platné UTF-8 (např. z archivu ZIP z Windows); "
                           "přejmenujte soubor", failed=True)
        try:
            if path.is_symlink():
                target = os.path.realpath(path)
                if not any(_inside(target, r) for r in self.real_roots):
                    return Skipped(name, f"odkaz vede mimo zdrojové složky ({printable(target)})")
            mode = path.stat().st_mode
        except OSError:
            return path  # the pipeline reports why it cannot be read
        if not stat.S_ISREG(mode):
            kind = next((label for test, label in _KINDS if test(mode)), "neznámý typ")
            return Skipped(name, f"není běžný soubor ({kind})")
        return path


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def inside_sources(path: str | os.PathLike[str], roots: Iterable[str | os.PathLike[str]]) -> bool:
    """Whether ``path``, links resolved, lies inside one of the source folders (links resolved too)."""
    real = os.path.realpath(path)
    return any(_inside(real, os.path.realpath(r)) for r in roots)


def _ignored(path: Path, is_dir: bool, ignores: list[tuple[Path, list[str]]]) -> bool:
    for base, patterns in ignores:
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        for pat in patterns:
            if pat.endswith("/"):
                if is_dir and fnmatch.fnmatch(rel, pat.rstrip("/")):
                    return True
            elif fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(path.name, pat):
                return True
    return False


def wanted(name: str) -> bool:
    """Whether a file name may be a document (not hidden, a sidecar, a temporary or lock file)."""
    return not (name.startswith(".") or name.startswith("~$") or name.endswith(SKIP_SUFFIXES))
