"""What agents look for and do not find: directory searches kept without personal data; needs left open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.people.models import Need
from orientation.pilotage import searches
from orientation.pilotage.models import DirectorySearch
from tests.directory import builders as directory_builders
from tests.pilotage.test_pages import _csv
from tests.referrals import builders as referral_builders

MOBILITE = "mobilite--financer-ma-mobilite"  # nothing in the directory serves it in these tests
ORANGE = "84087"


def _kept() -> list[DirectorySearch]:
    return list(db.session.scalars(sa.select(DirectorySearch).order_by(DirectorySearch.id)))


def test_a_search_is_kept_with_its_criteria_and_results_but_not_its_words_nor_its_author(logged_in, make):
    directory_builders.service("Permis solidaire", thematiques=["mobilite--preparer-un-permis"], zones=["84"])
    client = logged_in(make.agent())
    before = len(_kept())
    assert client.get("/annuaire/").status_code == 200  # the bare page: not a search
    assert client.get(f"/annuaire/?q=Dupont+Marie&thematique={MOBILITE}&commune={ORANGE}").status_code == 200
    assert client.get(f"/annuaire/?thematique={MOBILITE}&commune={ORANGE}&page=2").status_code == 200  # same search
    kept = _kept()[before:]
    assert len(kept) == 1
    search = kept[0]
    assert (search.volet, search.thematique, search.commune_code) == (Volet.MOBILITE, MOBILITE, ORANGE)
    assert search.results == 0 and search.with_text is True and search.searched_on == clock.now().date()
    stored = " ".join(str(value) for value in db.session.execute(sa.select(DirectorySearch.__table__)).all())
    assert "Dupont" not in stored and "Marie" not in stored
    columns = {column.name for column in DirectorySearch.__table__.columns}
    assert not columns & {"user_id", "organisation_id", "person_id", "text", "q"}


def test_searches_are_forgotten_after_13_months():
    with clock.frozen(datetime(2026, 12, 7, 9, tzinfo=UTC)):
        for day in (date(2025, 10, 31), date(2025, 11, 1), date(2026, 12, 1)):
            db.session.add(DirectorySearch(searched_on=day, filters={}, with_text=False, results=3))
        db.session.flush()
        assert searches.forget_old() >= 1
    assert date(2025, 10, 31) not in {search.searched_on for search in _kept()}
    assert {date(2025, 11, 1), date(2026, 12, 1)} <= {search.searched_on for search in _kept()}


def _search(volet: Volet | None, results: int, commune: str | None = ORANGE, thematique: str | None = None):
    db.session.add(
        DirectorySearch(
            searched_on=clock.now().date(),
            volet=volet,
            thematique=thematique,
            commune_code=commune,
            filters={},
            with_text=False,
            results=results,
        )
    )


def test_the_coordination_sees_searches_without_results_by_volet_epci_and_thematique(world, logged_in):
    for _ in range(6):
        _search(Volet.MOBILITE, 0, thematique=MOBILITE)
    for _ in range(5):
        _search(Volet.MOBILITE, 1)
    for _ in range(7):
        _search(Volet.NUMERIQUE, 12)
    _search(Volet.SANTE, 12)  # a single search: hidden, and one more (the smallest) with it
    db.session.flush()
    client = logged_in(world.coordinator)
    volets = {row["Volet"]: row for row in _csv(client.get("/pilotage/export/recherches-volets.csv"))}
    assert volets["Mobilité"]["Recherches"] == "11" and volets["Mobilité"]["Sans résultat"] == "6"
    assert volets["Mobilité"]["De 1 à 2 résultats"] == "5"
    assert volets["Numérique"]["Sans résultat"] == "0" and volets["Santé"]["Recherches"] == "< 5"
    assert volets["Numérique"]["Recherches"] == "masqué"
    epci = _csv(client.get("/pilotage/export/recherches-epci.csv"))
    assert [row["Recherches"] for row in epci if row["EPCI"] == "CC Pays d'Orange en Provence"] == ["19"]
    unanswered = _csv(client.get("/pilotage/export/recherches-sans-resultat.csv"))
    assert unanswered[0]["Recherches sans résultat"] == "6" and "financer" in unanswered[0]["Thématique"].lower()
    page = client.get("/pilotage/").get_data(as_text=True)
    assert "Ce que les agents cherchent sans le trouver" in page
    manager_page = logged_in(world.manager).get("/pilotage/").get_data(as_text=True)
    assert "Ce que les agents cherchent sans le trouver" not in manager_page  # the coordination's only


def test_needs_still_open_after_30_and_90_days(world, logged_in):
    person = referral_builders.person(world.sender_org, user=world.sender, commune_code=ORANGE)
    ages = [0] * 2 + [40] * 5 + [100] * 6
    for age in ages:
        need = referral_builders.need(person, Volet.SANTE, user=world.sender)
        db.session.execute(
            sa.update(Need).where(Need.id == need.id).values(created_at=clock.now() - timedelta(days=age))
        )
    db.session.flush()
    client = logged_in(world.coordinator)
    volets = {row["Volet"]: row for row in _csv(client.get("/pilotage/export/besoins-anciens-volets.csv"))}
    assert volets["Santé"]["dont depuis plus de 30 jours"] == "11"
    assert volets["Santé"]["dont depuis plus de 90 jours"] == "6"
    assert int(volets["Santé"]["Ouverts"]) >= 13
    epci = {row["EPCI"]: row for row in _csv(client.get("/pilotage/export/besoins-anciens-epci.csv"))}
    assert epci["CC Pays d'Orange en Provence"]["dont depuis plus de 90 jours"] == "6"


def test_a_search_that_cannot_be_kept_still_answers(logged_in, make):
    """The pilotage's record is a side note: the agent gets the results whatever happens to it."""
    client = logged_in(make.agent())
    db.session.execute(sa.text("ALTER TABLE pilotage_directory_searches RENAME TO gone"))  # rolled back after
    response = client.get(f"/annuaire/?thematique={MOBILITE}")
    assert response.status_code == 200 and "Aucun service" in response.get_data(as_text=True)
