"""A service withdrawn from the directory (gone from its source) receives no new orientation — the reach
rule says so, and the picker, the suggestions and the send follow it — while the orientations already
sent to it say, on every page (sender, receiver, link), that it was withdrawn."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orientation.directory.queries import SearchParams, list_services_that_can_receive, search_services
from orientation.directory.reach import Reach, reach_of
from orientation.extensions import db
from orientation.referrals import operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.operations import OrientationRefused
from tests.referrals.links_helpers import link_path, open_with_code

WITHDRAWN_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NOTICE = "Ce service a été retiré de l'annuaire le 2 mars 2026"


def _withdraw(service):
    service.withdrawn_at = WITHDRAWN_AT
    db.session.flush()


def _new(world, **kwargs):
    return operations.create_orientation(
        world.person,
        service_id=world.service.id,
        user=world.sender,
        organisation_id=world.sender_org.id,
        need_ids=[world.need.id],
        message="",
        urgency="normal",
        shared_fields=[],
        **kwargs,
    )


@pytest.mark.parametrize("followed_by_sender", [False, True])
def test_a_withdrawn_service_cannot_receive_a_new_orientation(world, followed_by_sender):
    assert reach_of(world.service).reach is Reach.MEMBERS
    _withdraw(world.service)
    assert reach_of(world.service).reach is Reach.WITHDRAWN and not Reach.WITHDRAWN.can_receive
    with pytest.raises(OrientationRefused) as refused:
        _new(world, followed_by_sender=followed_by_sender)
    assert str(refused.value).startswith(
        "Le service « Aide aux démarches » a été retiré de l'annuaire le 2 mars 2026 : il ne reçoit plus"
    )
    assert refused.value.field == "service_id"


def test_the_picker_and_the_suggestions_leave_a_withdrawn_service_out(world):
    assert world.service in list_services_that_can_receive()
    _withdraw(world.service)
    assert world.service not in list_services_that_can_receive()
    found = search_services(SearchParams(accepts_orientations=True, per_page=100))
    assert world.service.id not in {hit.service.id for hit in found.items}


def test_a_draft_to_a_service_withdrawn_since_cannot_be_sent(world):
    draft = _new(world, send=False)
    _withdraw(world.service)
    with pytest.raises(OrientationRefused, match="retiré de l'annuaire"):
        operations.change_status(draft, S.SENT, user=world.sender)


def test_sender_and_receiver_pages_say_the_service_was_withdrawn(world, logged_in):
    orientation = world.orientation(S.ACCEPTED)
    url = f"/orientations/{orientation.id}"
    assert NOTICE not in logged_in(world.sender).get(url).get_data(as_text=True)
    _withdraw(world.service)
    db.session.commit()
    for user in (world.sender, world.receiver):
        page = logged_in(user).get(url)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and NOTICE in text, text[text.find("<h1") : text.find("<h1") + 2500]


def test_the_link_page_says_the_service_was_withdrawn(link_world, outbox, client):
    orientation = link_world.orientation(S.SENT)
    db.session.commit()
    path = link_path(outbox)
    _withdraw(link_world.service)
    db.session.commit()
    assert open_with_code(client, outbox, path).status_code == 302
    page = client.get(f"/lien/orientation/{orientation.id}")
    assert page.status_code == 200 and NOTICE in page.get_data(as_text=True)
