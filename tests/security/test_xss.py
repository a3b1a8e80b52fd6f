"""Stored and reflected XSS: payloads in every free-text field of every form (found from the WTForms
classes), submitted where the form is posted, then every page of every role is read: the payloads
appear escaped, never as markup."""

from __future__ import annotations

import html
import itertools
import re
from urllib.parse import urlencode

import pytest

from tests.directory import builders as directory_builders
from tests.security.access_rules import NOT_POSTED_FORMS, RULES
from tests.security.forms import form_classes, free_text_fields, plain_text_fields
from tests.security.walk import Visitor, first_allowed_role, targets
from tests.security.world import ANONYMOUS, MEMBERS, ROLES, build_world

PAYLOADS = [
    '<script>alert("{marker}")</script>',
    '"><img src=x onerror=alert("{marker}")>',
    "'><svg onload=alert('{marker}')>",
]
RAW = re.compile(r"<script>alert\(|<img src=x onerror|<svg onload|href=\"\s*javascript:", re.IGNORECASE)
LINK = re.compile(r'href="(/[^"#]*)')
NOT_FOLLOWED = ("/static/", "/deconnexion")
MAX_LINKED_PAGES = 40  # per role, on top of every endpoint of the matrix
# Submitted last: they end what other forms act on (the consent, the orientation, the case).
LAST = ["referrals.change_status", "cpam.close", "people.withdraw_consent"]
# Query arguments the pages read, filled with payloads to catch reflection.
REFLECTED_ARGUMENTS = [
    "q",
    "next",
    "page",
    "onglet",
    "etat",
    "volet",
    "urgence",
    "personne",
    "service",
    "besoin",
    "commune",
    "thematique",
    "format",
]
# Plain-text fields stored but shown on no page (the XSS walk cannot check them; product notes).
NOT_RENDERED = {"AppointmentForm.note", "ConsentForm.purpose", "WithdrawConsentForm.note"}
# One-time codes of the second factor: checked, never stored nor shown again.
NOT_RENDERED |= {"SecondFactorForm.code", "DisableTotpForm.code", "LinkCodeForm.code"}  # and a receiver link's
# The send form's service search: never stored (shown again only with its results, when « Chercher » is pressed).
NOT_RENDERED |= {"SendOrientationForm.service_search"}
ERROR_ID = re.compile(r'id="([\w-]+)-error"')


@pytest.fixture
def world(app):
    return build_world()


def test_every_form_with_free_text_is_attacked():
    posted = {rule.form for rule in RULES.values()}
    untested = sorted(
        name for name, cls in form_classes().items() if free_text_fields(cls) and name not in posted | NOT_POSTED_FORMS
    )
    assert not untested, f"forms with free text that no rule in access_rules.py posts (give `form=`): {untested}"


class Markers:
    def __init__(self):
        self._numbers = itertools.count(1)
        self.fields: dict[str, str] = {}  # marker → "Form.field"

    def payload(self, where: str) -> str:
        number = next(self._numbers)
        marker = f"xss{number:03d}q"
        self.fields[marker] = where
        return PAYLOADS[number % len(PAYLOADS)].format(marker=marker)


def _raw_markup(body: str) -> list[str]:
    return [body[max(match.start() - 40, 0) : match.end() + 40] for match in RAW.finditer(body)]


def _crawl(app, world, visitor, reflected: str):
    """Every GET endpoint the role may reach (also with payloads in the query string), then the links found."""
    start = [
        t.url
        for t in targets(app, world, visitor.role, methods=("GET",))
        if t.side != "other" and t.allowed(visitor.role) and t.endpoint != "static"
    ]
    queue = start + [url + ("&" if "?" in url else "?") + reflected for url in start]
    visited, linked = set(queue), 0
    while queue:
        url = queue.pop(0)
        response = visitor.client.get(url)
        if response.mimetype != "text/html":
            yield url, response
            continue  # no page: no links to follow
        body = response.get_data(as_text=True)
        yield url, response
        for link in LINK.findall(body):
            link = html.unescape(link)
            if link not in visited and not link.startswith(NOT_FOLLOWED) and linked < MAX_LINKED_PAGES:
                visited.add(link)
                queue.append(link)
                linked += 1


