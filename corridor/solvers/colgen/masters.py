"""The restricted master LP: by simplex (GLOP, incremental) or by PDLP for large masters."""

from __future__ import annotations

import logging
import time

import numpy as np
from ortools.glop import parameters_pb2 as glop_parameters
from ortools.math_opt.python import mathopt
from ortools.pdlp import solve_log_pb2, solvers_pb2
from ortools.pdlp.python import pdlp
from scipy.sparse import csc_matrix

from corridor.errors import SolverError
from corridor.solvers.colgen.pricing import TOLERANCE, Pricing
from corridor.solvers.colgen.types import Commodity

logger = logging.getLogger(__name__)

DROP_AFTER = 2
"""A path leaves the master after this many pricing rounds in a row with no flow and a
positive reduced cost (it can come back: pricing sees every path)."""
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
ROW_TOLERANCE = 1e-9
"""A capacity group becomes a master row when its load exceeds its capacity by more than
``ROW_TOLERANCE × max(1, capacity)`` TEU/day."""


class SimplexMaster:
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

    def add_column(self, k: int, arcs: np.ndarray, pricing: Pricing) -> bool:
        """Add a path of commodity ``k`` (False if it is there already)."""
        if not pricing.is_new(k, arcs):
            return False
        commodity = pricing.commodities[k]
        graph = pricing.graphs[commodity.graph]
        cost = float(
            graph.column("cost_usd")[arcs].sum()
            + commodity.usd_per_hour * graph.column("hours_p50")[arcs].sum()
        )
        var = self.model.add_variable(lb=0.0)
        self.model.objective.set_linear_coefficient(var, cost)
        self.demand_rows[k].set_coefficient(var, 1.0)
        groups, uses = np.unique(graph.column("group")[arcs], return_counts=True)
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

    def drop_idle(self, pricing: Pricing) -> int:
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


class FirstOrderMaster:
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

    def add_column(self, k: int, arcs: np.ndarray, pricing: Pricing) -> bool:
        """Add a path of commodity ``k`` (False if it is there already)."""
        if not pricing.is_new(k, arcs):
            return False
        commodity = pricing.commodities[k]
        graph = pricing.graphs[commodity.graph]
        hours = graph.column("hours_p50")[arcs].sum()
        self.cost.append(
            float(graph.column("cost_usd")[arcs].sum() + commodity.usd_per_hour * hours)
        )
        groups, uses = np.unique(graph.column("group")[arcs], return_counts=True)
        keep = groups >= 0
        for g in groups[keep].tolist():
            self.rows.setdefault(g, len(self.rows))
        self.groups.append(groups[keep])
        self.uses.append(uses[keep].astype(float))
        self.columns.append((k, arcs))
        self.idle.append(0)
        return True

    def drop_idle(self, pricing: Pricing) -> int:
        """Delete the paths idle for :data:`DROP_AFTER` rounds (0: none); how many.

        Idle: no flow and a positive reduced cost in PDLP's last point. A path without
        capacity rows stays: it takes what the other paths cannot (:func:`fill`).
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
        self.flows = within_limits(self.primal[:n], paths, self.demand, use, capacity)
        self.flows = fill(
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


def within_limits(
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


def fill(
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
