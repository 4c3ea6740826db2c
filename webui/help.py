"""The Czech help page on the query language and the filters (``/napoveda``)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("help", __name__)


@bp.get("/napoveda")
def index() -> str:
    return render_template("help/index.html")
