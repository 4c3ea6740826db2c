"""Routes of the admin blueprint. Access control and CSRF are enforced in ``_guard`` for every route."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from scsearch.errors import UsageError
from scsearch.ingest.jobs import STATE_LABELS
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
    uploads,
)

ADMIN_USER = "admin"
PUBLIC_ENDPOINTS = {"admin.login", "admin.static"}
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
            "DOC_TYPE_LABELS": DOC_TYPE_LABELS, "STATE_LABELS": STATE_LABELS}


@bp.before_request
def _guard() -> Any:
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
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        # bound the body before anything parses the form (the CSRF check below does)
        many = config.max_upload_bytes * MAX_FILES_PER_UPLOAD + 1024 * 1024
        request.max_content_length = many if request.endpoint == "admin.upload" else 1024 * 1024
    try:
        csrf_ok = request.method in ("GET", "HEAD", "OPTIONS") or security.csrf_valid(request)
    except RequestEntityTooLarge:
        mb = config.max_upload_bytes // (1024 * 1024)
        return _message("Příliš velký požadavek",
                        f"Odeslaná data jsou příliš velká (nejvýše {MAX_FILES_PER_UPLOAD} souborů po {mb} MB).", 413)
    if not csrf_ok:
        return _message(
            "Neplatný formulář",
            "Formulář vypršel nebo nepochází z této stránky (chybí platný ochranný token CSRF). "
            "Načtěte stránku znovu a akci opakujte.",
            400,
        )
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not security.logged_in(config.session_max_age_s):
        if request.method == "GET" and not request.path.endswith(".json"):
            return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
        return _message("Přístup odepřen", "Pro tuto akci se musíte přihlásit do administrace.", 403)
    return None


@bp.after_request
def _no_cache(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    return resp


def _who() -> str:
    return ADMIN_USER


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("admin.index")


# ------------------------------------------------------------------ login


@bp.route("/prihlaseni", methods=["GET", "POST"], endpoint="login")
def login() -> Any:
    ip = security.client_ip()
    lim = limiter()
    if request.method == "GET":
        return render_template("admin/login.html", next=request.args.get("next", ""))
    wait = lim.blocked_for(ip)
    if wait:
        audit().record("nepřihlášený", ip, "login_blocked")
        minutes = security.describe_wait(wait)["minutes"]
        return _message(
            "Příliš mnoho pokusů",
            f"Příliš mnoho neúspěšných pokusů o přihlášení. Zkuste to znovu za {minutes} min.",
            429,
        ) + ({"Retry-After": str(wait)},)
    if security.password_matches(admin_config().password, request.form.get("password", "")):
        lim.succeeded(ip)
        security.log_in(ADMIN_USER)
        audit().record(ADMIN_USER, ip, "login")
        return redirect(_safe_next(request.form.get("next")))
    lim.failed(ip)
    audit().record("nepřihlášený", ip, "login_failed")
    return render_template("admin/login.html", next=request.form.get("next", ""),
                           error="Nesprávné heslo."), 401


@bp.route("/odhlaseni", methods=["POST"], endpoint="logout")
def logout() -> BaseResponse:
    audit().record(_who(), security.client_ip(), "logout")
    security.log_out()
    flash("Byli jste odhlášeni.")
    return redirect(url_for("admin.login"))


# ------------------------------------------------------------------ dashboard and uploads


def _upload_rows() -> list[dict[str, Any]]:
    q = queue()
    rows = []
    for up in uploads().recent():
        line = q.last_file_status(str(up["stored_path"]), str(up["at"]))
        rows.append(dict(up, name=Path(str(up["stored_path"])).name,
                         status_label=line.status_label if line else "ve frontě",
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
    files = q.files(job_id, after=int(after) if after.isdigit() else 0)
    return jsonify({"job": job.to_json(), "files": [f.to_json() for f in files]})


# ------------------------------------------------------------------ documents


def _document(doc_id: str) -> dict[str, Any] | None:
    return next((d for d in indexed_documents() if d.get("doc_id") == doc_id), None)


@bp.route("/dokumenty", endpoint="documents")
def documents() -> Any:
    return render_template("admin/documents.html", documents=indexed_documents(),
                           exclusions=queue().exclusions())


@bp.route("/dokumenty/<doc_id>/metadata", methods=["GET", "POST"], endpoint="metadata")
def metadata(doc_id: str) -> Any:
    doc = _document(doc_id)
    if doc is None:
        return _message("Dokument nenalezen", "Dokument není v indexu.", 404)
    path = Path(str(doc.get("abs_path") or doc["path"]))
    if not path.is_file():
        return _message("Soubor chybí", "Soubor dokumentu už na disku neexistuje.", 404)
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
    queue().exclude(str(doc["path"]), title=str(doc.get("title", "")), user=_who())
    job = _queue_job("odebrání dokumentu")
    audit().record(_who(), security.client_ip(), "remove", str(doc["path"]), title=doc.get("title", ""), job=job)
    flash("Dokument bude odebrán z indexu (soubor zůstává na disku beze změny).")
    return redirect(url_for("admin.job", job_id=job))


@bp.route("/dokumenty/vratit", methods=["POST"], endpoint="restore")
def restore() -> Any:
    path = request.form.get("path", "")
    if not queue().include(path):
        return _message("Nenalezeno", "Tento soubor není mezi odebranými dokumenty.", 404)
    job = _queue_job("vrácení dokumentu")
    audit().record(_who(), security.client_ip(), "restore", path, job=job)
    flash("Dokument bude znovu zaindexován.")
    return redirect(url_for("admin.job", job_id=job))


# ------------------------------------------------------------------ audit log


@bp.route("/audit", endpoint="audit")
def audit_page() -> Any:
    return render_template("admin/audit.html", entries=audit().entries(500))
