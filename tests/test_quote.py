"""Route quotes: exactness against brute force, corridor cases, errors."""

from __future__ import annotations

import csv
import functools
import itertools
import json
import re
import sys
from datetime import datetime, timedelta

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from corridor import (
    CargoClass,
    DataError,
    InvalidRequestError,
    NoRouteError,
    UnknownPlaceError,
    load_network,
    pareto,
    quote,
    quote_many,
)
from corridor.cli import app as cli_app
from corridor.data import default_data_dir, load_dataset
from corridor.model import MAX_TONNES_PER_TEU, Mode, TruckRegime
from corridor.network import Network
from corridor.service import SINK, SOURCE
from corridor.solvers import shortest as shortest_module
from corridor.solvers import zero_one
from corridor.solvers.arrays import GraphArrays
from corridor.solvers.rcsp import Resource, constrained_path
from corridor.solvers.shortest import NoFlowError, cheapest_path

# --- the solver against brute-force enumeration on small random graphs ---------------------


@st.composite
def small_multigraphs(draw):
    """Random multigraphs (parallel arcs and cycles allowed) with non-negative weights.

    Three graphs in four have among their arcs a path 0 → … → n-1 (through other vertices in
    random order); the others may have none, for the solvers to report.
    """
    n = draw(st.integers(min_value=2, max_value=7))
    weights = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda w: round(w, 2))
    arcs = []
    if draw(st.sampled_from([True, True, True, False])):
        stops = draw(st.permutations(range(1, n - 1)))[: draw(st.integers(0, n - 2))]
        arcs += [(a, b, draw(weights)) for a, b in itertools.pairwise([0, *stops, n - 1])]
    arc = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), weights)
    arcs += draw(st.lists(arc.filter(lambda a: a[0] != a[1]), max_size=18 - len(arcs)))
    return n, draw(st.permutations(arcs))


@settings(max_examples=300, deadline=None)
@given(small_multigraphs())
def test_min_cost_flow_path_equals_brute_force(graph):
    n, arcs = graph
    tails = np.array([a[0] for a in arcs], dtype=np.int32)
    heads = np.array([a[1] for a in arcs], dtype=np.int32)
    weights = np.array([a[2] for a in arcs], dtype=float)
    multigraph = nx.MultiDiGraph()
    multigraph.add_nodes_from(range(n))
    for i, (u, v, w) in enumerate(arcs):
        multigraph.add_edge(u, v, key=i, w=w)
    paths = list(nx.all_simple_edge_paths(multigraph, 0, n - 1))
    event("a path" if paths else "no path")
    try:
        found = cheapest_path(GraphArrays(n, tails, heads), weights, source=0, sink=n - 1)
    except NoFlowError:
        assert not paths
        return
    best = min(sum(arcs[key][2] for _, _, key in path) for path in paths)
    # a connected path from source to sink, made of given arcs
    assert tails[found[0]] == 0 and heads[found[-1]] == n - 1
    assert all(heads[a] == tails[b] for a, b in itertools.pairwise(found))
    assert sum(weights[a] for a in found) == pytest.approx(best, abs=1e-6)


# --- the corridor: the quote is the shortest path, itemised ----------------------------


@pytest.mark.parametrize("objective", ["cost", "time", "co2"])
def test_quote_matches_dijkstra_for_every_pair_of_cities(network, objective):
    column = {"cost": "cost_usd", "time": "hours_p50", "co2": "co2e_kg"}[objective]
    total = {"cost": "cost_usd", "time": "planned_hours", "co2": "co2e_kg"}[objective]
    graph = network.service_graph()
    ends = ["kunming", "hai_phong", "nanning", "hanoi", "lach_huyen", "lang_son", "yuxi"]
    for origin, destination in itertools.permutations(ends, 2):
        # cbta: the service graph holds the direct-trucking crossing too
        q = quote(origin, destination, objective=objective, cbta=True, network=network)
        expected = nx.dijkstra_path_length(
            graph, (origin, SOURCE), (destination, SINK), weight=column
        )
        assert getattr(q, total) == pytest.approx(expected, rel=1e-6, abs=1e-3)


@pytest.mark.parametrize(("origin", "destination"), [("kunming", "hai_phong"), ("hanoi", "yuxi")])
def test_solvers_see_only_arcs_on_some_route(network, origin, destination):
    graph = network.service_graph()
    arrays = network.service_arrays()
    start, end = (origin, SOURCE), (destination, SINK)
    keep = arrays.between(arrays.index[start], arrays.index[end])
    after = nx.descendants(graph, start) | {start}
    before = nx.ancestors(graph, end) | {end}
    expected = [u in after and v in before for u, v, _ in arrays.arcs]
    assert keep.tolist() == expected
    assert keep.sum() < len(keep) / 1.5  # loading and unloading elsewhere is gone


@pytest.mark.parametrize("objective", ["time", "co2"])
def test_ties_on_the_objective_go_to_the_cheaper_route(network, objective):
    q = quote("Kunming", "Hai Phong", objective=objective, cbta=True, network=network)
    places = [s.from_place for s in q.transshipments]
    assert len(places) == len(set(places))  # no chain of free handling moves at one place
    graph = network.service_graph()
    column = {"time": "hours_p50", "co2": "co2e_kg"}[objective]
    best = nx.dijkstra_path_length(graph, ("kunming", SOURCE), ("hai_phong", SINK), weight=column)
    total = {"hours_p50": "planned_hours", "co2e_kg": "co2e_kg"}[column]
    assert getattr(q, total) == pytest.approx(best, abs=1e-3)


@settings(max_examples=200, deadline=None)
@given(small_multigraphs(), st.data(), st.booleans())
def test_tie_break_is_lexicographic(graph, data, overflow):
    """In one min-cost flow, or in two stages where the combined costs would overflow."""
    n, arcs = graph
    tails = np.array([a[0] for a in arcs], dtype=np.int32)
    heads = np.array([a[1] for a in arcs], dtype=np.int32)
    primary = np.array([round(a[2]) % 3 for a in arcs], dtype=float)  # many ties
    secondary = np.array(
        data.draw(st.lists(st.integers(0, 50), min_size=len(arcs), max_size=len(arcs))),
        dtype=float,
    )
    multigraph = nx.MultiDiGraph()
    multigraph.add_nodes_from(range(n))
    for i, (u, v, _) in enumerate(arcs):
        multigraph.add_edge(u, v, key=i)
    paths = list(nx.all_simple_edge_paths(multigraph, 0, n - 1))
    event("a path" if paths else "no path")
    try:
        with pytest.MonkeyPatch.context() as patch:
            if overflow:
                patch.setattr(shortest_module, "_integer_costs", lambda *_: None)
            found = cheapest_path(
                GraphArrays(n, tails, heads), primary, source=0, sink=n - 1, tie_break=secondary
            )
    except NoFlowError:
        assert not paths
        return
    best = min((sum(primary[k] for *_, k in p), sum(secondary[k] for *_, k in p)) for p in paths)
    assert (sum(primary[a] for a in found), sum(secondary[a] for a in found)) == best


@settings(max_examples=200, deadline=None)
@given(small_multigraphs(), st.data(), st.booleans())
def test_constrained_tie_break_is_lexicographic(graph, data, one_solve):
    """With a limit: least primary, then least tie-break, in one solve or in two (large graphs)."""
    n, arcs = graph
    tails = np.array([a[0] for a in arcs], dtype=np.int32)
    heads = np.array([a[1] for a in arcs], dtype=np.int32)
    primary = np.array([round(a[2]) % 3 for a in arcs], dtype=float)  # many ties
    draw = functools.partial(st.lists, min_size=len(arcs), max_size=len(arcs))
    secondary = np.array(data.draw(draw(st.integers(0, 50))), dtype=float)
    hours = np.array(data.draw(draw(st.integers(1, 9))), dtype=float)
    limit = data.draw(st.integers(1, 30))
    multigraph = nx.MultiDiGraph()
    multigraph.add_nodes_from(range(n))
    for i, (u, v, _) in enumerate(arcs):
        multigraph.add_edge(u, v, key=i)
    paths = [
        [k for *_, k in p]
        for p in nx.all_simple_edge_paths(multigraph, 0, n - 1)
        if sum(hours[k] for *_, k in p) <= limit
    ]
    event("a path within the limit" if paths else "no path within the limit")
    with pytest.MonkeyPatch.context() as patch:
        if not one_solve:
            patch.setattr(zero_one, "CP_SAT_MAX_ARCS", 0)
        try:
            found = constrained_path(
                GraphArrays(n, tails, heads),
                primary,
                [Resource("hours", hours, limit)],
                source=0,
                sink=n - 1,
                tie_break=secondary,
                tie_limit=data.draw(st.sampled_from([None, 5_000.0])),
            ).path
        except NoFlowError:
            assert not paths
            return
    best = min((primary[p].sum(), secondary[p].sum()) for p in paths)
    assert hours[found].sum() <= limit
    assert (primary[found].sum(), secondary[found].sum()) == best


