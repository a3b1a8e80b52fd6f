"""End to end in Chromium, e-mails through a real SMTP server: the agent orients a person to a service
without an account; the link e-mail and then the code e-mail land in the sink; the receiver opens the
link without an account, accepts, sets a rendez-vous and closes with an outcome; the agent sees each
step and the outcome; a closed orientation's link is dead. axe-core finds no WCAG A/AA violation on
the link pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from email.header import decode_header, make_header

import pytest

from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import Membership
from tests.axe import add_axe, axe_violations
from tests.live_server import chromium_page, live_server, log_in
from tests.notifications.smtp_sink import SmtpSink
from tests.referrals import builders as rb
from tests.referrals.links_helpers import RECEIVER_EMAIL, link_service

AGENT = "agent.edes@demo.orientation.fr"


def _text_of(message) -> str:
    part = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else None
    if part is not None:
        return part.get_content()
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _mail_to(sink, address: str, subject_part: str, seconds: float = 15):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in reversed(sink.handler.messages):
            if address in message["To"] and subject_part in _subject(message):
                return message
        time.sleep(0.1)
    raise AssertionError(f"no e-mail « {subject_part} » to {address}")


def _seed(app) -> tuple[int, int]:
    """A person of the demo EDeS with a numérique need, and a service reached by e-mail link."""
    from orientation.auth.models import User

    with app.app_context():
        agent = db.session.scalar(db.select(User).where(User.email == AGENT))
        membership = db.session.scalar(db.select(Membership).where(Membership.user_id == agent.id))
        person = rb.person(membership.organisation, user=agent, first_name="Odile", last_name="Marchand")
        rb.need(person, Volet.NUMERIQUE, user=agent)
        service = link_service("Permis solidaire du Comtat")
        db.session.commit()
        return person.id, service.id


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_a_service_without_an_account_works_the_orientation_from_its_link(tmp_path):
    with (
        SmtpSink() as sink,
        live_server(
            "browser_links", MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_TIMEOUT=5
        ) as (base_url, app),
        chromium_page() as page,
    ):
        add_axe(page)
        script_errors = []  # DSFR stops a page's components at the first error (an anonymous header did)
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        person_id, service_id = _seed(app)
        log_in(page, base_url, AGENT)
        page.goto(f"{base_url}/orientations/nouvelle?personne={person_id}&service={service_id}")
        page.get_by_text("Démarches en ligne", exact=False).first.click()
        page.get_by_label("Message à la structure").fill("Merci de lui proposer une place.")
        page.get_by_role("button", name="Envoyer l'orientation").click()
        page.get_by_text("L'orientation est envoyée.").wait_for()
        orientation_url = page.url
        assert f"Lien envoyé à {RECEIVER_EMAIL}" in page.content()

        link_mail = _mail_to(sink, RECEIVER_EMAIL, "Permis solidaire du Comtat")
        body = _text_of(link_mail)
        assert "Marchand" not in body and "Odile" not in body
        found = re.search(r"(http://127\.0\.0\.1:\d+/lien/[A-Za-z0-9_-]{40,})", body)
        assert found, body
        link = found.group(1)

        page.context.clear_cookies()  # the receiver: another browser, no account
        response = page.goto(link)
        assert response.headers["referrer-policy"] == "no-referrer" and response.headers["cache-control"] == "no-store"
        assert "Marchand" not in page.content()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Recevoir le code par e-mail").click()
        code_mail = _mail_to(sink, RECEIVER_EMAIL, "Votre code")
        code = re.search(r"\b(\d{6})\b", _subject(code_mail)).group(1)
        page.get_by_label("Code reçu par e-mail").fill(code)
        page.get_by_role("button", name="Ouvrir l'orientation").click()
        page.get_by_role("heading", name=re.compile("Odile Marchand")).wait_for()
        assert "/lien/orientation/" in page.url and "/lien/orientation/" in page.url.split("?")[0]
        assert axe_violations(page) == []

        page.locator("[data-action='accepted']").click()
        page.get_by_text("maintenant « Acceptée »").wait_for()
        page.locator("html[data-fr-js='true']").wait_for(state="attached")  # the DSFR has set the page up
        assert axe_violations(page) == []
        page.get_by_role("button", name="Fixer un rendez-vous").click()
        page.locator("[aria-controls='appointment-form'][aria-expanded='true']").wait_for()
        page.get_by_label("Date").fill((date.today() + timedelta(days=4)).isoformat())
        page.get_by_label("Heure").fill("10:30")
        page.get_by_role("button", name="Enregistrer le rendez-vous").click()
        page.get_by_text("Le rendez-vous est enregistré.").wait_for()
        page.locator("[data-action-open='completed']").click()
        page.locator("[data-action-open='completed'][aria-expanded='true']").wait_for()
        page.get_by_text("Besoin satisfait", exact=True).click()
        page.locator("[data-action='completed']").click()
        dialog = page.get_by_role("dialog", name="Confirmer la fin de l'orientation")  # the rendez-vous to come
        dialog.get_by_role("radio", name="Annulé").wait_for()
        page.wait_for_timeout(600)  # the modal's opening transition (colours measured once it is opaque)
        assert axe_violations(page) == []
        dialog.get_by_role("button", name="Terminer l'orientation").click()
        page.get_by_text("maintenant « Terminée »").wait_for()
        assert axe_violations(page) == []
        assert script_errors == []

        page.goto(link)  # closed: the link is dead
        page.get_by_text("pas ou plus valable").wait_for()

        page.context.clear_cookies()
        log_in(page, base_url, AGENT)
        page.goto(orientation_url)
        page.get_by_role("heading", name="Résultat : Besoin satisfait").wait_for()
        history = page.get_by_test_id("history").inner_text()
        for step in ("Reçue", "Acceptée", "Accompagnement en cours", "Terminée"):
            assert step in history, history
        assert f"par {RECEIVER_EMAIL} (lien e-mail)" in history
        assert any("terminée" in _subject(m).lower() for m in sink.handler.messages)  # the agent was told
