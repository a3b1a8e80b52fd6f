"""Every URL of the ops area; binding the blueprint also starts the app's request-latency histogram."""

from __future__ import annotations

from flask import Blueprint

from orientation.ops import metrics, views

bp = Blueprint("ops", __name__)
bp.add_url_rule("/metrics", view_func=views.metrics, methods=["GET"])


@bp.record_once
def _init_metrics(state) -> None:
    metrics.init_app(state.app)
