"""The « fiche orientation / rendez-vous » the agent prints and hands to the person: what it says.

Where to go (the service's address, else its structure's), when it is open (the opening hours in
French), whom to call, what to know before coming, the rendez-vous if one is planned, and how to get
there: an OpenStreetMap link (no map tiles offline) and a small locator drawn from the communes'
outlines, with the place's point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote_plus

from orientation import clock, french
from orientation.directory import hours
from orientation.referrals import person_messages
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import Orientation
from orientation.territory.outlines import commune_outlines, departement_outline

LOCATOR_WIDTH = 320
PAD = 8


@dataclass
class Locator:
    width: int
    height: int
    communes: str  # every commune's outline, one SVG path
    commune: str  # the place's commune, highlighted
    outline: str  # the département
    point: tuple[float, float] | None


@dataclass
class Fiche:
    orientation: Orientation
    title: str
    receiver: str
    service_name: str
    address_lines: list[str]
    opening_hours: str | None
    phone: str | None
    email: str | None
    before_coming: list[tuple[str, str]]  # (heading, text) from the service's own fields
    rendez_vous: dict | None
    call_by: str | None  # « mardi 15 décembre »: the structure calls the person by then
    map_url: str | None
    locator: Locator | None
    commune_name: str | None
    printed_on: str


def fiche_of(orientation: Orientation) -> Fiche:
    service = orientation.service
    place = service if service.adresse or service.latitude is not None else service.structure
    appointment = person_messages.planned_appointment(orientation)
    expression = service.horaires_accueil or service.structure.horaires_accueil
    undecided = orientation.status in (S.SENT, S.RECEIVED)
    commune_code = place.commune_code or place.code_insee
    return Fiche(
        orientation=orientation,
        title=f"Votre rendez-vous avec {orientation.receiver_title}"
        if appointment
        else f"Votre demande auprès de {orientation.receiver_title}",
        receiver=orientation.receiver_title,
        service_name=service.name,
        address_lines=_address_lines(place),
        opening_hours=(hours.french(expression) or expression) if expression else None,
        phone=orientation.receiver_phone,
        email=service.courriel or service.structure.courriel,
        before_coming=[
            (heading, text.strip())
            for heading, text in (
                ("Conditions d'accès", service.conditions_acces),
                ("Frais", service.frais_precisions),
            )
            if text and text.strip()
        ],
        rendez_vous=person_messages.appointment_words(appointment) if appointment else None,
        call_by=person_messages.day_fr(orientation.decision_due_at)
        if undecided and orientation.decision_due_at
        else None,
        map_url=_map_url(place),
        locator=locator(commune_code, place.latitude, place.longitude),
        commune_name=place.commune_name,
        printed_on=french.date_fr(clock.now()),
    )


def _address_lines(place) -> list[str]:
    town = " ".join(part for part in (place.code_postal, place.commune_name) if part)
    return [line.strip() for line in (place.adresse, place.complement_adresse, town) if line and line.strip()]


def _map_url(place) -> str | None:
    """The place on OpenStreetMap: its point when known, else a search for its address."""
    if place.latitude is not None and place.longitude is not None and not place.position_is_approximate:
        lat, lon = f"{place.latitude:.5f}", f"{place.longitude:.5f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    lines = _address_lines(place)
    return f"https://www.openstreetmap.org/search?query={quote_plus(', '.join(lines))}" if lines else None


# ---- the locator ------------------------------------------------------------------------------------


class _Projection:
    """Longitude/latitude → SVG pixels, shrinking longitudes at Vaucluse's latitude."""

    def __init__(self, rings, width: int):
        lons = [lon for ring in rings for lon, _lat in ring]
        lats = [lat for ring in rings for _lon, lat in ring]
        self.lon_min, self.lat_max = min(lons), max(lats)
        self.shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.scale = (width - 2 * PAD) / ((max(lons) - self.lon_min) * self.shrink)
        self.height = math.ceil((self.lat_max - min(lats)) * self.scale + 2 * PAD)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round(PAD + (lon - self.lon_min) * self.shrink * self.scale, 1),
            round(PAD + (self.lat_max - lat) * self.scale, 1),
        )


def _path(rings, projection: _Projection) -> str:
    parts = []
    for ring in rings:
        points = []
        for lon, lat in ring:
            point = projection(lon, lat)
            if not points or point != points[-1]:
                points.append(point)
        if len(points) > 2:
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
    return "".join(parts)


@lru_cache(maxsize=1)
def _base() -> tuple[_Projection, dict[str, str], str, str]:
    outlines = commune_outlines()
    projection = _Projection(departement_outline(), LOCATOR_WIDTH)
    paths = {code: _path(rings, projection) for code, rings in outlines.items()}
    return projection, paths, "".join(paths.values()), _path(departement_outline(), projection)


def locator(commune_code: str | None, latitude: float | None, longitude: float | None) -> Locator | None:
    """The département's communes with the place's one highlighted and its point; None outside Vaucluse."""
    projection, paths, every, outline = _base()
    if commune_code not in paths:
        return None
    point = projection(longitude, latitude) if latitude is not None and longitude is not None else None
    if point and not (0 <= point[0] <= LOCATOR_WIDTH and 0 <= point[1] <= projection.height):
        point = None
    return Locator(LOCATOR_WIDTH, projection.height, every, paths[commune_code], outline, point)
