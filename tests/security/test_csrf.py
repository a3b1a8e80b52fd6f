"""CSRF on every POST: without a token, or with another session's token, the request is refused
(400/403) and nothing is written — for every POST endpoint of the URL map, as a role allowed there."""

from __future__ import annotations

import pytest

from tests.security.access_rules import RULES
from tests.security.walk import Visitor, changed_tables, database_fingerprint, first_allowed_role, targets
from tests.security.world import AGENT_EDES, ANONYMOUS, ROLES, build_world


@pytest.fixture
def world(app):
    return build_world()


def test_csrf_protection_is_on_in_the_tested_app(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) and app.config.get("WTF_CSRF_CHECK_DEFAULT", True)
    csrf = app.extensions["csrf"]
    exempt_blueprints = {getattr(blueprint, "name", blueprint) for blueprint in csrf._exempt_blueprints}
    exempt = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views
        or endpoint.rpartition(".")[0] in exempt_blueprints
    ]
    undeclared = [endpoint for endpoint in exempt if not RULES[endpoint].api]
    assert not undeclared, f"views exempt from CSRF but not declared `api=True` in access_rules.py: {undeclared}"


@pytest.mark.parametrize("token", ["missing", "foreign"])
def test_every_post_without_a_valid_token_is_refused(app, world, token):
    visitors = {}
    foreign_token = Visitor(app, world, ANONYMOUS).token  # valid, but for another session
    problems = []
    posts = [target for target in targets(app, world, ANONYMOUS, methods=("POST",)) if target.side != "other"]
    assert len(posts) > 20
    for post in posts:
        # An API no session may use: the session of the orientation's sender must not make it act either.
        role = first_allowed_role(post.rule, ROLES) or AGENT_EDES
        visitor = visitors.get(role) or visitors.setdefault(role, Visitor(app, world, role))
        target = next(
            t
            for t in targets(app, world, role, methods=("POST",))
            if (t.endpoint, t.side) == (post.endpoint, post.side)
        )
        data = target.form_data() if token == "missing" else {**target.form_data(), "csrf_token": foreign_token}
        before = database_fingerprint()
        response = visitor.send(target, data, csrf=False, keep=True)
        changed = changed_tables(before, database_fingerprint())
        refused = (400, 401, 403) if post.rule.api else (400, 403)  # an API: its own credentials are missing
        if response.status_code not in refused or changed:
            problems.append(f"{target} as {role}, token {token}: {response.status_code}, tables changed: {changed}")
    assert not problems, "\n".join(problems)


def test_the_fingerprint_sees_a_write(app, world):
    """Control: the same request with its token does write (so "nothing changed" above means something)."""
    visitor = Visitor(app, world, "agent_edes")
    target = next(t for t in targets(app, world, "agent_edes", methods=("POST",)) if t.endpoint == "people.create")
    before = database_fingerprint()
    assert visitor.send(target, keep=True).status_code == 302
    assert "people" in changed_tables(before, database_fingerprint())
