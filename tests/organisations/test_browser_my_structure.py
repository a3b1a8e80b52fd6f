"""« Ma structure » in Chromium under the CSP: the details tab saves the structure's hours typed day by day
(with the Monday shortcut), shows its errors without an accessibility violation, and its side menu marks
the page shown."""

from __future__ import annotations

import pytest

from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from orientation.territory import communes_fr
from orientation.territory.operations import load_territory
from tests import builders
from tests.axe import axe_violations
from tests.directory import builders as directory_builders
from tests.live_server import chromium_page, live_server, log_in


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_a_manager_edits_the_structure_details_in_a_browser():
    with live_server("browser_my_structure", demo=False) as (base_url, app):
        with app.app_context():
            load_territory()
            communes_fr.official_name("84007")  # loads the table of France's communes before the first request
            organisation = builders.organisation("Centre social d'Apt")
            manager = builders.user(organisation=organisation, role=MembershipRole.MANAGER)
            structure = directory_builders.structure("Centre social d'Apt", organisation_id=organisation.id)
            directory_builders.service("Accueil numérique", structure_=structure)
            db.session.commit()
            email, structure_id = manager.email, structure.id
            db.session.remove()
        with chromium_page() as page:
            page.set_default_timeout(60_000)  # a loaded machine
            log_in(page, base_url, email, builders.PASSWORD)
            page.goto(f"{base_url}/structures/ma-structure")
            page.locator("html[data-fr-js='true']").wait_for()
            assert axe_violations(page) == []
            assert page.locator(".fr-sidemenu [aria-current='page']").inner_text() == "Détails"
            page.get_by_label("SIRET").fill("123")
            page.get_by_label("Commune").fill("Apt")
            page.get_by_role("button", name="Enregistrer la fiche").click()
            page.locator("#error-summary").wait_for()
            assert axe_violations(page) == []  # the form with its error
            page.get_by_label("SIRET").fill("213 400 034 00011")
            page.get_by_label("Code postal").fill("84400")
            for field, value in {"1_start": "08:30", "1_end": "12:00", "2_start": "13:30", "2_end": "17:00"}.items():
                page.locator(f"#hours_mo_{field}").fill(value)
            page.get_by_role("button", name="Reporter les horaires du lundi du mardi au vendredi").click()
            page.get_by_role("button", name="Enregistrer la fiche").click()
            page.wait_for_url(f"{base_url}/structures/ma-structure?fiche={structure_id}")
            assert "est enregistrée" in page.locator("main").inner_text()
            page.goto(f"{base_url}/annuaire/structures/{structure_id}")
            text = page.locator("main").inner_text().replace("\u00a0", " ")
            assert "du lundi au vendredi : 8 h 30 – 12 h, 13 h 30 – 17 h" in text
            for path in ("/structures/ma-structure/services", "/structures/ma-structure/reception"):
                page.goto(base_url + path)
                page.locator("html[data-fr-js='true']").wait_for()
                assert axe_violations(page) == [], path
