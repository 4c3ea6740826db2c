"""The import graph: layers only look down, and no module imports itself round a cycle.

Layers (README, Architecture): 1 ground, 2 Czech language, 3 extraction and metadata, 4 index storage
and writing, 5 search, 6 ingest pipeline, jobs and feeds into it, 7 web and CLI. A module belongs to the
layer of its longest listed prefix. Imports inside functions count too.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

import scsearch

PACKAGE = Path(scsearch.__file__).resolve().parent

LAYERS: dict[str, int] = {
    "scsearch": 1,
    "scsearch.models": 1,
    "scsearch.errors": 1,
    "scsearch.settings": 1,
    "scsearch.language": 2,
    "scsearch.ingest.extract": 3,
    "scsearch.ingest.metadata": 3,
    "scsearch.index": 5,  # search: plan, columns, ranking, snippets, citations, the JSON shape
    "scsearch.index.schema": 4,  # storage and writing
    "scsearch.index.analysis": 4,
    "scsearch.index.records": 4,
    "scsearch.index.lexicon": 4,
    "scsearch.index.typos": 4,
    "scsearch.index.store": 4,
    "scsearch.index.writer": 4,
    "scsearch.index.manifest": 4,
    "scsearch.index.engine": 4,
    "scsearch.index.tantivy_write": 4,
    "scsearch.index.whoosh_build": 4,
    "scsearch.urls": 5,
    "scsearch.ingest": 6,
    "scsearch.backup": 6,
    "scsearch.doctor": 7,
    "scsearch.clisafe": 7,
    "scsearch.alerts": 6,
    "scsearch.exports": 6,
    "scsearch.webui": 7,
    "scsearch.cli": 7,
    "scsearch.cli_records": 7,
    "scsearch.textout": 7,
    "scsearch.progress": 7,
}


def _sources() -> list[Path]:
    """Every .py file of the package, through the links to ingest/, index/ and webui/."""
    return sorted(
        Path(dirpath) / name
        for dirpath, _dirs, files in os.walk(PACKAGE, followlinks=True)
        for name in files
        if name.endswith(".py")
    )


def _modules() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for f in _sources():
        parts = list(f.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(["scsearch", *parts])] = f
    return mods


def _imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in mods]
            candidates = submodules or [target]  # "from pkg import module" imports the module, not pkg
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        out.update(c for c in candidates if c in mods and c != name)
    return out


def layer_of(module: str) -> int:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in LAYERS:
            return LAYERS[prefix]
    raise KeyError(module)


def graph() -> dict[str, set[str]]:
    mods = _modules()
    return {name: _imports(name, path, mods) for name, path in mods.items()}


def test_every_module_has_a_layer() -> None:
    for name in graph():
        assert layer_of(name) >= 1, name


def test_no_upward_imports() -> None:
    upward = sorted(
        f"{a} (layer {layer_of(a)}) -> {b} (layer {layer_of(b)})"
        for a, targets in graph().items()
        for b in targets
        if layer_of(b) > layer_of(a)
    )
    assert upward == []


def test_no_import_cycles() -> None:
    g = graph()
    # package __init__ -> its own submodules is how packages re-export; not a cycle of design
    edges = {a: {b for b in bs if not b.startswith(a + ".")} for a, bs in g.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert cycles == []


@pytest.mark.parametrize("limit", [500])
def test_source_files_are_small(limit: int) -> None:
    big = sorted(
        f"{p.relative_to(PACKAGE)}: {n} lines"
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > limit
    )
    assert big == []
