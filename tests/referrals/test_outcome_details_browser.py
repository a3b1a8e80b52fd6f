"""In Chromium: the completion form of a numérique orientation asks the CRA's questions, and only those;
the answers are shown in words; the pilotage shows the outcomes per volet. axe-core finds no WCAG A/AA
violation on the open completion form, the page after it, nor on the dashboard."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from orientation.extensions import db
from orientation.people.models import Person
from orientation.referrals.models import Orientation
from tests.axe import add_axe, axe_violations
from tests.live_server import chromium_page, live_server, log_in

MEDIATEUR = "mediateur@demo.orientation.fr"
COORDINATOR = "coordination@demo.orientation.fr"


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_completing_with_the_cra_words_in_chromium(tmp_path):
    with live_server("browser_outcomes") as (base_url, app), chromium_page() as page:
        add_axe(page)
        with app.app_context():
            ongoing_id = db.session.scalar(
                sa.select(Orientation.id).join(Person).where(Person.last_name == "Moreau").order_by(Orientation.id)
            )
        log_in(page, base_url, MEDIATEUR)
        page.goto(f"{base_url}/orientations/{ongoing_id}")
        page.locator("html[data-fr-js='true']").wait_for(state="attached")
        page.locator("[data-action-open='completed']").click()
        page.locator("[data-action-open='completed'][aria-expanded='true']").wait_for()
        form = page.locator("#action-completed")
        form.get_by_role("group", name="Autonomie atteinte").wait_for()
        assert form.locator("[data-outcome-detail]").count() == 3  # autonomy, support, thématiques: numérique only
        page.wait_for_timeout(400)  # the accordion's transition
        assert axe_violations(page) == []
        for answer in (  # DSFR inputs are drawn by their labels: the labels take the clicks
            "outcome-met",
            "detail-autonomy-PartiellementAutonome",
            "detail-support-Collectif",
            "detail-thematique-AideAuxDemarchesAdministratives",
        ):
            form.locator(f"label[for='{answer}']").click()
        form.locator("[data-action='completed']").click()
        dialog = page.get_by_role("dialog", name="Confirmer la fin de l'orientation")
        dialog.locator("[data-confirm-submit]").wait_for(timeout=45_000)
        dialog.locator("[data-confirm-submit]").click()
        page.get_by_text("maintenant « Terminée »").wait_for()
        assert page.get_by_text("Autonomie atteinte : Autonome avec guidage en cas de besoin").count() == 2
        assert axe_violations(page) == []

        log_in(page, base_url, COORDINATOR)
        page.goto(f"{base_url}/pilotage/?volet=numerique")
        page.get_by_test_id("table-resultats-autonomy").wait_for()
        assert page.get_by_test_id("table-indicateurs-fne").count() == 1
        assert axe_violations(page) == []
        page.screenshot(path=str(tmp_path / "pilotage.png"), full_page=True)
