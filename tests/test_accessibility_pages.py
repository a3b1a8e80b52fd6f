"""axe-core finds no WCAG 2.1 A/AA violation on any page any role reaches (the access matrix's walk).

Every GET page of the URL map is fetched through the app as each role (tests/security/walk.py, the
same world and crawl as the French check), then opened in Chromium: the browser asks for
http://orientation.test/…, and each request is answered by the app itself (the page as fetched, and
its styles, scripts, fonts and icons from the app's static route), so the DSFR and the page's own
scripts run as they do for a user, under the page's real CSP.
"""

from __future__ import annotations

import pytest

from tests.axe import add_axe, axe_violations
from tests.live_server import chromium_page
from tests.security.walk import Visitor, targets
from tests.security.world import ANONYMOUS, MEMBERS, build_world

ORIGIN = "http://orientation.test"
DROPPED_HEADERS = {"content-length", "set-cookie", "transfer-encoding"}


@pytest.fixture
def world(app):
    return build_world()


def _pages(app, world, role: str) -> dict[str, tuple[bytes, dict]]:
    """Each endpoint's page on the role's own objects, as the app answers it (one URL per endpoint)."""
    visitor = Visitor(app, world, role)
    pages, endpoints = {}, set()
    for target in targets(app, world, role, methods=("GET",)):
        if target.side == "other" or target.endpoint == "static" or target.endpoint in endpoints:
            continue
        response = visitor.send(target)
        if response.status_code == 200 and response.content_type.startswith("text/html"):
            endpoints.add(target.endpoint)
            headers = {key: value for key, value in response.headers.items() if key.lower() not in DROPPED_HEADERS}
            pages[target.url] = (response.get_data(), headers)
    return pages


@pytest.mark.browser
@pytest.mark.parametrize("role", [*sorted(MEMBERS), ANONYMOUS])
def test_every_page_a_role_reaches_has_no_accessibility_violation(app, world, role):
    pages = _pages(app, world, role)
    assert len(pages) >= (3 if role == ANONYMOUS else 10), pages.keys()
    assets = app.test_client()

    def answer(route):
        path = route.request.url.removeprefix(ORIGIN)
        if path in pages:
            body, headers = pages[path]
            route.fulfill(status=200, body=body, headers=headers)
        elif path.startswith("/static/"):
            response = assets.get(path)
            route.fulfill(status=response.status_code, body=response.get_data(), headers=dict(response.headers))
        else:  # a link followed or a form sent by a script: not part of this check
            route.abort()

    problems = []
    with chromium_page() as page:
        page.route(f"{ORIGIN}/**", answer)
        add_axe(page)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        for path in pages:
            page.goto(ORIGIN + path)
            problems += [f"{path}: {violation}" for violation in axe_violations(page)]
            problems += [f"{path}: script error {error}" for error in errors]
            errors.clear()
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_the_check_sees_a_violation():
    """The check itself: a page with an unlabelled field and a picture without text fails it."""
    with chromium_page() as page:
        page.set_content('<html lang="fr"><title>t</title><main><input><img src="x.png"></main></html>')
        assert {violation["id"] for violation in axe_violations(page)} >= {"label", "image-alt"}
