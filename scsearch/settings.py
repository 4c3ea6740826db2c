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
    Setting("engine", "whoosh", "SCSEARCH_ENGINE", "Vyhledávací engine indexu: whoosh (výchozí) | tantivy (rychlejší na velkých indexech). Hledání používá engine, kterým byl index vytvořen; jiný engine při ingest/reindex znamená přestavbu celého indexu."),
    Setting("stanza_dir", "", "SCSEARCH_STANZA_DIR", "Adresář s modely stanza (výchozí: stanza_resources stanzy)."),
    Setting("pdf_text", "auto", "SCSEARCH_PDF_TEXT", "Čtení textu PDF: auto (pypdfium2; pdfplumber pro stránky s tabulkami, otočené a s chybnými fonty) | pdfplumber (vždy, referenční a pomalejší)."),
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
    Setting("sync_depth", 2, "SCSEARCH_SYNC_DEPTH", "Synchronizace: do jaké hloubky sledovat odkazy na stejném webu (0 = jen zadaná stránka)."),
    Setting("sync_delay", 1.0, "SCSEARCH_SYNC_DELAY", "Synchronizace: pauza mezi dvěma požadavky na stejný server v sekundách."),
    Setting("sync_max_mb", 100, "SCSEARCH_SYNC_MAX_MB", "Synchronizace: nejvyšší velikost staženého souboru v MB (větší se přeruší)."),
    Setting("sync_contact", "", "SCSEARCH_SYNC_CONTACT", "Synchronizace: kontakt (e-mail nebo URL) v hlavičce User-Agent."),
    Setting("sync_timeout", 30, "SCSEARCH_SYNC_TIMEOUT", "Synchronizace: časový limit spojení a čtení v sekundách."),
    Setting("sync_file_timeout", 300, "SCSEARCH_SYNC_FILE_TIMEOUT", "Synchronizace: nejdelší čas stahování jednoho souboru v sekundách."),
    Setting("sync_retries", 3, "SCSEARCH_SYNC_RETRIES", "Synchronizace: počet opakování při chybě serveru 5xx nebo spojení."),
    Setting("sync_backoff", 2.0, "SCSEARCH_SYNC_BACKOFF", "Synchronizace: první čekání před opakováním v sekundách (pak dvojnásobné)."),
    Setting("sync_max_pages", 200, "SCSEARCH_SYNC_MAX_PAGES", "Synchronizace: nejvýše kolik stránek HTML projít při jedné synchronizaci."),
    Setting("keep_generations", 2, "SCSEARCH_KEEP_GENERATIONS", "Kolik starších generací indexu ponechat."),
    Setting("trusted_proxies", 0, "SCSEARCH_TRUSTED_PROXIES", "Počet důvěryhodných reverzních proxy před serverem, jejichž X-Forwarded-For/-Proto se použije pro adresu klienta (0 = hlavičky se ignorují)."),
    Setting("base_url", "", "SCSEARCH_BASE_URL", "Veřejná adresa webu (např. https://hledani.example.cz) pro odkazy v e-mailech, kanálech Atom a exportech z příkazové řádky; prázdné = adresa z požadavku (web), relativní odkazy (CLI)."),
    Setting("smtp_host", "", "SCSEARCH_SMTP_HOST", "Server SMTP pro e-mailová upozornění; prázdné = upozornění vypnuta."),
    Setting("smtp_port", 587, "SCSEARCH_SMTP_PORT", "Port serveru SMTP."),
    Setting("smtp_user", "", "SCSEARCH_SMTP_USER", "Uživatel pro přihlášení k serveru SMTP (prázdné = bez přihlášení)."),
    Setting("smtp_password", "", "SCSEARCH_SMTP_PASSWORD", "Heslo k serveru SMTP."),
    Setting("smtp_starttls", True, "SCSEARCH_SMTP_STARTTLS", "Šifrovat spojení se serverem SMTP příkazem STARTTLS (true/false)."),
    Setting("smtp_from", "", "SCSEARCH_SMTP_FROM", "Adresa odesílatele upozornění (From); bez ní jsou upozornění vypnuta."),
    Setting("smtp_timeout", 30, "SCSEARCH_SMTP_TIMEOUT", "Nejdelší čekání na server SMTP v sekundách."),
    Setting("alerts_limit_address", 3, "SCSEARCH_ALERTS_LIMIT_ADDRESS", "Kolik žádostí o odběr smí přijít na jednu e-mailovou adresu za 24 hodin."),
    Setting("alerts_limit_ip", 10, "SCSEARCH_ALERTS_LIMIT_IP", "Kolik žádostí o odběr smí poslat jedna IP adresa za hodinu."),
    Setting("alerts_max_per_address", 20, "SCSEARCH_ALERTS_MAX_PER_ADDRESS", "Nejvyšší počet odběrů jedné e-mailové adresy."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def is_set(name: str) -> bool:
    """Whether the environment gives ``name`` a value (else ``get`` falls back to the default)."""
    return bool(os.environ.get(_BY_NAME[name].env))


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
    if isinstance(setting.default, float):
        try:
            return float(raw)
        except ValueError:
            return setting.default
    if isinstance(setting.default, int):
        try:
            return int(raw)
        except ValueError:
            return setting.default
    return raw


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    return Path(get("data_dir", str(override) if override else None))
