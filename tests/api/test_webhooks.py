"""Webhooks: signed POSTs to a real local HTTP server, delivered through the outbox with retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.api import operations
from orientation.api.webhooks import url_problem
from orientation.extensions import db
from orientation.notifications import delivery
from orientation.notifications.models import Channel, MessageStatus, OutboxMessage
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S


class Receiver:
    """A partner's HTTP server: records what it gets, answers the codes it is told to."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/orientation/webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_server():
    with Receiver() as server:
        yield server


def _webhook_messages():
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.channel == Channel.WEBHOOK).order_by(OutboxMessage.id)
        )
    )


def _verify(secret: str, headers: dict, body: bytes) -> bool:
    parts = dict(part.split("=", 1) for part in headers["x-orientation-signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.{body.decode()}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_each_change_is_posted_signed_to_both_sides(world, receiver_server):
    sender_hook = operations.create_webhook(
        organisation_id=world.sender_org.id, user=world.sender, url=receiver_server.url + "?side=sender"
    )
    receiver_hook = operations.create_webhook(
        organisation_id=world.receiver_org.id, user=world.receiver, url=receiver_server.url + "?side=receiver"
    )
    orientation = world.orientation(S.DRAFT)
    db.session.commit()
    lifecycle.transition(orientation, S.SENT, actor=world.sender)
    db.session.commit()  # delivered in-process after the commit (testing): a real HTTP call
    assert len(receiver_server.requests) == 2
    by_side = {json.loads(body)["data"]["side"]: (headers, body) for headers, body in receiver_server.requests}
    for side, hook in (("sender", sender_hook), ("receiver", receiver_hook)):
        headers, body = by_side[side]
        assert _verify(hook.secret, headers, body)
        assert not _verify("whsec_wrong", headers, body)
        payload = json.loads(body)
        assert payload["type"] == "orientation.status_changed" == headers["x-orientation-event"]
        expected = {
            "orientation_id": orientation.id,
            "status": "sent",
            "fhir_status": "requested",
            "from_status": "draft",
        }
        assert {key: payload["data"][key] for key in expected} == expected
        assert world.person.last_name not in body.decode()  # the partner reads the person through the API
    assert {m.status for m in _webhook_messages()} == {MessageStatus.SENT}


def test_a_failing_endpoint_is_retried_with_backoff_then_delivered(world, receiver_server):
    operations.create_webhook(organisation_id=world.receiver_org.id, user=world.receiver, url=receiver_server.url)
    receiver_server.answers = [503]
    orientation = world.orientation(S.DRAFT)
    lifecycle.transition(orientation, S.SENT, actor=world.sender)
    db.session.commit()
    (message,) = _webhook_messages()
    assert message.status is MessageStatus.PENDING and message.attempts == 1
    assert "503" in message.last_error and message.not_before > clock.now()
    # The retry comes due: the sweep's task delivers it (same message, same body, same delivery id).
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(not_before=clock.now()))
    db.session.commit()
    delivery.deliver([message.id])
    (message,) = _webhook_messages()
    assert message.status is MessageStatus.SENT and message.attempts == 2
    first, second = receiver_server.requests
    assert first[1] == second[1] and first[0]["x-orientation-delivery"] == second[0]["x-orientation-delivery"]


def test_a_refusing_endpoint_fails_the_message_and_a_disabled_one_is_not_called(world, receiver_server):
    hook = operations.create_webhook(
        organisation_id=world.receiver_org.id, user=world.receiver, url=receiver_server.url
    )
    receiver_server.answers = [410]
    orientation = world.orientation(S.DRAFT)
    lifecycle.transition(orientation, S.SENT, actor=world.sender)
    db.session.commit()
    (failed,) = _webhook_messages()
    assert failed.status is MessageStatus.FAILED and "410" in failed.last_error
    operations.disable_webhook(hook)
    db.session.commit()
    lifecycle.transition(orientation, S.RECEIVED, actor=world.receiver)
    db.session.commit()
    assert len(receiver_server.requests) == 1 and len(_webhook_messages()) == 1  # no endpoint, no message


def test_disabling_after_the_event_cancels_the_pending_call(world, receiver_server):
    hook = operations.create_webhook(
        organisation_id=world.receiver_org.id, user=world.receiver, url=receiver_server.url
    )
    receiver_server.answers = [503]
    orientation = world.orientation(S.DRAFT)
    lifecycle.transition(orientation, S.SENT, actor=world.sender)
    db.session.commit()
    operations.disable_webhook(hook)
    (message,) = _webhook_messages()
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(not_before=clock.now()))
    db.session.commit()
    delivery.deliver([message.id])
    (message,) = _webhook_messages()
    assert message.status is MessageStatus.CANCELLED and len(receiver_server.requests) == 1


