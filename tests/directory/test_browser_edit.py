"""The service form in Chromium under the CSP: hours typed day by day (with the Monday shortcut),
a zone picked by name, the page saved and shown in plain French; no accessibility violation (axe)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from orientation.territory import communes_fr
from orientation.territory.operations import load_territory
from tests import builders
from tests.axe import axe_violations
from tests.directory import builders as directory_builders
from tests.live_server import chromium_page, live_server, log_in

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.__cspViolations.push(event.violatedDirective));
"""


@contextmanager
def _manager_of_a_service(suffix: str):
    """A served app (no demo data: quick) with one structure, its service and its manager (no second factor)."""
    with live_server(suffix, demo=False) as (base_url, app):
        with app.app_context():
            load_territory()
            communes_fr.official_name("84007")  # loads the table of France's communes before the first request
            organisation = builders.organisation("Centre social test")
            manager = builders.user(organisation=organisation, role=MembershipRole.MANAGER)
            structure = directory_builders.structure("Centre social test", organisation_id=organisation.id)
            service = directory_builders.service("Accueil numérique", structure_=structure, thematiques=[NUMERIQUE])
            db.session.commit()
            email, service_id = manager.email, service.id
            db.session.remove()
        yield base_url, email, service_id


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_a_coordinator_edits_hours_and_zones_in_french_in_a_browser():
    with _manager_of_a_service("browser_edit_service") as (base_url, email, service_id), chromium_page() as page:
        page.add_init_script(RECORD_VIOLATIONS)
        page.set_default_timeout(60_000)  # a loaded machine: the save does more than a page view
        log_in(page, base_url, email, builders.PASSWORD)
        page.goto(f"{base_url}/annuaire/services/{service_id}/modifier")
        for field, value in {"1_start": "08:30", "1_end": "12:00", "2_start": "13:30", "2_end": "17:00"}.items():
            page.locator(f"#hours_mo_{field}").fill(value)
        page.get_by_role("button", name="Reporter les horaires du lundi du mardi au vendredi").click()
        assert page.locator("#hours_fr_2_end").input_value() == "17:00"
        page.locator("#zone_add_1").fill("Orange (84100)")
        page.get_by_label("Fermé les jours fériés").check()
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_url(f"{base_url}/annuaire/services/{service_id}")
        text = page.locator("main").inner_text().replace("\u00a0", " ")
        assert "du lundi au vendredi : 8 h 30 – 12 h, 13 h 30 – 17 h ; fermé les jours fériés" in text
        assert "Orange (84100)" in text and "Mo-Fr" not in text
        assert page.evaluate("window.__cspViolations") == []


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_the_service_form_and_page_have_no_accessibility_violation():
    with _manager_of_a_service("browser_edit_axe") as (base_url, email, service_id), chromium_page() as page:
        page.set_default_timeout(60_000)
        log_in(page, base_url, email, builders.PASSWORD)
        page.goto(f"{base_url}/annuaire/services/{service_id}/modifier")
        assert axe_violations(page) == []
        page.locator("#hours_mo_1_start").fill("12:00")
        page.locator("#hours_mo_1_end").fill("09:00")
        page.get_by_role("button", name="Enregistrer").click()
        page.locator("#error-summary").wait_for()
        assert axe_violations(page) == []  # the form with its errors
        page.goto(f"{base_url}/annuaire/services/{service_id}")
        assert axe_violations(page) == []
