"""The role × endpoint matrix: every URL of the app, for every demo role and anonymous, on one's own
organisation's objects and on another organisation's: no access beyond need to know, never a 500,
never the other organisation's person on the page."""

from __future__ import annotations

import pytest
from werkzeug.routing import BuildError, IntegerConverter

from orientation.db import MAX_ID
from tests.security.access_rules import NOT_POSTED_FORMS, RULES
from tests.security.walk import Target, Visitor, problem, targets
from tests.security.world import AGENT_EDES, CONSEILLER_CPAM, COORDINATION, RESPONSABLE, ROLES, build_world


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
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not RULES[rule.endpoint].form and not RULES[rule.endpoint].api
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


@pytest.mark.parametrize("role", [AGENT_EDES, COORDINATION])
def test_garbage_in_url_arguments_is_not_found(app, world, role):
    """Ids past the database's key range, NUL and odd strings in every URL argument: 4xx, never a 500."""
    visitor = Visitor(app, world, role)
    adapter = app.url_map.bind("orientation.test")
    problems = []
    for url_rule in app.url_map.iter_rules():
        kinds = {name: isinstance(url_rule._converters[name], IntegerConverter) for name in url_rule.arguments}
        for garbage in (MAX_ID + 1, 2**64, "\x00", "..%2F..", "x" * 3000, "²"):
            attacked = [name for name, integer in kinds.items() if integer == isinstance(garbage, int)]
            if not attacked or url_rule.endpoint == "static":
                continue
            values = {name: garbage if name in attacked else world.own.ids.get(name, 1) for name in kinds}
            try:
                url = adapter.build(url_rule.endpoint, values)
            except (ValueError, BuildError):
                continue  # the converter itself refuses to build it
            for method in sorted(url_rule.methods & {"GET", "POST"}):
                target = Target(url_rule.endpoint, method, "own", url, {}, None, RULES[url_rule.endpoint], role)
                status = visitor.send(target, {}).status_code
                if status >= 500 or (isinstance(garbage, int) and status != 404):
                    problems.append(f"{method} {url[:120]} as {role}: {status}")
    assert not problems, "\n".join(problems)


def _query_parameter_names() -> list[str]:
    """Every query parameter the app reads: `request.args.get("…")` in the code, the fields of the
    forms built from the URL, and those of the API's document."""
    import re
    from pathlib import Path

    import orientation
    from orientation.api import openapi
    from orientation.pilotage.forms import FiltersForm
    from orientation.rgpd.forms import StructureJournalFilters

    names = set()
    for source in Path(orientation.__file__).parent.rglob("*.py"):
        names.update(re.findall(r'request\.args\.get(?:list)?\(\s*"([a-z_]+)"', source.read_text()))
    for form in (FiltersForm, StructureJournalFilters):
        names.update(name for name in dir(form) if hasattr(getattr(form, name), "field_class"))
    for _path, _method, operation in openapi.operations():
        names.update(p["name"] for p in operation["parameters"] if p["in"] == "query")
    return sorted(names)


@pytest.mark.parametrize("role", [AGENT_EDES, CONSEILLER_CPAM, RESPONSABLE, COORDINATION])
def test_nul_and_odd_values_in_every_query_parameter_are_not_a_server_error(app, world, role):
    """PostgreSQL text cannot hold NUL: every page and API read answers 2xx-4xx whatever the query
    string says. The API refuses the first wrong parameter (400), so there they go one at a time."""
    visitor = Visitor(app, world, role)
    names = _query_parameter_names()
    assert {"q", "page", "debut", "par", "search", "modified_after"} <= set(names)
    problems = []
    for target in targets(app, world, role, methods=("GET",)):
        if target.side == "other" or target.endpoint == "static":
            continue
        separator = "&" if "?" in target.url else "?"
        urls = [
            target.url + separator + "&".join(f"{name}={odd}" for name in names)
            for odd in ("a%00b", "%C2%B2", "9" * 30)
        ]
        if target.endpoint.startswith("api."):
            urls += [f"{target.url}{separator}{name}=a%00b" for name in names]
        for url in urls:
            status = visitor.send(
                Target(target.endpoint, "GET", target.side, url, target.ids, target.user, target.rule, role)
            ).status_code
            if status >= 500:
                problems.append(f"GET {url} as {role}: {status}")
    assert not problems, "\n".join(problems)
