"""Cheapest route Kunming → Hai Phong on the shipped network, itemised per arc.

A preview of what the quote engine returns: it runs a plain networkx Dijkstra on the
service graph (one vertex per place and mode), not the OR-Tools optimiser.
Run with ``.venv/bin/python examples/cheapest_route.py``.
"""

import itertools

import networkx as nx

import corridor

network = corridor.load_network(2026)
origin, destination = network.place("Kunming"), network.place("Hai Phong")
graph = network.service_graph("general")
path = nx.dijkstra_path(graph, (origin.id, "in"), (destination.id, "out"), weight="cost_usd")

print(f"Cheapest route {origin.name} → {destination.name}, 1 TEU general cargo, {network.year}")
print("(preview: plain networkx shortest path on the service graph)")
totals = {"cost_usd": 0.0, "hours_p50": 0.0, "co2e_kg": 0.0}
for tail, head in itertools.pairwise(path):
    arc = min(graph[tail][head].values(), key=lambda a: a["cost_usd"])
    for name in totals:
        totals[name] += arc[name]
    if arc["kind"] == "leg":
        what = f"{arc['mode']:<9} {tail[0]} → {head[0]} ({arc['km']:.0f} km)"
    elif arc["kind"] == "border":
        what = f"border    {network.crossings[arc['ref']].name}"
    else:
        what = f"{arc['kind']:<9} {tail[0]}: {tail[1]} → {head[1]}"
    print(
        f"  {what:<62} {arc['cost_usd']:>7.0f} USD {arc['hours_p50']:>5.1f} h "
        f"{arc['co2e_kg']:>6.0f} kg CO2e"
    )
print(
    f"Total: {totals['cost_usd']:.0f} USD, {totals['hours_p50']:.1f} h (sum of P50), "
    f"{totals['co2e_kg']:.0f} kg CO2e"
)
