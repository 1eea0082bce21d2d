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
