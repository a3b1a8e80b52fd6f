"""The « fiche orientation / rendez-vous » the sender prints for the person: content, journal, access, axe."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orientation import clock
from orientation.audit.models import PersonAccessLog
from orientation.extensions import db
from orientation.referrals import operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import AppointmentChannel

MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with clock.frozen(MONDAY) as frozen:
        yield frozen


def _describe_service(world):
    service = world.service
    service.adresse = "5 place de l'Horloge"
    service.code_postal = "84000"
    service.horaires_accueil = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    service.telephone = "04 90 00 11 22"
    service.conditions_acces = "Apporter une pièce d'identité et l'attestation de la CAF."
    world.sender_org.phone = "04 90 44 55 66"
    db.session.flush()


def test_the_fiche_of_an_accepted_orientation_with_its_rendez_vous(world, logged_in, frozen):
    _describe_service(world)
    orientation = world.orientation(S.ACCEPTED)
    operations.add_appointment(
        orientation,
        user=world.receiver,
        starts_at=datetime(2026, 12, 14, 13, 0, tzinfo=UTC),
        channel=AppointmentChannel.IN_PERSON,
        place="Bureau 3, rez-de-chaussée",
        reminder_agreed=False,
        note="Note interne du receveur",
    )
    db.session.commit()
    client = logged_in(world.sender)
    page = client.get(f"/orientations/{orientation.id}")
    assert f'href="/orientations/{orientation.id}/fiche"' in page.get_data(as_text=True)

    response = client.get(f"/orientations/{orientation.id}/fiche")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Votre rendez-vous avec Médiation de test" in html
    assert "Pour Lucie Durand" in html
    assert "Le lundi 14 décembre à 14 h</strong><br>Bureau 3, rez-de-chaussée" in html
    assert "5 place de l&#39;Horloge<br>84000 Avignon" in html
    assert "Du lundi au vendredi : 9\u00a0h – 12\u00a0h, 14\u00a0h – 17\u00a0h ; fermé les jours fériés" in html
    assert "04 90 00 11 22" in html
    assert "Apporter une pièce d&#39;identité" in html
    assert "https://www.openstreetmap.org/?mlat=" in html
    assert 'data-testid="fiche-locator"' in html and "<circle" in html
    assert "Votre contact : EDeS de test, Camille Roux — 04 90 44 55 66." in html
    assert "Note interne" not in html  # the receiver's note is not for the person
    assert "fiche.css" in html and "print.js" in html  # printed large, without the menus

    (entry,) = db.session.scalars(db.select(PersonAccessLog).where(PersonAccessLog.purpose == "referrals.print"))
    assert (entry.person_id, entry.orientation_id, entry.user_id) == (world.person.id, orientation.id, world.sender.id)


def test_before_the_decision_the_fiche_says_who_calls_and_by_when(world, logged_in, frozen):
    orientation = world.orientation(S.SENT)
    db.session.commit()
    html = logged_in(world.sender).get(f"/orientations/{orientation.id}/fiche").get_data(as_text=True)
    assert "Votre demande auprès de Médiation de test" in html
    assert "Médiation de test va vous appeler <strong>au plus tard le" in html
    assert "Conditions d&#39;accès" not in html  # nothing to say: the block is left out


def test_only_the_sending_side_prints_it(world, logged_in, frozen):
    orientation = world.orientation(S.ACCEPTED)
    db.session.commit()
    assert logged_in(world.receiver).get(f"/orientations/{orientation.id}/fiche").status_code == 403
    assert logged_in(world.outsider).get(f"/orientations/{orientation.id}/fiche").status_code == 403
    receiver_page = logged_in(world.receiver).get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert "/fiche" not in receiver_page
    assert not db.session.scalars(db.select(PersonAccessLog).where(PersonAccessLog.purpose == "referrals.print")).all()


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_the_fiche_has_no_accessibility_violation():
    from tests import builders
    from tests.axe import add_axe, axe_violations
    from tests.live_server import chromium_page, live_server, log_in
    from tests.referrals import builders as referral_builders

    with live_server("browser_fiche") as (base_url, app), chromium_page() as page:
        with app.app_context():
            world = referral_builders.scenario()
            _describe_service(world)
            orientation = world.orientation(S.SENT)
            db.session.commit()
            email, orientation_id = world.sender.email, orientation.id
        add_axe(page)
        log_in(page, base_url, email, builders.PASSWORD)
        page.goto(f"{base_url}/orientations/{orientation_id}/fiche")
        page.locator("html[data-fr-js='true']").wait_for(state="attached")
        assert page.get_by_test_id("fiche-locator").count() == 1
        assert axe_violations(page) == []
