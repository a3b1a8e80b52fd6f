"""In Chromium, with the scripts: from a directory service, « Orienter une personne » (search as you type),
then the send form's service picker refreshed as one types, used with the keyboard, and axe-core finds no
WCAG A/AA violation on either page."""

from __future__ import annotations

import pytest

from orientation.config import DEMO_PASSWORD
from tests.axe import add_axe, axe_violations
from tests.live_server import chromium_page, live_server


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_orient_from_the_directory_with_the_enhanced_picker(tmp_path):
    with live_server("browser_picker") as (base_url, _app), chromium_page() as page:
        add_axe(page)
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(base_url + "/connexion")
        page.get_by_label("Adresse e-mail").fill("agent.edes@demo.orientation.fr")
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(base_url + "/")

        # A directory service → « Orienter une personne vers ce service » → search as you type.
        page.goto(base_url + "/annuaire/?q=Aidants+Connect")
        page.get_by_role("link", name="Aidants Connect : démarches réalisées pour vous").first.click()
        page.get_by_role("link", name="Orienter une personne vers ce service").click()
        page.get_by_role("heading", level=1).wait_for()
        assert axe_violations(page) == []
        search = page.get_by_label("Rechercher une personne de l'EDeS d'Avignon Nord")
        search.press_sequentially("blan", delay=40)
        status = page.locator("#person-results-status")
        status.filter(has_text="pour « blan »").wait_for()
        assert "Moreau" not in page.locator("#person-results").inner_text()
        page.get_by_role("link", name="Orienter Blanc Josiane").click()

        # The send form: the service chosen, the picker as one types, with the keyboard.
        page.get_by_role("heading", name="Orienter Josiane Blanc").wait_for()
        chosen = page.get_by_role("radio", name="Aidants Connect", exact=False)
        assert chosen.is_checked()
        assert "Orientation suivie" in page.locator("#service-picker-results").inner_text()
        assert axe_violations(page) == []
        picker = page.get_by_label("Rechercher un service")
        picker.focus()
        page.keyboard.type("Apt", delay=40)
        page.locator("#service-picker-status").filter(has_text="Volet").wait_for()
        page.get_by_role("radio", name="Ateliers d'initiation à l'informatique", exact=False).wait_for()
        results = page.locator("#service-picker-results").inner_text()
        assert "Espace numérique du Pays d'Apt" in results and chosen.is_checked()  # the chosen one stays
        page.keyboard.press("Enter")  # searches, never sends
        page.get_by_role("heading", name="Orienter Josiane Blanc").wait_for()
        assert "L'orientation est envoyée" not in page.content()
        page.keyboard.press("Tab")  # « Chercher »
        page.keyboard.press("Tab")  # into the radio group: the checked radio
        assert page.evaluate("document.activeElement.name") == "service_id"
        page.keyboard.press("ArrowDown")
        focused = page.evaluate("document.activeElement.id")
        assert page.locator(f"#{focused}").is_checked() and not chosen.is_checked()
        assert axe_violations(page) == []
        page.screenshot(path=str(tmp_path / "picker.png"))

        page.locator("label[for^='need_ids']").first.click()
        page.get_by_role("button", name="Envoyer l'orientation").click()
        page.get_by_text("L'orientation est envoyée.").wait_for()
        assert not [error for error in errors if "Content Security Policy" in error]
