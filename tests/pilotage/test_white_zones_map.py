"""The « zones blanches » map: every commune coloured by its distance to the nearest service of a volet,
the white zones orange and listed, the volet chosen by link; never a 500 on odd input."""

from __future__ import annotations

import re

import pytest

from orientation import clock, french
from orientation.extensions import db
from orientation.pilotage import geomap, offer
from tests.directory import builders as directory_builders
from tests.pilotage.test_offer import COURTHEZON, MOBILITE, ORANGE, PERTUIS, _centre


def _fills(html: str) -> dict[str, tuple[str, str]]:
    """Commune name → (fill, text of its <title>)."""
    return {
        name: (fill, text)
        for fill, name, text in re.findall(
            r'<g class="pilotage-map__epci" fill="([^"]+)"[^>]*><title>([^<:]+?) : ([^<]*)</title>', html
        )
    }


def test_the_map_colours_each_commune_by_its_distance_and_lists_the_white_zones(world, logged_in):
    directory_builders.service(thematiques=[MOBILITE], commune_code=ORANGE)
    directory_builders.service(thematiques=[MOBILITE], commune_code=PERTUIS, withdrawn_at=clock.now())
    db.session.flush()
    response = logged_in(world.coordinator).get("/pilotage/carte/zones-blanches?volet=mobilite")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="pilotage-map__commune"') == 151
    fills = _fills(html)
    assert fills["Orange"] == (geomap.NEAR_COLOURS[0], "0 km")
    pertuis_km = offer.great_circle_km(_centre(PERTUIS), _centre(ORANGE))
    assert fills["Pertuis"] == (geomap.WHITE_ZONE_COLOUR, f"{french.number(pertuis_km, 1)} km : zone blanche")
    courthezon_km = offer.great_circle_km(_centre(COURTHEZON), _centre(ORANGE))
    assert 5 <= courthezon_km < 10 and fills["Courthézon"][0] == geomap.NEAR_COLOURS[1]

    start = html.index('data-testid="white-zones-table"')
    table = html[start : html.index("</table>", start)]
    assert "Pertuis" in table and ">Orange<" not in table and "Courthézon" not in table
    white = [line for line in offer.white_zones(15) if line.volet.value == "mobilite"]
    summary = re.search(r'data-testid="white-zones-summary">\s*([^<]+)', html).group(1)
    assert summary.startswith(f"{len(white)} communes à plus de 15 km d'un service mobilité")
    assert 'aria-current="page">Mobilité</a>' in html
    legend = html[html.index('data-testid="map-legend"') :]
    assert "moins de 5 km" in legend and "de 10 km à 15 km" in legend and "plus de 15 km : zone blanche" in legend


def test_a_volet_without_any_service_is_hatched_and_said(world, logged_in):
    html = logged_in(world.coordinator).get("/pilotage/carte/zones-blanches?volet=sante").get_data(as_text=True)
    fills = _fills(html)
    assert fills["Orange"] == ("url(#pilotage-hatch)", "aucun service du volet")
    assert "aucun service du volet dans l&#39;annuaire" in html and "Aucun service" in html


@pytest.mark.parametrize("query", ["", "?volet=nimporte", "?volet=<b>&debut=2099-13-45"])
def test_odd_input_shows_the_numerique_map_with_a_notice_never_a_500(world, logged_in, query):
    response = logged_in(world.coordinator).get("/pilotage/carte/zones-blanches" + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Zones blanches : volet numérique" in html and "<b>" not in html


def test_a_structure_manager_sees_the_map_without_the_export(world, logged_in):
    html = logged_in(world.manager).get("/pilotage/carte/zones-blanches").get_data(as_text=True)
    assert 'data-testid="white-zones-map"' in html and "zones-blanches.csv" not in html


@pytest.mark.parametrize(
    ("threshold", "labels"),
    [
        (15, ["moins de 5 km", "de 5 km à 10 km", "de 10 km à 15 km", "plus de 15 km : zone blanche"]),
        (20, ["moins de 7 km", "de 7 km à 15 km", "de 15 km à 20 km", "plus de 20 km : zone blanche"]),
        (2.5, ["moins de 0,8 km", "de 0,8 km à 1,5 km", "de 1,5 km à 2,5 km", "plus de 2,5 km : zone blanche"]),
    ],
)
def test_the_classes_read_as_rounded_distances_up_to_the_threshold(threshold, labels):
    assert geomap.distance_classes(threshold).labels == labels
