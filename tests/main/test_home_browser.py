"""In Chromium: the home shows today's counts, a count opens the list of exactly those items; the home,
the notifications and the e-mail choices pages have no WCAG 2.1 A/AA violation (axe-core)."""

from __future__ import annotations

import re

import pytest

from tests.axe import add_axe, axe_violations
from tests.live_server import chromium_page, live_server, log_in

RECEIVER = "mediateur@demo.orientation.fr"
CONSEILLER = "conseiller.cpam@demo.orientation.fr"


def _open_count(page, title_part: str) -> int:
    """Click the home's tile whose title contains `title_part`; return the count it showed."""
    tile = page.get_by_test_id("home-counts").get_by_role("link", name=re.compile(title_part))
    count = int(tile.locator(".app-home-count").inner_text().replace("\u202f", "").replace(" ", ""))
    tile.click()
    page.wait_for_load_state()
    return count


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_the_home_counts_open_their_filtered_lists():
    with live_server("browser_home") as (base_url, _app), chromium_page() as page:
        add_axe(page)
        script_errors = []
        page.on("pageerror", lambda error: script_errors.append(str(error)))

        log_in(page, base_url, RECEIVER)
        page.get_by_role("heading", name="Aujourd'hui").wait_for()
        assert axe_violations(page) == []
        count = _open_count(page, "à décider")
        assert "/orientations/recues?onglet=a-decider" in page.url
        rows = page.locator("tr[data-orientation]").count()
        assert rows == min(count, 20)

        log_in(page, base_url, CONSEILLER)
        count = _open_count(page, "à contacter")
        assert "/cpam/file?onglet=a-contacter" in page.url or "onglet=a-contacter" in page.url
        assert page.locator("tr[data-case]").count() == min(count, 20)

        page.goto(f"{base_url}/notifications/")
        page.get_by_role("heading", name="Mes notifications").wait_for()
        assert axe_violations(page) == []
        page.goto(f"{base_url}/notifications/choix")
        page.get_by_role("button", name="Enregistrer mes choix").click()
        page.get_by_text("Vos choix d'e-mails sont enregistrés.").wait_for()
        assert axe_violations(page) == []
        assert script_errors == []
