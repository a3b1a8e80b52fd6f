"""A structure reached by e-mail link gets its own space: the join request, its confirmation, the
domain that proves the address, the coordination's decision, and the pending orientations moving in."""

import re
from datetime import timedelta

import pytest

from orientation.clock import now
from orientation.directory.models import Structure
from orientation.directory.reach import Reach, reach_of
from orientation.extensions import db
from orientation.organisations import joining
from orientation.organisations.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    MembershipRole,
    Organisation,
)
from orientation.referrals.lifecycle import OrientationStatus, Side
from orientation.referrals.models import OrientationComment, ReceiverLink, Reception
from tests.conftest import FormClient
from tests.organisations.builders import link_structure, linked_orientation

NEW_PASSWORD = "bienvenue dans le vaucluse"
REQUESTER = {
    "first_name": "Jeanne",
    "last_name": "Martin",
    "phone": "04 90 00 00 00",
    "organisation_name": "CCAS d'Apt",
    "organisation_type": "ccas",
}


def _link(outbox, path: str) -> str:
    match = re.search(rf"http://orientation\.test({path}\S+)", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


def _request(app, structure, email: str) -> tuple[FormClient, str]:
    """Fill the public form and return the confirmation link the e-mail brings."""
    visitor = FormClient(app.test_client())
    page = visitor.get(f"/structures/{structure.id}/rejoindre?email={email}")
    assert page.status_code == 200
    assert f'value="{email}"' in page.get_data(as_text=True)  # prefilled from the link page
    sent = visitor.submit(f"/structures/{structure.id}/rejoindre", {**REQUESTER, "email": email})
    assert sent.status_code == 200, sent.get_data(as_text=True)
    assert "Un e-mail vient d" in sent.get_data(as_text=True)
    return visitor, _link(app.extensions["mailman"].outbox, "/structures/rejoindre/")


def _confirm(visitor: FormClient, link: str):
    assert "Confirmer ma demande" in visitor.get(link).get_data(as_text=True)
    return visitor.submit(link)


def test_address_at_the_structure_domain_opens_the_space_and_moves_pending_orientations(app, outbox):
    structure = link_structure(site_web="https://www.ccas-apt.fr/")
    pending = linked_orientation(structure)
    draft = linked_orientation(structure, OrientationStatus.DRAFT)
    closed = linked_orientation(structure, OrientationStatus.CANCELLED)
    db.session.commit()

    visitor, link = _request(app, structure, "jeanne.martin@ccas-apt.fr")
    assert db.session.scalar(db.select(JoinRequest.status)) is JoinRequestStatus.UNCONFIRMED
    assert structure.organisation_id is None  # nothing counts before the address is proved

    done = _confirm(visitor, link)
    assert done.status_code == 200 and "est ouvert" in done.get_data(as_text=True)

    db.session.expire_all()
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == "CCAS d'Apt"))
    assert organisation.type.value == "ccas" and organisation.commune_code == structure.commune_code
    assert structure.organisation_id == organisation.id
    service = structure.services[0]
    assert service.accepts_orientations and reach_of(service).reach is Reach.MEMBERS
    for moved in (pending, draft):
        assert moved.reception is Reception.MEMBERS and moved.receiver_organisation_id == organisation.id
        assert moved.status in (OrientationStatus.SENT, OrientationStatus.DRAFT)  # the status is kept
        assert db.session.scalar(db.select(ReceiverLink.revoked_at).where(ReceiverLink.orientation_id == moved.id))
        note = db.session.scalar(db.select(OrientationComment).where(OrientationComment.orientation_id == moved.id))
        assert note.side is Side.SYSTEM and "ne fonctionne plus" in note.body
    assert pending.status is OrientationStatus.SENT
    assert closed.reception is Reception.LINK  # a closed orientation stays as it was
    assert db.session.scalar(db.select(ReceiverLink.revoked_at).where(ReceiverLink.orientation_id == closed.id)) is None

    # The first manager account, through the invitation.
    assert outbox[-1].to == ["jeanne.martin@ccas-apt.fr"] and "est ouvert" in outbox[-1].subject
    invitation_link = _link(outbox, "/invitation/")
    newcomer = FormClient(app.test_client())
    created = newcomer.submit(
        invitation_link,
        {"first_name": "Jeanne", "last_name": "Martin", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert created.status_code == 302
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.organisation_id == organisation.id))
    assert invitation.role is MembershipRole.MANAGER and invitation.accepted_at is not None
    inbox = newcomer.get("/orientations/recues").get_data(as_text=True)
    assert f"/orientations/{pending.id}" in inbox

    # The confirmation link served once.
    again = FormClient(app.test_client()).get(link)
    assert again.status_code == 400 and "déjà servi" in again.get_data(as_text=True)


