"""search_services: words, filters, territory coverage, distance, bad input."""

from datetime import UTC, datetime

import pytest

from orientation.directory.models import Frais
from orientation.directory.queries import SearchParams, search_services
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.territory.models import Commune
from tests.directory import builders

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"
SANTE = "sante--acces-aux-soins"
MOBILITE = "mobilite--preparer-un-permis"


def names(result):
    return [hit.service.name for hit in result.items]


@pytest.fixture
def directory(app):
    builders.service(
        "Démarches administratives en ligne",
        thematiques=[NUMERIQUE],
        commune_code="84007",
        description="Aide pour ameli, la CAF et les impôts.",
        frais=Frais.GRATUIT,
        publics=["seniors"],
        horaires_accueil="Mo-Fr 09:00-12:00",
    )
    builders.service(
        "Médiation numérique itinérante",
        thematiques=[NUMERIQUE],
        commune_code="84031",
        description="Un bus numérique passe dans les villages.",
        courriel="bus.numerique@example.org",  # no organisation: reached by e-mail link
    )
    builders.service(
        "Bilan de santé et accès aux soins",
        thematiques=[SANTE],
        commune_code="84138",
        description="Trouver un médecin traitant, ouvrir ses droits.",
        frais=Frais.GRATUIT,
    )
    builders.service(
        "Auto-école sociale",
        thematiques=[MOBILITE],
        commune_code="84089",
        description="Préparer le permis de conduire à tarif solidaire.",
        frais=Frais.PAYANT,
        publics=["jeunes"],
    )
    return app


def test_accents_and_case_are_ignored(directory):
    assert names(search_services(SearchParams(text="DEMARCHES ADMINISTRATIVES"))) == [
        "Démarches administratives en ligne"
    ]
    assert names(search_services(SearchParams(text="médiation numérique"))) == ["Médiation numérique itinérante"]


def test_word_stems_match(directory):
    assert "Démarches administratives en ligne" in names(search_services(SearchParams(text="démarche")))
    assert "Démarches administratives en ligne" in names(search_services(SearchParams(text="administratif")))
    assert "Bilan de santé et accès aux soins" in names(search_services(SearchParams(text="soin")))


def test_words_of_the_description_and_structure_count(directory):
    assert names(search_services(SearchParams(text="médecin traitant"))) == ["Bilan de santé et accès aux soins"]


def test_typos_are_tolerated(directory):
    result = search_services(SearchParams(text="mediaton numerque"))
    assert "Médiation numérique itinérante" in names(result)
    assert result.typo_tolerant


def test_thematique_and_volet_filters(directory):
    assert set(names(search_services(SearchParams(volet=Volet.NUMERIQUE)))) == {
        "Démarches administratives en ligne",
        "Médiation numérique itinérante",
    }
    assert names(search_services(SearchParams(thematique=MOBILITE))) == ["Auto-école sociale"]
    assert names(search_services(SearchParams(thematique="numerique--acquerir-un-equipement"))) == []


def test_public_frais_and_orientation_filters(directory):
    assert "Auto-école sociale" not in names(search_services(SearchParams(public="seniors")))
    assert "Démarches administratives en ligne" in names(search_services(SearchParams(public="seniors")))
    assert names(search_services(SearchParams(frais=Frais.PAYANT))) == ["Auto-école sociale"]
    assert names(search_services(SearchParams(accepts_orientations=True))) == ["Médiation numérique itinérante"]


def test_commune_coverage_by_location_commune_epci_and_departement(app):
    sorgues = db.session.get(Commune, "84129")
    builders.service("Situé à Sorgues", commune_code="84129")
    builders.service("Zone : la commune", commune_code="84007", zones=["84129"])
    builders.service("Zone : l'EPCI", commune_code="84007", zones=[sorgues.epci_siren])
    builders.service("Zone : le département", commune_code="84138", zones=["84"])
    builders.service("Zone : la France", commune_code="84138", zones=["france"])
    builders.service("Zone : une autre commune", commune_code="84031", zones=["84031"])
    builders.service("Ailleurs, sans zone", commune_code="84031")
    found = set(names(search_services(SearchParams(commune_code="84129"))))
    assert found == {
        "Situé à Sorgues",
        "Zone : la commune",
        "Zone : l'EPCI",
        "Zone : le département",
        "Zone : la France",
    }


