"""Path-based planning (column generation) against the arc-based LP, deadlines, methods."""

from __future__ import annotations

import importlib
import itertools
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import InvalidRequestError, NoRouteError, load_network, plan, quote
from corridor.model import Mode
from corridor.network import Network
from corridor.planning import UNSERVED_PENALTY_USD_PER_TEU
from corridor.solvers import colgen
from corridor.solvers.arrays import GraphArrays
from corridor.solvers.colgen import loop, masters
from corridor.solvers.colgen import pricing as pricing_module
from corridor.solvers.dijkstra import adjacency

ROOT = Path(__file__).parent.parent
DEMAND_DIR = ROOT / "data" / "demand"
sys.path.insert(0, str(ROOT / "benchmarks"))  # the seeded synthetic grids of the benchmarks
from synthetic import synthetic_network  # noqa: E402

KEY = ["element", "ref", "direction"]


def _graph(n, tails, heads, cost_usd, hours, group):
    """A plan's graph for column generation: arcs with USD, hours and capacity group."""
    return GraphArrays(
        n,
        np.asarray(tails),
        np.asarray(heads),
        {"cost_usd": cost_usd, "hours_p50": hours, "group": np.asarray(group)},
    )


planner_module = importlib.import_module("corridor.planning.planner")


def both(demand, **options):
    arcs = plan(demand, method="arcs", **options)
    paths = plan(demand, method="paths", **options)
    assert (arcs.method, paths.method) == ("arcs", "paths")
    return arcs, paths


def assert_same_plan(arcs, paths, teu=1e-6):
    """Same optimum and the same tables (shape); flows may differ between equal optima.

    ``teu`` (TEU/day) is how far the carried and unserved totals may differ.
    """
    assert paths.objective_usd_per_day == pytest.approx(arcs.objective_usd_per_day, rel=1e-6)
    for name in ("arcs", "capacities", "routes", "unserved"):
        assert list(getattr(paths, name).columns) == list(getattr(arcs, name).columns), name
    assert set(map(tuple, paths.capacities[KEY].to_numpy())) == set(
        map(tuple, arcs.capacities[KEY].to_numpy())
    )
    for total in ("teu_per_day", "unserved_teu_per_day"):
        assert paths.totals[total] == pytest.approx(arcs.totals[total], rel=1e-6, abs=teu)
    cost = arcs.totals["cost_usd_per_day"]
    assert paths.totals["cost_usd_per_day"] == pytest.approx(cost, rel=1e-6, abs=1e-6)
    assert (paths.capacities["flow_teu_day"] <= paths.capacities["capacity_teu_day"] + 1e-6).all()
    assert (paths.capacities["shadow_price_usd"] >= -1e-6).all()
    assert_conserved(paths)


def assert_conserved(result):
    balance = defaultdict(float)
    for row in result.arcs.itertuples():
        balance[(row.from_place, row.from_mode)] -= row.teu_per_day
        balance[(row.to_place, row.to_mode)] += row.teu_per_day
    inner = [b for v, b in balance.items() if v[1] not in ("in", "out")]
    assert max(map(abs, inner), default=0) < 1e-6
    delivered = sum(b for v, b in balance.items() if v[1] == "out")
    assert delivered == pytest.approx(result.totals["teu_per_day"], abs=1e-6)
    assert result.routes["teu_per_day"].sum() == pytest.approx(delivered, abs=1e-6)


@pytest.mark.parametrize(("sample", "year"), [("sample_2026.csv", 2026), ("sample_2031.csv", 2031)])
def test_the_first_order_master_reaches_the_arc_optimum(sample, year, monkeypatch, caplog):
    """PDLP as the master (forced; by default only above 10,000 capacity groups): the same
    plan tables, the optimum within the proven gap, feasible and conserved flows."""
    monkeypatch.setattr(loop, "FIRST_ORDER_GROUPS", -1)
    with caplog.at_level("DEBUG", logger="corridor.solvers.colgen"):
        arcs, paths = both(DEMAND_DIR / sample, year=year)
    assert "master (pdlp" in caplog.text
    # proven within GAP of the optimum: a TEU/day left unserved costs the penalty
    penalty = UNSERVED_PENALTY_USD_PER_TEU
    assert_same_plan(arcs, paths, teu=masters.GAP * arcs.objective_usd_per_day / penalty)
    assert paths.objective_usd_per_day >= arcs.objective_usd_per_day * (1 - 1e-12)


