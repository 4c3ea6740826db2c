"""A tiny registry of extractors, one per format, filled by the ``@register`` decorator.

>>> @register("demo", extensions=(".demo",))
... def extract_demo(path, options): ...
>>> "demo" in EXTRACTORS
True
>>> del EXTRACTORS["demo"]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scsearch.models import ExtractedDocument


@dataclass(frozen=True)
class Options:
    """Limits and switches passed to every extractor."""

    ocr: str = "auto"  # "auto" | "off"
    ocr_timeout: int = 60  # seconds per page
    max_pages: int = 2000
    max_unzipped_mb: int = 300


Extractor = Callable[[Path, Options], ExtractedDocument]


@dataclass(frozen=True)
class Registration:
    name: str
    extensions: tuple[str, ...]
    func: Extractor


EXTRACTORS: dict[str, Registration] = {}


def register(name: str, *, extensions: tuple[str, ...] = ()) -> Callable[[Extractor], Extractor]:
    """Register ``func`` as the extractor of format ``name`` (files ending in ``extensions``)."""

    def decorator(func: Extractor) -> Extractor:
        EXTRACTORS[name] = Registration(name, tuple(e.lower() for e in extensions), func)
        return func

    return decorator

