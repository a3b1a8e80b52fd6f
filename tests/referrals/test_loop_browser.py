"""In Chromium (issue #17): opening is receiving, re-orientation after a decline pre-filled, closing with a
rendez-vous still planned through the confirmation modal driven with the keyboard only (Tab, Enter,
Escape, focus kept inside), the no-JavaScript confirmation page; axe-core finds no WCAG A/AA violation
on the pages touched, modal open or closed."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from orientation.extensions import db
from orientation.people.models import Person
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import Orientation
from tests.axe import add_axe, axe_violations
from tests.live_server import chromium_page, live_server, log_in

AGENT = "agent.edes@demo.orientation.fr"
MEDIATEUR = "mediateur@demo.orientation.fr"


def _orientation_of(app, last_name: str) -> tuple[int, int, str]:
    with app.app_context():
        orientation = db.session.scalar(
            sa.select(Orientation).join(Person).where(Person.last_name == last_name).order_by(Orientation.id)
        )
        return orientation.id, orientation.person_id, orientation.message


def _inside_dialog(page) -> bool:
    return page.evaluate("() => !!document.activeElement && !!document.activeElement.closest('#confirm-modal')")


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_the_loop_without_holes_in_chromium(tmp_path):
    with live_server("browser_loop") as (base_url, app), chromium_page() as page:
        add_axe(page)
        script_errors = []
        page.on("pageerror", lambda error: script_errors.append(str(error)))

        # Opening is receiving: the médiateur follows the e-mail's link, not the inbox's button.
        sent_id, _person, _message = _orientation_of(app, "Blanc")
        log_in(page, base_url, MEDIATEUR)
        page.goto(f"{base_url}/orientations/{sent_id}")
        assert page.locator(".fr-badges-group [data-status]").first.get_attribute("data-status") == "received"
        with app.app_context():
            assert db.session.get(Orientation, sent_id).status is S.RECEIVED
        log_in(page, base_url, AGENT)
        page.goto(f"{base_url}/orientations/{sent_id}")
        assert page.locator(".fr-badges-group [data-status]").first.get_attribute("data-status") == "received"
        shared = page.get_by_test_id("shared-with").inner_text()
        assert shared.startswith("Transmis à La Fabrique numérique d'Orange")
        assert axe_violations(page) == []

        # A declined orientation: « Orienter vers un autre service », pre-filled.
        declined_id, person_id, message = _orientation_of(app, "Roche")
        page.goto(f"{base_url}/orientations/{declined_id}")
        assert axe_violations(page) == []
        page.get_by_role("link", name="Orienter vers un autre service").click()
        page.get_by_test_id("reorientation").wait_for()
        assert f"depuis={declined_id}" in page.url and f"personne={person_id}" in page.url
        assert page.get_by_label("Message à la structure").input_value() == message
        assert page.locator("input[name='need_ids']:checked").count() == 1
        assert axe_violations(page) == []

        # Closing with a rendez-vous still planned, through the modal, with the keyboard only.
        ongoing_id, _person, _message = _orientation_of(app, "Moreau")
        log_in(page, base_url, MEDIATEUR)
        page.goto(f"{base_url}/orientations/{ongoing_id}")
        page.get_by_role("button", name="Fixer un rendez-vous").click()
        page.get_by_label("Date").fill((date.today() + timedelta(days=2)).isoformat())
        page.get_by_label("Heure").fill("10:30")
        page.get_by_role("button", name="Enregistrer le rendez-vous").click()
        page.get_by_text("Le rendez-vous est enregistré.").wait_for()
        page.locator("html[data-fr-js='true']").wait_for(state="attached")  # the accordions answer the keyboard

        opener = page.locator("[data-action-open='completed']")
        opener.focus()
        page.keyboard.press("Enter")
        page.locator("[data-action-open='completed'][aria-expanded='true']").wait_for()
        page.locator("#outcome-met").focus()
        page.keyboard.press("Space")
        finish = page.locator("[data-action='completed']")
        finish.focus()
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Confirmer la fin de l'orientation")
        dialog.get_by_text("qu'est-il devenu ?").wait_for(timeout=45_000)  # fetched by the modal: slow under load
        assert dialog.get_by_role("radio", name="Annulé").is_checked()  # before its time: cancelled
        assert _inside_dialog(page)
        page.wait_for_timeout(600)  # the modal's opening transition (colours measured once it is opaque)
        assert axe_violations(page) == []
        page.screenshot(path=str(tmp_path / "modal.png"))
        page.keyboard.press("Escape")  # closes, nothing done, focus back on the button
        dialog.wait_for(state="hidden")
        page.wait_for_function("() => document.activeElement && document.activeElement.dataset.action === 'completed'")
        with app.app_context():
            assert db.session.get(Orientation, ongoing_id).status is S.IN_PROGRESS

        page.keyboard.press("Enter")  # again, from the button that has the focus
        dialog.get_by_text("qu'est-il devenu ?").wait_for(timeout=45_000)  # fetched by the modal: slow under load
        for _ in range(6):  # Tab goes round inside the modal, never behind it
            page.keyboard.press("Tab")
            assert _inside_dialog(page)
        page.locator("#confirm-modal [data-confirm-submit]").focus()
        page.keyboard.press("Enter")
        page.get_by_text("maintenant « Terminée »").wait_for()
        assert re.search(r"\(annulé, noté le", page.locator("#rendez-vous + ul").inner_text())
        assert axe_violations(page) == []

        assert script_errors == []


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_the_confirmation_page_without_javascript(tmp_path):
    with live_server("browser_loop_nojs") as (base_url, app), chromium_page() as page:
        _sent, person_id, _message = _orientation_of(app, "Moreau")
        page.route("**/*.js", lambda route: route.abort())  # no script at all
        add_axe(page)
        log_in(page, base_url, AGENT)
        page.goto(f"{base_url}/personnes/{person_id}")
        need = page.locator("[data-need]").first
        need.get_by_label("Clôturer le besoin").select_option("no_longer_needed")
        need.get_by_role("button", name="Clôturer").click()
        page.get_by_role("heading", name="Confirmer la clôture du besoin").wait_for()
        assert page.get_by_role("radio", name="Plus d'actualité").is_checked()
        assert "reste ouverte" in page.get_by_test_id("consequences").inner_text()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Clôturer le besoin").click()
        page.get_by_text("Besoin clôturé : Plus d'actualité.").wait_for()