@pytest.mark.parametrize(("sample", "year"), [("sample_2026.csv", 2026), ("sample_2031.csv", 2031)])
@pytest.mark.parametrize("objective", ["cost", "generalised"])
def test_paths_reach_the_arc_optimum_on_the_samples(sample, year, objective):
    arcs, paths = both(DEMAND_DIR / sample, year=year, objective=objective)
    assert_same_plan(arcs, paths)
    # routes of the path plan carry each OD pair's demand, or it is reported unserved
    pair = ["origin", "destination"]
    wanted = pd.read_csv(DEMAND_DIR / sample).groupby(pair)["teu_per_day"].sum()
    carried = paths.routes.groupby(pair)["teu_per_day"].sum()
    unserved = paths.unserved.groupby(pair)["teu_per_day"].sum()
    both_ways = carried.add(unserved, fill_value=0).astype(float)
    pd.testing.assert_series_equal(
        both_ways.sort_index(), wanted.sort_index().astype(float), check_names=False
    )


def with_capacity(network: Network, row: pd.Series, capacity: float) -> Network:
    """The network with one capacity group (a row of ``Plan.capacities``) set to ``capacity``."""
    ds = network.dataset
    if row["element"] == "leg":
        legs = tuple(
            replace(x, capacity_teu_day=capacity) if x.id == row["ref"] else x for x in ds.legs
        )
        ds = replace(ds, legs=legs)
    elif row["element"] == "border":
        crossings = tuple(
            replace(x, capacity_teu_day=capacity) if x.id == row["ref"] else x for x in ds.crossings
        )
        ds = replace(ds, crossings=crossings)
    else:
        modes = {Mode(m) for m in row["direction"].split("↔")}
        transfers = tuple(
            replace(x, capacity_teu_day=capacity)
            if x.place == row["ref"] and {x.from_mode, x.to_mode} == modes
            else x
            for x in ds.transfers
        )
        ds = replace(ds, transfers=transfers)
    return Network(ds, network.year)


def test_shadow_prices_are_subgradients_and_agree_where_unique():
    """The LP value v(capacity) is convex; a shadow price p must satisfy
    v(c) - v(c + 1) <= p <= v(c - 1) - v(c). Both models' prices do; where those bounds
    meet (a unique dual) the two prices are equal.

    A leg's or crossing's capacity holds in each direction, so changing it moves both
    directions' rows: p is then the sum of their prices."""
    network = load_network(2026)
    demand = DEMAND_DIR / "sample_2026.csv"
    arcs, paths = both(demand, network=network)
    merged = arcs.capacities.merge(paths.capacities, on=KEY, suffixes=("_arcs", "_paths"))
    merged["element_capacity"] = np.where(merged["element"] == "transfer", merged["direction"], "")
    merged = merged.groupby(["element", "ref", "element_capacity"], as_index=False).agg(
        direction=("direction", "first"),
        capacity_teu_day_arcs=("capacity_teu_day_arcs", "first"),
        shadow_price_usd_arcs=("shadow_price_usd_arcs", "sum"),
        shadow_price_usd_paths=("shadow_price_usd_paths", "sum"),
    )
    priced = merged[
        (merged["shadow_price_usd_arcs"] > 1e-6) | (merged["shadow_price_usd_paths"] > 1e-6)
    ]
    assert len(priced) >= 3
    base = arcs.objective_usd_per_day
    unique = 0
    for _, row in priced.iterrows():
        capacity = row["capacity_teu_day_arcs"]
        more = plan(demand, network=with_capacity(network, row, capacity + 1), method="arcs")
        less = plan(demand, network=with_capacity(network, row, capacity - 1), method="arcs")
        low = base - more.objective_usd_per_day
        high = less.objective_usd_per_day - base
        for price in (row["shadow_price_usd_arcs"], row["shadow_price_usd_paths"]):
            assert low - 1e-6 * base <= price <= high + 1e-6 * base
        if high - low < 1e-6 * base:
            unique += 1
            assert row["shadow_price_usd_paths"] == pytest.approx(
                row["shadow_price_usd_arcs"], rel=1e-6, abs=1e-6
            )
    assert unique >= 1


