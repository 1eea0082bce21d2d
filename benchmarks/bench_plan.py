"""Planning speed: random demand tables on the corridor and on synthetic grids.

Run: ``.venv/bin/python benchmarks/bench_plan.py`` (``--quick`` skips the largest grid).
Times include reading the demand, building the LP and solving it (MathOpt + GLOP).
"""

import math
import random
import sys
import time

import pandas as pd
from synthetic import synthetic_network  # beside this script

import corridor
from corridor.network import SOURCE

MAX_VARIABLES = 5_000_000
"""The arc-based LP has about arcs × origins variables; larger cases are skipped."""


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


def timed(network, commodities):
    table = random_demand(network, commodities)
    start = time.perf_counter()
    result = corridor.plan(table, network=network)
    seconds = time.perf_counter() - start
    return seconds, result


def main(quick):
    network = corridor.load_network(2026)
    seconds, result = timed(network, 1000)
    print(
        f"corridor 2026, 1,000 OD commodities: {seconds:.2f} s "
        f"({len(result.bottlenecks)} saturated, "
        f"{result.totals['unserved_teu_per_day']:.0f} TEU/day unserved)"
    )
    rows = []
    for side in (5, 13) if quick else (5, 13, 41):
        grid = synthetic_network(side)
        arcs = grid.service_graph().number_of_edges()
        for commodities in (10, 100, 1000):
            if arcs * min(commodities, side * side) > MAX_VARIABLES:
                print(
                    f"grid {side}×{side} ({arcs:,} arcs), {commodities:>5} commodities: "
                    "skipped (arc-based LP above 5 M variables)"
                )
                continue
            seconds, _ = timed(grid, commodities)
            rows.append((arcs, commodities, seconds))
            print(
                f"grid {side}×{side} ({arcs:,} arcs), {commodities:>5} commodities: "
                f"{seconds:7.2f} s"
            )
    # growth rate: least squares of log(time) on log(arcs) and log(commodities)
    xs = [(math.log(a), math.log(c), math.log(s)) for a, c, s in rows if s > 0]
    n = len(xs)
    mean = [sum(v[i] for v in xs) / n for i in range(3)]
    cov = [
        [sum((v[i] - mean[i]) * (v[j] - mean[j]) for v in xs) for j in range(3)] for i in range(3)
    ]
    det = cov[0][0] * cov[1][1] - cov[0][1] ** 2
    b_arcs = (cov[0][2] * cov[1][1] - cov[1][2] * cov[0][1]) / det
    b_comm = (cov[1][2] * cov[0][0] - cov[0][2] * cov[0][1]) / det
    print(f"fitted growth: time ∝ arcs^{b_arcs:.2f} × commodities^{b_comm:.2f}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
