"""Transit-time uncertainty: gate distributions, opening hours, peaks, confidence, seeds."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest

from corridor import DeadlineError, InvalidRequestError, quote
from corridor.network import Network
from corridor.uncertainty import (
    lognormal_parameters,
    sample_hours,
    wait_for_departure,
    wait_for_opening,
)


@pytest.mark.parametrize("gate", ["hekou_kim_thanh", "youyiguan_huu_nghi", "changshui_noi_bai_air"])
def test_simulated_gate_clearance_matches_the_data(network, gate):
    crossing = network.crossings[gate]
    draws = sample_hours(
        np.random.default_rng(1), crossing.hours_p50_cn_vn, crossing.hours_p90_cn_vn, 100_000
    )
    assert np.percentile(draws, 50) == pytest.approx(crossing.hours_p50_cn_vn, rel=0.02)
    assert np.percentile(draws, 90) == pytest.approx(crossing.hours_p90_cn_vn, rel=0.02)


def test_lognormal_degenerate_cases():
    assert lognormal_parameters(5, 5)[1] == 0
    rng = np.random.default_rng(0)
    assert (sample_hours(rng, 5, 5, 10) == 5).all()
    assert (sample_hours(rng, 0, 0, 10) == 0).all()


def test_waits_for_departures_and_opening_hours():
    clock = np.array([0.0, 1.0, 5.9, 6.0, 23.5])
    assert wait_for_departure(clock, 4).tolist() == pytest.approx([0, 5, 0.1, 0, 0.5])
    assert wait_for_departure(clock, None).tolist() == [0, 0, 0, 0, 0]
    hours = np.array([6.0, 7.0, 18.9, 19.0, 23.0, 31.0])  # 31.0 is 07:00 next day
    assert wait_for_opening(hours, 7, 19).tolist() == pytest.approx([1, 0, 0, 12, 8, 0])


def test_arriving_after_closing_waits_for_the_opening(network):
    """Hekou → Lao Cai: ready at the gate at 20:00 Beijing time (19:00 in Viet Nam, when it
    closes) waits 12 h for the 07:00 opening (08:00 in Beijing)."""
    morning = quote("hekou", "lao_cai", ready="2026-10-05T08:00", network=network, seed=3)
    evening = quote("hekou", "lao_cai", ready="2026-10-05T20:00", network=network, seed=3)
    assert morning.border_crossings[0].ref == evening.border_crossings[0].ref
    difference = evening.transit.samples - morning.transit.samples
    assert difference == pytest.approx(np.full(len(difference), 12.0))
    assert evening.planned_hours == morning.planned_hours  # the optimiser plans on medians


@pytest.mark.parametrize("utc", ["11:30", "12:30"])
def test_a_gate_keeps_the_same_hours_whichever_way_the_cargo_goes(network, utc):
    """Kim Thanh closes at 19:00 Viet Nam time (12:00 UTC) for both directions."""
    ready = f"2026-03-03T{utc}+00:00"
    ways = [("Hekou", "Lao Cai"), ("Lao Cai", "Hekou")]
    fastest = [
        # the CBTA lane: a truck drives across, so the gate's hours are all there is
        quote(*way, modes=["road"], cbta=True, ready=ready, network=network).transit.samples.min()
        for way in ways
    ]
    if utc == "11:30":  # open both ways: the same steps, gate and leg in either order
        assert max(fastest) < 1  # (the road's running time is drawn, so not equal draws)
    else:  # closed both ways: the night at the gate
        assert min(fastest) > 10


def test_same_seed_same_figures_other_seed_other_draws(network):
    a = quote("Kunming", "Hai Phong", deadline=72, network=network, seed=7)
    b = quote("Kunming", "Hai Phong", deadline=72, network=network, seed=7)
    c = quote("Kunming", "Hai Phong", deadline=72, network=network, seed=8)
    assert (a.transit.samples == b.transit.samples).all()
    assert a.hours_p50 == b.hours_p50 and a.on_time_probability == b.on_time_probability
    assert not (a.transit.samples == c.transit.samples).all()


def test_quote_reports_p50_p90_and_on_time_probability(network):
    q = quote("Kunming", "Hai Phong", deadline=72, network=network)
    assert q.hours_p90 > q.hours_p50 > 0
    assert q.on_time_probability == pytest.approx(np.mean(q.transit.samples <= 72))
    assert quote("Kunming", "Hai Phong", network=network).on_time_probability is None


@pytest.mark.parametrize("deadline", [48, 72, 120])
def test_higher_confidence_never_gives_a_cheaper_route(network, deadline):
    costs = []
    for confidence in (0.5, 0.7, 0.8, 0.9, 0.95):
        try:
            q = quote(
                "Kunming", "Hai Phong", deadline=deadline, confidence=confidence, network=network
            )
        except DeadlineError:
            costs.append(np.inf)
            continue
        assert q.on_time_probability >= confidence
        costs.append(q.cost_usd)
    assert costs == sorted(costs)
    assert np.isfinite(costs[0])


def test_unreachable_confidence_names_the_most_reliable_route(network):
    # a CBTA truck plans about 20 h (without permits nothing plans within 20 h at all)
    kwargs = {"deadline": 20, "cbta": True, "network": network}
    with pytest.raises(DeadlineError, match=r"no route reaches 20 h with probability 99%"):
        quote("Kunming", "Hai Phong", confidence=0.99, **kwargs)
    with pytest.raises(DeadlineError, match=r"with probability 99\.9%: .* arrives in time \d"):
        quote("Kunming", "Hai Phong", confidence=0.999, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"deadline": 72, "confidence": 0}, "between 0 and 1"),
        ({"deadline": 72, "confidence": 1}, "between 0 and 1"),
        ({"confidence": 0.9}, "needs a deadline"),
    ],
)
def test_bad_confidence(network, kwargs, message):
    with pytest.raises(InvalidRequestError, match=message):
        quote("Kunming", "Hai Phong", network=network, **kwargs)


def test_peak_month_slows_northbound_clearance_only(network):
    gate = network.crossings["youyiguan_huu_nghi"]
    assert gate.clearance_hours(northbound=True, month=7) == (
        gate.hours_p50_vn_cn * gate.peak_multiplier,
        gate.hours_p90_vn_cn * gate.peak_multiplier,
    )
    assert gate.clearance_hours(northbound=False, month=7) == (
        gate.hours_p50_cn_vn,
        gate.hours_p90_cn_vn,
    )
    assert gate.clearance_hours(northbound=True, month=10) == (
        gate.hours_p50_vn_cn,
        gate.hours_p90_vn_cn,
    )


def test_harvest_queue_moves_a_shipment_off_huu_nghi(network):
    """With Tan Thanh slightly dearer and free of the queue, the lychee-month queue at Huu
    Nghi moves a valuable reefer load there, because it is cheaper in total."""
    dataset = network.dataset
    crossings = tuple(
        replace(c, peak_months=frozenset(), fee_usd_per_teu=c.fee_usd_per_teu + 10)
        if c.id == "puzhai_tan_thanh"
        else c
        for c in dataset.crossings
    )
    net = Network(replace(dataset, crossings=crossings), 2026)
    options = {"cargo": "reefer", "objective": "generalised", "value_usd": 80_000, "network": net}
    october = quote("Hanoi", "Pingxiang", month=10, **options)
    july = quote("Hanoi", "Pingxiang", month=7, **options)
    assert [s.ref for s in october.border_crossings] == ["youyiguan_huu_nghi"]
    assert [s.ref for s in july.border_crossings] == ["puzhai_tan_thanh"]
    stay = quote("Hanoi", "Pingxiang", month=7, avoid=["puzhai_tan_thanh"], **options)
    per_hour = 80_000 * net.cargo_profiles["reefer"].value_of_time_pct_per_day / 100 / 24

    def total(q):
        return q.cost_usd + per_hour * q.planned_hours

    assert total(july) < total(stay)


def test_ready_time_drives_the_simulated_waits(network):
    q = quote("Kunming", "Hai Phong", ready=datetime(2026, 10, 5, 8), network=network)
    assert q.month == 10
    assert q.arrival_p50 is not None and q.arrival_p50 > datetime(2026, 10, 5, 8)


def test_air_customs_are_simulated_in_the_direction_flown(network):
    """Clearance on the flight happens at the arrival airport, with that direction's hours."""
    dataset = network.dataset
    slow_north = tuple(
        replace(c, hours_p50_vn_cn=48.0, hours_p90_vn_cn=96.0) if c.leg is not None else c
        for c in dataset.crossings
    )
    net = Network(replace(dataset, crossings=slow_north), 2026)
    south = quote("KMG", "HAN", modes=["air"], network=net)
    north = quote("HAN", "KMG", modes=["air"], network=net)
    assert [s.kind for s in south.steps] == [s.kind for s in north.steps]
    assert len(south.border_crossings) == len(north.border_crossings) == 1
    assert north.planned_hours - south.planned_hours == pytest.approx(48.0 - 6.0)
    assert north.hours_p50 - south.hours_p50 > 30  # simulated: lognormal 48/96 against 6/24


