"""Seeded synthetic multimodal networks for benchmarks: places on a grid, four modes.

``synthetic_network(side, seed)`` builds ``side × side`` places; each pair of grid
neighbours gets a leg per mode with probability 0.8 (road always); every place serves every
mode and has road transfers to the other three, so the service graph has about
``8 × side²`` vertices and ``37 × side²`` arcs, aboard vertices for through trains included
(``side=17``: 2,307 vertices, 10,534 arcs; ``side=52``: 21,615 vertices, 101,116 arcs).
Figures are drawn to look like the corridor's (km 20–150, speeds by mode, handling USD
10–80).

With ``capacities=True`` rail and river legs (each direction) and the transfers get
capacities drawn from :data:`CAPACITY_TEU_DAY` (roads stay unlimited, so every OD pair can
be served); they come from a second seeded generator, so the network is otherwise the same.
"""

from __future__ import annotations

import random
from dataclasses import replace

from corridor.data import load_dataset
from corridor.model import Country, Leg, Mode, Place, PlaceKind, Transfer
from corridor.network import Network

MODES = (Mode.ROAD, Mode.RAIL_1000, Mode.RAIL_1435, Mode.RIVER)
SPEED_KMH = {Mode.ROAD: 50, Mode.RAIL_1000: 23, Mode.RAIL_1435: 60, Mode.RIVER: 9}
DEPARTURES = {Mode.ROAD: None, Mode.RAIL_1000: 4, Mode.RAIL_1435: 6, Mode.RIVER: 1}
CAPACITY_TEU_DAY = {
    Mode.RAIL_1000: (20, 120),
    Mode.RAIL_1435: (40, 240),
    Mode.RIVER: (10, 60),
    "transfer": (50, 300),
}
"""Ranges (TEU/day, uniform) of the capacities drawn with ``capacities=True``."""


def synthetic_network(
    side: int, seed: int = 1, year: int = 2026, *, capacities: bool = False
) -> Network:
    """A ``side × side`` grid network with the corridor's tariffs and emission factors."""
    rnd = random.Random(seed)
    tight = random.Random(seed + 1_000_003)

    def capacity(kind: Mode | str) -> float | None:
        if not capacities or kind not in CAPACITY_TEU_DAY:
            return None
        return round(tight.uniform(*CAPACITY_TEU_DAY[kind]))

    places = [
        Place(
            f"g{i}_{j}",
            f"G{i}-{j}",
            f"G{i}-{j}",
            "",
            Country.VN,
            PlaceKind.CITY,
            10 + i * 0.01,
            100 + j * 0.01,
            frozenset(MODES),
            True,
            True,
            True,
            "estimate: synthetic",
        )
        for i in range(side)
        for j in range(side)
    ]
    legs = []
    for i in range(side):
        for j in range(side):
            for di, dj in ((1, 0), (0, 1)):
                if i + di >= side or j + dj >= side:
                    continue
                for mode in MODES:
                    if mode is not Mode.ROAD and rnd.random() > 0.8:
                        continue
                    km = rnd.uniform(20, 150)
                    legs.append(
                        Leg(
                            f"{mode.value}_{i}_{j}_{di}{dj}",
                            f"g{i}_{j}",
                            f"g{i + di}_{j + dj}",
                            mode,
                            km=km,
                            hours=km / SPEED_KMH[mode] * rnd.uniform(0.8, 1.3),
                            source="estimate: synthetic",
                            departures_per_day=DEPARTURES[mode],
                            capacity_teu_day=capacity(mode),
                        )
                    )
    transfers = [
        Transfer(
            p.id,
            Mode.ROAD,
            mode,
            rnd.uniform(2, 10),
            24.0,
            rnd.uniform(10, 80),
            "estimate: synthetic",
            capacity_teu_day=capacity("transfer"),
        )
        for p in places
        for mode in MODES[1:]
    ]
    dataset = replace(
        load_dataset(),
        places=tuple(places),
        legs=tuple(legs),
        transfers=tuple(transfers),
        crossings=(),
    )
    return Network(dataset, year)