def test_a_webmail_address_goes_to_the_coordination_who_accepts(app, outbox, make, logged_in):
    structure = link_structure(courriel="ccas.apt@orange.fr")  # the structure's own address is a webmail
    pending = linked_orientation(structure)
    coordinator = make.user(coordinator=True)
    make.membership(coordinator, make.organisation("Département"), MembershipRole.MANAGER)
    db.session.commit()

    visitor, link = _request(app, structure, "jeanne@orange.fr")
    done = _confirm(visitor, link)
    assert "vérifie la demande" in done.get_data(as_text=True)
    assert outbox[-1].to == ["jeanne@orange.fr"] and "transmise à la coordination" in outbox[-1].subject
    db.session.expire_all()
    join_request = db.session.scalar(db.select(JoinRequest))
    assert join_request.status is JoinRequestStatus.PENDING and structure.organisation_id is None

    coordination = logged_in(coordinator)
    listing = coordination.get("/structures/demandes").get_data(as_text=True)
    assert "jeanne@orange.fr" in listing and "CCAS d&#39;Apt (annuaire)" in listing
    accepted = coordination.submit(f"/structures/demandes/{join_request.id}/accepter", page="/structures/demandes")
    assert accepted.status_code == 302

    db.session.expire_all()
    assert join_request.status is JoinRequestStatus.ACCEPTED and join_request.decided_by_id == coordinator.id
    assert structure.organisation_id == join_request.organisation_id
    assert pending.reception is Reception.MEMBERS and pending.receiver_organisation_id == structure.organisation_id
    assert outbox[-1].to == ["jeanne@orange.fr"] and "/invitation/" in outbox[-1].body

    # A second decision on the same request is refused, nothing changes.
    twice = coordination.submit(f"/structures/demandes/{join_request.id}/accepter", page="/structures/demandes")
    assert twice.status_code == 302
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Organisation).where(Organisation.name == "CCAS d'Apt"))
        == 1
    )


def test_the_coordination_refuses_with_a_reason(app, outbox, make, logged_in):
    structure = link_structure()
    coordinator = make.user(coordinator=True)
    make.membership(coordinator, make.organisation("Département"), MembershipRole.MANAGER)
    db.session.commit()
    visitor, link = _request(app, structure, "quelquun@gmail.com")
    _confirm(visitor, link)
    join_request = db.session.scalar(db.select(JoinRequest))

    coordination = logged_in(coordinator)
    url = f"/structures/demandes/{join_request.id}/refuser"
    missing = coordination.submit(url, {"reason": "  "})
    assert missing.status_code == 400 and "Indiquez la raison du refus" in missing.get_data(as_text=True)
    refused = coordination.submit(url, {"reason": "Adresse personnelle : écrivez depuis celle du CCAS."})
    assert refused.status_code == 302

    db.session.expire_all()
    assert join_request.status is JoinRequestStatus.REFUSED
    assert structure.organisation_id is None and db.session.scalar(db.select(db.func.count(Organisation.id))) == 1
    assert outbox[-1].to == ["quelquun@gmail.com"] and "n'est pas acceptée" in outbox[-1].subject
    assert "écrivez depuis celle du CCAS" in outbox[-1].body


