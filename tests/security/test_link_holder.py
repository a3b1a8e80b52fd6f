"""The receiver without an account as an actor of the matrix: a browser that opened side A's link and
typed its code walks every endpoint. It reaches its own orientation's token-free pages and nothing
else: the other side's orientation is refused, every member page stays behind the login."""

from __future__ import annotations

from tests.security.access_rules import DENIED, LOGIN
from tests.security.test_access_matrix import world  # noqa: F401 (the fixture)
from tests.security.walk import LOGIN_PATH, OTHER_SIDE_SECRETS, Visitor, targets
from tests.security.world import ANONYMOUS, LINK_HOLDER


def _expected(target) -> set[int] | None:
    """The statuses the holder may get (None: the anonymous rule applies)."""
    if target.allowed(LINK_HOLDER):
        return {200, 302} if target.method == "GET" else {200, 302, 400, 409}
    if target.rule.anonymous == DENIED:  # the other side's link orientation; the API wants its token (401)
        return {401, 403, 404}
    return None


def test_the_link_holder_reaches_its_own_orientation_only(app, world, monkeypatch):  # noqa: F811
    # Every URL of the app from one address within a minute: more than the API lets an anonymous address
    # ask (its 429 is tested in tests/api); here what matters is the answer each URL gives.
    monkeypatch.setitem(app.config, "API_ANONYMOUS_RATE_LIMIT", "100000/minute")
    visitor = Visitor(app, world, LINK_HOLDER)
    problems = []
    for target in targets(app, world, ANONYMOUS):
        response = visitor.send(target)
        status, location = response.status_code, response.headers.get("Location", "")
        body = response.get_data(as_text=True)
        expected = _expected(target)
        if status >= 500 or any(secret in body for secret in OTHER_SIDE_SECRETS):
            problems.append(f"{target}: {status} (or the other side's person shown)")
        elif expected is not None:
            if status not in expected:
                problems.append(f"{target}: {status}, expected {sorted(expected)}")
        elif target.rule.anonymous == LOGIN and (status != 302 or LOGIN_PATH not in location):
            problems.append(f"{target}: {status} {location}, expected the login page")
        elif target.rule.anonymous == DENIED and status not in (401, 403):
            problems.append(f"{target}: {status}, expected 401/403")
    assert not problems, "\n".join(problems)
    page = visitor.client.get(f"/lien/orientation/{world.own.ids['link_orientation_id']}").get_data(as_text=True)
    assert "Durand" in page  # the proof held all along
