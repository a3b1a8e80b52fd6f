"""The map page draws the communes and EPCI from their outlines and never a hidden value; the charts of the
dashboard carry graduations, values and a link to their table; bad input never fails."""

from __future__ import annotations

import re

import pytest

GRAND_AVIGNON = "CA du Grand Avignon (COGA)"


def _titles(html: str) -> dict[str, str]:
    """EPCI name → the value its shape's <title> gives (« 3. Name : value »)."""
    return {name: value for name, value in re.findall(r"<title>\d+\. ([^<]+?) : ([^<]*)</title>", html)}


def test_the_map_draws_the_outlines(world, logged_in):
    html = logged_in(world.coordinator).get("/pilotage/carte?indicateur=sent").get_data(as_text=True)
    assert html.count('class="pilotage-map__commune"') == 151
    assert re.search(r'<path d="M[^"]+" class="pilotage-map__epci-border" data-testid="epci-borders"/>', html)
    assert re.search(r'<path d="M[^"]+" class="pilotage-map__outline" data-testid="departement-outline"/>', html)
    assert 'role="img"' in html and 'aria-label="Carte du Vaucluse : Orientations envoyées par EPCI' in html
    legend = html[html.index('data-testid="map-legend"') : html.index("</ul>", html.index('data-testid="map-legend"'))]
    assert "jusqu'à" not in legend and "<li>" in legend


@pytest.mark.parametrize("indicator", ["sent", "sent_per_10k", "acceptance_rate", "completed_per_10k"])
def test_the_map_never_draws_a_hidden_value(world, logged_in, indicator):
    html = logged_in(world.coordinator).get(f"/pilotage/carte?indicateur={indicator}").get_data(as_text=True)
    titles = _titles(html)
    assert len(titles) >= 14
    # 8 people in the Grand Avignon, but 8 would give the 3 of the COVE away: neither is drawn
    assert titles[GRAND_AVIGNON] in ("masqué", "—", "non publié")
    assert not any(value.startswith(("3", "8")) for value in titles.values()), titles
    grand_avignon = re.search(
        r'<g class="pilotage-map__epci" fill="([^"]+)"[^>]*><title>\d+\. CA du Grand Avignon', html
    )
    assert grand_avignon and grand_avignon.group(1) == "url(#pilotage-hatch)"
    assert "<td>8</td>" not in html and "<td>3</td>" not in html


def test_unknown_indicator_falls_back_with_a_french_notice(world, logged_in):
    response = logged_in(world.coordinator).get("/pilotage/carte?indicateur=nimporte&epci=<b>")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "« Indicateur de la carte » : valeur inconnue, filtre ignoré." in html
    assert "Orientations envoyées par EPCI de la personne" in html and "<b>" not in html


def test_the_charts_have_graduations_values_and_their_table(world, logged_in):
    html = logged_in(world.coordinator).get("/pilotage/").get_data(as_text=True)
    chart = html[
        html.index('data-testid="month-chart"') : html.index("</svg>", html.index('data-testid="month-chart"'))
    ]
    assert 'class="pilotage-svg__tick">mars</text>' in chart and ">2026</text>" in chart  # « mars » then « 2026 »
    assert re.search(r'text-anchor="end" class="pilotage-svg__tick">0</text>', chart)
    # values above their bars: 5 completed in March; the 10 sent are masked (the 1 of April would follow)
    assert (
        'class="pilotage-svg__bar-value">5</text>' in chart and 'class="pilotage-svg__bar-value">masqué</text>' in chart
    )
    for table in ("mois", "volets", "motifs-refus", "resultats"):
        assert f'href="#tableau-{table}"' in html and f'id="tableau-{table}"' in html
    summary = logged_in(world.coordinator).get("/pilotage/synthese").get_data(as_text=True)
    assert re.search(r'href="/pilotage/[^"#]*#tableau-mois"', summary)
