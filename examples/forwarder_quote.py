"""A forwarder's quote: Kunming → Hai Phong, 2 TEU, by cost, by time and with the 2030 railway.

Run with ``.venv/bin/python examples/forwarder_quote.py``.
"""

import corridor

cheapest = corridor.quote("Kunming", "Hai Phong", teu=2)
print(cheapest.explain())
print()

fastest = corridor.quote("Kunming", "Hai Phong", teu=2, objective="time", modes=["road"])
print(fastest.explain())
print()

# After the standard-gauge line opens (2030) a train runs through to Lach Huyen: no gauge break.
through = corridor.quote("Côn Minh", "Lạch Huyện", teu=2, year=2031, modes=["rail_1435"])
print(through.explain())
print()
print(cheapest.to_frame()[["kind", "ref", "cost_usd", "hours_p50", "co2e_kg"]].to_string())
print()

# The customer needs it within two days: the cheapest route that makes it (exact).
within = corridor.quote("Kunming", "Hai Phong", teu=2, deadline=48)
print(
    f"Within 48 h: {within.cost_usd:,.0f} USD, {within.hours_p50:.1f} h, {' → '.join(within.modes)}"
)

# Every cost/time trade-off worth offering.
front = corridor.pareto("Kunming", "Hai Phong", teu=2)
print(
    f"Pareto: {len(front)} routes, from {front[0].cost_usd:,.0f} USD / "
    f"{front[0].hours_p50:.0f} h to {front[-1].cost_usd:,.0f} USD / {front[-1].hours_p50:.0f} h"
)