def test_totals_are_the_sum_of_the_steps_and_scale_with_teu(network):
    one = quote("Kunming", "Hai Phong", network=network)
    three = quote("Kunming", "Hai Phong", teu=3, network=network)
    assert one.cost_usd == pytest.approx(one.to_frame()["cost_usd"].sum())
    assert three.cost_usd == pytest.approx(3 * one.cost_usd)
    assert three.co2e_kg == pytest.approx(3 * one.co2e_kg)
    heavy = quote("Kunming", "Hai Phong", tonnes=20, network=network)
    assert heavy.co2e_kg == pytest.approx(2 * one.co2e_kg)  # 20 t vs 10 t payload
    assert one.hours_p90 >= one.hours_p50


def test_rail_quote_has_the_gauge_break_at_the_border():
    q = quote("Kunming", "Hai Phong", modes=["rail_1435", "rail_1000"], year=2026)
    assert "hekou_north:rail_1435>rail_1000" in [s.ref for s in q.transshipments]
    assert [s.ref for s in q.border_crossings] == ["hekou_north_lao_cai_rail"]


def test_with_the_2030_line_the_cheapest_rail_route_has_no_gauge_break():
    q = quote("Kunming", "Lach Huyen", modes=["rail_1435", "rail_1000"], year=2031)
    assert q.transshipments == []
    assert q.modes == ["rail_1435"]
    with pytest.raises(NoRouteError, match="by rail_1000, rail_1435 in 2026"):
        quote("Kunming", "Lach Huyen", modes=["rail_1435", "rail_1000"], year=2026)


def test_reefer_never_touches_a_place_without_reefer_handling(network):
    q = quote("Kunming", "Hai Phong", cargo="reefer", network=network)
    for step in q.steps:
        if step.kind in {"access", "egress", "transfer", "border"}:
            assert network.places[step.from_place].reefer
            assert network.places[step.to_place].reefer
        if step.kind == "leg":
            assert network.legs[step.ref].reefer


def test_reefer_co2_adds_the_refrigeration_hours_per_teu_not_per_tonne(network):
    options = {"cargo": "reefer", "modes": ["road"], "network": network}
    full = quote("Kunming", "Hanoi", **options)
    light = quote("Kunming", "Hanoi", tonnes=6, **options)
    profile = network.cargo_profiles[CargoClass.REEFER]
    per_hour = profile.refrigeration_kg_co2e_per_hour
    assert per_hour > 0
    refrigeration = per_hour * sum(s.hours_p50 for s in full.steps)
    transport = full.co2e_kg - refrigeration
    assert transport > 0
    # half the payload halves the transport part; the reefer unit runs as long as before
    assert light.co2e_kg == pytest.approx(transport * 6 / profile.tonnes_per_teu + refrigeration)
    for step in full.steps:
        if step.kind == "transfer":  # handling emits the unit's share and the hub's
            assert step.co2e_kg == pytest.approx(per_hour * step.hours_p50 + step.hub_co2e_kg)
    general = network.cargo_profiles[CargoClass.GENERAL]
    assert general.refrigeration_kg_co2e_per_hour == 0


def test_the_cold_chain_train_reaches_lao_cai_station(network):
    q = quote(
        "Yuxi", "Lao Cai station", cargo="reefer", modes=["rail_1435", "rail_1000"], network=network
    )
    assert [s.ref for s in q.border_crossings] == ["hekou_north_lao_cai_rail"]


def test_avoiding_the_lao_cai_gates_moves_the_route(network):
    road = quote("Kunming", "Hanoi", modes=["road"], network=network)
    assert road.border_crossings[0].to_place == "kim_thanh"
    moved = quote("Kunming", "Hanoi", modes=["road"], avoid=["Kim Thanh"], network=network)
    gate = moved.border_crossings[0]
    assert gate.to_place != "kim_thanh"
    assert "kim_thanh" not in {s.from_place for s in moved.steps}
    assert moved.cost_usd >= road.cost_usd


def test_avoiding_a_crossing_by_id(network):
    q = quote("Kunming", "Hanoi", modes=["road"], avoid=["hekou_kim_thanh_cbta"], network=network)
    assert q.border_crossings[0].ref == "hekou_kim_thanh"


def test_avoiding_one_crossing_of_a_gate_notes_the_other_one_used(network):
    """The transloading road gate and the CBTA crossing join the same two places."""
    q = quote("Hekou", "Lao Cai", avoid=["hekou_kim_thanh"], cbta=True, network=network)
    assert [s.ref for s in q.border_crossings] == ["hekou_kim_thanh_cbta"]
    assert q.notes == (
        "avoid hekou_kim_thanh: the route crosses at hekou_kim_thanh_cbta, another crossing "
        "between hekou and kim_thanh; avoid kim_thanh to avoid both",
    )
    both = quote("Hekou", "Lao Cai", avoid=["kim_thanh"], network=network)
    assert "kim_thanh" not in both.places and not both.notes


def test_generalised_objective_trades_money_for_time(network):
    cheap = quote("Kunming", "Hai Phong", objective="cost", network=network)
    valuable = quote(
        "Kunming", "Hai Phong", objective="generalised", value_usd=500_000, network=network
    )
    assert valuable.planned_hours < cheap.planned_hours
    assert valuable.cost_usd >= cheap.cost_usd


def test_seasonal_river_is_used_only_in_its_months(network):
    july = quote("Yen Bai", "Hai Phong", month=7, modes=["river"], network=network)
    assert july.legs[0].ref == "river_yen_bai_viet_tri"
    with pytest.raises(NoRouteError, match="by river in 2026 in month 2"):
        quote("Yen Bai", "Hai Phong", month=2, modes=["river"], network=network)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"teu": 0}, InvalidRequestError, "teu must be more than 0"),
        ({"teu": -2}, InvalidRequestError, "teu must be more than 0"),
        ({"objective": "cheap"}, InvalidRequestError, "objective must be one of"),
        ({"avoid": ["Kunming"]}, InvalidRequestError, "origin or destination"),
        ({"month": 13}, InvalidRequestError, "month must be 1-12"),
        ({"year": 2031}, InvalidRequestError, "network given is for 2026"),
        ({"modes": []}, InvalidRequestError, "modes is empty: give at least one mode"),
    ],
)
def test_bad_requests(network, kwargs, error, message):
    with pytest.raises(error, match=message):
        quote("Kunming", "Hai Phong", network=network, **kwargs)


def test_unknown_place_and_unreachable_cargo(network):
    with pytest.raises(UnknownPlaceError, match="did you mean 'Kunming'"):
        quote("Kunmign", "Hai Phong", network=network)
    with pytest.raises(NoRouteError, match="Tien Son ICD .* no handling for dangerous cargo"):
        quote("Kunming", "Tien Son ICD", cargo="dangerous", network=network)


def test_quoting_to_a_place_that_opens_later(network):
    with pytest.raises(UnknownPlaceError, match="Sa Pa airport .* opens in 2030"):
        quote("Kunming", "Sa Pa", network=network)
    table = quote_many([{"origin": "Hanoi", "destination": "Sa Pa"}], network=network)
    assert table.loc[0, "status"] == "PlaceNotOpenError"


