"""The OpenAPI document and the API's routes describe the same API: every /api/v1 route is an operation
of the document and every operation is a route (a route missing from the document would escape the
validation of its query parameters); its references all lead somewhere."""

from __future__ import annotations

import re
from pathlib import Path

from orientation.api import openapi

NOT_OPERATIONS = {"api.openapi_document", "api.docs"}  # the document itself and its page
IGNORED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask for every route
_RULE_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")  # <int:orientation_id> → {orientation_id}


def _routes(app) -> set[tuple[str, str]]:
    prefix = openapi.document()["servers"][0]["url"]
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(f"{prefix}/") or rule.endpoint in NOT_OPERATIONS:
            continue
        path = _RULE_PARAMETER.sub(r"{\1}", rule.rule.removeprefix(prefix))
        routes.update((path, method.lower()) for method in rule.methods - IGNORED_METHODS)
    return routes


def test_every_api_route_is_documented_and_every_documented_operation_is_a_route(app):
    routes = _routes(app)
    documented = {(path, method) for path, method, _operation in openapi.operations()}
    assert sorted(routes - documented) == [], "routes missing from orientation/api/openapi/*.yaml"
    assert sorted(documented - routes) == [], "operations of the document that no route serves"


def test_every_path_parameter_is_declared_once():
    for path, method, operation in openapi.operations():
        declared = [parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "path"]
        assert sorted(declared) == sorted(re.findall(r"{([^{}]+)}", path)), f"{method.upper()} {path}"


def test_every_reference_of_the_document_leads_somewhere():
    pending, references = [openapi.document()], set()
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                references.add(node["$ref"])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    assert "#/components/responses/TooManyRequests" in references
    for reference in sorted(references):
        assert isinstance(openapi.resolve({"$ref": reference}), dict), reference


def test_the_operation_ids_are_unique():
    ids = [operation["operationId"] for _path, _method, operation in openapi.operations()]
    assert len(ids) == len(set(ids))


def test_every_computed_value_is_used_and_none_is_unknown():
    folder = Path(openapi.__file__).parent
    used = {name for part in openapi.PARTS for name in re.findall(r"!computed (\w+)", (folder / part).read_text())}
    assert used == set(openapi.COMPUTED)