def test_road_legs_congest_so_a_road_route_has_p90_above_p50(network):
    """Lao Cai → Hai Phong by road was 6.4 / 6.4 h (issue 26): a road now has a spread."""
    q = quote("Lao Cai", "Hai Phong", modes=["road"], network=network)
    legs = [network.legs[s.ref] for s in q.steps if s.kind == "leg"]
    assert all(leg.p90_factor > 1 for leg in legs)
    assert q.hours_p90 > 1.05 * q.hours_p50
    planned_p90 = sum(s.hours_p90 for s in q.steps)
    assert planned_p90 == pytest.approx(sum(leg.hours_p90 for leg in legs))
    # the simulated running time reproduces each leg's P90 (lognormal, P50 = its hours)
    assert q.hours_p90 <= planned_p90  # the P90 of a sum is below the sum of the P90s
    assert q.hours_p50 == pytest.approx(sum(leg.hours for leg in legs), rel=0.02)


def test_a_leg_with_factor_1_keeps_a_fixed_running_time(network):
    rail = [leg for leg in network.legs.values() if leg.mode.value.startswith("rail")]
    assert rail and all(leg.p90_factor == 1 and leg.hours_p90 == leg.hours for leg in rail)
    roads = [leg for leg in network.legs.values() if leg.mode.value == "road"]
    assert all(leg.p90_factor >= 1.16 for leg in roads)
    urban = network.legs["road_hanoi_gia_lam"]
    assert urban.p90_factor > network.legs["road_ct05_yen_bai_viet_tri"].p90_factor
