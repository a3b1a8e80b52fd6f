"""Channels against real servers: an HTTP SMS provider and an SMTP server started by the test."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from orientation import clock
from orientation.extensions import db
from orientation.notifications import channels
from orientation.notifications.models import Channel, MessageStatus, OutboxMessage
from orientation.notifications.operations import enqueue_message
from orientation.notifications.rendering import Rendered
from orientation.notifications.tasks import deliver_message
from tests.notifications.smtp_sink import SmtpSink


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("+33 7 81 23 45 67", "+33781234567"),
        ("0033612345678", "+33612345678"),
        ("+262 692 12 34 56", "+262692123456"),  # La Réunion, written internationally
    ],
)
def test_french_mobiles_are_normalised(raw, expected):
    assert channels.normalise_french_mobile(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("04 90 12 34 56", "pas un mobile"),
        ("06 12 34", "invalide"),
        ("n'importe quoi", "illisible"),
        ("+44 7911 123456", "invalide"),
    ],
)
def test_other_numbers_are_refused(raw, reason):
    with pytest.raises(channels.PermanentError, match=reason):
        channels.normalise_french_mobile(raw)


def test_recipients_are_masked():
    assert channels.mask_recipient("camille@exemple.fr") == "c***@exemple.fr"
    assert channels.mask_recipient("+33612345678") == "06 ** ** ** 78"
    assert channels.mask_recipient("06 12 34 56 12") == "06 ** ** ** 12"


class _Provider(BaseHTTPRequestHandler):
    """A fake SMS provider: answers the statuses queued in `server.statuses` (default 200)."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.headers.get("Authorization"), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        payload = json.dumps({"ok": status < 400}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(app, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    server.requests, server.statuses = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "SMS_BACKEND", "http")
    monkeypatch.setitem(app.config, "SMS_API_URL", f"http://127.0.0.1:{server.server_port}/sms")
    monkeypatch.setitem(app.config, "SMS_API_KEY", "cle-de-test")
    yield server
    server.shutdown()
    server.server_close()


def _sms(key: str) -> OutboxMessage:
    from datetime import UTC, datetime

    message = enqueue_message(
        Channel.SMS, "06 12 34 56 78", "rappel", {"when": datetime(2025, 3, 4, 13, 30, tzinfo=UTC)}, idempotency_key=key
    )
    db.session.commit()
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_http_provider_receives_the_sms(provider):
    message = _sms("http-ok")
    assert message.status is MessageStatus.SENT
    ((authorization, body),) = provider.requests
    assert authorization == "Bearer cle-de-test"
    assert body["recipient"] == "+33612345678" and body["sender"] == "VAUCLUSE" and "14:30" in body["content"]


def test_http_5xx_is_retried_then_delivered(provider, app):
    provider.statuses = [503, 500]
    message = _sms("http-5xx")
    assert message.status is MessageStatus.PENDING and "HTTP 503" in message.last_error
    for _ in range(2):
        with clock.frozen(message.not_before):
            deliver_message(message.id)
        db.session.expire_all()
        message = db.session.get(OutboxMessage, message.id)
    assert message.status is MessageStatus.SENT, (message.last_error, provider.requests)
    assert message.attempts == 3 and len(provider.requests) == 3


def test_http_4xx_fails_at_once(provider):
    provider.statuses = [400]
    message = _sms("http-4xx")
    assert message.status is MessageStatus.FAILED and "HTTP 400" in message.last_error
    assert message.attempts == 1


def test_unreachable_provider_is_transient(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "http")
    monkeypatch.setitem(app.config, "SMS_API_URL", "http://127.0.0.1:1/sms")
    message = _sms("http-down")
    assert message.status is MessageStatus.PENDING and "injoignable" in message.last_error


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server; the app's Flask-Mailman switched to SMTP for the test."""
    with SmtpSink() as sink:
        state = app.extensions["mailman"]
        monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
        for name, value in {
            "backend": "smtp",
            "server": "127.0.0.1",
            "port": sink.port,
            "use_tls": False,
            "use_ssl": False,
            "username": None,
            "password": None,
            "timeout": 5,
        }.items():
            monkeypatch.setattr(state, name, value, raising=False)
        yield sink
    channels.EmailChannel()._reset()


def _mail(key: str, to: str = "agent@exemple.fr") -> OutboxMessage:
    message = enqueue_message(Channel.EMAIL, to, "numbered", {"number": 1}, idempotency_key=key)
    db.session.commit()
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_smtp_delivery_with_html_and_text(smtp):
    message = _mail("smtp-ok")
    assert message.status is MessageStatus.SENT
    (received,) = smtp.handler.messages
    assert received["X-Orientation-Outbox-Id"] == str(message.id)
    assert str(make_header(decode_header(received["Subject"]))) == "Message n° 1"
    assert {part.get_content_type() for part in received.walk()} >= {"text/plain", "text/html"}
    _mail("smtp-ok-2")  # the kept-open connection is reused
    assert len(smtp.handler.messages) == 2


def test_a_long_french_subject_arrives_without_a_leading_space(smtp):
    subject = "Nouvelle orientation numérique pour Médiation de test"
    channels.EmailChannel().send(1, "agent@exemple.fr", Rendered(subject=subject, text="Bonjour"), {})
    (received,) = smtp.handler.messages
    raw = received.as_bytes()
    # Folded where the encoded words fit after « Subject: », not before the first one.
    assert not received["Subject"][0].isspace(), received["Subject"]
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == subject
    assert max(len(line) for line in raw.split(b"\n\n")[0].splitlines()) <= 78


def test_smtp_451_is_retried_and_550_fails(smtp, app):
    smtp.handler.refuse_next = 1
    smtp.handler.reject = {"inconnu@exemple.fr"}
    retried = _mail("smtp-451")
    assert retried.status is MessageStatus.PENDING and "451" in retried.last_error
    bounced = _mail("smtp-550", to="inconnu@exemple.fr")
    assert bounced.status is MessageStatus.FAILED and "550" in bounced.last_error
    with clock.frozen(retried.not_before):
        deliver_message(retried.id)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, retried.id).status is MessageStatus.SENT
    assert len(smtp.handler.messages) == 1


def test_smtp_down_is_transient(app, monkeypatch):
    state = app.extensions["mailman"]
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    for name, value in {"backend": "smtp", "server": "127.0.0.1", "port": 1, "timeout": 2}.items():
        monkeypatch.setattr(state, name, value, raising=False)
    message = _mail("smtp-down")
    assert message.status is MessageStatus.PENDING and "injoignable" in message.last_error
