"""In Chromium, on the demo data: the dashboard and the map have no WCAG 2.1 A/AA violation (axe-core), the
map's outlines are drawn, and printing keeps the whole map on the page."""

from __future__ import annotations

import pytest

from tests.axe import add_axe, axe_violations
from tests.live_server import chromium_page, live_server, log_in

COORDINATOR = "coordination@demo.orientation.fr"


@pytest.mark.no_db_transaction
def test_dashboard_and_map_pass_axe():
    with live_server("browser_pilotage", MFA_REQUIRED_ROLES=[]) as (base_url, _app), chromium_page() as page:
        add_axe(page)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        log_in(page, base_url, COORDINATOR)
        for path in (
            "/pilotage/",
            "/pilotage/?public=qpv",
            "/pilotage/carte",
            "/pilotage/carte?indicateur=sent_per_10k",
        ):
            page.goto(base_url + path)
            assert axe_violations(page) == [], path
        assert page.locator(".pilotage-map__commune").count() == 151
        box = page.locator('[data-testid="epci-map"]').bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200
        page.emulate_media(media="print")
        printed = page.locator('[data-testid="epci-map"]').bounding_box()
        assert printed and printed["height"] <= 180 * 96 / 25.4 + 1  # 180 mm: the map fits an A4 page
        assert errors == []
