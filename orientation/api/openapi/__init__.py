"""The OpenAPI 3.1 document of the partner API: the single source of truth for request bodies and
query parameters.

The description is written in YAML beside this module — openapi.yaml (the frame and what every part
shares), feeds.yaml (the directory feeds) and orientations.yaml — and merged once per process by
`document()`. Values that have their one source in the code (Python enums, the thématiques, the
official data·inclusion schemas) are not copied into the YAML: it names them `!computed <name>` and
the loader puts them in (COMPUTED). Request bodies (`body_errors`) and query parameters
(`query_errors`) are validated against the document, so what it says is what the API enforces; the
responses are checked against it by the contract tests and by schemathesis, and tests/api/test_openapi.py
checks that it describes every route of /api/v1 and nothing else.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import jsonschema
import yaml
from referencing import Registry, Resource

from orientation.api.hsds import taxonomy_term_id
from orientation.api.representation import PRIORITY
from orientation.directory.thematiques import DATA_DIR, Volet, thematique_labels
from orientation.people.catalogue import NeedCode
from orientation.people.models import ConsentMethod, ContactPreference
from orientation.referrals.lifecycle import FHIR_TASK_STATUS, STATUS_FROM_FHIR, OrientationStatus, Outcome, Reason
from orientation.referrals.models import AppointmentChannel, AppointmentStatus, Reception, SharedField, Urgency

DOCUMENT_URI = "urn:orientation:api:v1"
PARTS = ("openapi.yaml", "feeds.yaml", "orientations.yaml")  # the frame first; then the documentation page's order
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# ---- values computed from their one source ------------------------------------------------------


def _values(enum_class) -> Callable[[], list[str]]:
    return lambda: [member.value for member in enum_class]


def _taxonomy_term_ids() -> list[str]:
    codes = sorted(thematique_labels())
    return codes + [taxonomy_term_id(code) for code in codes]


def _status_list_pattern() -> str:
    statuses = {status.value for status in OrientationStatus} | set(STATUS_FROM_FHIR)
    codes = "|".join(sorted(statuses, key=lambda code: (-len(code), code)))
    return f"^({codes})(,({codes}))*$"


COMPUTED: dict[str, Callable[[], object]] = {
    "thematiques": lambda: sorted(thematique_labels()),
    "taxonomy_term_ids": _taxonomy_term_ids,
    "status_list_pattern": _status_list_pattern,  # FHIR or Orientation statuses, comma-separated
    "fhir_statuses_shown": lambda: sorted(set(FHIR_TASK_STATUS.values())),
    "fhir_statuses_asked": lambda: sorted(STATUS_FROM_FHIR),
    "fhir_priorities": lambda: list(PRIORITY.values()),
    "orientation_statuses": _values(OrientationStatus),
    "reasons": _values(Reason),
    "outcomes": _values(Outcome),
    "urgencies": _values(Urgency),
    "receptions": _values(Reception),
    "need_codes": _values(NeedCode),
    "shared_fields": _values(SharedField),
    "contact_preferences": _values(ContactPreference),
    "consent_methods": _values(ConsentMethod),
    "volets": _values(Volet),
    "appointment_channels": _values(AppointmentChannel),
    "appointment_statuses": _values(AppointmentStatus),
    # what a partner may say became of a rendez-vous: anything but planned
    "appointment_outcomes": lambda: [s.value for s in AppointmentStatus if s is not AppointmentStatus.PLANNED],
}


def _data_inclusion_schemas() -> dict:
    """The official data·inclusion v1 schemas, with their `$defs` moved into the components
    (`#/$defs/X` → `#/components/schemas/DataInclusionX`), so every tool resolves them."""

    def rewrite(node):
        if isinstance(node, dict):
            return {
                key: (
                    f"#/components/schemas/DataInclusion{value.removeprefix('#/$defs/')}"
                    if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
                    else rewrite(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    schemas = {}
    for kind in ("structure", "service"):
        schema = json.loads((DATA_DIR / "schema" / f"{kind}.json").read_text(encoding="utf-8"))
        schema.pop("$schema", None)
        for name, definition in schema.pop("$defs", {}).items():
            schemas[f"DataInclusion{name}"] = rewrite(definition)
        schemas[f"DataInclusion{kind.capitalize()}"] = {
            **rewrite(schema),
            "description": f"data·inclusion v1 {kind} (schéma officiel)",
        }
    return schemas


# ---- the loader -----------------------------------------------------------------------------------


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's when there: ten times faster
    """The safe loader plus one tag: `!computed <name>`, the value COMPUTED[name] returns."""


def _construct_computed(loader: _Loader, node: yaml.Node):
    name = loader.construct_scalar(node)
    if name not in COMPUTED:
        raise yaml.constructor.ConstructorError(None, None, f"unknown !computed value {name!r}", node.start_mark)
    return COMPUTED[name]()


_Loader.add_constructor("!computed", _construct_computed)


def _read(name: str) -> dict:
    with open(Path(__file__).parent / name, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 (a SafeLoader with one more tag)


def _add(into: dict, items: dict, where: str) -> None:
    if clash := into.keys() & items.keys():
        raise ValueError(f"{where}: {sorted(clash)} described twice")
    into.update(items)


@functools.cache
def document() -> dict:
    """The whole document: the frame (PARTS[0]), each part's tags, paths and components, and the
    data·inclusion schemas."""
    merged = _read(PARTS[0])
    for name in PARTS[1:]:
        part = _read(name)
        if unexpected := part.keys() - {"tags", "paths", "components"}:
            raise ValueError(f"{name}: a part holds tags, paths and components only, not {sorted(unexpected)}")
        merged["tags"].extend(part.get("tags", []))
        _add(merged["paths"], part.get("paths", {}), f"{name} paths")
        for kind, items in part.get("components", {}).items():
            _add(merged["components"].setdefault(kind, {}), items, f"{name} components/{kind}")
    _add(merged["components"]["schemas"], _data_inclusion_schemas(), "data·inclusion schemas")
    return merged


def resolve(node: dict) -> dict:
    """`node` itself, or the component its `$ref` points at (parameters, responses and headers shared
    by several operations are written once, in the components)."""
    while "$ref" in node:
        if not node["$ref"].startswith("#/"):
            raise ValueError(f"only references inside the document are followed: {node['$ref']}")
        target = document()
        for key in node["$ref"].removeprefix("#/").split("/"):
            target = target[key]
        node = target
    return node


class Operation(NamedTuple):
    path: str  # as the document writes it: without /api/v1, `{name}` for a path parameter
    method: str  # lower case, as the document writes it
    operation: dict  # its parameters resolved


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Every operation of the document, in its order, with the shared parameters it refers to in place."""
    return tuple(
        Operation(path, method, {**operation, "parameters": [resolve(p) for p in operation.get("parameters", ())]})
        for path, item in document()["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    )


@functools.cache
def _operations_by_route() -> dict[tuple[str, str], dict]:
    return {(path, method): operation for path, method, operation in operations()}


# ---- validation -----------------------------------------------------------------------------------


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents({"$schema": "https://json-schema.org/draft/2020-12/schema", **document()})
    )


def body_errors(schema_name: str, body) -> list[dict]:
    """[{field, detail}] where `body` does not follow the named schema of the document."""
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#/components/schemas/{schema_name}"},
        registry=_registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    errors = []
    for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
        field = "/".join(str(part) for part in error.absolute_path) or None
        errors.append({"field": field, "detail": error.message[:300]})
    return errors[:20]


def _coerce(value: str, schema: dict):
    kind = schema.get("type")
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            return value  # left as text: the validation says it is not an integer
    return value


def query_errors(path: str, method: str, args) -> list[dict]:
    """[{field, detail}] for the query parameters of `args` that break the document's parameter schemas."""
    operation = _operations_by_route().get((path, method.lower()))
    if operation is None:
        return []  # not an operation of the document: tests/api/test_openapi.py sees that there is none
    declared = [parameter for parameter in operation["parameters"] if parameter["in"] == "query"]
    known = {parameter["name"] for parameter in declared}
    errors = [{"field": name, "detail": "paramètre inconnu / unknown parameter"} for name in args if name not in known]
    for parameter in declared:
        if parameter["name"] not in args:
            continue
        schema = parameter["schema"]
        for value in args.getlist(parameter["name"]):
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            for error in validator.iter_errors(_coerce(value, schema)):
                errors.append({"field": parameter["name"], "detail": error.message[:300]})
    return errors