def test_no_dangerous_goods_route_says_which_places_block_it(network):
    """Both ends handle dangerous goods; no border crossing does (the shipped data)."""
    dg = CargoClass.DANGEROUS
    assert network.place("Kunming").dangerous and network.place("Hanoi").dangerous
    assert not any(
        network.places[c.cn_place].dangerous and network.places[c.vn_place].dangerous
        for c in network.crossings.values()
    )
    general = quote("Kunming", "Hanoi", network=network)
    with pytest.raises(NoRouteError) as caught:
        quote("Kunming", "Hanoi", cargo="dangerous", network=network)
    message = str(caught.value)
    assert message.startswith("no route from Kunming to Hanoi for dangerous cargo in 2026: ")
    assert "no border crossing open in 2026 handles dangerous cargo (each of the " in message
    assert f"the {len(network.crossings)} has a side" in message
    # it names the general-cargo route's gate and every place on it without the handling
    for step in general.border_crossings:
        assert network.crossings[step.ref].name in message
    blocking = {
        network.places[p].name
        for s in general.steps
        if s.kind in {"transfer", "border"}
        for p in (s.from_place, s.to_place)
        if not network.places[p].handles(dg)
    }
    assert blocking and all(name in message for name in blocking)
    assert "places and gates allowed" not in message


def test_no_reefer_route_names_the_gate_of_the_general_route(network):
    # (by Nanning, reefers reach Huu Nghi from its Chinese side: that round is avoided)
    options = {"modes": ["road"], "avoid": ["kim_thanh", "nanning"], "via": ["Huu Nghi"]}
    general = quote("Kunming", "Hanoi", network=network, **options)
    (gate,) = general.border_crossings
    crossing = network.crossings[gate.ref]
    with pytest.raises(NoRouteError) as caught:
        quote("Kunming", "Hanoi", cargo="reefer", network=network, **options)
    message = str(caught.value)
    assert "via Huu Nghi gate" in message
    assert f"across {crossing.name}, has no handling for reefer cargo at" in message
    # a reefer crossing exists (Hekou - Kim Thanh), so that is not what blocks
    assert "no border crossing" not in message
    for place_id in (crossing.cn_place, crossing.vn_place):
        assert (network.places[place_id].name in message) != network.places[place_id].reefer


def test_no_route_for_general_cargo_either_is_not_blamed_on_handling(network):
    with pytest.raises(NoRouteError, match="with the places and gates allowed$"):
        quote(
            "Kunming",
            "Hanoi",
            cargo="reefer",
            modes=["road"],
            avoid=[c.id for c in network.crossings.values()],
            network=network,
        )


def _capacity(network, step):
    """The data's capacity (TEU/day) of a leg or border step, None if unlimited or other."""
    if step.kind == "leg":
        return network.legs[step.ref].capacity_teu_day
    if step.kind == "border":
        return network.crossings[step.ref].capacity_teu_day
    return None


@pytest.mark.parametrize(
    ("teu", "options"),
    [
        (500, {"objective": "time"}),  # the CBTA direct-trucking lane, 50 TEU/day
        (20, {"objective": "time", "avoid": ["kim_thanh"]}),  # the flight, 5 TEU/day
    ],
)
def test_a_shipment_larger_than_a_step_takes_in_a_day_gets_a_note(network, teu, options):
    q = quote("Kunming", "Hanoi", teu=teu, network=network, **options)
    over = [(c, s) for s in q.steps if (c := _capacity(network, s)) is not None and c < teu]
    assert over, "the fastest route should use a step smaller than the shipment"
    capacity, step = min(over, key=lambda item: item[0])
    (note,) = q.notes
    assert note.startswith(f"{teu:g} TEU is more than the route carries in a day: ")
    assert f"{capacity:g} TEU/day" in note and "corridor plan" in note
    if step.kind == "border":
        assert network.crossings[step.ref].name in note
    assert q.to_dict()["notes"] == [note]
    assert q.explain().endswith(f"note: {note}")
    table = quote_many([{"origin": "Kunming", "destination": "Hanoi", "teu": teu, **options}])
    assert table.loc[0, "notes"] == note


def test_a_shipment_within_every_capacity_has_no_note(network):
    q = quote("Kunming", "Hanoi", teu=2, network=network)
    assert all((_capacity(network, s) or np.inf) >= 2 for s in q.steps)
    assert q.notes == () and q.to_dict()["notes"] == []


def test_a_via_border_gate_that_is_not_crossed_gets_a_note(network):
    detour = quote(
        "Kunming", "Hanoi", modes=["road"], avoid=["kim_thanh"], via=["Huu Nghi"], network=network
    )
    assert "huu_nghi" not in {
        p for s in detour.border_crossings for p in (s.from_place, s.to_place)
    }
    gates = " and ".join(network.crossings[s.ref].name for s in detour.border_crossings)
    assert detour.notes == (
        f"via Huu Nghi gate: the route passes this border gate without crossing there "
        f"(it crosses at {gates})",
    )
    crossed = quote("Nanning", "Hanoi", modes=["road"], via=["Huu Nghi"], network=network)
    assert "huu_nghi" in {s.to_place for s in crossed.border_crossings}
    assert crossed.notes == ()


def test_same_origin_and_destination(network):
    with pytest.raises(InvalidRequestError, match="same place"):
        quote("Hanoi", "Hà Nội", network=network)


def test_to_dict_is_json_safe(network):
    payload = quote("Kunming", "Hai Phong", network=network).to_dict()
    again = json.loads(json.dumps(payload))
    assert again["totals"]["transshipments"] == len(again["steps"]) - len(
        [s for s in again["steps"] if s["kind"] != "transfer"]
    )
    assert again["shipment"]["cargo"] == "general"
    assert load_network(2026).place(again["shipment"]["destination"]).id == "hai_phong"


def test_quote_many_reports_status_per_row(network):
    requests = pd.DataFrame(
        {
            "origin": ["Kunming", "Kunming", "Kunmign", "Kunming"],
            "destination": ["Hai Phong", "Hai Phong", "Hanoi", "Tien Son ICD"],
            "deadline": [np.nan, 48.0, np.nan, np.nan],
            "cargo": ["general", "general", "general", "dangerous"],
        }
    )
    table = quote_many(requests, network=network)
    assert list(table["status"]) == ["ok", "ok", "UnknownPlaceError", "NoRouteError"]
    assert table.loc[1, "planned_hours"] <= 48 < table.loc[0, "planned_hours"]
    assert table.loc[0, "cost_usd"] == pytest.approx(
        quote("Kunming", "Hai Phong", network=network).cost_usd
    )
    assert "did you mean" in table.loc[2, "message"]


def test_quote_many_rows_say_how_large_each_shipment_is(network):
    requests = [
        {"origin": "Kunming", "destination": "Hanoi", "teu": 2, "tonnes": 30},
        {"origin": "Kunming", "destination": "Hanoi"},
        {"origin": "Kunmign", "destination": "Hanoi", "teu": 5},
        {"origin": "Kunming", "destination": "Hanoi", "cargo": "reefer"},
    ]
    table = quote_many(requests, network=network)
    assert list(table["status"]) == ["ok", "ok", "UnknownPlaceError", "ok"]
    assert table["cargo"].tolist()[:2] == ["general"] * 2 and table.loc[3, "cargo"] == "reefer"
    assert list(table["teu"]) == [2, 1, 5, 1]  # a failed row: the TEU it asked for
    assert pd.isna(table.loc[2, "cargo"]) and pd.isna(table.loc[2, "cost_usd"])  # not given
    assert table.loc[0, "tonnes"] == 30 and pd.isna(table.loc[1, "tonnes"])  # not given
    assert table.loc[0, "cost_usd"] / table.loc[0, "teu"] == pytest.approx(table.loc[1, "cost_usd"])


