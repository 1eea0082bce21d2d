"""Private OR-Tools adapters: integer scaling and status checks in one place."""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.math_opt.python import mathopt
from ortools.sat.python import cp_model
from scipy.sparse import csr_array
from scipy.sparse.csgraph import breadth_first_order, dijkstra

from corridor.errors import SolverError

logger = logging.getLogger(__name__)

COST_SCALE = 10_000
"""Arc weights are multiplied by this and rounded: min-cost flow needs integer costs."""
TIE_SCALE = 100
"""A lexicographic second weight is compared in hundredths of its unit (cents, 0.01 h)."""


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
        ``weights`` the one of least ``tie_break`` is returned (lexicographic, exact): one
        solve on ``primary × M + tie_break`` or, where that would overflow 64 bits, a solve
        of the tie-break on the arcs of the least-weight paths.

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
    n = len(vertices)
    primary = np.rint(weights * COST_SCALE)
    if tie_break is None:
        return _flow_path(
            vertices, tails, heads, primary.astype(np.int64), source=source, sink=sink
        )
    costs = _integer_costs(primary, tie_break, n)
    if costs is not None:
        return _flow_path(vertices, tails, heads, costs, source=source, sink=sink)
    # two stages: the arcs on some path of least primary weight (whole numbers, summed
    # exactly by Dijkstra), then the least tie-break on those arcs only
    logger.debug("tie-break in two stages: one integer cost would overflow")
    fwd, bwd = _distances(n, tails, heads, primary, source=source, sink=sink)
    if not np.isfinite(fwd[sink]):
        raise NoFlowError
    tight = np.flatnonzero(fwd[tails] + primary + bwd[heads] <= fwd[sink])
    secondary = np.rint(tie_break[tight] * TIE_SCALE).astype(np.int64)
    path = _flow_path(vertices, tails[tight], heads[tight], secondary, source=source, sink=sink)
    return [int(tight[a]) for a in path]


def _flow_path(
    vertices: Sequence[Hashable],
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
    supplies = np.zeros(len(vertices), dtype=np.int64)
    supplies[source], supplies[sink] = 1, -1
    solver.set_nodes_supplies(np.arange(len(vertices), dtype=np.int32), supplies)
    status = solver.solve()
    if status == solver.BAD_COST_RANGE:
        msg = "arc weights too large for the min-cost-flow solver"
        raise SolverError(msg)
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


def reachable(n: int, tails: np.ndarray, heads: np.ndarray, start: int) -> np.ndarray:
    """Vertices reachable from ``start`` along the arcs (bool per vertex; breadth first)."""
    adjacency = csr_array((np.ones(len(tails), dtype=np.int8), (tails, heads)), shape=(n, n))
    seen = np.zeros(n, dtype=bool)
    seen[breadth_first_order(adjacency, start, return_predecessors=False)] = True
    return seen


# --- resource-constrained shortest path ------------------------------------------------

TIME_SCALE = 1000
"""Hours are compared in thousandths of an hour (3.6 s) in the exact model."""
_EPS = 1e-9
CP_SAT_MAX_ARCS = 400
"""The exact 0-1 model goes to CP-SAT up to this many arcs (fast to start) and to HiGHS
above (stronger LP bound on large graphs); both prove optimality."""


PRUNING_MULTIPLIERS = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0)
"""Multiples of the optimal Lagrange multiplier whose bounds also prune large gap models."""


@dataclass(frozen=True)
class Resource:
    """A per-arc resource whose sum along the path must stay within ``limit``."""

    name: str
    values: np.ndarray
    limit: float


@dataclass(frozen=True)
class Exclusion:
    """A route that may not be returned again: all of ``groups`` used and none of ``others``.

    A group counts as used when any of its arcs is. ``others`` are the arcs that would make a
    route different (extra transshipments or gates), so a route that adds to an excluded one
    stays allowed.
    """

    groups: tuple[tuple[int, ...], ...]
    others: tuple[int, ...] = ()

    def matches(self, used: set[int]) -> bool:
        """Whether a path using the arcs ``used`` is the excluded route."""
        return all(used.intersection(g) for g in self.groups) and not used.intersection(self.others)