def test_results_are_ordered_by_distance_from_the_persons_commune(app):
    for code, label in [("84138", "Valréas"), ("84007", "Avignon"), ("84089", "Pertuis"), ("84031", "Carpentras")]:
        builders.service(f"Service à {label}", commune_code=code, zones=["84"])
    result = search_services(SearchParams(commune_code="84007"))
    assert names(result) == ["Service à Avignon", "Service à Carpentras", "Service à Valréas", "Service à Pertuis"]
    distances = [hit.distance_km for hit in result.items]
    assert distances == sorted(distances) and distances[0] < 1
    near = search_services(SearchParams(latitude=43.95, longitude=4.81, max_distance_km=30))
    assert names(near) == ["Service à Avignon", "Service à Carpentras"]


def test_relevance_comes_before_distance(app):
    builders.service("Atelier numérique", commune_code="84007", description="Découvrir l'ordinateur.")
    builders.service("Point d'accueil", commune_code="84138", description="Atelier numérique, atelier numérique.")
    builders.service(
        "Atelier numérique et aide numérique",
        commune_code="84138",
        description="Atelier numérique pour débutants, numérique au quotidien.",
    )
    result = search_services(SearchParams(text="atelier numérique", latitude=43.95, longitude=4.81))
    assert len(result.items) == 3
    assert names(result)[-1] == "Point d'accueil"  # near, but the words are only in its description
    assert result.items[0].relevance >= result.items[1].relevance >= result.items[2].relevance


def test_open_now_uses_opening_hours_in_paris_time(directory):
    monday_10h_paris = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    monday_13h_paris = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
    assert names(search_services(SearchParams(open_now=True, now=monday_10h_paris))) == [
        "Démarches administratives en ligne"
    ]
    assert names(search_services(SearchParams(open_now=True, now=monday_13h_paris))) == []


def test_pagination(app):
    for number in range(25):
        builders.service(f"Permanence numérique {number:02}", thematiques=[NUMERIQUE])
    first = search_services(SearchParams(volet=Volet.NUMERIQUE, per_page=10))
    third = search_services(SearchParams(volet=Volet.NUMERIQUE, per_page=10, page=3))
    beyond = search_services(SearchParams(volet=Volet.NUMERIQUE, per_page=10, page=9))
    assert (first.total, first.pages, len(first.items), len(third.items)) == (25, 3, 10, 5)
    assert beyond.items == [] and beyond.total == 25


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "'; DROP TABLE services; --",
        "<script>alert(1)</script>",
        "a & b | !c <-> (d",
        '"unclosed',
        "NEAR(a b) OR * ^ col:val",
        "%_\\",
        "  ",
        "de la",
        "🙂",
    ],
)
def test_hostile_or_odd_text_never_fails(directory, text):
    result = search_services(SearchParams(text=text))
    assert result.total >= 0


def test_unknown_commune_and_absurd_values_give_a_result(directory):
    assert search_services(SearchParams(commune_code="99999")).total == 0
    assert search_services(SearchParams(commune_code="84007", max_distance_km=-5)).total >= 1
    assert search_services(SearchParams(latitude=500, longitude=-900, max_distance_km=float("nan"))).total == 4
    assert search_services(SearchParams(page=-3, per_page=10_000)).page == 1


def test_unknown_codes_from_an_api_caller_match_nothing(directory):
    assert search_services(SearchParams(public='%" OR 1=1 --')).total == 0
    assert search_services(SearchParams(thematique="numerique--inventee")).total == 0


def test_any_word_keeps_services_with_one_of_the_words(app):
    builders.service("Centre dentaire", description="Soins des dents.")
    builders.service("Opticien", description="Des lunettes à petit prix.")
    builders.service("Atelier", description="Découvrir l'ordinateur.")
    found = names(search_services(SearchParams(any_words=("dentiste", "dentaire", "lunettes"))))
    assert sorted(found) == ["Centre dentaire", "Opticien"]
    assert search_services(SearchParams(any_words=("de", "la"))).total == 3  # no word left: no filter
