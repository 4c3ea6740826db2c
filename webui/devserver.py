"""The request handler of ``scsearch serve`` on Werkzeug's server.

Errors the HTTP server answers itself, before the app sees the request (a request line over
64 KiB, a malformed request line), get the same treatment as the app's own errors: JSON under
``/api/``, a short Czech text elsewhere, the security headers, and a ``Server`` header without
the Werkzeug and Python versions.
"""

from __future__ import annotations

import json

from werkzeug.serving import WSGIRequestHandler

from scsearch.webui import security_headers

_MESSAGES = {
    400: "Chybný požadavek.",
    408: "Vypršel čas na odeslání požadavku.",
    414: "Adresa požadavku je příliš dlouhá (zkraťte dotaz).",
    431: "Hlavičky požadavku jsou příliš velké.",
    501: "Nepodporovaná metoda požadavku.",
}


class RequestHandler(WSGIRequestHandler):
    """Werkzeug's handler with our ``Server`` header and our error bodies."""

    def version_string(self) -> str:
        return security_headers.SERVER_NAME

    def _is_api(self) -> bool:
        raw = getattr(self, "raw_requestline", b"") or b""
        parts = raw[:200].split(b" ")
        return len(parts) > 1 and parts[1].startswith(b"/api/")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        text = _MESSAGES.get(code, "Požadavek nelze zpracovat.")
        self.log_error("code %d, message %s", code, message or text)
        if self._is_api():
            body = json.dumps({"error": text, "status": code}, ensure_ascii=False).encode("utf-8")
            content_type = "application/json"
        else:
            body = f"{code} – {text}\n".encode()
            content_type = "text/plain; charset=utf-8"
        self.send_response(code)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", security_headers.CONTENT_SECURITY_POLICY)
        for name, value in security_headers.HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if getattr(self, "command", "") != "HEAD":
            self.wfile.write(body)
