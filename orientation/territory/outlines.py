"""Outlines of Vaucluse's communes and of the département (GeoJSON, WGS 84), read once from data/.

See data/README.md for their provenance (IGN GEOFLA via gregoiredavid/france-geojson, Licence Ouverte)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) points, closed (last == first)


def _rings(geometry: dict) -> list[Ring]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [tuple((float(lon), float(lat)) for lon, lat, *_ in ring) for polygon in polygons for ring in polygon]


@lru_cache(maxsize=1)
def commune_outlines() -> dict[str, tuple[Ring, ...]]:
    """INSEE code → the rings of the commune (outer ring first, then any hole)."""
    with open(DATA_DIR / "vaucluse-communes.geojson", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return {feature["properties"]["code"]: tuple(_rings(feature["geometry"])) for feature in features}


@lru_cache(maxsize=1)
def departement_outline() -> tuple[Ring, ...]:
    with open(DATA_DIR / "vaucluse-departement.geojson", encoding="utf-8") as handle:
        data = json.load(handle)
    feature = data["features"][0] if data.get("type") == "FeatureCollection" else data
    return tuple(_rings(feature["geometry"]))
