"""Attacks on the receivers' links: a link opens its own orientation only; expired, revoked, closed and
guessed links get one same answer; the code is single-use, limited in tries and rate-limited; the pages
leak nothing through the referrer nor a cache; no e-mail carries the person's data."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.auth.tokens import hash_opaque_token
from orientation.extensions import db
from orientation.notifications.models import OutboxMessage
from orientation.referrals import lifecycle, links
from orientation.referrals.lifecycle import LinkHolder
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import ReceiverLink
from tests.conftest import csrf_token_from
from tests.referrals import builders as rb
from tests.referrals.links_helpers import LINK_RE, RECEIVER_EMAIL, code_of, link_path, open_with_code

CSRF_VALUE = re.compile(r'name="csrf_token" type="hidden" value="[^"]+"')


def _sent(world):
    orientation = world.orientation(S.SENT)
    db.session.commit()
    return orientation


def _post(client, url: str, data: dict, page: str):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _refusal(response) -> tuple[int, str]:
    body = CSRF_VALUE.sub("", response.get_data(as_text=True))
    return response.status_code, body[body.index("<main") : body.index("</main>")]


def test_a_link_opens_its_own_orientation_only(link_world, outbox, client):
    mine = _sent(link_world)
    path = link_path(outbox)
    other = _sent(link_world)  # same address, another orientation: its own link
    member_orientation = rb.scenario().orientation(S.SENT)
    db.session.commit()
    assert open_with_code(client, outbox, path).status_code == 302
    assert client.get(f"/lien/orientation/{mine.id}").status_code == 200
    for target in (other, member_orientation):
        url = f"/lien/orientation/{target.id}"
        assert client.get(url).status_code == 403
        page = f"/lien/orientation/{mine.id}"
        assert _post(client, url + "/statut", {"to_status": "accepted", "version": 2}, page).status_code == 403
        assert _post(client, url + "/commentaires", {"body": "Intrus"}, page).status_code == 403
    db.session.refresh(other)
    assert other.status is S.SENT and not other.comments
    # a member's pages stay closed to the holder (no account)
    assert client.get(f"/orientations/{mine.id}").status_code == 302


def test_an_appointment_of_another_orientation_is_out_of_reach(link_world, outbox, client):
    mine = _sent(link_world)
    path = link_path(outbox)
    other_world = rb.scenario()
    appointment = other_world.appointment(clock.now() + timedelta(days=3))
    db.session.commit()
    open_with_code(client, outbox, path)
    page = f"/lien/orientation/{mine.id}"
    response = _post(client, f"{page}/rendez-vous/{appointment.id}/suite", {"status": "cancelled"}, page)
    assert response.status_code == 404


def test_expired_revoked_closed_and_guessed_links_get_the_same_answer(link_world, outbox, client):
    answers = []
    paths = []
    for _ in range(3):
        _sent(link_world)
        paths.append(link_path(outbox))
    expired, revoked, closed = (
        db.session.scalar(sa.select(ReceiverLink).where(ReceiverLink.token_hash == hash_opaque_token(p.split("/")[-1])))
        for p in paths
    )
    expired.expires_at = clock.now() - timedelta(seconds=1)
    links.revoke(revoked, by=link_world.sender)
    lifecycle.transition(closed.orientation, S.CANCELLED, actor=link_world.sender, reason="duplicate")
    db.session.commit()
    guessed = "/lien/" + secrets.token_urlsafe(32)
    for path in [*paths, guessed, "/lien/x", "/lien/" + "a" * 500]:
        response = client.get(path)
        answers.append(_refusal(response))
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert _post(client, path + "/code", {}, "/lien/nouveau").status_code == 404  # no code either
    assert len(set(answers)) == 1, answers
    status, body = answers[0]
    assert status == 404 and "pas ou plus valable" in body
    assert not [m for m in outbox if "code" in m.subject.lower()]


def test_the_code_is_single_use_and_a_proof_is_needed(link_world, outbox, client, app):
    orientation = _sent(link_world)
    path = link_path(outbox)
    assert client.get(f"/lien/orientation/{orientation.id}").status_code == 403  # the link alone shows nothing
    assert open_with_code(client, outbox, path).status_code == 302
    code = code_of(outbox)
    stranger = app.test_client()
    reused = _post(stranger, path, {"code": code}, path)
    assert reused.status_code == 400 and "demandez un nouveau code" in reused.get_data(as_text=True)
    assert stranger.get(f"/lien/orientation/{orientation.id}").status_code == 403


def test_a_code_typed_wrong_five_times_is_void(link_world, outbox, client):
    _sent(link_world)
    path = link_path(outbox)
    _post(client, path + "/code", {}, path)
    right = code_of(outbox)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    messages = []
    for _ in range(5):
        response = _post(client, path, {"code": wrong}, path)
        assert response.status_code == 400
        messages.append(response.get_data(as_text=True))
    assert "Il vous reste 4 essais" in messages[0] and "Il vous reste 1 essai." in messages[3]
    assert "cinq fois" in messages[4]
    late = _post(client, path, {"code": right}, path)
    assert late.status_code == 400 and "demandez un nouveau code" in late.get_data(as_text=True)
    (link,) = db.session.scalars(sa.select(ReceiverLink)).all()
    db.session.refresh(link)
    assert link.code_hash is None and link.last_opened_at is None


def test_an_expired_code_is_refused(link_world, outbox, client):
    _sent(link_world)
    path = link_path(outbox)
    _post(client, path + "/code", {}, path)
    (link,) = db.session.scalars(sa.select(ReceiverLink)).all()
    link.code_expires_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    response = _post(client, path, {"code": code_of(outbox)}, path)
    assert response.status_code == 400 and "Aucun code valable" in response.get_data(as_text=True)


def test_sending_codes_is_rate_limited_per_link(link_world, outbox, client, app):
    _sent(link_world)
    path = link_path(outbox)
    statuses = [_post(client, path + "/code", {}, path).status_code for _ in range(3)]
    assert statuses == [302, 302, 302]
    limited = _post(app.test_client(), path + "/code", {}, path)  # from anywhere: counted per link
    assert limited.status_code == 429
    assert limited.headers["Referrer-Policy"] == "no-referrer" and limited.headers["Cache-Control"] == "no-store"
    assert len([m for m in outbox if "code" in m.subject.lower()]) == 3


def test_asking_new_links_is_rate_limited(client):
    statuses = [
        _post(client, "/lien/nouveau", {"email": f"x{n}@exemple.fr"}, "/lien/nouveau").status_code for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def test_new_links_for_one_address_are_rate_limited_whoever_asks(app):
    page = "/lien/nouveau"
    statuses = [_post(app.test_client(), page, {"email": RECEIVER_EMAIL}, page).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_every_link_page_sends_no_referrer_and_no_store(link_world, outbox, client):
    orientation = _sent(link_world)
    path = link_path(outbox)
    responses = [client.get(path), client.get("/lien/nouveau"), _post(client, path + "/code", {}, path)]
    responses.append(_post(client, path, {"code": code_of(outbox)}, path))
    responses.append(client.get(f"/lien/orientation/{orientation.id}"))
    for response in responses:
        assert response.headers["Referrer-Policy"] == "no-referrer", response.request.path
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_no_person_data_in_any_email(link_world, outbox, client, logged_in):
    person = link_world.person
    person.email = "lucie.durand@exemple.fr"
    db.session.commit()
    orientation = _sent(link_world)
    path = link_path(outbox)
    open_with_code(client, outbox, path)
    url = f"/lien/orientation/{orientation.id}"
    _post(client, url + "/statut", {"to_status": "accepted", "version": 3}, url)
    day = (date.today() + timedelta(days=3)).isoformat()
    _post(client, url + "/rendez-vous", {"day": day, "time": "10:30", "channel": "in_person"}, url)
    _post(client, "/lien/nouveau", {"email": RECEIVER_EMAIL}, "/lien/nouveau")
    sender = logged_in(link_world.sender)
    page = f"/orientations/{orientation.id}"
    sender.submit(
        page + "/statut", {"to_status": "cancelled", "reason": "duplicate", "version": 5, "confirmed": "1"}, page=page
    )
    templates = set(db.session.scalars(sa.select(OutboxMessage.template)))
    assert {links.LINK_TEMPLATE, links.CODE_TEMPLATE, links.CANCELLED_TEMPLATE} <= templates
    to_address = [m for m in outbox if m.to == [RECEIVER_EMAIL]]
    assert len(to_address) >= 4
    for mail in outbox:
        rendered = mail.subject + mail.body + "".join(str(content) for content, _type in mail.alternatives)
        for secret in ("Lucie", "Durand", "06 12 34 56 78", "lucie.durand@exemple.fr", "Note du diagnostic"):
            assert secret not in rendered, (mail.subject, secret)


@pytest.mark.parametrize("reminded", ["unopened", "stalled"])
def test_reminder_templates_render_without_an_account(reminded, link_world, outbox):
    from orientation.followups.sweep import run_sweep

    with clock.frozen(clock.now()) as frozen:
        orientation = _sent(link_world)
        if reminded == "stalled":
            (link,) = links.links_of(orientation)
            lifecycle.transition(orientation, S.ACCEPTED, actor=LinkHolder(RECEIVER_EMAIL, orientation.id, link.id))
            db.session.commit()
        outbox.clear()
        frozen.advance(days=20)
        run_sweep(only="referrals.")
        db.session.commit()
    mails = [m for m in outbox if m.to == [RECEIVER_EMAIL]]
    assert mails and all("/lien/nouveau" in m.body and not LINK_RE.search(m.body) for m in mails)  # no live link
