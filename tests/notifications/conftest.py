"""Fixtures of the notifications tests: test templates, SMS memory outbox, a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from orientation import clock
from orientation.notifications.channels import MemorySmsBackend

TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _test_templates(app):
    """The test templates (mail/hello, mail/numbered, sms/rappel) next to the app's."""
    previous = app.config.get("NOTIFICATIONS_TEMPLATE_FOLDERS")
    app.config["NOTIFICATIONS_TEMPLATE_FOLDERS"] = [str(TEMPLATES)]
    app.extensions.pop("notifications_jinja", None)
    yield
    app.config["NOTIFICATIONS_TEMPLATE_FOLDERS"] = previous
    app.extensions.pop("notifications_jinja", None)


@pytest.fixture
def sms_outbox():
    MemorySmsBackend.outbox = []
    return MemorySmsBackend.outbox


@pytest.fixture
def frozen_clock():
    with clock.frozen(datetime(2025, 3, 3, 9, 0, tzinfo=UTC)) as frozen:
        yield frozen
