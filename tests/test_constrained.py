"""Constrained quotes, alternatives and Pareto fronts against brute force on random networks."""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import replace

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import corridor
from corridor import DeadlineError, InvalidRequestError, NoRouteError, load_network, pareto
from corridor.data import load_dataset
from corridor.model import CargoClass, Country, Leg, Mode, Place, PlaceKind, Transfer
from corridor.network import Network
from corridor.routing import route_key
from corridor.service import SINK, SOURCE, place_of
from corridor.solvers import rcsp, zero_one
from corridor.solvers.arrays import GraphArrays
from corridor.solvers.shortest import NoFlowError

# These tests check the exact searches against brute force on cost (the objective of
# the frontier's first point): quote by cost unless a test says otherwise (the default
# objective is the generalised cost, which adds a value of time).
quote = functools.partial(corridor.quote, objective="cost")

SHIPPED = load_dataset()
MODES = (Mode.ROAD, Mode.RAIL_1000, Mode.RIVER)
COLUMN = {"cost": "cost_usd", "time": "planned_hours", "co2": "co2e_kg"}


@st.composite
def random_networks(
    draw, size: tuple[int, int] = (4, 6), links: tuple[int, int] = (3, 10), route: bool = False
):
    """4–6 places, random legs by three modes, random road transfers: a small multimodal net.

    ``size`` and ``links`` are the (min, max) numbers of places and legs. With ``route``, some
    of the legs make a path p0 → … → p1 (through other places in random order), so there is
    always a route from p0 to p1; without, there may be none (about one network in three of
    the default sizes).
    """
    n = draw(st.integers(*size))
    places = []
    for i in range(n):
        modes = {Mode.ROAD} | set(draw(st.sets(st.sampled_from(MODES[1:]))))
        places.append(
            Place(
                f"p{i}",
                f"P{i}",
                f"P{i}",
                "",
                Country.VN,
                PlaceKind.CITY,
                20.0 + i,
                105.0,
                frozenset(modes),
                True,
                True,
                True,
                "estimate: t",
            )
        )
    pairs = []
    if route:
        stops = draw(st.permutations(range(2, n)))[: draw(st.integers(0, n - 2))]
        pairs += itertools.pairwise([0, *stops, 1])
    pairs += draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            min_size=max(0, links[0] - len(pairs)),
            max_size=links[1] - len(pairs),
        )
    )
    legs = []
    for i, (a, b) in enumerate(draw(st.permutations(pairs))):
        common = set(places[a].modes) & set(places[b].modes)
        mode = draw(st.sampled_from(sorted(common)))
        legs.append(
            Leg(
                f"l{i}",
                f"p{a}",
                f"p{b}",
                mode,
                km=draw(st.integers(5, 300)),
                hours=draw(st.integers(1, 30)),
                source="estimate: t",
                departures_per_day=draw(st.sampled_from([None, 1, 4])),
            )
        )
    transfers = []
    for place in places:
        for mode in sorted(place.modes - {Mode.ROAD}):
            transfers.append(
                Transfer(
                    place.id,
                    Mode.ROAD,
                    mode,
                    draw(st.integers(1, 12)),
                    24.0,
                    draw(st.integers(5, 80)),
                    "estimate: t",
                )
            )
    dataset = replace(
        SHIPPED, places=tuple(places), legs=tuple(legs), transfers=tuple(transfers), crossings=()
    )
    return Network(dataset, 2026)