def test_a_structure_that_has_its_space_refuses_a_join_request(app, make):
    organisation = make.organisation("CCAS d'Apt")
    structure = link_structure(organisation_id=organisation.id)
    db.session.commit()
    visitor = FormClient(app.test_client())
    page = visitor.get(f"/structures/{structure.id}/rejoindre")
    assert page.status_code == 200 and "a déjà son espace" in page.get_data(as_text=True)
    posted = visitor.post(f"/structures/{structure.id}/rejoindre", data={**REQUESTER, "email": "j@ccas-apt.fr"})
    assert posted.status_code == 400
    assert "demandez une invitation à un·e responsable" in posted.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(JoinRequest.id))) == 0
    assert visitor.get("/structures/999999/rejoindre").status_code == 404


def test_bad_input_is_shown_again_with_nothing_saved(app, outbox):
    structure = link_structure()
    db.session.commit()
    visitor = FormClient(app.test_client())
    answer = visitor.submit(f"/structures/{structure.id}/rejoindre", {**REQUESTER, "email": "pas-une-adresse"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'value="pas-une-adresse"' in page and 'value="Jeanne"' in page
    assert db.session.scalar(db.select(db.func.count(JoinRequest.id))) == 0 and not outbox


def test_asking_again_renews_the_same_request_and_kills_the_first_link(app, outbox):
    structure = link_structure()
    db.session.commit()
    visitor, first = _request(app, structure, "jeanne@ccas-apt.fr")
    _visitor, second = _request(app, structure, "Jeanne@ccas-apt.fr")
    assert first != second
    assert db.session.scalar(db.select(db.func.count(JoinRequest.id))) == 1
    assert FormClient(app.test_client()).get(first).status_code == 400
    assert _confirm(visitor, second).status_code == 200

    # Confirmed and with the coordination (a webmail-free address that does not match): asked again,
    # it is the same request, and no new link is sent.
    other = link_structure(courriel="contact@autre-domaine.fr")
    db.session.commit()
    visitor, link = _request(app, other, "jeanne@ccas-apt.fr")
    _confirm(visitor, link)
    sent = len(outbox)
    again = visitor.submit(f"/structures/{other.id}/rejoindre", {**REQUESTER, "email": "jeanne@ccas-apt.fr"})
    assert "déjà confirmée et transmise" in again.get_data(as_text=True) and len(outbox) == sent
    assert db.session.scalar(db.select(db.func.count(JoinRequest.id)).where(JoinRequest.structure_id == other.id)) == 1


def test_an_expired_confirmation_link_is_refused(app):
    structure = link_structure()
    db.session.commit()
    visitor, link = _request(app, structure, "jeanne@ccas-apt.fr")
    join_request = db.session.scalar(db.select(JoinRequest))
    join_request.token_expires_at = now() - timedelta(minutes=1)
    db.session.commit()
    answer = visitor.get(link)
    assert answer.status_code == 400 and "a expiré" in answer.get_data(as_text=True)
    assert visitor.post(link, data={}).status_code == 400
    db.session.expire_all()
    assert join_request.status is JoinRequestStatus.UNCONFIRMED and structure.organisation_id is None
    assert FormClient(app.test_client()).get("/structures/rejoindre/nimporte-quoi").status_code == 400


@pytest.mark.parametrize(
    ("email", "courriel", "site_web", "expected"),
    [
        ("a@ccas-apt.fr", "accueil@ccas-apt.fr", None, True),
        ("a@social.ville-apt.fr", None, "https://www.ville-apt.fr/ccas", True),  # a sub-domain of the website
        ("a@VILLE-APT.FR", None, "ville-apt.fr", True),
        ("a@ville-apt.fr.example.com", None, "ville-apt.fr", False),
        ("a@autre.fr", "accueil@ccas-apt.fr", "https://ccas-apt.fr", False),
        ("a@orange.fr", "ccas@orange.fr", None, False),  # a webmail proves nothing
        ("a@hotmail.fr", "ccas@hotmail.fr", None, False),
        ("a@outlook.com", None, "https://outlook.com", False),
        ("a@ccas-apt.fr", None, None, False),
    ],
)
def test_which_addresses_prove_the_structure(email, courriel, site_web, expected):
    structure = Structure(name="CCAS", courriel=courriel, site_web=site_web)
    assert joining.is_structure_address(email, structure) is expected
