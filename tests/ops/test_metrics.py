"""GET /metrics: refused without the token, and the figures an operator alerts on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from orientation import clock, create_app
from orientation.extensions import db
from orientation.followups.tasks import sweep as followups_sweep
from orientation.heartbeats import OpsHeartbeat, WorkerHeartbeat
from orientation.notifications.models import Channel, MessageStatus, OutboxMessage
from orientation.notifications.tasks import sweep_outbox
from orientation.ops.metrics import app_metrics

TOKEN = "jeton-de-supervision-0123456789"  # noqa: S105 (a test value)


@pytest.fixture
def token(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    return TOKEN


def _scrape(client, token=TOKEN) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def _message(key: str, channel=Channel.EMAIL, status=MessageStatus.PENDING, **values) -> OutboxMessage:
    message = OutboxMessage(
        channel=channel,
        recipient="destinataire@exemple.fr",
        template="numbered",
        context={},
        idempotency_key=f"metrics-{key}",
        status=status,
        **values,
    )
    db.session.add(message)
    return message


@pytest.mark.parametrize("authorization", [None, "Bearer mauvais-jeton", f"Basic {TOKEN}", "Bearer "])
def test_a_reader_without_the_token_is_refused(client, token, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert "orientation_" not in response.get_data(as_text=True)


@pytest.mark.no_db_transaction
def test_production_without_a_token_refuses_everyone_even_on_localhost(monkeypatch, database_url):
    for name, value in {
        "ORIENTATION_ENV": "production",
        "SECRET_KEY": "x" * 48,
        "DATABASE_URL": database_url,
        "METRICS_TOKEN": "",
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["ENV_NAME"] == "production"
    response = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == 403
    assert "orientation_" not in response.get_data(as_text=True)


def test_development_without_a_token_is_open_on_localhost_only(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "development")
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 403


def test_outbox_pending_count_and_oldest_age_by_channel(client, token):
    now = clock.now()
    with clock.frozen(now):
        _message("late", not_before=now - timedelta(minutes=10))
        _message("due", not_before=now - timedelta(minutes=1))
        _message("scheduled", not_before=now + timedelta(days=1))  # not late: waiting for its time
        _message("sms", channel=Channel.SMS, not_before=now - timedelta(seconds=30))
        _message("failed", status=MessageStatus.FAILED, attempts=8)
        _message("sent", status=MessageStatus.SENT, sent_at=now - timedelta(minutes=5))
        _message("sent-long-ago", status=MessageStatus.SENT, sent_at=now - timedelta(hours=3))
        db.session.commit()
        samples = _scrape(client)
    email, sms, webhook = (("channel", "email"),), (("channel", "sms"),), (("channel", "webhook"),)
    assert samples["orientation_outbox_pending_messages", email] == 3
    assert samples["orientation_outbox_pending_messages", sms] == 1
    assert samples["orientation_outbox_pending_messages", webhook] == 0
    assert samples["orientation_outbox_oldest_pending_age_seconds", email] == pytest.approx(600)
    assert samples["orientation_outbox_oldest_pending_age_seconds", sms] == pytest.approx(30)
    assert samples["orientation_outbox_oldest_pending_age_seconds", webhook] == 0
    assert samples["orientation_outbox_failed_messages", email] == 1
    assert samples["orientation_outbox_sent_last_hour", email] == 1


def test_each_sweep_updates_its_heartbeat(app, client, token):
    start = clock.now()
    with clock.frozen(start) as frozen:
        followups_sweep()
        sweep_outbox()
        samples = _scrape(client)
        for name in ("followups.sweep", "notifications.sweep_outbox"):
            assert samples["orientation_heartbeat_timestamp_seconds", (("name", name),)] == start.timestamp()
            assert samples["orientation_heartbeat_age_seconds", (("name", name),)] == 0
            assert samples["orientation_heartbeat_duration_seconds", (("name", name),)] >= 0
        frozen.advance(minutes=11)  # beat stopped: the age grows past the alert's 10 minutes
        assert _scrape(client)["orientation_heartbeat_age_seconds", (("name", "followups.sweep"),)] == 660
        sweep_outbox()
        assert db.session.get(OpsHeartbeat, "notifications.sweep_outbox").last_run_at == clock.now()


@pytest.mark.no_db_transaction
def test_a_worker_heartbeat_is_written_then_removed_at_a_clean_stop(app, client, token):
    heartbeat = WorkerHeartbeat(app.config["SQLALCHEMY_DATABASE_URI"], "celery@test-metrics")
    try:
        heartbeat.beat_once()
        samples = _scrape(client)
        assert samples["orientation_heartbeat_age_seconds", (("name", "worker:celery@test-metrics"),)] < 5
        assert samples["orientation_workers_alive", ()] >= 1
    finally:
        heartbeat.stop()
    with app.app_context():
        assert db.session.get(OpsHeartbeat, "worker:celery@test-metrics") is None


def test_a_request_is_observed_in_the_latency_histogram_of_its_endpoint(app, client, token):
    before = _scrape(client)
    assert client.get("/healthz").status_code == 200
    after = _scrape(client)
    key = ("orientation_http_request_duration_seconds_count", (("endpoint", "health.healthz"),))
    assert after[key] == before.get(key, 0) + 1
    assert (
        "orientation_http_request_duration_seconds_bucket",
        (("endpoint", "health.healthz"), ("le", "+Inf")),
    ) in after
    assert not any("/healthz" in str(labels) for _name, labels in after)  # routes by name, not by path
    assert app_metrics(app).registry is not None
