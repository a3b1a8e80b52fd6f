"""End to end in Chromium: the agent records a person and a need and sends an orientation; the médiateur
accepts and completes it; the agent sees the outcome."""

from __future__ import annotations

import pytest

from tests.live_server import chromium_page, live_server, log_in


def _logout(page):
    page.context.clear_cookies()


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_closed_loop_in_a_browser(tmp_path):
    with live_server("browser_referrals") as (base_url, _app), chromium_page() as page:
        log_in(page, base_url, "agent.edes@demo.orientation.fr")
        page.get_by_role("link", name="Personnes", exact=True).first.click()
        page.get_by_role("link", name="Nouvelle personne").click()
        page.get_by_label("Prénom").fill("Odette")
        page.locator("#last_name").fill("Vidal")
        page.get_by_role("combobox", name="Commune de résidence").fill("orange")  # the commune combobox
        page.get_by_role("option", name="Orange (84100)").click()
        page.locator("#phone").fill("06 11 22 33 44")
        page.get_by_role("button", name="Enregistrer").click()
        page.get_by_role("heading", name="Odette Vidal").wait_for()
        person_url = page.url

        page.get_by_role("link", name="Recueillir un consentement").click()
        page.get_by_text("La personne a donné son accord").click()
        page.get_by_text("Oral", exact=True).click()
        page.locator("label", has_text="Numérique").first.click()
        page.get_by_role("button", name="Enregistrer le consentement").click()
        page.get_by_text("Consentement valide").wait_for()

        page.get_by_role("link", name="Ajouter des besoins numérique").click()
        page.get_by_text("Démarches en ligne (CAF").click()
        page.get_by_text("Démarche ameli").click()
        page.get_by_role("button", name="Enregistrer les besoins").click()
        page.get_by_role("link", name="Services suggérés").first.click()
        card = page.locator("[data-service]", has_text="La Fabrique numérique d'Orange").first
        card.get_by_role("link", name="Orienter vers ce service").click()
        page.get_by_label("Message à la structure").fill("Mme Vidal doit renouveler sa carte Vitale en ligne.")
        page.get_by_role("button", name="Envoyer l'orientation").click()
        page.get_by_text("L'orientation est envoyée.").wait_for()
        orientation_url = page.url
        page.screenshot(path=str(tmp_path / "sent.png"))

        _logout(page)
        log_in(page, base_url, "mediateur@demo.orientation.fr")
        page.get_by_role("link", name="Orientations reçues").first.click()
        row = page.locator("tr", has_text="Odette Vidal")
        row.get_by_role("button", name="Ouvrir").click()
        page.wait_for_url(orientation_url)
        assert "06 11 22 33 44" in page.get_by_test_id("person-card").inner_text()
        page.locator("[data-action='accepted']").click()
        page.get_by_text("maintenant « Acceptée »").wait_for()
        page.locator("html[data-fr-js='true']").wait_for(state="attached")  # the DSFR accordions work
        page.locator("[data-action-open='completed']").click()  # the section's heading, not its submit button
        page.locator("[data-action-open='completed'][aria-expanded='true']").wait_for()
        page.get_by_text("Besoin satisfait", exact=True).click()
        page.locator("form", has=page.locator("[data-action='completed']")).get_by_label("Commentaire").fill(
            "Carte Vitale commandée."
        )
        page.locator("[data-action='completed']").click()
        page.get_by_role("dialog", name="Confirmer la fin de l'orientation").wait_for()  # what will happen, then:
        page.locator("#confirm-modal [data-confirm-submit]").click()
        page.get_by_text("maintenant « Terminée »").wait_for()

        _logout(page)
        log_in(page, base_url, "agent.edes@demo.orientation.fr")
        page.get_by_role("link", name="Orientations envoyées").first.click()
        sent_row = page.locator("tr", has_text="Odette Vidal")
        assert "terminée" in sent_row.inner_text().lower() and "Besoin satisfait" in sent_row.inner_text()
        page.goto(orientation_url)
        page.get_by_role("heading", name="Résultat : Besoin satisfait").wait_for()
        assert "Carte Vitale commandée." in page.get_by_test_id("history").inner_text()
        page.goto(person_url)
        assert "Parcours clos" in page.content()
        page.screenshot(path=str(tmp_path / "outcome.png"))
