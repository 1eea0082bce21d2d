"""The cheapest path within resource limits (a deadline, a transshipment cap), exact.

This is the resource-constrained shortest path problem, NP-hard in general; the method here is
exact and fast on the corridor's graphs:

1. if the unconstrained shortest path (Dijkstra) meets every limit, it is optimal;
2. else every vertex and arc that cannot meet a limit even alone (its resource distances
   from the source and to the sink) is pruned, and the first resource (the deadline) is
   relaxed in Lagrangian fashion: the LARAC iteration (Jüttner et al., 2001) finds the best
   multiplier, which gives a lower bound and, usually, a feasible path that meets it, which
   is then optimal;
3. else arcs whose Lagrangian reduced cost puts them above the best feasible path are pruned
   and an exact 0-1 model (:mod:`corridor.solvers.zero_one`: CP-SAT on small pruned graphs,
   HiGHS on large ones) closes the gap on what remains, against rising targets so that the
   first models are small. A model whose optimum lies at or below its target has the global
   optimum (any better path survives the pruning).

Why it is exact: every pruning step removes only arcs that no path better than a known
feasible one (or any feasible path) can use; the 0-1 models round resources in the path's
favour, so every truly feasible path stays in them, and every answer is checked against the
true sums (a path that only the rounding let through is cut off and the model solved again).
``forbidden`` combinations (:class:`Exclusion`) let the caller enumerate distinct routes,
and :class:`Once` keeps those routes simple where it matters.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from corridor.errors import SolverError
from corridor.solvers import zero_one
from corridor.solvers.arrays import GraphArrays
from corridor.solvers.dijkstra import distances, shortest
from corridor.solvers.shortest import COST_SCALE, TIE_SCALE, NoFlowError, flow_path
from corridor.solvers.zero_one import solve_01

logger = logging.getLogger(__name__)

_EPS = 1e-9
PRUNING_MULTIPLIERS = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0)
"""Multiples of the optimal Lagrange multiplier whose bounds also prune large gap models."""
DEFAULT_TIME_LIMIT_S = 30.0
"""Time limit of each 0-1 solve unless the caller gives one, s."""


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


@dataclass(frozen=True)
class PathSearch:
    """What every step of one constrained search shares.

    The arcs, the path's ends, the limits, the routes excluded, the groups entered once and
    the time limit of each 0-1 solve.
    """

    n: int
    tails: np.ndarray
    heads: np.ndarray
    resources: list[Resource]
    source: int
    sink: int
    forbidden: Sequence[Exclusion] = ()
    time_limit_s: float = DEFAULT_TIME_LIMIT_S
    once: Once | None = None
    stop_at: float = math.inf
    """When the search must end (:func:`time.monotonic`): ``time_limit_s`` after it began."""

    def seconds_left(self) -> float:
        """The time a 0-1 solve may take now, s.

        Raises
        ------
        SolverError
            If the search has used up its time limit.
        """
        left = self.stop_at - time.monotonic()
        if left <= 0:
            msg = (
                f"time limit of {self.time_limit_s:g} s reached before the search ended; "
                "allow more time (time_limit_s)"
            )
            raise SolverError(msg, solver="corridor", status="TIME_LIMIT", time_limit=True)
        return left

    def feasible(self, path: list[int]) -> bool:
        """Whether ``path`` meets every limit, exclusion and group entry, by the true sums."""
        used = set(path)
        if any(exclusion.matches(used) for exclusion in self.forbidden):
            return False
        if self.once is not None and self.once.broken(path, self.tails, self.heads):
            return False
        return all(float(r.values[path].sum()) <= r.limit + _EPS for r in self.resources)


EXACT_FLOAT = 2**50
"""Integer-valued weights whose path sums stay below this are summed exactly in float64
(with room for the Lagrangian products)."""


def constrained_path(
    graph: GraphArrays,
    weights: np.ndarray,
    resources: list[Resource],
    *,
    source: int,
    sink: int,
    forbidden: Sequence[Exclusion] = (),
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    tie_break: np.ndarray | None = None,
    tie_limit: float | None = None,
    once: Once | None = None,
    stop_at: float | None = None,
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
    ``time_limit_s`` bounds the whole search (every 0-1 solve in it), from now or from a
    caller's own start: ``stop_at`` (a :func:`time.monotonic` time) is when it must end.

    Raises
    ------
    NoFlowError
        If no path satisfies the limits.
    SolverError
        If a 0-1 model stops without a proven optimum (time limit, or a solver failure).
    """
    search = PathSearch(
        graph.n,
        graph.tails,
        graph.heads,
        list(resources),
        source,
        sink,
        forbidden,
        time_limit_s,
        once,
        time.monotonic() + time_limit_s if stop_at is None else stop_at,
    )
    if tie_break is None:
        return _constrained_path(search, weights)
    combined = _lexicographic_weights(weights, tie_break, graph.n, tie_limit)
    if combined is not None and len(graph.tails) <= zero_one.CP_SAT_MAX_ARCS:
        return _constrained_path(search, combined, integral=True)
    first = _constrained_path(search, weights)
    best = float(weights[first.path].sum())
    optimum = Resource("objective", weights, best + 1e-9 * max(1.0, best))
    both = dataclasses.replace(search, resources=[*search.resources, optimum])
    return _constrained_path(both, tie_break)


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
    search: PathSearch, weights: np.ndarray, *, integral: bool = False
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
    n, tails, heads, source, sink = (
        search.n,
        search.tails,
        search.heads,
        search.source,
        search.sink,
    )
    cheapest = shortest(n, tails, heads, weights, source=source, sink=sink)
    if cheapest is None:
        raise NoFlowError
    if search.feasible(cheapest):
        return ConstrainedResult(cheapest, "shortest path", len(tails))
    if not search.resources:  # only forbidden combinations: an unbounded resource for LARAC
        search = dataclasses.replace(
            search, resources=[Resource("none", np.zeros(len(tails)), 0.0)]
        )
    # resource bounds: a vertex or arc that cannot meet a limit even alone is pruned
    keep = np.ones(len(tails), dtype=bool)
    for r in search.resources:
        fwd, bwd = distances(n, tails, heads, r.values, source=source, sink=sink)
        if fwd[sink] > r.limit + _EPS:
            raise NoFlowError
        keep &= fwd[tails] + r.values + bwd[heads] <= r.limit + _EPS
    best, lam, bound = _larac(search, weights, keep)
    upper = float(weights[best].sum()) if best is not None else np.inf
    slack = 0.5 if integral else 1e-7 * max(1.0, abs(upper))
    if best is not None and upper <= bound + slack:
        return ConstrainedResult(best, "lagrangian", int(keep.sum()))
    return _close_gap(
        search, weights, keep=keep, lam=lam, bound=bound, best=best, integral=integral
    )


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
    search: PathSearch,
    weights: np.ndarray,
    *,
    keep: np.ndarray,
    lam: float,
    bound: float,
    best: list[int] | None,
    integral: bool = False,
) -> ConstrainedResult:
    """Prune by Lagrangian reduced cost and solve the rest exactly, against rising targets.

    Arcs whose bound exceeds the target are left out; an optimum at or below the target is
    then the global optimum (any better path survives the pruning). Targets are chosen so
    that the model doubles in arcs each time (400, 800, 1,600, ...), up to the best feasible
    path's weight, where the model is sure to close the gap. A cheaper feasible path found on
    the way lowers that upper bound; small problems are solved in one go.
    """
    upper = float(weights[best].sum()) if best is not None else np.inf
    deadline = search.resources[0]
    n, tails, heads, source, sink = (
        search.n,
        search.tails,
        search.heads,
        search.source,
        search.sink,
    )

    def lower_bounds(multiplier: float) -> np.ndarray:
        """Least weight of a feasible path through each arc, by the Lagrangian at one multiplier.

        Any feasible path through arc ``a = (u, v)`` weighs at least
        ``fwd(u) + w'(a) + bwd(v) - multiplier × limit``, with ``w' = w + multiplier × t``.
        """
        reduced = weights + multiplier * deadline.values
        fwd, bwd = distances(n, tails[keep], heads[keep], reduced[keep], source=source, sink=sink)
        return np.where(
            keep, fwd[tails] + reduced + bwd[heads] - multiplier * deadline.limit, np.inf
        )

    through = lower_bounds(lam)
    if np.sum(through <= upper) > zero_one.CP_SAT_MAX_ARCS:
        # every multiplier gives a valid bound: the largest prunes most (about half the arcs
        # of the synthetic grid's models for a few Dijkstra runs)
        for factor in PRUNING_MULTIPLIERS:
            through = np.maximum(through, lower_bounds(lam * factor))
    close = functools.partial(solve_01, search, weights, integral=integral)
    ranked = np.sort(through[keep])
    size = zero_one.CP_SAT_MAX_ARCS  # the first model is a quick CP-SAT one; small problems: one go
    while True:
        target = min(upper, float(ranked[min(size, len(ranked)) - 1]))
        size = max(2 * size, 1)
        tol = 1e-6 * max(1.0, abs(target))
        subset = keep & (through <= target + tol)
        everything = bool(np.all(subset[keep]))
        try:
            path = _verified(search, close, subset)
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


