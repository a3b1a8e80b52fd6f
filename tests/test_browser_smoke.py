"""The demo EDeS agent logs in with a real browser and sees the home page."""

import pytest

from orientation.config import DEMO_PASSWORD
from tests.live_server import chromium_page, live_server, log_in


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
        # At the desktop layout's narrowest (992 px), the longest identity of the demo is cut with an
        # ellipsis: « Se déconnecter » stays on screen and the brand keeps « République Française » whole.
        page.set_viewport_size({"width": 992, "height": 700})
        log_in(page, base_url, "coordination@demo.orientation.fr")
        logout = page.locator(".fr-header__tools").get_by_role("button", name="Se déconnecter").bounding_box()
        assert logout["x"] + logout["width"] <= 992
        identity = page.get_by_test_id("current-user").first
        assert identity.evaluate("a => a.querySelector('.app-identity').scrollWidth > a.offsetWidth")  # cut
        assert "Coordination" in identity.get_attribute("title")  # whole in its title
        brand = page.locator(".fr-header__logo .fr-logo").bounding_box()
        assert brand["x"] >= 0 and brand["width"] >= 60