def test_quote_many_quotes_identical_requests_once(network, monkeypatch):
    """Repeated lanes are solved once; every row still gets the figures of its own quote."""
    quote_module = sys.modules["corridor.routing.batch"]
    calls = []
    real = quote_module.quote
    monkeypatch.setattr(quote_module, "quote", lambda *a, **k: calls.append(k) or real(*a, **k))
    requests = [
        {"origin": "Kunming", "destination": "Hanoi", "modes": ["road"]},
        {"origin": "Kunming", "destination": "Hanoi", "modes": ["road"]},
        {"origin": "Kunming", "destination": "Hanoi", "modes": ["road"], "teu": 2},
        {"origin": "Kunmign", "destination": "Hanoi"},
        {"origin": "Kunmign", "destination": "Hanoi"},
        {"origin": "Kunming", "destination": "Hanoi", "modes": ["road"]},
    ]
    table = quote_many(requests, network=network)
    assert len(calls) == 3  # three distinct requests
    assert list(table["status"]) == ["ok"] * 3 + ["UnknownPlaceError"] * 2 + ["ok"]
    for i, request in enumerate(requests):
        if table.loc[i, "status"] != "ok":
            continue
        alone = real(network=network, **request)
        assert table.loc[i, "cost_usd"] == alone.cost_usd
        assert table.loc[i, "hours_p90"] == alone.hours_p90
    assert table.loc[3, "message"] == table.loc[4, "message"]


def test_ready_sets_the_month_and_the_arrival(network):
    july = quote("Yen Bai", "Hai Phong", modes=["river"], ready="2026-07-01T08:00", network=network)
    assert july.month == 7 and july.legs[0].ref == "river_yen_bai_viet_tri"
    assert july.arrival_p50 == datetime(2026, 7, 1, 8) + timedelta(hours=july.hours_p50)
    assert july.to_dict()["arrival_p50"] == july.arrival_p50.isoformat(timespec="seconds")
    with pytest.raises(NoRouteError, match="in month 2"):
        quote("Yen Bai", "Hai Phong", modes=["river"], ready=datetime(2026, 2, 1), network=network)
    with pytest.raises(InvalidRequestError, match="contradicts"):
        quote("Yen Bai", "Hai Phong", month=3, ready="2026-07-01", network=network)
    with pytest.raises(InvalidRequestError, match="ready must be a date"):
        quote("Yen Bai", "Hai Phong", ready="soon", network=network)


def test_ready_sets_the_network_year():
    later = quote("Kunming", "Lach Huyen", ready="2031-07-01T08:00")
    assert later.year == 2031 and later.network.year == 2031
    assert "rail1435_sgr_lao_cai_yen_vien" in later.network.legs  # opens 2030
    assert quote("Kunming", "Lach Huyen", ready="2031-07-01T08:00", year=2031).year == 2031
    front = pareto("Kunming", "Lach Huyen", ready="2031-07-01T08:00")
    assert {q.year for q in front} == {2031}


def test_a_year_or_network_contradicting_ready_is_rejected(network):
    with pytest.raises(InvalidRequestError, match=r"year=2026 contradicts ready=2031-07-01"):
        quote("Kunming", "Lach Huyen", ready="2031-07-01T08:00", year=2026)
    with pytest.raises(InvalidRequestError, match="network given is for 2026"):
        quote("Kunming", "Lach Huyen", ready=datetime(2031, 7, 1), network=network)
    with pytest.raises(InvalidRequestError, match="year=2026 contradicts"):
        pareto("Kunming", "Lach Huyen", ready="2031-07-01T08:00", year=2026)
    with pytest.raises(InvalidRequestError, match=r"^ready=1990-07-01T08:00:00 is in 1990; the"):
        quote("Kunming", "Lach Huyen", ready="1990-07-01T08:00")


def test_pareto_objectives_are_read_in_any_case(network):
    front = pareto("Kunming", "Hanoi", objectives=(" COST", "Time"), network=network)
    plain = pareto("Kunming", "Hanoi", objectives=("cost", "time"), network=network)
    assert [q.cost_usd for q in front] == [q.cost_usd for q in plain]


def test_pareto_takes_objectives_not_one_objective(network):
    with pytest.raises(
        InvalidRequestError, match=r"objectives=\(\.\.\.\) off, not one objective='time'"
    ):
        pareto("Kunming", "Hanoi", objective="time", network=network)


def test_quote_many_takes_the_year_of_each_ready_time(network):
    rows = [
        {"origin": "Kunming", "destination": "Lach Huyen", "ready": "2031-07-01T08:00"},
        {"origin": "Kunming", "destination": "Lach Huyen", "ready": "2026-07-01T08:00"},
        {"origin": "Kunming", "destination": "Lach Huyen"},
    ]
    table = quote_many(rows)
    assert list(table["status"]) == ["ok"] * 3
    for i, year in enumerate((2031, 2026, 2026)):
        alone = quote(**rows[i], year=year)
        assert table.loc[i, "cost_usd"] == pytest.approx(alone.cost_usd)
    fixed = quote_many(rows, year=2026)
    assert list(fixed["status"]) == ["InvalidRequestError", "ok", "ok"]
    assert "contradicts ready=2031" in fixed.loc[0, "message"]
    given = quote_many(rows, network=network)
    assert "network given is for 2026" in given.loc[0, "message"]


def test_quote_many_never_raises_on_bad_rows(network):
    table = quote_many(
        [
            {"origin": "Kunming", "destination": "Hanoi", "cargo": "frozen"},
            {"origin": "Kunming"},
            {"origin": "Kunming", "destination": "Hanoi", "colour": "red"},
            {"origin": "Kunming", "destination": "Hanoi", "year": 2031},
            {"origin": "Kunming", "destination": "Hanoi", "modes": "road"},
        ],
        network=network,
    )
    assert list(table["status"]) == ["InvalidRequestError"] * 4 + ["ok"]
    assert "unknown cargo 'frozen'" in table.loc[0, "message"]
    seeds = quote_many(
        [
            {"origin": "Kunming", "destination": "Hanoi", "seed": -1},
            {"origin": "Kunming", "destination": "Hanoi", "seed": 3.0},  # a CSV column with gaps
        ],
        network=network,
    )
    assert list(seeds["status"]) == ["InvalidRequestError", "ok"]
    assert seeds.loc[0, "message"] == "seed must be 0 or more, got -1"
    assert seeds.loc[1, "hours_p90"] == quote("Kunming", "Hanoi", seed=3, network=network).hours_p90
    failed = quote_many([{"origin": "Atlantis", "destination": "Hanoi"}], network=network)
    assert list(failed.columns[:4]) == ["origin", "destination", "status", "message"]
    assert failed["modes"].isna().all()


def test_quote_many_cells_list_places_and_modes_separated_by_bars(network):
    rows = [
        {"origin": "Kunming", "destination": "Hai Phong", "modes": "road | rail_1000"},
        {"origin": "Kunming", "destination": "Hai Phong", "via": "Yen Bai|Hanoi",
         "avoid": "hekou_kim_thanh"},
        {"origin": "Kunming", "destination": "Hai Phong", "modes": "road|boat"},
    ]  # fmt: skip
    table = quote_many(rows, network=network)
    assert list(table["status"]) == ["ok", "ok", "InvalidRequestError"]
    modes = quote("Kunming", "Hai Phong", modes=["road", "rail_1000"], network=network)
    assert table.loc[0, "modes"] == " → ".join(modes.modes)
    assert set(modes.modes) == {"road", "rail_1000"}
    via = quote(
        "Kunming", "Hai Phong", via=["Yen Bai", "Hanoi"], avoid=["hekou_kim_thanh"],
        network=network,
    )  # fmt: skip
    assert table.loc[1, "places"] == " → ".join(via.places)
    assert table.loc[1, "cost_usd"] > quote("Kunming", "Hai Phong", network=network).cost_usd
    assert table.loc[2, "message"].startswith("unknown mode 'boat'")


def test_quote_many_names_the_option_an_unknown_column_meant(network):
    rows = [{"origin": "Kunming", "destination": "Hanoi", "deadline_hours": 72,
             "teu_per_day": 2, "colour": "red"}]  # fmt: skip
    (message,) = quote_many(rows, network=network)["message"]
    assert message == (
        "unknown column(s) colour, deadline_hours, teu_per_day; did you mean 'deadline' for "
        "'deadline_hours', 'teu' for 'teu_per_day'?"
    )


