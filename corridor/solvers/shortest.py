"""The cheapest path as a unit min-cost flow (OR-Tools ``SimpleMinCostFlow``), exact.

Weights are scaled to integers in one place (:data:`COST_SCALE`); a lexicographic second
weight is folded into the same integers where that stays within 64 bits. The solver's status
is mapped honestly: an unreachable sink is :class:`NoFlowError`, anything else that is not
an optimum a :class:`~corridor.errors.SolverError` naming the status.
"""

from __future__ import annotations

import logging

import numpy as np
from ortools.graph.python import min_cost_flow

from corridor.errors import SolverError
from corridor.solvers.arrays import GraphArrays

logger = logging.getLogger(__name__)

COST_SCALE = 10_000
"""Arc weights are multiplied by this and rounded: min-cost flow needs integer costs."""
TIE_SCALE = 100
"""A lexicographic second weight is compared in hundredths of its unit (cents, 0.01 h)."""
MIN_COST_FLOW = "OR-Tools SimpleMinCostFlow"


class NoFlowError(Exception):
    """The sink cannot be reached from the source on the arcs given (within any limits)."""


def cheapest_path(
    graph: GraphArrays,
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
    graph
        The arcs.
    weights
        Non-negative arc weights (float array); scaled by :data:`COST_SCALE` and rounded.
    source, sink
        Vertex indices.
    tie_break
        Optional second non-negative weight (e.g. USD): among the paths of minimum
        ``weights`` the one of least ``tie_break`` is returned (lexicographic, exact): one
        solve on ``primary × M + tie_break`` or, where that would overflow 64 bits, a solve
        of the tie-break on the arcs of the least-weight paths.

    Raises
    ------
    NoFlowError
        If the sink cannot be reached.
    SolverError
        If the solver fails (weights out of its range, or another status than optimal or
        infeasible).
    """
    if source == sink:
        return []
    if (weights < 0).any():
        msg = "arc weights must be non-negative"
        raise ValueError(msg)
    n, tails, heads = graph.n, graph.tails, graph.heads
    primary = np.rint(weights * COST_SCALE)
    if tie_break is None:
        return _flow_path(n, tails, heads, primary.astype(np.int64), source=source, sink=sink)
    costs = _integer_costs(primary, tie_break, n)
    if costs is not None:
        return _flow_path(n, tails, heads, costs, source=source, sink=sink)
    # two stages: the arcs on some path of least primary weight (whole numbers, summed
    # exactly by Dijkstra), then the least tie-break on those arcs only
    from corridor.solvers.dijkstra import distances

    logger.debug("tie-break in two stages: one integer cost would overflow")
    fwd, bwd = distances(n, tails, heads, primary, source=source, sink=sink)
    if not np.isfinite(fwd[sink]):
        raise NoFlowError
    tight = np.flatnonzero(fwd[tails] + primary + bwd[heads] <= fwd[sink])
    secondary = np.rint(tie_break[tight] * TIE_SCALE).astype(np.int64)
    path = _flow_path(n, tails[tight], heads[tight], secondary, source=source, sink=sink)
    return [int(tight[a]) for a in path]


def _flow_path(
    n: int,
    tails: np.ndarray,
    heads: np.ndarray,
    costs: np.ndarray,
    *,
    source: int,
    sink: int,
) -> list[int]:
    """One unit of flow at least integer ``costs`` with ``SimpleMinCostFlow``, as a path."""
    solver = min_cost_flow.SimpleMinCostFlow()
    capacities = np.ones(len(tails), dtype=np.int64)
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(n, dtype=np.int64)
    supplies[source], supplies[sink] = 1, -1
    solver.set_nodes_supplies(np.arange(n, dtype=np.int32), supplies)
    status = solver.solve()
    check_flow_status(solver, status)
    flows = solver.flows(np.arange(len(tails), dtype=np.int32))
    outgoing: dict[int, list[int]] = {}
    for arc in np.flatnonzero(flows > 0):
        outgoing.setdefault(int(tails[arc]), []).append(int(arc))
    return flow_path(outgoing, heads, source, sink)


def check_flow_status(solver: min_cost_flow.SimpleMinCostFlow, status: object) -> None:
    """Return if ``status`` is optimal; :class:`NoFlowError` if infeasible; else SolverError."""
    if status == solver.OPTIMAL:
        return
    if status == solver.INFEASIBLE:
        raise NoFlowError
    name = getattr(status, "name", str(status))
    detail = " (arc weights too large)" if status == solver.BAD_COST_RANGE else ""
    msg = f"{MIN_COST_FLOW} failed with status {name}{detail}"
    raise SolverError(msg, solver=MIN_COST_FLOW, status=name)


def _integer_costs(primary: np.ndarray, tie_break: np.ndarray, n: int) -> np.ndarray | None:
    """``primary × M + tie-break`` in integers, or None if it would overflow.

    ``primary`` holds whole numbers (scaled weights); the tie-break is scaled by
    :data:`TIE_SCALE` and ``M`` exceeds its sum over any simple path.
    """
    if not len(primary):
        return primary.astype(np.int64)
    secondary = np.rint(tie_break * TIE_SCALE).astype(np.int64)
    factor = min(int(secondary.sum()), int(secondary.max()) * max(n - 1, 1)) + 1
    largest = int(primary.max()) * factor + int(secondary.max())
    if largest * (n + 1) >= 2**62:
        return None
    return primary.astype(np.int64) * factor + secondary


def flow_path(
    outgoing: dict[int, list[int]], heads: np.ndarray, source: int, sink: int
) -> list[int]:
    """Follow flow arcs (``outgoing`` per tail) from source to sink, cutting out any cycle met.

    A unit flow of least cost may carry zero-weight cycles besides its path; they are left
    out. ``outgoing`` is consumed.
    """
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
