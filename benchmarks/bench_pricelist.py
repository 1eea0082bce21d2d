"""Price lists (``corridor quote-many``): 200 lanes and 10,000 distinct lanes, CSV in, XLSX out.

Run: ``.venv/bin/python benchmarks/bench_pricelist.py`` (``--quick``: the 200 lanes only).
Times the whole command path in one process (read the lanes table, quote every lane, price
it, write the .xlsx) once the network is loaded, and the same lanes through
``corridor.quote_many`` alone, to show what the price list adds. Figures go to
docs/performance.md (targets of issue 25: under 2 s for 200 lanes, under 15 s for 10,000).
Then the same with the example rate card (``--rates examples/rate_card.csv``), read once and
its priced graph built once per box mix.
"""

import csv
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path

import corridor
from corridor.routing.pricelist import price_list, read_lanes, write_price_list

BOXES = ["", "20GP:1", "40GP:1", "40HC:2", "20GP:2|40HC:1"]
CARGO = ["general", "bulk", "oversize"]


def lanes(count, network, seed=25):
    """``count`` distinct lanes: origin, destination, cargo and boxes (or 1-3 TEU)."""
    cities = sorted(p.name for p in network.places.values())
    every = list(itertools.product(itertools.permutations(cities, 2), CARGO, BOXES))
    random.Random(seed).shuffle(every)
    rows = []
    for (origin, destination), cargo, boxes in every[:count]:
        teu = "" if boxes else str(1 + len(rows) % 3)
        rows.append(
            {
                "Origin": origin,
                "Destination": destination,
                "Cargo": cargo,
                " TEU": teu,
                "Containers": boxes,
            }
        )
    return rows


CARD = Path(__file__).parents[1] / "examples" / "rate_card.csv"


def run(count, network, folder, **options):
    rows = lanes(count, network)
    source = folder / f"lanes_{count}.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    start = time.perf_counter()
    table = read_lanes(source)
    prices = price_list(table, network=network, currency="VND", **options)
    write_price_list(prices, folder / f"prices_{count}.xlsx")
    whole = time.perf_counter() - start
    start = time.perf_counter()
    corridor.quote_many(read_lanes(source), network=network, currency="VND", **options)
    bare = time.perf_counter() - start
    ok = int((prices["status"] == "ok").sum())
    card = " with the rate card" if options else ""
    print(
        f"{count:>6,} lanes{card} ({ok:,} quoted): price list {whole:6.2f} s "
        f"({1000 * whole / count:.2f} ms a lane); quote_many alone {bare:6.2f} s; "
        f"price list / quote_many {whole / bare:.2f}×"
    )
    return whole


def main():
    network = corridor.load_network(2026)
    network.service_arrays()  # the graph is built once per process, as in a command
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        small = run(200, network, folder)
        if "--quick" not in sys.argv:
            large = run(10_000, network, folder)
            print(f"10,000 / 200 lanes: {large / small:.1f}× the time for 50× the lanes")
        run(200, network, folder, rates=str(CARD))
        if "--quick" not in sys.argv:
            run(10_000, network, folder, rates=str(CARD))


if __name__ == "__main__":
    main()
