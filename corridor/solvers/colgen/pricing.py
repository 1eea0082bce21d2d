"""Pricing: shortest paths on reduced costs, stabilised by dual smoothing, shared with workers."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import warnings
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import NamedTuple

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from corridor.solvers.arrays import GraphArrays
from corridor.solvers.colgen.types import Commodity
from corridor.solvers.dijkstra import adjacency, entry_keys, tree_path
from corridor.solvers.rcsp import Resource, constrained_path
from corridor.solvers.shortest import NoFlowError

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
SMOOTHING = 0.8
"""Initial weight α of the stability centre in the smoothed duals that pricing uses (0: no
smoothing); it then adapts each round (:class:`SmoothedPricing`, docs/performance.md)."""
SEARCH_WORKERS: int | None = None
"""Worker processes that share each pricing pass's Dijkstra searches with this one (None: one
per other core; 0: none). Only on Linux (fork), for passes of more than :data:`SHARED_WORK`,
and never inside a worker process (a sweep's, say: it already keeps the cores busy)."""
SHARED_WORK = 2_000_000
"""Origins × vertices of a pricing pass above which its searches are shared with workers
(below, sending the graph costs more than it saves; the corridor is about 10,000)."""


class SmoothedPricing:
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

    def __init__(self, pricing: Pricing, penalty: float, capacity: np.ndarray) -> None:
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

        ``known`` are the master's paths; they bound the searches (:meth:`Pricing.price`).
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


class Pricing:
    """Shortest paths on reduced costs, one Dijkstra tree per origin (and cost rate)."""

    def __init__(
        self,
        graphs: list[GraphArrays],
        commodities: list[Commodity],
        workers: Workers | None = None,
    ) -> None:
        self.graphs = graphs
        self.commodities = commodities
        self.workers = workers
        """Processes that take a share of the searches (:func:`search_workers`), or None."""
        buckets: dict[tuple[int, float], list[int]] = {}
        for k, c in enumerate(commodities):
            buckets.setdefault((c.graph, c.usd_per_hour), []).append(k)
        self.buckets = buckets
        self.seen: list[set[bytes]] = [set() for _ in commodities]
        self._ends: dict[int, _LastArcs] = {}

    def weights(self, graph: GraphArrays, usd_per_hour: float, duals: np.ndarray) -> np.ndarray:
        """Reduced cost per arc, USD per TEU (capacity duals clipped to ≤ 0)."""
        extended = np.append(np.minimum(duals, 0.0), 0.0)  # index -1: no capacity
        return (
            graph.column("cost_usd")
            + usd_per_hour * graph.column("hours_p50")
            - extended[graph.column("group")]
        )

    def _trees(
        self, graph: GraphArrays, weights: np.ndarray, members: list[int], limit: np.ndarray
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
        matrix, entry_arc = adjacency(graph.n, graph.tails, graph.heads, searched)
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

    def _dead_ends(self, graph: GraphArrays) -> _LastArcs:
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
                    and graph.column("hours_p50")[arcs].sum() > commodity.deadline_hours + 1e-9
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
                    groups = graph.column("group")[arcs]
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
        (within its deadline): the master can always fall back on it (:class:`FirstOrderMaster`
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
            base = graph.column("cost_usd") + usd_per_hour * graph.column("hours_p50")
            weights = np.where(graph.column("group") >= 0, np.inf, base)
            for k, arcs, length in self._feasible(graph, weights, members, everyone):
                paths.append((k, arcs))
                upper[k] = length
        residual = np.asarray(capacity, dtype=float).copy()
        remaining = np.array([c.teu_per_day for c in self.commodities], dtype=float)
        for _ in range(GREEDY_PASSES):
            progress = False
            for (g, usd_per_hour), members in self.buckets.items():
                graph = self.graphs[g]
                full = np.append(residual <= 1e-9, False)[graph.column("group")]
                weights = np.where(
                    full,
                    np.inf,
                    graph.column("cost_usd") + usd_per_hour * graph.column("hours_p50"),
                )
                pending = [k for k in members if remaining[k] > 1e-9]
                for k, arcs, _ in self._feasible(graph, weights, pending, upper):
                    groups, uses = np.unique(graph.column("group")[arcs], return_counts=True)
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
        self, graph: GraphArrays, weights: np.ndarray, members: list[int], limit: np.ndarray
    ) -> Iterator[tuple[int, np.ndarray, float]]:
        """Shortest paths (commodity, arcs, length) that exist and meet their deadline.

        The others are left to the exact pricing.
        """
        for k, length, arcs in self._trees(graph, weights, members, limit):
            if arcs is None:
                continue
            deadline = self.commodities[k].deadline_hours
            if deadline is None or graph.column("hours_p50")[arcs].sum() <= deadline + 1e-9:
                yield k, arcs, length

    def _within_deadline(
        self, graph: GraphArrays, weights: np.ndarray, commodity: Commodity
    ) -> np.ndarray | None:
        """Least reduced-cost path within the deadline (exact), or None if none meets it."""
        assert commodity.deadline_hours is not None
        try:
            result = constrained_path(
                graph,
                weights,
                [Resource("hours", graph.column("hours_p50"), commodity.deadline_hours)],
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


class Workers(NamedTuple):
    """Processes forked to share the searches (:func:`search_workers`)."""

    pool: ProcessPoolExecutor
    count: int


_Batch = tuple[list[int], float, list[tuple[int, int, int]]]
"""Sources searched together, how far (USD per TEU), and (row, commodity, sink) to read."""


class _LastArcs(NamedTuple):
    """Arcs into dead ends, which the searches leave out (:meth:`Pricing._dead_ends`)."""

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
    worker processes too (:func:`search_workers`), so it takes only arrays.
    """
    last, tails, weights = ends
    keys = entry_keys(matrix)
    found: list[tuple[int, float, np.ndarray | None]] = []
    for sources, stop, wanted in batches:
        dist, pred = dijkstra(matrix, indices=sources, return_predecessors=True, limit=stop)
        for row, k, sink in wanted:
            if not last.dead[sink]:
                length = float(dist[row, sink])
                reached = np.isfinite(length)
                path = (
                    tree_path(keys, entry_arc, pred[row], sources[row], sink) if reached else None
                )
                found.append((k, length, path))
                continue
            arcs = last.arcs[last.first[sink] : last.first[sink + 1]]
            lengths = dist[row, tails[arcs]] + weights[arcs]
            best = int(np.argmin(lengths)) if len(arcs) else -1
            if best < 0 or not (np.isfinite(lengths[best]) and lengths[best] <= stop):
                found.append((k, np.inf, None))
                continue
            path = tree_path(keys, entry_arc, pred[row], sources[row], int(tails[arcs[best]]))
            found.append((k, float(lengths[best]), np.append(path, arcs[best])))
    return found


@contextlib.contextmanager
def search_workers(
    graphs: list[GraphArrays], commodities: list[Commodity]
) -> Iterator[Workers | None]:
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
        yield Workers(pool, count)
    finally:
        pool.shutdown(cancel_futures=True)