def test_only_https_except_localhost_outside_production(app):
    assert url_problem("https://partenaire.fr/hook") is None
    assert url_problem("http://127.0.0.1:8080/hook") is None  # testing
    assert url_problem("http://partenaire.fr/hook")
    assert url_problem("ftp://partenaire.fr/hook")
    assert url_problem("https://user:pass@partenaire.fr/hook")
    app.config["ENV_NAME"] = "production"
    try:
        assert url_problem("http://127.0.0.1:8080/hook")
        # No calls into the internal network (SSRF): loopback, private and link-local addresses are refused.
        for internal in (
            "https://127.0.0.1/hook",
            "https://10.1.2.3/hook",
            "https://192.168.0.10/hook",
            "https://169.254.169.254/latest",
            "https://[::1]/hook",
            "https://localhost/hook",
        ):
            assert "réseau interne" in url_problem(internal), internal
        assert url_problem("https://93.184.215.14/hook") is None  # a public address
    finally:
        app.config["ENV_NAME"] = "testing"


def test_the_signing_secret_is_stored_encrypted(world):
    hook = operations.create_webhook(
        organisation_id=world.receiver_org.id, user=world.receiver, url="https://partenaire.example.fr/webhook"
    )
    db.session.commit()
    stored = db.session.execute(
        sa.text("SELECT secret_encrypted FROM webhook_endpoints WHERE id = :id"), {"id": hook.id}
    ).scalar_one()
    assert hook.secret.startswith("whsec_") and hook.secret not in stored
    db.session.expire_all()
    assert db.session.get(type(hook), hook.id).secret == hook.secret  # read back with the key


def test_after_a_key_change_the_call_fails_instead_of_being_signed_with_nothing(
    app, world, receiver_server, monkeypatch
):
    operations.create_webhook(organisation_id=world.receiver_org.id, user=world.receiver, url=receiver_server.url)
    db.session.commit()
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET_KEY", "une autre clé que celle du chiffrement initial")
    orientation = world.orientation(S.DRAFT)
    lifecycle.transition(orientation, S.SENT, actor=world.sender)
    db.session.commit()
    (message,) = _webhook_messages()
    assert message.status is MessageStatus.FAILED and "recréez le point d'accès" in message.last_error
    assert receiver_server.requests == []


def test_rendez_vous_set_and_cancelled_are_posted_to_both_sides(world, receiver_server):
    from datetime import timedelta

    from orientation.referrals import operations as referral_operations

    hooks = {
        side: operations.create_webhook(organisation_id=org.id, user=user, url=f"{receiver_server.url}?side={side}")
        for side, org, user in (
            ("sender", world.sender_org, world.sender),
            ("receiver", world.receiver_org, world.receiver),
        )
    }
    orientation = world.orientation(S.ACCEPTED)
    db.session.commit()
    receiver_server.requests.clear()
    appointment = referral_operations.add_appointment(
        orientation,
        user=world.receiver,
        starts_at=clock.now() + timedelta(days=3),
        channel="phone",
        place="",
        reminder_agreed=False,
        note="Numéro fixe de préférence",
    )
    db.session.commit()
    referral_operations.record_appointment_status(appointment, user=world.receiver, status="cancelled")
    db.session.commit()

    posted = [(headers, json.loads(body)) for headers, body in receiver_server.requests]
    events = sorted((payload["type"], payload["data"]["side"], payload["data"].get("status")) for _h, payload in posted)
    assert events == [
        ("orientation.appointment_changed", "receiver", "cancelled"),
        ("orientation.appointment_changed", "receiver", "planned"),
        ("orientation.appointment_changed", "sender", "cancelled"),
        ("orientation.appointment_changed", "sender", "planned"),
        ("orientation.status_changed", "receiver", "in_progress"),
        ("orientation.status_changed", "sender", "in_progress"),
    ]
    for headers, payload in posted:
        hook = hooks[payload["data"]["side"]]
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        assert _verify(hook.secret, headers, body) and headers["x-orientation-event"] == payload["type"]
        if payload["type"] == "orientation.appointment_changed":
            assert payload["data"]["appointment_id"] == appointment.id
            assert payload["data"]["starts_at"] == appointment.starts_at.isoformat()
            assert payload["data"]["orientation_id"] == orientation.id
    bodies = b"".join(body for _headers, body in receiver_server.requests).decode()
    assert "Numéro fixe" not in bodies and world.person.last_name not in bodies