@dataclass
class Once:
    """Groups of vertices a path enters at most once from outside them (none it starts in).

    ``partitions`` number the vertices (-1: in no group), one numbering per rule: with the
    vertices of a place as a group no route comes back to a place; with those of a place
    and mode, none changes mode there and back. The 0-1 models hold the limits of the groups
    in ``active`` only: a group joins when an answer enters it twice, and the model is solved
    again (lazy constraints; few groups ever need one, and each limit costs the solver time).
    A path is simple where these rules apply: ``subtours`` collects the cycles cut off.
    """

    partitions: Sequence[np.ndarray]
    active: set[tuple[int, int]] = field(default_factory=set)
    subtours: set[frozenset[int]] = field(default_factory=set)
    """Vertex sets of cycles an answer held apart from its path: a path uses a vertex of one
    only after entering the set from outside (a subtour cut, added lazily as the limits)."""

    def broken(self, path: list[int], tails: np.ndarray, heads: np.ndarray) -> set[tuple[int, int]]:
        """The groups (partition, group) that ``path`` enters twice, or enters at its start."""
        out: set[tuple[int, int]] = set()
        if not path:
            return out
        for number, groups in enumerate(self.partitions):
            into, out_of = groups[heads[path]], groups[tails[path]]
            entered = [int(out_of[0]), *into[into != out_of].tolist()]
            seen: set[int] = set()
            for group in entered:
                if group >= 0 and group in seen:
                    out.add((number, group))
                seen.add(group)
        return out


@dataclass(frozen=True)
class ConstrainedResult:
    """A constrained optimum: arc indices in order, and how it was proven."""

    path: list[int]
    method: str
    """``shortest path`` (the unconstrained optimum was feasible), ``lagrangian`` (the
    Lagrangian bound met a feasible path) or ``mip`` (closed by the 0-1 model)."""
    kept_arcs: int


def _csr(n: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray) -> csr_array:
    """Sparse adjacency with the lightest of parallel arcs (csgraph keeps explicit zeros)."""
    order = np.lexsort((weights, heads, tails))
    t, h, w = tails[order], heads[order], weights[order]
    first = np.ones(len(t), dtype=bool)
    first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
    indptr = np.zeros(n + 1, dtype=np.int64)  # rows straight from the sort: no COO pass
    np.cumsum(np.bincount(t[first], minlength=n), out=indptr[1:])
    return csr_array((w[first], h[first], indptr), shape=(n, n))


