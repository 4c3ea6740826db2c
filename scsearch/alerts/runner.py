"""``scsearch alerts run``: one digest per active subscription with the documents that newly match.

Order of a run, each step a transaction in ``admin.sqlite``:

1. messages left ``sending`` by a dead run become ``uncertain`` (never sent again);
2. digests still ``pending`` from an earlier run (the SMTP server was down) are sent;
3. for each active subscription without an unsent digest: the first run records what matches and
   sends nothing; later runs take the documents not seen yet, mark them seen and queue one digest
   with them, in the same transaction;
4. the queued digests are sent: ``sending`` is recorded once the SMTP session is ready, ``sent``
   after the server accepted the message; a refused or failed send goes back to ``pending``.

So a crash before step 4 leaves the digest queued (sent by the next run) and a crash after the server
accepted it never sends it again: no document reaches a subscriber twice. See docs/alerts.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from scsearch import urls
from scsearch.alerts import compose
from scsearch.alerts.mailer import SmtpConfig, send, smtp_config
from scsearch.alerts.matches import matching_documents
from scsearch.alerts.search_spec import from_query_string
from scsearch.alerts.store import AlertStore, OutboxMessage, Subscription
from scsearch.alerts.tokens import Tokens
from scsearch.errors import MailError, MailUncertain
from scsearch.index.search import Searcher
from scsearch.index.store import fault_point

OFF_NOTICE = ("E-mailová upozornění jsou vypnuta: nejsou nastaveny SCSEARCH_SMTP_HOST a SCSEARCH_SMTP_FROM.")


@dataclass
class RunReport:
    enabled: bool = True
    subscriptions: int = 0
    primed: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.enabled:
            return OFF_NOTICE
        text = (f"upozornění: {self.subscriptions} aktivních odběrů, odesláno {self.sent} e-mailů, "
                f"nově zaznamenáno {self.primed} odběrů")
        if self.failed:
            text += f", {self.failed} e-mailů se nepodařilo odeslat (zkusí se znovu při dalším běhu)"
        if self.uncertain:
            text += f", {self.uncertain} e-mailů v nejistém stavu"
        return text


def message_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=SMTP)


def site_for(sub: Subscription) -> str:
    return urls.base_url() or sub.site.rstrip("/")


def run_alerts(data_dir: str | os.PathLike[str], *, searcher: Searcher | None = None) -> RunReport:
    report = RunReport()
    config = smtp_config()
    if config is None:
        report.enabled = False
        return report
    own = searcher is None
    searcher = searcher or Searcher(Path(data_dir))
    try:
        with AlertStore(data_dir) as store:
            for msg in store.reconcile():
                report.uncertain += 1
                report.lines.append(f"e-mail č. {msg.id} (odběr {msg.sub_id}) možná odešel, proces skončil během "
                                    "odesílání; znovu se neposílá")
            _send_pending(store, config, report)
            tokens = Tokens(store)
            for sub in store.subscriptions(("active",)):
                report.subscriptions += 1
                if store.has_unsent(sub.id):
                    continue
                _queue_digest(store, tokens, config, searcher, sub, report)
            fault_point("alerts_before_send")
            _send_pending(store, config, report)
    finally:
        if own:
            searcher.close()
    return report


def _queue_digest(store: AlertStore, tokens: Tokens, config: SmtpConfig, searcher: Searcher, sub: Subscription,
                  report: RunReport) -> None:
    saved = from_query_string(sub.search)
    matches = matching_documents(searcher, saved.request())
    keys = [m.key for m in matches]
    if not sub.primed:
        store.prime(sub.id, keys)
        report.primed += 1
        return
    by_key = {m.key: m for m in matches}
    links = compose.links_for(site_for(sub), saved, tokens.unsubscribe(sub.id, sub.email))

    def build(fresh: list[str]) -> bytes:
        return message_bytes(compose.digest(config, sub.email, saved, [by_key[k] for k in fresh], links))

    if store.enqueue_digest(sub.id, keys, build) is not None:
        report.queued += 1


def _send_pending(store: AlertStore, config: SmtpConfig, report: RunReport) -> None:
    for msg in store.pending_messages():
        sub = store.get(msg.sub_id)
        if sub is None or sub.state != "active":
            store.cancel(msg)
            continue
        _send_one(store, config, sub, msg, report)


def _send_one(store: AlertStore, config: SmtpConfig, sub: Subscription, msg: OutboxMessage,
              report: RunReport) -> None:
    try:
        if not send(config, msg.message, sub.email, before_data=lambda: store.claim(msg.id)):
            return  # another run is sending it
    except MailUncertain as exc:
        store.mark_uncertain(msg, str(exc))
        report.uncertain += 1
        report.lines.append(f"odběr {sub.id}: {exc}; e-mail možná odešel, znovu se neposílá")
        return
    except MailError as exc:
        store.mark_failed(msg, str(exc))
        report.failed += 1
        report.lines.append(f"odběr {sub.id}: {exc}")
        return
    fault_point("alerts_after_send")
    store.mark_sent(msg)
    report.sent += 1
