"""Private OR-Tools adapters: integer scaling and status checks in one place."""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence

import numpy as np
from ortools.graph.python import min_cost_flow

logger = logging.getLogger(__name__)

COST_SCALE = 10_000
"""Arc weights are multiplied by this and rounded: min-cost flow needs integer costs."""


class NoFlowError(Exception):
    """The sink cannot be reached from the source on the arcs given."""


def cheapest_path(
    vertices: Sequence[Hashable],
    tails: np.ndarray,
    heads: np.ndarray,
    weights: np.ndarray,
    *,
    source: int,
    sink: int,
    tie_break: np.ndarray | None = None,
) -> list[int]:
    """Indices of the arcs of a minimum-weight source → sink path, in order.

    One unit of flow is sent from ``source`` to ``sink`` with OR-Tools
    ``SimpleMinCostFlow``; with non-negative weights its optimum is a shortest path.

    Parameters
    ----------
    vertices
        Vertex labels (only their count is used, and their labels in log messages).
    tails, heads
        Arc end-vertex indices (int32 arrays).
    weights
        Non-negative arc weights (float array); scaled by :data:`COST_SCALE` and rounded.
    source, sink
        Vertex indices.
    tie_break
        Optional second non-negative weight (e.g. USD): among the paths of minimum
        ``weights`` the one of least ``tie_break`` is returned (lexicographic, exact).

    Raises
    ------
    NoFlowError
        If the sink cannot be reached.
    """
    if source == sink:
        return []
    if (weights < 0).any():
        msg = "arc weights must be non-negative"
        raise ValueError(msg)
    solver = min_cost_flow.SimpleMinCostFlow()
    costs = _integer_costs(weights, tie_break)
    capacities = np.ones(len(tails), dtype=np.int64)
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(len(vertices), dtype=np.int64)
    supplies[source], supplies[sink] = 1, -1
    solver.set_nodes_supplies(np.arange(len(vertices), dtype=np.int32), supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        logger.debug(
            "min-cost flow status %s from %s to %s", status, vertices[source], vertices[sink]
        )
        raise NoFlowError
    flows = solver.flows(np.arange(len(tails), dtype=np.int32))
    outgoing: dict[int, list[int]] = {}
    for arc in np.flatnonzero(flows > 0):
        outgoing.setdefault(int(tails[arc]), []).append(int(arc))
    return _walk(outgoing, heads, source, sink)


def _integer_costs(weights: np.ndarray, tie_break: np.ndarray | None) -> np.ndarray:
    """Scale to integers; with a tie-break, ``primary × (sum of tie-break + 1) + tie-break``."""
    primary = np.rint(weights * COST_SCALE).astype(np.int64)
    if tie_break is None:
        return primary
    secondary = np.rint(tie_break * 100).astype(np.int64)
    factor = int(secondary.sum()) + 1
    if int(primary.sum()) * factor + factor >= 2**62:  # would overflow: ties break arbitrarily
        logger.debug("tie-break skipped: integer costs would overflow")
        return primary
    return primary * factor + secondary


def _walk(outgoing: dict[int, list[int]], heads: np.ndarray, source: int, sink: int) -> list[int]:
    """Follow flow arcs from source to sink, cutting out any zero-weight cycle met on the way."""
    path: list[int] = []
    position = {source: 0}
    vertex = source
    while vertex != sink:
        arc = outgoing[vertex].pop()
        path.append(arc)
        vertex = int(heads[arc])
        if vertex in position:  # a cycle: drop it
            del path[position[vertex] :]
            position = {source: 0} | {int(heads[a]): i + 1 for i, a in enumerate(path)}
        position[vertex] = len(path)
    return path
