"""Need to know, walked over every endpoint of people and referrals for every role (no IDOR)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from orientation.audit.models import PersonAccessLog
from orientation.extensions import db
from orientation.organisations.models import MembershipRole, OrganisationType
from orientation.referrals.lifecycle import OrientationStatus as S
from tests import builders
from tests.referrals import builders as rb

ROLES = ["sender_agent", "sender_manager", "receiver_agent", "receiver_manager", "outsider", "coordinator"]
SENDERS = {"sender_agent", "sender_manager"}
RECEIVERS = {"receiver_agent", "receiver_manager"}
BOTH = SENDERS | RECEIVERS

# (method, url template, who may, form data)
ENDPOINTS = [
    ("GET", "/personnes/{person}", SENDERS, None),
    ("GET", "/personnes/{person}/modifier", SENDERS, None),
    (
        "POST",
        "/personnes/{person}/modifier",
        SENDERS,
        {"first_name": "Lucie", "last_name": "Durand", "contact_preference": "post"},
    ),
    ("GET", "/personnes/{person}/consentement", SENDERS, None),
    (
        "POST",
        "/personnes/{person}/consentement",
        SENDERS,
        {"agreed": "y", "method": "oral", "purpose": "x", "scope": ["sante"]},
    ),
    ("GET", "/personnes/consentements/{consent}/retirer", SENDERS, None),
    ("POST", "/personnes/consentements/{consent}/retirer", SENDERS, {}),
    ("POST", "/personnes/consentements/{consent}/retirer", SENDERS, {"confirmed": "1"}),
    ("GET", "/personnes/{person}/besoins/sante", SENDERS, None),
    ("POST", "/personnes/{person}/besoins/sante", SENDERS, {"codes": ["sante_droits"]}),
    ("GET", "/personnes/besoins/{need}/cloturer", SENDERS, None),
    ("POST", "/personnes/besoins/{need}/cloturer", SENDERS, {"status": "met"}),
    ("POST", "/personnes/besoins/{need}/cloturer", SENDERS, {"status": "met", "confirmed": "1"}),
    ("GET", "/personnes/besoins/{need}/services", SENDERS, None),
    ("GET", "/orientations/nouvelle?personne={person}", SENDERS, None),
    ("POST", "/orientations/nouvelle?personne={person}", SENDERS, {"urgency": "normal"}),
    ("GET", "/orientations/{orientation}", BOTH, None),
    ("POST", "/orientations/{orientation}/statut", BOTH, {"to_status": "accepted"}),
    ("POST", "/orientations/{orientation}/commentaires", BOTH, {"body": "bonjour"}),
    (
        "POST",
        "/orientations/{orientation}/rendez-vous",
        RECEIVERS,
        {"day": (date.today() + timedelta(days=2)).isoformat(), "time": "09:00", "channel": "phone"},
    ),
]


@pytest.fixture
def matrix(world):
    orientation = world.orientation(S.ACCEPTED)
    sender_manager = rb.member(world.sender_org, MembershipRole.MANAGER)
    receiver_manager = rb.member(world.receiver_org, MembershipRole.MANAGER)
    departement = builders.organisation("Département", type=OrganisationType.DEPARTEMENT)
    coordinator = rb.member(departement, MembershipRole.MANAGER, coordinator=True)
    users = {
        "sender_agent": world.sender,
        "sender_manager": sender_manager,
        "receiver_agent": world.receiver,
        "receiver_manager": receiver_manager,
        "outsider": world.outsider,
        "coordinator": coordinator,
    }
    ids = {
        "person": world.person.id,
        "consent": orientation.consent_id,
        "need": world.need.id,
        "orientation": orientation.id,
    }
    return users, ids


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "allowed", "data"), ENDPOINTS, ids=lambda v: v if isinstance(v, str) else "")
def test_need_to_know(matrix, logged_in, role, method, url, allowed, data):
    users, ids = matrix
    client = logged_in(users[role])
    target = url.format(**ids)
    response = client.get(target) if method == "GET" else client.submit(target, data, page="/")
    body = response.get_data(as_text=True)
    if role in allowed:
        assert response.status_code != 403, body[:2000]
    else:
        assert response.status_code == 403
        assert "Durand" not in body and "06 12 34 56 78" not in body
        logged = db.session.scalar(
            sa.select(sa.func.count()).select_from(PersonAccessLog).where(PersonAccessLog.user_id == users[role].id)
        )
        assert logged == 0


@pytest.mark.parametrize(("method", "url", "allowed", "data"), ENDPOINTS, ids=lambda v: v if isinstance(v, str) else "")
def test_anonymous_is_sent_to_login(matrix, client, method, url, allowed, data):
    _users, ids = matrix
    response = client.get(url.format(**ids)) if method == "GET" else client.post(url.format(**ids), data=data or {})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_ones_own_organisation(matrix, logged_in, role):
    users, _ids = matrix
    client = logged_in(users[role])
    inbox = client.get("/orientations/recues?onglet=en-cours").get_data(as_text=True)
    sent = client.get("/orientations/envoyees").get_data(as_text=True)
    people = client.get("/personnes/").get_data(as_text=True)
    assert ("Lucie Durand" in inbox) == (role in RECEIVERS)
    assert ("Lucie Durand" in sent) == (role in SENDERS)
    assert ("Durand" in people) == (role in SENDERS)


def test_receiver_sees_only_what_was_shared(world, logged_in):
    orientation = world.orientation(S.RECEIVED, shared_fields=["commune"])
    page = logged_in(world.receiver).get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert "Lucie Durand" in page and "Avignon" in page
    assert "06 12 34 56 78" not in page and "Note du diagnostic" not in page and "voir la fiche" not in page
    # The sender checks what left: the same fields, with whom, and the way to the whole file.
    sent = logged_in(world.sender).get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert "Avignon" in sent and "voir la fiche" in sent and "Transmis à <strong>Médiation de test</strong>" in sent
    assert "06 12 34 56 78" not in sent and "Note du diagnostic" not in sent


def test_every_read_of_an_orientation_is_logged(world, logged_in):
    orientation = world.orientation(S.SENT)
    logged_in(world.receiver).get(f"/orientations/{orientation.id}")
    entry = db.session.scalar(sa.select(PersonAccessLog).where(PersonAccessLog.user_id == world.receiver.id))
    assert (entry.person_id, entry.orientation_id, entry.purpose) == (world.person.id, orientation.id, "referrals.show")
    assert entry.organisation_id == world.receiver_org.id