def brute_force(
    net: Network,
    origin: str,
    destination: str,
    via: str | None = None,
    cargo: CargoClass = CargoClass.GENERAL,
):
    """Every route as (cost, hours, co2, transshipments, arcs): simple paths, or for a via
    place every simple path to one of its vertices followed by one from it."""
    graph = net.service_graph(cargo)
    start, end = (origin, SOURCE), (destination, SINK)
    if start not in graph or end not in graph:
        return []

    def simple(a, b):
        if a == b:
            return [[]]
        return [[(u, v, k) for u, v, k in p] for p in nx.all_simple_edge_paths(graph, a, b)]

    if via is None:
        walks = simple(start, end)
    else:
        stops = [v for v in graph if place_of(v) == via and v[1] not in (SOURCE, SINK)]
        walks = []
        for s in stops:
            firsts, seconds = simple(start, s), simple(s, end)
            walks += [p + q for p in firsts for q in seconds]
    routes = []
    for walk in walks:
        arcs = [graph.edges[u, v, k] for u, v, k in walk]
        routes.append(
            (
                sum(a["cost_usd"] for a in arcs),
                sum(a["hours_p50"] for a in arcs),
                sum(a["co2e_kg"] for a in arcs),
                sum(a["kind"] == "transfer" for a in arcs),
                arcs,
            )
        )
    return routes


@pytest.fixture(scope="module")
def monkeypatch_highs():
    """Send every gap-closing model to HiGHS, as on large graphs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zero_one, "CP_SAT_MAX_ARCS", 0)
        yield


@pytest.fixture(scope="module")
def monkeypatch_tiny_models():
    """First gap-closing models of 3 arcs, doubling: the rising-target loop of large graphs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zero_one, "CP_SAT_MAX_ARCS", 3)
        yield


SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(
    random_networks(),
    st.sampled_from(["cost", "time", "co2"]),
    st.floats(0.3, 1.5),
    st.sampled_from([None, 0, 1, 2]),
)
def test_constrained_quote_equals_brute_force(net, objective, slack, k):
    routes = brute_force(net, "p0", "p1")
    if not routes:
        with pytest.raises(NoRouteError):
            quote("p0", "p1", network=net)
        return
    fastest = min(r[1] for r in routes)
    deadline = round(fastest * (1 + slack) if slack < 1 else fastest * slack * 2, 3)
    feasible = [r for r in routes if r[1] <= deadline + 1e-6 and (k is None or r[3] <= k)]
    value = {"cost": 0, "time": 1, "co2": 2}[objective]
    if not feasible:
        with pytest.raises(NoRouteError):
            quote(
                "p0",
                "p1",
                objective=objective,
                deadline=deadline,
                max_transshipments=k,
                network=net,
            )
        return
    q = quote("p0", "p1", objective=objective, deadline=deadline, max_transshipments=k, network=net)
    assert q.planned_hours <= deadline + 1e-3
    assert k is None or len(q.transshipments) <= k
    best = min(r[value] for r in feasible)
    assert getattr(q, COLUMN[objective]) == pytest.approx(best, rel=1e-6, abs=1e-3)


@SETTINGS
@given(
    random_networks(route=True),
    st.sampled_from([CargoClass.GENERAL, CargoClass.REEFER]),
    st.floats(0.5, 36),
    st.floats(1_000, 1_000_000),
    st.floats(0, 500),
)
def test_the_tonnes_given_weigh_in_the_route_choice(net, cargo, tonnes, value_usd, carbon_price):
    """CO2e is counted at the tonnes given (refrigeration per box), and so are the co2 and
    generalised optima: not at the cargo class's payload."""
    routes = brute_force(net, "p0", "p1", cargo=cargo)
    assert routes  # random_networks(route=True) always has one
    profile = net.cargo_profiles[cargo]

    def co2e(arcs):
        cold = [a["refrigeration_co2e_kg"] for a in arcs]
        moved = sum(a["co2e_kg"] for a in arcs) - sum(cold)
        return moved * tonnes / profile.tonnes_per_teu + sum(cold)

    def asked(objective, **options):
        return quote(
            "p0", "p1", cargo=cargo, tonnes=tonnes, objective=objective, network=net, **options
        )

    best = min(co2e(r[4]) for r in routes)
    assert asked("co2").co2e_kg == pytest.approx(best, rel=1e-6, abs=1e-3)
    per_hour = value_usd * profile.value_of_time_pct_per_day / 100 / 24
    q = asked("generalised", value_usd=value_usd, carbon_price_usd_per_t=carbon_price)
    score = q.cost_usd + per_hour * q.planned_hours + carbon_price / 1000 * q.co2e_kg
    best = min(r[0] + per_hour * r[1] + carbon_price / 1000 * co2e(r[4]) for r in routes)
    assert score == pytest.approx(best, rel=1e-6, abs=1e-3)


