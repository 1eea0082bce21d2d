"""Quote speed on the corridor against a bare networkx Dijkstra on the same service graph.

Run: ``.venv/bin/python benchmarks/bench_quote.py``. Prints medians and ratios; both are
measured in this process on the same graph, network loaded once.
"""

import contextlib
import itertools
import statistics
import time

import networkx as nx

import corridor
from corridor.network import SINK, SOURCE

REPEATS = 200


def median_ms(fn, repeats=REPEATS):
    fn()  # warm caches (service graph, arrays)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main():
    start = time.perf_counter()
    network = corridor.load_network(2026)
    load_ms = 1000 * (time.perf_counter() - start)
    graph = network.service_graph()
    print(f"network load (first, incl. validation): {load_ms:.0f} ms")
    print(f"service graph: {graph.number_of_nodes()} vertices, {graph.number_of_edges()} arcs")

    def dijkstra():
        return nx.dijkstra_path(graph, ("kunming", SOURCE), ("hai_phong", SINK), weight="cost_usd")

    def quote():
        return corridor.quote("Kunming", "Hai Phong", network=network)

    base, ours = median_ms(dijkstra), median_ms(quote)
    print(f"bare networkx Dijkstra Kunming → Hai Phong: {base:.3f} ms")
    print(f"corridor.quote (OR-Tools min-cost flow, itemised): {ours:.3f} ms  ({ours / base:.1f}×)")

    places = [p for p in network.places if (p, SOURCE) in graph]
    pairs = list(itertools.permutations(places, 2))
    start = time.perf_counter()
    for origin, destination in pairs:
        with contextlib.suppress(corridor.NoRouteError):
            corridor.quote(origin, destination, network=network)
    batch = time.perf_counter() - start
    print(
        f"{len(pairs)} OD quotes one by one: {batch:.2f} s "
        f"({1000 * batch / len(pairs):.2f} ms each)"
    )


if __name__ == "__main__":
    main()
