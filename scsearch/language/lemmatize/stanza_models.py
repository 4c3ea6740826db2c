"""Where stanza's Czech models are and which files a Pipeline needs.

Two layouts of a model directory are understood:

1. stanza's own (``stanza.download`` writes it; default ``~/stanza_resources``)::

       DIR/resources.json
       DIR/cs/tokenize/<pkg>.pt  DIR/cs/mwt/<pkg>.pt  DIR/cs/pos/<pkg>.pt  DIR/cs/lemma/<pkg>.pt
       DIR/cs/pretrain/<pkg>.pt  DIR/cs/forward_charlm/<pkg>.pt ...   (dependencies)

   The packages are those of the language's ``default`` package in ``resources.json``.

2. explicit paths in ``DIR/scsearch-models.json`` (relative paths are relative to DIR)::

       {"package": "cltt-tiny",
        "processors": {"pos":   {"model": "pos.pt", "pretrain": "pretrain.pt"},
                       "lemma": {"model": "lemma.pt"}}}

   Keys of a processor other than ``model`` are its dependencies (``pretrain``,
   ``forward_charlm``, ``backward_charlm``), as in stanza's ``resources.json``.

Both resolve to one :class:`StanzaModels`, which is what the backend builds its Pipeline from.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scsearch.errors import ScsearchError

LANG = "cs"
PROCESSORS = ("tokenize", "mwt", "pos", "lemma")  # what the backend runs, in pipeline order
REQUIRED = ("pos", "lemma")  # tokenize needs no model for pre-tokenised input; mwt is optional
EXPLICIT_FILE = "scsearch-models.json"


class ModelsNotFound(ScsearchError):
    """The model directory has no usable Czech models; ``str(exc)`` is a Czech explanation."""


@dataclass(frozen=True)
class StanzaModels:
    """Everything needed to build the Pipeline: model files per processor and their dependencies."""

    dir: Path
    package: str  # human label: "default (pdt)" / the "package" of scsearch-models.json
    layout: str  # "stanza_resources" | "explicit"
    models: dict[str, Path]  # processor -> model file
    dependencies: dict[str, dict[str, Path]] = field(default_factory=dict)  # processor -> {dep name -> file}

    @property
    def processors(self) -> tuple[str, ...]:
        return tuple(p for p in PROCESSORS if p in self.models or p == "tokenize")

    def files(self) -> list[Path]:
        out = list(self.models.values())
        for deps in self.dependencies.values():
            out.extend(deps.values())
        return out

    def missing(self) -> list[Path]:
        return [p for p in self.files() if not p.is_file()]

    def pipeline_kwargs(self) -> dict[str, str]:
        """``<processor>_model_path`` and ``<processor>_<dependency>_path`` arguments for stanza.Pipeline."""
        kw: dict[str, str] = {}
        for proc, path in self.models.items():
            kw[f"{proc}_model_path"] = str(path)
        for proc, deps in self.dependencies.items():
            for dep, path in deps.items():
                kw[f"{proc}_{dep}_path"] = str(path)
        return kw


LEGACY_DIR = "~/stanza_resources"  # stanza < 1.10 downloaded here


def _stanza_default_model_dir() -> str:
    """stanza's DEFAULT_MODEL_DIR computed as stanza does, without importing stanza (which pulls in torch
    and costs ~2 s: too much for a CLI search that only wants to know whether models are installed)."""
    env = os.getenv("STANZA_RESOURCES_DIR")
    if env:
        return env
    try:
        import importlib.util
        import re as _re

        from platformdirs import user_cache_dir

        spec = importlib.util.find_spec("stanza")
        if spec is None or not spec.origin:
            raise ImportError("stanza")
        text = (Path(spec.origin).parent / "_version.py").read_text(encoding="utf-8")
        m = _re.search(r"__resources_version__\s*=\s*['\"]([^'\"]+)['\"]", text)
        if m is None:
            raise ValueError("no __resources_version__")
        return os.path.join(user_cache_dir("stanza", "StanfordNLP", m.group(1)), "resources")
    except (ImportError, OSError, ValueError):
        from stanza.resources.common import DEFAULT_MODEL_DIR

        return str(DEFAULT_MODEL_DIR)


def default_dir() -> Path:
    """stanza's resources directory: ``$STANZA_RESOURCES_DIR``, else stanza's default
    (``~/.cache/stanza/<version>/resources`` in stanza 1.10+), else ``~/stanza_resources``
    when only that one holds models."""
    current = Path(os.path.expanduser(str(_stanza_default_model_dir())))
    legacy = Path(os.path.expanduser(LEGACY_DIR))
    if not (current / "resources.json").is_file() and (legacy / "resources.json").is_file():
        return legacy
    return current


def resolve_dir(stanza_dir: str | os.PathLike[str] | None) -> Path:
    return Path(os.path.expanduser(str(stanza_dir))) if stanza_dir else default_dir()


def find_models(stanza_dir: str | os.PathLike[str] | None = None) -> StanzaModels:
    """The Czech models in ``stanza_dir``; raises :class:`ModelsNotFound` (Czech message) when unusable."""
    root = resolve_dir(stanza_dir)
    if (root / EXPLICIT_FILE).is_file():
        models = _from_explicit(root)
    elif (root / "resources.json").is_file():
        models = _from_resources(root)
    elif not root.exists():
        raise ModelsNotFound(f"modely stanza nejsou nainstalovány (adresář {root} neexistuje)")
    else:
        raise ModelsNotFound(f"modely stanza nejsou nainstalovány (v {root} chybí resources.json i {EXPLICIT_FILE})")
    lacking = [p for p in REQUIRED if p not in models.models]
    if lacking:
        raise ModelsNotFound(f"v {root} chybí české modely stanza pro: {', '.join(lacking)}")
    missing = models.missing()
    if missing:
        shown = ", ".join(str(p) for p in missing[:3]) + (" …" if len(missing) > 3 else "")
        raise ModelsNotFound(f"modely stanza nejsou nainstalovány úplně (chybí {shown})")
    return models


def _from_explicit(root: Path) -> StanzaModels:
    try:
        spec: Any = json.loads((root / EXPLICIT_FILE).read_text(encoding="utf-8"))
        procs = spec["processors"]
        if not isinstance(procs, dict):
            raise TypeError("processors")
        models: dict[str, Path] = {}
        deps: dict[str, dict[str, Path]] = {}
        for proc, entry in procs.items():
            if proc not in PROCESSORS:
                raise ValueError(f"neznámý procesor {proc!r}")
            models[proc] = root / str(entry["model"])
            extra = {k: root / str(v) for k, v in entry.items() if k != "model"}
            if extra:
                deps[proc] = extra
        package = str(spec.get("package", "custom"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelsNotFound(f"soubor {root / EXPLICIT_FILE} je neplatný ({exc})") from exc
    return StanzaModels(dir=root, package=package, layout="explicit", models=models, dependencies=deps)


def _from_resources(root: Path) -> StanzaModels:
    try:
        resources: Any = json.loads((root / "resources.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelsNotFound(f"soubor {root / 'resources.json'} je neplatný ({exc})") from exc
    lang = resources.get(LANG)
    if not isinstance(lang, dict):
        raise ModelsNotFound(f"{root / 'resources.json'} nezná češtinu (cs)")
    while isinstance(lang, dict) and "alias" in lang:
        lang = resources.get(lang["alias"])
    assert isinstance(lang, dict)
    default = lang.get("packages", {}).get("default") or lang.get("default_processors") or {}
    models: dict[str, Path] = {}
    deps: dict[str, dict[str, Path]] = {}
    names: list[str] = []
    for proc in PROCESSORS:
        pkg = default.get(proc)
        if not isinstance(pkg, str):
            continue
        models[proc] = root / LANG / proc / f"{pkg}.pt"
        names.append(f"{proc}={pkg}")
        for dep in lang.get(proc, {}).get(pkg, {}).get("dependencies", []) or []:
            deps.setdefault(proc, {})[str(dep["model"])] = root / LANG / str(dep["model"]) / f"{dep['package']}.pt"
    pkgs = {n.split("=", 1)[1] for n in names}
    label = "default (" + (next(iter(pkgs)) if len(pkgs) == 1 else ", ".join(names)) + ")"
    return StanzaModels(dir=root, package=label, layout="stanza_resources", models=models, dependencies=deps)
