"""The role × endpoint matrix: every URL of the app, for every demo role and anonymous, on one's own
organisation's objects and on another organisation's: no access beyond need to know, never a 500,
never the other organisation's person on the page."""

from __future__ import annotations

import pytest

from tests.security.access_rules import NOT_POSTED_FORMS, RULES
from tests.security.walk import Visitor, problem, targets
from tests.security.world import ROLES, build_world


@pytest.fixture
def world(app):
    return build_world()


def test_every_endpoint_has_a_rule(app):
    endpoints = set(app.view_functions)
    missing = sorted(endpoints - set(RULES))
    assert not missing, (
        f"endpoints with no declared access rule in tests/security/access_rules.py (say who may reach them): {missing}"
    )
    stale = sorted(set(RULES) - endpoints)
    assert not stale, f"rules for endpoints that no longer exist: {stale}"


def test_every_post_declares_its_form(app):
    unposted = [
        rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods and not RULES[rule.endpoint].form
    ]
    assert not unposted, f"POST endpoints without `form=` in access_rules.py (XSS, fuzzing need it): {unposted}"
    assert not {rule.form for rule in RULES.values()} & NOT_POSTED_FORMS


@pytest.mark.parametrize("role", ROLES)
def test_role_reaches_only_what_it_needs(app, world, role):
    visitor = Visitor(app, world, role)
    problems = []
    for target in targets(app, world, role):
        found = problem(target, role, visitor.send(target))
        if found:
            problems.append(found)
    assert not problems, "\n".join(problems)
