"""Network coverage: trips within one country stay in it; the Mong Cai gate and the northern
industrial provinces are reachable (issue 26)."""

from __future__ import annotations

import pytest

import corridor
from corridor.model import Country


def _countries(network, q) -> set[Country]:
    return {network.places[p].country for p in q.places}


@pytest.mark.parametrize(
    ("origin", "destination"),
    [
        ("Kunming", "Nanning"),  # was Lao Cai → Yen Vien → Dong Dang → Pingxiang
        ("Nanning", "Kunming"),
        ("Mengzi", "Nanning"),
        ("Ba Sa", "Qiaotou"),  # both Chinese gates: was across the border twice
        ("Pingxiang", "Kunming"),
    ],
)
@pytest.mark.parametrize("objective", ["cost", "time"])
def test_a_china_to_china_trip_stays_in_china(network, origin, destination, objective):
    q = corridor.quote(origin, destination, objective=objective, network=network)
    assert not q.border_crossings, q.places
    assert _countries(network, q) == {Country.CN}


def test_kunming_nanning_by_road_and_by_rail(network):
    road = corridor.quote("Kunming", "Nanning", modes=["road"], network=network)
    rail = corridor.quote("Kunming", "Nanning", modes=["rail_1435"], network=network)
    assert road.modes == ["road"] and rail.modes == ["rail_1435"]
    assert not road.border_crossings and not rail.border_crossings
    assert 700 < road.km < 900 and 800 < rail.km < 950  # G80 ~800 km; Nankun main line 863 km


def test_hanoi_to_dongxing_can_use_mong_cai(network):
    q = corridor.quote("Hanoi", "Dongxing", network=network)
    assert [c.ref for c in q.border_crossings] == ["dongxing_mong_cai"]
    assert "cai_lan" in q.places  # the Quang Ninh side: Ha Long, Van Don, Mong Cai
    via = corridor.quote("Hanoi", "Dongxing", via=["Mong Cai"], network=network)
    assert "mong_cai" in via.places


def test_the_mong_cai_road_opens_in_2022():
    assert "road_mong_cai_cai_lan" not in corridor.load_network(2021).legs
    assert "road_mong_cai_cai_lan" in corridor.load_network(2022).legs


@pytest.mark.parametrize(
    "origin", ["Hai Duong", "Bac Ninh", "Bac Giang", "Thai Nguyen", "Vinh Yen", "Vĩnh Phúc"]
)
def test_the_northern_provinces_reach_kunming(network, origin):
    q = corridor.quote(origin, "Kunming", network=network)
    assert q.places[-1] == "kunming"
    assert len(q.border_crossings) == 1  # one clearance, China-bound
    assert q.km > 0 and q.cost_usd > 0


def test_hai_duong_to_kunming_by_road_goes_by_hanoi_and_lao_cai(network):
    q = corridor.quote("Hai Duong", "Kunming", modes=["road"], network=network)
    assert {"hanoi", "kim_thanh", "hekou"} <= set(q.places)
    kunming_hanoi = corridor.quote("Hanoi", "Kunming", modes=["road"], network=network)
    assert q.km > kunming_hanoi.km  # Hai Duong lies beyond Hanoi from Kunming
