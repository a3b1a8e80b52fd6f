"""What the CPAM area adds to the person page and the orientation page, for those who may use it."""

from __future__ import annotations

from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.people.models import NeedStatus
from tests import builders
from tests.referrals import builders as rb


def test_the_detecteur_is_offered_a_saisine_from_the_persons_file(cpam_world, logged_in):
    w = cpam_world
    page = logged_in(w.detector).get(f"/personnes/{w.person.id}").get_data(as_text=True)
    assert f'href="/cpam/saisine?personne={w.person.id}"' in page
    assert "Signaler un renoncement aux soins" in page


def test_no_saisine_button_for_a_cpam_member(cpam_world, logged_in):
    w = cpam_world
    person = rb.person(w.cpam, user=w.conseiller)
    page = logged_in(w.conseiller).get(f"/personnes/{person.id}").get_data(as_text=True)
    assert "/cpam/saisine?personne=" not in page


def test_the_mas_orientation_points_to_its_case_for_filer_and_conseiller(cpam_world, logged_in):
    w = cpam_world
    case = w.saisine()
    for user in (w.detector, w.conseiller):
        page = logged_in(user).get(f"/orientations/{case.orientation_id}").get_data(as_text=True)
        assert f'href="/cpam/dossiers/{case.id}"' in page, user


def test_the_person_page_declares_a_medecin_traitant_in_place(logged_in):
    edes = builders.organisation("EDeS test")
    agent = rb.member(edes)
    person = rb.person(edes, user=agent)
    need = rb.need(person, Volet.SANTE, user=agent)  # SANTE_MEDECIN_TRAITANT
    client = logged_in(agent)
    page = client.get(f"/personnes/{person.id}").get_data(as_text=True)
    assert f'action="/sante/besoins/{need.id}/medecin-traitant-declare"' in page
    response = client.submit(
        f"/sante/besoins/{need.id}/medecin-traitant-declare",
        {"next_url": f"/personnes/{person.id}"},
        page=f"/personnes/{person.id}",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/personnes/{person.id}")
    db.session.expire_all()
    assert need.status is NeedStatus.MET


def test_one_door_to_the_mas_the_orientation_form_sends_to_the_saisine_with_what_was_typed(cpam_world, logged_in):
    import sqlalchemy as sa

    from orientation.cpam.models import MasCase
    from orientation.referrals.models import Orientation

    w = cpam_world
    need = rb.need(w.person, Volet.SANTE, user=w.detector)
    db.session.commit()
    client = logged_in(w.detector)
    create = f"/orientations/nouvelle?personne={w.person.id}"
    typed = {
        "service_id": w.team.service_id,
        "need_ids": [need.id],
        "message": "Renonce au dentiste depuis deux ans.",
        "urgency": "urgent",
        "shared_fields": ["phone"],
        "send": "1",
    }
    sent = client.submit(create, typed)
    assert sent.status_code == 307 and sent.location.endswith(
        f"/cpam/saisine?personne={w.person.id}&depuis=orientation"
    )
    followed = client.submit(sent.location, typed, page=create)  # as a browser posts again on a 307
    page = followed.get_data(as_text=True)
    assert followed.status_code == 200 and 'data-testid="from-orientation"' in page, page[
        page.find("error-summary") : page.find("error-summary") + 800
    ]
    assert "Renonce au dentiste depuis deux ans.</textarea>" in page
    assert 'checked id="urgency-2"' in page or 'value="urgent" checked' in page
    assert f'action="/cpam/saisine?personne={w.person.id}"' in page  # its own submit files the saisine
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Orientation)) == 0  # nothing sent yet
    filed = client.submit(
        f"/cpam/saisine?personne={w.person.id}",
        {
            "consent_given": "y",
            "consent_method": "oral",
            "care_kinds": ["dentaire"],
            "reasons": ["reste_a_charge"],
            "urgency": "urgent",
            "call_slots": ["morning"],
            "call_channel": "phone",
            "message": "Renonce au dentiste depuis deux ans.",
        },
    )
    assert filed.status_code == 302, filed.get_data(as_text=True)[:2000]
    (case,) = db.session.scalars(sa.select(MasCase)).all()
    assert case.message == "Renonce au dentiste depuis deux ans." and case.orientation.service_id == w.team.service_id