CORRIDOR_PLACES = [
    "kunming",
    "hai_phong",
    "hanoi",
    "nanning",
    "lao_cai",
    "kaiyuan",
    "yuxi",
    "lach_huyen",
]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(CORRIDOR_PLACES),
            st.sampled_from(CORRIDOR_PLACES),
            st.integers(1, 1500),
            st.sampled_from(["general", "reefer", "bulk"]),
        ).filter(lambda row: row[0] != row[1]),  # no demand from a place to itself
        min_size=1,
        max_size=6,
    ),
    squeeze=st.floats(0.05, 1.0),
)
def test_paths_equal_arcs_on_the_corridor_with_squeezed_capacities(network, rows, squeeze):
    legs = tuple(
        replace(leg, capacity_teu_day=leg.capacity_teu_day * squeeze)
        if leg.capacity_teu_day
        else leg
        for leg in network.dataset.legs
    )
    tight = Network(replace(network.dataset, legs=legs), 2026)
    demand = pd.DataFrame(rows, columns=["origin", "destination", "teu_per_day", "cargo"])
    demand = demand.drop_duplicates(["origin", "destination", "cargo"])
    arcs, paths = both(demand, network=tight)  # rows no route can carry: see below
    assert_same_plan(arcs, paths)
    if (
        paths.totals["unserved_teu_per_day"] > 1e-6
        and not (paths.bottlenecks["shadow_price_usd"] > 0).any()
    ):  # unserved without a binding capacity: the cargo has no route at all
        for row in paths.unserved.itertuples():
            with pytest.raises(NoRouteError):
                quote(row.origin, row.destination, cargo=row.cargo, network=tight)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    side=st.integers(3, 5),
    pairs=st.integers(1, 15),
    objective=st.sampled_from(["cost", "generalised"]),
)
def test_paths_equal_arcs_on_seeded_synthetic_grids(seed, side, pairs, objective):
    grid = synthetic_network(side, seed=seed, capacities=True)
    rnd = np.random.default_rng(seed)
    places = sorted(grid.places)
    ods = {tuple(rnd.choice(places, 2, replace=False)) for _ in range(pairs)}
    demand = pd.DataFrame(
        [
            {
                "origin": o,
                "destination": d,
                "teu_per_day": int(rnd.integers(50, 400)),
                "value_usd_per_teu": int(rnd.integers(0, 60_000)),
            }
            for o, d in sorted(ods)
        ]
    )
    arcs, paths = both(demand, network=grid, objective=objective)
    assert_same_plan(arcs, paths)


def test_a_deadline_keeps_slow_routes_out():
    network = load_network(2026)
    free = quote("Kunming", "Hai Phong", network=network)
    deadline = 0.8 * free.hours_p50
    fast = quote("Kunming", "Hai Phong", network=network, deadline=deadline)
    demand = pd.DataFrame(
        {
            "origin": ["Kunming"],
            "destination": ["Hai Phong"],
            "teu_per_day": [2],
            "deadline_hours": [deadline],
        }
    )
    result = plan(demand, network=network)
    assert result.method == "paths"
    assert result.objective_usd_per_day == pytest.approx(2 * fast.cost_usd)
    assert (result.routes["planned_hours"] <= deadline + 1e-9).all()
    fastest = quote("Kunming", "Hai Phong", network=network, objective="time").planned_hours
    reason = (
        "kunming → hai_phong (general): 2.0 TEU/day unserved whatever the capacities: "
        f"deadline 1 h cannot be met: the fastest route takes {fastest:.1f} h planned"
    )
    never = plan(demand.assign(deadline_hours=1.0), network=network)
    assert [note for note in never.notes if note.startswith(reason)]
    assert never.totals["unserved_teu_per_day"] == pytest.approx(2)
    met = plan(demand.assign(deadline_hours=fastest + 1), network=network)
    assert not met.notes  # a deadline met on the empty network: no note
    with pytest.raises(InvalidRequestError, match="path model only"):
        plan(demand, network=network, method="arcs")
    with pytest.raises(InvalidRequestError, match="path model only"):
        plan(demand, network=network, integer=True)


def test_a_blank_deadline_is_no_deadline(network):
    demand = pd.DataFrame(
        {
            "origin": ["Kunming", "Nanning"],
            "destination": ["Hai Phong", "Hanoi"],
            "teu_per_day": [2, 3],
            "deadline_hours": [np.nan, np.nan],
        }
    )
    assert plan(demand, network=network).method == "arcs"


def test_method_choice_and_bad_methods(network, monkeypatch):
    demand = DEMAND_DIR / "sample_2026.csv"
    assert plan(demand, network=network).method == "arcs"
    monkeypatch.setattr(planner_module, "PATHS_ABOVE_VARIABLES", 100)
    assert plan(demand, network=network).method == "paths"
    assert plan(demand, network=network, integer=True).method == "arcs"
    assert plan(demand, network=network, method=" Paths").method == "paths"  # as typed
    with pytest.raises(InvalidRequestError, match="method must be one of auto, arcs, paths"):
        plan(demand, network=network, method="columns")
    with pytest.raises(InvalidRequestError, match="integer plans use the arc model"):
        plan(demand, network=network, method="paths", integer=True)


