"""End to end in Chromium: the détectrice files a saisine; the conseiller contacts the person, reviews the
rights and closes with "soins réalisés totalement"; the détectrice sees the outcome, never the notes."""

from __future__ import annotations

import pytest

from tests.live_server import chromium_page, live_server, log_in


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_a_case_from_saisine_to_care_done(tmp_path):
    with live_server("browser_cpam") as (base_url, _app), chromium_page() as page:
        log_in(page, base_url, "detecteur@demo.orientation.fr")
        page.get_by_role("link", name="Signaler un renoncement aux soins").first.click()
        page.get_by_label("Prénom").fill("Odette")
        page.locator("#last_name").fill("Vidal")
        page.get_by_role("combobox", name="Commune de résidence").fill("cavaillon")  # the commune combobox
        page.get_by_role("option", name="Cavaillon (84300)").click()
        page.locator("#phone").fill("06 11 22 33 44")
        page.get_by_text("Soins dentaires").click()
        page.get_by_text("Reste à charge trop élevé").click()
        page.get_by_role("button", name="Transmettre à la CPAM").click()
        page.get_by_text("Le formulaire contient").first.wait_for()  # no consent yet: refused, typed values kept
        assert page.locator("#first_name").input_value() == "Odette"
        page.locator("label[for='consent_given']").click()
        page.get_by_role("button", name="Transmettre à la CPAM").click()
        page.get_by_text("Le signalement est transmis").wait_for()
        case_url = page.url
        page.screenshot(path=str(tmp_path / "filed.png"))

        log_in(page, base_url, "conseiller.cpam@demo.orientation.fr")
        page.get_by_role("link", name="File MAS").first.click()
        page.locator("tr", has_text="Odette Vidal").get_by_role("link", name="Odette Vidal").click()
        page.wait_for_url(case_url)
        page.locator("[data-action='open']").click()
        page.get_by_text("Le dossier est pris en charge").wait_for()
        form = page.locator("[data-form='contact']")
        form.get_by_text("La personne a été jointe").click()
        form.get_by_label("Note interne").fill("Note confidentielle de la CPAM")
        form.get_by_role("button", name="Enregistrer la tentative").click()
        page.get_by_text("La tentative de contact est enregistrée").wait_for()
        rights = page.locator("[data-form='rights']")
        rights.get_by_label("Complémentaire santé solidaire (CSS)").select_option("opened")
        rights.get_by_role("button", name="Enregistrer le bilan des droits").click()
        page.get_by_text("Le bilan des droits est enregistré").wait_for()
        close = page.locator("[data-form='close']")
        close.get_by_text("Soins réalisés totalement").click()
        close.get_by_role("button", name="Clôturer avec ce résultat").click()
        dialog = page.get_by_role("dialog", name="Confirmer la clôture du dossier MAS")  # the confirmation modal
        dialog.get_by_text("Un e-mail prévient").wait_for()
        dialog.get_by_role("button", name="Clôturer le dossier").click()
        page.get_by_text("Le dossier est clos ; la structure").wait_for()
        page.screenshot(path=str(tmp_path / "closed.png"))

        log_in(page, base_url, "detecteur@demo.orientation.fr")
        page.get_by_role("link", name="Signalements santé").first.click()
        row = page.locator("tr", has_text="Odette Vidal")
        assert "Soins réalisés totalement" in row.inner_text()
        page.goto(case_url)
        page.get_by_role("heading", name="Résultat : Soins réalisés totalement").wait_for()
        content = page.content()
        assert "Note confidentielle" not in content and "Ouvert par la MAS" not in content
        assert "Premier contact établi" in page.get_by_test_id("timeline").inner_text()
        page.screenshot(path=str(tmp_path / "outcome.png"))
