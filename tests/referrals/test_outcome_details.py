"""What an orientation closes with in its volet's words: the lifecycle writes it with the completion event,
the form shows only the orientation's volet (a member's page and a receiver's by link), another volet's
answer is refused in French, the history and the sender's list say it in words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome
from orientation.referrals.outcome_details import DetailKind, OrientationOutcomeDetail, cra, kinds_of
from tests.referrals import builders as rb
from tests.referrals.links_helpers import link_path, link_service, open_with_code
from tests.referrals.test_links import _post

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "fr" / "coop-mediation-numerique"


def _answers(orientation) -> set[tuple[str, str]]:
    rows = db.session.scalars(
        sa.select(OrientationOutcomeDetail).where(OrientationOutcomeDetail.orientation_id == orientation.id)
    )
    return {(row.kind.value, row.code) for row in rows}


def test_the_vocabulary_is_the_coops_cra_as_published():
    copy = Path(__file__).resolve().parents[2] / "orientation" / "referrals" / "data" / "cra-enumerations.json"
    if (REFERENCE / "cra-enumerations.json").exists():
        assert json.loads(copy.read_text()) == json.loads((REFERENCE / "cra-enumerations.json").read_text())
    assert cra("autonomie") == {
        "EntierementAccompagne": "Avec guidage",
        "PartiellementAutonome": "Autonome avec guidage en cas de besoin",
        "Autonome": "Autonome",
    }
    assert DetailKind.SUPPORT.choices() == {"Individuel": "Accompagnement individuel", "Collectif": "Atelier collectif"}
    assert [kind.value for kind in kinds_of(Volet.SANTE)] == ["health"]
    assert DetailKind.HEALTH.choices() == {
        "medecin_traitant": "Médecin traitant trouvé",
        "droits_ouverts": "Droits ouverts",
        "soins_realises": "Soins réalisés",
    }


def test_the_lifecycle_writes_the_answers_with_the_completion_event():
    world = rb.scenario(Volet.NUMERIQUE)
    orientation = world.orientation(S.IN_PROGRESS)
    event = lifecycle.transition(
        orientation,
        S.COMPLETED,
        actor=world.receiver,
        outcome=Outcome.MET,
        outcome_details={"autonomy": ["Autonome"], "support": ["Individuel", "Collectif"], "thematique": ["Email"]},
    )
    assert _answers(orientation) == {
        ("autonomy", "Autonome"),
        ("support", "Individuel"),
        ("support", "Collectif"),
        ("thematique", "Email"),
    }
    assert {row.event_id for row in orientation.outcome_details} == {event.id}


@pytest.mark.parametrize(
    ("volet", "details", "words"),
    [
        (Volet.MOBILITE, {"autonomy": ["Autonome"]}, "« Autonomie atteinte » ne s'indique que pour le volet numérique"),
        (Volet.NUMERIQUE, {"health": ["soins_realises"]}, "« Résultat en santé » ne s'indique que pour le volet santé"),
        (Volet.SANTE, {"mobility": ["permis"]}, "ne s'indique que pour le volet mobilité"),
        (Volet.NUMERIQUE, {"autonomy": ["Autonome", "PartiellementAutonome"]}, "Une seule réponse"),
        (Volet.MOBILITE, {"mobility": ["fusee"]}, "n'est pas une réponse possible"),
    ],
)
def test_an_answer_that_does_not_fit_is_refused_in_french(volet, details, words):
    world = rb.scenario(volet)
    orientation = world.orientation(S.IN_PROGRESS)
    with pytest.raises(lifecycle.TransitionError) as refused:
        lifecycle.transition(
            orientation, S.COMPLETED, actor=world.receiver, outcome=Outcome.MET, outcome_details=details
        )
    assert words in str(refused.value)
    db.session.rollback()


def test_answers_are_only_given_when_completing():
    world = rb.scenario(Volet.SANTE)
    orientation = world.orientation(S.ACCEPTED)
    with pytest.raises(lifecycle.TransitionError) as refused:
        lifecycle.transition(
            orientation, S.ABANDONED, actor=world.receiver, reason="unreachable", outcome_details={"health": ["x"]}
        )
    assert "qu'en terminant" in str(refused.value)


def test_the_database_refuses_an_unknown_answer():
    world = rb.scenario(Volet.SANTE)
    orientation = world.orientation(S.COMPLETED)
    db.session.add(
        OrientationOutcomeDetail(
            orientation_id=orientation.id, event_id=orientation.events[-1].id, kind=DetailKind.HEALTH, code="permis"
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_member_completes_a_mobility_orientation_with_its_solutions(logged_in):
    world = rb.scenario(Volet.MOBILITE)
    orientation = world.orientation(S.IN_PROGRESS)
    db.session.commit()
    receiver, sender = logged_in(world.receiver), logged_in(world.sender)
    url = f"/orientations/{orientation.id}"
    page = receiver.get(url).get_data(as_text=True)
    assert "Solution de mobilité trouvée" in page and "Location solidaire de véhicule" in page
    assert "Autonomie atteinte" not in page and "Résultat en santé" not in page  # only its volet's questions
    wrong = receiver.submit(
        url + "/statut",
        {"to_status": "completed", "outcome": "met", "detail_autonomy": "Autonome", "confirmed": "1", "note": "vu"},
    )
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "ne s&#39;indique que pour le volet numérique" in text
    assert orientation.status is S.IN_PROGRESS
    data = {"to_status": "completed", "outcome": "met", "detail_mobility": ["permis", "covoiturage"]}
    asked = receiver.submit(url + "/statut", data)
    assert asked.status_code == 200 and 'value="covoiturage"' in asked.get_data(as_text=True)  # kept for the confirm
    done = receiver.submit(url + "/statut", {**data, "confirmed": "1"})
    assert done.status_code == 302
    assert _answers(orientation) == {("mobility", "permis"), ("mobility", "covoiturage")}
    seen = sender.get(url).get_data(as_text=True)
    line = "Solution de mobilité trouvée : Permis de conduire (préparation, financement), Covoiturage"
    assert seen.count(line) == 2  # the result's callout and the history's completion event
    assert line in sender.get("/orientations/envoyees").get_data(as_text=True)


def test_a_member_may_complete_without_any_detail(logged_in):
    world = rb.scenario(Volet.SANTE)
    orientation = world.orientation(S.IN_PROGRESS)
    db.session.commit()
    receiver = logged_in(world.receiver)
    url = f"/orientations/{orientation.id}"
    assert "Médecin traitant trouvé" in receiver.get(url).get_data(as_text=True)
    done = receiver.submit(url + "/statut", {"to_status": "completed", "outcome": "not_met", "confirmed": "1"})
    assert done.status_code == 302 and _answers(orientation) == set()


def test_a_receiver_by_link_completes_a_numerique_orientation_with_the_cra_words(world, outbox, client, logged_in):
    world.service = link_service()
    orientation = world.orientation(S.SENT)
    db.session.commit()
    path = link_path(outbox)
    open_with_code(client, outbox, path)
    url = f"/lien/orientation/{orientation.id}"
    assert _post(client, url + "/statut", {"to_status": "accepted", "version": 3}, url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Autonomie atteinte" in page and "Autonome avec guidage en cas de besoin" in page
    assert "Aide aux démarches administratives" in page and "Solution de mobilité" not in page
    wrong = _post(
        client,
        url + "/statut",
        {"to_status": "completed", "outcome": "met", "detail_health": "soins_realises", "confirmed": "1"},
        url,
    )
    assert wrong.status_code == 400 and "volet santé" in wrong.get_data(as_text=True)
    data = {
        "to_status": "completed",
        "outcome": "partly_met",
        "detail_autonomy": "PartiellementAutonome",
        "detail_support": "Individuel",
        "detail_thematique": ["Email", "AideAuxDemarchesAdministratives"],
        "confirmed": "1",
    }
    assert _post(client, url + "/statut", data, url).status_code == 302
    assert _answers(orientation) == {
        ("autonomy", "PartiellementAutonome"),
        ("support", "Individuel"),
        ("thematique", "Email"),
        ("thematique", "AideAuxDemarchesAdministratives"),
    }
    seen = logged_in(world.sender).get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert "Autonomie atteinte : Autonome avec guidage en cas de besoin" in seen
    assert "Type d&#39;accompagnement : Accompagnement individuel" in seen
    assert "Thématiques de l&#39;accompagnement : E-mail, Aide aux démarches administratives" in seen
    closed = client.get(url).get_data(as_text=True)
    assert "Autonomie atteinte : Autonome avec guidage en cas de besoin" in closed