def test_a_time_limit_returns_the_best_plan_with_a_note(network):
    demand = DEMAND_DIR / "sample_2031.csv"
    result = plan(demand, network=network, method="paths", time_limit_s=0)
    assert [note for note in result.notes if note.startswith("plan not proven optimal")]
    exact = plan(demand, network=network, method="arcs")
    best = exact.objective_usd_per_day
    assert result.objective_usd_per_day >= best - 1e-6
    # the bound is proven: at most the optimum, and the gap says how far the plan may be off
    assert not result.optimal and exact.optimal and exact.gap == 0
    assert result.bound_usd_per_day <= best * (1 + 1e-9)
    assert result.gap == pytest.approx(
        (result.objective_usd_per_day - result.bound_usd_per_day) / result.objective_usd_per_day
    )
    assert result.gap >= (result.objective_usd_per_day - best) / result.objective_usd_per_day
    assert result.totals["teu_per_day"] + result.totals["unserved_teu_per_day"] == pytest.approx(
        pd.read_csv(demand)["teu_per_day"].sum()
    )


def test_capacity_rows_enter_the_master_only_once_exceeded():
    """Row generation: five parallel routes 0 → u → v → 1, each arc its own capacity group,
    the middle one tight (10 TEU/day), the others loose (100). 35 TEU/day fill the three
    cheapest routes and half the fourth; only the three binding capacities become rows, not
    the 12 groups that the routes in the plan use, and the plan is the exact optimum."""
    tails, heads, cost, group, capacity = [], [], [], [], []
    for i in range(5):
        u, v = 2 + 2 * i, 3 + 2 * i
        for tail, head, cap in ((0, u, 100.0), (u, v, 10.0), (v, 1, 100.0)):
            tails.append(tail)
            heads.append(head)
            cost.append(i + 1.0)
            group.append(len(capacity))
            capacity.append(cap)
    graph = _graph(
        n=12,
        tails=np.array(tails),
        heads=np.array(heads),
        cost_usd=np.array(cost),
        hours=np.zeros(len(tails)),
        group=np.array(group),
    )
    solution = colgen.solve(
        [graph], [colgen.Commodity(0, 0, 1, 35.0)], np.array(capacity), penalty=1000.0
    )
    assert solution.optimal
    assert solution.objective == pytest.approx(10 * 3 + 10 * 6 + 10 * 9 + 5 * 12)
    used = {int(g) for c in solution.columns for g in graph.column("group")[c.arcs]}
    assert len(used) == 12
    assert solution.stats["capacity_rows"] == 3
    load = np.zeros(len(capacity))
    for c in solution.columns:
        np.add.at(load, graph.column("group")[c.arcs], c.flow)
    assert (load <= np.array(capacity) + 1e-9).all()
    tight = solution.duals[[1, 4, 7]]  # the routes' middle arcs: 12 - 3, 12 - 6, 12 - 9
    np.testing.assert_allclose(tight, [-9.0, -6.0, -3.0])
    assert not np.delete(solution.duals, [1, 4, 7]).any()


@pytest.mark.parametrize("first_order", [False, True])
def test_a_stopped_solve_returns_the_last_master_without_solving_again(first_order, monkeypatch):
    """At the time limit the loop stops before changing the master, so the plan is its last
    solution and no master solve overruns the limit. A (0 → 1) and B (2 → 1), 10 TEU/day
    each, share the arc 3 → 1 (10 TEU/day); A also has a dearer direct arc. The greedy start
    gives the shared arc to A and leaves B unserved; the optimum sends A direct."""
    monkeypatch.setattr(loop, "FIRST_ORDER_GROUPS", -1 if first_order else 10**9)
    graph = _graph(
        n=4,
        tails=np.array([0, 2, 3, 0]),
        heads=np.array([3, 3, 1, 1]),
        cost_usd=np.array([1.0, 1.0, 1.0, 5.0]),
        hours=np.zeros(4),
        group=np.array([0, 1, 2, 3]),
    )
    capacity = np.array([100.0, 100.0, 10.0, 100.0])
    pairs = [colgen.Commodity(0, 0, 1, 10.0), colgen.Commodity(0, 2, 1, 10.0)]
    exact = colgen.solve([graph], pairs, capacity, penalty=1000.0)
    stopped = colgen.solve([graph], pairs, capacity, penalty=1000.0, time_limit_s=0)
    assert exact.objective == pytest.approx(10 * 5 + 10 * 2, rel=masters.GAP)
    assert not stopped.optimal and stopped.stopped == "time_limit" and stopped.rounds == 1
    assert stopped.stats["master_solves"] == stopped.stats["row_rounds"] + 1  # the start's only
    assert stopped.objective == pytest.approx(10 * 2 + 10 * 1000.0)  # B unserved
    assert stopped.unserved.tolist() == pytest.approx([0.0, 10.0], abs=1e-9)
    assert stopped.bound <= exact.objective + 1e-6


