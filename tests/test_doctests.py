"""The examples in every module's docstrings run as tests (the doctests of the whole package)."""

from __future__ import annotations

import doctest
import importlib
import os
from pathlib import Path

import pytest

import scsearch

PACKAGE = Path(scsearch.__file__).resolve().parent


def _module_names() -> list[str]:
    names = []
    for dirpath, _dirs, files in os.walk(PACKAGE, followlinks=True):
        for name in files:
            if name.endswith(".py"):
                parts = list((Path(dirpath) / name).relative_to(PACKAGE).with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                if parts[-1:] != ["__main__"]:
                    names.append(".".join(["scsearch", *parts]))
    return sorted(names)


MODULES = _module_names()


def test_modules_found() -> None:
    assert {"scsearch.language.tokenize", "scsearch.ingest.extract.textfix", "scsearch.index.query"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
