"""A real SMTP server (aiosmtpd) on 127.0.0.1 and a small real index of TXT documents for alert tests."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests._fixtures_index import ingest_folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        msg = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content
                                                                                            or envelope.content)))
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1:``port`` (a free one unless given), started and stopped by the test."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)


def smtp_env(port: int) -> dict[str, str]:
    return {
        "SCSEARCH_SMTP_HOST": "127.0.0.1",
        "SCSEARCH_SMTP_PORT": str(port),
        "SCSEARCH_SMTP_STARTTLS": "false",
        "SCSEARCH_SMTP_FROM": "Hledání PS SC <upozorneni@hledani.example.cz>",
        "SCSEARCH_SMTP_TIMEOUT": "5",
        "SCSEARCH_BASE_URL": "https://hledani.example.cz",
        "SCSEARCH_LEMMATIZER": "simplemma",
    }


DOCS = {
    "zapis_elektromobilita.txt": "Zápis z jednání o elektromobilitě\n\nElektromobilita ve městech: dobíjecí stanice "
                                 "a dotace pro obce. Ministerstvo dopravy připraví přehled.\n",
    "zapis_voda.txt": "Zápis o hospodaření s vodou\n\nZadržování dešťové vody v obcích a modrozelená "
                      "infrastruktura.\n",
}


def write_docs(folder: Path, docs: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")


def ingest(data_dir: Path, folder: Path) -> None:
    ingest_folder(folder, data_dir, workers=1)


def cli_env(port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(smtp_env(port))
    env.update(extra)
    return env
