"""Which capacity an arc of the service graph uses, and what unserved demand costs.

Capacities, TEU/day: each leg and rail crossing per direction; each road gate in total,
shared by its two directions; each transfer in total, shared by both directions and by the
loading/unloading arcs that use that terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corridor.model import BorderCrossing, Mode
from corridor.service import SINK, SOURCE, Vertex

if TYPE_CHECKING:
    from corridor.network import Network

UNSERVED_PENALTY_USD_PER_TEU = 20_000.0
"""Cost of leaving one TEU/day unserved: above any route's cost on the corridor (air is about
USD 11,000 per TEU), so demand goes unserved only when capacity truly binds."""
BOTH_DIRECTIONS = "both directions"
"""The ``direction`` of a road gate's capacity, which both directions share."""


def crossing_direction(crossing: BorderCrossing, to_place: str) -> str:
    """The ``direction`` of a crossing's capacity (``to_place``: where the arc goes).

    A road gate's lanes and inspection are shared by both directions (the sources count its
    trucks a day in total); a rail or air crossing's capacity, like a leg's, is per
    direction (trains a day each way).
    """
    if crossing.mode is Mode.ROAD:
        return BOTH_DIRECTIONS
    northbound = to_place == crossing.cn_place
    return f"from {crossing.vn_place if northbound else crossing.cn_place}"


def capacity_group(
    network: Network, tail: Vertex, head: Vertex, data: dict[str, Any]
) -> tuple[tuple[str, ...], float] | None:
    """The capacity an arc uses: (group key, TEU/day), or None if unlimited."""
    kind = data["kind"]
    if kind == "leg":
        capacity = network.legs[data["ref"]].capacity_teu_day
        key: tuple[str, ...] = ("leg", data["ref"], f"from {data['from_place']}")
    elif kind == "border":
        crossing = network.crossings[data["ref"]]
        capacity = crossing.capacity_teu_day
        key = ("border", data["ref"], crossing_direction(crossing, data["to_place"]))
    else:
        modes = {m for m in (tail[1], head[1]) if m not in (SOURCE, SINK)}
        if kind != "transfer":
            modes.add(Mode.ROAD.value)
        if len(modes) < 2:
            return None
        a, b = sorted(modes)
        place = data["from_place"]  # the tail may be aboard a train there
        transfer = network.transfer_between(place, Mode(a), Mode(b))
        capacity = transfer.capacity_teu_day if transfer else None
        key = ("transfer", place, f"{a}↔{b}")
    return None if capacity is None else (key, capacity)
