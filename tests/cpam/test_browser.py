"""End to end in Chromium: the détectrice files a saisine; the conseiller contacts the person, reviews the
rights and closes with "soins réalisés totalement"; the détectrice sees the outcome, never the notes. The case's
pages, one per stage, pass axe; the practitioners are chosen with the keyboard."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from orientation.cpam.models import CaseStage, MasCase
from orientation.extensions import db
from tests.axe import add_axe, axe_violations
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
        page.locator("[data-action='open']").click()  # from the summary: the current stage's form
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
        page.get_by_test_id("case-pages").get_by_role("link", name="Clôture", exact=True).click()
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


CASE_PAGES = ["", "/contact", "/droits", "/praticiens", "/financement", "/suivi", "/cloture", "/notes"]


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_the_case_pages_pass_axe_and_the_practitioners_work_with_the_keyboard():
    with live_server("browser_cpam_pages") as (base_url, app), chromium_page() as page:
        with app.app_context():
            case_id = db.session.scalar(
                sa.select(MasCase.id).where(MasCase.stage == CaseStage.PRACTITIONER_SEARCH).order_by(MasCase.id)
            )
        add_axe(page)
        log_in(page, base_url, "conseiller.cpam@demo.orientation.fr")
        problems = []
        for path in CASE_PAGES:
            page.goto(f"{base_url}/cpam/dossiers/{case_id}{path}")
            page.wait_for_selector("html[data-fr-js='true']")
            assert page.get_by_test_id("stepper").is_visible()
            problems += [f"{path}: {violation}" for violation in axe_violations(page)]
        assert not problems, "\n".join(problems)

        page.goto(f"{base_url}/cpam/dossiers/{case_id}/praticiens")
        page.wait_for_selector("html[data-fr-js='true']")
        page.locator("[data-action='all-places']").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-filter='all']")
        first = page.locator("[data-form='practitioners'] input[type='checkbox']").first
        first.focus()
        if not first.is_checked():
            page.keyboard.press("Space")
        assert first.is_checked()
        page.get_by_role("button", name="Enregistrer les praticiens").focus()
        page.keyboard.press("Enter")
        page.get_by_text("La recherche de praticiens est enregistrée").wait_for()
        assert page.url.endswith(f"/cpam/dossiers/{case_id}/praticiens")
        assert not axe_violations(page)