WRONG_KIND = [
    ({"teu": "x"}, "teu must be a number, got 'x'"),
    ({"teu": "nan"}, "teu must be a number, got 'nan'"),  # text, not a CSV number
    ({"deadline": "1_000"}, "cannot read '1_000' as a deadline; use e.g. 72h, 3d or 36"),
    ({"teu": True}, "teu must be a number, got True"),
    (
        {"teu": float("inf")},
        "teu must be a finite number more than 0 and at most 10,000 TEU, got inf",
    ),
    ({"deadline": "soon"}, "cannot read 'soon' as a deadline; use e.g. 72h, 3d or 36"),
    ({"tonnes": "heavy"}, "tonnes must be a number, got 'heavy'"),
    (
        {"tonnes": float("inf")},
        "tonnes must be a finite number more than 0 and at most 400,000 t, got inf",
    ),
    ({"value_usd": "lots", "objective": "generalised"}, "value_usd must be a number, got 'lots'"),
    ({"carbon_price_usd_per_t": "x"}, "carbon_price_usd_per_t must be a number, got 'x'"),
    ({"deadline": 100, "confidence": "high"}, "confidence must be a number, got 'high'"),
    ({"month": "may"}, "month must be a whole number, got 'may'"),
    ({"month": 5.5}, "month must be a whole number, got 5.5"),
    ({"max_transshipments": 1.5}, "max_transshipments must be a whole number, got 1.5"),
    ({"ready": 5}, "ready must be a date and time like 2026-12-01T08:00, got 5"),
    ({"via": 5}, "via must be a name or a list of names, got 5"),
    ({"modes": [None]}, "modes must be a name or a list of names, got [None]"),
    ({"destination": 5}, "destination must be a place name or id, got 5"),
]


@pytest.mark.parametrize(("fields", "message"), WRONG_KIND)
def test_quote_many_reports_a_value_of_the_wrong_kind_by_field(network, fields, message):
    """A cell of the wrong kind fails its own row, naming the field; the other rows are quoted."""
    rows = [
        {"origin": "Kunming", "destination": "Hanoi"} | fields,
        {"origin": "Kunming", "destination": "Hanoi", "teu": 2},
    ]
    table = quote_many(rows, network=network)
    assert list(table["status"]) == ["InvalidRequestError", "ok"]
    assert table.loc[0, "message"] == message
    assert table.loc[1, "cost_usd"] == quote("Kunming", "Hanoi", 2, network=network).cost_usd


def test_one_bad_cell_in_a_csv_column_fails_only_its_row(network, tmp_path):
    """pandas reads the teu and deadline columns as text (one cell each is not a number): the
    rows whose cells are numbers are quoted as if read as numbers."""
    path = tmp_path / "requests.csv"
    path.write_text(
        "origin,destination,teu,deadline\n"
        "Kunming,Hanoi,2,\n"
        "Kunming,Hanoi,two,\n"
        "Kunming,Hai Phong,1.0,soon\n"
        "Kunming,Hai Phong,1,96.5\n",
        encoding="utf-8",
    )
    requests = pd.read_csv(path)
    assert not any(pd.api.types.is_numeric_dtype(requests[c]) for c in ("teu", "deadline"))
    table = quote_many(requests, network=network)
    assert list(table["status"]) == ["ok", "InvalidRequestError", "InvalidRequestError", "ok"]
    assert list(table["message"][1:3]) == [
        "teu must be a number, got 'two'",
        "cannot read 'soon' as a deadline; use e.g. 72h, 3d or 36",
    ]
    assert table.loc[0, "cost_usd"] == quote("Kunming", "Hanoi", 2, network=network).cost_usd
    deadline = quote("Kunming", "Hai Phong", 1, deadline=96.5, network=network)
    assert table.loc[3, "cost_usd"] == deadline.cost_usd
    assert table.loc[3, "planned_hours"] == deadline.planned_hours <= 96.5
    # the path itself: read as text cells, blank cells at their defaults, the same table
    pd.testing.assert_frame_equal(quote_many(path, network=network), table)
    with pytest.raises(DataError, match="nowhere.csv: file not found"):
        quote_many(tmp_path / "nowhere.csv", network=network)


def test_quote_many_reads_a_deadline_with_a_unit_as_the_cli_does(network):
    rows = [
        {"origin": "Kunming", "destination": "Hai Phong", "deadline": "3d"},
        {"origin": "Kunming", "destination": "Hai Phong", "deadline": "72"},
        {"origin": "Kunming", "destination": "Hai Phong", "deadline": "-3h"},
    ]
    table = quote_many(rows, network=network)
    assert list(table["status"]) == ["ok", "ok", "InvalidRequestError"]
    assert table.loc[0, "cost_usd"] == table.loc[1, "cost_usd"]
    assert (
        table.loc[0, "cost_usd"]
        == quote("Kunming", "Hai Phong", deadline=72, network=network).cost_usd
    )
    assert table.loc[2, "message"] == (
        "deadline must be a positive duration, got '-3h'; use e.g. 72h, 3d or 36"
    )


def test_quote_reads_a_deadline_with_a_unit_as_the_cli_does(network):
    hours = quote("Kunming", "Hai Phong", deadline=48, network=network)
    assert hours.cost_usd > quote("Kunming", "Hai Phong", network=network).cost_usd  # it binds
    for text in ("48h", "2d", " 48 ", "2880m"):
        same = quote("Kunming", "Hai Phong", deadline=text, network=network)
        assert (same.cost_usd, same.places) == (hours.cost_usd, hours.places)


@pytest.mark.parametrize(("fields", "message"), WRONG_KIND)
def test_quote_raises_a_bad_request_for_a_value_of_the_wrong_kind(network, fields, message):
    request = {"origin": "Kunming", "destination": "Hanoi"} | fields
    with pytest.raises(InvalidRequestError, match=f"^{re.escape(message)}$"):
        quote(network=network, **request)


@pytest.mark.parametrize("alternatives", ["2", 1.5, True])
def test_alternatives_must_be_a_whole_number(network, alternatives):
    with pytest.raises(InvalidRequestError, match="alternatives must be a whole number"):
        quote("Kunming", "Hanoi", alternatives=alternatives, network=network)


def test_quote_many_takes_a_confidence_column_as_quote_does(network):
    table = quote_many(
        [{"origin": "Kunming", "destination": "Hanoi", "deadline": 60, "confidence": 0.9}],
        network=network,
    )
    alone = quote("Kunming", "Hanoi", deadline=60, confidence=0.9, network=network)
    assert table.loc[0, "status"] == "ok", table.loc[0, "message"]
    assert table.loc[0, "cost_usd"] == alone.cost_usd
    assert table.loc[0, "on_time_probability"] == alone.on_time_probability >= 0.9


def test_a_year_of_the_wrong_kind_is_a_bad_request_for_every_row():
    table = quote_many([{"origin": "Kunming", "destination": "Hanoi"}], year="2026")
    assert table.loc[0, "status"] == "InvalidRequestError"
    assert table.loc[0, "message"] == "year must be a whole number, got '2026'"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"value_usd": -5, "objective": "generalised"},
            "value_usd must be from 0 to 1,000,000,000,000 USD",
        ),
        (
            {"carbon_price_usd_per_t": -1},
            "carbon_price_usd_per_t must be from 0 to 100,000 USD/t CO2e",
        ),
        ({"samples": 0}, "samples must be 1 or more"),
        ({"samples": 2.5}, "samples must be a whole number, got 2.5"),
        ({"seed": -1}, "seed must be 0 or more, got -1"),
        ({"seed": 1.5}, "seed must be a whole number, got 1.5"),
        ({"modes": ["teleport"]}, "unknown mode 'teleport'"),
    ],
)
def test_bad_numbers_and_names_are_bad_requests(network, kwargs, message):
    with pytest.raises(InvalidRequestError, match=message):
        quote("Kunming", "Hanoi", network=network, **kwargs)


