"""The metrics endpoint: check the token, then let prometheus_client write the exposition."""

from __future__ import annotations

from flask import Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from orientation.ops.metrics import scrape_registry
from orientation.ops.permissions import can_read_metrics


def metrics():
    if not can_read_metrics(current_app.config, request.headers.get("Authorization"), request.remote_addr):
        if current_app.config.get("METRICS_TOKEN"):
            return Response("", status=401, headers={"WWW-Authenticate": "Bearer"})
        abort(403)
    return Response(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
