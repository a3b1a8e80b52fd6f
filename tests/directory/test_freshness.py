"""Services kept fresh by their managers: one e-mail per period through the outbox (a rule of the follow-up
engine), « Tout est à jour » by a signed link (GET shows, POST confirms; a bad or expired link says so in
French), the coordination's « Services à confirmer » a month later, and « Signaler une erreur » reaching
the structure's managers — or the coordination for a structure without members."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.directory import freshness, queries
from orientation.directory.models import ServiceErrorReport
from orientation.extensions import db
from orientation.followups.sweep import run_sweep
from orientation.notifications.models import OutboxMessage, SubjectType
from orientation.organisations.models import MembershipRole
from tests.conftest import csrf_token_from
from tests.directory import builders

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
RULE = "directory.freshness"
LINK_RE = re.compile(r"(/annuaire/a-jour/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def managed(make):
    """A structure with an account: two managers (one inactive), an agent, two services and a withdrawn one."""
    organisation = make.organisation("Centre social des Olivades")
    managers = [make.manager(organisation, first_name="Inès"), make.manager(organisation, first_name="Paul")]
    make.manager(organisation, first_name="Ancien", active=False)
    make.agent(organisation)
    structure = builders.structure("Centre social des Olivades", organisation_id=organisation.id)
    old = date(2025, 5, 1)  # confirmed by its source eight months before START
    services = [
        builders.service("Accueil numérique", structure_=structure, date_maj=old),
        builders.service("Aide au permis", structure_=structure, date_maj=old),
    ]
    builders.service("Ancien atelier", structure_=structure, date_maj=old, withdrawn_at=START - timedelta(days=40))
    builders.service("Atelier récent", structure_=structure, date_maj=date(2025, 12, 1))  # due in June
    return organisation, structure, managers, services


def _freshness_messages(structure_id=None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.template == "directory_freshness")
    if structure_id is not None:
        query = query.where(
            OutboxMessage.subject_type == SubjectType.STRUCTURE, OutboxMessage.subject_id == structure_id
        )
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _sweep() -> int:
    count = run_sweep(only=RULE)[RULE]
    db.session.commit()  # the outbox delivers after the commit (inline in tests)
    return count


def test_managers_get_one_email_per_period_listing_the_services_to_confirm(managed, outbox):
    organisation, structure, managers, services = managed
    with clock.frozen(START) as frozen:
        assert _sweep() == 1
        assert _sweep() == 0  # claimed: a second sweep sends nothing
        messages = _freshness_messages(structure.id)
        assert sorted(m.recipient for m in messages) == sorted(m.email for m in managers)  # active managers only
        mails = [m for m in outbox if "vos fiches de l'annuaire sont-elles à jour" in m.subject]
        assert len(mails) == 2 and mails[0].subject.startswith("Centre social des Olivades")
        body = mails[0].body
        assert "Accueil numérique" in body and "Aide au permis" in body
        assert "Ancien atelier" not in body and "Atelier récent" not in body  # withdrawn; not due yet
        assert "/annuaire/services/" in body and "/modifier" in body and LINK_RE.search(body)
        for service in services:
            db.session.refresh(service)
            assert service.freshness_asked_at == START

        frozen.advance(days=60)  # « Atelier récent » is still not due, the others were asked: nothing
        assert _sweep() == 0
        frozen.set(datetime(2026, 6, 2, 9, 0, tzinfo=UTC))  # « Atelier récent » due: its own e-mail
        assert _sweep() == 1
        assert "Atelier récent" in outbox[-1].body and "Accueil numérique" not in outbox[-1].body
        frozen.set(START + timedelta(days=6 * 31))  # a period after the first e-mail, still unconfirmed
        assert _sweep() == 1
        assert len(_freshness_messages(structure.id)) == 6  # three e-mails to two managers


def test_a_confirmed_structure_is_not_asked_and_a_service_may_set_its_frequency(managed):
    _, structure, managers, services = managed
    with clock.frozen(START) as frozen:
        for service in services:
            service.confirmed_at = START - timedelta(days=10)
        db.session.flush()
        assert _sweep() == 0
        services[0].freshness_months = 1  # its own frequency: asked a month after its confirmation
        db.session.flush()
        frozen.advance(days=25)
        assert _sweep() == 1
        (message, _second) = _freshness_messages(structure.id)
        db.session.refresh(services[1])
        assert services[1].freshness_asked_at is None  # only the due service was listed


def test_a_structure_without_manager_is_not_asked(make):
    structure = builders.structure("Association sans compte")
    builders.service(structure_=structure, date_maj=date(2020, 1, 1))
    with clock.frozen(START):
        assert _sweep() == 0


def _link(outbox) -> str:
    return LINK_RE.search(outbox[-1].body).group(1)


def test_all_is_current_in_one_click_from_the_signed_link(managed, outbox, client):
    _, structure, managers, services = managed
    with clock.frozen(START) as frozen:
        _sweep()
        link = _link(outbox)
        frozen.advance(days=2)
        page = client.get(link)
        text = html.unescape(page.get_data(as_text=True))
        assert page.status_code == 200 and "Tout est à jour" in text and "Aide au permis" in text
        for service in services:  # GET changes nothing
            db.session.refresh(service)
            assert service.confirmed_at is None
        confirmed = client.post(link, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
        assert confirmed.status_code == 200 and "2 fiches du Centre social des Olivades confirmées" in html.unescape(
            confirmed.get_data(as_text=True)
        )
        confirmer = next(m for m in managers if m.email in {mail.to[0] for mail in outbox if link in mail.body})
        for service in services:
            db.session.refresh(service)
            assert service.confirmed_at == START + timedelta(days=2) and service.confirmed_by_id == confirmer.id
            assert not service.is_stale()
        again = client.get(link)
        assert "déjà été confirmées" in html.unescape(again.get_data(as_text=True))
        frozen.advance(days=40)  # confirmed: not on the coordination's list
        assert freshness.list_services_to_confirm() == []
        frozen.advance(days=6 * 31)  # a new period, a new e-mail: the old link is replaced
        assert _sweep() == 1
        replaced = client.get(link)
        assert replaced.status_code == 400 and "un e-mail plus récent vous a été envoyé" in html.unescape(
            replaced.get_data(as_text=True)
        )
        assert client.get(_link(outbox)).status_code == 200


def test_a_post_without_csrf_confirms_nothing(managed, outbox, client):
    _, _, _, services = managed
    with clock.frozen(START):
        _sweep()
        response = client.post(_link(outbox))
        assert response.status_code in (200, 400)
        db.session.refresh(services[0])
        assert services[0].confirmed_at is None


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda link: link[:-3] + "abc", "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier."),
        (lambda link: "/annuaire/a-jour/n-importe-quoi", "Ce lien n'est pas valide."),
    ],
)
def test_a_tampered_link_gives_a_clear_french_page(managed, outbox, client, mangle, message):
    with clock.frozen(START):
        _sweep()
        response = client.get(mangle(_link(outbox)))
    assert response.status_code == 400
    text = html.unescape(response.get_data(as_text=True))
    assert "Ce lien ne peut pas être utilisé" in text and message in text


def test_an_expired_link_or_a_manager_who_left_gives_a_clear_french_page(managed, outbox, client, app):
    _, _, managers, services = managed
    with clock.frozen(START):
        _sweep()
        link = _link(outbox)
    token = link.rsplit("/", 1)[1]
    # itsdangerous reads the real time: a link older than DIRECTORY_FRESHNESS_LINK_DAYS is expired
    app.config["DIRECTORY_FRESHNESS_LINK_DAYS"] = -1
    with pytest.raises(freshness.InvalidToken, match="Ce lien a expiré"):
        freshness.request_from_token(token)
    response = client.get(link)
    assert response.status_code == 400 and "Ce lien a expiré" in response.get_data(as_text=True)
    app.config["DIRECTORY_FRESHNESS_LINK_DAYS"] = 60
    for manager in managers:
        for membership in manager.memberships:
            membership.role = MembershipRole.AGENT
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400 and "ne gère plus cette structure" in response.get_data(as_text=True)
    db.session.refresh(services[0])
    assert services[0].confirmed_at is None


def test_the_coordination_sees_services_still_unconfirmed_a_month_after_the_email(managed, logged_in, make):
    _, structure, managers, services = managed
    coordinator = make.manager(coordinator=True)
    with clock.frozen(START) as frozen:
        _sweep()
        frozen.advance(days=29)
        assert freshness.list_services_to_confirm() == []
        frozen.advance(days=2)
        assert freshness.list_services_to_confirm() == services
        services[1].confirmed_at = clock.now()  # confirmed late: off the list
        db.session.commit()
        page = logged_in(coordinator).get("/annuaire/a-confirmer")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "Accueil numérique" in text and "Aide au permis" not in text
        assert "5 janvier 2026" in text  # when the request was sent
        home = html.unescape(logged_in(coordinator).get("/").get_data(as_text=True))
        assert "Tenir l'annuaire à jour" in home and 'href="/annuaire/a-confirmer"' in home
    assert logged_in(managers[0]).get("/annuaire/a-confirmer").status_code == 403


def _report(client, service, message="Le numéro de téléphone a changé : c'est le 04 90 00 00 00."):
    url = f"/annuaire/services/{service.id}/signaler"
    return client.submit(url, {"message": message})


def test_an_error_report_reaches_the_managers_in_ma_structure(managed, logged_in, make):
    organisation, structure, managers, services = managed
    agent = make.agent()  # of another structure
    client = logged_in(agent)
    page = client.get(f"/annuaire/services/{services[0].id}").get_data(as_text=True)
    assert "Signaler une erreur" in page
    empty = _report(client, services[0], message="   ")
    assert empty.status_code == 400 and "Décrivez l&#39;erreur" in empty.get_data(as_text=True)
    sent = _report(client, services[0])
    assert sent.status_code == 302
    flashed = client.get(sent.location).get_data(as_text=True)
    assert "transmis aux responsables de la structure" in html.unescape(flashed)
    (report,) = db.session.scalars(sa.select(ServiceErrorReport)).all()
    assert report.reported_by_id == agent.id and report.done_at is None

    manager = logged_in(managers[0])
    ma_structure = html.unescape(manager.get("/structures/ma-structure/services").get_data(as_text=True))
    assert "Le numéro de téléphone a changé : c'est le 04 90 00 00 00." in ma_structure
    coordinator = logged_in(make.manager(coordinator=True))
    assert "04 90 00 00 00" not in coordinator.get("/annuaire/signalements").get_data(as_text=True)

    assert client.post(f"/annuaire/signalements/{report.id}/traite").status_code in (400, 403)  # not theirs
    done = manager.submit(
        f"/annuaire/signalements/{report.id}/traite", {"from": "structure"}, page="/structures/ma-structure/services"
    )
    assert done.status_code == 302 and done.location.endswith("/structures/ma-structure/services")
    db.session.refresh(report)
    assert report.done_at is not None and report.done_by_id == managers[0].id
    assert "04 90 00 00 00" not in manager.get("/structures/ma-structure/services").get_data(as_text=True)


def test_an_error_report_on_a_structure_without_members_reaches_the_coordination(logged_in, make):
    structure = builders.structure("Association sans compte")
    service = builders.service("Permanence juridique", structure_=structure)
    client = logged_in(make.agent())
    sent = _report(client, service, message="Fermé depuis septembre.")
    flashed = html.unescape(client.get(sent.location).get_data(as_text=True))
    assert "transmis à la coordination départementale" in flashed
    coordinator = logged_in(make.manager(coordinator=True))
    listed = coordinator.get("/annuaire/signalements").get_data(as_text=True)
    assert "Fermé depuis septembre." in listed and "Permanence juridique" in listed
    (report,) = db.session.scalars(sa.select(ServiceErrorReport)).all()
    done = coordinator.submit(f"/annuaire/signalements/{report.id}/traite", page="/annuaire/signalements")
    assert done.status_code == 302 and done.location.endswith("/annuaire/signalements")
    assert "Fermé depuis septembre." not in coordinator.get("/annuaire/signalements").get_data(as_text=True)
    assert logged_in(make.agent()).get("/annuaire/signalements").status_code == 403


def test_the_a_verifier_badge_and_lists_follow_each_services_own_frequency(managed, logged_in):
    """« À vérifier » is the same rule as the e-mail's: the service's frequency, else the setting (6 months)."""
    organisation, structure, managers, services = managed
    quarterly, yearly = services
    with clock.frozen(START):
        quarterly.confirmed_at = yearly.confirmed_at = START - timedelta(days=120)  # four months ago
        quarterly.freshness_months, yearly.freshness_months = 3, 12
        recent = builders.service("Sans date", structure_=structure)  # never vouched: its creation counts
        db.session.flush()
        assert quarterly.is_stale() and not yearly.is_stale() and not recent.is_stale()
        yearly.freshness_months = None  # back to the setting: 6 months
        db.session.flush()
        assert not yearly.is_stale()
        assert yearly.is_stale(START + timedelta(days=70))
        listed = {service.name for service in queries.stale_services_page(organisation_id=organisation.id).items}
        assert "Accueil numérique" in listed and "Aide au permis" not in listed and "Sans date" not in listed
        assert "Ancien atelier" not in listed  # withdrawn
        assert queries.count_stale_services(organisation.id) == len(listed)
        page = logged_in(managers[0]).get(f"/annuaire/services/{quarterly.id}").get_data(as_text=True)
        assert 'title="Non confirmée depuis plus de 3 mois">À vérifier' in page


def test_an_error_report_is_e_mailed_to_who_corrects_the_entry(managed, logged_in, make, outbox):
    """The structure's active managers (the inactive one is not), else the coordination."""
    organisation, structure, managers, services = managed
    agent = make.agent(first_name="Nadia", last_name="Haddad")
    client = logged_in(agent)
    assert _report(client, services[0], message="Fermé le <mardi> & le jeudi.").status_code == 302
    mails = [mail for mail in outbox if "Erreur signalée" in mail.subject]
    assert sorted(address for mail in mails for address in mail.to) == sorted(m.email for m in managers)
    mail = mails[0]
    assert mail.subject == "Erreur signalée sur la fiche « Accueil numérique »"
    assert "Nadia Haddad a signalé une erreur" in mail.body and "« Fermé le <mardi> & le jeudi. »" in mail.body
    assert f"/annuaire/services/{services[0].id}/modifier" in mail.body
    assert "/structures/ma-structure/services" in mail.body
    html_part = mail.alternatives[0][0]
    assert "Fermé le &lt;mardi&gt; &amp; le jeudi." in html_part

    outbox.clear()
    coordinators = [make.user(coordinator=True), make.user(coordinator=True, active=False)]
    lonely = builders.service("Permanence juridique", structure_=builders.structure("Association sans compte"))
    _report(client, lonely, message="Fermé depuis septembre.")
    mails = [mail for mail in outbox if "Erreur signalée" in mail.subject]
    assert [address for mail in mails for address in mail.to] == [coordinators[0].email]
    assert "/annuaire/signalements" in mails[0].body and "/modifier" not in mails[0].body
