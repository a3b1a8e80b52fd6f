"""Walking the app's URL map as one role: build each URL from the world, send, check the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask

from orientation.extensions import db
from tests.conftest import FormClient, csrf_token_from
from tests.security.access_rules import DENIED, LOGIN, RULES, SHARED_KEYS, Rule
from tests.security.world import ANONYMOUS, LINK_HOLDER, OTHER_SIDE_SECRETS, World

LOGIN_PATH = "/connexion"


@dataclass
class Target:
    """One request of the matrix: an endpoint and method, on one side's objects."""

    endpoint: str
    method: str
    side: str  # "own", "other", or "shared" (the URL names no organisation's object)
    url: str
    ids: dict
    user: object | None
    rule: Rule
    role: str

    def form_data(self, **overrides) -> dict:
        data = {name: value(self) if callable(value) else value for name, value in self.rule.data.items()}
        data.update(overrides)
        return data

    def allowed(self, role: str) -> bool:
        return role in (self.rule.other if self.side == "other" else self.rule.own)

    def __str__(self) -> str:
        return f"{self.method} {self.url} [{self.endpoint}, {self.side}]"


def _world_key(rule: Rule, argument: str) -> str:
    return rule.params.get(argument, argument)


def targets(app: Flask, world: World, role: str, *, methods=("GET", "POST")) -> list[Target]:
    """Every (rule, method, side) of the URL map, with its URL built from the world's ids."""
    user = None if role == ANONYMOUS else world.user(role)
    adapter = app.url_map.bind("orientation.test")
    found = []
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        rule = RULES[url_rule.endpoint]
        keys = [_world_key(rule, argument) for argument in url_rule.arguments] + list(rule.query.values())
        sides = ("own", "other") if any(key not in SHARED_KEYS for key in keys) else ("shared",)
        for side in sides:
            ids = {**world.shared_ids, **world.side("own" if side == "shared" else side).ids}
            missing = [key for key in keys if key not in ids]
            assert not missing, f"{url_rule.endpoint}: no world object for {missing} (see tests/security/world.py)"
            values = {argument: ids[_world_key(rule, argument)] for argument in url_rule.arguments}
            values.update({name: ids[key] for name, key in rule.query.items()})
            url = adapter.build(url_rule.endpoint, values)
            for method in sorted(url_rule.methods & set(methods)):
                found.append(Target(url_rule.endpoint, method, side, url, ids, user, rule, role))
    return found


class Visitor:
    """A client acting as one role; every request is rolled back (a savepoint) and leaves cookies as they were."""

    def __init__(self, app: Flask, world: World, role: str):
        self.role = role
        self.client = FormClient(app.test_client())
        anonymous = role in (ANONYMOUS, LINK_HOLDER)
        if role == LINK_HOLDER:
            prove_link(self.client, world.own.ids["link_token"], app.extensions["mailman"].outbox)
        elif not anonymous:
            self.client.login(world.user(role).email)
        self.token = csrf_token_from(self.client.get(LOGIN_PATH if anonymous else "/").get_data(as_text=True))

    def send(
        self, target: Target, data: dict | None = None, *, csrf: bool = True, keep: bool = False, before_rollback=None
    ):
        """`before_rollback(response)` sees the database as the request left it."""
        flask_client = self.client.client
        cookies = dict(flask_client._cookies)
        savepoint = None if keep else db.engines[None].begin_nested()
        try:
            if target.method == "GET":
                return self.client.get(target.url)
            payload = target.form_data() if data is None else data
            if csrf:
                payload = {**payload, "csrf_token": self.token}
            response = self.client.post(target.url, data=payload)
            if before_rollback is not None:
                before_rollback(response)
            return response
        finally:
            if savepoint is not None:
                savepoint.rollback()
            flask_client._cookies = cookies


def prove_link(client, token: str, outbox) -> None:
    """Open the receiver link `token`, ask its code and type it (read from the e-mail): the link holder."""
    path = f"/lien/{token}"
    csrf = csrf_token_from(client.get(path).get_data(as_text=True))
    assert client.post(path + "/code", data={"csrf_token": csrf}).status_code == 302
    code = next(CODE.search(m.subject).group(1) for m in reversed(outbox) if CODE.search(m.subject))
    response = client.post(path, data={"csrf_token": csrf, "code": code})
    assert response.status_code == 302 and "/lien/orientation/" in response.location


CODE = re.compile(r"\bcode\b.*\b(\d{6})\b")


def problem(target: Target, role: str, response) -> str | None:
    """What is wrong with this answer, or None."""
    status, location = response.status_code, response.headers.get("Location", "")
    body = response.get_data(as_text=True)
    leaked = [secret for secret in OTHER_SIDE_SECRETS if secret in body]
    if status >= 500:
        return f"{target} as {role}: {status}"
    if leaked:
        return f"{target} as {role}: shows the other organisation's person ({leaked})"
    if role == ANONYMOUS and target.rule.anonymous == LOGIN:
        if status != 302 or LOGIN_PATH not in location:
            return f"{target} as anonymous: {status} {location}, expected the login page"
        return None
    if role == ANONYMOUS and target.rule.anonymous == DENIED:
        return None if status in (401, 403) else f"{target} as anonymous: {status}, expected 401/403"
    if target.allowed(role):
        expected = ({200, 302} if target.method == "GET" else {200, 302, 400, 409}) | target.rule.also
        if status not in expected:
            return f"{target} as {role}: {status}, expected {sorted(expected)} (allowed)"
        if status == 302 and LOGIN_PATH in location and not target.rule.login_redirect_ok:
            return f"{target} as {role}: sent to the login page although allowed"
        return None
    refused = (401, 403, 404) if target.rule.api else (403, 404)  # an API: a session is no credential (401)
    if status not in refused:
        return f"{target} as {role}: {status} {location}, expected {'/'.join(map(str, refused))} (not allowed)"
    return None


# Reads of a file are logged even when the form is refused (the page shown again names the person),
# a refused login is itself a security event, and reading the sent list records the visit (the home
# counts what moved since).
UNTRACKED_TABLES = {  # logs kept by reads
    "person_access_logs",
    "security_events",
    "pilotage_directory_searches",
    "sent_list_visits",
}


def database_fingerprint() -> dict[str, str]:
    """A digest of every table's rows (one query): equal before and after means nothing was written."""
    rows = "md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
    names = [table.name for table in db.metadata.sorted_tables if table.name not in UNTRACKED_TABLES]
    selects = [f"SELECT '{name}', count(*) || ':' || {rows} FROM \"{name}\" t" for name in names]  # noqa: S608
    return dict(db.engines[None].exec_driver_sql(" UNION ALL ".join(selects)).all())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def first_allowed_role(target_rule: Rule, roles) -> str | None:
    """The first of `roles` allowed, else the link holder when the endpoint is its own."""
    return next((role for role in (*roles, LINK_HOLDER) if role in target_rule.own), None)
