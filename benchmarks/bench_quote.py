"""Quote speed against a bare networkx Dijkstra on the same service graph, in one process.

Run: ``.venv/bin/python benchmarks/bench_quote.py`` (add ``--quick`` to skip the slow
synthetic constrained cases). Prints medians and ratios; figures go to docs/performance.md.
"""

import random
import statistics
import sys
import time

import networkx as nx
from synthetic import synthetic_network  # beside this script

import corridor
from corridor.service import SINK, SOURCE


def median_ms(fn, repeats):
    fn()  # warm caches (service graph, arrays)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def once_ms(fn):
    start = time.perf_counter()
    result = fn()
    return 1000 * (time.perf_counter() - start), result


def corridor_figures():
    network = corridor.load_network(2026)
    graph = network.service_graph()
    print(f"corridor 2026: {graph.number_of_nodes()} vertices, {graph.number_of_edges()} arcs")
    base = median_ms(
        lambda: nx.dijkstra_path(
            graph, ("kunming", SOURCE), ("hai_phong", SINK), weight="cost_usd"
        ),
        300,
    )
    print(f"  bare networkx Dijkstra Kunming → Hai Phong         {base:8.3f} ms   1.0×")
    rows = [
        (
            "quote, unconstrained (min-cost flow)",
            lambda: corridor.quote("Kunming", "Hai Phong", network=network),
            300,
        ),
        (
            "quote, deadline 48 h + max 2 transshipments",
            lambda: corridor.quote(
                "Kunming", "Hai Phong", deadline=48, max_transshipments=2, network=network
            ),
            100,
        ),
        (
            "quote, deadline 60 h (gap closed by CP-SAT)",
            lambda: corridor.quote("Kunming", "Hai Phong", deadline=60, network=network),
            100,
        ),
        (
            "quote, alternatives=3",
            lambda: corridor.quote("Kunming", "Hai Phong", alternatives=3, network=network),
            20,
        ),
        (
            # a pair with few distinct routes: each further one needs more model solves
            "quote, alternatives=15, Hanoi → Hai Phong",
            lambda: corridor.quote("Hanoi", "Hai Phong", alternatives=15, network=network),
            3,
        ),
        (
            "quote, Hanoi → Hai Phong (network places)",
            lambda: corridor.quote("Hanoi", "Hai Phong", network=network),
            300,
        ),
        (
            # the first and last miles are estimated drayage arcs added to a copy of the arrays
            "quote, Hung Yen (gazetteer town) → Hai Phong",
            lambda: corridor.quote("Hung Yen", "Hai Phong", network=network),
            300,
        ),
        (
            "quote, 21.18,106.07 (coordinates) → Kunming",
            lambda: corridor.quote("21.18,106.07", "Kunming", network=network),
            300,
        ),
        ("pareto cost/time", lambda: corridor.pareto("Kunming", "Hai Phong", network=network), 20),
        (
            "pareto cost/time/co2",
            lambda: corridor.pareto(
                "Kunming", "Hai Phong", objectives=("cost", "time", "co2"), network=network
            ),
            10,
        ),
        (
            "quote, deadline 72 h at 90 % confidence",
            lambda: corridor.quote(
                "Kunming", "Hai Phong", deadline=72, confidence=0.9, network=network
            ),
            20,
        ),
    ]
    for label, fn, repeats in rows:
        ms = median_ms(fn, repeats)
        print(f"  {label:<50} {ms:8.3f} ms {ms / base:6.1f}×")
    places = sorted(p for p in network.places if (p, SOURCE) in graph)
    rnd = random.Random(7)
    requests = [
        dict(zip(("origin", "destination"), rnd.sample(places, 2), strict=True))
        for _ in range(10_000)
    ]
    ms, table = once_ms(lambda: corridor.quote_many(requests, network=network))
    ok = int((table["status"] == "ok").sum())
    distinct = len({(r["origin"], r["destination"]) for r in requests})
    print(
        f"  quote_many, 10,000 random OD pairs ({ok} routed, {distinct} distinct, each "
        f"quoted once)   {ms / 1000:6.2f} s"
    )
    pairs = [{"origin": o, "destination": d} for o in places for d in places if o != d]
    ms, table = once_ms(lambda: corridor.quote_many(pairs, network=network))
    print(
        f"  quote_many, all {len(pairs):,} OD pairs once                  {ms / 1000:6.2f} s "
        f"({ms / len(pairs):.2f} ms a pair)"
    )


def synthetic_figures(quick):
    start = time.perf_counter()
    network = synthetic_network(41, seed=1)
    graph = network.service_graph()
    build = time.perf_counter() - start
    print(
        f"synthetic grid 41×41 (seed 1): {graph.number_of_nodes()} vertices, "
        f"{graph.number_of_edges()} arcs, built in {build:.2f} s"
    )
    origin, destination = "g0_0", "g40_40"
    base = median_ms(
        lambda: nx.dijkstra_path(graph, (origin, SOURCE), (destination, SINK), weight="cost_usd"),
        10,
    )
    print(f"  bare networkx Dijkstra corner to corner            {base:8.1f} ms   1.0×")
    ms = median_ms(lambda: corridor.quote(origin, destination, network=network), 10)
    print(f"  quote, unconstrained                               {ms:8.1f} ms {ms / base:6.1f}×")
    fastest = corridor.quote(origin, destination, objective="time", network=network)
    for factor in (1.1,) if quick else (1.1, 1.2, 1.5):
        deadline = fastest.hours_p50 * factor
        ms, q = once_ms(
            lambda d=deadline: corridor.quote(
                origin, destination, deadline=d, max_transshipments=4, network=network
            )
        )
        print(
            f"  quote, deadline {factor}× fastest + max 4 transshipments "
            f"{ms:8.0f} ms {ms / base:6.1f}×  (USD {q.cost_usd:,.0f}, {q.hours_p50:.1f} h)"
        )


if __name__ == "__main__":
    corridor_figures()
    synthetic_figures(quick="--quick" in sys.argv)