def _distances(
    n: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray, *, source: int, sink: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shortest distances from ``source`` and to ``sink`` (inf where unreachable)."""
    forward = dijkstra(_csr(n, tails, heads, weights), indices=source)
    backward = dijkstra(_csr(n, heads, tails, weights), indices=sink)
    return forward, backward


def _shortest(
    n: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray, *, source: int, sink: int
) -> list[int] | None:
    """Arc indices of a shortest path (lightest parallel arc), or None if unreachable."""
    dist, pred = dijkstra(_csr(n, tails, heads, weights), indices=source, return_predecessors=True)
    if not np.isfinite(dist[sink]):
        return None
    vertices = [sink]
    while vertices[-1] != source:
        vertices.append(int(pred[vertices[-1]]))
    vertices.reverse()
    keys = tails.astype(np.int64) * n + heads
    wanted = [u * n + v for u, v in itertools.pairwise(vertices)]
    best: dict[int, int] = {}
    for a in np.flatnonzero(np.isin(keys, wanted)).tolist():
        k = int(keys[a])
        if k not in best or weights[a] < weights[best[k]]:
            best[k] = a
    return [best[k] for k in wanted]


EXACT_FLOAT = 2**50
"""Integer-valued weights whose path sums stay below this are summed exactly in float64
(with room for the Lagrangian products)."""


def constrained_path(
    n: int,
    tails: np.ndarray,
    heads: np.ndarray,
    weights: np.ndarray,
    resources: list[Resource],
    *,
    source: int,
    sink: int,
    forbidden: Sequence[Exclusion] = (),
    time_limit_s: float = 30.0,
    tie_break: np.ndarray | None = None,
    tie_limit: float | None = None,
    once: Once | None = None,
) -> ConstrainedResult:
    """Exact minimum-weight path within resource limits, optionally lexicographic.

    With ``tie_break`` (a second non-negative weight), the path of least ``tie_break``
    among those of least ``weights`` is returned. On graphs small enough that every
    gap-closing model is CP-SAT, this is one solve on the integer weight
    ``round(weights × COST_SCALE) × M + round(tie_break × TIE_SCALE)``, ``M`` above the
    largest ``tie_break`` of a feasible path (``tie_limit``, if the caller knows a bound, or
    the sum of the ``n - 1`` largest arcs); when that would not be exact in float64, two
    solves (the optimum of ``weights`` becomes a limit, then ``tie_break`` is minimised).

    ``once`` (see :class:`Once`) lists groups of vertices the path enters at most once.
    """
    if tie_break is None:
        return _constrained_path(
            n,
            tails,
            heads,
            weights,
            resources,
            source=source,
            sink=sink,
            forbidden=forbidden,
            time_limit_s=time_limit_s,
            once=once,
        )
    combined = _lexicographic_weights(weights, tie_break, n, tie_limit)
    if combined is not None and len(tails) <= CP_SAT_MAX_ARCS:
        return _constrained_path(
            n,
            tails,
            heads,
            combined,
            resources,
            source=source,
            sink=sink,
            forbidden=forbidden,
            time_limit_s=time_limit_s,
            integral=True,
            once=once,
        )
    first = _constrained_path(
        n,
        tails,
        heads,
        weights,
        resources,
        source=source,
        sink=sink,
        forbidden=forbidden,
        time_limit_s=time_limit_s,
        once=once,
    )
    best = float(weights[first.path].sum())
    optimum = Resource("objective", weights, best + 1e-9 * max(1.0, best))
    return _constrained_path(
        n,
        tails,
        heads,
        tie_break,
        [*resources, optimum],
        source=source,
        sink=sink,
        forbidden=forbidden,
        time_limit_s=time_limit_s,
        once=once,
    )


def _lexicographic_weights(
    weights: np.ndarray, tie_break: np.ndarray, n: int, tie_limit: float | None
) -> np.ndarray | None:
    """``primary × M + secondary`` as integer-valued floats, or None if not exact in float64."""
    if not len(weights):
        return weights
    primary = np.rint(weights * COST_SCALE)
    secondary = np.rint(tie_break * TIE_SCALE)
    longest = min(n - 1, len(weights))
    top = np.partition(secondary, len(secondary) - longest)[-longest:].sum()
    bound = top if tie_limit is None else min(top, tie_limit * TIE_SCALE + 0.5 * longest)
    factor = float(np.floor(bound)) + 1.0
    combined = primary * factor + secondary
    if np.partition(combined, len(combined) - longest)[-longest:].sum() >= EXACT_FLOAT:
        logger.debug("lexicographic weights too large for float64: two solves")
        return None
    return combined


def _constrained_path(
    n: int,
    tails: np.ndarray,
    heads: np.ndarray,
    weights: np.ndarray,
    resources: list[Resource],
    *,
    source: int,
    sink: int,
    forbidden: Sequence[Exclusion] = (),
    time_limit_s: float = 30.0,
    integral: bool = False,
    once: Once | None = None,
) -> ConstrainedResult:
    """Exact minimum-weight path whose resource sums stay within their limits.

    Method: (1) if the unconstrained shortest path is feasible, it is optimal; (2) the
    first resource (the deadline) is relaxed in Lagrangian fashion and the multiplier found
    by the LARAC iteration, which yields a lower bound and, usually, a feasible path that
    meets it; (3) otherwise every arc that cannot lie on a path better than the best
    feasible one (resource bounds from both ends, Lagrangian reduced cost) is pruned and
    an exact 0-1 model (OR-Tools MathOpt: CP-SAT on small pruned graphs, HiGHS on large
    ones) closes the gap on what remains, against rising targets so that the first models
    are small.

    ``forbidden`` lists routes that may not be returned (see :class:`Exclusion`; this is how
    ``alternatives`` excludes the routes already found). Every answer is checked against the
    true resource sums; a path that only the solver's rounding let through is cut off and the
    model solved again, so the result is exact.

    ``integral`` says the weights are whole numbers (a lexicographic combination): the 0-1
    model takes them unscaled, and the Lagrangian bound proves optimality only within 0.5.

    Raises
    ------
    NoFlowError
        If no path satisfies the limits.
    """

    def feasible(path: list[int]) -> bool:
        used = set(path)
        if any(exclusion.matches(used) for exclusion in forbidden):
            return False
        if once is not None and once.broken(path, tails, heads):
            return False
        return all(float(r.values[path].sum()) <= r.limit + _EPS for r in resources)

    cheapest = _shortest(n, tails, heads, weights, source=source, sink=sink)
    if cheapest is None:
        raise NoFlowError
    if feasible(cheapest):
        return ConstrainedResult(cheapest, "shortest path", len(tails))
    if not resources:  # only forbidden combinations: an unbounded resource keeps LARAC quiet
        resources = [Resource("none", np.zeros(len(tails)), 0.0)]
    # resource bounds: a vertex or arc that cannot meet a limit even alone is pruned
    keep = np.ones(len(tails), dtype=bool)
    for r in resources:
        fwd, bwd = _distances(n, tails, heads, r.values, source=source, sink=sink)
        if fwd[sink] > r.limit + _EPS:
            raise NoFlowError
        keep &= fwd[tails] + r.values + bwd[heads] <= r.limit + _EPS
    best, lam, bound = _larac(
        n,
        tails,
        heads,
        weights,
        resources=resources,
        keep=keep,
        source=source,
        sink=sink,
        feasible=feasible,
    )
    upper = float(weights[best].sum()) if best is not None else np.inf
    slack = 0.5 if integral else 1e-7 * max(1.0, abs(upper))
    if best is not None and upper <= bound + slack:
        return ConstrainedResult(best, "lagrangian", int(keep.sum()))
    return _close_gap(
        n,
        tails,
        heads,
        weights,
        resources=resources,
        keep=keep,
        source=source,
        sink=sink,
        forbidden=forbidden,
        time_limit_s=time_limit_s,
        lam=lam,
        bound=bound,
        best=best,
        feasible=feasible,
        integral=integral,
        once=once,
    )


def _entries(
    x: dict[int, Any], tails: np.ndarray, heads: np.ndarray, once: Once | None, source: int
) -> list[tuple[list[Any], int]]:
    """The entry limits of the groups of ``once`` in force, as (arc variables, most used).

    The arcs are those entering a group from outside it; at most one may be used, none for
    the group of ``source``, where the path starts.
    """
    if once is None or not once.active:
        return []
    out = []
    for number, groups in enumerate(once.partitions):
        wanted = {g for n, g in once.active if n == number}
        entering: dict[int, list[Any]] = {g: [] for g in wanted}
        for a, var in x.items():
            group = int(groups[heads[a]])
            if group in wanted and group != groups[tails[a]]:
                entering[group].append(var)
        start = int(groups[source])
        out += [(arcs, 0 if group == start else 1) for group, arcs in entering.items() if arcs]
    return out


def _subtour_cuts(
    x: dict[int, Any], tails: np.ndarray, heads: np.ndarray, once: Once | None
) -> list[tuple[list[Any], list[Any]]]:
    """The subtour cuts of ``once`` as (arcs entering the set, arcs leaving one of its vertices).

    A path that leaves a vertex of the set has entered the set before (the source is in none),
    so the first sum is at least the second.
    """
    if once is None:
        return []
    out = []
    for cycle in once.subtours:
        entering: list[Any] = []
        leaving: dict[int, list[Any]] = {v: [] for v in cycle}
        for a, var in x.items():
            tail, head = int(tails[a]), int(heads[a])
            if head in cycle and tail not in cycle:
                entering.append(var)
            if tail in cycle:
                leaving[tail].append(var)
        out += [(entering, arcs) for arcs in leaving.values() if arcs]
    return out


def _cycles(arcs: list[int], tails: np.ndarray, heads: np.ndarray) -> set[frozenset[int]]:
    """The vertex sets of the cycles that ``arcs`` form (each vertex left by one arc at most)."""
    following = {int(tails[a]): int(heads[a]) for a in arcs}
    out: set[frozenset[int]] = set()
    while following:
        start, vertex = next(iter(following.items()))
        cycle = {start}
        del following[start]
        while vertex not in cycle and vertex in following:
            cycle.add(vertex)
            vertex = following.pop(vertex)
        out.add(frozenset(cycle))
    return out


def _close_gap(
    n: int,
    tails: np.ndarray,
    heads: np.ndarray,
    weights: np.ndarray,
    *,
    resources: list[Resource],
    keep: np.ndarray,
    source: int,
    sink: int,
    forbidden: Sequence[Exclusion],
    time_limit_s: float,
    lam: float,
    bound: float,
    best: list[int] | None,
    feasible: Callable[[list[int]], bool],
    integral: bool = False,
    once: Once | None = None,
) -> ConstrainedResult:
    """Prune by Lagrangian reduced cost and solve the rest exactly, against rising targets.

    Arcs whose bound exceeds the target are left out; an optimum at or below the target is
    then the global optimum (any better path survives the pruning). Targets are chosen so
    that the model doubles in arcs each time (400, 800, 1,600, ...), up to the best feasible
    path's weight, where the model is sure to close the gap. A cheaper feasible path found on
    the way lowers that upper bound; small problems are solved in one go.
    """
    upper = float(weights[best].sum()) if best is not None else np.inf
    deadline = resources[0]

    def lower_bounds(multiplier: float) -> np.ndarray:
        """Least weight of a feasible path through each arc, by the Lagrangian at one multiplier.

        Any feasible path through arc ``a = (u, v)`` weighs at least
        ``fwd(u) + w'(a) + bwd(v) - multiplier × limit``, with ``w' = w + multiplier × t``.
        """
        reduced = weights + multiplier * deadline.values
        fwd, bwd = _distances(n, tails[keep], heads[keep], reduced[keep], source=source, sink=sink)
        return np.where(
            keep, fwd[tails] + reduced + bwd[heads] - multiplier * deadline.limit, np.inf
        )

    through = lower_bounds(lam)
    if np.sum(through <= upper) > CP_SAT_MAX_ARCS:
        # every multiplier gives a valid bound: the largest prunes most (about half the arcs
        # of the synthetic grid's models for a few Dijkstra runs)
        for factor in PRUNING_MULTIPLIERS:
            through = np.maximum(through, lower_bounds(lam * factor))
    close = functools.partial(
        _solve_01,
        n,
        tails,
        heads,
        weights,
        resources=resources,
        source=source,
        sink=sink,
        time_limit_s=time_limit_s,
        forbidden=forbidden,
        integral=integral,
        once=once,
    )
    ranked = np.sort(through[keep])
    size = CP_SAT_MAX_ARCS  # the first model is a quick CP-SAT one; small problems: one go
    while True:
        target = min(upper, float(ranked[min(size, len(ranked)) - 1]))
        size = max(2 * size, 1)
        tol = 1e-6 * max(1.0, abs(target))
        subset = keep & (through <= target + tol)
        everything = bool(np.all(subset[keep]))
        try:
            path = _verified(close, subset, feasible, once=once, ends=(tails, heads, source, sink))
        except NoFlowError:
            if everything or target >= upper:
                if best is None:
                    raise
                return ConstrainedResult(best, "lagrangian", int(keep.sum()))
        else:
            value = float(weights[path].sum())
            if value <= target + tol or everything:
                return ConstrainedResult(path, "mip", int(subset.sum()))
            if value < upper:
                best, upper = path, value
        logger.debug(
            "constrained path: no optimum within %.4f on %d arcs", target, int(subset.sum())
        )


def _verified(
    close: Callable[..., list[int]],
    keep: np.ndarray,
    feasible: Callable[[list[int]], bool],
    *,
    once: Once | None,
    ends: tuple[np.ndarray, np.ndarray, int, int],
) -> list[int]:
    """Solve, read the path off the arcs chosen, and cut off what a path may not do.

    ``close`` returns the arcs an answer uses; ``ends`` are the arcs' tails and heads and the
    path's source and sink. The 0-1 models round resources in the path's favour (a
    relaxation), so every truly feasible path stays in them; an answer that is not truly
    feasible is excluded exactly and the model solved again. Where ``once`` is given, an
    answer that enters a group of it twice puts that group's limit in force, and one with a
    cycle apart from its path (a way round an exclusion) adds a subtour cut on the cycle;
    the model is then solved again.
    """
    tails, heads, source, sink = ends
    cuts: list[Exclusion] = []
    while True:
        chosen = close(keep=keep, cuts=cuts)
        outgoing: dict[int, list[int]] = {}
        for a in chosen:
            outgoing.setdefault(int(tails[a]), []).append(a)
        path = _walk(outgoing, heads, source, sink)
        if once is not None:
            broken = once.broken(path, tails, heads)
            cycles = _cycles(sorted(set(chosen) - set(path)), tails, heads)
            if broken - once.active or cycles - once.subtours:
                once.active |= broken
                once.subtours |= cycles
                continue
        if feasible(path):
            return path
        logger.debug("cutting off a path that breaks a limit by rounding")
        cuts.append(Exclusion(tuple((a,) for a in path)))


def _larac(
    n: int,
    tails: np.ndarray,
    heads: np.ndarray,
    weights: np.ndarray,
    *,
    resources: list[Resource],
    keep: np.ndarray,
    source: int,
    sink: int,
    feasible: Callable[[list[int]], bool],
) -> tuple[list[int] | None, float, float]:
    """LARAC on the first resource over the kept arcs: best feasible path, multiplier, bound."""
    deadline = resources[0]
    idx = np.flatnonzero(keep)
    t, h, c, d = tails[idx], heads[idx], weights[idx], deadline.values[idx]

    def solve(w: np.ndarray) -> list[int]:
        path = _shortest(n, t, h, w, source=source, sink=sink)
        if path is None:
            raise NoFlowError
        return path

    p_c = solve(c)
    p_d = solve(d + c * (1e-9 / max(1.0, float(c.max(initial=0.0)))))  # fastest, then cheapest
    best = [int(idx[a]) for a in p_d] if feasible([int(idx[a]) for a in p_d]) else None
    lam = 0.0
    bound = float(c[p_c].sum())
    for _ in range(100):
        time_c, time_d = float(d[p_c].sum()), float(d[p_d].sum())
        cost_c, cost_d = float(c[p_c].sum()), float(c[p_d].sum())
        if time_c - time_d <= _EPS:
            break
        lam = (cost_d - cost_c) / (time_c - time_d)
        p = solve(c + lam * d)
        value = float((c + lam * d)[p].sum())
        bound = max(bound, value - lam * deadline.limit)
        if value >= cost_c + lam * time_c - 1e-9 * max(1.0, abs(value)):
            break
        full = [int(idx[a]) for a in p]
        if float(d[p].sum()) <= deadline.limit + _EPS:
            p_d = p
            if feasible(full) and (best is None or c[p].sum() < weights[best].sum()):
                best = full
        else:
            p_c = p
    return best, lam, bound


def _solve_01(
    n: int,
    tails: np.ndarray,
    heads: np.ndarray,
    weights: np.ndarray,
    *,
    keep: np.ndarray,
    **problem: Any,  # noqa: ANN401 - passed through
) -> list[int]:
    """The arcs an exact path on the kept arcs uses: CP-SAT for small models, HiGHS for large.

    The answer may hold cycles apart from the path (see :func:`_verified`).

    CP-SAT starts in a millisecond or two; HiGHS (through MathOpt) has the stronger LP bound
    on large graphs.
    """
    # no path leaves its sink or comes back to its source; without these arcs every cycle
    # an answer holds besides its path is apart from it, and a subtour cut rules it out
    keep = keep & (tails != problem["sink"]) & (heads != problem["source"])
    integral = problem.get("integral", False)
    close = _cp_sat if integral or int(keep.sum()) <= CP_SAT_MAX_ARCS else _highs
    if close is _highs:
        problem.pop("integral", None)
    cuts = problem.pop("cuts", [])
    problem["forbidden"] = [*problem["forbidden"], *cuts]
    return close(n, tails, heads, weights, keep=keep, **problem)


def _cp_sat(
    n: int,
    tails: np.ndarray,
    heads: np.ndarray,
    weights: np.ndarray,
    *,
    resources: list[Resource],
    keep: np.ndarray,
    source: int,
    sink: int,
    time_limit_s: float,
    forbidden: Sequence[Exclusion],
    integral: bool = False,
    once: Once | None = None,
) -> list[int]:
    """The model of :func:`_highs` in CP-SAT, with weights and resources scaled to integers.

    With ``once`` the arcs chosen form a simple path and nothing else (a circuit constraint).

    ``integral`` weights are whole numbers already and are not scaled.
    """
    del n  # the model is built from the arcs alone
    model = _CpModel()
    x = {int(a): model.new_bool_var(f"x{a}") for a in np.flatnonzero(keep)}
    incidence = _incidence(x, tails, heads, source, sink)
    for v, (leaving, entering) in incidence.items():
        model.add(sum(leaving) - sum(entering) == int(v == source) - int(v == sink))
        model.add(sum(leaving) <= 1)  # redundant, but it helps CP-SAT propagate
    if once is not None:  # a simple path: with the way back to the source, one circuit
        # through the vertices used; each other vertex takes its self-loop (CP-SAT's circuit
        # constraint rules out the cycles apart from the path that the subtour cuts of
        # the HiGHS model cut off one by one)
        circuit = [(int(tails[a]), int(heads[a]), var) for a, var in x.items()]
        circuit.append((sink, source, model.new_constant(1)))
        circuit += [(v, v, model.new_bool_var("")) for v in incidence if v not in (source, sink)]
        model.add_circuit(circuit)
    for entering, most in _entries(x, tails, heads, once, source):
        model.add(sum(entering) <= most)
    for entering, leaving in _subtour_cuts(x, tails, heads, once):
        model.add(sum(entering) >= sum(leaving))
    for r in resources:
        # rounded in the path's favour: every truly feasible path stays feasible here
        scaled = np.floor(r.values * TIME_SCALE + 1e-9).astype(np.int64)
        limit = int(np.ceil(r.limit * TIME_SCALE - 1e-9))
        model.add(sum(int(scaled[a]) * var for a, var in x.items()) <= limit)
    for groups, others in _exclusions(forbidden, x):
        used = [model.new_bool_var("") for _ in groups]
        for flag, group in zip(used, groups, strict=True):
            model.add_max_equality(flag, group)
        model.add(sum(used) - sum(others) <= len(groups) - 1)
    costs = np.rint(weights if integral else weights * COST_SCALE).astype(np.int64)
    model.minimize(sum(int(costs[a]) * var for a, var in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit_s
    # Path models are small and solved often: one presolve round and no symmetry detection
    # halve the time on the corridor's models. The LP relaxation stays on (docs/performance.md:
    # without it a tight deadline on the 41 by 41 grid took 6 s instead of 0.3 s, and the
    # corridor's models were no faster). Optimality is still proven.
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.symmetry_level = 0
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        raise NoFlowError
    if status != cp_model.OPTIMAL:
        msg = f"no optimum proven within {time_limit_s} s ({solver.status_name(status).lower()})"
        raise SolverError(msg)
    return [a for a, var in x.items() if solver.value(var)]


class _CpModel(cp_model.CpModel):
    """A CP-SAT model without the camelCase aliases OR-Tools sets on every new model.

    Installing them walks ``dir(model)`` and takes about 1 ms, more than solving a small
    path model; this module uses the snake_case methods only.
    """

    def _add_pre_pep8_methods(self) -> None:
        """Skip the aliases."""


def _incidence(
    x: dict[int, Any], tails: np.ndarray, heads: np.ndarray, source: int, sink: int
) -> dict[int, tuple[list[Any], list[Any]]]:
    """Per vertex: the variables of the arcs leaving it and of those entering it."""
    incidence: dict[int, tuple[list[Any], list[Any]]] = {source: ([], []), sink: ([], [])}
    for a, var in x.items():
        incidence.setdefault(int(tails[a]), ([], []))[0].append(var)
        incidence.setdefault(int(heads[a]), ([], []))[1].append(var)
    return dict(sorted(incidence.items()))


def _exclusions(
    forbidden: Sequence[Exclusion], x: dict[int, Any]
) -> list[tuple[list[list[Any]], list[Any]]]:
    """Exclusions as (groups of variables, other variables) over the kept arcs.

    One that lost a whole group to pruning cannot occur and is dropped.
    """
    out = []
    for exclusion in forbidden:
        groups = [[x[a] for a in group if a in x] for group in exclusion.groups]
        if all(groups):
            out.append((groups, [x[a] for a in exclusion.others if a in x]))
    return out


def _highs(
    n: int,
    tails: np.ndarray,
    heads: np.ndarray,
    weights: np.ndarray,
    *,
    resources: list[Resource],
    keep: np.ndarray,
    source: int,
    sink: int,
    time_limit_s: float,
    forbidden: Sequence[Exclusion],
    once: Once | None = None,
) -> list[int]:
    """Exact path on the kept arcs as a 0-1 model, solved by HiGHS through OR-Tools MathOpt.

    Flow conservation, resource sums within their limits, minimum weight; each forbidden
    combination must miss at least one of its groups; the limits and subtour cuts of
    ``once`` in force. Returns the arcs chosen: the path, and any cycle that an exclusion
    made worth its weight (cut off by :func:`_verified`).
    """
    del n  # the model is built from the arcs alone
    model = mathopt.Model(name="constrained_path")
    arcs = np.flatnonzero(keep)
    x = {int(a): model.add_binary_variable(name=f"x{a}") for a in arcs}
    for v, (leaving, entering) in _incidence(x, tails, heads, source, sink).items():
        flow = mathopt.fast_sum(leaving) - mathopt.fast_sum(entering)
        model.add_linear_constraint(flow == int(v == source) - int(v == sink))
        model.add_linear_constraint(mathopt.fast_sum(leaving) <= 1)
    for entering, most in _entries(x, tails, heads, once, source):
        model.add_linear_constraint(mathopt.fast_sum(entering) <= most)
    for entering, leaving in _subtour_cuts(x, tails, heads, once):
        model.add_linear_constraint(mathopt.fast_sum(entering) >= mathopt.fast_sum(leaving))
    for r in resources:
        total = mathopt.fast_sum(float(r.values[a]) * var for a, var in x.items())
        model.add_linear_constraint(total <= r.limit)
    for groups, others in _exclusions(forbidden, x):
        used = [model.add_binary_variable() for _ in groups]
        for flag, group in zip(used, groups, strict=True):
            for var in group:
                model.add_linear_constraint(flag >= var)
        model.add_linear_constraint(
            mathopt.fast_sum(used) - mathopt.fast_sum(others) <= len(groups) - 1
        )
    model.minimize(mathopt.fast_sum(float(weights[a]) * var for a, var in x.items()))
    params = mathopt.SolveParameters(
        time_limit=timedelta(seconds=time_limit_s),
        relative_gap_tolerance=0.0,  # prove the optimum, not one within 0.01 %
        absolute_gap_tolerance=1e-6,
    )
    result = mathopt.solve(model, mathopt.SolverType.HIGHS, params=params)
    reason = result.termination.reason
    if reason in {
        mathopt.TerminationReason.INFEASIBLE,
        mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED,
    }:
        raise NoFlowError
    if reason is not mathopt.TerminationReason.OPTIMAL:
        msg = f"no optimum proven within {time_limit_s} s ({reason.name.lower()})"
        raise SolverError(msg)
    values = result.variable_values()
    return [a for a, var in x.items() if values[var] > 0.5]
