"""The new directory pages in Chromium: no accessibility violation (axe) on the search with its label filter
and tags, « Signaler une erreur » (with its error), « Ma structure » with the reports to process, the
coordination's lists and the « Tout est à jour » page of the freshness e-mail."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest

from orientation import clock
from orientation.directory import freshness
from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from orientation.territory.operations import load_territory
from tests import builders
from tests.axe import axe_violations
from tests.directory import builders as directory_builders
from tests.directory.test_browser_edit import NUMERIQUE
from tests.live_server import chromium_page, live_server, log_in


@contextmanager
def _coordinator_managing_a_labelled_service(suffix: str):
    """A served app with a France Services structure, its service (asked for confirmation 40 days ago, with one
    error report) and a manager of it who is also a coordinator (every new page is theirs)."""
    with live_server(suffix, demo=False) as (base_url, app):
        with app.app_context():
            load_territory()
            organisation = builders.organisation("Maison France Services d'Apt")
            manager = builders.user(organisation=organisation, role=MembershipRole.MANAGER, coordinator=True)
            structure = directory_builders.structure(
                "Maison France Services d'Apt", organisation_id=organisation.id, reseaux_porteurs=["france-service"]
            )
            service = directory_builders.service("Démarches en ligne", structure_=structure, thematiques=[NUMERIQUE])
            asked_at = clock.now() - timedelta(days=40)
            freshness.mark_asked([service], asked_at)
            freshness.report_error(service, manager, "Le numéro de téléphone a changé.")
            token = freshness.make_link_token(structure.id, manager.id, asked_at)
            db.session.commit()
            email, service_id = manager.email, service.id
            db.session.remove()
        yield base_url, email, service_id, token


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_the_freshness_and_report_pages_have_no_accessibility_violation():
    with (
        _coordinator_managing_a_labelled_service("browser_freshness") as (base_url, email, service_id, token),
        chromium_page() as page,
    ):
        page.set_default_timeout(60_000)
        log_in(page, base_url, email, builders.PASSWORD)
        page.goto(f"{base_url}/annuaire/?label=france-service")
        assert page.locator(".fr-tag", has_text="France Services").count() == 1
        assert axe_violations(page) == []
        page.goto(f"{base_url}/annuaire/services/{service_id}/signaler")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Envoyer le signalement").click()
        page.locator("#error-summary").wait_for()
        assert axe_violations(page) == []  # the form with its error
        page.get_by_label("Qu'est-ce qui est faux ou manque sur cette fiche ?").fill("Fermé le mercredi.")
        page.get_by_role("button", name="Envoyer le signalement").click()
        page.wait_for_url(f"{base_url}/annuaire/services/{service_id}")
        for path in ("/structures/ma-structure/services", "/annuaire/a-confirmer", "/annuaire/signalements"):
            page.goto(base_url + path)
            assert axe_violations(page) == [], path
        page.goto(f"{base_url}/structures/ma-structure/services")
        assert page.locator("td", has_text="Fermé le mercredi.").count() == 1
        page.goto(f"{base_url}/annuaire/a-jour/{token}")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Tout est à jour").click()
        page.get_by_text("1 fiche de la Maison France Services d'Apt confirmée à jour.").wait_for()
        assert axe_violations(page) == []
        page.goto(f"{base_url}/annuaire/a-jour/{token}x")
        assert axe_violations(page) == []
