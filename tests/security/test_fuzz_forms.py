"""Hypothesis fuzzing of every form posted in the app, and of the search pages' query strings: any text
(control characters, NUL, very long, digits the database cannot hold) never gives a 500, and a form shown
again (refused input) leaves the database as it was: nothing half-saved."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.forms import fields_of, form_classes
from tests.security.walk import Visitor, changed_tables, database_fingerprint, first_allowed_role, targets
from tests.security.world import ANONYMOUS, ROLES, build_world

# Deterministic and bounded: the whole security suite stays under three minutes.
FUZZ = settings(
    derandomize=True, deadline=None, max_examples=12, database=None, suppress_health_check=list(HealthCheck)
)
SPECIAL = [
    "\x00",
    "a\x00b",
    "",
    " ",
    "\r\n",
    "\u202e",
    "\ufeff",
    "𝕏",
    "²",
    "-1",
    "0",
    "99999999999999999999",
    "1e308",
    "NaN",
    "2024-02-30",
    "31/12/9999",
    "25:61",
    "../../etc/passwd",
    "%00",
    "<",
    "'",
    "\\",
]
TEXT = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=60),  # any code point but surrogates: control characters and NUL included
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),
    st.builds(lambda char, count: char * count, st.characters(), st.integers(300, 12_000)),
)
SEARCH_PAGES = [
    (
        "agent_edes",
        "/annuaire/",
        [
            "q",
            "volet",
            "thematique",
            "commune",
            "public",
            "frais",
            "distance",
            "lat",
            "lon",
            "page",
            "orientable",
            "ouvert",
        ],
    ),
    ("agent_edes", "/personnes/", ["q"]),
    ("mediateur", "/orientations/recues", ["onglet", "volet", "urgence", "page"]),
    ("agent_edes", "/orientations/nouvelle", ["personne", "service", "besoin"]),
    ("detecteur", "/cpam/saisine", ["personne"]),
    ("coordination", "/structures/", ["q"]),
    ("coordination", "/securite/journal", ["type", "echecs", "compte", "du", "au", "page"]),
    ("responsable", "/journal-des-acces/", ["par", "action", "du", "au", "hors_structure", "page"]),
]


def _check_form(visitor, target, problems: list) -> None:
    names = sorted(set(fields_of(form_classes()[target.rule.form])) | set(target.rule.data))
    base = target.form_data()
    # Each field: its valid value, any text, or absent (a forged request need not post every field).
    values = st.fixed_dictionaries(
        {
            name: st.one_of(st.just(base[name]), TEXT, st.none()) if name in base else st.one_of(TEXT, st.none())
            for name in names
        }
    )

    before = database_fingerprint()  # every example is rolled back: the same state each time

    @FUZZ
    @given(values)
    def fuzz(data):
        def inspect(response):
            if response.status_code in (302, 303) or (target.rule.created_page and response.status_code == 200):
                return  # accepted: what was written is what the answer says
            changed = changed_tables(before, database_fingerprint())
            assert not changed, f"{target}: {response.status_code} but tables changed: {changed}"

        response = visitor.send(target, {k: v for k, v in data.items() if v is not None}, before_rollback=inspect)
        assert response.status_code < 500, f"{target}: {response.status_code}"

    try:
        fuzz()
    except Exception as error:  # noqa: BLE001 (collect every form's first failure, then report them all)
        problems.append(f"{target} as {visitor.role}: {type(error).__name__}: {str(error)[:600]}")


@pytest.mark.timeout(900)  # every form of the app, a dozen examples each: it grows with the app
def test_fuzzed_forms_never_fail_nor_half_save(app):
    world = build_world()
    visitors, problems = {}, []
    posts = [t for t in targets(app, world, ANONYMOUS, methods=("POST",)) if t.side != "other" and t.rule.form]
    for post in posts:
        role = ANONYMOUS if ANONYMOUS in post.rule.own else first_allowed_role(post.rule, ROLES)
        visitor = visitors.get(role) or visitors.setdefault(role, Visitor(app, world, role))
        target = next(
            t
            for t in targets(app, world, role, methods=("POST",))
            if (t.endpoint, t.side) == (post.endpoint, post.side)
        )
        _check_form(visitor, target, problems)
    assert not problems, "\n".join(problems)


def _check_search(visitor, path: str, arguments: list[str], defaults: dict, problems: list) -> None:
    @FUZZ
    @given(st.fixed_dictionaries({}, optional={name: TEXT for name in arguments}))
    def fuzz(query):
        response = visitor.client.get(path, query_string={**defaults, **query})
        assert response.status_code in (200, 400, 403, 404), f"{path}?{query}: {response.status_code}"

    try:
        fuzz()
    except Exception as error:  # noqa: BLE001
        problems.append(f"{path} as {visitor.role}: {type(error).__name__}: {str(error)[:600]}")


def test_fuzzed_search_pages_never_fail(app):
    world = build_world()
    problems = []
    for role, path, arguments in SEARCH_PAGES:
        defaults = {"personne": str(world.own.ids["person_id"])} if path == "/orientations/nouvelle" else {}
        _check_search(Visitor(app, world, role), path, arguments, defaults, problems)
    assert not problems, "\n".join(problems)
