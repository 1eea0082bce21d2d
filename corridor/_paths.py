"""Private: path-based multi-commodity flow by column generation (OR-Tools MathOpt + GLOP).

The restricted master LP has one variable per generated path (TEU/day on that path) and one
unserved slack per commodity; its rows are each commodity's demand (``paths + unserved =
demand``) and the capacity groups (``Σ uses × flow ≤ capacity``) that have been found
violated (row generation): the master starts with no capacity row; after each solve, the load
of every capacity group is computed from the path flows and the groups loaded beyond capacity
(by more than :data:`ROW_TOLERANCE`) become rows, and the master is re-solved (dual simplex
from the last basis, the new rows' slacks basic) until no capacity is exceeded. A capacity
that is not a row has dual 0 in the master, which is what the full LP allows as well since
its flow is within capacity; most capacities of a congested network never become rows.

Pricing: an arc's reduced cost is its cost per TEU minus the dual of its capacity row (≤ 0 in
a minimisation, so the weight stays ≥ 0 and Dijkstra applies: ``scipy.sparse.csgraph``, one
tree per origin, lightest of parallel arcs, searched no farther than the shortest of the
commodity's paths in the master, and shared with forked worker processes on large
problems). A path whose reduced cost is below its demand
row's dual by more than :data:`TOLERANCE` (relative) enters the master, which GLOP re-solves
from its last basis (MathOpt incremental solve, primal simplex); a path idle (no flow, positive
reduced cost) for :data:`DROP_AFTER` rounds leaves it and can re-enter. Pricing is
stabilised by dual smoothing (Wentges 1997, α adapting as in Pessoa et al. 2018): the paths
are shortest at ``α × centre + (1 − α) × duals``, the centre being the capacity duals with the
best Lagrangian bound so far, and enter when their reduced cost at the master's own duals is
negative; only when none does is pricing repeated at the master's duals. The loop ends when no
capacity is exceeded and no commodity has such a path: the restricted master's optimum is
then feasible for the full path LP (all capacities), and its duals (0 for the absent rows)
are feasible for the full dual (every path prices ≥ its demand dual, every capacity dual
≤ 0), so it is the exact LP optimum of the full path formulation. Commodities with a
deadline price over paths within their planned hours only, exactly
(:func:`corridor._solver.constrained_path`).

Large masters (:data:`FIRST_ORDER_GROUPS`) are solved by PDLP instead
(:class:`_FirstOrderMaster`): its flows, scaled down to be feasible, bound the optimum from
above, pricing's Lagrangian value bounds it from below, and the loop stops when the two are
within :data:`GAP`.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from ortools.glop import parameters_pb2 as glop_parameters
from ortools.math_opt.python import mathopt
from ortools.pdlp import solve_log_pb2, solvers_pb2
from ortools.pdlp.python import pdlp
from scipy.sparse import csc_matrix, csr_array
from scipy.sparse.csgraph import dijkstra

from corridor._solver import NoFlowError, Resource, constrained_path
from corridor.errors import SolverError

logger = logging.getLogger(__name__)

TOLERANCE = 1e-7
"""A path enters the master when its reduced cost is below ``-TOLERANCE × max(1, |dual|)``
(USD per TEU; ``dual`` is its commodity's demand dual). At the end the LP optimum is proven
within ``Σ demand × TOLERANCE × max(1, |dual|)`` USD/day (the Lagrangian bound, logged)."""
CHUNK = 256
"""Origins per Dijkstra call when the searches are unbounded (memory: ``CHUNK × vertices``
distances and predecessors)."""
LIMITED_CHUNK = 16
"""Origins per Dijkstra call when the searches are bounded: a batch searches as far as its
farthest limit, so batches of sources with similar limits are kept small."""
GREEDY_PASSES = 4
"""Passes of the greedy assignment whose paths seed the master."""
DROP_AFTER = 2
"""A path leaves the master after this many pricing rounds in a row with no flow and a
positive reduced cost (it can come back: pricing sees every path)."""
SMOOTHING = 0.8
"""Initial weight α of the stability centre in the smoothed duals that pricing uses (0: no
smoothing); it then adapts each round (:class:`_SmoothedPricing`, docs/performance.md)."""
FIRST_ORDER_GROUPS = 5_000
"""Above this many capacity groups on the greedy start's paths, the master is solved by PDLP
(:class:`_FirstOrderMaster`) instead of GLOP's simplex. docs/performance.md, congested grids
with 1,000 OD pairs: 20 × 20 (3,147 groups at the start, before the through trains) GLOP
41 s, PDLP 135 s; 30 × 30 (5,007) the same gap after 300 s; 52 × 52 (9,821), limit 120 s:
GLOP stopped at round 9 with a gap of 32 %, PDLP at round 66 with 8e-4; 61 × 61 (12,355)
GLOP 0.84 % in 3,000 s, PDLP 0.02 % in 600 s."""
GAP = 1e-6
"""With PDLP, column generation stops when the plan is within this fraction of the
Lagrangian bound (USD/day, relative; a simplex master stops on exact optimality)."""
PDLP_EPS = (1e-9, 1e-3)
"""Range of PDLP's relative and absolute optimality tolerance; within it the tolerance is
:data:`PDLP_GAP_SHARE` of the current gap, so that early masters are solved loosely and the
last ones tightly."""
PDLP_GAP_SHARE = 0.03
"""PDLP's tolerance as a share of the gap. docs/performance.md: on the congested 61 × 61 grid
with 1,000 OD pairs, a gap of 0.4–0.6 % after 120 s with (1e-3, 0.03 or 0.01) against 1.3–2 %
with the earlier (1e-4, 0.01): looser early masters give quicker rounds, and the smoothed
pricing copes with their rougher duals."""
SEARCH_WORKERS: int | None = None
"""Worker processes that share each pricing pass's Dijkstra searches with this one (None: one
per other core; 0: none). Only on Linux (fork), for passes of more than :data:`SHARED_WORK`,
and never inside a worker process (a sweep's, say: it already keeps the cores busy)."""
SHARED_WORK = 2_000_000
"""Origins × vertices of a pricing pass above which its searches are shared with workers
(below, sending the graph costs more than it saves; the corridor is about 10,000)."""
ROW_TOLERANCE = 1e-9
"""A capacity group becomes a master row when its load exceeds its capacity by more than
``ROW_TOLERANCE × max(1, capacity)`` TEU/day."""


@dataclass(frozen=True)
class Graph:
    """A service graph as arrays: arc ends, cost and hours per TEU, capacity group per arc."""

    n: int
    """Number of vertices."""
    tails: np.ndarray
    heads: np.ndarray
    cost_usd: np.ndarray
    hours: np.ndarray
    group: np.ndarray
    """Capacity group index of each arc (``-1``: unlimited)."""


@dataclass(frozen=True)
class Commodity:
    """One OD flow: graph index, source and sink vertex, TEU/day, USD per TEU-hour, deadline."""

    graph: int
    source: int
    sink: int
    teu_per_day: float
    usd_per_hour: float = 0.0
    deadline_hours: float | None = None


@dataclass(frozen=True)
class Column:
    """A generated path: commodity index, arc indices in order, TEU/day in the solution."""

    commodity: int
    arcs: np.ndarray
    flow: float


@dataclass
class Solution:
    """The LP optimum over paths (or the best found within the time limit)."""

    objective: float
    columns: list[Column]
    unserved: np.ndarray
    """TEU/day per commodity."""
    duals: np.ndarray
    """Dual value per capacity group (≤ 0; 0 for groups no path used)."""
    optimal: bool
    bound: float
    """A lower bound on the LP optimum, USD/day (equal to ``objective`` within tolerance when
    ``optimal``)."""
    rounds: int
    stopped: str = "optimal"
    """Why the loop ended: "optimal", "time_limit", or "stalled" (PDLP at its tightest
    tolerance found no better path while the gap was still above :data:`GAP`)."""
    stats: dict[str, float] = field(default_factory=dict)


def solve(
    graphs: list[Graph],
    commodities: list[Commodity],
    capacity: np.ndarray,
    *,
    penalty: float,
    time_limit_s: float | None = None,
) -> Solution:
    """Minimum-cost multi-commodity flow over paths, by column generation.

    Parameters
    ----------
    graphs
        Service graphs (arc costs ≥ 0, USD per TEU; hours per TEU).
    commodities
        OD flows; a commodity's arcs are those of its graph.
    capacity
        TEU/day per capacity group (indexed by :attr:`Graph.group`).
    penalty
        USD per unserved TEU.
    time_limit_s
        Wall-clock limit, s, checked after each pricing round and each master solve: the
        cheapest plan found is returned with ``optimal=False`` and the best bound so far. No
        pricing round or master solve starts after the limit; one in progress finishes.

    Raises
    ------
    SolverError
        If GLOP fails on the restricted master (it is always feasible and bounded).
    """
    start = time.perf_counter()
    for graph in graphs:
        if len(graph.cost_usd) and (graph.cost_usd.min() < 0 or graph.hours.min() < 0):
            msg = "path model needs arc costs and hours ≥ 0"
            raise SolverError(msg)
    with _search_workers(graphs, commodities) as workers:
        pricing = _Pricing(graphs, commodities, workers)
        return _generate(pricing, capacity, penalty, start, time_limit_s)


def _generate(
    pricing: _Pricing,
    capacity: np.ndarray,
    penalty: float,
    start: float,
    time_limit_s: float | None,
) -> Solution:
    """The column generation loop of :func:`solve`."""

    def out_of_time() -> bool:
        return time_limit_s is not None and time.perf_counter() - start >= time_limit_s

    commodities = pricing.commodities
    duals = np.zeros(len(capacity))
    sigma = np.full(len(commodities), penalty)
    objective = penalty * sum(c.teu_per_day for c in commodities)
    bound = -np.inf
    optimal, stopped = False, "time_limit"
    rounds = 0
    stats = dict.fromkeys(("pricing_s", "master_s", "master_solves", "row_rounds", "dropped"), 0.0)
    tick = time.perf_counter()
    master = _start_master(pricing, capacity, penalty, start, time_limit_s)
    stats["first_order"] = float(isinstance(master, _FirstOrderMaster))
    stats["initial_s"] = time.perf_counter() - tick
    if master.columns:
        objective, duals, sigma = master.solve_within_capacities(stats)
    best = _Incumbent(objective, master)
    logger.debug(
        "initial paths: %d, objective %.2f, %.1f s",
        len(master.columns),
        objective,
        stats["initial_s"],
    )
    stabilised = _SmoothedPricing(pricing, penalty, capacity)
    while True:
        # here the master's flows are within every capacity (rows or not)
        rounds += 1
        tick = time.perf_counter()
        found, value = stabilised.price(duals, sigma, master.columns)
        bound = max(bound, value)
        stats["pricing_s"] += time.perf_counter() - tick
        gap = (best.objective - bound) / max(1.0, abs(best.objective))
        if master.proven(gap):
            optimal, stopped = True, "optimal"
            break
        # Out of time: stop before changing the master, so that no solve overruns the limit;
        # unless the simplex master is proven optimal (no new path), which the verdict below
        # reports.
        if out_of_time() and (
            isinstance(master, _FirstOrderMaster)
            or any(arcs.tobytes() not in pricing.seen[k] for k, arcs in found)
        ):
            stopped = "time_limit"
            break
        if found:
            stats["dropped"] += master.drop_idle(pricing)
        new = [(k, arcs) for k, arcs in found if master.add_column(k, arcs, pricing)]
        logger.debug(
            "round %d: objective %.2f, bound %.2f, %d columns (%d new), %d capacity rows",
            rounds,
            objective,
            bound,
            len(found),
            len(new),
            len(master.rows),
        )
        stopped = master.next_round(len(new), gap)
        if stopped != "continue":  # no new path: the best plan so far is the answer
            optimal = stopped == "optimal"
            break
        objective, duals, sigma = master.solve_within_capacities(stats)
        best.offer(objective, master)
        if out_of_time():
            stopped = "time_limit"  # the last bound stands; no pricing round past the limit
            break
    stats["columns"] = float(len(master.columns))
    stats["capacity_rows"] = float(len(master.rows))
    stats["total_s"] = time.perf_counter() - start
    _log_summary(rounds, best.objective, bound, len(capacity), stats)
    return Solution(
        objective=best.objective,
        columns=best.columns,
        unserved=best.unserved,
        duals=master.capacity_duals(len(capacity)),
        optimal=optimal,
        bound=bound if optimal else min(bound, best.objective),
        rounds=rounds,
        stopped=stopped,
        stats=stats,
    )


class _Incumbent:
    """The cheapest plan the master has given so far (USD/day), with its paths and unserved.

    The simplex master's plans only get cheaper; PDLP's repaired plans need not (a tighter
    solve can repair worse), so the plan returned and the gap are those of the best one.
    """

    def __init__(self, objective: float, master: _Master | _FirstOrderMaster) -> None:
        self.objective = np.inf
        self.columns: list[Column] = []
        self.unserved = np.zeros(0)
        self.offer(objective, master)

    def offer(self, objective: float, master: _Master | _FirstOrderMaster) -> None:
        """Keep the master's current plan if it is cheaper than the one kept."""
        if objective >= self.objective:
            return
        flows, self.unserved = master.values()
        self.objective = objective
        self.columns = [
            Column(k, arcs, flow)
            for (k, arcs), flow in zip(master.columns, flows, strict=True)
            if flow > 1e-9
        ]


def _start_master(
    pricing: _Pricing,
    capacity: np.ndarray,
    penalty: float,
    start: float,
    time_limit_s: float | None,
) -> _Master | _FirstOrderMaster:
    """The restricted master holding the greedy start's paths.

    Simplex (GLOP), or PDLP above :data:`FIRST_ORDER_GROUPS` capacity groups on those paths.
    """
    initial = pricing.initial_paths(capacity)
    used = [pricing.graphs[pricing.commodities[k].graph].group[arcs] for k, arcs in initial]
    groups = np.unique(np.concatenate(used)) if used else np.zeros(0, dtype=np.int64)
    master: _Master | _FirstOrderMaster
    if int((groups >= 0).sum()) > FIRST_ORDER_GROUPS:
        # the search workers' cores are idle while the master solves: PDLP takes them
        threads = 1 + (pricing.workers.count if pricing.workers else 0)
        master = _FirstOrderMaster(
            pricing.commodities, capacity, penalty, start, time_limit_s, threads=threads
        )
    else:
        master = _Master(pricing.commodities, capacity, penalty)
    for k, arcs in initial:
        master.add_column(k, arcs, pricing)
    return master


def _log_summary(
    rounds: int, objective: float, bound: float, groups: int, stats: dict[str, float]
) -> None:
    logger.info(
        "column generation: %d rounds, %d columns, %d of %d capacity rows, %.2f USD/day "
        "(bound %.2f), %.1f s (pricing %.1f s, master %.1f s in %d solves)",
        rounds,
        stats["columns"],
        stats["capacity_rows"],
        groups,
        objective,
        bound,
        stats["total_s"],
        stats["pricing_s"],
        stats["master_s"],
        stats["master_solves"],
    )


class _SmoothedPricing:
    """Pricing at smoothed duals (Wentges 1997), falling back to the master's on a mis-price.

    The centre is the point (capacity duals ≤ 0) with the best Lagrangian bound so far;
    pricing first looks for paths at a point between the centre and the master's duals and
    keeps those improving at the master's duals. If there are none, it prices at the
    master's duals, so an empty answer still proves optimality (Pessoa et al. step α down on
    a mis-price instead; going straight to the master's duals is as valid and simpler).

    The point is ``α × centre + (1 − α) × duals``, turned towards the subgradient at the
    centre (directional smoothing, Pessoa, Sadykov, Uchoa and Vanderbeck 2018): with ``out``
    the step from the centre to the master's duals and ``g`` the subgradient there
    (capacity − load of the shortest paths, 0 where the dual is 0 and would rise), the
    direction is ``β × g × |out| / |g| + (1 − β) × out``, β the cosine of the angle between
    ``g`` and ``out`` (0 if obtuse), and the step ``(1 − α) × |out|`` long, clipped to ≤ 0.
    α starts at :data:`SMOOTHING` and adapts (Pessoa et al.): when the Lagrangian function
    does not fall from the point towards the master's duals (its subgradient there makes an
    angle ≤ 90° with that direction) α falls by 0.1, otherwise it moves 10 % of the way to 1.
    Once α reaches 0, smoothing stops for the run (the master's duals are then priced
    directly). Any point with duals ≤ 0 gives a valid bound, so none of this affects the
    result, only how fast the loop gets there.
    """

    def __init__(self, pricing: _Pricing, penalty: float, capacity: np.ndarray) -> None:
        self.pricing = pricing
        self.penalty = penalty
        self.capacity = capacity
        self.alpha = SMOOTHING
        self.centre: np.ndarray | None = None
        self.centre_bound = -np.inf
        self.slope: np.ndarray | None = None
        """The subgradient at the centre, TEU/day per capacity group (None: not known)."""

    def price(
        self, duals: np.ndarray, sigma: np.ndarray, known: list[tuple[int, np.ndarray]]
    ) -> tuple[list[tuple[int, np.ndarray]], float]:
        """Improving paths (commodity, arcs) and the best lower bound met, USD/day.

        ``known`` are the master's paths; they bound the searches (:meth:`_Pricing.price`).
        """
        found: list[tuple[int, np.ndarray]] = []
        bound = -np.inf
        duals = np.minimum(duals, 0.0)
        if self.centre is not None and self.alpha > 0:
            smoothed = self._point(self.centre, duals)
            found, bound, load = self.pricing.price(
                duals, sigma, self.penalty, self.capacity, at=smoothed, known=known
            )
            self._move(smoothed, bound, load)
            if float((self.capacity - load) @ (duals - smoothed)) >= 0:  # rises that way
                self.alpha = max(0.0, round(self.alpha - 0.1, 9))  # 0: no more smoothing
            else:
                self.alpha += 0.1 * (1 - self.alpha)
            found = [(k, arcs) for k, arcs in found if arcs.tobytes() not in self.pricing.seen[k]]
        if not found:
            found, value, _ = self.pricing.price(
                duals, sigma, self.penalty, self.capacity, known=known
            )
            self._move(duals, value, None)
            bound = max(bound, value)
        return found, bound

    def _point(self, centre: np.ndarray, duals: np.ndarray) -> np.ndarray:
        """The capacity duals to price at: smoothed, turned towards the subgradient."""
        out = duals - centre
        length = float(np.linalg.norm(out))
        g = self.slope
        if g is None or not length or not np.any(g):
            return self.alpha * centre + (1 - self.alpha) * duals
        beta = max(0.0, float(g @ out) / (float(np.linalg.norm(g)) * length))
        direction = beta * length / float(np.linalg.norm(g)) * g + (1 - beta) * out
        direction = np.minimum(centre + direction, 0.0) - centre
        size = float(np.linalg.norm(direction))
        if not size:
            return centre.copy()
        return np.minimum(centre + (1 - self.alpha) * length / size * direction, 0.0)

    def _move(self, point: np.ndarray, bound: float, load: np.ndarray | None) -> None:
        """Make ``point`` the centre if its bound is the best; ``load`` there gives the slope."""
        if bound > self.centre_bound:
            self.centre, self.centre_bound = point, bound
            self.slope = None if load is None else self.capacity - load
            if self.slope is not None:
                self.slope[(point >= 0) & (self.slope > 0)] = 0.0  # duals stay ≤ 0


class _Pricing:
    """Shortest paths on reduced costs, one Dijkstra tree per origin (and cost rate)."""

    def __init__(
        self,
        graphs: list[Graph],
        commodities: list[Commodity],
        workers: _Workers | None = None,
    ) -> None:
        self.graphs = graphs
        self.commodities = commodities
        self.workers = workers
        """Processes that take a share of the searches (:func:`_search_workers`), or None."""
        buckets: dict[tuple[int, float], list[int]] = {}
        for k, c in enumerate(commodities):
            buckets.setdefault((c.graph, c.usd_per_hour), []).append(k)
        self.buckets = buckets
        self.seen: list[set[bytes]] = [set() for _ in commodities]
        self._ends: dict[int, _LastArcs] = {}

    def weights(self, graph: Graph, usd_per_hour: float, duals: np.ndarray) -> np.ndarray:
        """Reduced cost per arc, USD per TEU (capacity duals clipped to ≤ 0)."""
        extended = np.append(np.minimum(duals, 0.0), 0.0)  # index -1: no capacity
        return graph.cost_usd + usd_per_hour * graph.hours - extended[graph.group]

    def _trees(
        self, graph: Graph, weights: np.ndarray, members: list[int], limit: np.ndarray
    ) -> list[tuple[int, float, np.ndarray | None]]:
        """Per commodity: shortest distance to its sink and the path's arcs (None if unreached).

        One Dijkstra tree per source, in batches of sources with similar limits. A search
        stops beyond the largest ``limit`` (per commodity, USD per TEU, ``inf`` for none) of
        its batch; a sink farther away than that is at ``inf``. With :attr:`workers`, the
        batches are dealt out round-robin between them and this process.
        """
        last = self._dead_ends(graph)
        ends = (last, graph.tails, weights)
        searched = np.where(last.dead[graph.heads], np.inf, weights)
        matrix, entry_arc = _csr(graph.n, graph.tails, graph.heads, searched)
        by_source: dict[int, list[int]] = {}
        for k in members:
            by_source.setdefault(self.commodities[k].source, []).append(k)
        reach = {s: float(limit[ks].max()) for s, ks in by_source.items()}
        sources = sorted(by_source, key=reach.__getitem__)
        batches: list[_Batch] = []
        i = 0
        while i < len(sources):
            size = LIMITED_CHUNK if np.isfinite(reach[sources[i]]) else CHUNK
            chunk = sources[i : i + size]
            i += size
            wanted = [
                (row, k, self.commodities[k].sink)
                for row, source in enumerate(chunk)
                for k in by_source[source]
            ]
            batches.append((chunk, reach[chunk[-1]] * (1 + 1e-9) + 1e-9, wanted))
        if self.workers is None or len(sources) * graph.n <= SHARED_WORK:
            return _search(matrix, entry_arc, ends, batches)
        pool, share = self.workers.pool, self.workers.count + 1
        futures: list[Future[list[tuple[int, float, np.ndarray | None]]]] = []
        try:
            futures = [
                pool.submit(_search, matrix, entry_arc, ends, batches[w::share])
                for w in range(1, share)
            ]
            found = _search(matrix, entry_arc, ends, batches[0::share])
            for future in futures:
                found += future.result()
        except BrokenProcessPool:  # a worker died (memory?): search here from now on
            logger.warning("pricing workers stopped; searching in this process", exc_info=True)
            self.workers = None
            return _search(matrix, entry_arc, ends, batches)
        return found

    def _dead_ends(self, graph: Graph) -> _LastArcs:
        """The arcs into vertices without out-arcs, which the searches leave out.

        Such a vertex (a sink) ends every path through it, so :func:`_search` reads its
        distance off its last arcs instead: on the synthetic grids a sixth of the vertices
        and a seventh of the arcs are never settled, and a search takes about a fifth less.
        """
        key = id(graph)
        if key not in self._ends:
            dead = np.bincount(graph.tails, minlength=graph.n) == 0
            into = np.flatnonzero(dead[graph.heads])
            into = into[np.argsort(graph.heads[into], kind="stable")]
            first = np.searchsorted(graph.heads[into], np.arange(graph.n + 1))
            self._ends[key] = _LastArcs(into, first, dead)
        return self._ends[key]

    def price(
        self,
        duals: np.ndarray,
        sigma: np.ndarray,
        penalty: float,
        capacity: np.ndarray,
        *,
        at: np.ndarray | None = None,
        known: list[tuple[int, np.ndarray]] | tuple[()] = (),
    ) -> tuple[list[tuple[int, np.ndarray]], float, np.ndarray]:
        """Improving paths, a lower bound (USD/day) and the shortest paths' load at ``at``.

        The paths are (commodity, arcs) pairs; the load is TEU/day per capacity group (at
        ``at``; partial at the master's duals, where non-improving paths are not read).

        Paths are shortest on the reduced costs at capacity duals ``at`` (default: the
        master's ``duals``) and are returned when their reduced cost at ``duals`` is below
        the demand dual ``sigma`` by more than :data:`TOLERANCE`. The bound is the Lagrangian
        value at ``at``, ``Σ demand × min(penalty, shortest) + Σ at × capacity``, which bounds
        the optimum from below for any duals ≤ 0 (weak duality), or a value below it: at the
        master's duals a search for a commodity without a known path stops at ``sigma`` (no
        farther path can improve) and counts as ``sigma``; a commodity whose shortest path
        misses its deadline counts that path's length, without the deadline, where the path
        is not needed (at the master's duals when it cannot improve; at smoothed duals
        always, leaving the exact constrained search to the master's duals).

        A commodity with a path among ``known`` (the master's) is searched only as far as
        the shortest of them at ``at`` (or as far as the others of its batch): its shortest
        path is no longer, so the answer, and the bound, are those of an unbounded search.
        """
        at_master = at is None
        point = duals if at is None else at
        found: list[tuple[int, np.ndarray]] = []
        bound = float(np.minimum(point, 0.0) @ capacity)
        load = np.zeros(len(capacity))
        for (g, usd_per_hour), members in self.buckets.items():
            graph = self.graphs[g]
            weights = self.weights(graph, usd_per_hour, point)
            master = weights if at_master else self.weights(graph, usd_per_hour, duals)
            limit = self.upper(weights, members, known)
            if at_master:
                limit = np.where(np.isfinite(limit), limit, sigma)
            for k, length, shortest in self._trees(graph, weights, members, limit):
                arcs = shortest  # or, below, the cheapest path within the deadline
                commodity = self.commodities[k]
                stop = sigma[k] if at_master else penalty
                if not np.isfinite(length):
                    bound += commodity.teu_per_day * min(penalty, stop)
                    continue
                tol = TOLERANCE * max(1.0, abs(sigma[k]))
                if at_master and not length < sigma[k] - tol:
                    bound += commodity.teu_per_day * min(penalty, length)
                    continue
                if (
                    commodity.deadline_hours is not None
                    and graph.hours[arcs].sum() > commodity.deadline_hours + 1e-9
                ):
                    if not at_master:  # a lower bound; no path
                        bound += commodity.teu_per_day * min(penalty, length)
                        continue
                    arcs = self._within_deadline(graph, weights, commodity)
                    if arcs is None:  # no path meets the deadline
                        bound += commodity.teu_per_day * penalty
                        continue
                    length = float(weights[arcs].sum())  # noqa: PLW2901 (within the deadline)
                bound += commodity.teu_per_day * min(penalty, length)
                if length < penalty:
                    groups = graph.group[arcs]
                    np.add.at(load, groups[groups >= 0], commodity.teu_per_day)
                if float(master[arcs].sum()) < sigma[k] - tol:
                    found.append((k, arcs))
        return found, bound, load

    def upper(
        self,
        weights: np.ndarray,
        members: list[int],
        known: list[tuple[int, np.ndarray]] | tuple[()],
    ) -> np.ndarray:
        """Per commodity, the least length at ``weights`` of its ``known`` paths (USD per TEU).

        A bound on its shortest path; ``inf`` without a known path, or outside ``members``.
        """
        upper = np.full(len(self.commodities), np.inf)
        member = np.zeros(len(self.commodities), dtype=bool)
        member[members] = True
        chosen = [(k, arcs) for k, arcs in known if member[k] and len(arcs)]
        if chosen:
            owners = np.fromiter((k for k, _ in chosen), dtype=np.int64, count=len(chosen))
            sizes = np.fromiter((len(arcs) for _, arcs in chosen), np.int64, len(chosen))
            starts = np.cumsum(sizes) - sizes
            lengths = np.add.reduceat(weights[np.concatenate([a for _, a in chosen])], starts)
            np.minimum.at(upper, owners, lengths)
        return upper

    def initial_paths(self, capacity: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """Paths of a greedy assignment on residual capacities: a warm start for the master.

        Every commodity first gets its cheapest path over unlimited arcs, if there is one
        (within its deadline): the master can always fall back on it (:class:`_FirstOrderMaster`
        keeps it), and its length bounds the searches that follow. Then, in up to
        :data:`GREEDY_PASSES` passes, each commodity still short of capacity takes its
        cheapest path over the capacities not yet full and as much of its demand as that path
        has room for. These paths only seed the master (which then prices exactly); they spare
        it the first rounds in which most demand sits in the unserved slacks.
        """
        everyone = np.full(len(self.commodities), np.inf)
        upper = everyone.copy()
        paths: list[tuple[int, np.ndarray]] = []
        for (g, usd_per_hour), members in self.buckets.items():
            graph = self.graphs[g]
            base = graph.cost_usd + usd_per_hour * graph.hours
            weights = np.where(graph.group >= 0, np.inf, base)
            for k, arcs, length in self._feasible(graph, weights, members, everyone):
                paths.append((k, arcs))
                upper[k] = length
        residual = np.asarray(capacity, dtype=float).copy()
        remaining = np.array([c.teu_per_day for c in self.commodities], dtype=float)
        for _ in range(GREEDY_PASSES):
            progress = False
            for (g, usd_per_hour), members in self.buckets.items():
                graph = self.graphs[g]
                full = np.append(residual <= 1e-9, False)[graph.group]
                weights = np.where(full, np.inf, graph.cost_usd + usd_per_hour * graph.hours)
                pending = [k for k in members if remaining[k] > 1e-9]
                for k, arcs, _ in self._feasible(graph, weights, pending, upper):
                    groups, uses = np.unique(graph.group[arcs], return_counts=True)
                    uses, groups = uses[groups >= 0], groups[groups >= 0]
                    amount = min(remaining[k], np.min(residual[groups] / uses, initial=np.inf))
                    if amount > 1e-9:
                        residual[groups] -= amount * uses
                        remaining[k] -= amount
                        paths.append((k, arcs))
                        progress = True
            if not progress:
                break
        return paths

    def _feasible(
        self, graph: Graph, weights: np.ndarray, members: list[int], limit: np.ndarray
    ) -> Iterator[tuple[int, np.ndarray, float]]:
        """Shortest paths (commodity, arcs, length) that exist and meet their deadline.

        The others are left to the exact pricing.
        """
        for k, length, arcs in self._trees(graph, weights, members, limit):
            if arcs is None:
                continue
            deadline = self.commodities[k].deadline_hours
            if deadline is None or graph.hours[arcs].sum() <= deadline + 1e-9:
                yield k, arcs, length

    def _within_deadline(
        self, graph: Graph, weights: np.ndarray, commodity: Commodity
    ) -> np.ndarray | None:
        """Least reduced-cost path within the deadline (exact), or None if none meets it."""
        assert commodity.deadline_hours is not None
        try:
            result = constrained_path(
                graph.n,
                graph.tails,
                graph.heads,
                weights,
                [Resource("hours", graph.hours, commodity.deadline_hours)],
                source=commodity.source,
                sink=commodity.sink,
            )
        except NoFlowError:
            return None
        return np.asarray(result.path, dtype=np.int64)

    def is_new(self, k: int, arcs: np.ndarray) -> bool:
        """Record a path of commodity ``k``; False if it was generated before."""
        key = arcs.tobytes()
        if key in self.seen[k]:
            return False
        self.seen[k].add(key)
        return True


class _Workers(NamedTuple):
    """Processes forked to share the searches (:func:`_search_workers`)."""

    pool: ProcessPoolExecutor
    count: int


_Batch = tuple[list[int], float, list[tuple[int, int, int]]]
"""Sources searched together, how far (USD per TEU), and (row, commodity, sink) to read."""


class _LastArcs(NamedTuple):
    """Arcs into dead ends, which the searches leave out (:meth:`_Pricing._dead_ends`)."""

    arcs: np.ndarray
    """Those arcs, sorted by head."""
    first: np.ndarray
    """Per vertex, where its arcs start in :attr:`arcs` (``first[v]:first[v + 1]``)."""
    dead: np.ndarray
    """Per vertex, whether it is a dead end (no out-arcs)."""


def _search(
    matrix: csr_array,
    entry_arc: np.ndarray,
    ends: tuple[_LastArcs, np.ndarray, np.ndarray],
    batches: list[_Batch],
) -> list[tuple[int, float, np.ndarray | None]]:
    """Dijkstra searches: per commodity, its sink's distance and path arcs (None: unreached).

    ``ends`` are the arcs into dead ends, left out of ``matrix``, with every arc's tail and
    weight. A sink that is a dead end gets the least of its last arcs' tail distance plus
    weight: exact when at most the batch's limit (the tail of a shortest path is then
    settled); beyond it the sink counts as unreached, as a searched sink would. Runs in
    worker processes too (:func:`_search_workers`), so it takes only arrays.
    """
    last, tails, weights = ends
    n = matrix.shape[0]
    keys = np.repeat(np.arange(n, dtype=np.int64), np.diff(matrix.indptr)) * n + matrix.indices
    found: list[tuple[int, float, np.ndarray | None]] = []
    for sources, stop, wanted in batches:
        dist, pred = dijkstra(matrix, indices=sources, return_predecessors=True, limit=stop)
        for row, k, sink in wanted:
            if not last.dead[sink]:
                length = float(dist[row, sink])
                reached = np.isfinite(length)
                path = _walk(keys, entry_arc, pred[row], sources[row], sink) if reached else None
                found.append((k, length, path))
                continue
            arcs = last.arcs[last.first[sink] : last.first[sink + 1]]
            lengths = dist[row, tails[arcs]] + weights[arcs]
            best = int(np.argmin(lengths)) if len(arcs) else -1
            if best < 0 or not (np.isfinite(lengths[best]) and lengths[best] <= stop):
                found.append((k, np.inf, None))
                continue
            path = _walk(keys, entry_arc, pred[row], sources[row], int(tails[arcs[best]]))
            found.append((k, float(lengths[best]), np.append(path, arcs[best])))
    return found


@contextlib.contextmanager
def _search_workers(graphs: list[Graph], commodities: list[Commodity]) -> Iterator[_Workers | None]:
    """Worker processes for the searches of a large problem (:data:`SEARCH_WORKERS`), or None.

    They are forked once, here, and stopped when the solve ends. Python 3.12 and later warn
    on a fork while other threads run; here those are OpenBLAS's (numpy, scipy), which are
    fork-safe, and the workers only run :func:`_search`, so the warning is not shown.
    """
    origins = {(c.graph, c.source) for c in commodities}
    work = sum(graphs[g].n for g, _ in origins)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    count = cores - 1 if SEARCH_WORKERS is None and cores else SEARCH_WORKERS or 0
    if (
        count < 1
        or work <= SHARED_WORK
        or not sys.platform.startswith("linux")
        or multiprocessing.parent_process() is not None
    ):
        yield None
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"))
        pool.submit(int).result()  # the fork happens here, not at the first search
    logger.debug("%d search workers", count)
    try:
        yield _Workers(pool, count)
    finally:
        pool.shutdown(cancel_futures=True)


def _csr(
    n: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray
) -> tuple[csr_array, np.ndarray]:
    """Adjacency with the lightest of parallel arcs, and the arc behind each stored entry.

    Built from ``(data, indices, indptr)`` so that zero weights stay explicit entries (arcs).
    """
    order = np.lexsort((weights, heads, tails))
    order = order[np.isfinite(weights[order])]  # an infinite weight: no arc
    t, h = tails[order], heads[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
    kept = order[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails[kept], minlength=n), out=indptr[1:])
    matrix = csr_array((weights[kept], heads[kept].astype(np.int32), indptr), shape=(n, n))
    return matrix, kept


def _walk(
    keys: np.ndarray, entry_arc: np.ndarray, pred: np.ndarray, source: int, sink: int
) -> np.ndarray:
    """Arc indices of the tree path source → sink given Dijkstra predecessors.

    ``keys`` are the adjacency's stored entries as ``tail × n + head``, in storage order
    (ascending), so one search finds every entry of the path.
    """
    n = len(pred)
    vertices = [sink]
    vertex = sink
    while vertex != source:
        vertex = int(pred[vertex])
        vertices.append(vertex)
    path = np.asarray(vertices[::-1], dtype=np.int64)
    return entry_arc[np.searchsorted(keys, path[:-1] * n + path[1:])]


class _Master:
    """The restricted master LP, kept in one MathOpt model and re-solved incrementally.

    Capacity rows are added lazily (:meth:`separate`); each column remembers the capacity
    groups it uses, so that a row added later gets the coefficients of the columns already
    there.
    """

    def __init__(self, commodities: list[Commodity], capacity: np.ndarray, penalty: float) -> None:
        self.model = mathopt.Model(name="corridor_plan_paths")
        self.capacity = np.asarray(capacity, dtype=float)
        self.slacks = [
            self.model.add_variable(lb=0.0, ub=c.teu_per_day, name=f"unserved_{k}")
            for k, c in enumerate(commodities)
        ]
        self.demand_rows = [
            self.model.add_linear_constraint(s == c.teu_per_day)
            for s, c in zip(self.slacks, commodities, strict=True)
        ]
        self.model.minimize(mathopt.fast_sum(penalty * s for s in self.slacks))
        self.rows: dict[int, mathopt.LinearConstraint] = {}
        self.columns: list[tuple[int, np.ndarray]] = []
        self.variables: list[mathopt.Variable] = []
        self.idle: list[int] = []
        """Per path: pricing rounds in a row with no flow and a positive reduced cost."""
        # capacity use of the columns, one entry per (column, group): column, group, uses
        self._use_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._use: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.solver = mathopt.IncrementalSolver(self.model, mathopt.SolverType.GLOP)
        # primal simplex from the last basis after new columns (it stays primal feasible),
        # dual simplex after new rows only (it stays dual feasible: their slacks are basic,
        # their duals 0). GLOP's default check rejects such bases on a crude condition-number
        # bound (1e50); it still factorises them, and would fall back to a slack basis if
        # that failed.
        self.glop = glop_parameters.GlopParameters(initial_condition_number_threshold=1e300)
        self.result: mathopt.SolveResult | None = None
        self.basis: mathopt.Basis | None = None
        self.new_columns = False
        self.demand = np.array([c.teu_per_day for c in commodities], dtype=float)
        self.objective = penalty * float(self.demand.sum())

    def proven(self, gap: float) -> bool:
        """False: the simplex master proves optimality by pricing alone (:meth:`next_round`)."""
        return False

    def next_round(self, new: int, gap: float) -> str:
        """The verdict: "optimal" when pricing found no new path, else "continue"."""
        # No capacity exceeded and no path with a negative reduced cost (absent rows priced
        # at dual 0, which is their dual in the full LP too): the restricted optimum is the
        # exact LP optimum of the full path formulation.
        return "continue" if new else "optimal"

    def add_column(self, k: int, arcs: np.ndarray, pricing: _Pricing) -> bool:
        """Add a path of commodity ``k`` (False if it is there already)."""
        if not pricing.is_new(k, arcs):
            return False
        commodity = pricing.commodities[k]
        graph = pricing.graphs[commodity.graph]
        cost = float(graph.cost_usd[arcs].sum() + commodity.usd_per_hour * graph.hours[arcs].sum())
        var = self.model.add_variable(lb=0.0)
        self.model.objective.set_linear_coefficient(var, cost)
        self.demand_rows[k].set_coefficient(var, 1.0)
        groups, uses = np.unique(graph.group[arcs], return_counts=True)
        uses, groups = uses[groups >= 0], groups[groups >= 0]
        for g, count in zip(groups.tolist(), uses.tolist(), strict=True):
            row = self.rows.get(g)
            if row is not None:
                row.set_coefficient(var, float(count))
        index = np.full(len(groups), len(self.columns), dtype=np.int64)
        self._use_parts.append((index, groups.astype(np.int64), uses.astype(float)))
        self._use = None
        self.columns.append((k, arcs))
        self.variables.append(var)
        self.new_columns = True
        self.idle.append(0)
        return True

    def drop_idle(self, pricing: _Pricing) -> int:
        """Delete the paths idle for :data:`DROP_AFTER` rounds (0: none); how many.

        Idle: nonbasic at 0 with a positive reduced cost in the last solution. The basis
        stays primal feasible without them; pricing forgets them so that they can return.
        """
        if DROP_AFTER <= 0 or self.result is None or self.basis is None or not self.variables:
            return 0
        status = self.basis.variable_status
        reduced = self.result.reduced_costs(self.variables)
        drop = []
        for j, var in enumerate(self.variables):
            if status.get(var) is mathopt.BasisStatus.AT_LOWER_BOUND and reduced[j] > TOLERANCE:
                self.idle[j] += 1
                if self.idle[j] >= DROP_AFTER:
                    drop.append(j)
            else:
                self.idle[j] = 0
        if not drop:
            return 0
        gone = np.zeros(len(self.variables), dtype=bool)
        gone[drop] = True
        for j in drop:
            k, arcs = self.columns[j]
            pricing.seen[k].discard(arcs.tobytes())
            self.model.delete_variable(self.variables[j])
        column, group, uses = self._uses()
        keep = ~gone[column]
        renumber = np.cumsum(~gone) - 1
        self._use = (renumber[column[keep]], group[keep], uses[keep])
        self._use_parts = [self._use]
        kept = np.flatnonzero(~gone).tolist()
        self.columns = [self.columns[j] for j in kept]
        self.variables = [self.variables[j] for j in kept]
        self.idle = [self.idle[j] for j in kept]
        alive = {v.id for v in self.slacks} | {v.id for v in self.variables}
        self.basis = mathopt.Basis(
            variable_status={v: b for v, b in status.items() if v.id in alive},
            constraint_status=self.basis.constraint_status,
        )
        return len(drop)

    def _uses(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._use is None:
            if self._use_parts:
                parts = [np.concatenate(p) for p in zip(*self._use_parts, strict=True)]
                self._use = (parts[0], parts[1], parts[2])
            else:
                empty = np.zeros(0, dtype=np.int64)
                self._use = (empty, empty, np.zeros(0))
            self._use_parts = [self._use]
        return self._use

    def separate(self) -> int:
        """Add the capacity rows that the current flows exceed; how many were added."""
        if self.result is None or not self.variables:
            return 0
        flows = np.asarray(self.result.variable_values(self.variables), dtype=float)
        column, group, uses = self._uses()
        load = np.bincount(group, weights=flows[column] * uses, minlength=len(self.capacity))
        over = load > self.capacity + ROW_TOLERANCE * np.maximum(1.0, self.capacity)
        violated = [g for g in np.flatnonzero(over).tolist() if g not in self.rows]
        if not violated:
            return 0
        mask = np.isin(group, violated)
        for g in violated:
            self.rows[g] = self.model.add_linear_constraint(
                ub=float(self.capacity[g]), name=f"capacity_{g}"
            )
        for j, g, count in zip(
            column[mask].tolist(), group[mask].tolist(), uses[mask].tolist(), strict=True
        ):
            self.rows[g].set_coefficient(self.variables[j], count)
        logger.debug("%d capacity rows added (%d in all)", len(violated), len(self.rows))
        return len(violated)

    def solve_within_capacities(
        self, stats: dict[str, float]
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """Solve, adding the exceeded capacity rows until there are none (as :meth:`solve`)."""
        tick = time.perf_counter()
        while True:
            result = self.solve()
            stats["master_solves"] += 1
            if not self.separate():
                break
            stats["row_rounds"] += 1
        stats["master_s"] += time.perf_counter() - tick
        return result

    def solve(self) -> tuple[float, np.ndarray, np.ndarray]:
        """Re-solve; the objective, capacity duals (per group) and demand duals."""
        model_params = mathopt.ModelSolveParameters()
        if self.basis is not None:  # warm start: new paths at 0, new capacity rows slack
            variables = dict(self.basis.variable_status)
            for var in self.variables:
                variables.setdefault(var, mathopt.BasisStatus.AT_LOWER_BOUND)
            rows = dict(self.basis.constraint_status)
            for row in self.rows.values():
                rows.setdefault(row, mathopt.BasisStatus.BASIC)
            model_params.initial_basis = mathopt.Basis(
                variable_status=variables, constraint_status=rows
            )
        algorithm = (
            mathopt.LPAlgorithm.PRIMAL_SIMPLEX
            if self.new_columns or self.basis is None
            else mathopt.LPAlgorithm.DUAL_SIMPLEX
        )
        params = mathopt.SolveParameters(
            lp_algorithm=algorithm, presolve=mathopt.Emphasis.OFF, glop=self.glop
        )
        result = self.solver.solve(params=params, model_params=model_params)
        logger.debug(
            "master (%s): %d columns, %d capacity rows, %d simplex iterations, %.2f s",
            algorithm.name.lower(),
            len(self.columns),
            len(self.rows),
            result.solve_stats.simplex_iterations,
            result.solve_stats.solve_time.total_seconds(),
        )
        if result.termination.reason is not mathopt.TerminationReason.OPTIMAL:
            msg = f"GLOP stopped on the path master: {result.termination.reason.name.lower()}"
            raise SolverError(msg)
        self.result = result
        self.basis = result.solutions[0].basis if result.solutions else None
        self.new_columns = False
        self.objective = result.objective_value()
        return (
            self.objective,
            self.capacity_duals(len(self.capacity)),
            np.asarray(result.dual_values(self.demand_rows), dtype=float),
        )

    def capacity_duals(self, groups: int) -> np.ndarray:
        """Dual value per capacity group (0 where no row)."""
        duals = np.zeros(groups)
        if self.result is not None and self.rows:
            ids = list(self.rows)
            duals[ids] = self.result.dual_values([self.rows[g] for g in ids])
        return duals

    def values(self) -> tuple[list[float], np.ndarray]:
        """Flow per column and unserved TEU/day per commodity."""
        if self.result is None:  # nothing was routed: all unserved
            return [0.0] * len(self.columns), self.demand.copy()
        flows = self.result.variable_values(self.variables) if self.variables else []
        return list(flows), np.asarray(self.result.variable_values(self.slacks), dtype=float)


class _FirstOrderMaster:
    """The restricted master LP solved by PDLP (OR-Tools' first-order method), warm-started.

    For large masters (:data:`FIRST_ORDER_GROUPS`). Every capacity group on a generated path
    is a row from the start, since PDLP's work grows with the matrix's nonzeros rather than
    with its rows. PDLP starts from the last primal-dual point (new paths at 0, new rows at
    dual 0) and stops at the tolerance :attr:`eps`, which the loop tightens as the gap
    closes. Its point is near, not at, an optimum: the flows are made feasible by scaling
    down every path on an exceeded capacity or demand, then the shortfall goes to the
    commodity's cheapest paths with room (the rest unserved), which keeps the objective an
    upper bound of the LP optimum; the duals (capacity duals clipped to ≤ 0)
    give pricing its Lagrangian lower bound, so the gap between the two is proven.
    """

    def __init__(
        self,
        commodities: list[Commodity],
        capacity: np.ndarray,
        penalty: float,
        start: float,
        time_limit_s: float | None,
        *,
        threads: int = 1,
    ) -> None:
        self.capacity = np.asarray(capacity, dtype=float)
        self.penalty = penalty
        self.threads = threads
        """PDLP's threads: one per core when the problem is large enough for search workers
        (the 61 × 61 grid's round-80 master at 1e-5: 1.7 ms an iteration on two threads,
        2.6 ms on one; on small masters the threads cost more than they save)."""
        self.demand = np.array([c.teu_per_day for c in commodities], dtype=float)
        self.deadline = None if time_limit_s is None else start + time_limit_s
        self.eps = PDLP_EPS[1]
        """PDLP's relative and absolute optimality tolerance for the next solve."""
        self.columns: list[tuple[int, np.ndarray]] = []
        self.cost: list[float] = []
        self.groups: list[np.ndarray] = []
        self.uses: list[np.ndarray] = []
        self.idle: list[int] = []
        self.rows: dict[int, int] = {}
        """Row index (after the demand rows) per capacity group on a generated path."""
        self.primal: np.ndarray | None = None
        """PDLP's last point: path flows then unserved slacks."""
        self.dual = np.zeros(0)
        """PDLP's last duals: demand rows then capacity rows (in :attr:`rows` order)."""
        self.reduced = np.zeros(0)
        self.flows = np.zeros(0)
        self.unserved = self.demand.copy()

    def proven(self, gap: float) -> bool:
        """Whether the plan is within :data:`GAP` (relative) of the lower bound."""
        return gap <= GAP

    def next_round(self, new: int, gap: float) -> str:
        """Set the next tolerance; "stalled" if PDLP at its tightest finds nothing new."""
        if new:
            self.eps = min(self.eps, float(np.clip(PDLP_GAP_SHARE * gap, *PDLP_EPS)))
            return "continue"
        if self.eps <= PDLP_EPS[0]:
            return "stalled"  # best and bound reported
        self.eps = PDLP_EPS[0]  # duals too loose to price: solve the master tightly
        return "continue"

    def add_column(self, k: int, arcs: np.ndarray, pricing: _Pricing) -> bool:
        """Add a path of commodity ``k`` (False if it is there already)."""
        if not pricing.is_new(k, arcs):
            return False
        commodity = pricing.commodities[k]
        graph = pricing.graphs[commodity.graph]
        hours = graph.hours[arcs].sum()
        self.cost.append(float(graph.cost_usd[arcs].sum() + commodity.usd_per_hour * hours))
        groups, uses = np.unique(graph.group[arcs], return_counts=True)
        keep = groups >= 0
        for g in groups[keep].tolist():
            self.rows.setdefault(g, len(self.rows))
        self.groups.append(groups[keep])
        self.uses.append(uses[keep].astype(float))
        self.columns.append((k, arcs))
        self.idle.append(0)
        return True

    def drop_idle(self, pricing: _Pricing) -> int:
        """Delete the paths idle for :data:`DROP_AFTER` rounds (0: none); how many.

        Idle: no flow and a positive reduced cost in PDLP's last point. A path without
        capacity rows stays: it takes what the other paths cannot (:func:`_fill`).
        """
        n = len(self.columns)
        if DROP_AFTER <= 0 or self.primal is None or not n:
            return 0
        scale = np.maximum(1.0, np.abs(self.cost))
        idle = (self.primal[:n] <= 1e-9) & (self.reduced[:n] > TOLERANCE * scale)
        idle &= np.fromiter((len(g) > 0 for g in self.groups), dtype=bool, count=n)
        counts = np.where(idle, np.asarray(self.idle) + 1, 0)
        gone = counts >= DROP_AFTER
        self.idle = counts.tolist()
        if not gone.any():
            return 0
        for j in np.flatnonzero(gone).tolist():
            k, arcs = self.columns[j]
            pricing.seen[k].discard(arcs.tobytes())
        kept = np.flatnonzero(~gone).tolist()
        self.columns = [self.columns[j] for j in kept]
        self.cost = [self.cost[j] for j in kept]
        self.groups = [self.groups[j] for j in kept]
        self.uses = [self.uses[j] for j in kept]
        self.idle = [self.idle[j] for j in kept]
        self.primal = np.concatenate([self.primal[:n][kept], self.primal[n:]])
        self.reduced = np.concatenate([self.reduced[:n][kept], self.reduced[n:]])
        self.flows = self.flows[kept]  # the plan stays that of the last solve, without them
        return int(gone.sum())

    def solve_within_capacities(
        self, stats: dict[str, float]
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """Solve; the objective (of the feasible flows), capacity and demand duals."""
        tick = time.perf_counter()
        result = self.solve()
        stats["master_solves"] += 1
        stats["master_s"] += time.perf_counter() - tick
        return result

    def solve(self) -> tuple[float, np.ndarray, np.ndarray]:
        """Run PDLP from the last point; see :meth:`solve_within_capacities`."""
        qp, paths, use, capacity = self._program()
        n, commodities = len(self.columns), len(self.demand)
        start = None
        if self.primal is not None:  # warm start: new paths at 0, new rows at dual 0
            start = pdlp.PrimalAndDualSolution()
            before = len(self.primal) - commodities
            primal = np.zeros(n + commodities)
            primal[:before] = self.primal[:before]
            primal[n:] = self.primal[before:]
            dual = np.zeros(commodities + len(self.rows))
            dual[: len(self.dual)] = self.dual
            start.primal_solution, start.dual_solution = primal, dual
        result = self._run(qp, start)
        while result.solve_log.iteration_count == 0 and start and self.eps > PDLP_EPS[0]:
            # the last point already meets the tolerance, new paths or not: tighten it
            self.eps = max(self.eps / 10, PDLP_EPS[0])
            result = self._run(qp, start)
        self.primal = np.asarray(result.primal_solution, dtype=float)
        self.dual = np.asarray(result.dual_solution, dtype=float)
        self.reduced = np.asarray(result.reduced_costs, dtype=float)
        if not (np.isfinite(self.primal).all() and np.isfinite(self.dual).all()):
            reason = solve_log_pb2.TerminationReason.Name(result.solve_log.termination_reason)
            msg = f"PDLP stopped on the path master: {reason.lower()}"
            raise SolverError(msg)
        cost = np.asarray(self.cost)
        self.flows = _within_limits(self.primal[:n], paths, self.demand, use, capacity)
        self.flows = _fill(
            self.flows, paths, self.demand, use, capacity, cost=cost, penalty=self.penalty
        )
        served = np.bincount(paths, weights=self.flows, minlength=commodities)
        self.unserved = np.maximum(self.demand - served, 0.0)
        objective = float(cost @ self.flows) + self.penalty * self.unserved.sum()
        return objective, self.capacity_duals(len(self.capacity)), self.dual[:commodities]

    def _program(
        self,
    ) -> tuple[pdlp.QuadraticProgram, np.ndarray, tuple[np.ndarray, ...], np.ndarray]:
        """The master as PDLP's program, and the arrays to read its point.

        Returns the program, each path's commodity, (path, row, uses) per capacity entry
        and the capacity per row.
        """
        n, commodities, rows = len(self.columns), len(self.demand), len(self.rows)
        paths = np.array([k for k, _ in self.columns], dtype=np.int64)
        lengths = np.array([len(g) for g in self.groups], dtype=np.int64)
        column = np.repeat(np.arange(n), lengths)
        groups = np.concatenate(self.groups) if n else np.zeros(0, dtype=np.int64)
        uses = np.concatenate(self.uses) if n else np.zeros(0)
        position = np.zeros(len(self.capacity), dtype=np.int64)
        order = np.fromiter(self.rows, dtype=np.int64, count=rows)
        position[order] = np.arange(rows)
        row = position[groups]  # capacity row of each (column, group) entry
        capacity = self.capacity[order]
        qp = pdlp.QuadraticProgram()
        qp.objective_vector = np.concatenate([self.cost, np.full(commodities, self.penalty)])
        qp.constraint_matrix = csc_matrix(
            (
                np.concatenate([np.ones(n), uses, np.ones(commodities)]),
                (
                    np.concatenate([paths, commodities + row, np.arange(commodities)]),
                    np.concatenate([np.arange(n), column, n + np.arange(commodities)]),
                ),
            ),
            shape=(commodities + rows, n + commodities),
        )
        qp.constraint_lower_bounds = np.concatenate([self.demand, np.full(rows, -np.inf)])
        qp.constraint_upper_bounds = np.concatenate([self.demand, capacity])
        qp.variable_lower_bounds = np.zeros(n + commodities)
        qp.variable_upper_bounds = np.concatenate([np.full(n, np.inf), self.demand])
        return qp, paths, (column, row, uses), capacity

    def _run(
        self, qp: pdlp.QuadraticProgram, start: pdlp.PrimalAndDualSolution | None
    ) -> pdlp.SolverResult:
        """One PDLP solve at tolerance :attr:`eps` on :attr:`threads`, within the time limit."""
        params = solvers_pb2.PrimalDualHybridGradientParams(num_threads=self.threads)
        criteria = params.termination_criteria.simple_optimality_criteria
        criteria.eps_optimal_relative = criteria.eps_optimal_absolute = self.eps
        if self.deadline is not None:
            left = max(self.deadline - time.perf_counter(), 1.0)
            params.termination_criteria.time_sec_limit = left
        result = pdlp.primal_dual_hybrid_gradient(qp, params, initial_solution=start)
        log = result.solve_log
        logger.debug(
            "master (pdlp, tolerance %.0e, %d threads): %d columns, %d capacity rows, %s after "
            "%d iterations, %.2f s",
            self.eps,
            self.threads,
            len(self.columns),
            len(self.rows),
            solve_log_pb2.TerminationReason.Name(log.termination_reason),
            log.iteration_count,
            log.solve_time_sec,
        )
        return result

    def capacity_duals(self, groups: int) -> np.ndarray:
        """Dual value per capacity group (≤ 0; 0 where no row)."""
        duals = np.zeros(groups)
        if len(self.dual) > len(self.demand):
            order = np.fromiter(self.rows, dtype=np.int64, count=len(self.rows))
            duals[order] = np.minimum(self.dual[len(self.demand) :], 0.0)
        return duals

    def values(self) -> tuple[list[float], np.ndarray]:
        """Flow per column and unserved TEU/day per commodity."""
        return self.flows.tolist(), self.unserved.copy()


def _within_limits(
    flows: np.ndarray,
    paths: np.ndarray,
    demand: np.ndarray,
    use: tuple[np.ndarray, np.ndarray, np.ndarray],
    capacity: np.ndarray,
) -> np.ndarray:
    """Path flows (TEU/day) made feasible by scaling down.

    Flows become at least 0, each commodity's within its demand, then each path is scaled
    by the lowest ratio capacity / load over the rows it uses. ``paths`` gives each
    path's commodity; ``use`` is (path, row, uses) per entry.
    """
    column, row, uses = use
    flows = np.maximum(flows, 0.0)
    served = np.bincount(paths, weights=flows, minlength=len(demand))
    flows *= np.minimum(1.0, demand / np.maximum(served, 1e-300))[paths]
    load = np.bincount(row, weights=flows[column] * uses, minlength=len(capacity))
    ratio = np.minimum(1.0, capacity / np.maximum(load, 1e-300))
    factor = np.ones(len(flows))
    np.minimum.at(factor, column, ratio[row])
    return flows * factor


def _fill(
    flows: np.ndarray,
    paths: np.ndarray,
    demand: np.ndarray,
    use: tuple[np.ndarray, np.ndarray, np.ndarray],
    capacity: np.ndarray,
    *,
    cost: np.ndarray,
    penalty: float,
) -> np.ndarray:
    """Feasible path flows with each commodity's shortfall put on its cheapest paths with room.

    Cheapest path first, each path cheaper than the unserved ``penalty`` (USD per TEU) takes
    as much of the shortfall as its rows' residual capacity allows (all of it if it has no
    capacity row), so the cost can only fall. ``flows`` (TEU/day per path) must be within
    every capacity and demand already, and stay so; ``cost`` is USD per TEU per path, ``use``
    is (path, row, uses) per entry, ordered by path.
    """
    column, row, uses = use
    flows = flows.copy()
    load = np.bincount(row, weights=flows[column] * uses, minlength=len(capacity))
    residual = np.maximum(capacity - load, 0.0)
    short = demand - np.bincount(paths, weights=flows, minlength=len(demand))
    entries = np.searchsorted(column, np.arange(len(flows) + 1))  # each path's entries
    order = np.lexsort((cost, paths))  # by commodity, cheapest first
    order = order[(cost[order] < penalty) & (short[paths[order]] > 1e-9)]
    left = short.tolist()  # plain floats: this loop runs over thousands of paths
    for j, k in zip(order.tolist(), paths[order].tolist(), strict=True):
        if left[k] <= 0:
            continue
        rows, times = row[entries[j] : entries[j + 1]], uses[entries[j] : entries[j + 1]]
        room = float((residual[rows] / times).min()) if len(rows) else np.inf
        amount = min(left[k], room)
        if amount > 0:
            flows[j] += amount
            residual[rows] -= amount * times
            left[k] -= amount
    return flows
