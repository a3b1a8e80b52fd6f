"""With the Content-Security-Policy on, real pages work in Chromium and report no violation:
the directory map (Leaflet), the DSFR header menu, the second-factor enrolment (QR code image)."""

import re

import pyotp
import pytest

from tests.live_server import chromium_page, live_server, log_in

# Recorded before any page script runs (init scripts are not subject to the page's CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.mark.browser
@pytest.mark.no_db_transaction
def test_map_page_and_enrolment_work_under_the_csp(tmp_path):
    with live_server("browser_csp") as (base_url, _app), chromium_page() as page:
        console = []
        page.on("console", lambda message: console.append(message.text))
        page.add_init_script(RECORD_VIOLATIONS)
        # Map tiles come from OpenStreetMap: allowed by the CSP, but not reachable from the tests.
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        log_in(page, base_url, "agent.edes@demo.orientation.fr")

        response = page.goto(base_url + "/annuaire/?commune=84007")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        map_container = page.locator("#directory-map")
        map_container.locator(".leaflet-interactive").first.wait_for()
        assert int(map_container.get_attribute("data-markers")) > 0
        assert page.locator(".leaflet-control-zoom-in").is_visible()  # Leaflet's own controls and CSS
        page.screenshot(path=str(tmp_path / "map.png"))
        assert page.evaluate("window.__cspViolations") == []

        # DSFR's JavaScript runs: the mobile menu opens.
        page.set_viewport_size({"width": 400, "height": 800})
        page.locator("#button-menu").click()
        page.locator("#modal-menu.fr-modal--opened").wait_for()
        assert page.evaluate("window.__cspViolations") == []
        page.set_viewport_size({"width": 1280, "height": 800})

        # Second factor enrolment: the QR code is an image drawn by the server.
        page.goto(base_url + "/compte/securite/double-authentification")
        qr = page.get_by_alt_text("QR code à scanner avec l'application d'authentification")
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
        secret = page.get_by_test_id("totp-secret").inner_text()
        page.get_by_label("Code à 6 chiffres affiché par l'application").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Activer").click()
        codes = page.get_by_test_id("recovery-codes").inner_text()
        assert len(re.findall(r"[a-z0-9]{5}-[a-z0-9]{5}", codes)) == 10
        assert page.evaluate("window.__cspViolations") == []
        assert not [text for text in console if "Content Security Policy" in text], console
