"""Admin hardening through a real threaded HTTP server: the body of an unauthenticated request is never
read, the login rate limit holds under parallel requests, logout and a password change end sessions,
and ``next`` cannot break the redirect."""

from __future__ import annotations

import io
import json
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.security import generate_password_hash

from scsearch.ingest import jobqueue as jobs
from tests._fixtures_server import serving
from tests.test_admin import PASSWORD, login, make_app, token_of


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCSEARCH_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("SCSEARCH_TRUSTED_PROXIES", raising=False)


def audit_rows(tmp_path: Path, action: str) -> list[dict[str, Any]]:
    conn = jobs.connect(tmp_path / "data")
    try:
        rows = conn.execute("SELECT ip, details FROM audit WHERE action = ? ORDER BY id", (action,)).fetchall()
    finally:
        conn.close()
    return [{"ip": r[0], **json.loads(r[1])} for r in rows]


def raw_post_head(base: str, path: str, content_length: int, body_start: bytes,
                  content_type: str = "multipart/form-data; boundary=xyz", cookie: str = "") -> tuple[socket.socket, bytes]:
    """Send the headers of a POST announcing ``content_length`` bytes and only ``body_start`` of it;
    return the socket and whatever the server answered within 10 s (without the rest of the body)."""
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    head = (f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {content_length}\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n")
    sock.sendall(head.encode("latin-1") + body_start)
    answer = b""
    try:
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    except TimeoutError:
        pass
    return sock, answer


# ------------------------------------------------------------------ item 6: no body before the login check


def test_unauthenticated_upload_refused_before_the_body_is_read(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with serving(app) as base:
        # a 2 GB upload announced, 64 KB sent: the answer must come without waiting for the rest
        part = b"--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\n" + b"a" * 65536
        started = time.monotonic()
        sock, answer = raw_post_head(base, "/admin/nahrat", 2 * 1024**3, part)
        sock.close()
        assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
        assert time.monotonic() - started < 5
        # the login form (public) takes at most 1 MB: a bigger body is refused from its length alone
        sock, answer = raw_post_head(base, "/admin/prihlaseni", 5 * 1024**2, b"password=x&",
                                     content_type="application/x-www-form-urlencoded")
        sock.close()
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert not list((tmp_path / "nahrane").glob("**/*.part"))


def test_logged_in_upload_over_the_small_limit_still_works(tmp_path: Path) -> None:
    app = make_app(tmp_path, UPLOAD_MAX_MB=3)
    client = app.test_client()
    token = login(client)
    big = b"Velky textovy soubor o chytrych mestech.\n" * 50_000  # 2 MB: over the 1 MB of unauthenticated requests
    resp = client.post("/admin/nahrat", data={"csrf_token": token, "files": [(io.BytesIO(big), "velky.txt")]},
                       content_type="multipart/form-data")
    assert resp.status_code == 200 and "upload-stored" in resp.text


# ------------------------------------------------------------------ item 7: atomic rate limit


def _login_page(base: str, session: requests.Session, **headers: str) -> str:
    return token_of(session.get(f"{base}/admin/prihlaseni", headers=headers, timeout=10).text)


def _post_login(base: str, session: requests.Session, token: str, password: str, **headers: str) -> requests.Response:
    return session.post(f"{base}/admin/prihlaseni", data={"password": password, "csrf_token": token},
                        headers=headers, allow_redirects=False, timeout=60)


ATTACKER = {"X-Forwarded-For": "203.0.113.9"}


def _attack(base: str, attempts: int = 40) -> tuple[requests.Session, str, list[int]]:
    """``attempts`` wrong passwords at once from the attacker's address (one session, one CSRF token)."""
    bad = requests.Session()
    token = _login_page(base, bad, **ATTACKER)
    cookies = bad.cookies.get_dict()

    def attempt(_: int) -> int:
        return requests.post(f"{base}/admin/prihlaseni", data={"password": "špatně", "csrf_token": token},
                             cookies=cookies, headers=ATTACKER, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        return bad, token, list(pool.map(attempt, range(attempts)))


def test_parallel_wrong_passwords_get_at_most_the_limit_checked(tmp_path: Path) -> None:
    # a slow hash makes the race window wide: with count-then-record the 40 requests all pass the count
    app = make_app(tmp_path, ADMIN_PASSWORD=generate_password_hash(PASSWORD), TRUSTED_PROXIES=1)
    with serving(app) as base:
        bad, token, codes = _attack(base)
        assert codes.count(401) == 5, codes  # checked
        assert codes.count(429) == 35, codes  # refused before the check
        assert _post_login(base, bad, token, PASSWORD, **ATTACKER).status_code == 429
    # the failures are logged one by one, the blocked attempts as one counted row
    assert len(audit_rows(tmp_path, "login_failed")) == 5
    blocked = audit_rows(tmp_path, "login_blocked")
    assert [(b["ip"], b["počet"]) for b in blocked] == [("203.0.113.9", 36)]


def test_others_failures_do_not_lock_the_admin_out(tmp_path: Path) -> None:
    app = make_app(tmp_path, ADMIN_PASSWORD=generate_password_hash(PASSWORD), TRUSTED_PROXIES=1)
    with serving(app) as base:
        # the admin's browser logged in before: it holds a device cookie
        admin = requests.Session()
        assert _post_login(base, admin, _login_page(base, admin), PASSWORD).status_code == 302
        assert "scsearch_admin_device" in admin.cookies
        admin.post(f"{base}/admin/odhlaseni", data={"csrf_token": token_of(admin.get(f"{base}/admin/").text)})
        _attack(base, 10)
        # the admin's browser gets in even over the attacker's address; so does another address
        assert _post_login(base, admin, _login_page(base, admin, **ATTACKER), PASSWORD, **ATTACKER).status_code == 302
        other = requests.Session()
        other_ip = {"X-Forwarded-For": "198.51.100.7"}
        assert _post_login(base, other, _login_page(base, other, **other_ip), PASSWORD, **other_ip).status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxies(tmp_path: Path) -> None:
    app = make_app(tmp_path, ADMIN_LOGIN_LIMIT=2)
    with serving(app) as base:
        s = requests.Session()
        token = _login_page(base, s)
        for n in range(2):
            assert _post_login(base, s, token, "špatně", **{"X-Forwarded-For": f"10.0.0.{n}"}).status_code == 401
        # a made-up X-Forwarded-For does not give a fresh address
        assert _post_login(base, s, token, PASSWORD, **{"X-Forwarded-For": "10.0.0.9"}).status_code == 429
    assert {r["ip"] for r in audit_rows(tmp_path, "login_blocked")} == {"127.0.0.1"}


def test_global_budget_limits_clients_spread_over_many_addresses(tmp_path: Path) -> None:
    app = make_app(tmp_path, TRUSTED_PROXIES=1, ADMIN_LOGIN_GLOBAL_LIMIT=3)
    client = app.test_client()
    token = token_of(client.get("/admin/prihlaseni").text)
    codes = [client.post("/admin/prihlaseni", data={"password": "x", "csrf_token": token},
                         headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code for n in range(5)]
    assert codes == [401, 401, 401, 429, 429]


# ------------------------------------------------------------------ item 8: server-side sessions


def _session_cookie(client: Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def test_copied_cookie_stops_working_after_logout(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    token = login(client)
    stolen = _session_cookie(client)
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/admin/").status_code == 200  # the copy works while the session lives
    assert client.post("/admin/odhlaseni", data={"csrf_token": token}).status_code == 302
    resp = thief.get("/admin/")
    assert resp.status_code == 302 and "/admin/prihlaseni" in resp.headers["Location"]
    assert thief.post("/admin/preindexovat", data={"csrf_token": token}).status_code == 403


def test_password_change_ends_every_session(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    login(client)
    stolen = _session_cookie(client)
    restarted = make_app(tmp_path, ADMIN_PASSWORD="Nové heslo 2024")  # same secret key and database
    other = restarted.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/admin/").status_code == 302
    again = make_app(tmp_path).test_client()  # the old password back: its old sessions stay ended
    again.set_cookie("session", stolen)
    assert again.get("/admin/").status_code == 302


# ------------------------------------------------------------------ item 10: next with CR/LF


@pytest.mark.parametrize("target", ["/admin/\r\nSet-Cookie: x=1", "/admin/ulohy\n", "//evil.example/admin",
                                    "/admin/\x00"])
def test_login_next_with_control_characters_redirects_safely(tmp_path: Path, target: str) -> None:
    client = make_app(tmp_path).test_client()
    token = token_of(client.get("/admin/prihlaseni").text)
    resp = client.post("/admin/prihlaseni", data={"password": PASSWORD, "csrf_token": token, "next": target})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/admin/"
    assert "x=1" not in resp.headers.get("Set-Cookie", "")


def test_login_next_inside_admin_is_kept(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    resp = client.get("/admin/ulohy")
    assert resp.status_code == 302
    next_value = re.search(r"next=([^&]+)", resp.headers["Location"])
    assert next_value
    token = token_of(client.get(resp.headers["Location"]).text)
    resp = client.post("/admin/prihlaseni", data={"password": PASSWORD, "csrf_token": token, "next": "/admin/ulohy"})
    assert resp.headers["Location"] == "/admin/ulohy"


def test_device_cookie_has_its_own_limit(tmp_path: Path) -> None:
    app = make_app(tmp_path, TRUSTED_PROXIES=1)
    client = app.test_client()
    token = login(client)
    assert client.get_cookie("scsearch_admin_device", path="/admin") is not None
    client.post("/admin/odhlaseni", data={"csrf_token": token})
    token = token_of(client.get("/admin/prihlaseni").text)
    codes = [client.post("/admin/prihlaseni", data={"password": "špatně", "csrf_token": token},
                         headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code for n in range(6)]
    assert codes == [401] * 5 + [429]  # a copied device cookie gives no extra guesses from new addresses
    # a forged device cookie is ignored: the blocked address stays blocked
    blocked = {"X-Forwarded-For": "192.0.2.200"}
    stranger = app.test_client()
    token = token_of(stranger.get("/admin/prihlaseni").text)
    for _ in range(5):
        stranger.post("/admin/prihlaseni", data={"password": "špatně", "csrf_token": token}, headers=blocked)
    stranger.set_cookie("scsearch_admin_device", "podvrh", path="/admin")
    resp = stranger.post("/admin/prihlaseni", data={"password": PASSWORD, "csrf_token": token}, headers=blocked)
    assert resp.status_code == 429
