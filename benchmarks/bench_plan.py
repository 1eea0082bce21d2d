"""Planning speed: the arc-based LP against column generation over paths, and path scaling.

Run: ``.venv/bin/python benchmarks/bench_plan.py`` (``--quick`` skips the 100k-arc grid;
``--case SIDE COMMODITIES [LIMIT_S]`` runs column generation on one capacitated grid only,
with its summary logged, stopping after ``LIMIT_S`` seconds, default 600).
Times include reading the demand, building the model and solving it (MathOpt + GLOP; the
path method prices with scipy Dijkstra). Grids come from ``synthetic.py`` (seed 1), free
(no capacities, as in earlier figures) or capacitated (``capacities=True``: rail, river and
transfer capacities; roads unlimited). Demand: random OD pairs, 1-40 TEU/day each, seed 3.
"""

import logging
import math
import random
import sys
import time
import warnings

import pandas as pd
from synthetic import synthetic_network  # beside this script

import corridor
from corridor.service import SOURCE

MAX_ARC_VARIABLES = 500_000
"""The arc-based LP has about arcs × origins variables; it is skipped above this."""
PATH_TIME_LIMIT_S = 600.0
"""Column generation stops here (the gap to the Lagrangian bound is then reported)."""
SIDES = {6: "1k", 17: "10k", 52: "100k"}
"""Grid sides for about 1k, 10k and 100k service-graph arcs (1,228, 10,534 and 101,116)."""


def random_demand(network, commodities, seed=3):
    graph = network.service_graph()
    places = sorted(p for p in network.places if (p, SOURCE) in graph)
    rnd = random.Random(seed)
    commodities = min(commodities, len(places) * (len(places) - 1))
    pairs = set()
    while len(pairs) < commodities:
        pairs.add(tuple(rnd.sample(places, 2)))
    return pd.DataFrame(
        [
            {"origin": o, "destination": d, "teu_per_day": rnd.randint(1, 40)}
            for o, d in sorted(pairs)
        ]
    )


def timed(network, table, method, time_limit_s=None):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a plan stopped by the limit: result.gap says how far
        result = corridor.plan(table, network=network, method=method, time_limit_s=time_limit_s)
    seconds = time.perf_counter() - start
    note = "" if result.optimal else f" (stopped: proven gap {result.gap:.1e} to the optimum)"
    return seconds, result, note


def arc_variables(network, table):
    return network.service_graph().number_of_edges() * table["origin"].nunique()


def compare(label, network, table):
    """Both methods on one instance: same optimum, times, ratio."""
    if arc_variables(network, table) > MAX_ARC_VARIABLES:
        print(f"{label}: arc LP skipped (> {MAX_ARC_VARIABLES:,} variables)", flush=True)
        return
    t_arcs, arcs, _ = timed(network, table, "arcs")
    t_paths, paths, _ = timed(network, table, "paths")
    gap = abs(paths.objective_usd_per_day - arcs.objective_usd_per_day)
    print(
        f"{label}: arcs {t_arcs:7.2f} s, paths {t_paths:6.2f} s, × {t_arcs / t_paths:5.1f}; "
        f"optimum {arcs.objective_usd_per_day:,.2f} USD/day, "
        f"relative difference {gap / arcs.objective_usd_per_day:.1e}; "
        f"{len(arcs.bottlenecks)} saturated",
        flush=True,
    )


def fit(rows):
    """Least squares of log(time) on log(arcs) and log(commodities)."""
    xs = [(math.log(a), math.log(c), math.log(s)) for a, c, s in rows if s > 0]
    n = len(xs)
    mean = [sum(v[i] for v in xs) / n for i in range(3)]
    cov = [
        [sum((v[i] - mean[i]) * (v[j] - mean[j]) for v in xs) for j in range(3)] for i in range(3)
    ]
    det = cov[0][0] * cov[1][1] - cov[0][1] ** 2
    b_arcs = (cov[0][2] * cov[1][1] - cov[1][2] * cov[0][1]) / det
    b_comm = (cov[1][2] * cov[0][0] - cov[0][2] * cov[0][1]) / det
    return b_arcs, b_comm


def main(quick):
    network = corridor.load_network(2026)
    arcs = network.service_graph().number_of_edges()
    label = f"corridor 2026 ({arcs} arcs), 1,000 OD commodities"
    compare(label, network, random_demand(network, 1000))
    print("\narc LP against column generation, capacitated grids", flush=True)
    for side in (7, 13):
        grid = synthetic_network(side, capacities=True)
        arcs = grid.service_graph().number_of_edges()
        for commodities in (10, 100, 1000):
            label = f"grid {side}×{side} ({arcs:,} arcs), {commodities:>5} commodities"
            compare(label, grid, random_demand(grid, commodities))
    for capacities in (False, True):
        kind = "capacitated" if capacities else "free"
        print(f"\ncolumn generation, {kind} grids", flush=True)
        rows = []
        for side in tuple(SIDES)[:2] if quick else tuple(SIDES):
            grid = synthetic_network(side, capacities=capacities)
            arcs = grid.service_graph().number_of_edges()
            for commodities in (10, 100, 1000):
                table = random_demand(grid, commodities)
                seconds, result, note = timed(grid, table, "paths", PATH_TIME_LIMIT_S)
                rows.append((arcs, len(table), seconds))
                print(
                    f"grid {side}×{side} ({arcs:,} arcs), {len(table):>5} commodities: "
                    f"{seconds:7.2f} s, {len(result.routes):,} routes, "
                    f"{len(result.bottlenecks):,} saturated{note}",
                    flush=True,
                )
        b_arcs, b_comm = fit(rows)
        print(f"fitted growth ({kind}): time ∝ arcs^{b_arcs:.2f} × commodities^{b_comm:.2f}")


def case(side, commodities, limit_s=PATH_TIME_LIMIT_S):
    """Column generation on one capacitated grid, with its summary logged."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    grid = synthetic_network(side, capacities=True)
    arcs = grid.service_graph().number_of_edges()
    table = random_demand(grid, commodities)
    seconds, result, note = timed(grid, table, "paths", limit_s)
    print(
        f"capacitated grid {side}×{side} ({arcs:,} arcs), {len(table):,} commodities: "
        f"{seconds:.2f} s, {result.objective_usd_per_day:,.2f} USD/day, "
        f"{len(result.bottlenecks):,} saturated{note}",
        flush=True,
    )


if __name__ == "__main__":
    if "--case" in sys.argv:
        at = sys.argv.index("--case")
        limit = [float(sys.argv[at + 3])] if len(sys.argv) > at + 3 else []
        case(int(sys.argv[at + 1]), int(sys.argv[at + 2]), *limit)
    else:
        main(quick="--quick" in sys.argv)
