"""ISO 14083 / GLEC emissions of a quote: WTW and TTW per step, hubs, the chain's intensity.

Every expected figure is derived here from the data tables (``emissions.csv``,
``hub_emissions.csv``, ``cargo_classes.csv``) and the route's own steps, never typed in.
"""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from corridor import CargoClass, DataError, load_network, quote
from corridor.cli import app
from corridor.data import load_dataset
from corridor.model import Mode, PlaceKind
from corridor.network import Network

ROUTES = [
    # (origin, destination, options): rail with a gauge change, a reefer by rail, road
    # through the transloading gate, the flight, a light shipment, boxes
    ("Kunming", "Hai Phong", {"teu": 2}),
    ("Kunming", "Hai Phong", {"cargo": "reefer"}),
    ("Kunming", "Hanoi", {"modes": ["road"]}),
    ("Kunming", "Hanoi", {"objective": "time"}),
    ("Kunming", "Lach Huyen", {"tonnes": 6}),
    ("Hanoi", "Hai Phong", {"containers": {"40HC": 2}}),
]


@pytest.fixture(scope="module")
def net() -> Network:
    return load_network(2026)


@pytest.fixture(scope="module")
def quotes(net):
    return [quote(a, b, network=net, **options) for a, b, options in ROUTES]


def _tonnes(net, q) -> float:
    """The shipment's tonnes: as given, else the cargo class payload × TEU."""
    if q.shipment.tonnes is not None:
        return q.shipment.tonnes
    return net.cargo_profiles[q.shipment.cargo].tonnes_per_teu * q.shipment.teu


def test_the_iso_totals_are_the_sums_of_the_steps_hubs_included(quotes):
    for q in quotes:
        assert q.co2e_wtw_kg == q.co2e_kg == pytest.approx(math.fsum(s.co2e_kg for s in q.steps))
        assert q.co2e_ttw_kg == pytest.approx(math.fsum(s.co2e_ttw_kg for s in q.steps))
        assert q.co2e_wtt_kg == pytest.approx(q.co2e_wtw_kg - q.co2e_ttw_kg)
        assert q.hub_co2e_kg == pytest.approx(math.fsum(s.hub_co2e_kg for s in q.steps))
        totals = q.to_dict()["totals"]
        for name in ("co2e_wtw_kg", "co2e_ttw_kg", "co2e_wtt_kg", "hub_co2e_kg"):
            assert totals[name] == pytest.approx(getattr(q, name), abs=0.01)
    # a route that hands the cargo over at a terminal emits there
    for q in quotes:
        handled = q.transshipments or any(
            s.kind == "border" and s.to_mode == "road" for s in q.steps
        )
        assert (q.hub_co2e_kg > 0) == bool(handled), q


def test_well_to_wheel_is_never_below_tank_to_wheel(quotes):
    for q in quotes:
        for step in q.steps:
            assert step.co2e_kg >= step.co2e_ttw_kg >= 0, step
            assert step.co2e_kg >= step.hub_co2e_kg >= 0, step
            assert step.co2e_wtt_kg == pytest.approx(step.co2e_kg - step.co2e_ttw_kg)


def test_the_intensity_is_the_total_over_the_tonne_km_of_the_steps(net, quotes):
    for q in quotes:
        tonne_km = _tonnes(net, q) * math.fsum(s.km for s in q.steps)
        assert q.tonne_km == pytest.approx(tonne_km)
        assert q.intensity_g_per_tkm == pytest.approx(q.co2e_wtw_kg * 1000 / tonne_km)
        assert q.to_dict()["totals"]["intensity_g_per_tkm"] == pytest.approx(
            q.intensity_g_per_tkm, abs=0.01
        )


def test_a_leg_emits_its_modes_factors_times_the_tonne_km(net, quotes):
    for q in quotes:
        if q.shipment.cargo is not CargoClass.GENERAL:
            continue
        for step in q.legs:
            factor = net.emissions[Mode(step.to_mode)]
            tkm = _tonnes(net, q) * step.km
            assert step.co2e_kg == pytest.approx(factor.g_co2e_per_tkm * tkm / 1000)
            assert step.co2e_ttw_kg == pytest.approx(factor.ttw_g_co2e_per_tkm * tkm / 1000)
            assert step.hub_co2e_kg == 0


def test_electric_rail_emits_nothing_tank_to_wheel(net, quotes):
    assert net.emissions[Mode.RAIL_1435].ttw_g_co2e_per_tkm == 0  # electric traction
    legs = [(q, s) for q in quotes for s in q.legs if s.to_mode == Mode.RAIL_1435.value]
    assert legs
    for q, step in legs:  # a reefer's genset burns diesel on board all the same
        profile = net.cargo_profiles[q.shipment.cargo]
        genset = profile.refrigeration_ttw_kg_co2e_per_hour * step.hours_p50 * q.shipment.teu
        assert step.co2e_ttw_kg == pytest.approx(genset)
        assert step.co2e_wtt_kg > 0


def test_a_transshipment_emits_its_hubs_kg_per_tonne_handled(net, quotes):
    q = quotes[0]  # Kunming → Hai Phong by rail: the gauge change at Hekou North
    hubs = {h.kind: h for h in net.dataset.hub_emissions}
    transfers = q.transshipments
    assert [s.from_place for s in transfers] == ["hekou_north"]
    hub = hubs[net.places["hekou_north"].kind]
    tonnes = _tonnes(net, q)
    (step,) = transfers
    assert step.hub_co2e_kg == pytest.approx(hub.wtw_kg_co2e_per_t * tonnes)
    assert step.hub_co2e_kg > 0
    assert step.co2e_kg == pytest.approx(step.hub_co2e_kg)  # general cargo: nothing else
    assert step.co2e_ttw_kg == pytest.approx(hub.ttw_kg_co2e_per_t * tonnes)
    # unloading from the train at the seaport goes through its container terminal
    last = q.steps[-1]
    assert last.kind == "egress"
    seaport = hubs[PlaceKind.SEAPORT]
    assert last.hub_co2e_kg == pytest.approx(seaport.wtw_kg_co2e_per_t * tonnes)