@SETTINGS
@given(random_networks(route=True), st.floats(1_000, 1_000_000), st.floats(0, 500))
def test_generalised_objective_equals_brute_force(net, value_usd, carbon_price):
    routes = brute_force(net, "p0", "p1")
    assert routes
    profile = net.cargo_profiles[CargoClass.GENERAL]
    per_hour = value_usd * profile.value_of_time_pct_per_day / 100 / 24
    q = quote(
        "p0",
        "p1",
        objective="generalised",
        value_usd=value_usd,
        carbon_price_usd_per_t=carbon_price,
        network=net,
    )
    score = q.cost_usd + per_hour * q.planned_hours + carbon_price / 1000 * q.co2e_kg
    best = min(r[0] + per_hour * r[1] + carbon_price / 1000 * r[2] for r in routes)
    assert score == pytest.approx(best, rel=1e-6, abs=1e-3)


@SETTINGS
@given(random_networks(), st.integers(2, 3))
def test_via_equals_brute_force(net, via):
    routes = brute_force(net, "p0", "p1", via=f"p{via}")
    if not routes:
        with pytest.raises(NoRouteError):
            quote("p0", "p1", via=[f"p{via}"], network=net)
        return
    q = quote("p0", "p1", via=[f"p{via}"], network=net)
    assert f"p{via}" in {s.from_place for s in q.steps} | {s.to_place for s in q.steps}
    assert q.cost_usd == pytest.approx(min(r[0] for r in routes), rel=1e-6, abs=1e-3)


@SETTINGS
@given(random_networks(route=True))
def test_pareto_front_is_complete_and_non_dominated(net):
    routes = brute_force(net, "p0", "p1")
    assert routes
    front = pareto("p0", "p1", network=net)
    points = [(q.cost_usd, q.planned_hours) for q in front]
    for c, h in points:  # nothing strictly better on both
        assert not any(r[0] < c - 1e-6 and r[1] < h - 1e-6 for r in routes)
        assert not any(r[0] <= c - 1e-6 and r[1] <= h + 1e-9 for r in routes)
    # every non-dominated value pair of the brute force appears (within the resolution)
    efficient = {
        (round(r[0], 2), round(r[1], 2))
        for r in routes
        if not any(_dominates(o[:2], r[:2]) for o in routes)  # equal within float noise
    }
    found = {(round(c, 2), round(h, 2)) for c, h in points}
    for c, h in efficient:
        assert any(
            math.isclose(c, fc, abs_tol=0.02) and math.isclose(h, fh, abs_tol=0.02)
            for fc, fh in found
        ), (c, h, found)


def _dominates(a, b, tol=1e-6):
    return all(x <= y + tol for x, y in zip(a, b, strict=True)) and any(
        x < y - tol for x, y in zip(a, b, strict=True)
    )


@SETTINGS
@given(random_networks(size=(4, 5), links=(6, 13)), st.permutations(["cost", "time", "co2"]))
def test_three_objective_pareto_front_equals_brute_force(net, objectives):
    """Every point is non-dominated, and every non-dominated vector of the brute force is found."""
    routes = brute_force(net, "p0", "p1")
    if not routes:
        with pytest.raises(NoRouteError):
            pareto("p0", "p1", objectives=tuple(objectives), network=net)
        return
    front = pareto("p0", "p1", objectives=tuple(objectives), network=net)
    points = [(q.cost_usd, q.planned_hours, q.co2e_kg) for q in front]
    vectors = [r[:3] for r in routes]
    for point in points:
        assert not any(_dominates(v, point) for v in vectors), point
    first = {"cost": 0, "time": 1, "co2": 2}[objectives[0]]
    assert [p[first] for p in points] == sorted(p[first] for p in points)
    efficient = {v for v in vectors if not any(_dominates(w, v) for w in vectors)}
    for v in efficient:
        assert any(
            all(math.isclose(a, b, abs_tol=1e-3) for a, b in zip(v, p, strict=True)) for p in points
        ), (v, points)
    assert len(points) == len({tuple(round(x, 3) for x in v) for v in efficient})
    event(f"front of {min(len(points), 4)}{'+' if len(points) > 4 else ''} routes")


