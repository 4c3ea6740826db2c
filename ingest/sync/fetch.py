"""A polite HTTP client for one sync run (``requests``): robots.txt, one request at a time per host with a
delay, conditional requests, redirects followed by hand within the allowed hosts, retries with back-off,
and every response bounded in time and size (streamed, aborted when over).

Failures are raised as :class:`FetchError` with a short Czech reason naming the cause.
"""

from __future__ import annotations

import io
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from scsearch import __version__, errors, settings

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


class FetchError(errors.ScsearchError):
    """A URL could not be retrieved; ``reason`` is Czech and user-facing, ``status`` the HTTP code if any."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class FetchConfig:
    user_agent: str
    delay: float
    timeout: float
    total_timeout: float
    max_bytes: int
    retries: int
    backoff: float

    @classmethod
    def from_settings(cls) -> FetchConfig:
        # header values must be ASCII without control characters
        contact = "".join(c for c in str(settings.get("sync_contact") or "") if " " <= c <= "~").strip()
        agent = f"scsearch/{__version__} (document sync for PS pro Smart Cities"
        agent += f"; contact: {contact})" if contact else ")"
        return cls(
            user_agent=agent,
            delay=max(0.0, float(settings.get("sync_delay"))),
            timeout=max(1.0, float(settings.get("sync_timeout"))),
            total_timeout=max(1.0, float(settings.get("sync_file_timeout"))),
            max_bytes=max(1, int(settings.get("sync_max_mb"))) * 1024 * 1024,
            retries=max(0, int(settings.get("sync_retries"))),
            backoff=max(0.0, float(settings.get("sync_backoff"))),
        )


@dataclass(frozen=True)
class Fetched:
    """A completed GET: ``not_modified`` when the server answered 304 (nothing was written)."""

    url: str  # after redirects
    status: int
    content_type: str  # media type, lower case, without parameters
    charset: str  # from the Content-Type header ('' when absent)
    etag: str
    last_modified: str
    size: int
    not_modified: bool


class Fetcher:
    """One session; all requests of a sync run go through ``get``."""

    def __init__(self, config: FetchConfig, allowed_hosts: set[str],
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.session = requests.Session()
        self.session.headers["User-Agent"] = config.user_agent
        self.session.trust_env = False  # no proxies or .netrc from the environment
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._sleep = sleep

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------ politeness
    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self.config.delay - (time.monotonic() - last)
            if wait > 0:
                self._sleep(wait)
        self._last[host] = time.monotonic()

    def allowed_by_robots(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(self.config.user_agent, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """The parsed robots.txt; None (everything allowed) when there is none or it cannot be read."""
        parser = urllib.robotparser.RobotFileParser()
        try:
            resp = self._request(f"{origin}/robots.txt", {})
        except FetchError:
            return None
        with resp:
            if resp.status_code in (401, 403):
                parser.parse(["User-agent: *", "Disallow: /"])  # as urllib.robotparser.read() does
                return parser
            if resp.status_code != 200:
                return None
            body = _read_limited(resp, 512 * 1024, self.config.total_timeout)
        parser.parse(body.decode("utf-8", "replace").splitlines())
        return parser

    # ------------------------------------------------------------ requests
    def _request(self, url: str, headers: dict[str, str]) -> requests.Response:
        """One GET with retries for 5xx and connection errors (no redirects followed)."""
        host = urlsplit(url).netloc.lower()
        attempt = 0
        while True:
            self._wait_turn(host)
            try:
                resp = self.session.get(url, headers=headers, stream=True, allow_redirects=False,
                                        timeout=(self.config.timeout, self.config.timeout))
            except requests.Timeout:
                reason = f"server neodpověděl do {self.config.timeout:g} s"
                resp = None
            except requests.ConnectionError:
                reason = "nelze se spojit se serverem"
                resp = None
            except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, ValueError) as exc:
                raise FetchError(f"neplatná adresa ({exc})"[:200]) from None
            except requests.RequestException as exc:
                raise FetchError(f"chyba požadavku ({type(exc).__name__})") from None
            if resp is not None and resp.status_code < 500:
                return resp
            if resp is not None:
                reason = f"chyba serveru (HTTP {resp.status_code})"
                status = resp.status_code
                resp.close()
            else:
                status = None
            if attempt >= self.config.retries:
                suffix = f" ani po {attempt + 1} pokusech" if attempt else ""
                raise FetchError(reason + suffix, status)
            self._sleep(self.config.backoff * (2**attempt))
            attempt += 1

    def get(self, url: str, sink: IO[bytes], *, etag: str = "", last_modified: str = "",
            max_bytes: int | None = None) -> Fetched:
        """GET ``url`` into ``sink``, following redirects within the allowed hosts (at most 5, no loops)."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = {url}
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_allowed(current)
            resp = self._request(current, headers)
            with resp:
                if resp.status_code in REDIRECTS:
                    target = resp.headers.get("Location", "")
                    if not target:
                        raise FetchError(f"přesměrování bez cíle (HTTP {resp.status_code})", resp.status_code)
                    nxt = urljoin(current, target)
                    if nxt in seen:
                        raise FetchError("smyčka přesměrování", resp.status_code)
                    seen.add(nxt)
                    current = nxt
                    continue
                if resp.status_code == 304:
                    return self._fetched(current, resp, 0, not_modified=True)
                if resp.status_code != 200:
                    raise FetchError(_status_reason(resp.status_code), resp.status_code)
                limit = max_bytes if max_bytes is not None else self.config.max_bytes
                size = _copy_limited(resp, sink, limit, self.config.total_timeout)
                return self._fetched(current, resp, size, not_modified=False)
        raise FetchError(f"příliš mnoho přesměrování (více než {MAX_REDIRECTS})")

    def _check_allowed(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"nepodporované schéma adresy {parts.scheme!r}")
        if (parts.hostname or "").lower() not in self.allowed_hosts:
            raise FetchError(f"přesměrování mimo povolený web ({parts.hostname})")
        if not self.allowed_by_robots(url):
            raise FetchError("zakázáno v robots.txt")

    @staticmethod
    def _fetched(url: str, resp: requests.Response, size: int, *, not_modified: bool) -> Fetched:
        ctype = resp.headers.get("Content-Type", "")
        media, _, params = ctype.partition(";")
        charset = ""
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset":
                charset = value.strip().strip('"').lower()
        return Fetched(url=url, status=resp.status_code, content_type=media.strip().lower(), charset=charset,
                       etag=resp.headers.get("ETag", ""), last_modified=resp.headers.get("Last-Modified", ""),
                       size=size, not_modified=not_modified)


