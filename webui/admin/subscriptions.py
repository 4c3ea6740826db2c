"""The admin page of e-mail alert subscriptions (``/admin/odbery``): list them, remove one.

Access control and CSRF come from the blueprint's ``_guard`` like every admin route.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from scsearch.alerts.search_spec import from_query_string
from scsearch.alerts.store import AlertStore
from scsearch.webui.admin import bp, security
from scsearch.webui.admin.context import admin_config, audit
from scsearch.webui.alerts import alerts_config


@bp.route("/odbery", endpoint="subscriptions")
def subscriptions() -> Any:
    with AlertStore(admin_config().data_dir) as store:
        subs = store.subscriptions()
        counts = store.outbox_counts()
    rows = [{"sub": s, "label": from_query_string(s.search).label()} for s in subs]
    return render_template("admin/subscriptions.html", rows=rows, counts=counts,
                           enabled=alerts_config() is not None)


@bp.route("/odbery/<int:sub_id>/odstranit", methods=["POST"], endpoint="subscription_remove")
def remove_subscription(sub_id: int) -> Any:
    with AlertStore(admin_config().data_dir) as store:
        sub = store.get(sub_id)
        removed = store.remove(sub_id)
    if removed and sub is not None:
        audit().record("admin", security.client_ip(), "alert_remove", sub.email, search=sub.search)
        flash(f"Odběr č. {sub_id} byl odstraněn.")
    else:
        flash(f"Odběr č. {sub_id} neexistuje.", "error")
    return redirect(url_for("admin.subscriptions"))