def _submit_with_payloads(visitor, target, markers: Markers, problems: list) -> str:
    """Payloads in every free-text field; fields the form refuses get their valid value back, and again."""
    form_class = form_classes()[target.rule.form]
    attacked = set(free_text_fields(form_class))
    bodies = ""
    for _attempt in range(4):
        data = target.form_data(**{name: markers.payload(f"{target.rule.form}.{name}") for name in attacked})
        response = visitor.send(target, data, keep=True)
        body = response.get_data(as_text=True)
        bodies += body
        if response.status_code >= 500 or _raw_markup(body):
            problems.append(f"{target}: {response.status_code}, raw markup {_raw_markup(body)[:2]}")
        if response.status_code != 400:
            break
        refused = attacked & set(ERROR_ID.findall(body)) or attacked - set(plain_text_fields(form_class))
        if not refused:
            break
        attacked -= refused
    return bodies


def test_payloads_are_escaped_wherever_they_show(app, world):
    imported = Markers()  # open data imported into the directory is text from outside too
    structure = directory_builders.structure(imported.payload("import.structure"), site_web="javascript:alert(1)")
    directory_builders.service(
        imported.payload("import.name"),
        description=imported.payload("import.description"),
        structure_=structure,
        thematiques=["numerique--acceder-a-des-services-en-ligne"],
        zones=["84"],
        lien_mobilisation="javascript:alert(1)",
        accessibilite_lieu="JavaScript:alert(1)",
        telephone=imported.payload("import.phone"),
    )
    markers, problems, visitors, submitted_bodies = Markers(), [], {}, ""
    posts = [
        t
        for t in targets(app, world, ANONYMOUS, methods=("POST",))
        if t.side != "other" and t.rule.form and free_text_fields(form_classes()[t.rule.form])
    ]
    posts.sort(key=lambda t: LAST.index(t.endpoint) + 1 if t.endpoint in LAST else 0)
    for post in posts:
        role = ANONYMOUS if ANONYMOUS in post.rule.own else first_allowed_role(post.rule, ROLES)
        visitor = visitors.get(role) or visitors.setdefault(role, Visitor(app, world, role))
        target = next(
            t
            for t in targets(app, world, role, methods=("POST",))
            if (t.endpoint, t.side) == (post.endpoint, post.side)
        )
        submitted_bodies += _submit_with_payloads(visitor, target, markers, problems)

    seen = {marker for marker in markers.fields if marker in submitted_bodies}
    reflected = urlencode({name: markers.payload(f"?{name}") for name in REFLECTED_ARGUMENTS})
    for role in sorted(MEMBERS | {ANONYMOUS}):
        visitor = Visitor(app, world, role)  # logged in afresh: the submissions may have switched accounts
        for url, response in _crawl(app, world, visitor, reflected):
            status = response.status_code
            if response.mimetype != "text/html":
                # JSON (the API, the RGPD export), CSV, XLSX and PDF carry the text as data, unescaped: a
                # browser never renders them as a page, provided it is told not to guess the type.
                if status >= 500 or response.headers.get("X-Content-Type-Options") != "nosniff":
                    problems.append(f"GET {url[:150]} as {role}: {status} {response.mimetype} without nosniff")
                continue
            body = response.get_data(as_text=True)
            seen |= {marker for marker in (*markers.fields, *imported.fields) if marker in body}
            if status >= 500 or _raw_markup(body):
                problems.append(f"GET {url[:150]} as {role}: {status}, raw markup {_raw_markup(body)[:2]}")
    assert not problems, "\n".join(problems)
    assert set(imported.fields) <= seen, "the imported service's payloads were shown nowhere"
    shown = {markers.fields[marker] for marker in seen}
    plain = {
        f"{target.rule.form}.{name}" for target in posts for name in plain_text_fields(form_classes()[target.rule.form])
    }
    never = sorted(plain - shown - NOT_RENDERED)
    assert not never, f"free text stored but shown on no page reached (declare it in NOT_RENDERED if right): {never}"
