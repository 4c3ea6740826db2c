"""E-mail alerts end to end: a real aiosmtpd server on 127.0.0.1, a real index, the Flask app and the CLI.

Double opt-in through the web form, digest content and headers, unsubscribe (one-click POST), no
duplicates across runs, crashes before and after the SMTP server took a digest (a killed ``scsearch
alerts run`` subprocess), an SMTP server that is down, bad addresses, header injection, rate limits.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from scsearch.alerts.mailer import normalize_address
from scsearch.alerts.store import AlertStore
from scsearch.errors import BadAddress
from tests._fixtures_alerts import DOCS, SmtpServer, cli_env, free_port, ingest, smtp_env, write_docs


@pytest.fixture()
def smtp(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    server = SmtpServer().start()
    for key, value in smtp_env(server.port).items():
        monkeypatch.setenv(key, value)
    yield server
    server.stop()


@pytest.fixture()
def site(tmp_path: Path) -> tuple[Path, Path]:
    data, docs = tmp_path / "data", tmp_path / "docs"
    write_docs(docs, DOCS)
    ingest(data, docs)
    return data, docs


def _client(data: Path) -> FlaskClient:
    from scsearch.webui import create_app

    return create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "test"}).test_client()


def _csrf(client: FlaskClient, query: str = "q=elektromobilita") -> str:
    page = client.get(f"/?{query}").get_data(as_text=True)
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert m, "the results page has the alert form"
    return m.group(1)


def _subscribe(client: FlaskClient, email: str, q: str = "elektromobilita", **extra: str) -> tuple[int, str]:
    token = _csrf(client)
    resp = client.post("/odber", data={"csrf_token": token, "email": email, "q": q, **extra})
    return resp.status_code, resp.get_data(as_text=True)


def _link(message_text: str, kind: str) -> str:
    m = re.search(rf"https://hledani\.example\.cz(/odber/{kind}/[A-Za-z0-9._-]+)", message_text)
    assert m, message_text
    return m.group(1)


def _text(received) -> str:  # type: ignore[no-untyped-def]
    part = received.message.get_body(preferencelist=("plain",))
    return str(part.get_content())


def _run(data: Path, port: int, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scsearch.cli", "--data-dir", str(data), "alerts", "run"],
                          env=cli_env(port, **env), capture_output=True, text=True, timeout=120)


def _add_document(data: Path, docs: Path, name: str) -> None:
    write_docs(docs, {name: f"Nový dokument {name}\n\nElektromobilita a sdílená vozidla v obcích ({name}).\n"})
    ingest(data, docs)


def test_double_opt_in_digest_unsubscribe(smtp: SmtpServer, site: tuple[Path, Path]) -> None:
    from scsearch.alerts.runner import run_alerts

    data, docs = site
    client = _client(data)
    status, body = _subscribe(client, "Urednik@Example.CZ")
    assert status == 200 and "poslali jsme" in body
    assert len(smtp.messages) == 1
    confirm = smtp.messages[0]
    assert confirm.rcpt_tos == ["Urednik@example.cz"]
    assert "Potvrďte odběr" in confirm.message["Subject"]
    # not active before confirmation: a run does nothing for it
    assert run_alerts(data).subscriptions == 0
    link = _link(_text(confirm), "potvrdit")
    assert "Potvrdit odběr" in client.get(link).get_data(as_text=True)  # GET only shows a button
    with AlertStore(data) as store:
        assert store.subscriptions()[0].state == "pending"
    assert client.post(link).status_code == 200
    with AlertStore(data) as store:
        assert store.subscriptions()[0].state == "active"

    first = run_alerts(data)  # the first run records what matches and sends nothing
    assert (first.primed, first.sent) == (1, 0) and len(smtp.messages) == 1

    _add_document(data, docs, "novinka_1.txt")
    report = run_alerts(data)
    assert report.sent == 1, report
    digest = smtp.messages[-1]
    msg = digest.message
    text = _text(digest)
    assert "1 nový dokument" in msg["Subject"] and "elektromobilita" in msg["Subject"]
    assert "novinka_1" in text and "zapis_elektromobilita" not in text  # only the new document
    assert "https://hledani.example.cz/dokument/" in text
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "<mark>" in html and "Odhlásit odběr" in html
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<https://hledani\.example\.cz(/odber/zrusit/[^>]+)>", msg["List-Unsubscribe"])
    assert unsubscribe

    assert run_alerts(data).sent == 0  # nothing new: nothing sent
    assert len(smtp.messages) == 2

    # one-click unsubscribe (RFC 8058): a POST without session or CSRF token
    resp = client.post(unsubscribe.group(1), data={"List-Unsubscribe": "One-Click"})
    assert resp.status_code == 200 and "zrušen" in resp.get_data(as_text=True)
    _add_document(data, docs, "novinka_2.txt")
    assert run_alerts(data).sent == 0
    assert len(smtp.messages) == 2


def test_no_document_twice_across_runs_and_digests(smtp: SmtpServer, site: tuple[Path, Path]) -> None:
    from scsearch.alerts.runner import run_alerts
    from scsearch.cli import main

    data, docs = site
    assert main(["--data-dir", str(data), "alerts", "add", "--email", "a@example.cz", "elektromobilita"]) == 0
    run_alerts(data)
    for n in range(3):
        _add_document(data, docs, f"dalsi_{n}.txt")
        run_alerts(data)
        run_alerts(data)
    names = [re.findall(r"dalsi_\d", _text(m)) for m in smtp.messages]
    flat = [n for found in names for n in dict.fromkeys(found)]
    assert sorted(flat) == ["dalsi_0", "dalsi_1", "dalsi_2"]  # each new document exactly once
    assert len(smtp.messages) == 3


def test_crash_after_the_server_took_the_digest_sends_nothing_again(smtp: SmtpServer,
                                                                     site: tuple[Path, Path]) -> None:
    from scsearch.cli import main

    data, docs = site
    main(["--data-dir", str(data), "alerts", "add", "--email", "a@example.cz", "elektromobilita"])
    assert _run(data, smtp.port).returncode == 0  # primes
    _add_document(data, docs, "po_padu.txt")
    crashed = _run(data, smtp.port, SCSEARCH_FAULT="alerts_after_send")
    assert crashed.returncode == -9, crashed.stderr  # killed right after the SMTP server accepted
    assert len(smtp.messages) == 1 and "po_padu" in _text(smtp.messages[0])
    again = _run(data, smtp.port)
    assert again.returncode == 0, again.stderr
    assert "možná odešel" in again.stderr
    assert len(smtp.messages) == 1  # not sent twice
    with AlertStore(data) as store:
        assert store.outbox_counts() == {"uncertain": 1}


def test_crash_before_sending_sends_the_queued_digest_once(smtp: SmtpServer, site: tuple[Path, Path]) -> None:
    from scsearch.cli import main

    data, docs = site
    main(["--data-dir", str(data), "alerts", "add", "--email", "a@example.cz", "elektromobilita"])
    assert _run(data, smtp.port).returncode == 0
    _add_document(data, docs, "pred_padem.txt")
    assert _run(data, smtp.port, SCSEARCH_FAULT="alerts_before_send").returncode == -9
    assert smtp.messages == []
    assert _run(data, smtp.port).returncode == 0
    assert _run(data, smtp.port).returncode == 0
    assert len(smtp.messages) == 1 and "pred_padem" in _text(smtp.messages[0])


def test_smtp_server_down_is_reported_and_retried(site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from scsearch.cli import main

    data, docs = site
    port = free_port()  # nothing listens here yet
    for key, value in smtp_env(port).items():
        monkeypatch.setenv(key, value)
    main(["--data-dir", str(data), "alerts", "add", "--email", "a@example.cz", "elektromobilita"])
    assert _run(data, port).returncode == 0  # priming needs no server
    _add_document(data, docs, "za_vypadku.txt")
    down = _run(data, port)
    assert down.returncode == 1
    assert "nepodařilo předat serveru SMTP" in down.stderr and "zkusí se znovu" in down.stdout
    with AlertStore(data) as store:
        assert store.outbox_counts() == {"pending": 1}
        assert "SMTP" in store.subscriptions()[0].last_error
    server = SmtpServer(port).start()
    try:
        assert _run(data, port).returncode == 0
        assert _run(data, port).returncode == 0
        assert len(server.messages) == 1 and "za_vypadku" in _text(server.messages[0])
    finally:
        server.stop()


@pytest.mark.parametrize("address", [
    "", "bez-zavinace", "a@b", "a@@example.cz", "a b@example.cz", "a@example.cz\r\nBcc: x@evil.cz",
    "a@example.cz\nBcc: x@evil.cz", "Jméno <a@example.cz>", "a@example.cz, b@example.cz", "ř@example.cz",
    "a" * 65 + "@example.cz", "a@" + "b" * 250 + ".cz", '"a"@example.cz', "a@-example.cz",
])
def test_bad_addresses_are_refused(address: str) -> None:
    with pytest.raises(BadAddress):
        normalize_address(address)


def test_header_injection_in_address_and_query(smtp: SmtpServer, site: tuple[Path, Path]) -> None:
    data, _ = site
    client = _client(data)
    status, _ = _subscribe(client, "a@example.cz\r\nBcc: x@evil.cz")
    assert status == 400 and smtp.messages == []
    evil_q = "elektromobilita\r\nBcc: x@evil.cz\r\nSubject: podvrh"
    status, _ = _subscribe(client, "b@example.cz", q=evil_q)
    assert status == 200
    (received,) = smtp.messages
    assert received.rcpt_tos == ["b@example.cz"]
    msg = received.message
    assert msg["Bcc"] is None and len(msg.get_all("Subject")) == 1
    assert "\n" not in str(msg["Subject"]) and "\r" not in str(msg["Subject"])
    for line in received.raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        assert not line.lower().startswith(b"bcc:")


def test_same_answer_for_subscribed_addresses_and_rate_limits(smtp: SmtpServer, site: tuple[Path, Path],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = site
    client = _client(data)
    first = _subscribe(client, "c@example.cz")
    link = _link(_text(smtp.messages[0]), "potvrdit")
    client.post(link)
    again = _subscribe(client, "c@example.cz")  # already active: no mail, the same page
    other = _subscribe(client, "d@example.cz")
    assert first == again == other
    assert [m.rcpt_tos for m in smtp.messages] == [["c@example.cz"], ["d@example.cz"]]
    # per address: 3 requests a day by default, the 4th is refused
    assert _subscribe(client, "d@example.cz")[0] == 200
    assert _subscribe(client, "d@example.cz")[0] == 200
    assert _subscribe(client, "d@example.cz")[0] == 429
    # per IP: lower the limit and see it apply
    monkeypatch.setenv("SCSEARCH_ALERTS_LIMIT_IP", "6")  # 6 requests so far
    assert _subscribe(client, "e@example.cz")[0] == 429


def test_subscribe_form_needs_csrf_and_alerts_off_says_so(site: tuple[Path, Path],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = site
    monkeypatch.delenv("SCSEARCH_SMTP_HOST", raising=False)
    monkeypatch.delenv("SCSEARCH_SMTP_FROM", raising=False)
    client = _client(data)
    page = client.get("/?q=elektromobilita").get_data(as_text=True)
    assert "nejsou na tomto serveru zapnuta" in page and 'name="email"' not in page
    assert client.post("/odber", data={"email": "a@example.cz", "q": "x"}).status_code == 503
    monkeypatch.setenv("SCSEARCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SCSEARCH_SMTP_FROM", "upozorneni@example.cz")
    resp = client.post("/odber", data={"email": "a@example.cz", "q": "x", "csrf_token": "podvrh"})
    assert resp.status_code == 400 and "Neplatný formulář" in resp.get_data(as_text=True)


def test_cli_add_list_remove(site: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from scsearch.cli import main

    data, _ = site
    assert main(["--data-dir", str(data), "alerts", "add", "--email", "x@example.cz", "dotace",
                 "--ministry", "md", "--from", "2017-01-01"]) == 0
    assert main(["--data-dir", str(data), "alerts", "list", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    (sub,) = out["subscriptions"]
    assert sub["email"] == "x@example.cz" and sub["state"] == "active"
    assert sub["search"] == "q=dotace&ministry=MD&from=2017-01-01"
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(data), "alerts", "add", "--email", "x@example.cz", "q", "--ministry", "XX"])
    assert exc.value.code == 2
    assert main(["--data-dir", str(data), "alerts", "add", "--email", "špatně", "dotace"]) == 2
    assert main(["--data-dir", str(data), "alerts", "remove", str(sub["id"])]) == 0
    assert main(["--data-dir", str(data), "alerts", "remove", str(sub["id"])]) == 1
    main(["--data-dir", str(data), "alerts", "list"])
    assert "žádné odběry" in capsys.readouterr().out


def test_admin_lists_subscriptions(site: tuple[Path, Path]) -> None:
    from scsearch.cli import main
    from scsearch.webui import create_app

    data, _ = site
    main(["--data-dir", str(data), "alerts", "add", "--email", "y@example.cz", "elektromobilita"])
    app = create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "t", "ADMIN_PASSWORD": "heslo123"})
    client = app.test_client()
    login = client.get("/admin/prihlaseni").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
    client.post("/admin/prihlaseni", data={"password": "heslo123", "csrf_token": token})
    page = client.get("/admin/odbery").get_data(as_text=True)
    assert "y@example.cz" in page and "„elektromobilita“" in page


def test_subscriptions_live_in_the_admin_database() -> None:
    from scsearch.alerts import store
    from scsearch.ingest import jobqueue as jobs

    assert store.DB_NAME == jobs.DB_NAME


def test_ingest_sends_the_alerts(smtp: SmtpServer, site: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from scsearch.cli import main

    data, docs = site
    main(["--data-dir", str(data), "alerts", "add", "--email", "a@example.cz", "elektromobilita"])
    assert main(["--data-dir", str(data), "alerts", "run"]) == 0  # primes
    write_docs(docs, {"z_ingestu.txt": "Z ingestu\n\nElektromobilita a nabíjení v obcích.\n"})
    assert main(["--data-dir", str(data), "ingest", str(docs), "--workers", "1"]) == 0
    assert "odesláno 1 e-mailů" in capsys.readouterr().out
    assert len(smtp.messages) == 1 and "Z ingestu" in _text(smtp.messages[0])
