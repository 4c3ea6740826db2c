"""Signed tokens in the confirmation and unsubscribe links (itsdangerous).

The key is the setting ``secret_key`` when set, else a random key kept in the database, so the web
server and ``scsearch alerts run`` sign alike and links survive restarts. A confirmation link is
valid for ``CONFIRM_MAX_AGE_S``; an unsubscribe link does not expire.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from scsearch import settings
from scsearch.alerts.store import AlertStore

CONFIRM_MAX_AGE_S = 7 * 86400
_CONFIRM_SALT = "scsearch.alerts.confirm"
_UNSUBSCRIBE_SALT = "scsearch.alerts.unsubscribe"


class Tokens:
    def __init__(self, store: AlertStore) -> None:
        self._key = str(settings.get("secret_key") or "") or store.secret()

    def confirm(self, sub_id: int, email: str) -> str:
        return str(URLSafeTimedSerializer(self._key, salt=_CONFIRM_SALT).dumps([sub_id, email]))

    def unsubscribe(self, sub_id: int, email: str) -> str:
        return str(URLSafeSerializer(self._key, salt=_UNSUBSCRIBE_SALT).dumps([sub_id, email]))

    def read_confirm(self, token: str) -> tuple[int, str] | None:
        try:
            value = URLSafeTimedSerializer(self._key, salt=_CONFIRM_SALT).loads(token, max_age=CONFIRM_MAX_AGE_S)
        except BadSignature:
            return None
        return _pair(value)

    def read_unsubscribe(self, token: str) -> tuple[int, str] | None:
        try:
            value = URLSafeSerializer(self._key, salt=_UNSUBSCRIBE_SALT).loads(token)
        except BadSignature:
            return None
        return _pair(value)


def _pair(value: object) -> tuple[int, str] | None:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
        return value[0], value[1]
    return None
