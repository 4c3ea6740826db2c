"""Legacy binary Office files (DOC, XLS, PPT) and RTF through LibreOffice, when it is installed."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from pathlib import Path

from scsearch.errors import CorruptFile, TooLarge, UnsupportedFormat
from scsearch.models import ExtractedDocument

from .registry import EXTRACTORS, Options, register

CONVERT_TIMEOUT = 180
TARGET = {"doc": "docx", "rtf": "docx", "xls": "xlsx", "ppt": "pptx"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, target: str, outdir: Path) -> Path:
    """Convert ``path`` to ``target`` format in ``outdir`` with a private LibreOffice profile."""
    binary = soffice()
    if binary is None:
        raise UnsupportedFormat(str(path), "nepodporovaný formát bez LibreOffice")
    src = outdir / f"source{path.suffix.lower() or '.bin'}"
    shutil.copyfile(path, src)  # a plain ASCII name: soffice mangles some file names
    profile = (outdir / "profile").as_uri()
    cmd = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore",
           "--convert-to", target, "--outdir", str(outdir / "out"), str(src)]
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=CONVERT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise TooLarge(str(path), f"převod LibreOffice trval déle než {CONVERT_TIMEOUT} s") from exc
    result = outdir / "out" / f"source.{target}"
    if not result.exists() or result.stat().st_size == 0:
        raise CorruptFile(str(path), "LibreOffice soubor nepřevedl")
    return result


def _extract_legacy(path: Path, opts: Options, fmt: str) -> ExtractedDocument:
    target = TARGET[fmt]
    with tempfile.TemporaryDirectory(prefix="scsearch-soffice-") as tmp:
        converted = convert(path, target, Path(tmp))
        doc = EXTRACTORS[target].func(converted, opts)
    return dataclasses.replace(doc, path=str(path), format=fmt)


@register("doc", extensions=(".doc", ".dot"))
def extract_doc(path: Path, opts: Options) -> ExtractedDocument:
    return _extract_legacy(path, opts, "doc")


@register("xls", extensions=(".xls",))
def extract_xls(path: Path, opts: Options) -> ExtractedDocument:
    return _extract_legacy(path, opts, "xls")


@register("ppt", extensions=(".ppt", ".pps"))
def extract_ppt(path: Path, opts: Options) -> ExtractedDocument:
    return _extract_legacy(path, opts, "ppt")


@register("rtf", extensions=(".rtf",))
def extract_rtf(path: Path, opts: Options) -> ExtractedDocument:
    return _extract_legacy(path, opts, "rtf")