def _verified(search: PathSearch, close: Callable[..., list[int]], keep: np.ndarray) -> list[int]:
    """Solve, read the path off the arcs chosen, and cut off what a path may not do.

    ``close`` returns the arcs an answer uses. The 0-1 models round resources in the path's
    favour (a relaxation), so every truly feasible path stays in them; an answer that is not truly
    feasible is excluded exactly and the model solved again. Where the search has ``once``, an
    answer that enters a group of it twice puts that group's limit in force, and one with a
    cycle apart from its path (a way round an exclusion) adds a subtour cut on the cycle;
    the model is then solved again.
    """
    tails, heads, once = search.tails, search.heads, search.once
    cuts: list[Exclusion] = []
    while True:
        chosen = close(keep=keep, cuts=cuts)
        outgoing: dict[int, list[int]] = {}
        for a in chosen:
            outgoing.setdefault(int(tails[a]), []).append(a)
        path = flow_path(outgoing, heads, search.source, search.sink)
        if once is not None:
            broken = once.broken(path, tails, heads)
            cycles = _cycles(sorted(set(chosen) - set(path)), tails, heads)
            if broken - once.active or cycles - once.subtours:
                once.active |= broken
                once.subtours |= cycles
                continue
        if search.feasible(path):
            return path
        logger.debug("cutting off a path that breaks a limit by rounding")
        cuts.append(Exclusion(tuple((a,) for a in path)))


def _larac(
    search: PathSearch, weights: np.ndarray, keep: np.ndarray
) -> tuple[list[int] | None, float, float]:
    """LARAC on the first resource over the kept arcs: best feasible path, multiplier, bound."""
    deadline, feasible = search.resources[0], search.feasible
    idx = np.flatnonzero(keep)
    t, h, c, d = search.tails[idx], search.heads[idx], weights[idx], deadline.values[idx]

    def solve(w: np.ndarray) -> list[int]:
        path = shortest(search.n, t, h, w, source=search.source, sink=search.sink)
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
