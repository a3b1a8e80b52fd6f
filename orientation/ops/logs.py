"""Logs an operator can search: one JSON object per line, each carrying the id of its request.

`LOG_FORMAT` = "json" (the default in production) or "text" (development); "" leaves logging
alone (tests: pytest captures it). Every request gets an id — the proxy's `X-Request-ID` when it
sends a sane one, else a new one — echoed in the response's `X-Request-ID` header, written on
every line logged while serving it, and carried in the headers of the Celery tasks it queues, whose
lines then carry it too: one id follows an orientation from the click to the e-mail sent.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from celery import signals as celery_signals
from flask import Flask, Response, request
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")  # anything else from outside is replaced, not logged

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")


def configure_logging(app: Flask) -> None:
    """Request ids always; the root handler only when LOG_FORMAT asks for one (set once per process)."""
    app.before_request(_take_request_id)
    app.after_request(_echo_request_id)
    app.teardown_request(_forget_request_id)
    log_format = app.config.get("LOG_FORMAT") or ""
    if not log_format:
        return
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "orientation_handler", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.orientation_handler = True
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter(log_format))
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL") or "INFO")


def _take_request_id() -> None:
    given = request.headers.get(HEADER, "")
    request_id.set(given if _SANE.match(given) else uuid.uuid4().hex)


def _echo_request_id(response: Response) -> Response:
    if request_id.get():
        response.headers[HEADER] = request_id.get()
    return response


def _forget_request_id(_error=None) -> None:
    request_id.set(None)


@celery_signals.before_task_publish.connect(weak=False)
def _carry_into_task(headers=None, **_kwargs) -> None:
    if headers is not None and request_id.get():
        headers[TASK_HEADER] = request_id.get()


@celery_signals.task_prerun.connect(weak=False)
def _adopt_in_task(task=None, **_kwargs) -> None:
    request_id.set(getattr(task.request, TASK_HEADER, None) if task is not None else None)


@celery_signals.task_postrun.connect(weak=False)
def _leave_task(**_kwargs) -> None:
    request_id.set(None)
