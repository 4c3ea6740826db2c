"""Every setting in one table.

Each setting has a name, a default, the environment variable that overrides it
and a help text; ``docs/configuration.md`` documents each (a test checks).
Resolution order: explicit argument (CLI option) > environment > default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    env: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "./instance", "SCSEARCH_DATA_DIR", "Adresář s indexem, cache a stavem (index, caches, state)."),
    Setting("sources", "", "SCSEARCH_SOURCES", "Zdrojové složky pro `scsearch reindex`, oddělené ':' (výchozí: složky dříve zadané v ingest)."),
    Setting("lemmatizer", "auto", "SCSEARCH_LEMMATIZER", "Lemmatizátor: auto | stanza | simplemma."),
    Setting("stanza_dir", "", "SCSEARCH_STANZA_DIR", "Adresář s modely stanza (výchozí: stanza_resources stanzy)."),
    Setting("ocr", "auto", "SCSEARCH_OCR", "OCR naskenovaných stránek: auto | off."),
    Setting("ocr_timeout", 60, "SCSEARCH_OCR_TIMEOUT", "Nejdelší čas OCR jedné stránky v sekundách."),
    Setting("max_pages", 2000, "SCSEARCH_MAX_PAGES", "Nejvyšší počet stran jednoho souboru."),
    Setting("max_file_mb", 200, "SCSEARCH_MAX_FILE_MB", "Nejvyšší velikost jednoho souboru v MB."),
    Setting("max_unzipped_mb", 300, "SCSEARCH_MAX_UNZIPPED_MB", "Nejvyšší rozbalená velikost souboru OOXML/ODF v MB (ochrana proti zip bombám)."),
    Setting("file_timeout", 300, "SCSEARCH_FILE_TIMEOUT", "Nejdelší čas zpracování jednoho souboru v sekundách."),
    Setting("admin_password", "", "SCSEARCH_ADMIN_PASSWORD", "Heslo administrace (nebo hash werkzeug 'scrypt:...'); prázdné = administrace vypnuta."),
    Setting("secret_key", "", "SCSEARCH_SECRET_KEY", "Tajný klíč pro podepisování session; prázdné = náhodný při startu."),
    Setting("upload_max_mb", 50, "SCSEARCH_UPLOAD_MAX_MB", "Nejvyšší velikost nahrávaného souboru v MB."),
    Setting("metrics", "on", "SCSEARCH_METRICS", "Metriky Prometheus na /metrics: on | off (off = 404)."),
    Setting("log_format", "text", "SCSEARCH_LOG_FORMAT", "Formát logu serveru: text | json (JSON řádky pro sběrače logů)."),
    Setting("keep_generations", 2, "SCSEARCH_KEEP_GENERATIONS", "Kolik starších generací indexu ponechat."),
    Setting("trusted_proxies", 0, "SCSEARCH_TRUSTED_PROXIES", "Počet důvěryhodných reverzních proxy před serverem, jejichž X-Forwarded-For/-Proto se použije pro adresu klienta (0 = hlavičky se ignorují)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str, override: Any = None) -> Any:
    """Value of a setting: ``override`` if given, else the environment, else the default."""
    setting = _BY_NAME[name]
    if override is not None and override != "":
        return override
    raw = os.environ.get(setting.env)
    if raw is None or raw == "":
        return setting.default
    if isinstance(setting.default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(setting.default, int):
        try:
            return int(raw)
        except ValueError:
            return setting.default
    return raw


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    return Path(get("data_dir", str(override) if override else None))
