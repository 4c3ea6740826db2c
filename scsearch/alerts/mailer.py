"""SMTP settings, e-mail address validation and handing a message to the SMTP server (smtplib).

Alerts are on only when ``smtp_host`` and ``smtp_from`` are set. STARTTLS is used unless
``smtp_starttls`` is false; a server that does not offer it is an error, never a silent downgrade.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr

from scsearch import settings
from scsearch.errors import BadAddress, MailError, MailUncertain, UsageError

MAX_ADDRESS = 254
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str
    starttls: bool
    sender: str  # the From header as configured ("Hledání PS SC <upozorneni@example.cz>")
    sender_address: str  # its address (the envelope sender)
    timeout: int

    @property
    def domain(self) -> str:
        return self.sender_address.rpartition("@")[2]


def smtp_config() -> SmtpConfig | None:
    """The SMTP settings, or None when alerts are off (no host or no sender)."""
    host = str(settings.get("smtp_host") or "").strip()
    sender = str(settings.get("smtp_from") or "").strip()
    if not host or not sender:
        return None
    try:
        address = normalize_address(parseaddr(sender)[1])
    except BadAddress as exc:
        raise UsageError(f"SCSEARCH_SMTP_FROM: {exc}") from None
    return SmtpConfig(host=host, port=int(settings.get("smtp_port")), user=str(settings.get("smtp_user") or ""),
                      password=str(settings.get("smtp_password") or ""), starttls=bool(settings.get("smtp_starttls")),
                      sender=sender, sender_address=address, timeout=int(settings.get("smtp_timeout")))


def normalize_address(raw: str) -> str:
    """A plain ASCII address ``local@domain`` (domain lower-cased); anything else raises ``BadAddress``.

    No display names, comments, quoted local parts, line breaks or non-ASCII characters: what is
    accepted here is safe to put into a header."""
    value = (raw or "").strip()
    local, at, domain = value.rpartition("@")
    if not at or len(value) > MAX_ADDRESS or len(local) > 64:
        raise BadAddress(f"neplatná e-mailová adresa „{value[:80]}“")
    if not _LOCAL.fullmatch(local) or not _DOMAIN.fullmatch(domain):
        raise BadAddress(f"neplatná e-mailová adresa „{value[:80]}“")
    try:
        return Address(addr_spec=f"{local}@{domain.lower()}").addr_spec
    except (ValueError, IndexError):
        raise BadAddress(f"neplatná e-mailová adresa „{value[:80]}“") from None


def send(config: SmtpConfig, message: bytes, recipient: str,
         before_data: Callable[[], bool] = lambda: True) -> bool:
    """Hand ``message`` for ``recipient`` to the SMTP server; raises ``MailError`` with a Czech reason.

    ``before_data`` runs once the server is reached and the session is ready; returning False stops
    (nothing sent, False returned). The outbox uses it to mark the message ``sending``. A refusal by
    the server is a ``MailError`` (nothing delivered); a connection lost while the server was taking
    the message is ``MailUncertain`` (it may have been delivered)."""
    where = f"{config.host}:{config.port}"
    handing_over = False
    try:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        try:
            smtp.ehlo()
            if config.starttls:
                if not smtp.has_extn("starttls"):
                    raise MailError(f"server SMTP {where} nenabízí STARTTLS (SCSEARCH_SMTP_STARTTLS=false jen "
                                    "tam, kde je spojení zabezpečené jinak)")
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config.user:
                smtp.login(config.user, config.password)
            if not before_data():
                return False
            handing_over = True
            smtp.sendmail(config.sender_address, [recipient], message)
            handing_over = False
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()  # the message is accepted: a failing goodbye changes nothing
        finally:
            smtp.close()
    except MailError:
        raise
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        if handing_over:
            raise MailUncertain(f"spojení se serverem SMTP {where} se přerušilo během předávání e-mailu: {exc}") from exc
        raise MailError(f"e-mail se nepodařilo předat serveru SMTP {where}: {exc}") from exc
    except smtplib.SMTPException as exc:
        raise MailError(f"server SMTP {where} e-mail odmítl: {exc}") from exc
    return True