def _random_instance(seed):
    """A small random graph (vertices 0..n-1, some parallel arcs), capacity groups, OD
    commodities (some with a deadline or a value of time) and an unserved penalty."""
    rnd = np.random.default_rng(seed)
    n = int(rnd.integers(4, 8))
    pairs = [(t, h) for t in range(n) for h in range(n) if t != h and rnd.random() < 0.45]
    if pairs:
        pairs += [pairs[i] for i in rnd.integers(0, len(pairs), int(rnd.integers(0, 4)))]
    groups = int(rnd.integers(1, 5))
    graph = _graph(
        n=n,
        tails=np.array([t for t, _ in pairs], dtype=np.int64),
        heads=np.array([h for _, h in pairs], dtype=np.int64),
        cost_usd=rnd.integers(0, 20, len(pairs)).astype(float),
        hours=rnd.integers(0, 10, len(pairs)).astype(float),
        group=rnd.integers(-1, groups, len(pairs)),
    )
    commodities = []
    for _ in range(int(rnd.integers(1, 6))):
        source, sink = rnd.choice(n, 2, replace=False)
        deadline = None if rnd.random() < 0.4 else float(rnd.integers(0, 25))
        commodities.append(
            colgen.Commodity(
                0,
                int(source),
                int(sink),
                float(rnd.integers(1, 30)),
                float(rnd.choice([0.0, 0.5, 2.0])),
                deadline,
            )
        )
    penalty = float(rnd.choice([30.0, 60.0, 500.0]))
    return graph, commodities, rnd.integers(3, 40, groups).astype(float), penalty


def _path_lp_by_enumeration(graph, commodities, capacity, penalty):
    """The path LP over every simple path within its deadline (networkx), by scipy's HiGHS."""
    import networkx as nx
    from scipy.optimize import linprog

    g = nx.MultiDiGraph()
    g.add_nodes_from(range(graph.n))
    for i, (t, h) in enumerate(zip(graph.tails, graph.heads, strict=True)):
        g.add_edge(int(t), int(h), key=i)
    columns = []  # (commodity, cost, uses per group)
    for k, c in enumerate(commodities):
        for path in nx.all_simple_edge_paths(g, c.source, c.sink):
            arcs = [key for _, _, key in path]
            hours = graph.column("hours_p50")[arcs].sum()
            if c.deadline_hours is not None and hours > c.deadline_hours + 1e-9:
                continue
            groups = graph.column("group")[arcs]
            uses = np.bincount(groups[groups >= 0], minlength=len(capacity))
            columns.append((k, graph.column("cost_usd")[arcs].sum() + c.usd_per_hour * hours, uses))
        columns.append((k, penalty, np.zeros(len(capacity))))  # unserved
    equal = np.array([[1.0 * (k == j) for k, _, _ in columns] for j in range(len(commodities))])
    result = linprog(
        [c for _, c, _ in columns],
        A_ub=np.array([u for _, _, u in columns]).T,
        b_ub=capacity,
        A_eq=equal,
        b_eq=[c.teu_per_day for c in commodities],
        method="highs",
    )
    assert result.status == 0
    return result.fun


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    smoothing=st.sampled_from([0.0, 0.5, 0.8]),
    first_order=st.booleans(),
)
def test_column_generation_meets_the_enumerated_path_lp_and_bounds_it(seed, smoothing, first_order):
    """Against every simple path: the same optimum with or without dual smoothing (exactly
    with the simplex master, within the proven gap with PDLP), feasible flows, a proven
    bound, and pricing's Lagrangian value at any capacity duals ≤ 0 and demand duals (at
    smoothed duals, and at the master's, where searches stop early) below the optimum."""
    graph, commodities, capacity, penalty = _random_instance(seed)
    best = _path_lp_by_enumeration(graph, commodities, capacity, penalty)
    original = pricing_module.SMOOTHING, loop.FIRST_ORDER_GROUPS
    try:
        pricing_module.SMOOTHING = smoothing
        loop.FIRST_ORDER_GROUPS = -1 if first_order else original[1]
        solution = colgen.solve([graph], commodities, capacity, penalty=penalty)
    finally:
        pricing_module.SMOOTHING, loop.FIRST_ORDER_GROUPS = original
    assert solution.optimal
    assert bool(solution.stats["first_order"]) is first_order
    served = np.zeros(len(commodities))
    load = np.zeros(len(capacity))
    for column in solution.columns:
        served[column.commodity] += column.flow
        groups = graph.column("group")[column.arcs]
        np.add.at(load, groups[groups >= 0], column.flow)
    demand = [c.teu_per_day for c in commodities]
    assert served + solution.unserved == pytest.approx(demand, abs=1e-6)
    assert (load <= capacity + 1e-6).all()
    if first_order:  # feasible flows within the proven gap of the optimum
        assert best - 1e-6 <= solution.objective <= best + masters.GAP * max(1.0, best) + 1e-6
        assert solution.bound <= best + 1e-6
    else:
        assert solution.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
        slack = sum(demand) * pricing_module.TOLERANCE * max(1.0, penalty)
        assert best - slack - 1e-6 <= solution.bound <= best + 1e-6
    pricing = pricing_module.Pricing([graph], commodities)
    known = [(c.commodity, c.arcs) for c in solution.columns]
    rnd = np.random.default_rng(seed)
    for _ in range(5):
        duals = -rnd.exponential(20.0, len(capacity))
        sigma = rnd.uniform(0, 2 * penalty, len(commodities))
        for at in (None, duals):
            found, bound, _ = pricing.price(duals, sigma, penalty, capacity, at=at)
            assert bound <= best + 1e-6
            # searches bounded by known paths find the same commodities' paths; at smoothed
            # duals both searches are exact (at the master's, a search that stops early counts
            # the demand dual, and where it stops depends on its batch)
            bounded, other, _ = pricing.price(duals, sigma, penalty, capacity, at=at, known=known)
            assert other <= best + 1e-6
            assert sorted(k for k, _ in bounded) == sorted(k for k, _ in found)
            if at is not None:
                assert other == pytest.approx(bound)


