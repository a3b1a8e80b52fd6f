"""/notifications/echecs: coordinators see failed messages (recipients masked) and retry them."""

from __future__ import annotations

import pytest

from orientation.extensions import db
from orientation.notifications.models import Channel, MessageStatus, OutboxMessage
from orientation.notifications.operations import enqueue_message


@pytest.fixture
def failed(make):
    message = enqueue_message(Channel.EMAIL, "camille@exemple.fr", "numbered", {}, idempotency_key="failed-page")
    db.session.commit()  # delivered at once: fails on the missing variable
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert message.status is MessageStatus.FAILED
    return message


def test_coordinator_sees_failures_masked(make, logged_in, failed):
    client = logged_in(make.user(coordinator=True))
    page = client.get("/notifications/echecs").get_data(as_text=True)
    assert "c***@exemple.fr" in page and "camille@exemple.fr" not in page
    assert "variable manquante" in page and "numbered" in page
    assert "Messages en échec" in client.get("/").get_data(as_text=True)  # in the navigation


@pytest.mark.parametrize("coordinator", [False, None])
def test_others_may_not_see_or_retry(make, logged_in, client, failed, coordinator):
    if coordinator is None:
        assert client.get("/notifications/echecs").status_code == 302
        assert client.post(f"/notifications/{failed.id}/renvoyer").status_code in (302, 400)
        return
    agent = logged_in(make.user(organisation=make.organisation()))
    assert agent.get("/notifications/echecs").status_code == 403
    assert agent.submit(f"/notifications/{failed.id}/renvoyer", page="/").status_code == 403
    assert "Messages en échec" not in agent.get("/").get_data(as_text=True)


def test_retry_sends_again_with_a_fresh_count(make, logged_in, failed, app, outbox, monkeypatch):
    client = logged_in(make.user(coordinator=True))
    db.session.execute(
        db.update(OutboxMessage).where(OutboxMessage.id == failed.id).values(context={"number": 4})
    )  # the template or data was fixed meanwhile
    db.session.commit()
    response = client.submit(f"/notifications/{failed.id}/renvoyer", page="/notifications/echecs")
    assert response.status_code == 302
    db.session.expire_all()
    message = db.session.get(OutboxMessage, failed.id)
    assert message.status is MessageStatus.SENT and message.attempts == 1
    assert outbox[-1].subject == "Message n° 4"
    assert client.get(f"/notifications/{failed.id}/renvoyer").status_code == 405


def test_failures_are_paged_and_searched_never_by_recipient(make, logged_in, monkeypatch):
    from orientation.notifications import queries

    made = []
    for number in range(3):
        message = enqueue_message(
            Channel.EMAIL, f"personne{number}@exemple.fr", "numbered", {}, idempotency_key=f"failed-{number}"
        )
        db.session.commit()
        made.append(message.id)
    monkeypatch.setattr(queries, "FAILURES_PAGE", 2)
    client = logged_in(make.user(coordinator=True))
    first = client.get("/notifications/echecs").get_data(as_text=True)
    second = client.get("/notifications/echecs?page=2").get_data(as_text=True)
    assert "3 messages en échec — page 1 sur 2" in first and "page 2 sur 2" in second
    assert "page 2 sur 2" in client.get("/notifications/echecs?page=9").get_data(as_text=True)
    found = client.get(f"/notifications/echecs?q={made[1]}").get_data(as_text=True)
    assert "1 message en échec pour" in found
    assert "0 message en échec pour" in client.get("/notifications/echecs?q=personne1").get_data(as_text=True)
    assert "3 messages en échec pour" in client.get("/notifications/echecs?q=manquante").get_data(as_text=True)
