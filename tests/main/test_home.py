"""The home is today's work: per role, counts that open the lists of exactly the items counted, each
area's counts in one statement."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from orientation import clock
from orientation.extensions import db
from orientation.notifications.models import Channel, MessageStatus
from orientation.notifications.operations import enqueue_message
from orientation.organisations.models import JoinRequest, JoinRequestStatus, MembershipRole, OrganisationType
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from tests import builders
from tests.cpam import builders as cb
from tests.referrals import builders as rb
from tests.referrals.test_statement_counts import counting

TILE = re.compile(r'<a href="([^"]+)"><span class="app-home-count">([^<]+)</span>\s*([^<]+)</a>')


def home_counts(client) -> dict[str, tuple[int, str]]:
    """{title: (count, url)} of the home's « Aujourd'hui » tiles."""
    html = client.get("/").get_data(as_text=True)
    return {unescape(title.strip()): (int(count), unescape(url)) for url, count, title in TILE.findall(html)}


def orientation_rows(client, url) -> set[int]:
    html = client.get(url).get_data(as_text=True)
    return {int(found) for found in re.findall(r'data-orientation="(\d+)"', html)}


def test_receiver_counts_new_to_decide_and_overdue_and_each_link_lists_exactly_those(logged_in):
    world = rb.scenario()
    new = [world.orientation(S.SENT) for _ in range(2)]
    to_decide = world.orientation(S.RECEIVED)
    world.orientation(S.ACCEPTED)  # ongoing: not today's triage
    overdue = world.orientation(S.RECEIVED)
    overdue.decision_due_at = clock.now() - timedelta(days=1)
    db.session.commit()

    receiver = logged_in(world.receiver)
    counts = home_counts(receiver)
    assert counts["nouvelles orientations reçues"][0] == 2
    assert counts["orientations à décider"][0] == 2
    assert counts["orientation en retard"][0] == 1
    assert orientation_rows(receiver, counts["nouvelles orientations reçues"][1]) == {o.id for o in new}
    assert orientation_rows(receiver, counts["orientations à décider"][1]) == {to_decide.id, overdue.id}
    assert orientation_rows(receiver, counts["orientation en retard"][1]) == {overdue.id}


def test_sender_counts_changes_since_the_last_visit_and_the_week_appointments(logged_in):
    world = rb.scenario()
    with clock.frozen(datetime(2026, 12, 7, 8, 0, tzinfo=UTC)) as frozen:  # a Monday
        quiet = world.orientation(S.SENT)
        waiting = world.orientation(S.SENT)
        appointment = world.appointment(datetime(2026, 12, 10, 9, 0, tzinfo=UTC))  # Thursday
        world.appointment(datetime(2026, 12, 15, 9, 0, tzinfo=UTC))  # next week
        db.session.commit()
        sender = logged_in(world.sender)
        assert sender.get("/orientations/envoyees").status_code == 200  # the visit: nothing new after it
        assert home_counts(sender)["orientation envoyée a changé"][0] == 0

        frozen.advance(minutes=5)  # within the session's idle timeout
        moved = waiting
        lifecycle.transition(moved, S.RECEIVED, actor=world.receiver)  # the receiver moves it after the visit
        world.orientation(S.SENT)  # the sender's own new sending is no news to them
        db.session.commit()
        counts = home_counts(sender)
        assert counts.get("orientation envoyée a changé", (None,))[0] == 1, counts
        assert orientation_rows(sender, counts["orientation envoyée a changé"][1]) == {moved.id}
        assert counts["orientation envoyée a un rendez-vous cette semaine"][0] == 1
        week = counts["orientation envoyée a un rendez-vous cette semaine"][1]
        assert orientation_rows(sender, week) == {appointment.orientation_id}
        assert quiet.id not in orientation_rows(sender, week)
        # The visit of the filtered list moved the marker: nothing has changed since.
        assert home_counts(sender)["orientation envoyée a changé"][0] == 0


def test_conseiller_counts_cases_to_contact_and_stalled_ones(logged_in, app):
    world = cb.world()
    with clock.frozen(datetime(2026, 9, 1, 8, 0, tzinfo=UTC)) as frozen:
        old = world.saisine()
        db.session.commit()
        frozen.advance(days=app.config["FOLLOWUP_MAS_STALLED_DAYS"] + 5)
        fresh = world.saisine(person=rb.person(world.detector_org, user=world.detector, first_name="Aline"))
        db.session.commit()
        conseiller = logged_in(world.conseiller)
        counts = home_counts(conseiller)
        assert counts["dossiers MAS à contacter"][0] == 2
        assert counts["dossier MAS sans avancée"][0] == 1
        assert case_rows(conseiller, counts["dossiers MAS à contacter"][1]) == {old.id, fresh.id}
        assert case_rows(conseiller, counts["dossier MAS sans avancée"][1]) == {old.id}
        assert "dossier MAS sans avancée" not in home_counts(logged_in(world.detector))  # not a conseiller


def case_rows(client, url) -> set[int]:
    html = client.get(url).get_data(as_text=True)
    return {int(found) for found in re.findall(r'data-case="(\d+)"', html)}


def test_manager_counts_services_to_confirm_and_pending_invitations(logged_in):
    world = rb.scenario()
    manager = rb.member(world.receiver_org, MembershipRole.MANAGER)
    world.service.confirmed_at = clock.now() - timedelta(days=400)
    other = rb.receiving_service(builders.organisation("Ailleurs", type=OrganisationType.MEDIATION_NUMERIQUE))
    other.confirmed_at = clock.now() - timedelta(days=400)  # another structure's: not this manager's
    db.session.commit()
    client = logged_in(manager)
    counts = home_counts(client)
    assert counts["fiche de service à confirmer"][0] == 1
    html = client.get(counts["fiche de service à confirmer"][1]).get_data(as_text=True)
    assert f"/annuaire/services/{world.service.id}" in html or f'services/{world.service.id}"' in html
    assert f'services/{other.id}"' not in html
    assert counts["invitation en attente"][0] == 0
    assert "fiche de service à confirmer" not in home_counts(logged_in(world.receiver))  # agents: not theirs


def test_coordination_counts_failed_messages_and_join_requests(logged_in):
    coordinator = rb.member(builders.organisation("Département"), MembershipRole.MANAGER, coordinator=True)
    failed = enqueue_message(Channel.EMAIL, "x@exemple.fr", "digest", {"message_ids": []}, idempotency_key="k1")
    failed.status = MessageStatus.FAILED
    structure = rb.directory_builders.structure(name="Asso")
    db.session.add(
        JoinRequest(
            structure_id=structure.id,
            email="a@asso.fr",
            first_name="A",
            last_name="B",
            organisation_name="Asso",
            organisation_type=OrganisationType.ASSOCIATION,
            status=JoinRequestStatus.PENDING,
            token_expires_at=clock.now() + timedelta(days=1),
        )
    )
    db.session.commit()
    client = logged_in(coordinator)
    counts = home_counts(client)
    assert counts["message en échec"][0] == 1
    assert counts["demande d'espace à examiner"][0] == 1
    assert client.get(counts["message en échec"][1]).status_code == 200
    assert "a@asso.fr" in client.get(counts["demande d'espace à examiner"][1]).get_data(as_text=True)


@pytest.mark.parametrize("role", ["receiver", "sender"])
def test_the_home_issues_a_constant_number_of_statements(logged_in, role):
    def measure(count):
        world = rb.scenario()
        for index in range(count):
            world.orientation([S.SENT, S.RECEIVED, S.ACCEPTED][index % 3])
        db.session.commit()
        client = logged_in(getattr(world, role))
        with counting() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    assert measure(2) == measure(12)
