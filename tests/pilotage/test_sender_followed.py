"""Orientations followed by their sender (« Contact direct ») are counted apart: in the orientations
sent, and in their own measures; never in the receivers' decisions, delays or decline reasons."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from orientation import clock
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.pilotage import queries, tables
from orientation.pilotage.models import DelayKind
from orientation.pilotage.queries import Filters
from orientation.pilotage.refresh import refresh_facts
from orientation.referrals import lifecycle, operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome, Reason
from tests.directory import builders as directory_builders
from tests.pilotage.conftest import AVIGNON, MARCH
from tests.referrals import builders as referral_builders
from tests.referrals.builders import THEMATIQUE

# Six orientations to a « Contact direct » service, in March: the person received five times (three
# completed, need met), not received once.
FOLLOWED = [(S.COMPLETED,)] * 3 + [(S.ACCEPTED,)] * 2 + [(S.DECLINED,)]


@pytest.fixture
def followed(world):
    service = directory_builders.service(
        "Consultations sans rendez-vous",
        structure_=directory_builders.structure(name="Centre de santé de test"),
        thematiques=[THEMATIQUE[Volet.NUMERIQUE]],
        zones=["84"],
    )
    created = []
    for index, (status,) in enumerate(FOLLOWED):
        person = referral_builders.person(
            world.sender_org, user=world.sender, first_name="Prénom", last_name=f"Direct{index}", commune_code=AVIGNON
        )
        need = referral_builders.need(person, Volet.NUMERIQUE, user=world.sender)
        sent_at = MARCH + timedelta(days=index, hours=1)
        with clock.frozen(sent_at) as frozen:
            orientation = operations.create_orientation(
                person,
                service_id=service.id,
                user=world.sender,
                organisation_id=world.sender_org.id,
                need_ids=[need.id],
                message="",
                urgency="normal",
                shared_fields=[],
                followed_by_sender=True,
            )
            frozen.set(sent_at + timedelta(hours=1))  # recorded at once: it would pull the receivers' delays down
            if status is S.DECLINED:
                lifecycle.transition(orientation, S.DECLINED, actor=world.sender, reason=Reason.FULL)
            else:
                lifecycle.transition(orientation, S.ACCEPTED, actor=world.sender)
            if status is S.COMPLETED:
                frozen.set(sent_at + timedelta(hours=2))
                lifecycle.transition(orientation, S.COMPLETED, actor=world.sender, outcome=Outcome.MET)
        created.append(orientation)
    refresh_facts(full=True)
    db.session.flush()
    return service


def test_the_receivers_figures_leave_them_out_and_they_are_counted_apart(world, followed):
    counts = queries.totals(Filters())
    # conftest.world: 11 sent, 9 opened, 6 accepted, 3 declined, 5 completed (3 met), 5 "obtained" answers.
    assert counts["sent"] == 17 and counts["sender_followed"] == 6 and counts.received_by_a_structure == 11
    assert [counts[name] for name in ("opened", "accepted", "declined", "completed", "completed_met")] == [
        9,
        6,
        3,
        5,
        3,
    ]
    assert counts.decided == 9 and counts.completion_rate == pytest.approx(5 / 6)
    assert [
        counts[name]
        for name in (
            "sender_followed_received",
            "sender_followed_not_received",
            "sender_followed_completed",
            "sender_followed_met",
        )
    ] == [5, 1, 3, 3]
    delays = {delay.kind: delay for delay in queries.delays(Filters())}
    assert delays[DelayKind.TO_OPENING].measured == 9 and delays[DelayKind.TO_DECISION].measured == 9
    assert delays[DelayKind.TO_DECISION].median_days == 1.0  # not pulled down by the sender's own records
    assert sum(figure.raw for figure in queries.decline_reasons(Filters())) == 3
    # The directory's card: the service has had no receiver's answer to measure.
    assert queries.service_responsiveness(followed.id) is None


def test_the_tables_and_exports_show_them_apart_with_small_counts_hidden(world, followed, logged_in):
    built = tables.build_tables(Filters(), departement=True)
    key = {row[0]: row[1] for row in built["indicateurs"].rows}
    assert key["Orientations envoyées"] == 17 and key[tables.SENDER_FOLLOWED_LINE] == 6
    assert key["Acceptées"] == 6 and key["Terminées"] == 5
    volets = built["volets"]
    (numerique,) = volets.rows
    assert numerique[volets.headers.index("Dont suivies par l'orienteur (contact direct)")] == 6
    assert numerique[volets.headers.index("Acceptées")] == 6
    direct = built["contact-direct"]
    assert direct.headers == [
        "Volet",
        "Suivies par l'orienteur",
        "Personne reçue",
        "Non reçue (refus ou réorientation)",
        "Terminées",
        "dont besoin satisfait",
    ]
    assert direct.rows == [["Numérique", 6, 5, None, None, None]]  # 1 and 3 are small counts: hidden

    client = logged_in(world.coordinator)
    html = client.get("/pilotage/").get_data(as_text=True)
    assert "Orientations suivies par l&#39;orienteur (contact direct), par volet" in html
    assert "dont suivies par l&#39;orienteur (contact direct)" in html
    exported = list(
        csv.DictReader(io.StringIO(client.get("/pilotage/export/contact-direct.csv").data.decode()[1:]), delimiter=";")
    )
    assert exported == [
        {
            "Volet": "Numérique",
            "Suivies par l'orienteur": "6",
            "Personne reçue": "5",
            "Non reçue (refus ou réorientation)": "< 5",
            "Terminées": "< 5",
            "dont besoin satisfait": "< 5",
        }
    ]
    workbook = load_workbook(io.BytesIO(client.get("/pilotage/export/tout.xlsx").get_data()))
    sheet = {row[0]: row[1] for row in workbook["indicateurs"].iter_rows(min_row=4, values_only=True)}
    assert sheet[tables.SENDER_FOLLOWED_LINE] == 6 and "contact-direct" in workbook.sheetnames
    summary = client.get("/pilotage/synthese").get_data(as_text=True)
    assert "Dont suivies par l'orienteur (contact direct)" in summary


def test_a_structure_that_follows_them_sees_them_in_what_it_sends(world, followed, logged_in):
    sent = queries.totals(Filters(sender_id=world.sender_org.id))
    assert sent["sent"] == 17 and sent["sender_followed"] == 6
    received = queries.totals(Filters(receiver_id=world.receiver_org.id))
    assert received["sent"] == 11 and received["sender_followed"] == 0
