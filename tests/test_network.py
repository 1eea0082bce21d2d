"""Network: year filter, physical graph, service graph, GeoDataFrames."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corridor
from corridor import InvalidRequestError, costs, load_network
from corridor.model import CargoClass, Mode
from corridor.service import ABOARD, SINK, SOURCE, THROUGH_MODES


def test_planned_infrastructure_appears_from_its_opening_year():
    before, after = load_network(2029), load_network(2030)
    for element in ("rail1435_sgr_lao_cai_yen_vien", "air_sa_pa_noi_bai"):
        assert element not in before.legs
        assert element in after.legs
    assert "sa_pa_airport" not in before.places
    assert "hekou_north_lao_cai_sgr" in after.crossings
    assert before.summary()["not_yet_open"] > after.summary()["not_yet_open"]


@settings(max_examples=30, deadline=None)
@given(year=st.integers(min_value=2020, max_value=2040))
def test_every_element_of_a_year_is_open_that_year(year):
    net = load_network(year)
    for leg in net.legs.values():
        assert leg.opens is None or leg.opens <= year
        assert leg.origin in net.places and leg.destination in net.places
    for crossing in net.crossings.values():
        assert crossing.opens is None or crossing.opens <= year
    for transfer in net.transfers:
        assert transfer.opens is None or transfer.opens <= year


def test_physical_graph_has_both_directions(network):
    graph = network.graph
    assert graph.number_of_nodes() == len(network.places)
    gates = [c for c in network.crossings.values() if c.leg is None]
    assert graph.number_of_edges() == 2 * (len(network.legs) + len(gates))
    assert graph.has_edge("hekou_north", "lao_cai_station", key="hekou_north_lao_cai_rail")
    assert graph.has_edge("lao_cai_station", "hekou_north", key="hekou_north_lao_cai_rail")


def test_a_flight_cleared_in_the_air_is_one_edge_naming_its_crossing(network):
    """Airport customs ride on the flight: no parallel border edge between the airports."""
    (air,) = [c for c in network.crossings.values() if c.leg is not None]
    leg = network.legs[air.leg]
    for tail, head in ((leg.origin, leg.destination), (leg.destination, leg.origin)):
        edges = network.graph.get_edge_data(tail, head)
        assert list(edges) == [leg.id]
        assert edges[leg.id]["crossing"] == air.id


def test_service_graph_vertices_are_place_mode_pairs(network):
    graph = network.service_graph()
    for name, label in graph.nodes:
        # cargo landed by a cross-border leg and not yet cleared: "<place>|<crossing>";
        # cargo aboard a train at a place: "<place>|aboard"
        place_id, _, crossing = name.partition("|")
        assert place_id in network.places
        assert label in {SOURCE, SINK} or Mode(label) in network.places[place_id].modes
        if crossing == ABOARD:
            assert Mode(label) in THROUGH_MODES
            # it runs on, crosses, or gets off to transfer or be unloaded
            assert {arc["kind"] for *_, arc in graph.out_edges((name, label), data=True)} <= {
                "leg",
                "border",
                "transfer",
                "egress",
            }
        elif crossing:
            assert network.crossings[crossing].leg is not None
            assert {arc["kind"] for *_, arc in graph.out_edges((name, label), data=True)} == {
                "border"
            }
    assert graph.in_degree(("kunming", SOURCE)) == 0
    assert graph.out_degree(("hai_phong", SINK)) == 0


def test_a_through_train_waits_for_one_departure(network):
    """Kaiyuan → Hai Phong by metre gauge is one train (vnr-nhandan-2017: 610 km in about
    29 h, which set the legs' speed): the wait for a departure comes once, when boarding,
    and the train runs on across the border and through Yen Bai, Viet Tri and Yen Vien."""
    q = corridor.quote("Kaiyuan", "Hai Phong", modes=["rail_1000"], network=network)
    legs = q.legs
    assert [s.to_place for s in legs][-1] == "hai_phong" and len(legs) == 5
    first, *onward = legs
    wait = costs.departure_wait_hours(network.legs[first.ref].departures_per_day)[0]
    assert first.hours_p50 == pytest.approx(network.legs[first.ref].hours + wait)
    assert all(s.hours_p50 == pytest.approx(network.legs[s.ref].hours) for s in onward)
    # passing a place aboard is going via it, and avoiding it avoids the train too
    via = corridor.quote(
        "Kaiyuan", "Hai Phong", modes=["rail_1000"], via="Yen Bai", network=network
    )
    assert via.steps == q.steps
    with pytest.raises(corridor.NoRouteError):
        corridor.quote(
            "Kaiyuan", "Hai Phong", modes=["rail_1000"], avoid="Yen Bai", network=network
        )
    # the simulation waits once too: its median is near the planned hours, not 16 h above
    assert abs(q.hours_p50 - q.planned_hours) < 6
    # cargo aboard at Yen Bai runs on or gets off to be unloaded (the same arcs as from the
    # terminal), but never gets off to wait for the next train; boarding there waits
    graph = network.service_graph()
    aboard, stop = ("yen_bai|aboard", "rail_1000"), ("yen_bai", "rail_1000")
    assert not graph.has_edge(aboard, stop)
    unload = graph.get_edge_data(aboard, ("yen_bai", SINK))
    assert unload == graph.get_edge_data(stop, ("yen_bai", SINK))
    leg = network.legs["rail1000_yen_bai_viet_tri"]
    through = graph.get_edge_data(aboard, ("viet_tri|aboard", "rail_1000"))[leg.id]
    boarding = graph.get_edge_data(stop, ("viet_tri|aboard", "rail_1000"))[leg.id]
    assert boarding["hours_p50"] - through["hours_p50"] == pytest.approx(12 / 4)
    # barges are separate services: each river leg keeps its wait
    river = graph.get_edge_data(("viet_tri", "river"), ("khuyen_luong_port", "river"))
    assert river is not None and not any("|aboard" in v[0] for v in graph if v[1] == "river")


def test_the_cross_border_flight_lands_before_customs(network):
    """The flight's arcs end at an uncleared vertex; only the customs arc leads on."""
    graph = network.service_graph()
    (customs,) = network.crossings_on("air_changshui_noi_bai")
    for origin, arrival in (
        ("kunming_changshui_airport", "noi_bai_airport"),
        ("noi_bai_airport", "kunming_changshui_airport"),
    ):
        assert not graph.has_edge((origin, "air"), (arrival, "air"))
        uncleared = (f"{arrival}|{customs.id}", "air")
        (flight,) = graph.get_edge_data((origin, "air"), uncleared).values()
        (border,) = graph.get_edge_data(uncleared, (arrival, "air")).values()
        assert (flight["kind"], flight["ref"]) == ("leg", "air_changshui_noi_bai")
        assert (border["kind"], border["ref"]) == ("border", customs.id)
        assert border["from_place"] == border["to_place"] == arrival
        assert border["cost_usd"] == customs.fee_usd_per_teu
    # the domestic flight lands straight at Noi Bai (2031: Sa Pa airport is open)
    later = load_network(2031).service_graph()
    assert later.has_edge(("sa_pa_airport", "air"), ("noi_bai_airport", "air"))


def test_gauge_break_is_a_transfer_arc(network):
    graph = network.service_graph()
    arcs = graph.get_edge_data(("hekou_north", "rail_1435"), ("hekou_north", "rail_1000"))
    (arc,) = arcs.values()
    assert arc["kind"] == "transfer"
    assert arc["hours_p90"] >= arc["hours_p50"] > 0


def test_rail_run_pays_the_fixed_tariff_once(network):
    """Kunming → Hekou North by standard gauge: fixed part on boarding, per-km on each leg."""
    graph = network.service_graph()
    path = [
        ("kunming", SOURCE),
        ("kunming", "rail_1435"),
        ("yuxi|aboard", "rail_1435"),  # the train runs on
        ("mengzi|aboard", "rail_1435"),
        ("hekou_north|aboard", "rail_1435"),
    ]
    cost = nx.path_weight(graph, path, weight="cost_usd")  # MultiDiGraph: min over parallels
    tariff = network.tariffs[(Mode.RAIL_1435, "any")]
    loading = next(
        t
        for t in network.transfers
        if t.place == "kunming" and Mode.RAIL_1435 in (t.from_mode, t.to_mode)
    )
    km = sum(
        network.legs[i].km
        for i in ("rail1435_kunming_yuxi", "rail1435_yuxi_mengzi", "rail1435_mengzi_hekou_north")
    )
    assert km == pytest.approx(388)
    assert cost == pytest.approx(tariff.cost_usd_per_teu(km) + loading.cost_usd_per_teu)


def test_reefer_graph_skips_places_without_reefer_handling(network):
    general = network.service_graph(CargoClass.GENERAL)
    reefer = network.service_graph(CargoClass.REEFER)
    assert not network.places["lao_cai_icd"].reefer
    rail = [v for _, v in general.out_edges(("lao_cai_icd", SOURCE))]
    assert ("lao_cai_icd", "rail_1000") in rail
    # a reefer truck loads there (a truck delivers anywhere), but no box changes mode there
    assert [v for _, v in reefer.out_edges(("lao_cai_icd", SOURCE))] == [("lao_cai_icd", "road")]
    for tail, head, data in reefer.edges(data=True):
        by_truck = data["kind"] in {"access", "egress"} and Mode.ROAD.value in (tail[1], head[1])
        if data["kind"] in {"transfer", "access", "egress"} and not by_truck:
            assert network.places[data["from_place"]].reefer
        if data["kind"] == "leg":
            assert network.legs[data["ref"]].reefer


def test_seasonal_river_leg_only_in_its_months(network):
    def has(month):
        graph = network.service_graph(month=month)
        return graph.has_edge(("yen_bai", "river"), ("viet_tri", "river"))

    assert has(7)
    assert not has(2)
    assert not has(None)  # without a month only all-year legs are kept


def test_border_crossing_clearance_by_direction(network):
    graph = network.service_graph()
    south = graph.get_edge_data(("hekou", "road"), ("kim_thanh", "road"))["hekou_kim_thanh"]
    crossing = network.crossings["hekou_kim_thanh"]
    assert south["hours_p50"] == crossing.hours_p50_cn_vn + crossing.transload_hours
    assert south["cost_usd"] == crossing.fee_usd_per_teu + crossing.transload_usd_per_teu
    direct = graph.get_edge_data(("hekou", "road"), ("kim_thanh", "road"))["hekou_kim_thanh_cbta"]
    assert direct["hours_p50"] < south["hours_p50"]


def test_geodataframes(network):
    places, links = network.to_geodataframes()
    assert places.crs.to_epsg() == 4326 and links.crs.to_epsg() == 4326
    assert len(places) == len(network.places)
    assert len(links) == len(network.legs) + len(network.crossings)
    assert set(links["kind"]) == {"leg", "border"}
    lao_cai = places.loc["lao_cai_station"].geometry
    assert (lao_cai.x, lao_cai.y) == (103.9783, 22.4925)
    assert links.geometry.is_valid.all()


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_must_be_a_month(network, month):
    with pytest.raises(InvalidRequestError, match=f"month must be 1-12, got {month}"):
        network.service_graph("general", month=month)
    with pytest.raises(InvalidRequestError, match=f"month must be 1-12, got {month}"):
        network.crossings["hekou_kim_thanh"].clearance_hours(northbound=True, month=month)
