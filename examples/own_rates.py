"""A forwarder's own rate card: Kunming → Hanoi by road, two 40HC, with examples/rate_card.csv.

Each step says what priced it: a card row (with its share of the lane's km and the dated
exchange rate) or the shipped estimate. Run with ``.venv/bin/python examples/own_rates.py``.
"""

from pathlib import Path

import corridor

CARD = Path(__file__).with_name("rate_card.csv")
options = {
    "containers": {"40HC": 2},
    "modes": ["road"],
    "objective": "cost",
    "ready": "2026-12-07T08:00",  # a Monday: no weekend surcharge; the card's dates apply
}

shipped = corridor.quote("Kunming", "Hanoi", **options)
own = corridor.quote("Kunming", "Hanoi", **options, rates=str(CARD))
print(own.explain())
print()
print(own.to_frame()[["kind", "ref", "cost_usd", "priced_by"]].to_string())
print()
print(
    f"with the card: {own.cost_usd:,.2f} USD; shipped tariffs: {shipped.cost_usd:,.2f} USD "
    f"({' → '.join(shipped.places)})"
)