@SETTINGS
@given(random_networks(size=(4, 5), links=(6, 13), route=True))
def test_time_co2_front_takes_the_cheapest_route_per_point(net):
    routes = brute_force(net, "p0", "p1")
    assert routes
    front = pareto("p0", "p1", objectives=("time", "co2"), network=net)
    assert front
    for q in front:
        same = [r[0] for r in routes if r[1] <= q.planned_hours + 1e-6 and r[2] <= q.co2e_kg + 1e-6]
        assert q.cost_usd == pytest.approx(min(same), rel=1e-6, abs=1e-3)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(random_networks(size=(4, 5), links=(6, 13), route=True))
def test_three_objective_pareto_with_two_stage_solves(monkeypatch_highs, net):
    """Large graphs take two solves per point (HiGHS): the same front as brute force."""
    routes = brute_force(net, "p0", "p1")
    assert routes
    front = pareto("p0", "p1", objectives=("co2", "cost", "time"), network=net)
    points = [(q.cost_usd, q.planned_hours, q.co2e_kg) for q in front]
    vectors = [r[:3] for r in routes]
    efficient = [v for v in vectors if not any(_dominates(w, v) for w in vectors)]

    def same(a, b):
        return all(math.isclose(x, y, abs_tol=1e-3) for x, y in zip(a, b, strict=True))

    assert all(any(same(p, v) for v in efficient) for p in points)
    assert all(any(same(v, p) for p in points) for v in efficient)


@SETTINGS
@given(random_networks(route=True))
def test_alternatives_are_distinct_and_in_order(net):
    quotes = quote("p0", "p1", alternatives=3, network=net)
    assert quotes
    keys = [route_key(q) for q in quotes]
    assert len(set(keys)) == len(keys)
    costs = [q.cost_usd for q in quotes]
    # in order, up to the solvers' rounding of costs (routes of equal cost come in any order)
    assert all(b >= a - 1e-6 * max(1.0, a) for a, b in itertools.pairwise(costs))
    assert costs[0] == pytest.approx(quote("p0", "p1", network=net).cost_usd)
    for q in quotes:
        assert_no_detour(q)


def assert_no_detour(q):
    """The route passes each place once, and changes mode there without coming back to one."""
    assert len(set(q.places)) == len(q.places), q.places
    for place in q.places:
        modes = [s.to_mode for s in q.steps if s.kind == "transfer" and s.from_place == place]
        first = [s.from_mode for s in q.steps if s.kind == "transfer" and s.from_place == place]
        assert len(set(first[:1] + modes)) == len(first[:1] + modes), (place, first, modes)


# --- the corridor ------------------------------------------------------------------------


def test_deadline_on_the_corridor(network):
    slow = quote("Kunming", "Hai Phong", network=network)
    fast = quote("Kunming", "Hai Phong", deadline=48, network=network)
    assert fast.planned_hours <= 48 < slow.planned_hours
    assert fast.cost_usd >= slow.cost_usd


def test_corridor_alternatives_move_differently(network):
    """No alternative is another route plus a transfer that moves nothing (onto a truck at
    the destination only to unload it): each has its own legs and crossings."""
    quotes = quote("Kunming", "Hai Phong", alternatives=4, network=network)
    moves = [tuple(s.ref for s in q.steps if s.kind in {"leg", "border"}) for q in quotes]
    assert len(quotes) == 4 and len(set(moves)) == 4
    for q in quotes:
        kinds = [s.kind for s in q.steps]
        moving = [i for i, kind in enumerate(kinds) if kind in {"leg", "border"}]
        assert "transfer" not in kinds[moving[-1] :] and "transfer" not in kinds[: moving[0]]


