"""``scsearch doctor``: what this installation can and cannot do, explained in Czech.

Each check gives ``ok``, ``warn`` (works, with a limitation) or ``fail`` (something needed is missing);
the command exits 1 when any check fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from scsearch import settings

Status = Literal["ok", "warn", "fail"]
# measured macro lemma accuracy of simplemma 2.0.0 on UD Czech (docs/lemmatization.md)
SIMPLEMMA_ACCURACY = "94,1 %"
MIN_FREE_MB = 200
LOW_FREE_MB = 2000
_MARKS = {"ok": "OK", "warn": "UPOZORNĚNÍ", "fail": "CHYBÍ"}


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    message: str


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks]}

    def to_text(self) -> str:
        lines = ["scsearch doctor — kontrola instalace"]
        lines += [f"[{_MARKS[c.status]}] {c.name}: {c.message}" for c in self.checks]
        lines.append("Vše potřebné je k dispozici." if self.ok else "Něco potřebného chybí (viz CHYBÍ výše).")
        return "\n".join(lines)


def _pages(n: int) -> str:
    return f"{n} " + ("strana" if n == 1 else "strany" if 2 <= n <= 4 else "stran")


def _ocr_pages(data_dir: Path) -> tuple[int, int]:
    """(pages indexed without text because OCR was unavailable, pages whose text came from OCR)."""
    from scsearch.index import store

    manifest = store.read_manifest(store.current_generation(data_dir))
    need = sum(int(e.get("needs_ocr_pages") or 0) for e in manifest.values())
    done = sum(int(e.get("ocr_pages") or 0) for e in manifest.values())
    return need, done


def check_tesseract(data_dir: Path) -> Check:
    name = "Tesseract (OCR naskenovaných stránek)"
    exe = shutil.which("tesseract")
    langs: list[str] = []
    if exe:
        try:
            out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20, check=False)
            langs = [ln.strip() for ln in (out.stdout + out.stderr).splitlines()[1:] if ln.strip()]
        except (OSError, subprocess.TimeoutExpired):
            exe = None
    if exe and "ces" in langs:
        return Check(name, "ok", f"{exe}, česká data (ces) nainstalována")
    need, done = _ocr_pages(data_dir)
    what = "není nainstalován" if not exe else "nemá česká data (balíček tesseract-ocr-ces)"
    return Check(name, "fail", (
        f"Tesseract {what}: naskenované stránky nelze prohledávat. V indexu je {_pages(need)} bez textu "
        f"(čeká na OCR); {_pages(done)} má text z OCR a při přestavbě indexu na tomto počítači by ho ztratily. "
        "Nainstalujte: apt-get install tesseract-ocr tesseract-ocr-ces"))


def check_libreoffice() -> Check:
    name = "LibreOffice (staré formáty DOC, XLS, PPT)"
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe:
        return Check(name, "ok", exe)
    return Check(name, "fail", "soffice nenalezen: soubory DOC, XLS a PPT nelze číst. "
                               "Nainstalujte: apt-get install libreoffice-core libreoffice-writer libreoffice-calc")


def check_lemmatizer() -> Check:
    from scsearch.language.lemmatize import ModelsNotFound, find_models

    name = "Lemmatizátor"
    choice = str(settings.get("lemmatizer")).lower()
    if choice == "simplemma":
        return Check(name, "ok", f"simplemma (zvolen v nastavení; změřená přesnost {SIMPLEMMA_ACCURACY})")
    try:
        models = find_models(settings.get("stanza_dir") or None)
    except ModelsNotFound as exc:
        status: Status = "fail" if choice == "stanza" else "warn"
        return Check(name, status, f"modely stanza chybí ({exc}); použije se simplemma se změřenou přesností "
                                   f"{SIMPLEMMA_ACCURACY} (stanza ~99 %). Modely: scsearch models download")
    except Exception as exc:  # noqa: BLE001 - a broken model directory is reported, not raised
        return Check(name, "warn", f"modely stanza nelze načíst ({exc}); použije se simplemma")
    return Check(name, "ok", f"stanza ({models.package}), modely v {models.dir}")


def check_data_dir(data_dir: Path) -> Check:
    name = "Datový adresář"
    probe_dir = data_dir if data_dir.exists() else data_dir.parent
    try:
        with tempfile.NamedTemporaryFile(dir=probe_dir, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(name, "fail", f"{data_dir} není zapisovatelný ({exc.strerror or exc})")
    free_mb = shutil.disk_usage(probe_dir).free // 2**20
    if free_mb < MIN_FREE_MB:
        return Check(name, "fail", f"{data_dir}: volné místo jen {free_mb} MB (potřeba aspoň {MIN_FREE_MB} MB)")
    status: Status = "warn" if free_mb < LOW_FREE_MB else "ok"
    return Check(name, status, f"{data_dir} je zapisovatelný, volné místo {free_mb / 1024:.1f} GB")


def check_index(data_dir: Path) -> Check:
    from scsearch.index import store
    from scsearch.index.engine import engine_of

    name = "Index"
    gen = store.current_generation(data_dir)
    if gen is None:
        return Check(name, "fail", f"v {data_dir} není žádný index: spusťte scsearch ingest SLOŽKA")
    missing = [f for f in (store.META, store.MANIFEST, "lexicon.pickle") if not (gen / f).is_file()]
    engine = engine_of(gen) or "whoosh"
    try:
        files, records = (_tantivy_files if engine == "tantivy" else _whoosh_files)(gen)
        missing += [f for f in files if not (gen / f).is_file()]
    except Exception as exc:  # noqa: BLE001 - any failure to open is the finding
        return Check(name, "fail", f"generaci {gen.name} nelze otevřít ({type(exc).__name__}: {exc})")
    if missing:
        return Check(name, "fail", f"generaci {gen.name} chybí soubory: {', '.join(missing)}")
    docs = len(store.read_manifest(gen))
    return Check(name, "ok", f"generace {gen.name} ({engine}): {docs} dokumentů, {records} záznamů, "
                             "všechny soubory na místě")


def _whoosh_files(gen: Path) -> tuple[list[str], int]:
    """The files whoosh's segments need, and the number of live records."""
    from whoosh import index as windex

    ix = windex.open_dir(str(gen))
    files: list[str] = []
    for seg in ix._segments():
        if seg.is_compound():
            files.append(seg.make_filename(".seg"))
        else:
            files.extend(list(seg.list_files(ix.storage)) or [seg.segment_id() + ".*"])
    with ix.searcher() as searcher:
        return files, int(searcher.doc_count())