def test_the_first_order_masters_repair_fills_the_cheapest_paths_with_room():
    """PDLP's flows, once scaled within capacity, leave demand short: the shortfall goes to the
    commodity's paths cheapest first, as far as their capacity rows allow, never to a path
    dearer than leaving the TEU unserved."""
    # commodity 0: paths 0 (10 USD, row 0), 1 (12, row 1), 2 (40, no row); commodity 1:
    # path 3 (50 USD, no row), dearer than the penalty of 45
    paths = np.array([0, 0, 0, 1])
    use = (np.array([0, 1]), np.array([0, 1]), np.array([1.0, 1.0]))
    flows = masters.fill(
        np.array([6.0, 0.0, 0.0, 1.0]),
        paths,
        np.array([20.0, 5.0]),
        use,
        np.array([8.0, 5.0]),
        cost=np.array([10.0, 12.0, 40.0, 50.0]),
        penalty=45.0,
    )
    np.testing.assert_allclose(flows, [8.0, 5.0, 7.0, 1.0])


def _two_routes():
    """Two parallel arcs 0 → 1, 1 and 5 USD per TEU, capacity groups 0 and 1."""
    return _graph(
        n=2,
        tails=np.array([0, 0]),
        heads=np.array([1, 1]),
        cost_usd=np.array([1.0, 5.0]),
        hours=np.zeros(2),
        group=np.array([0, 1]),
    )


def test_a_simplex_master_proven_optimal_at_the_limit_says_so(monkeypatch):
    """At the limit a simplex master whose round found no new path is the proven optimum:
    one commodity on two routes, where the greedy start already splits it optimally."""
    monkeypatch.setattr(loop, "FIRST_ORDER_GROUPS", 10**9)
    graph = _two_routes()
    pairs = [colgen.Commodity(0, 0, 1, 10.0)]
    capacity = np.array([6.0, 100.0])
    solution = colgen.solve([graph], pairs, capacity, penalty=1000.0, time_limit_s=0)
    assert solution.optimal and solution.stopped == "optimal" and solution.rounds == 1
    assert solution.objective == pytest.approx(6 * 1 + 4 * 5)