@pytest.mark.parametrize(
    ("origin", "destination"), [("Kunming", "Hai Phong"), ("Hanoi", "Hai Phong")]
)
def test_corridor_alternatives_make_no_detours(network, origin, destination):
    """Not to Hai Phong, on to Lach Huyen and back; not rail → river → rail at Viet Tri."""
    quotes = quote(origin, destination, alternatives=8, network=network)
    assert len(quotes) == 8
    for q in quotes:
        assert_no_detour(q)


def test_impossible_deadline_names_the_fastest_route(network):
    fastest = quote("Kunming", "Hai Phong", objective="time", network=network)
    with pytest.raises(DeadlineError) as caught:
        quote("Kunming", "Hai Phong", deadline=10, network=network)
    assert caught.value.fastest.planned_hours == pytest.approx(fastest.planned_hours)
    assert str(caught.value).startswith(
        f"deadline 10 h cannot be met: the fastest route takes {fastest.planned_hours:.1f} h "
        f"planned ({fastest.modes[0]}"
    )


def test_max_transshipments_binds(network):
    q = quote("Kunming", "Hai Phong", max_transshipments=0, network=network)
    assert q.transshipments == [] and q.modes == ["road"]
    with pytest.raises(NoRouteError, match="at most 0 transshipment"):
        quote(
            "Kunming",
            "Hai Phong",
            max_transshipments=0,
            modes=["rail_1435", "rail_1000"],
            network=network,
        )


def test_via_a_gate(network):
    q = quote("Kunming", "Hanoi", via=["Huu Nghi"], network=network)
    assert "huu_nghi" in {s.to_place for s in q.steps}
    plain = quote("Kunming", "Hanoi", network=network)
    assert q.cost_usd >= plain.cost_usd


def test_via_and_avoid_contradict(network):
    with pytest.raises(InvalidRequestError, match="both a via place and avoided"):
        quote("Kunming", "Hanoi", via=["Huu Nghi"], avoid=["Huu Nghi"], network=network)


def test_corridor_pareto_front(network):
    front = pareto("Kunming", "Hai Phong", network=network)
    assert len(front) >= 3
    for a, b in itertools.pairwise(front):
        assert a.cost_usd < b.cost_usd and a.planned_hours > b.planned_hours
    assert front[0].cost_usd == pytest.approx(
        quote("Kunming", "Hai Phong", network=network).cost_usd
    )
    fastest = quote("Kunming", "Hai Phong", objective="time", network=network)
    assert front[-1].planned_hours == pytest.approx(fastest.planned_hours)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(random_networks(route=True), st.floats(0.3, 0.9))
def test_large_model_path_highs_equals_brute_force(monkeypatch_highs, net, slack):
    """The HiGHS branch (used above CP_SAT_MAX_ARCS arcs) gives the same optimum."""
    routes = brute_force(net, "p0", "p1")
    assert routes
    deadline = min(r[1] for r in routes) * (1 + slack)
    feasible = [r for r in routes if r[1] <= deadline + 1e-6]
    q = quote("p0", "p1", deadline=deadline, network=net)
    assert q.cost_usd == pytest.approx(min(r[0] for r in feasible), rel=1e-6, abs=1e-3)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    random_networks(size=(4, 6), links=(6, 16), route=True),
    st.floats(0.05, 0.9),
    st.sampled_from([None, 1]),
)
def test_rising_targets_equal_brute_force(monkeypatch_tiny_models, net, slack, k):
    """Pruning at several multipliers and doubling models (large graphs) keep the optimum."""
    routes = brute_force(net, "p0", "p1")
    assert routes
    deadline = min(r[1] for r in routes) * (1 + slack)
    feasible = [r for r in routes if r[1] <= deadline + 1e-6 and (k is None or r[3] <= k)]
    event("feasible" if feasible else "infeasible: no route within the limits")
    if not feasible:  # every fast enough route has two or more transshipments
        with pytest.raises(NoRouteError):
            quote("p0", "p1", deadline=deadline, max_transshipments=k, network=net)
        return
    q = quote("p0", "p1", deadline=deadline, max_transshipments=k, network=net)
    assert q.cost_usd == pytest.approx(min(r[0] for r in feasible), rel=1e-6, abs=1e-3)