def test_a_reefer_hub_uses_the_temperature_controlled_figure(net, quotes):
    q = quotes[1]
    profile = net.cargo_profiles[CargoClass.REEFER]
    hubs = {h.kind: h for h in net.dataset.hub_emissions}
    handled = [s for s in q.steps if s.kind == "transfer"]
    assert handled
    for step in handled:
        hub = hubs[net.places[step.from_place].kind]
        tonnes = profile.tonnes_per_teu * q.shipment.teu
        assert step.hub_co2e_kg == pytest.approx(hub.reefer_wtw_kg_co2e_per_t * tonnes)
        refrigeration = profile.refrigeration_kg_co2e_per_hour * step.hours_p50
        refrigeration_ttw = profile.refrigeration_ttw_kg_co2e_per_hour * step.hours_p50
        assert step.co2e_kg == pytest.approx(step.hub_co2e_kg + refrigeration)
        assert step.co2e_ttw_kg == pytest.approx(
            hub.reefer_ttw_kg_co2e_per_t * tonnes + refrigeration_ttw
        )


def test_a_transload_at_the_border_gate_is_a_hub(net, quotes):
    q = quotes[2]  # Kunming → Hanoi by road, no CBTA permits: transloaded at Kim Thanh
    (gate,) = q.border_crossings
    crossing = net.crossings[gate.ref]
    assert crossing.trucks.value == "transload"
    hub = {h.kind: h for h in net.dataset.hub_emissions}[PlaceKind.BORDER_GATE]
    tonnes = _tonnes(net, q)
    assert gate.hub_co2e_kg == pytest.approx(hub.wtw_kg_co2e_per_t * tonnes)
    assert gate.hub_co2e_kg > 0
    road = net.emissions[Mode.ROAD]
    assert gate.co2e_kg == pytest.approx(
        gate.hub_co2e_kg + road.g_co2e_per_tkm * crossing.km * tonnes / 1000
    )


def test_the_co2_objective_minimises_well_to_wheel_hubs_included(net):
    options = {"network": net, "teu": 2}
    green = quote("Kunming", "Hai Phong", objective="co2", **options)
    for objective in ("cost", "time", "generalised"):
        other = quote("Kunming", "Hai Phong", objective=objective, **options)
        assert green.co2e_wtw_kg <= other.co2e_wtw_kg + 1e-6
    # a carbon price never raises the generalised route's emissions
    free = quote("Kunming", "Hai Phong", objective="generalised", **options)
    priced = quote(
        "Kunming", "Hai Phong", objective="generalised", carbon_price_usd_per_t=5000, **options
    )
    assert priced.co2e_wtw_kg <= free.co2e_wtw_kg + 1e-6
    assert priced.co2e_wtw_kg == pytest.approx(green.co2e_wtw_kg)


def test_the_frame_and_the_json_carry_the_iso_figures(quotes):
    q = quotes[0]
    frame = q.to_frame()
    for column in ("co2e_kg", "co2e_ttw_kg", "co2e_wtt_kg", "hub_co2e_kg", "tonne_km"):
        assert column in frame.columns
    assert frame["co2e_ttw_kg"].sum() == pytest.approx(q.co2e_ttw_kg)
    steps = q.to_dict()["steps"]
    assert [s["hub_co2e_kg"] for s in steps] == [s.hub_co2e_kg for s in q.steps]
    text = q.explain()
    assert f"{q.co2e_ttw_kg:,.0f} tank to wheel" in text
    assert f"{q.intensity_g_per_tkm:,.1f} g CO2e per t-km" in text


def test_the_cli_shows_the_iso_figures_when_asked():
    runner = CliRunner()
    asked = runner.invoke(
        app, ["quote", "Kunming", "Hai Phong", "--emissions"], env={"COLUMNS": "200"}
    )
    assert asked.exit_code == 0, asked.output
    q = quote("Kunming", "Hai Phong")
    assert "kg TTW" in asked.output and "kg hub" in asked.output
    assert f"{q.intensity_g_per_tkm:,.1f} g CO2e per t-km" in asked.output
    plain = runner.invoke(app, ["quote", "Kunming", "Hai Phong"], env={"COLUMNS": "200"})
    assert plain.exit_code == 0 and "kg TTW" not in plain.output


def test_tank_to_wheel_above_well_to_wheel_is_refused_with_its_cell(data_copy, edit_cell):
    line = edit_cell("emissions.csv", 0, "ttw_g_co2e_per_tkm", "500")  # road: WTW 90.3
    with pytest.raises(DataError, match="is more than well to wheel") as caught:
        load_dataset(data_copy)
    assert (caught.value.file, caught.value.row, caught.value.column) == (
        "emissions.csv",
        line,
        "ttw_g_co2e_per_tkm",
    )


def test_a_handling_place_without_hub_emissions_is_refused(data_copy):
    path = data_copy / "hub_emissions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("seaport,")) + "\n")
    with pytest.raises(DataError, match="no hub emissions for places of kind 'seaport'"):
        load_dataset(data_copy)
