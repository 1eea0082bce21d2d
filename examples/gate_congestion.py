"""Gate congestion: a reefer load of dragon fruit Hanoi → Nanning, in April and in the July harvest.

Northbound fruit queues for days at the Lang Son gates (Huu Nghi, Tan Thanh) in the harvest
months; the data carries those peaks as a multiplier on clearance time. This script shows what
the queue does to transit time and to a deadline promise, and what the Huu Nghi smart gate
would change. Run with ``.venv/bin/python examples/gate_congestion.py``.
"""

from pathlib import Path

import corridor
from corridor.scenario import Scenario

DATA = Path(__file__).resolve().parent.parent / "data"
baseline = corridor.load_network(2026)
smart_gate = Scenario.from_yaml(DATA / "scenarios" / "huu-nghi-smart-gate.yaml")
with_smart_gate = smart_gate.apply(baseline)
shipment = {"origin": "Hanoi", "destination": "Nanning", "teu": 1, "cargo": "reefer"}
# by the Lang Son gates: the long ways round, by Yunnan (Kunming, Mengzi) or Mong Cai, are left out
lang_son = {"avoid": ["kunming", "mengzi", "mong_cai"]}
# within 3.5 days, 9 times out of 10, as cheaply as can be
promise = {"deadline": 84, "confidence": 0.9, "objective": "cost"}
cheapest = {"objective": "cost"}


def line(label: str, q: corridor.Quote) -> str:
    """One quote as a line: USD, P50/P90 hours, modes and gates."""
    gates = ", ".join(q.names[s.ref] for s in q.border_crossings)
    text = (
        f"{label}: {q.cost_usd:,.0f} USD, P50 {q.hours_p50:.0f} h, P90 {q.hours_p90:.0f} h, "
        f"{' → '.join(q.modes)} via {gates}"
    )
    if q.on_time_probability is not None:
        text += f", on time {q.on_time_probability:.0%}"
    return text


# Northbound clearance at the Lang Son road gates, from the data (hours).
for crossing_id in ("youyiguan_huu_nghi", "puzhai_tan_thanh"):
    gate = baseline.crossings[crossing_id]
    months = ", ".join(map(str, sorted(gate.peak_months)))
    print(
        f"{gate.name}: VN→CN clearance P50 {gate.hours_p50_vn_cn:g} h / P90 "
        f"{gate.hours_p90_vn_cn:g} h, × {gate.peak_multiplier:g} in months {months}"
    )
print()

# The cheapest route in a quiet month and in the harvest, and the fastest in the harvest.
april = corridor.quote(**shipment, **lang_son, **cheapest, month=4, network=baseline)
print(line("cheapest in April", april))
july = corridor.quote(**shipment, **lang_son, **cheapest, month=7, network=baseline)
print(line("cheapest in July", july))
fastest = corridor.quote(**shipment, **lang_son, month=7, network=baseline, objective="time")
print(line("fastest in July", fastest))

# The customer wants the fruit in Nanning within 3.5 days, 9 times out of 10.
print(
    line(
        "promise in April",
        corridor.quote(**shipment, **lang_son, month=4, network=baseline, **promise),
    )
)
try:
    corridor.quote(**shipment, **lang_son, month=7, network=baseline, **promise)
except corridor.DeadlineError as error:
    print(f"promise in July: {error}")
print()

# The Huu Nghi smart gate (clearance capacity doubled, faster lanes): the same questions.
q = corridor.quote(**shipment, **lang_son, month=7, network=with_smart_gate, objective="time")
print(line("smart gate, fastest in July", q))
q = corridor.quote(**shipment, **lang_son, month=4, network=with_smart_gate, **promise)
print(line("smart gate, promise in April", q))
