import re
from datetime import timedelta

import pytest

from orientation.db import utcnow
from orientation.extensions import db
from orientation.organisations.models import Invitation, Membership, MembershipRole
from tests.conftest import csrf_token_from

NEW_PASSWORD = "bienvenue dans le vaucluse"


def _invitation_link(outbox) -> str:
    match = re.search(r"http://orientation\.test(/invitation/\S+)", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


def test_manager_invites_a_colleague_who_creates_an_account(make, logged_in, outbox, app):
    organisation = make.organisation("EDeS d'Orange")
    manager = make.manager(organisation, first_name="Nadia", last_name="Girard")
    client = logged_in(manager)
    response = client.submit(f"/structures/{organisation.id}/membres", {"email": "Nouvelle@Test.fr", "role": "agent"})
    assert response.status_code == 302
    assert outbox[-1].to == ["nouvelle@test.fr"]
    assert "EDeS d'Orange" in outbox[-1].subject
    link = _invitation_link(outbox)

    newcomer = app.test_client()
    from tests.conftest import FormClient

    newcomer = FormClient(newcomer)
    page = newcomer.get(link).get_data(as_text=True)
    assert "Rejoindre EDeS d&#39;Orange" in page
    done = newcomer.submit(
        link, {"first_name": "Léa", "last_name": "Blanc", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert "Léa Blanc — EDeS d&#39;Orange (Agent)" in newcomer.get("/").get_data(as_text=True)

    reused = FormClient(app.test_client()).get(link)
    assert reused.status_code == 400
    assert "déjà été utilisée" in reused.get_data(as_text=True)


def test_invitation_form_errors_keep_input(make, logged_in):
    organisation = make.organisation()
    client = logged_in(make.manager(organisation))
    response = client.submit(f"/structures/{organisation.id}/membres", {"email": "pas-une-adresse", "role": "agent"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="pas-une-adresse"' in page and "adresse e-mail valide" in page


def test_accepting_with_a_weak_password_keeps_names(make, logged_in, outbox, app):
    organisation = make.organisation()
    logged_in(make.manager(organisation)).submit(
        f"/structures/{organisation.id}/membres", {"email": "n@test.fr", "role": "agent"}
    )
    from tests.conftest import FormClient

    newcomer = FormClient(app.test_client())
    response = newcomer.submit(
        _invitation_link(outbox), {"first_name": "Léa", "last_name": "Blanc", "password": "court", "confirm": "court"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Léa"' in page and "au moins 12 caractères" in page
    assert db.session.scalar(db.select(Invitation).where(Invitation.email == "n@test.fr")).accepted_at is None


def test_expired_and_revoked_invitations_are_refused(make, logged_in, outbox, app):
    organisation = make.organisation()
    manager = make.manager(organisation)
    logged_in(manager).submit(f"/structures/{organisation.id}/membres", {"email": "tard@test.fr", "role": "agent"})
    link = _invitation_link(outbox)
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.email == "tard@test.fr"))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert "expiré" in app.test_client().get(link).get_data(as_text=True)
    invitation.expires_at = utcnow() + timedelta(days=1)
    invitation.revoked_at = utcnow()
    db.session.flush()
    assert "annulée" in app.test_client().get(link).get_data(as_text=True)


def test_existing_user_joins_a_second_organisation(make, logged_in, outbox, app):
    first, second = make.organisation("Première"), make.organisation("Seconde")
    existing = make.agent(first, email="deja@test.fr")
    logged_in(make.manager(second)).submit(
        f"/structures/{second.id}/membres", {"email": "deja@test.fr", "role": "manager"}
    )
    from tests.conftest import FormClient

    client = FormClient(app.test_client())
    response = client.submit(_invitation_link(outbox), {})
    assert response.status_code == 302
    roles = {
        m.organisation.name: m.role
        for m in db.session.scalars(db.select(Membership).where(Membership.user_id == existing.id))
    }
    assert roles == {"Première": MembershipRole.AGENT, "Seconde": MembershipRole.MANAGER}


def test_inviting_an_existing_member_is_refused(make, logged_in):
    organisation = make.organisation()
    make.agent(organisation, email="membre@test.fr")
    response = logged_in(make.manager(organisation)).submit(
        f"/structures/{organisation.id}/membres", {"email": "membre@test.fr", "role": "agent"}
    )
    assert response.status_code == 400
    assert "déjà membre" in response.get_data(as_text=True)


@pytest.mark.parametrize("action", ["page", "invite", "role", "remove", "revoke"])
def test_a_manager_cannot_manage_another_organisation(make, logged_in, action):
    mine, theirs = make.organisation("La mienne"), make.organisation("La leur")
    client = logged_in(make.manager(mine))
    their_member = make.agent(theirs).memberships[0]
    invitation = Invitation(
        email="x@test.fr",
        organisation=theirs,
        role=MembershipRole.AGENT,
        token_hash="f" * 64,
        expires_at=utcnow() + timedelta(days=3),
    )
    db.session.add(invitation)
    db.session.flush()
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = {
        "page": lambda: client.get(f"/structures/{theirs.id}/membres"),
        "invite": lambda: client.post(
            f"/structures/{theirs.id}/membres", data={"csrf_token": token, "email": "y@test.fr", "role": "agent"}
        ),
        "role": lambda: client.post(
            f"/structures/membres/{their_member.id}/role", data={"csrf_token": token, "role": "manager"}
        ),
        "remove": lambda: client.post(f"/structures/membres/{their_member.id}/retirer", data={"csrf_token": token}),
        "revoke": lambda: client.post(f"/structures/invitations/{invitation.id}/annuler", data={"csrf_token": token}),
    }[action]()
    assert response.status_code == 403
    db.session.refresh(their_member)
    assert their_member.role is MembershipRole.AGENT
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Invitation).where(Invitation.email == "y@test.fr"))
        == 0
    )


def test_agents_cannot_manage_members_nor_organisations(make, logged_in):
    organisation = make.organisation()
    client = logged_in(make.agent(organisation))
    assert client.get(f"/structures/{organisation.id}/membres").status_code == 403
    assert client.get("/structures/").status_code == 403
    assert client.get("/structures/nouvelle").status_code == 403


def test_manager_changes_a_role_and_removes_a_member(make, logged_in):
    organisation = make.organisation()
    client = logged_in(make.manager(organisation))
    colleague = make.agent(organisation).memberships[0]
    token = csrf_token_from(client.get(f"/structures/{organisation.id}/membres").get_data(as_text=True))
    client.post(f"/structures/membres/{colleague.id}/role", data={"csrf_token": token, "role": "manager"})
    db.session.refresh(colleague)
    assert colleague.role is MembershipRole.MANAGER
    colleague_id = colleague.id
    client.post(f"/structures/membres/{colleague_id}/retirer", data={"csrf_token": token})
    db.session.expunge_all()
    assert db.session.get(Membership, colleague_id) is None


def test_the_last_manager_cannot_be_removed_or_demoted(make, logged_in):
    organisation = make.organisation()
    manager = make.manager(organisation)
    client = logged_in(manager)
    membership = manager.memberships[0]
    token = csrf_token_from(client.get(f"/structures/{organisation.id}/membres").get_data(as_text=True))
    demote = client.post(
        f"/structures/membres/{membership.id}/role", data={"csrf_token": token, "role": "agent"}, follow_redirects=True
    )
    assert "au moins un·e responsable" in demote.get_data(as_text=True)
    client.post(f"/structures/membres/{membership.id}/retirer", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role is MembershipRole.MANAGER


def test_coordinator_creates_an_organisation_and_invites_a_coordinator(make, logged_in, outbox):
    coordinator = make.manager(make.organisation("Département"), coordinator=True)
    client = logged_in(coordinator)
    invalid = client.submit(
        "/structures/nouvelle", {"name": "CCAS d'Apt", "type": "ccas", "siret": "123", "commune_code": "84003"}
    )
    assert invalid.status_code == 400 and "14 chiffres" in invalid.get_data(as_text=True)
    assert 'value="CCAS d&#39;Apt"' in invalid.get_data(as_text=True)
    created = client.submit(
        "/structures/nouvelle",
        {"name": "CCAS d'Apt", "type": "ccas", "siret": "21840003100012", "commune_code": "84003", "active": "y"},
    )
    assert created.status_code == 302
    organisation_id = int(created.location.split("/")[-2])
    client.submit(
        f"/structures/{organisation_id}/membres",
        {"email": "coord2@test.fr", "role": "manager", "grants_coordinator": "y"},
    )
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.email == "coord2@test.fr"))
    assert invitation.grants_coordinator and invitation.organisation.name == "CCAS d'Apt"


def test_a_manager_cannot_grant_the_coordinator_right(make, logged_in):
    organisation = make.organisation()
    client = logged_in(make.manager(organisation))
    client.submit(
        f"/structures/{organisation.id}/membres", {"email": "z@test.fr", "role": "agent", "grants_coordinator": "y"}
    )
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.email == "z@test.fr"))
    assert invitation is not None and invitation.grants_coordinator is False
