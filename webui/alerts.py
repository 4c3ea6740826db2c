"""Subscribing to a search by e-mail (double opt-in), confirming and unsubscribing (``/odber/…``).

- ``POST /odber``: the form "Hlídat toto hledání e-mailem" of the results page (CSRF token bound to
  the session, rate limits per IP and per address, the same answer whether the address is subscribed
  already or not); sends the confirmation e-mail.
- ``GET|POST /odber/potvrdit/<token>``: the link of the confirmation e-mail shows a button; the POST
  activates the subscription (a mail scanner that follows links does not confirm anything).
- ``GET|POST /odber/zrusit/<token>``: unsubscribe; the POST is also the one-click unsubscribe of the
  ``List-Unsubscribe-Post`` header (RFC 8058), so it needs no session.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, request, session

from scsearch import errors, settings
from scsearch.alerts import compose
from scsearch.alerts.mailer import SmtpConfig, normalize_address, send, smtp_config
from scsearch.alerts.runner import message_bytes
from scsearch.alerts.search_spec import MAX_QUERY_CHARS, from_query_string
from scsearch.alerts.store import AlertStore
from scsearch.alerts.tokens import Tokens
from scsearch.webui.exports import site_base
from scsearch.webui.feeds import saved_search
from scsearch.webui.params import ParamError, parse_search_args

bp = Blueprint("alerts", __name__)

CSRF_SESSION_KEY = "alerts_csrf"
CSRF_FIELD = "csrf_token"
MAX_FORM_BYTES = 64 * 1024
SENT_TEXT = ("Pokud je adresa platná, poslali jsme na ni e-mail s odkazem pro potvrzení odběru. Upozornění začnou "
             "chodit až po potvrzení.")
OFF_TEXT = "E-mailová upozornění nejsou na tomto serveru zapnuta (správce nenastavil odesílání e-mailů)."


def alerts_config() -> SmtpConfig | None:
    """The SMTP settings, or None when alerts are off (also when they are misconfigured: logged)."""
    try:
        return smtp_config()
    except errors.ScsearchError as exc:
        current_app.logger.warning("e-mailová upozornění jsou vypnuta: %s", exc)
        return None


def csrf_token() -> str:
    token = session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def _csrf_ok() -> bool:
    expected = session.get(CSRF_SESSION_KEY)
    given = request.form.get(CSRF_FIELD, "")
    return isinstance(expected, str) and bool(expected) and bool(given) and hmac.compare_digest(
        expected.encode("utf-8"), given.encode("utf-8"))


@bp.app_context_processor
def _subscribe_context() -> dict[str, Any]:
    return {"alerts_enabled": lambda: alerts_config() is not None, "alerts_csrf_token": csrf_token}


def _store() -> AlertStore:
    return AlertStore(Path(current_app.config["DATA_DIR"]))


def _page(title: str, text: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template("alerts/message.html", title=title, text=text, **context), status


@bp.before_request
def _bound_body() -> None:
    request.max_content_length = MAX_FORM_BYTES


@bp.post("/odber")
def subscribe() -> tuple[str, int]:
    config = alerts_config()
    if config is None:
        return _page("Upozornění jsou vypnuta", OFF_TEXT, 503)
    if not _csrf_ok():
        return _page("Neplatný formulář", "Formulář vypršel nebo nepochází z této stránky. Načtěte stránku "
                     "s výsledky znovu a odběr objednejte ještě jednou.", 400)
    try:
        p = parse_search_args(request.form, strict=True)
    except ParamError as exc:
        return _page("Neplatné hledání", exc.message, 400)
    saved = saved_search(p)
    if saved.empty or len(saved.q) > MAX_QUERY_CHARS:
        return _page("Neplatné hledání", f"Hledání musí mít dotaz nebo filtr a dotaz nejvýše {MAX_QUERY_CHARS} znaků.",
                     400)
    with _store() as store:
        ip = request.remote_addr or "?"
        if store.hit_rate(f"ip:{ip}", 3600) > int(settings.get("alerts_limit_ip")):
            return _page("Příliš mnoho žádostí", "Z vaší adresy přišlo příliš mnoho žádostí o odběr. Zkuste to "
                         "později.", 429)
        try:
            email = normalize_address(request.form.get("email", ""))
        except errors.BadAddress:
            return _page("Neplatná adresa", "Zadejte platnou e-mailovou adresu (např. jmeno@example.cz).", 400)
        if store.hit_rate(f"address:{email}", 86400) > int(settings.get("alerts_limit_address")):
            return _page("Příliš mnoho žádostí", "Na tuto adresu už dnes přišlo příliš mnoho žádostí o odběr. "
                         "Zkuste to zítra.", 429)
        existing = store.find(email, saved.query_string())
        if existing is None and store.count_for(email) >= int(settings.get("alerts_max_per_address")):
            return _page("Žádost přijata", SENT_TEXT)  # no mail, and no hint why
        sub, needs_mail = store.subscribe(email, saved.query_string(), confirmed=False, site=site_base())
        if needs_mail:
            tokens = Tokens(store)
            links = compose.links_for(site_base(), saved, tokens.unsubscribe(sub.id, email),
                                      tokens.confirm(sub.id, email))
            msg = compose.confirmation(config, email, saved, links)
            try:
                send(config, message_bytes(msg), email)
            except errors.MailError as exc:
                current_app.logger.warning("potvrzovací e-mail odběru %s neodešel: %s", sub.id, exc)
                return _page("E-mail se nepodařilo odeslat", "Potvrzovací e-mail se teď nepodařilo odeslat. "
                             "Zkuste to prosím později.", 503)
    return _page("Žádost přijata", SENT_TEXT)


@bp.route("/odber/potvrdit/<token>", methods=["GET", "POST"])
def confirm(token: str) -> tuple[str, int]:
    with _store() as store:
        found = Tokens(store).read_confirm(token)
        sub = store.get(found[0]) if found else None
        if found is None or sub is None or sub.email != found[1] or sub.state == "unsubscribed":
            return _page("Neplatný odkaz", "Odkaz pro potvrzení je neplatný nebo vypršel (platí 7 dní). "
                         "Objednejte odběr znovu na stránce s výsledky hledání.", 400)
        if request.method == "GET":
            return _page("Potvrzení odběru", "Potvrďte, že chcete dostávat e-mailem upozornění na nové dokumenty "
                         "pro toto hledání.", button="Potvrdit odběr", detail=_label(sub.search))
        store.confirm(sub.id)
    return _page("Odběr je potvrzen", "Upozornění na nové dokumenty vám budeme posílat e-mailem. Odhlásit se "
                 "můžete odkazem v každém upozornění.", detail=_label(sub.search))


@bp.route("/odber/zrusit/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> tuple[str, int]:
    with _store() as store:
        found = Tokens(store).read_unsubscribe(token)
        sub = store.get(found[0]) if found else None
        if found is None or (sub is not None and sub.email != found[1]):
            return _page("Neplatný odkaz", "Odkaz pro odhlášení je neplatný.", 400)
        if request.method == "GET" and sub is not None and sub.state != "unsubscribed":
            return _page("Odhlášení odběru", "Opravdu už nechcete dostávat upozornění pro toto hledání?",
                         button="Odhlásit odběr", detail=_label(sub.search))
        if sub is not None:
            store.unsubscribe(sub.id)
    return _page("Odběr je zrušen", "Další upozornění pro toto hledání vám už nepošleme.")


def _label(search: str) -> str:
    return from_query_string(search).label()
