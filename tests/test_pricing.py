"""What a request pays before it is solved: air by weight with a minimum, goods values, modes.

Expected figures come from the data tables (``tariffs.csv``, ``transfers.csv``,
``cargo_classes.csv``), never typed in.
"""

from __future__ import annotations

import pytest

from corridor import CargoClass, load_network, quote
from corridor.costs import find_tariff
from corridor.model import Mode, Shipment
from corridor.network import Network
from corridor.routing.pricing import chargeable_kg, value_of_time_usd_per_teu_hour

FLY = {"objective": "time", "origin": "Kunming", "destination": "Hanoi"}


@pytest.fixture(scope="module")
def net() -> Network:
    return load_network(2026)


def _air_boarding(q):
    """The step that boards the flight (the transfer onto air at the airport)."""
    (step,) = [s for s in q.steps if s.kind == "transfer" and s.to_mode == Mode.AIR.value]
    return step


def _handling_usd(net, step) -> float:
    """The transfer's handling fee for the whole shipment (transfers.csv)."""
    a, b = Mode(step.from_mode), Mode(step.to_mode)
    (transfer,) = [
        t
        for t in net.transfers
        if t.place == step.from_place and {t.from_mode, t.to_mode} == {a, b}
    ]
    return transfer.cost_usd_per_teu


@pytest.mark.parametrize("tonnes", [0.02, 0.05, 0.5, 3.0, 9.5])
def test_air_charges_the_rate_per_kg_or_the_minimum_whichever_is_higher(net, tonnes):
    q = quote(network=net, tonnes=tonnes, **FLY)
    assert Mode.AIR.value in q.modes
    tariff = find_tariff(net.tariffs, Mode.AIR, net.places[_air_boarding(q).from_place].country)
    assert tariff.usd_per_kg is not None
    assert tariff.minimum_usd is not None
    by_weight = tariff.usd_per_kg * tonnes * 1000
    expected = max(tariff.minimum_usd, by_weight)
    step = _air_boarding(q)
    assert step.cost_usd == pytest.approx(_handling_usd(net, step) * q.shipment.teu + expected)
    assert (expected == tariff.minimum_usd) == (by_weight < tariff.minimum_usd)


def test_half_a_tonne_flies_for_the_rate_and_a_parcel_for_the_minimum(net):
    tariff = find_tariff(net.tariffs, Mode.AIR, "any")
    parcel_kg = tariff.minimum_usd / tariff.usd_per_kg / 2  # half the break-even weight
    parcel = _air_boarding(quote(network=net, tonnes=parcel_kg / 1000, **FLY))
    half = _air_boarding(quote(network=net, tonnes=0.5, **FLY))
    handling = _handling_usd(net, parcel)
    assert parcel.cost_usd - handling == pytest.approx(tariff.minimum_usd)
    assert half.cost_usd - handling == pytest.approx(
        max(tariff.minimum_usd, 500 * tariff.usd_per_kg)
    )


def test_air_without_tonnes_charges_the_class_payload_and_its_multiplier(net):
    for cargo in (CargoClass.GENERAL, CargoClass.REEFER):
        q = quote(network=net, cargo=cargo, teu=1, **FLY)
        if Mode.AIR.value not in q.modes:
            continue
        profile = net.cargo_profiles[cargo]
        tariff = find_tariff(net.tariffs, Mode.AIR, "any")
        kg = chargeable_kg(net, q.shipment)
        assert kg == profile.tonnes_per_teu * 1000
        step = _air_boarding(q)
        assert step.cost_usd == pytest.approx(
            _handling_usd(net, step) + tariff.shipment_usd(kg) * profile.tariff_multiplier
        )


def test_boxes_fly_by_their_weight_not_by_their_size(net):
    one = quote(network=net, containers={"40GP": 1}, tonnes=2, **FLY)
    two = quote(network=net, containers={"20GP": 1}, tonnes=2, **FLY)
    tariff = find_tariff(net.tariffs, Mode.AIR, "any")
    for q in (one, two):
        step = _air_boarding(q)
        air = step.cost_usd - _handling_usd(net, step) * _box_handling(net, q)
        assert air == pytest.approx(tariff.shipment_usd(2000))


def _box_handling(net, q) -> float:
    """The handling factor of the shipment's boxes (containers.csv), per box move."""
    types = {c.type: c for c in net.dataset.containers}
    return sum(types[k].factor("handling") * n for k, n in q.shipment.containers)


def test_a_plan_prices_air_per_teu_at_the_class_payload(net):
    arrays = net.service_arrays(CargoClass.GENERAL, None)
    tariff = find_tariff(net.tariffs, Mode.AIR, "any")
    payload = net.cargo_profiles[CargoClass.GENERAL].tonnes_per_teu
    for a in arrays.boarding[Mode.AIR.value]:
        tariff_part = arrays.columns["cost_usd"][a] - arrays.columns["handling_usd"][a]
        assert tariff_part == pytest.approx(tariff.usd_per_kg * payload * 1000)


def test_bulk_and_oversize_cargo_do_not_fly(net):
    general = quote("Kunming", "Hai Phong", objective="time", network=net)
    assert Mode.AIR.value in general.modes  # the fastest mode for goods that may fly
    for cargo in (CargoClass.BULK, CargoClass.OVERSIZE):
        assert Mode.AIR not in net.cargo_profiles[cargo].modes
        q = quote("Kunming", "Hai Phong", cargo=cargo, objective="time", network=net)
        assert Mode.AIR.value not in q.modes
        assert q.planned_hours > general.planned_hours
    # and a plan does not fly them either
    arrays = net.service_arrays(CargoClass.OVERSIZE, None)
    assert not any(d["kind"] == "leg" and d["mode"] == "air" for _, _, d in arrays.arcs)


def test_each_class_has_its_own_default_goods_value(net):
    values = {c: p.default_value_usd_per_teu for c, p in net.cargo_profiles.items()}
    assert values[CargoClass.BULK] < values[CargoClass.REEFER] <= values[CargoClass.GENERAL]
    for cargo, profile in net.cargo_profiles.items():
        shipment = Shipment("hanoi", "hai_phong", 2.0, cargo)
        expected = profile.default_value_usd_per_teu * profile.value_of_time_pct_per_day / 100 / 24
        assert value_of_time_usd_per_teu_hour(net, shipment) == pytest.approx(expected)