def test_the_first_order_master_keeps_one_flow_per_path_when_it_drops_paths(monkeypatch):
    """A dropped path takes its flow with it, so the plan read right after (a loop that
    stalls or runs out of time there) has one flow per path, and the same cost."""
    monkeypatch.setattr(masters, "DROP_AFTER", 1)
    graph = _two_routes()
    commodities = [colgen.Commodity(0, 0, 1, 10.0)]
    pricing = pricing_module.Pricing([graph], commodities)
    master = masters.FirstOrderMaster(commodities, np.array([100.0, 100.0]), 1000.0, 0.0, None)
    for arc in (0, 1):
        assert master.add_column(0, np.array([arc]), pricing)
    master.eps = masters.PDLP_EPS[0]
    objective = master.solve()[0]
    assert master.drop_idle(pricing) == 1  # the dearer path: no flow, reduced cost 4
    flows, unserved = master.values()
    assert [arcs.tolist() for _, arcs in master.columns] == [[0]]
    assert flows == pytest.approx([10.0]) and unserved == pytest.approx([0.0], abs=1e-6)
    assert objective == pytest.approx(10.0, rel=1e-6)


def test_searches_shared_with_worker_processes_give_the_same_plan(monkeypatch, caplog):
    """Pricing's Dijkstra searches dealt out to a forked worker (forced here on a small grid):
    the same optimum and routes as searching in this process alone."""
    grid = synthetic_network(7, capacities=True)
    table = pd.DataFrame(
        [("g0_0", "g6_6", 40), ("g0_6", "g6_0", 35), ("g3_0", "g3_6", 30), ("g6_3", "g0_3", 25)],
        columns=["origin", "destination", "teu_per_day"],
    )
    alone = plan(table, network=grid, method="paths")
    monkeypatch.setattr(pricing_module, "SHARED_WORK", 0)
    monkeypatch.setattr(pricing_module, "SEARCH_WORKERS", 1)
    with caplog.at_level("DEBUG", logger="corridor.solvers.colgen"):
        shared = plan(table, network=grid, method="paths")
    assert "1 search workers" in caplog.text
    assert shared.objective_usd_per_day == pytest.approx(alone.objective_usd_per_day, rel=1e-9)
    assert_conserved(shared)


def test_no_search_workers_when_off_small_or_inside_a_worker(monkeypatch):
    graph = _graph(2, np.array([0]), np.array([1]), np.ones(1), np.ones(1), np.array([-1]))
    commodities = [colgen.Commodity(0, 0, 1, 1.0)]
    monkeypatch.setattr(pricing_module, "SHARED_WORK", 0)
    monkeypatch.setattr(pricing_module, "SEARCH_WORKERS", 1)
    with pricing_module.search_workers([graph], commodities) as workers:
        assert workers is not None and workers.count == 1
    monkeypatch.setattr(pricing_module, "SEARCH_WORKERS", 0)
    with pricing_module.search_workers([graph], commodities) as workers:
        assert workers is None
    monkeypatch.setattr(pricing_module, "SEARCH_WORKERS", 1)
    monkeypatch.setattr(pricing_module, "SHARED_WORK", 10)  # 2 vertices, 1 origin: too small
    with pricing_module.search_workers([graph], commodities) as workers:
        assert workers is None
    monkeypatch.setattr(pricing_module, "SHARED_WORK", 0)
    monkeypatch.setattr(pricing_module.multiprocessing, "parent_process", object)
    with pricing_module.search_workers([graph], commodities) as workers:
        assert workers is None


def test_a_dead_search_worker_leaves_the_searches_to_this_process(monkeypatch, caplog):
    import os
    import signal

    graph, commodities, capacity, penalty = _random_instance(7)
    monkeypatch.setattr(pricing_module, "SHARED_WORK", 0)
    monkeypatch.setattr(pricing_module, "SEARCH_WORKERS", 1)
    with pricing_module.search_workers([graph], commodities) as workers:
        assert workers is not None
        for pid in [p.pid for p in workers.pool._processes.values()]:
            os.kill(pid, signal.SIGKILL)
        pricing = pricing_module.Pricing([graph], commodities, workers)
        duals = np.zeros(len(capacity))
        sigma = np.full(len(commodities), penalty)
        with caplog.at_level("WARNING", logger="corridor.solvers.colgen"):
            found, bound, _ = pricing.price(duals, sigma, penalty, capacity, at=duals)
    assert "searching in this process" in caplog.text
    assert pricing.workers is None
    expected = pricing_module.Pricing([graph], commodities).price(
        duals, sigma, penalty, capacity, at=duals
    )
    assert bound == pytest.approx(expected[1])
    assert sorted(k for k, _ in found) == sorted(k for k, _ in expected[0])


