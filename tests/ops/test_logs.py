"""Log lines an operator can search: request ids on every response and line, JSON in production."""

from __future__ import annotations

import io
import json
import logging

import pytest

from orientation.config import UnsafeConfiguration, load_config
from orientation.ops.logs import RequestIdFilter, formatter


def test_every_response_carries_a_request_id_and_a_sane_one_from_the_proxy_is_kept(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["X-Request-ID"]) == 32 and first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-id-12345678"})
    assert kept.headers["X-Request-ID"] == "proxy-id-12345678"


@pytest.mark.parametrize("given", ["short", "spaces are not ids", "x" * 200, "line\\nbreak-0123456789"])
def test_an_id_from_outside_that_could_forge_log_lines_is_replaced(client, given):
    response = client.get("/healthz", headers={"X-Request-ID": given})
    assert response.headers["X-Request-ID"] != given and len(response.headers["X-Request-ID"]) == 32


def test_a_json_line_names_time_level_logger_message_and_the_request(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter("json"))
    logger = logging.getLogger("orientation.tests.json")
    logger.addHandler(handler)
    try:
        with app.test_request_context(headers={"X-Request-ID": "req-json-0001"}):
            app.preprocess_request()
            logger.warning("orientation %s envoyée", 42)
        logger.warning("hors requête")
    finally:
        logger.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["message"] == "orientation 42 envoyée" and inside["request_id"] == "req-json-0001"
    assert inside["level"] == "WARNING" and inside["logger"] == "orientation.tests.json" and inside["time"]
    assert outside["request_id"] is None  # the id does not leak to the next lines of the thread


def test_production_logs_json_by_default_and_an_unknown_format_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert load_config(tmp_path, {"ENV_NAME": "development"})["LOG_FORMAT"] == "text"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(UnsafeConfiguration, match="LOG_FORMAT"):
        load_config(tmp_path, {"ENV_NAME": "development"})