@pytest.mark.parametrize(
    ("origin", "destination"), [("Yuxi", "Yen Vien"), ("Yuxi", "Yen Bai"), ("Kunming", "Hai Phong")]
)
def test_deadline_exactly_at_a_frontier_route(network, origin, destination):
    """Deadlines with four decimals: no route over the deadline, none dearer than a fitting one."""
    for point in pareto(origin, destination, network=network):
        for deadline in (point.planned_hours, point.planned_hours + 1e-4):
            q = quote(origin, destination, deadline=deadline, network=network)
            assert q.planned_hours <= deadline + 1e-9
            assert q.cost_usd <= point.cost_usd + 1e-6


def test_alternatives_keep_routes_that_add_a_transshipment(network):
    routes = quote("Lao Cai", "Hanoi", alternatives=3, network=network)
    assert len(routes) == 3
    assert any("rail_1000" in q.modes for q in routes)


def test_highs_branch_handles_zero_cost_cycles(monkeypatch_highs):
    routes = quote(
        "jinshuihe", "puzhai", objective="co2", alternatives=3, network=load_network(2031)
    )
    assert len(routes) == 3


@pytest.mark.parametrize(("origin", "destination"), [("ba_sa", "hekou"), ("Kunming", "Hai Phong")])
def test_ties_go_to_the_cheaper_route_with_limits_too(network, origin, destination):
    free = quote(origin, destination, objective="co2", network=network)
    capped = quote(origin, destination, objective="co2", max_transshipments=50, network=network)
    assert capped.co2e_kg == pytest.approx(free.co2e_kg)
    assert capped.cost_usd == pytest.approx(free.cost_usd)


@st.composite
def graphs_with_groups(draw):
    """A small random digraph (parallel arcs allowed), arc weights and two vertex partitions.

    Three graphs in four have among their arcs a path 0 → … → n-1 (through other vertices in
    random order), which may or may not keep to the groups; the others may have none.
    """
    n = draw(st.integers(4, 7))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    arcs = []
    if draw(st.sampled_from([True, True, True, False])):
        stops = draw(st.permutations(range(1, n - 1)))[: draw(st.integers(0, n - 2))]
        arcs += itertools.pairwise([0, *stops, n - 1])
    arcs += draw(st.lists(pairs, min_size=max(0, 3 - len(arcs)), max_size=16 - len(arcs)))
    arcs = draw(st.permutations(arcs))
    weights = draw(st.lists(st.integers(0, 20), min_size=len(arcs), max_size=len(arcs)))
    partitions = [
        np.array(draw(st.lists(st.integers(-1, 2), min_size=n, max_size=n))) for _ in range(2)
    ]
    return n, arcs, np.array(weights, dtype=float), partitions


def _enters_once(path, arcs, groups) -> bool:
    entered = [groups[arcs[path[0]][0]]]
    entered += [groups[arcs[a][1]] for a in path if groups[arcs[a][1]] != groups[arcs[a][0]]]
    entered = [g for g in entered if g >= 0]
    return len(entered) == len(set(entered))


def _paths_entering_once(n, arcs, partitions):
    """Tails, heads, and every simple 0 → n-1 path (arc indices) that keeps to the groups."""
    tails = np.array([a for a, _ in arcs], dtype=np.int32)
    heads = np.array([b for _, b in arcs], dtype=np.int32)
    multi = nx.MultiDiGraph()
    multi.add_nodes_from(range(n))
    for i, (a, b) in enumerate(arcs):
        multi.add_edge(a, b, key=i)
    paths = [
        path
        for p in nx.all_simple_edge_paths(multi, 0, n - 1)
        if all(_enters_once(path := [k for _, _, k in p], arcs, g) for g in partitions)
    ]
    return tails, heads, paths


