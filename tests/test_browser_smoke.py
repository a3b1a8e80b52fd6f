"""The demo EDeS agent logs in with a real browser and sees the home page."""

import pytest

from orientation.config import DEMO_PASSWORD
from tests.live_server import chromium_page, live_server


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_demo_agent_logs_in_and_sees_the_home_page(tmp_path):
    with live_server("browser_smoke") as (base_url, _app), chromium_page() as page:
        page.goto(base_url + "/")
        assert "/connexion" in page.url
        assert page.locator("link[href*='vendor/dsfr/dsfr.min.css']").count() == 1
        page.get_by_label("Adresse e-mail").fill("agent.edes@demo.orientation.fr")
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(base_url + "/")
        assert page.get_by_role("heading", level=1).inner_text() == "Bonjour Camille"
        assert "EDeS d'Avignon Nord (Agent)" in page.get_by_test_id("current-user").first.inner_text()
        # The DSFR stylesheet is served by the app itself (no CDN): the header is styled.
        assert page.evaluate("getComputedStyle(document.querySelector('.fr-header')).position") != ""
        page.screenshot(path=str(tmp_path / "home.png"))
