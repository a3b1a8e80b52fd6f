"""SQL injection strings in every search box and list filter: never a 500, never more rows than a
value that matches nothing, never a write."""

from __future__ import annotations

import pytest

from orientation.directory.text import query_words
from tests.security.walk import changed_tables, database_fingerprint
from tests.security.world import AGENT_EDES, CONSEILLER_CPAM, COORDINATION, DETECTEUR, MEDIATEUR, build_world

INJECTIONS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "1' OR '1'='1' /*",
    "'; DROP TABLE people; --",
    "1; DELETE FROM orientations",
    "' UNION SELECT id, email, password_hash FROM users --",
    "%",
    "_",
    "%' OR name LIKE '%",
    "\\",
    "\\'",
    "')) OR ((1=1",
    "1 OR 1=1",
    "-1",
    "99999999999999999999",
    "$1",
    ":param",
    "{{7*7}}",
    "' AND (SELECT pg_sleep(0)) IS NULL --",
    "é' OR 'é'='é",
]
# Filters (lists of values, numbers) get the classic strings; text searches get them all.
NOTHING = "zzqxj"  # matches nothing, as a text and as a filter value

# (role, path, parameters): every GET page that filters or searches.
SEARCHES = [
    (
        AGENT_EDES,
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
    (AGENT_EDES, "/personnes/", ["q"]),
    (AGENT_EDES, "/orientations/envoyees", ["etat", "volet", "page"]),
    (MEDIATEUR, "/orientations/recues", ["onglet", "volet", "urgence", "page"]),
    (CONSEILLER_CPAM, "/cpam/file", ["onglet", "page"]),
    (DETECTEUR, "/cpam/signalements", ["etat", "page"]),
    (COORDINATION, "/structures/", ["q"]),
    (COORDINATION, "/cpam/tableau-de-bord", ["format"]),
    (AGENT_EDES, "/sante/medecin-traitant", ["page"]),
]
# Searches by words: a query with no word in it ("%", "\\") is no text filter, like an empty one.
WORD_SEARCHES = {("/annuaire/", "q")}
# Rows that a search could leak: names seeded in the world, on both sides.
MARKERS = [
    "Durand",
    "Pereira",
    "Xanthopoulos",
    "Zarkadakis",
    "Aide numérique A",
    "Aide numérique B",
    "Accueil social A",
    "Accueil social B",
    "EDeS A",
    "EDeS B",
    "CCAS B",
    "Anna",
]


@pytest.fixture
def world(app, monkeypatch):
    # The directory's rate limit per address (tests/auth/test_rate_limits.py) would stop the attack
    # halfway: this test is about what the queries do with the strings, so it sends them all.
    monkeypatch.setitem(app.config, "RATELIMIT_DIRECTORY_SEARCH", "10000 per minute")
    return build_world()


def _markers(body: str) -> set[str]:
    return {marker for marker in MARKERS if marker in body}


@pytest.mark.parametrize(("role", "path", "parameters"), SEARCHES, ids=[path for _r, path, _p in SEARCHES])
def test_injection_strings_in_searches_and_filters(app, world, logged_in, role, path, parameters):
    client = logged_in(world.user(role))
    before = database_fingerprint()
    problems = []
    for parameter in parameters:
        baseline = client.get(path, query_string={parameter: NOTHING})
        assert baseline.status_code == 200, (parameter, baseline.status_code)
        expected = _markers(baseline.get_data(as_text=True))
        unfiltered = _markers(client.get(path, query_string={parameter: ""}).get_data(as_text=True))
        for injection in INJECTIONS if parameter == "q" else INJECTIONS[:4] + INJECTIONS[7:11]:
            response = client.get(path, query_string={parameter: injection})
            wordless = (path, parameter) in WORD_SEARCHES and not query_words(injection)
            extra = _markers(response.get_data(as_text=True)) - (unfiltered if wordless else expected)
            if response.status_code != 200 or extra:
                problems.append(f"{path}?{parameter}={injection!r}: {response.status_code}, extra rows {extra}")
    assert not problems, "\n".join(problems)
    assert not changed_tables(before, database_fingerprint())


def test_wildcards_are_literal_in_organisation_search(world, logged_in):
    client = logged_in(world.coordinator)
    assert "EDeS B" in client.get("/structures/", query_string={"q": "edes b"}).get_data(as_text=True)
    for wildcard in ("%", "_", "E_eS", "%B"):
        assert "EDeS B" not in client.get("/structures/", query_string={"q": wildcard}).get_data(as_text=True)


def test_wildcards_are_literal_in_people_search(world, logged_in):
    client = logged_in(world.user(AGENT_EDES))
    assert "Durand" in client.get("/personnes/", query_string={"q": "dura"}).get_data(as_text=True)
    for wildcard in ("%", "_", "%%", "D_rand", "%rand"):
        assert "Durand" not in client.get("/personnes/", query_string={"q": wildcard}).get_data(as_text=True)