def _status_reason(status: int) -> str:
    names = {401: "vyžaduje přihlášení", 403: "přístup odepřen", 404: "soubor nenalezen", 410: "soubor odstraněn"}
    what = names.get(status, "neočekávaná odpověď serveru")
    return f"nefunkční odkaz: {what} (HTTP {status})"


def _copy_limited(resp: requests.Response, sink: IO[bytes], limit: int, total_timeout: float) -> int:
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"soubor je větší než limit {_mb(limit)} MB ({_mb(int(declared))} MB)")
    deadline = time.monotonic() + total_timeout
    size = 0
    try:
        while True:
            # read1: whatever has arrived (a trickling server cannot hold a chunk back past the deadline)
            chunk = resp.raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise FetchError(f"soubor je větší než limit {_mb(limit)} MB, stahování přerušeno")
            if time.monotonic() > deadline:
                raise FetchError(f"stahování trvalo déle než {total_timeout:g} s, přerušeno")
            sink.write(chunk)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise FetchError(f"spojení přerušeno během stahování ({type(exc).__name__})") from None
    return size


def _read_limited(resp: requests.Response, limit: int, total_timeout: float) -> bytes:
    buf = io.BytesIO()
    _copy_limited(resp, buf, limit, total_timeout)
    return buf.getvalue()


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}" if n >= 1024 * 1024 else f"{n / (1024 * 1024):.2f}"
