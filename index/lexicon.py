"""Which lemmas a folded word form can stand for, and typo suggestions.

People type without diacritics (``dotace mestum``); the folded form ``mestum`` is
not a Czech word, so no lemmatiser can help. The lexicon maps every folded surface
form seen in the indexed corpus to the folded lemmas it had there (``mestum`` ->
``mesto``). For forms the corpus has not seen, the full-form dictionary of simplemma
(362k Czech forms) is folded the same way as a fallback.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from scsearch.index import typos
from scsearch.language.tokenize import fold

FILE = "lexicon.pickle"
TYPO_FILE = typos.FILE  # the typo (deletion) index, written with the generation (index/typos.py)


class Lexicon:
    def __init__(self) -> None:
        self.forms: dict[str, Mapping[str, int]] = {}  # folded form -> folded lemma -> count
        self._deletes: dict[str, set[str]] | None = None  # the typo index in memory (a lexicon being written)
        self._typos: typos.TypoIndex | None = None  # the saved typo index of a loaded generation

    # ------------------------------------------------------------ building
    def add(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add (surface form, index lemma) pairs."""
        for surface, lemma in pairs:
            key = fold(surface)
            counter = self.forms.get(key)
            if not isinstance(counter, Counter):  # loaded as a plain dict
                counter = self.forms[key] = Counter(counter or {})
            counter[lemma] += 1
        self._deletes = None
        self._typos = None

    def save(self, directory: Path) -> None:
        tmp = Path(directory) / (FILE + ".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump({k: dict(v) for k, v in self.forms.items()}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(Path(directory) / FILE)
        typos.write(Path(directory), self._delete_index())

    @classmethod
    def load(cls, directory: Path | None) -> Lexicon:
        lex = cls()
        if directory is None:
            return lex
        path = Path(directory) / FILE
        if path.exists():
            with open(path, "rb") as fh:
                data = pickle.load(fh)
            lex.forms.update(data)  # plain dicts: made Counters only when a writer adds to them
            lex._typos = typos.TypoIndex.find(Path(directory))
        return lex

    # ------------------------------------------------------------ lookup
    def lemmas_for(self, word: str) -> list[str]:
        """Folded lemmas the (folded) form had in the corpus, most frequent first."""
        counter = self.forms.get(fold(word))
        if not counter:
            return []
        return [lem for lem, _ in sorted(counter.items(), key=lambda kv: -kv[1])]

    def frequency(self, word: str) -> int:
        counter = self.forms.get(fold(word))
        return sum(counter.values()) if counter else 0

    def suggest(self, word: str) -> str | None:
        """The most frequent corpus form within edit distance 1 (2 for longer words)."""
        w = fold(word)
        if len(w) < 4 or w in self.forms:
            return None
        max_d = 1 if len(w) < 7 else 2
        cands = self._typo_candidates(_deletes(w, max_d))
        best: tuple[int, int, str] | None = None
        for c in cands:
            dist = _levenshtein(w, c)
            if dist <= max_d:
                key = (dist, -self.frequency(c), c)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def _typo_candidates(self, keys: set[str]) -> set[str]:
        """Corpus forms sharing a deletion with the typed word: from the saved index (a few rows read),
        else from the index built in memory (a lexicon being written, an older generation)."""
        if self._typos is not None and self._deletes is None:
            try:
                return self._typos.forms(keys)
            except sqlite3.Error:
                self._typos = None  # unreadable: built in memory below
        deletes = self._delete_index()
        cands: set[str] = set()
        for d in keys:
            cands |= deletes.get(d, set())
        return cands

    def _delete_index(self) -> dict[str, set[str]]:
        if self._deletes is None:
            idx: dict[str, set[str]] = defaultdict(set)
            for form in self.forms:
                if len(form) >= 3 and form.isalpha():
                    for d in _deletes(form, 1 if len(form) < 6 else 2):
                        idx[d].add(form)
            self._deletes = idx
        return self._deletes


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        nxt = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        out |= nxt
        frontier = nxt
    return out


def _levenshtein(a: str, b: str) -> int:
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_CACHE_DIR: list[Path] = []


def set_cache_dir(path: Path) -> None:
    """Where the folded dictionary is kept between processes (built once, ~2 s)."""
    _CACHE_DIR[:] = [Path(path)]


def dictionary_lemmas(folded: str) -> tuple[str, ...]:
    """Folded lemmas of a folded form in simplemma's Czech dictionary (``mestum`` -> ``mesto``).

    Looked up in an SQLite copy of the folded dictionary (built once, ~2 s, kept in the user's cache):
    a query reads a few rows instead of loading 362k forms."""
    db = _dictionary_db()
    if db is None:
        return _dictionary_in_memory().get(folded, ())
    with _DB_LOCK:
        row = db.execute("SELECT lemmas FROM forms WHERE form = ?", (folded,)).fetchone()
    return tuple(row[0].split("\t")) if row else ()


_DB_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _dictionary_db() -> sqlite3.Connection | None:
    path = _dictionary_cache_file()
    if path is None:
        return None
    if not path.exists():
        try:
            _write_dictionary_db(path, _build_dictionary_forms())
        except (OSError, sqlite3.Error):
            return None
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None


def _write_dictionary_db(path: Path, forms: dict[str, tuple[str, ...]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("CREATE TABLE forms (form TEXT PRIMARY KEY, lemmas TEXT NOT NULL) WITHOUT ROWID")
        con.executemany("INSERT INTO forms VALUES (?, ?)", ((k, "\t".join(v)) for k, v in forms.items()))
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def _dictionary_in_memory() -> dict[str, tuple[str, ...]]:
    """The folded dictionary in memory: only when no cache folder is writable."""
    return _build_dictionary_forms()


def _dictionary_cache_file() -> Path | None:
    """Per-user cache (shared by every data directory), keyed by simplemma's version;
    falls back to the data directory's cache when the home cache is not writable."""
    try:
        from importlib.metadata import version

        ver = version("simplemma")
    except Exception:  # noqa: BLE001
        ver = "unknown"
    name = f"dictionary-cs-folded-{ver}.sqlite"
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scsearch"
    try:
        home.mkdir(parents=True, exist_ok=True)
        if os.access(home, os.W_OK):
            return home / name
    except OSError:
        pass
    return _CACHE_DIR[0] / name if _CACHE_DIR else None


def _build_dictionary_forms() -> dict[str, tuple[str, ...]]:
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory
    except ImportError:  # pragma: no cover - simplemma is a dependency
        return {}
    raw = DefaultDictionaryFactory().get_dictionary("cs")
    out: dict[str, set[str]] = defaultdict(set)
    for form, lemma in raw.items():
        f = fold(form)
        out[f].add(fold(lemma))
    return {k: tuple(sorted(v)) for k, v in out.items()}
