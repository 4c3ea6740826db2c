"""The Czech e-mails of alerts: the confirmation of a subscription and the digest of new documents.

Each is plain text plus HTML (``multipart/alternative``), rendered from ``templates/``. Header values
are built from validated addresses and one-line, length-bounded text: the query a visitor typed never
goes into a header raw (the subject is encoded by ``email``'s default policy). Every digest carries
``List-Unsubscribe`` and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path

import jinja2

from scsearch import urls
from scsearch.alerts.mailer import SmtpConfig
from scsearch.alerts.matches import DocMatch
from scsearch.alerts.search_spec import SavedSearch
from scsearch.index.citation import czech_date

SUBJECT_LABEL_CHARS = 80
_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")

DOC_TYPE_LABELS = {"minutes": "zápis z jednání", "presentation": "prezentace", "funding_overview": "přehled výzev",
                   "plan": "plán", "methodology": "metodika", "other": "ostatní", "decision": "usnesení a úkoly"}


@dataclass(frozen=True)
class SiteLinks:
    """Absolute addresses for one subscription's e-mails."""

    base: str  # the site ("https://hledani.example.cz"), or "" (site-relative links)
    search: str
    unsubscribe: str
    confirm: str = ""

    def document(self, doc_id: str, q: str, record_id: str, page: int | None) -> str:
        return urls.absolute(urls.document_path(doc_id, q, urls.unit_anchor(record_id, page)), self.base)


def links_for(base: str, saved: SavedSearch, unsubscribe_token: str, confirm_token: str = "") -> SiteLinks:
    return SiteLinks(
        base=base,
        search=urls.absolute(urls.search_path(saved.query_string()), base),
        unsubscribe=urls.absolute(f"/odber/zrusit/{unsubscribe_token}", base),
        confirm=urls.absolute(f"/odber/potvrdit/{confirm_token}", base) if confirm_token else "",
    )


def one_line(text: str, limit: int) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).with_name("templates"))),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    env.filters["czdate"] = lambda d: czech_date(d).replace("\u00a0", " ") if d else "bez data"
    env.filters["type_label"] = lambda t: DOC_TYPE_LABELS.get(t, t)
    env.filters["plain"] = lambda s: _SPACE.sub(" ", html.unescape(_TAG.sub("", s))).strip()
    env.filters["one_line"] = lambda s: _SPACE.sub(" ", s).strip()
    return env


def _message(config: SmtpConfig, to: str, subject: str, template: str, **context: object) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config.sender
    msg["To"] = to
    msg["Subject"] = one_line(subject, 200)
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = make_msgid(domain=config.domain)
    msg["Auto-Submitted"] = "auto-generated"
    env = _env()
    msg.set_content(env.get_template(f"{template}.txt").render(**context), charset="utf-8")
    msg.add_alternative(env.get_template(f"{template}.html").render(**context), subtype="html", charset="utf-8")
    return msg


def confirmation(config: SmtpConfig, to: str, saved: SavedSearch, links: SiteLinks) -> EmailMessage:
    label = saved.label()
    return _message(config, to, f"Potvrďte odběr upozornění: {one_line(label, SUBJECT_LABEL_CHARS)}", "confirm",
                    label=label, links=links)


def digest(config: SmtpConfig, to: str, saved: SavedSearch, matches: Sequence[DocMatch],
           links: SiteLinks) -> EmailMessage:
    label = saved.label()
    n = len(matches)
    word = "nový dokument" if n == 1 else ("nové dokumenty" if 2 <= n <= 4 else "nových dokumentů")
    items = [
        {"match": m, "pages": [{"hit": h, "url": links.document(h.doc_id, saved.q, h.record_id, h.page)}
                               for h in m.hits]}
        for m in matches
    ]
    msg = _message(config, to, f"{n} {word}: {one_line(label, SUBJECT_LABEL_CHARS)}", "digest",
                   label=label, items=items, count=n, word=word, links=links)
    msg["List-Unsubscribe"] = f"<{links.unsubscribe}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Precedence"] = "bulk"
    return msg
