"""Every page each role can reach reads as French: no code, no English, no raw value reaches the text.

The crawl reuses the access matrix's world and walk (tests/security): every GET URL of the app built
from the world's objects, for every logged-in role, on its own organisation's objects. What counts is
the text a reader sees: <script> and <style> are left out, and so are attributes (ids, classes, URLs).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from tests.security.walk import Visitor, targets
from tests.security.world import ANONYMOUS, MEMBERS, build_world

# Leaks, each with why it is wrong. Each pattern is narrow enough to never match correct French.
LEAKS = {
    "endpoint name": re.compile(
        r"(?<![\w/@.-])(?:people|referrals|cpam|rgpd|rgpd_structure|attachments|directory|organisations|auth|main"
        r"|pilotage|links|ops|notifications)\.[a-z_]+(?![\w.@/-])"
    ),
    "column or code name": re.compile(r"(?<![\w@./-])[a-z]+_[a-z_]*[a-z](?![\w@./-])"),
    "Python value": re.compile(r"\b(?:None|True|False|nan|NaN|undefined)\b"),
    "ISO date": re.compile(r"(?<![\w/-])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?(?![\w/-])"),
    # (a version after a name in capitals is right: « RGAA 4.1 », « HSDS 3.0 »)
    "decimal point": re.compile(r"(?<![A-Z] )(?<![\w./:-])\d+\.\d+(?![\w.%/-])"),
    "English": re.compile(
        r"\b(?:Traceback|Exception|Internal Server Error|Not Found|Forbidden|This field is required|Not a valid"
        r"|Invalid value|Submit|Loading|Search|Cancel|Delete|Save)\b"
    ),
}


class VisibleText(HTMLParser):
    """The text nodes of a page, outside <script>, <style> and <template>."""

    SKIPPED = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def leaks_in(text: str) -> list[str]:
    found = []
    for what, pattern in LEAKS.items():
        for match in pattern.finditer(text):
            start = max(0, match.start() - 40)
            found.append(f"{what}: «{match.group(0)}» in …{text[start : match.end() + 40]!r}…")
    return found


def test_the_patterns_catch_leaks_and_spare_french():
    assert leaks_in("Consultation de referrals.show — champs closed_at, status")
    assert leaks_in("Référent : None") and leaks_in("envoyée le 2026-12-01") and leaks_in("à 2.9 km")
    correct = (
        "Envoyée le 1er décembre 2026 à 09:30 par jeanne.martin@edes.test, à 2,4 km ; 12 % ; "
        "tél. 04.90.12.34.56 ; depuis 127.0.0.1 (Mozilla/5.0) ; data·inclusion v1.0.8 ; sante--acces-aux-soins ; "
        "RGAA 4.1"
    )
    assert leaks_in(correct) == []


# Pages whose subject is the code itself: the API's documentation (field and parameter names are what a
# developer types), and the RGPD export (article 15: the tables and columns as stored, verbatim).
VERBATIM = {"api.docs", "rgpd.export"}


@pytest.fixture
def world(app):
    return build_world()


@pytest.mark.parametrize("role", [*sorted(MEMBERS), ANONYMOUS])
def test_every_page_a_role_reaches_reads_as_french(app, world, role):
    visitor = Visitor(app, world, role)
    problems = []
    for target in targets(app, world, role, methods=("GET",)):
        if target.side == "other" or target.endpoint == "static" or target.endpoint in VERBATIM:
            continue
        response = visitor.send(target)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        problems += [f"{target.url}: {leak}" for leak in leaks_in(visible_text(response.get_data(as_text=True)))]
    assert not problems, "\n".join(problems)


def test_pages_elide_and_take_the_article_of_the_structure(make, logged_in):
    client = logged_in(make.agent(make.organisation("EDeS d'Orange")))
    home = html.unescape(client.get("/").get_data(as_text=True))
    assert "en tant qu'agent" in home and "en tant que agent" not in home
    people = html.unescape(client.get("/personnes/").get_data(as_text=True))
    assert "Les fiches de l'EDeS d'Orange." in people
