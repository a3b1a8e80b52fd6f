"""The demo directory tells the truth: every service it says can receive an orientation accepts one,
every « Contact direct » one refuses it unless the sender follows it; the demo has some of each."""

from __future__ import annotations

import sqlalchemy as sa

from orientation.auth.operations import get_user_by_email
from orientation.demo import load_demo_data
from orientation.demo.referrals import SENDER_EMAIL, SENDER_ORGANISATION
from orientation.directory.models import Service
from orientation.directory.queries import list_services_that_can_receive
from orientation.directory.reach import Reach, can_receive_clause, reach_of
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import Organisation
from orientation.referrals import operations
from orientation.referrals.models import Orientation, ReceiverLink, Reception
from tests.referrals import builders as rb


def _orient(person, needs, service, organisation, user, **options):
    volet = next(iter(sorted(service.volets)), Volet.NUMERIQUE)
    return operations.create_orientation(
        person,
        service_id=service.id,
        user=user,
        organisation_id=organisation.id,
        need_ids=[needs[volet].id],
        message="",
        urgency="normal",
        shared_fields=[],
        **options,
    )


def test_every_demo_service_the_directory_says_can_receive_accepts_an_orientation(app):
    load_demo_data()
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == SENDER_ORGANISATION))
    sender = get_user_by_email(SENDER_EMAIL)
    person = rb.person(organisation, user=sender, first_name="Essai", last_name="Annuaire")
    needs = {volet: rb.need(person, volet, user=sender) for volet in Volet}
    services = list(db.session.scalars(sa.select(Service).order_by(Service.id)))
    receiving_ids = set(db.session.scalars(sa.select(Service.id).where(can_receive_clause())))
    reaches = {service.id: reach_of(service).reach for service in services}

    # The SQL twin and the rule agree on every demo service; the lists read the same rule.
    assert receiving_ids == {sid for sid, reach in reaches.items() if reach.can_receive}
    assert {s.id for s in list_services_that_can_receive()} == receiving_ids
    # Every service marked as accepting orientations is reachable; a few « Contact direct » ones exist.
    assert all(reaches[s.id].can_receive for s in services if s.accepts_orientations)
    direct = [s for s in services if reaches[s.id] is Reach.DIRECT]
    assert len(direct) >= 3
    assert any(reach is Reach.LINK for reach in reaches.values())
    assert any(reach is Reach.MEMBERS for reach in reaches.values())

    for service in services:
        reach = reaches[service.id]
        if reach.can_receive:
            received_by_self = reach is Reach.MEMBERS and reach_of(service).organisation.id == organisation.id
            if received_by_self:
                continue  # an organisation does not orient to itself (checked in tests/referrals)
            created = _orient(person, needs, service, organisation, sender)
            assert created.sent_at is not None
            assert created.reception is (Reception.MEMBERS if reach is Reach.MEMBERS else Reception.LINK)
            assert (created.receiver_organisation_id is not None) is (reach is Reach.MEMBERS)
            assert (created.receiver_email is not None) is (reach is Reach.LINK)
            links = db.session.scalars(sa.select(ReceiverLink).where(ReceiverLink.orientation_id == created.id))
            assert [link.email for link in links] == ([created.receiver_email] if reach is Reach.LINK else [])
        else:
            try:
                _orient(person, needs, service, organisation, sender, send=False)
            except operations.OrientationRefused as refusal:
                assert "contact direct" in str(refusal)
            else:
                raise AssertionError(f"« {service.name} » (contact direct) accepted an orientation")
            followed = _orient(person, needs, service, organisation, sender, followed_by_sender=True)
            assert followed.reception is Reception.SENDER and followed.sent_at is not None


def test_the_demo_shows_an_orientation_by_link_and_one_followed_by_its_sender(app):
    load_demo_data()
    by_reception = {
        reception: db.session.scalar(sa.select(Orientation).where(Orientation.reception == reception).limit(1))
        for reception in (Reception.LINK, Reception.SENDER)
    }
    by_link = by_reception[Reception.LINK]
    assert by_link is not None and by_link.sent_at is not None and by_link.receiver_email
    assert db.session.scalar(sa.select(ReceiverLink.email).where(ReceiverLink.orientation_id == by_link.id))
    followed = by_reception[Reception.SENDER]
    assert followed is not None and followed.receiver_organisation_id is None and followed.sent_at is not None
