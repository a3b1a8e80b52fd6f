"""`GET /healthz`: is the database reachable, is the broker reachable."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from kombu import Connection

from orientation.extensions import db

bp = Blueprint("health", __name__)


def database_status() -> str:
    try:
        db.session.execute(db.text("SELECT 1"))
        return "ok"
    except Exception:  # any failure means "not usable": report it, never raise
        db.session.rollback()
        return "error"


def broker_status() -> str:
    broker_url = current_app.extensions["celery"].conf.broker_url
    try:
        with Connection(broker_url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return "ok"
    except Exception:
        return "error"


@bp.get("/healthz")
def healthz():
    report = {"database": database_status(), "broker": broker_status()}
    status = 200 if all(value == "ok" for value in report.values()) else 503
    return jsonify(report), status