def test_with_search_workers_pdlp_takes_their_cores(monkeypatch, caplog):
    """A large problem's PDLP master runs on one thread per core (the workers' cores are idle
    while it solves), here forced on a small instance, and still meets the path LP."""
    graph, commodities, capacity, penalty = _random_instance(2)  # 3 rows, 3 master solves
    best = _path_lp_by_enumeration(graph, commodities, capacity, penalty)
    monkeypatch.setattr(pricing_module, "SHARED_WORK", 0)
    monkeypatch.setattr(pricing_module, "SEARCH_WORKERS", 1)
    monkeypatch.setattr(loop, "FIRST_ORDER_GROUPS", -1)
    with caplog.at_level("DEBUG", logger="corridor.solvers.colgen"):
        solution = colgen.solve([graph], commodities, capacity, penalty=penalty)
    assert "master (pdlp, tolerance" in caplog.text and ", 2 threads)" in caplog.text
    assert solution.optimal
    assert best - 1e-6 <= solution.objective <= best + masters.GAP * max(1.0, best) + 1e-6


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), limited=st.booleans())
def test_searches_read_dead_end_sinks_off_their_last_arcs(seed, limited):
    """Pricing's searches leave arcs into dead ends out and read those sinks off their last
    arcs: distances equal a plain Dijkstra's on the whole graph (sinks beyond the limit
    unreached), and every path is a walk from source to sink of exactly that length."""
    from scipy.sparse.csgraph import dijkstra

    rnd = np.random.default_rng(seed)
    n = int(rnd.integers(3, 9))
    dead = set(rnd.choice(n, int(rnd.integers(1, n)), replace=False).tolist())
    pairs = [
        (t, h)
        for t in range(n)
        for h in range(n)
        if t != h and t not in dead and rnd.random() < 0.5
    ]
    pairs += [pairs[i] for i in rnd.integers(0, len(pairs), 3)] if pairs else []
    tails = np.array([t for t, _ in pairs], dtype=np.int64)
    heads = np.array([h for _, h in pairs], dtype=np.int64)
    weights = rnd.integers(0, 10, len(pairs)).astype(float)
    graph = _graph(n, tails, heads, weights, weights, np.full(len(pairs), -1))
    commodities = [
        colgen.Commodity(0, int(s), int(t), 1.0)
        for s in range(n)
        for t in range(n)
        if s != t and s not in dead
    ]
    limit = rnd.integers(0, 25, len(commodities)).astype(float) if limited else None
    pricing = pricing_module.Pricing([graph], commodities)
    found = pricing._trees(
        graph,
        weights,
        list(range(len(commodities))),
        limit if limit is not None else np.full(len(commodities), np.inf),
    )
    full, _ = adjacency(n, tails, heads, weights)
    # at most 8 sources: one batch, searched as far as its largest limit
    assert n <= pricing_module.LIMITED_CHUNK
    stop = limit.max() if limited else np.inf
    for k, length, path in found:
        c = commodities[k]
        expected = dijkstra(full, indices=c.source)[c.sink] if len(pairs) else np.inf
        if expected > stop * (1 + 1e-9) + 1e-9:
            expected = np.inf
        assert length == expected
        if np.isfinite(length):
            assert tails[path[0]] == c.source and heads[path[-1]] == c.sink
            assert all(heads[a] == tails[b] for a, b in itertools.pairwise(path))
            assert weights[path].sum() == length
        else:
            assert path is None


def test_the_plan_returned_is_the_cheapest_the_master_gave():
    """PDLP's repaired plans can get dearer from one round to the next: the loop keeps the
    cheapest, with its own paths and unserved TEU/day, not the last."""

    class Master:  # the two calls the incumbent makes of a master
        def __init__(self, arc: int, flow: float, unserved: float) -> None:
            self.columns = [(0, np.array([arc]))]
            self.plan = [flow], np.array([unserved])

        def values(self):
            return list(self.plan[0]), self.plan[1].copy()

    best = loop.Incumbent(120.0, Master(0, 10.0, 0.0))
    best.offer(150.0, Master(1, 5.0, 5.0))  # dearer: kept out
    assert best.objective == 120.0 and [c.arcs.tolist() for c in best.columns] == [[0]]
    assert best.unserved.tolist() == [0.0]
    best.offer(100.0, Master(1, 5.0, 5.0))
    assert best.objective == 100.0 and [c.arcs.tolist() for c in best.columns] == [[1]]
    assert [c.flow for c in best.columns] == [5.0] and best.unserved.tolist() == [5.0]