def _tantivy_files(gen: Path) -> tuple[list[str], int]:
    """The files tantivy's segments need (from its meta.json), and the number of live records."""
    import json

    import tantivy

    from scsearch.index.tantivy_write import SUBDIR

    folder = gen / SUBDIR
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    files = []
    for seg in meta.get("segments") or []:
        stem = str(seg["segment_id"]).replace("-", "")
        files += [f"{SUBDIR}/{stem}.{ext}" for ext in ("idx", "term", "store", "fieldnorm", "fast")]
        deletes = seg.get("deletes")
        if deletes:
            files.append(f"{SUBDIR}/{stem}.{deletes['opstamp']}.del")
    return files, int(tantivy.Index.open(str(folder)).searcher().num_docs)


def check_admin() -> Check:
    name = "Administrace"
    if not settings.get("admin_password"):
        return Check(name, "ok", "vypnuta (SCSEARCH_ADMIN_PASSWORD není nastaveno)")
    key = str(settings.get("secret_key"))
    if not key:
        return Check(name, "fail", "zapnuta, ale SCSEARCH_SECRET_KEY není nastaven: po každém restartu se všichni "
                                   "odhlásí. Nastavte dlouhý náhodný klíč (python -c 'import secrets; "
                                   "print(secrets.token_hex(32))')")
    if len(key) < 32:
        return Check(name, "fail", "zapnuta, ale SCSEARCH_SECRET_KEY je kratší než 32 znaků")
    return Check(name, "ok", "zapnuta, tajný klíč nastaven")


def check_server() -> Check:
    name = "Webový server"
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return Check(name, "fail", "gunicorn není nainstalován: scsearch serve poběží jen s --dev")
    from scsearch.webui.server import default_workers

    metrics = "zapnuty" if str(settings.get("metrics")).lower() not in ("off", "0", "false", "no") else "vypnuty"
    return Check(name, "ok", f"scsearch serve: gunicorn, počet procesů {default_workers()} (podle jader); metriky {metrics}")


def run_checks(data_dir: Path) -> Report:
    return Report((
        check_tesseract(data_dir),
        check_libreoffice(),
        check_lemmatizer(),
        check_data_dir(data_dir),
        check_index(data_dir),
        check_admin(),
        check_server(),
    ))


def main(data_dir: Path, as_json: bool) -> int:
    report = run_checks(Path(data_dir))
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(report.to_text())
    return 0 if report.ok else 1


