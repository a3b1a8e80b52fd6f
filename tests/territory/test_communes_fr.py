"""Postcode + commune name, as real files write them, → the commune's INSEE code and a position."""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

import pytest

from orientation.extensions import db
from orientation.territory import communes_fr
from orientation.territory.communes_fr import place
from orientation.territory.models import Commune

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("postcode", "name", "code"),
    [
        ("84450", "St Saturnin les Avignon", "84119"),
        ("84800", "L'Isle sur la Sorgue", "84054"),
        ("84800", "L’ISLE-SUR-LA-SORGUE", "84054"),
        ("84800", "Isle-sur-la-Sorgue (L')", "84054"),
        ("84301", "Cavaillon Cedex", "84035"),  # a Cedex postcode is in no list of communes
        ("84301", "CAVAILLON CEDEX 1", "84035"),
        ("13013", "Marseille 13e", "13055"),  # an arrondissement: its commune
        ("13013", "MARSEILLE 13EME ARRONDISSEMENT", "13055"),
        ("75013", "Paris 13e", "75056"),
        ("69003", "Lyon 3ème", "69123"),
        ("84120", "PERTUIS", "84089"),
        ("84120", "pertuis", "84089"),
        ("84370", "BÃ©darrides", "84016"),  # UTF-8 read as Latin-1
        ("84800", "Lâ€™Isle-sur-la-Sorgue", "84054"),  # UTF-8 read as Windows-1252
        ("84210", "Ste Cécile les Vignes", "84106"),  # a wrong postcode of the département: the name wins
        ("84290", "Ste Cécile les Vignes", "84106"),
        ("84300", "Cavailon", "84035"),  # a typo among the postcode's communes
        ("84130", "Le Pontet", "84092"),
        ("84000", "Pontet (Le)", "84092"),  # the postcode is Avignon's; the name is unique in Vaucluse
        ("4000", "Digne les Bains", "04070"),  # a spreadsheet dropped the leading zero
        ("", "Sainte-Cécile-les-Vignes", "84106"),  # no postcode, a name unique in France
        ("84700", "", "84129"),  # a postcode of one commune (Sorgues)
        ("84700", "Quartier Saint-Pierre", "84129"),  # a district written as the commune
    ],
)
def test_real_spellings_find_their_commune(postcode, name, code):
    placement = place(postcode, name)
    assert placement.code_insee == code, placement.unplaced_reason
    assert placement.unplaced_reason is None


@pytest.mark.parametrize(
    ("postcode", "name", "reason"),
    [
        ("99999", "Nulle part", "commune « Nulle part » introuvable (code postal 99999 inconnu)"),
        ("", "", "ni code postal ni commune"),
        ("  ", None, "ni code postal ni commune"),
        ("84300", "", "le code postal 84300 couvre plusieurs communes et la commune n'est pas indiquée"),
        ("84300", "Les Vignères", "« Les Vignères » n'est pas une commune du code postal 84300"),
        # Trèves and Revens share 30750: a name as close to one as to the other is not guessed between
        (
            "30750",
            "Trevens",
            "« Trevens » correspond à plusieurs communes du code postal 30750 : Revens (30213), Trèves (30332)",
        ),
        ("", "Saint-Martin", "« Saint-Martin » correspond à plusieurs communes de France"),
    ],
)
def test_what_cannot_be_placed_says_why(postcode, name, reason):
    placement = place(postcode, name)
    assert placement.code_insee is None and not placement.placed
    assert placement.latitude is None and placement.longitude is None
    assert placement.unplaced_reason.startswith(reason)


def test_a_valid_insee_code_wins_and_an_old_or_arrondissement_code_becomes_the_commune():
    assert place("", "", "84007").code_insee == "84007"
    assert place("13013", "Marseille", "13213").code_insee == "13055"
    assert place("84000", "Avignon", "99999").code_insee == "84007"  # an unknown code: the name decides
    assert place("", "", "4070").code_insee == "04070"


def test_a_vaucluse_commune_gets_the_territory_centre_marked_approximate(app):
    avignon = db.session.get(Commune, "84007")
    placement = place("84000", "AVIGNON")
    assert (placement.latitude, placement.longitude) == (avignon.latitude, avignon.longitude)
    assert placement.approximate is True
    assert placement.commune_name == "Avignon"
    assert communes_fr.commune_centre("84007") == (avignon.latitude, avignon.longitude)


def test_own_coordinates_are_kept_and_a_commune_elsewhere_has_no_centre(app):
    own = place("84000", "Avignon", latitude=43.95, longitude=4.81)
    assert (own.code_insee, own.latitude, own.longitude, own.approximate) == ("84007", 43.95, 4.81, False)
    nowhere = place("84000", "Avignon", latitude=0, longitude=0)  # a null island is no position
    assert nowhere.approximate is True
    marseille = place("13013", "Marseille 13e")
    assert (marseille.code_insee, marseille.latitude, marseille.approximate) == ("13055", None, False)
    assert marseille.commune_name == "Marseille"
    assert communes_fr.commune_centre("13055") is None


def test_names_of_departements_and_epci_across_france():
    assert communes_fr.departement_names()["30"] == "Gard"
    assert communes_fr.epci_names()["248400251"].startswith("CA du Grand Avignon")
    assert communes_fr.official_name("13213") == "Marseille"


def test_the_committed_table_is_the_one_the_script_builds(tmp_path):
    with gzip.open(ROOT / "orientation/territory/data/communes-france.csv.gz", "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 37_000
    assert {row["code"] for row in rows} >= {"84007", "13213", "75056", "97411", "2A004"}
    package = ROOT / "node_modules/@etalab/decoupage-administratif/data/communes.json"
    if not package.exists():
        pytest.skip("node_modules not installed (make static)")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_communes_fr
    finally:
        sys.path.pop(0)
    assert len(build_communes_fr.commune_rows(json.loads(package.read_text(encoding="utf-8")))) == len(rows)
