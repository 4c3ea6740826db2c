"""Routes of the admin blueprint. Access control and CSRF are enforced in ``_guard`` for every route."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from scsearch.errors import UsageError
from scsearch.ingest import exclusions
from scsearch.ingest.discover import inside_sources
from scsearch.ingest.sync.state import sites as sync_sites
from scsearch.models import DOC_TYPES, MINISTRIES
from scsearch.webui.admin import bp, overrides, security
from scsearch.webui.admin.context import (
    admin_config,
    audit,
    base_template,
    indexed_documents,
    limiter,
    queue,
    sessions,
    uploads,
)
from scsearch.webui.admin.ratelimit import GLOBAL, device_bucket, ip_bucket
from scsearch.webui.labels import FILE_STATUS_LABELS, JOB_STATE_LABELS

ADMIN_USER = "admin"
PUBLIC_ENDPOINTS = {"admin.login", "admin.static"}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SMALL_BODY_BYTES = 1024 * 1024  # every request body but an authenticated upload
MAX_FILES_PER_UPLOAD = 50
DOC_TYPE_LABELS = {
    "minutes": "zápis z jednání",
    "presentation": "prezentace",
    "funding_overview": "přehled výzev",
    "plan": "plán",
    "methodology": "metodika",
    "other": "ostatní",
}


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


def _message(title: str, text: str, status: int) -> tuple[str, int]:
    return _page("admin/message.html", status, title=title, text=text)


@bp.app_context_processor
def _admin_context() -> dict[str, Any]:
    return {"csrf_token": security.csrf_token, "admin_base": base_template,
            "DOC_TYPE_LABELS": DOC_TYPE_LABELS, "STATE_LABELS": JOB_STATE_LABELS,
            "FILE_STATUS_LABELS": FILE_STATUS_LABELS}


@bp.before_request
def _guard() -> Any:
    """Access control before anything reads the request body: a request without a valid session is
    refused from its headers alone (only the login form is read, at most ``SMALL_BODY_BYTES``)."""
    if request.endpoint == "admin.static":
        return None
    config = admin_config()
    if not config.enabled:
        return _message(
            "Administrace je vypnuta",
            "Administrace není zapnuta: správce serveru nenastavil heslo (proměnná prostředí "
            "SCSEARCH_ADMIN_PASSWORD).",
            404,
        )
    authenticated = security.logged_in(sessions())
    if not authenticated and request.endpoint not in PUBLIC_ENDPOINTS:
        if request.method == "GET" and not request.path.endswith(".json"):
            return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
        return _message("Přístup odepřen", "Pro tuto akci se musíte přihlásit do administrace.", 403)
    if request.method in SAFE_METHODS:
        return None
    # bound the body before anything parses the form (the CSRF check below does)
    upload = authenticated and request.endpoint == "admin.upload"
    request.max_content_length = config.max_upload_bytes * MAX_FILES_PER_UPLOAD + SMALL_BODY_BYTES if upload \
        else SMALL_BODY_BYTES
    try:
        csrf_ok = security.csrf_valid(request)
    except RequestEntityTooLarge:
        mb = config.max_upload_bytes // (1024 * 1024)
        limit = f"nejvýše {MAX_FILES_PER_UPLOAD} souborů po {mb} MB" if upload else "nejvýše 1 MB"
        return _message("Příliš velký požadavek", f"Odeslaná data jsou příliš velká ({limit}).", 413)
    if not csrf_ok:
        return _message(
            "Neplatný formulář",
            "Formulář vypršel nebo nepochází z této stránky (chybí platný ochranný token CSRF). "
            "Načtěte stránku znovu a akci opakujte.",
            400,
        )
    return None


@bp.after_request
def _no_cache(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _who() -> str:
    return ADMIN_USER


def _safe_next(target: str | None) -> str:
    """A redirect target after login: a path inside the admin only (no scheme, host, backslash or control
    character), else the dashboard."""
    if (target and target.startswith("/admin") and not target.startswith("//") and not urlsplit(target).netloc
            and "\\" not in target and target.isprintable()):
        return target
    return url_for("admin.index")


# ------------------------------------------------------------------ login


def _too_many(wait: int) -> Any:
    minutes = security.describe_wait(wait)
    return _message(
        "Příliš mnoho pokusů",
        f"Příliš mnoho neúspěšných pokusů o přihlášení. Zkuste to znovu za {minutes} min.",
        429,
    ) + ({"Retry-After": str(wait)},)


@bp.route("/prihlaseni", methods=["GET", "POST"], endpoint="login")
def login() -> Any:
    if request.method == "GET":
        return render_template("admin/login.html", next=request.args.get("next", ""))
    ip = security.client_ip()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    device = security.device_id(app, request)
    own = device_bucket(device) if device else ip_bucket(ip)
    lim = limiter()
    reservation = lim.reserve((own,) if device else (own, GLOBAL))
    if not reservation.allowed:
        audit().record_repeated("nepřihlášený", ip, "login_blocked", lim.window_s)
        return _too_many(reservation.wait_s)
    if security.password_matches(admin_config().password, request.form.get("password", "")):
        lim.release(reservation, own)
        security.log_in(sessions(), ADMIN_USER, ip)
        audit().record(ADMIN_USER, ip, "login")
        resp = redirect(_safe_next(request.form.get("next")))
        security.set_device_cookie(app, resp, device)
        return resp
    audit().record("nepřihlášený", ip, "login_failed")
    return render_template("admin/login.html", next=request.form.get("next", ""),
                           error="Nesprávné heslo."), 401


@bp.route("/odhlaseni", methods=["POST"], endpoint="logout")
def logout() -> BaseResponse:
    audit().record(_who(), security.client_ip(), "logout")
    security.log_out(sessions())
    flash("Byli jste odhlášeni.")
    return redirect(url_for("admin.login"))


# ------------------------------------------------------------------ dashboard and uploads


def _upload_rows() -> list[dict[str, Any]]:
    q = queue()
    rows = []
    for up in uploads().recent():
        line = q.last_file_status(str(up["stored_path"]), str(up["at"]))
        rows.append(dict(up, name=Path(str(up["stored_path"])).name,
                         status_label=FILE_STATUS_LABELS.get(line.status, line.status) if line else "ve frontě",
                         status=line.status if line else "queued", reason=line.reason if line else ""))
    return rows


@bp.route("/", endpoint="index")
def index() -> Any:
    q = queue()
    config = admin_config()
    return render_template(
        "admin/index.html",
        active=q.active(),
        jobs=q.list_jobs(5),
        uploads=_upload_rows(),
        upload_dir=config.upload_dir,
        max_mb=config.max_upload_bytes // (1024 * 1024),
        job_paths=config.job_paths(),
        sync_urls=[s.url for s in sync_sites(config.data_dir)],
    )


@bp.route("/nahrat", methods=["POST"], endpoint="upload")
def upload() -> Any:
    files = [f for f in request.files.getlist("files") if f.filename]
    if not files:
        flash("Nevybrali jste žádný soubor.", "error")
        return redirect(url_for("admin.index"))
    if len(files) > MAX_FILES_PER_UPLOAD:
        flash(f"Najednou lze nahrát nejvýše {MAX_FILES_PER_UPLOAD} souborů.", "error")
        return redirect(url_for("admin.index"))
    store = uploads()
    log = audit()
    ip = security.client_ip()
    results = []
    for f in files:
        outcome = store.save(f.filename or "", f.stream, _who())
        action = {"stored": "upload", "duplicate": "upload_duplicate"}.get(outcome.status, "upload_refused")
        log.record(_who(), ip, action, outcome.stored_name or outcome.original_name,
                   original=outcome.original_name, result=outcome.message, sha256=outcome.sha256,
                   format=outcome.format)
        results.append(outcome)
    status = 200 if any(r.ok for r in results) else 422
    return render_template("admin/upload_result.html", results=results), status


@bp.route("/preindexovat", methods=["POST"], endpoint="reindex")
def reindex() -> BaseResponse:
    job = _queue_job("ruční přeindexování")
    audit().record(_who(), security.client_ip(), "reindex", f"úloha {job}")
    return redirect(url_for("admin.job", job_id=job))


@bp.route("/synchronizovat", methods=["POST"], endpoint="sync")
def sync() -> BaseResponse:
    from scsearch.ingest.sync.run import check_url  # the HTTP client and pipeline load only when used

    try:
        url = check_url(request.form.get("url", ""))
    except UsageError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.index"))
    q = queue()
    job = q.enqueue([url], reason="synchronizace webu", user=_who())
    q.start_pending()
    audit().record(_who(), security.client_ip(), "sync", url, job=job.id)
    return redirect(url_for("admin.job", job_id=job.id))


def _queue_job(reason: str, force: tuple[str, ...] = ()) -> int:
    q = queue()
    job = q.enqueue(admin_config().job_paths(), reason=reason, user=_who(), force=force)
    q.start_pending()
    return job.id


# ------------------------------------------------------------------ jobs


@bp.route("/ulohy", endpoint="jobs")
def jobs_list() -> Any:
    return render_template("admin/jobs.html", jobs=queue().list_jobs(100))


@bp.route("/ulohy/<int:job_id>", endpoint="job")
def job_page(job_id: int) -> Any:
    q = queue()
    job = q.get(job_id)
    if job is None:
        return _message("Úloha nenalezena", f"Úloha č. {job_id} neexistuje.", 404)
    return render_template("admin/job.html", job=job, files=q.files(job_id))


@bp.route("/ulohy/<int:job_id>.json", endpoint="job_json")
def job_json(job_id: int) -> Any:
    q = queue()
    job = q.get(job_id)
    if job is None:
        return jsonify({"error": "Úloha neexistuje."}), 404
    after = request.args.get("po", "0")
    files = q.files(job_id, after=int(after) if after.isascii() and after.isdigit() else 0)
    return jsonify({
        "job": dict(job.to_json(), state_label=JOB_STATE_LABELS.get(job.state, job.state)),
        "files": [dict(f.to_json(), status_label=FILE_STATUS_LABELS.get(f.status, f.status)) for f in files],
    })


# ------------------------------------------------------------------ documents


def _document(doc_id: str) -> dict[str, Any] | None:
    return next((d for d in indexed_documents() if d.get("doc_id") == doc_id), None)


@bp.route("/dokumenty", endpoint="documents")
def documents() -> Any:
    return render_template("admin/documents.html", documents=indexed_documents(),
                           exclusions=exclusions.entries(admin_config().data_dir))


@bp.route("/dokumenty/<doc_id>/metadata", methods=["GET", "POST"], endpoint="metadata")
def metadata(doc_id: str) -> Any:
    doc = _document(doc_id)
    if doc is None:
        return _message("Dokument nenalezen", "Dokument není v indexu.", 404)
    # the sidecar goes next to the indexed path (not a link's target), and only inside the sources
    path = Path(str(doc["path"]))
    if not path.is_file():
        return _message("Soubor chybí", "Soubor dokumentu už na disku neexistuje.", 404)
    if not inside_sources(path.parent, admin_config().job_paths()):
        return _message("Mimo zdrojové složky", "Soubor dokumentu neleží ve zdrojových složkách; "
                        "opravu metadat nelze uložit.", 403)
    previous = overrides.read_raw(path)
    context = {"doc": doc, "doc_types": DOC_TYPES, "ministries": MINISTRIES}
    if request.method == "GET":
        return render_template("admin/metadata.html", values=previous, **context)
    new = overrides.from_form(request.form, request.form.getlist, previous)
    try:
        overrides.validate(new)
    except ValueError as exc:
        return render_template("admin/metadata.html", values=new, error=str(exc), **context), 422
    try:
        sidecar = overrides.write(path, new)
    except OSError as exc:
        return render_template("admin/metadata.html", values=new,
                               error=f"Soubor s opravou metadat nelze zapsat ({exc.strerror}).", **context), 500
    job = _queue_job("úprava metadat", force=(str(doc["path"]),))
    audit().record(_who(), security.client_ip(), "metadata", str(doc["path"]), sidecar=sidecar.name,
                   values=new, job=job)
    flash("Oprava metadat uložena; dokument se přeindexuje.")
    return redirect(url_for("admin.job", job_id=job))


@bp.route("/dokumenty/<doc_id>/odebrat", methods=["POST"], endpoint="remove")
def remove(doc_id: str) -> Any:
    doc = _document(doc_id)
    if doc is None:
        return _message("Dokument nenalezen", "Dokument není v indexu.", 404)
    exclusions.add(admin_config().data_dir, str(doc["path"]), title=str(doc.get("title", "")), user=_who())
    job = _queue_job("odebrání dokumentu")
    audit().record(_who(), security.client_ip(), "remove", str(doc["path"]), title=doc.get("title", ""), job=job)
    flash("Dokument bude odebrán z indexu (soubor zůstává na disku beze změny).")
    return redirect(url_for("admin.job", job_id=job))


@bp.route("/dokumenty/vratit", methods=["POST"], endpoint="restore")
def restore() -> Any:
    path = request.form.get("path", "")
    if not exclusions.remove(admin_config().data_dir, path):
        return _message("Nenalezeno", "Tento soubor není mezi odebranými dokumenty.", 404)
    job = _queue_job("vrácení dokumentu")
    audit().record(_who(), security.client_ip(), "restore", path, job=job)
    flash("Dokument bude znovu zaindexován.")
    return redirect(url_for("admin.job", job_id=job))


# ------------------------------------------------------------------ audit log


@bp.route("/audit", endpoint="audit")
def audit_page() -> Any:
    return render_template("admin/audit.html", entries=audit().entries(500))