def _path_or_none(n, tails, heads, weights, *, highs, **options):
    """:func:`constrained_path` from 0 to n-1 on CP-SAT or HiGHS; None if there is none."""
    with pytest.MonkeyPatch.context() as patch:
        if highs:
            patch.setattr(zero_one, "CP_SAT_MAX_ARCS", 0)
        try:
            return rcsp.constrained_path(
                GraphArrays(n, tails, heads), weights, [], source=0, sink=n - 1, **options
            ).path
        except NoFlowError:
            return None


@SETTINGS
@given(graphs_with_groups(), st.booleans())
def test_once_per_group_equals_brute_force(graph, highs):
    """Each group entered at most once (the start's group never again), on either 0-1 model."""
    n, arcs, weights, partitions = graph
    tails, heads, paths = _paths_entering_once(n, arcs, partitions)
    found = _path_or_none(n, tails, heads, weights, highs=highs, once=rcsp.Once(partitions))
    event("a path keeping to the groups" if paths else "no path keeping to the groups")
    if not paths:
        assert found is None
        return
    assert found is not None and all(_enters_once(found, arcs, g) for g in partitions)
    assert weights[found].sum() == pytest.approx(min(weights[p].sum() for p in paths))


@settings(SETTINGS, max_examples=300)
@given(graphs_with_groups(), st.booleans(), st.data())
def test_exclusions_with_once_equal_brute_force(graph, highs, data):
    """Excluded routes stay out on either 0-1 model, however cheap a cycle that would dodge
    an exclusion by using one of its other arcs apart from the path.

    As ``alternatives`` does, the cheapest routes are excluded one by one, each with random
    other arcs; every arc has one back, so such cycles are everywhere.
    """
    n, arcs, weights, partitions = graph
    arcs = arcs + [(b, a) for a, b in arcs]
    weights = np.concatenate([weights, data.draw(st.permutations(weights.tolist()))])
    tails, heads, paths = _paths_entering_once(n, arcs, partitions)
    paths.sort(key=lambda path: weights[path].sum())
    once = rcsp.Once(partitions)
    forbidden: list[rcsp.Exclusion] = []
    others = st.lists(st.integers(0, len(arcs) - 1), max_size=4)
    for _ in range(5):
        left = [p for p in paths if not any(e.matches(set(p)) for e in forbidden)]
        found = _path_or_none(n, tails, heads, weights, highs=highs, forbidden=forbidden, once=once)
        if not left:
            assert found is None
            break
        assert found is not None and all(_enters_once(found, arcs, g) for g in partitions)
        assert not any(e.matches(set(found)) for e in forbidden)
        assert weights[found].sum() == pytest.approx(weights[left[0]].sum())
        extra = tuple(a for a in data.draw(others) if a not in found)
        forbidden.append(rcsp.Exclusion(tuple((a,) for a in found), extra))
    event(f"subtour cuts: {min(len(once.subtours), 2)}")


def test_a_cycle_apart_from_the_path_gets_a_subtour_cut(monkeypatch_highs):
    """HiGHS meets the exclusion of 0 → 3 with the cheap cycle 1 ⇄ 2, whose arc 1 → 2 makes
    a route other (and no route may use 0 → 1); the cycle is cut off as such, and the dearer
    route 0 → 4 → 3 is the answer."""
    #                  0→3  1→2  2→1  0→4  4→3  0→1  2→3
    tails = np.array([0, 1, 2, 0, 4, 0, 2], dtype=np.int32)
    heads = np.array([3, 2, 1, 4, 3, 1, 3], dtype=np.int32)
    weights = np.array([1.0, 0.1, 0.1, 2.0, 2.0, 0.0, 0.0])
    forbidden = [rcsp.Exclusion(((0,),), (1,)), rcsp.Exclusion(((5,),))]
    once = rcsp.Once([np.full(5, -1)])
    found = rcsp.constrained_path(
        GraphArrays(5, tails, heads), weights, [], source=0, sink=3, forbidden=forbidden, once=once
    ).path
    assert found == [3, 4]
    assert once.subtours == {frozenset({1, 2})}
