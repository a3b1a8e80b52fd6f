"""In Chromium, with the scripts: the people list searched as one types (the results and the announced
count change without the button, the address follows), and the commune combobox of the person form used
with the keyboard only (name or postcode, accents ignored); axe-core finds no WCAG A/AA violation."""

from __future__ import annotations

import re

import pytest

from tests.axe import add_axe, axe_violations
from tests.live_server import chromium_page, live_server, log_in


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_people_search_as_you_type_and_the_commune_combobox_with_the_keyboard(tmp_path):
    with live_server("browser_lists") as (base_url, _app), chromium_page() as page:
        add_axe(page)
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        log_in(page, base_url, "agent.edes@demo.orientation.fr")

        # The list: typing narrows it, no button pressed; the count line (role=status) says how many.
        page.goto(base_url + "/personnes/")
        page.locator("html[data-fr-js='true']").wait_for()
        assert axe_violations(page) == []
        before = page.locator("#people-results").inner_text()
        assert "Amrani Mehdi" in before
        search = page.get_by_role("searchbox", name="Rechercher une personne")
        search.focus()
        page.keyboard.type("blan", delay=40)
        status = page.locator("#people-results-status")
        status.filter(has_text="pour « blan »").wait_for()
        assert status.get_attribute("role") == "status"
        results = page.locator("#people-results").inner_text()
        assert "Blanc Josiane" in results and "Amrani" not in results
        assert "q=blan" in page.url and search.input_value() == "blan"
        assert axe_violations(page) == []

        # The person form: the commune is a combobox, used with the keyboard only.
        page.goto(base_url + "/personnes/nouvelle")
        page.locator("html[data-fr-js='true']").wait_for()
        combobox = page.get_by_role("combobox", name="Commune de résidence")
        assert combobox.get_attribute("aria-expanded") == "false"
        assert page.locator("select[name='commune_code']").is_hidden()
        assert axe_violations(page) == []
        page.locator("#first_name").fill("Inès")
        page.locator("#last_name").fill("Combobox")
        page.locator("#phone").fill("0612345678")
        combobox.focus()
        page.keyboard.type("bedar", delay=40)
        assert combobox.get_attribute("aria-expanded") == "true"
        listbox = page.get_by_role("listbox")
        assert listbox.get_by_role("option").all_inner_texts() == ["Bédarrides (84370)"]
        assert axe_violations(page) == []  # with the list open
        page.keyboard.press("ArrowDown")
        active = combobox.get_attribute("aria-activedescendant")
        assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
        page.keyboard.press("Enter")  # chooses, does not send the form
        assert combobox.input_value() == "Bédarrides (84370)" and combobox.get_attribute("aria-expanded") == "false"
        assert page.locator("select[name='commune_code']").input_value() == "84016"

        # A postcode that is not the first of its commune; Escape closes, then empties.
        page.keyboard.press("Control+A")
        page.keyboard.type("84140", delay=40)
        assert listbox.get_by_role("option").all_inner_texts() == ["Avignon (84000)"]
        page.keyboard.press("Escape")
        assert combobox.get_attribute("aria-expanded") == "false"
        page.keyboard.press("Escape")
        assert combobox.input_value() == "" and page.locator("select[name='commune_code']").input_value() == ""
        page.keyboard.type("l'isle sur", delay=40)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        assert "Isle-sur-la-Sorgue" in combobox.input_value()
        page.screenshot(path=str(tmp_path / "combobox.png"))

        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_url(re.compile(r"/personnes/\d+$"))
        assert "Inès Combobox" in page.get_by_role("heading", level=1).inner_text(), page.content()[:3000]
        assert "Isle-sur-la-Sorgue" in page.content()
        assert not [error for error in errors if "Content Security Policy" in error]