def test_a_single_name_is_one_place_not_letters(network):
    one = quote(
        "Kunming", "Hanoi", via="Yen Vien", avoid="Kim Thanh", modes="road", network=network
    )
    listed = quote(
        "Kunming", "Hanoi", via=["Yen Vien"], avoid=["Kim Thanh"], modes=["road"], network=network
    )
    assert one.steps == listed.steps


# --- air: customs on the cross-border flight ------------------------------------------------

AIR_LEG = "air_changshui_noi_bai"


def air_customs_row(data_dir) -> dict[str, str]:
    """The border_crossings.csv row cleared on the Kunming Changshui – Noi Bai flight."""
    with (data_dir / "border_crossings.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = [r for r in csv.DictReader(handle) if r["leg"] == AIR_LEG]
    return row


def air_quote(origin, destination, **options):
    """A quote forced onto the flight: road to and from the airports, no land gate."""
    network = options.pop("network", None) or load_network(2026)
    gates = [c.id for c in network.crossings.values() if c.leg is None]
    return quote(
        origin, destination, modes=["road", "air"], avoid=gates, network=network, **options
    )


@pytest.mark.parametrize(
    ("origin", "destination", "direction"),
    [("Kunming", "Hanoi", "cn_vn"), ("Hanoi", "Kunming", "vn_cn")],
)
def test_air_quote_clears_customs_once_with_the_data_figures(origin, destination, direction):
    row = air_customs_row(default_data_dir())
    q = air_quote(origin, destination, teu=2)
    assert AIR_LEG in [s.ref for s in q.legs]
    (border,) = q.border_crossings
    assert border.ref == row["id"]
    assert border.to_mode == "air" and border.km == 0
    assert border.cost_usd == pytest.approx(float(row["fee_usd_per_teu"]) * 2)
    assert border.hours_p50 == pytest.approx(float(row[f"hours_p50_{direction}"]))
    assert border.hours_p90 == pytest.approx(float(row[f"hours_p90_{direction}"]))
    # cleared after landing, where the cargo is: the flight, then customs at the arrival airport
    leg_index = next(i for i, s in enumerate(q.steps) if s.ref == AIR_LEG)
    assert q.steps[leg_index + 1] == border
    assert border.from_place == border.to_place == q.steps[leg_index].to_place
    # shown everywhere a quote goes
    frame = q.to_frame()
    assert frame.loc[frame["kind"] == "border", "ref"].tolist() == [row["id"]]
    payload = json.loads(json.dumps(q.to_dict()))
    assert payload["totals"]["border_crossings"] == 1
    assert [s["ref"] for s in payload["steps"] if s["kind"] == "border"] == [row["id"]]
    assert row["name"] in q.explain()


def test_air_quote_totals_include_the_clearance(data_copy, edit_cell):
    """The same flight with the customs row zeroed costs the fee less and plans P50 less."""
    row = air_customs_row(data_copy)
    with_customs = air_quote("Kunming", "Hanoi", teu=2)
    with (data_copy / "border_crossings.csv").open(encoding="utf-8", newline="") as handle:
        index = [r["id"] for r in csv.DictReader(handle)].index(row["id"])
    for column in ("fee_usd_per_teu", "hours_p50_cn_vn", "hours_p90_cn_vn"):
        edit_cell("border_crossings.csv", index, column, "0")
    free = air_quote("Kunming", "Hanoi", teu=2, network=Network(load_dataset(data_copy), 2026))
    assert [s.ref for s in free.steps] == [s.ref for s in with_customs.steps]
    assert with_customs.cost_usd - free.cost_usd == pytest.approx(2 * float(row["fee_usd_per_teu"]))
    assert with_customs.planned_hours - free.planned_hours == pytest.approx(
        float(row["hours_p50_cn_vn"])
    )
    assert with_customs.hours_p50 > free.hours_p50  # the simulation clears customs too
    assert with_customs.hours_p90 > free.hours_p90


def test_domestic_air_has_no_border_crossing():
    network = load_network(2031)  # Sa Pa airport opens in 2030
    q = quote("Sa Pa airport", "Noi Bai", modes=["air"], network=network)
    assert [s.ref for s in q.legs] == ["air_sa_pa_noi_bai"]
    assert q.border_crossings == []
    assert q.to_dict()["totals"]["border_crossings"] == 0
    assert network.crossings_on("air_sa_pa_noi_bai") == []
    # flying on to Kunming crosses the border once, on the international flight
    onward = quote("Sa Pa airport", "KMG", modes=["air"], network=network)
    assert [s.ref for s in onward.legs] == ["air_sa_pa_noi_bai", AIR_LEG]
    assert [s.ref for s in onward.border_crossings] == [air_customs_row(default_data_dir())["id"]]


def test_air_alone_says_that_the_ends_are_reached_by_other_modes(network):
    """Cities are not airports: ``modes=["air"]`` names the end that no allowed mode serves."""
    with pytest.raises(NoRouteError) as caught:
        quote("Kunming", "Hanoi", modes=["air"], network=network)
    kunming = network.places["kunming"]
    assert Mode.AIR not in kunming.modes
    served = " and ".join(sorted(m.value for m in kunming.modes))
    assert str(caught.value) == (
        f"Kunming is served by {served}, none of the modes allowed (air): allow one of its "
        "modes too (airports are reached by road)"
    )
    assert AIR_LEG in [s.ref for s in air_quote("Kunming", "Hanoi", network=network).legs]


def test_the_quote_records_its_route_options_as_resolved(network):
    """A saved quote says how it was asked: names resolved to ids, modes and limits."""
    q = quote(
        "Côn Minh",
        "Hà Nội",
        deadline=90,
        confidence=0.5,
        via=["Yên Bái"],
        avoid=["Kim Thanh", "hekou_north_lao_cai_rail"],
        modes=["road", "rail_1000", "rail_1435"],
        max_transshipments=3,
        objective="generalised",
        value_usd=30_000,
        carbon_price_usd_per_t=50,
        network=network,
    )
    assert q.to_dict()["options"] == {
        "via": ["yen_bai"],
        "avoid": ["hekou_north_lao_cai_rail", "kim_thanh"],
        "modes": ["rail_1000", "rail_1435", "road"],
        "max_transshipments": 3,
        "confidence": 0.5,
        "carbon_price_usd_per_t": 50,
        "value_of_time_usd_per_teu_hour": pytest.approx(30_000 * 0.055 / 100 / 24),
        "cbta": False,
        "rates": None,
        "samples": q.options["samples"],
        "seed": q.options["seed"],
    }
    assert "yen_bai" in {s.from_place for s in q.steps}
    assert "kim_thanh" not in {s.from_place for s in q.steps} | {s.to_place for s in q.steps}
    plain = quote("Kunming", "Hanoi", network=network).to_dict()["options"]
    assert plain["via"] == [] and plain["avoid"] == [] and plain["modes"] is None


def test_a_shipment_cannot_weigh_more_than_its_containers_can_carry(network):
    heaviest = quote("Kunming", "Hanoi", 2, tonnes=2 * MAX_TONNES_PER_TEU, network=network)
    assert heaviest.shipment.tonnes == 72
    with pytest.raises(InvalidRequestError, match=r"^40 t in 1 TEU is 40 t per TEU; .* at most 36"):
        quote("Kunming", "Hanoi", tonnes=40, network=network)
    table = quote_many([{"origin": "Kunming", "destination": "Hanoi", "tonnes": 500}])
    assert table.loc[0, "status"] == "InvalidRequestError" and table.loc[0, "tonnes"] == 500


@pytest.mark.parametrize("objective", ["cost", "time", "co2"])
def test_options_only_the_generalised_objective_uses_are_not_ignored_silently(network, objective):
    with pytest.warns(UserWarning, match=r"^value_usd is used only by the generalised objective"):
        priced = quote("Kunming", "Hanoi", value_usd=50_000, objective=objective, network=network)
    assert (
        priced.cost_usd == quote("Kunming", "Hanoi", objective=objective, network=network).cost_usd
    )
    both = r"^value_usd and carbon_price_usd_per_t are used only by the generalised objective"
    with pytest.warns(UserWarning, match=both):
        quote("Kunming", "Hanoi", value_usd=1, carbon_price_usd_per_t=50, objective=objective)
    quote("Kunming", "Hanoi", value_usd=1, carbon_price_usd_per_t=50, objective="generalised")


def test_objectives_are_read_in_any_case_and_either_spelling(network):
    base = quote("Kunming", "Hanoi", objective="time", network=network)
    shouted = quote("Kunming", "Hanoi", objective=" TIME ", network=network)
    assert (shouted.cost_usd, shouted.places) == (base.cost_usd, base.places)
    us = quote("Kunming", "Hanoi", objective="Generalized", value_usd=50_000, network=network)
    uk = quote("Kunming", "Hanoi", objective="generalised", value_usd=50_000, network=network)
    assert us.places == uk.places and us.cost_usd == uk.cost_usd
    with pytest.raises(InvalidRequestError, match="objective must be one of cost, time, co2, "):
        quote("Kunming", "Hanoi", objective="cheap", network=network)


@pytest.mark.parametrize(
    ("origin", "destination", "utc", "local"),
    [
        ("Kunming", "Hai Phong", "00:00", "08:00+08:00"),
        ("Hanoi", "Kunming", "01:00", "08:00+07:00"),
    ],
)
def test_a_ready_time_with_an_offset_is_read_on_the_origins_clock(origin, destination, utc, local):
    """08:00 at Kunming is 00:00 UTC: the same departure waits, the same arrival, on UTC+8."""
    aware = quote(origin, destination, ready=f"2026-12-01T{utc}+00:00")
    naive = quote(origin, destination, ready="2026-12-01T08:00")
    assert aware.ready.isoformat(timespec="minutes") == f"2026-12-01T{local}"
    assert aware.hours_p50 == pytest.approx(naive.hours_p50)
    assert aware.arrival_p50.replace(tzinfo=None) == naive.arrival_p50


def test_a_ready_time_at_new_year_takes_the_year_of_the_origins_clock():
    """20:00 UTC on 31 Dec 2030 is 2031 at Kunming and Hanoi: the 2031 network, January;
    16:30 UTC is 2031 at Kunming but still 2030 at Hanoi."""
    late = "2030-12-31T20:00+00:00"
    q = quote("Kunming", "Lach Huyen", ready=late)
    assert (q.year, q.month) == (2031, 1)
    assert quote("Kunming", "Lach Huyen", ready=late, year=2031, month=1).cost_usd == q.cost_usd
    with pytest.raises(InvalidRequestError, match="year=2030 contradicts ready="):
        quote("Kunming", "Lach Huyen", ready=late, year=2030)
    between = "2030-12-31T16:30+00:00"
    assert quote("Kunming", "Lach Huyen", ready=between).year == 2031
    assert quote("Hanoi", "Lach Huyen", ready=between).year == 2030
    with pytest.raises(InvalidRequestError, match="is in 2031 at Kunming: give that year"):
        quote("Kunming", "Lach Huyen", ready=between, year=2030)
    table = quote_many(
        [{"origin": o, "destination": "Lach Huyen", "ready": between} for o in ("Kunming", "Hanoi")]
    )
    assert list(table["status"]) == ["ok", "ok"]


def test_a_quote_reprs_as_one_line_of_totals(network):
    """A list of quotes (a Pareto front) prints one line each, not every step's fields."""
    q = quote("Kunming", "Hai Phong", 2, network=network)
    text = repr(q)
    assert "\n" not in text and len(text) < 200
    assert text.startswith("<Quote Kunming → Hai Phong")
    assert f"{q.cost_usd:,.2f} USD, {q.planned_hours:.1f} h planned" in text


def test_a_misspelt_crossing_to_avoid_suggests_the_crossing(network):
    with pytest.raises(UnknownPlaceError) as caught:
        quote("Kunming", "Hanoi", avoid=["hekou_kimthanh"], network=network)
    assert caught.value.suggestions[0] == "hekou_kim_thanh"


def test_a_misspelt_quote_many_keyword_is_refused_before_any_row(network):
    with pytest.raises(InvalidRequestError, match="unknown option.s. objetive; did you mean 'obj"):
        quote_many([{"origin": "Kunming", "destination": "Hanoi"}], objetive="time")


def test_totals_of_cent_amounts_are_cent_amounts(network):
    """Steps in whole cents add up to whole cents, not 1,222.3600000000001 (float noise)."""
    q = quote("Kunming", "Hai Phong", 2, network=network)
    assert all(round(s.cost_usd, 2) == s.cost_usd for s in q.steps)
    assert q.cost_usd == round(q.cost_usd, 2)


# --- practical defaults: the ordinary gates and a value of time (issue 25) ----------------


def test_without_cbta_a_road_quote_transloads_at_the_gate(network):
    plain = quote("Kunming", "Hanoi", modes=["road"], network=network)
    (gate,) = plain.border_crossings
    crossing = network.crossings[gate.ref]
    assert crossing.trucks is TruckRegime.TRANSLOAD and plain.options["cbta"] is False
    assert gate.hours_p50 >= crossing.transload_hours  # the transload is in the step
    permits = quote("Kunming", "Hanoi", modes=["road"], cbta=True, network=network)
    assert [network.crossings[s.ref].trucks for s in permits.border_crossings] == [
        TruckRegime.CROSS
    ]
    assert permits.planned_hours < plain.planned_hours - 12  # about a day saved
    # without permits, avoiding the transloading lane goes by another gate, never the CBTA one
    other = quote("Hekou", "Lao Cai", modes=["road"], avoid=["hekou_kim_thanh"], network=network)
    assert "hekou_kim_thanh_cbta" not in {s.ref for s in other.border_crossings}


def test_the_default_objective_takes_the_truck_hanoi_hai_phong(network):
    default = quote("Hanoi", "Hai Phong", network=network)
    cheapest = quote("Hanoi", "Hai Phong", objective="cost", network=network)
    assert default.objective == "generalised" and default.modes == ["road"]
    assert "river" in cheapest.modes and cheapest.cost_usd < default.cost_usd
    # the hours saved are worth more than the USD paid at the default value of time
    per_hour = default.options["value_of_time_usd_per_teu_hour"]
    profile = network.cargo_profiles[CargoClass.GENERAL]
    assert per_hour == pytest.approx(
        profile.default_value_usd_per_teu * profile.value_of_time_pct_per_day / 100 / 24
    )
    saved = cheapest.planned_hours - default.planned_hours
    assert default.cost_usd - cheapest.cost_usd < per_hour * saved


def test_the_default_objective_leaves_the_slow_barge_kunming_hai_phong(network):
    default = quote("Kunming", "Hai Phong", network=network)
    cheapest = quote("Kunming", "Hai Phong", objective="cost", network=network)
    assert "river" in cheapest.modes and "river" not in default.modes
    assert default.planned_hours < cheapest.planned_hours - 24
    # a given goods value sets the value of time: worth nothing, the cheapest route again
    free = quote("Kunming", "Hai Phong", value_usd=0, network=network)
    assert free.cost_usd == pytest.approx(cheapest.cost_usd)


def test_cbta_is_a_flag_and_a_table_column(network):
    result = CliRunner().invoke(
        cli_app, ["quote", "Kunming", "Hanoi", "--mode", "road", "--cbta", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["options"]["cbta"] is True
    assert [s["ref"] for s in payload["steps"] if s["kind"] == "border"] == ["hekou_kim_thanh_cbta"]
    rows = [
        {"origin": "Kunming", "destination": "Hanoi", "modes": "road", "cbta": "yes"},
        {"origin": "Kunming", "destination": "Hanoi", "modes": "road", "cbta": "no"},
    ]
    table = quote_many(rows, network=network)
    assert list(table["gates"]) == ["hekou_kim_thanh_cbta", "hekou_kim_thanh"]


# --- currencies (issue 25) -----------------------------------------------------------------


@pytest.mark.parametrize("currency", ["VND", "CNY"])
def test_a_total_in_vnd_or_cny_is_usd_times_the_dated_rate(network, currency):
    rates = sorted(
        (r for r in network.dataset.rates if r.currency == currency), key=lambda r: r.date
    )
    latest = rates[-1]
    q = quote("Kunming", "Hai Phong", 2, currency=currency.lower(), network=network)
    usd = quote("Kunming", "Hai Phong", 2, network=network)
    assert q.currency == currency and q.rate == latest
    assert q.cost == pytest.approx(usd.cost_usd * latest.per_usd, rel=1e-12)
    assert q.cost_usd == usd.cost_usd  # the route and its USD do not change
    payload = q.to_dict()
    assert payload["currency"] == {
        "code": currency,
        "per_usd": latest.per_usd,
        "date": latest.date,
        "source": latest.source,
    }
    assert payload["totals"]["cost"] == pytest.approx(usd.cost_usd * latest.per_usd, abs=0.01)
    assert sum(s["cost"] for s in payload["steps"]) == pytest.approx(q.cost, abs=0.01 * 20)
    assert f"{latest.per_usd:,.6g} {currency} per USD of {latest.date}" in q.explain()


def test_an_earlier_ready_date_takes_the_rate_of_its_day():
    rates = load_network(2025).dataset.rates
    (old,) = [r for r in rates if r.currency == "VND" and r.date < "2025-06-01"]
    q = quote("Hanoi", "Hai Phong", currency="VND", ready="2025-06-01T08:00")
    assert q.rate == old and q.cost == pytest.approx(q.cost_usd * old.per_usd)


def test_the_vnd_rate_is_the_sggp_december_2025_figure(network):
    """VND 203.2 trillion ≈ USD 7.7 bn (SGGP, 19 Dec 2025): about 26,390 VND per USD."""
    (latest,) = [r for r in network.dataset.rates if r.date == "2025-12-19" and r.currency == "VND"]
    assert latest.per_usd == pytest.approx(203.2e12 / 7.7e9, rel=1e-3)


def test_an_unknown_currency_names_those_the_data_has(network):
    with pytest.raises(
        InvalidRequestError, match="no exchange rate for currency 'EUR'.*CNY, USD, VND"
    ):
        quote("Hanoi", "Hai Phong", currency="EUR", network=network)
    with pytest.raises(InvalidRequestError, match="three-letter currency code"):
        quote("Hanoi", "Hai Phong", currency="dong", network=network)


def test_currency_on_the_command_line_and_in_a_table(network):
    result = CliRunner().invoke(cli_app, ["quote", "Hanoi", "Hai Phong", "--currency", "VND"])
    assert result.exit_code == 0, result.output
    caption = " ".join(result.stdout.split())
    assert "VND at 26,390 VND per USD of 2025-12-19" in caption
    table = quote_many(
        [
            {"origin": "Hanoi", "destination": "Hai Phong", "currency": "CNY"},
            {"origin": "Hanoi", "destination": "Hai Phong"},
        ],
        network=network,
    )
    assert list(table["currency"]) == ["CNY", "USD"]
    assert table["cost"].iloc[0] == pytest.approx(
        table["cost_usd"].iloc[0] * table["per_usd"].iloc[0]
    )
    assert table["cost"].iloc[1] == table["cost_usd"].iloc[1]


# --- container types (issue 25) -------------------------------------------------------------


def test_a_40ft_box_by_road_costs_the_road_rate_per_box(network):
    """IDE-JETRO DP 743/744 (Ishida 2019): a 40' box costs about the same to truck as a 20'."""
    kwargs = {"modes": ["road"], "network": network}
    twenty = quote("Hanoi", "Hai Phong", containers={"20GP": 1}, **kwargs)
    forty = quote("Hanoi", "Hai Phong", containers={"40GP": 1}, **kwargs)
    two_twenties = quote("Hanoi", "Hai Phong", teu=2, **kwargs)
    assert forty.shipment.teu == 2 and forty.cost_usd == pytest.approx(twenty.cost_usd)
    assert two_twenties.cost_usd == pytest.approx(2 * twenty.cost_usd)
    high_cubes = quote("Hanoi", "Hai Phong", containers={"40HC": 2}, **kwargs)
    assert high_cubes.cost_usd == pytest.approx(2 * twenty.cost_usd)
    assert "2 × 40HC (4 TEU)" in high_cubes.explain()
    assert high_cubes.to_dict()["shipment"]["containers"] == {"40HC": 2}


def test_each_step_of_a_box_is_priced_by_its_own_unit(network):
    """Rail per box at the FEU/TEU ratio of the data, handling per box move: not per TEU."""
    types = {c.type: c for c in network.dataset.containers}
    twenty = quote("Kunming", "Hai Phong", containers={"20GP": 1}, network=network)
    forty = quote("Kunming", "Hai Phong", containers={"40GP": 1}, network=network)
    assert twenty.modes == forty.modes  # the same route here: compare step by step
    for a, b in zip(twenty.steps, forty.steps, strict=True):
        if a.kind == "leg":
            unit = a.to_mode
        elif a.kind == "border":
            unit = "border"
        else:
            continue
        assert b.cost_usd == pytest.approx(a.cost_usd * types["40GP"].factor(unit))
    assert twenty.cost_usd < forty.cost_usd < 2 * twenty.cost_usd


def test_container_requests_are_checked(network):
    with pytest.raises(InvalidRequestError, match="unknown container type '40HQ'; did you mean"):
        quote("Hanoi", "Hai Phong", containers={"40HQ": 1}, network=network)
    with pytest.raises(InvalidRequestError, match="40RF is a reefer box"):
        quote("Hanoi", "Hai Phong", containers={"40RF": 1}, network=network)
    with pytest.raises(InvalidRequestError, match="20GP is no reefer box"):
        quote("Hanoi", "Hai Phong", containers={"20GP": 1}, cargo="reefer", network=network)
    with pytest.raises(InvalidRequestError, match="teu=3 contradicts the containers"):
        quote("Hanoi", "Hai Phong", teu=3, containers={"40HC": 1}, network=network)
    with pytest.raises(InvalidRequestError, match="more than the containers carry"):
        quote("Hanoi", "Hai Phong", containers={"20GP": 1}, tonnes=30, network=network)
    reefer = quote("Hanoi", "Hai Phong", containers={"40RF": 1}, cargo="reefer", network=network)
    assert reefer.shipment.teu == 2


def test_container_and_count_on_the_command_line():
    args = ["quote", "Hanoi", "Hai Phong", "--mode", "road", "--json"]
    counted = CliRunner().invoke(cli_app, [*args, "--container", "40HC", "--count", "2"])
    assert counted.exit_code == 0, counted.output
    written = CliRunner().invoke(cli_app, [*args, "--container", "40HC:2"])
    assert json.loads(counted.stdout)["totals"] == json.loads(written.stdout)["totals"]
    assert json.loads(counted.stdout)["shipment"]["containers"] == {"40HC": 2}
    bad = CliRunner().invoke(cli_app, [*args, "--count", "2"])
    assert bad.exit_code == 2 and "--count needs exactly one --container" in bad.stderr


# --- a reefer truck delivers anywhere (issue 25) ----------------------------------------------


def test_a_reefer_truck_reaches_yen_bai(network):
    """Yen Bai has no reefer terminal: handling rules bind only where a box changes mode."""
    assert not network.places["yen_bai"].reefer
    q = quote("Hanoi", "Yen Bai", cargo="reefer", modes=["road"], network=network)
    assert q.modes == ["road"] and not q.transshipments
    assert q.steps[-1].kind == "egress" and q.steps[-1].to_place == "yen_bai"
    general = quote("Hanoi", "Yen Bai", modes=["road"], network=network)
    multiplier = network.cargo_profiles[CargoClass.REEFER].tariff_multiplier
    assert q.cost_usd == pytest.approx(general.cost_usd * multiplier)
    # a box still changes mode only where the handling is: no reefer train from Yen Bai
    with pytest.raises(NoRouteError, match="reefer"):
        quote("Yen Bai", "Hanoi", cargo="reefer", modes=["rail_1000"], network=network)
