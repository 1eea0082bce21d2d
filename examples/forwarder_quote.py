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

# The customer needs it within two days and the forwarder holds CBTA permits (its trucks may
# drive across at Kim Thanh): the cheapest route that makes it (exact), then the cheapest
# that does so nine times out of ten (simulated clearance, dwell and departures).
within = corridor.quote("Kunming", "Hai Phong", teu=2, deadline=48, objective="cost", cbta=True)
print(
    f"Within 48 h: {within.cost_usd:,.0f} USD, {within.planned_hours:.1f} h planned, "
    f"{within.hours_p90:.1f} h P90, {' → '.join(within.modes)}"
)

sure = corridor.quote(
    "Kunming", "Hai Phong", teu=2, deadline=48, confidence=0.9, objective="cost", cbta=True
)
print(
    f"Within 48 h at 90 %: {sure.cost_usd:,.0f} USD, on time {sure.on_time_probability:.0%}, "
    f"{' → '.join(sure.modes)}"
)

# Every cost/time trade-off worth offering.
front = corridor.pareto("Kunming", "Hai Phong", teu=2)
print(
    f"Pareto: {len(front)} routes, from {front[0].cost_usd:,.0f} USD / "
    f"{front[0].planned_hours:.0f} h to {front[-1].cost_usd:,.0f} USD / "
    f"{front[-1].planned_hours:.0f} h planned"
)
