"""The column-generation loop: price, add paths, re-solve the master, until proven."""

from __future__ import annotations

import logging
import time

import numpy as np

from corridor.errors import SolverError
from corridor.solvers.arrays import GraphArrays
from corridor.solvers.colgen.masters import FirstOrderMaster, SimplexMaster
from corridor.solvers.colgen.pricing import Pricing, SmoothedPricing, search_workers
from corridor.solvers.colgen.types import Column, Commodity, Solution

logger = logging.getLogger(__name__)

FIRST_ORDER_GROUPS = 5_000
"""Above this many capacity groups on the greedy start's paths, the master is solved by PDLP
(:class:`FirstOrderMaster`) instead of GLOP's simplex. docs/performance.md, congested grids
with 1,000 OD pairs: 20 × 20 (3,147 groups at the start, before the through trains) GLOP
41 s, PDLP 135 s; 30 × 30 (5,007) the same gap after 300 s; 52 × 52 (9,821), limit 120 s:
GLOP stopped at round 9 with a gap of 32 %, PDLP at round 66 with 8e-4; 61 × 61 (12,355)
GLOP 0.84 % in 3,000 s, PDLP 0.02 % in 600 s."""


def solve(
    graphs: list[GraphArrays],
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
        TEU/day per capacity group (indexed by the ``group`` column of each graph).
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
        if len(graph.column("cost_usd")) and (
            graph.column("cost_usd").min() < 0 or graph.column("hours_p50").min() < 0
        ):
            msg = "path model needs arc costs and hours ≥ 0"
            raise SolverError(msg)
    with search_workers(graphs, commodities) as workers:
        pricing = Pricing(graphs, commodities, workers)
        return _generate(pricing, capacity, penalty, start, time_limit_s)


def _generate(
    pricing: Pricing,
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
    stats["first_order"] = float(isinstance(master, FirstOrderMaster))
    stats["initial_s"] = time.perf_counter() - tick
    if master.columns:
        objective, duals, sigma = master.solve_within_capacities(stats)
    best = Incumbent(objective, master)
    logger.debug(
        "initial paths: %d, objective %.2f, %.1f s",
        len(master.columns),
        objective,
        stats["initial_s"],
    )
    stabilised = SmoothedPricing(pricing, penalty, capacity)
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
            isinstance(master, FirstOrderMaster)
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


class Incumbent:
    """The cheapest plan the master has given so far (USD/day), with its paths and unserved.

    The simplex master's plans only get cheaper; PDLP's repaired plans need not (a tighter
    solve can repair worse), so the plan returned and the gap are those of the best one.
    """

    def __init__(self, objective: float, master: SimplexMaster | FirstOrderMaster) -> None:
        self.objective = np.inf
        self.columns: list[Column] = []
        self.unserved = np.zeros(0)
        self.offer(objective, master)

    def offer(self, objective: float, master: SimplexMaster | FirstOrderMaster) -> None:
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
    pricing: Pricing,
    capacity: np.ndarray,
    penalty: float,
    start: float,
    time_limit_s: float | None,
) -> SimplexMaster | FirstOrderMaster:
    """The restricted master holding the greedy start's paths.

    Simplex (GLOP), or PDLP above :data:`FIRST_ORDER_GROUPS` capacity groups on those paths.
    """
    initial = pricing.initial_paths(capacity)
    used = [
        pricing.graphs[pricing.commodities[k].graph].column("group")[arcs] for k, arcs in initial
    ]
    groups = np.unique(np.concatenate(used)) if used else np.zeros(0, dtype=np.int64)
    master: SimplexMaster | FirstOrderMaster
    if int((groups >= 0).sum()) > FIRST_ORDER_GROUPS:
        # the search workers' cores are idle while the master solves: PDLP takes them
        threads = 1 + (pricing.workers.count if pricing.workers else 0)
        master = FirstOrderMaster(
            pricing.commodities, capacity, penalty, start, time_limit_s, threads=threads
        )
    else:
        master = SimplexMaster(pricing.commodities, capacity, penalty)
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
