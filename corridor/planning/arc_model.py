"""The arc model: one flow variable per arc and commodity, an LP (GLOP) or MIP (HiGHS).

One commodity per origin, cargo class and goods value; its flow leaves the origin's source
vertex and ends in the sink vertices of its destinations (the standard aggregation by
origin: same optimum, far fewer variables than one commodity per OD pair). With
``marginal=True`` each saturated capacity is re-solved ±1 TEU/day from the last basis.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from ortools.glop import parameters_pb2 as glop_parameters
from ortools.math_opt.python import mathopt

from corridor.errors import SolverError
from corridor.model import CargoClass
from corridor.network import Network
from corridor.planning.capacities import UNSERVED_PENALTY_USD_PER_TEU, capacity_group
from corridor.planning.demand import Demand
from corridor.planning.result import (
    ARC_COLUMNS,
    BINDING,
    CAPACITY_COLUMNS,
    ROUTE_COLUMNS,
    UNSERVED_COLUMNS,
    Plan,
    arc_record,
    clean,
    route_record,
)
from corridor.progress import ProgressCallback, counted
from corridor.service import SINK, SOURCE, Vertex

MARGINAL_STEP_TEU_DAY = 1.0
"""Change of capacity, TEU/day, by which ``marginal=True`` re-solves each saturated capacity."""
HOURS_PER_DAY = 24.0


@dataclass
class _Commodity:
    key: tuple[str, CargoClass, float]
    members: list[Demand]
    arcs: list[tuple[Vertex, Vertex, dict[str, Any]]]
    flow: list[mathopt.Variable]
    unserved: dict[str, mathopt.Variable]


class ArcModel:
    """Builds and solves the multi-commodity flow model."""

    def __init__(self, network: Network, objective: str, integer: bool, month: int | None) -> None:
        self.network = network
        self.month = month
        self.objective = objective
        self.integer = integer
        self.model = mathopt.Model(name="corridor_plan")
        self.terms: list[Any] = []
        self.commodities: list[_Commodity] = []
        self.groups: dict[tuple[str, ...], list[mathopt.Variable]] = defaultdict(list)
        self.capacity: dict[tuple[str, ...], float] = {}
        self.constraints: dict[tuple[str, ...], mathopt.LinearConstraint] = {}
        self.notes: list[str] = []
        """What the plan's figures do not show (:attr:`Plan.notes`)."""

    def add_commodity(self, key: tuple[str, CargoClass, float], members: list[Demand]) -> None:
        """Add one commodity (an origin, cargo and goods value) and its demand rows."""
        origin, cargo, value = key
        arrays = self.network.service_arrays(cargo, self.month)
        sinks = {(m.destination, SINK) for m in members}
        source = (origin, SOURCE)
        unserved = {m.destination: self.model.add_variable(lb=0, ub=m.teu_per_day) for m in members}
        arcs = [
            (t, h, d)
            for t, h, d in arrays.arcs
            if not (t[1] == SOURCE and t != source) and not (h[1] == SINK and h not in sinks)
        ]
        rate = self.network.cargo_profiles[cargo].value_of_time_pct_per_day / 100
        per_hour = value * rate / HOURS_PER_DAY if self.objective == "generalised" else 0.0
        flow = [self.model.add_variable(lb=0, is_integer=self.integer) for _ in arcs]
        balance: dict[Vertex, list[Any]] = defaultdict(list)
        for var, (tail, head, data) in zip(flow, arcs, strict=True):
            balance[tail].append(var)
            balance[head].append(-var)
            self.terms.append((data["cost_usd"] + per_hour * data["hours_p50"]) * var)
            group = capacity_group(self.network, tail, head, data)
            if group is not None:
                self.groups[group[0]].append(var)
                self.capacity[group[0]] = group[1]
        carried = {m.destination: m.teu_per_day - unserved[m.destination] for m in members}
        for vertex, terms in balance.items():
            if vertex == source:
                supply = mathopt.fast_sum(carried.values())
            elif vertex[1] == SINK:
                supply = -carried[vertex[0]]
            else:
                supply = 0
            self.model.add_linear_constraint(mathopt.fast_sum(terms) == supply)
        for member in members:
            var = unserved[member.destination]
            if (member.destination, SINK) not in balance:  # nothing reaches it: all unserved
                self.model.add_linear_constraint(var == member.teu_per_day)
            self.terms.append(UNSERVED_PENALTY_USD_PER_TEU * var)
        self.commodities.append(_Commodity(key, members, arcs, flow, unserved))

    def add_capacities(self) -> None:
        """Add one row per capacity group the commodities use."""
        for group, variables in self.groups.items():
            self.constraints[group] = self.model.add_linear_constraint(
                mathopt.fast_sum(variables) <= self.capacity[group]
            )

    def solve(
        self,
        time_limit_s: float | None,
        *,
        marginal: bool = False,
        progress: ProgressCallback | None = None,
    ) -> Plan:
        """Solve (GLOP for the LP, HiGHS for whole TEU) and read the plan's tables."""
        self.model.minimize(mathopt.fast_sum(self.terms))
        params = mathopt.SolveParameters()
        if time_limit_s is not None:
            params.time_limit = timedelta(seconds=time_limit_s)
        if self.integer:
            result = mathopt.solve(self.model, mathopt.SolverType.HIGHS, params=params)
            return self._plan(result, time_limit_s, {})
        # GLOP without presolve: as fast on these LPs, and its basis is then the one that
        # the marginal re-solves start from (presolve would make their first one cold)
        params.presolve = mathopt.Emphasis.OFF
        solver = mathopt.IncrementalSolver(self.model, mathopt.SolverType.GLOP)
        solver._proto_solver = _NoBasis(solver._proto_solver)
        deadline = None if time_limit_s is None else time.monotonic() + time_limit_s
        try:
            result = solver.solve(params=params)
            values = {}
            if marginal and result.termination.reason is mathopt.TerminationReason.OPTIMAL:
                values = self._marginal_values(solver, result, params, deadline, progress)
        finally:
            solver.close()
        return self._plan(result, time_limit_s, values)

    def _marginal_values(
        self,
        solver: mathopt.IncrementalSolver,
        result: mathopt.SolveResult,
        params: mathopt.SolveParameters,
        deadline: float | None,
        progress: ProgressCallback | None,
    ) -> dict[tuple[str, ...], tuple[float, float]]:
        """(USD/day saved by one TEU/day more, USD/day added by one less) per saturated group.

        Each is the LP re-solved from the last basis with that capacity changed, then set back.
        The re-solves share what is left of the time limit (``deadline``, a
        :func:`time.monotonic` time) after the plan's own solve; capacities not reached in
        time keep NaN, with a note.
        """
        base = result.objective_value()
        values = result.variable_values()
        # only the objective is read: no values, duals or reduced costs to copy back
        nothing = mathopt.SparseVectorFilter(filtered_items=frozenset())
        objective_only = mathopt.ModelSolveParameters(
            variable_values_filter=nothing,
            dual_values_filter=nothing,
            reduced_costs_filter=nothing,
        )
        # the dual simplex: a changed capacity leaves the plan's basis dual feasible, so it
        # starts from there (the primal simplex took about 26 ms a re-solve even when it
        # made no iteration, the dual about 12 ms)
        again_params = dataclasses.replace(
            params, glop=glop_parameters.GlopParameters(use_dual_simplex=True)
        )
        out = {}
        late = 0
        saturated = [
            (group, constraint)
            for group, constraint in self.constraints.items()
            if sum(values[v] for v in self.groups[group]) >= BINDING * self.capacity[group]
        ]
        for group, constraint in counted(saturated, progress):
            capacity = self.capacity[group]
            left_s = None if deadline is None else deadline - time.monotonic()
            if left_s is not None and left_s <= 0:
                late += 1
                continue
            again_params.time_limit = None if left_s is None else timedelta(seconds=left_s)
            changed, stopped = [], False
            for bound in (
                capacity + MARGINAL_STEP_TEU_DAY,
                max(capacity - MARGINAL_STEP_TEU_DAY, 0),
            ):
                step = bound - capacity  # > 0 more, < 0 less: the value moves the other way
                constraint.upper_bound = bound
                again = solver.solve(params=again_params, model_params=objective_only)
                optimal = again.termination.reason is mathopt.TerminationReason.OPTIMAL
                stopped |= again.termination.limit is mathopt.Limit.TIME
                changed.append(
                    (base - again.objective_value()) / step if optimal and step else np.nan
                )
            constraint.upper_bound = capacity
            out[group] = (clean(changed[0]), clean(changed[1]))
            late += stopped
        if late:
            self.notes.append(
                f"time limit reached: no ±1 TEU/day value for {late} saturated "
                f"capacit{'ies' if late > 1 else 'y'} (NaN in marginal_saving_usd and "
                "marginal_cost_usd)"
            )
        return out

    def _plan(
        self,
        result: mathopt.SolveResult,
        time_limit_s: float | None,
        marginal: dict[tuple[str, ...], tuple[float, float]],
    ) -> Plan:
        reason = result.termination.reason
        if not result.has_primal_feasible_solution():
            # unserved demand is a variable, so a plan always exists: the solver stopped early
            raise self._failure(result, time_limit_s)
        if reason is not mathopt.TerminationReason.OPTIMAL:
            bound = result.termination.objective_bounds.dual_bound
            self.notes.append(
                f"plan not proven optimal ({reason.name.lower()}): best "
                f"{result.objective_value():,.2f} USD/day, bound {bound:,.2f}"
            )
        values = result.variable_values()
        duals = result.dual_values() if not self.integer else {}
        return Plan(
            year=self.network.year,
            objective=self.objective,
            integer=self.integer,
            objective_usd_per_day=result.objective_value(),
            optimal=reason is mathopt.TerminationReason.OPTIMAL,
            bound_usd_per_day=(
                result.objective_value()
                if reason is mathopt.TerminationReason.OPTIMAL and not self.integer
                else result.termination.objective_bounds.dual_bound
            ),
            arcs=self._arc_table(values),
            capacities=self._capacity_table(values, duals, marginal),
            routes=self._route_table(values),
            unserved=self._unserved_table(values),
            network=self.network,
            month=self.month,
            notes=tuple(self.notes),
        )

    def _failure(self, result: mathopt.SolveResult, time_limit_s: float | None) -> SolverError:
        """The error for a solve that stopped without a plan: the time limit, or a failure."""
        reason = result.termination.reason
        solver = "HiGHS (OR-Tools MathOpt)" if self.integer else "GLOP (OR-Tools MathOpt)"
        bound = result.termination.objective_bounds.dual_bound
        known = f", best bound {bound:,.2f} USD/day" if np.isfinite(bound) else ""
        limit = result.termination.limit
        # GLOP stopped by its time limit says NO_SOLUTION_FOUND with the limit UNDETERMINED
        timed_out = limit is mathopt.Limit.TIME or (
            time_limit_s is not None
            and reason is mathopt.TerminationReason.NO_SOLUTION_FOUND
            and limit is mathopt.Limit.UNDETERMINED
        )
        if timed_out:
            msg = f"no plan found within {time_limit_s:g} s: time limit reached{known}"
        else:
            msg = f"{solver} stopped without a plan: {reason.name.lower()}{known}"
        if self.integer:
            msg += "; allow more time or plan the LP (integer=False)"
        return SolverError(msg, solver=solver, status=reason.name, time_limit=timed_out)

    # --- result tables ------------------------------------------------------------------

    def _arc_table(self, values: dict[mathopt.Variable, float]) -> pd.DataFrame:
        load: dict[tuple[Vertex, Vertex, str], dict[str, Any]] = {}
        for commodity in self.commodities:
            for var, (tail, head, data) in zip(commodity.flow, commodity.arcs, strict=True):
                teu = values[var]
                if teu <= 1e-9:
                    continue
                key = (tail, head, data["ref"])
                row = load.setdefault(key, arc_record(tail, head, data))
                row["teu_per_day"] += teu
        return pd.DataFrame(list(load.values()), columns=ARC_COLUMNS)

    def _capacity_table(
        self,
        values: dict[mathopt.Variable, float],
        duals: dict[mathopt.LinearConstraint, float],
        marginal: dict[tuple[str, ...], tuple[float, float]],
    ) -> pd.DataFrame:
        rows = []
        for group, constraint in self.constraints.items():
            flow = sum(values[v] for v in self.groups[group])
            capacity = self.capacity[group]
            saving, cost = marginal.get(group, (np.nan, np.nan))
            rows.append(
                {
                    "element": group[0],
                    "ref": group[1],
                    "direction": group[2],
                    "capacity_teu_day": capacity,
                    "flow_teu_day": flow,
                    "utilisation": flow / capacity if capacity else np.inf,
                    "shadow_price_usd": clean(-duals[constraint])
                    if constraint in duals
                    else np.nan,
                    "marginal_saving_usd": saving,
                    "marginal_cost_usd": cost,
                }
            )
        return pd.DataFrame(rows, columns=CAPACITY_COLUMNS)

    def _route_table(self, values: dict[mathopt.Variable, float]) -> pd.DataFrame:
        rows = []
        for commodity in self.commodities:
            origin = commodity.key[0]
            flows = {i: values[var] for i, var in enumerate(commodity.flow) if values[var] > 1e-9}
            for destination, teu, arcs in decompose(commodity.arcs, flows, (origin, SOURCE)):
                data = [commodity.arcs[i][2] for i in arcs]
                rows.append(route_record(commodity.key, destination, teu, data))
        return pd.DataFrame(rows, columns=ROUTE_COLUMNS)

    def _unserved_table(self, values: dict[mathopt.Variable, float]) -> pd.DataFrame:
        rows = [
            {
                "origin": c.key[0],
                "destination": d,
                "cargo": c.key[1].value,
                "teu_per_day": values[var],
            }
            for c in self.commodities
            for d, var in c.unserved.items()
            if values[var] > 1e-9
        ]
        return pd.DataFrame(rows, columns=UNSERVED_COLUMNS)


def decompose(
    arcs: list[tuple[Vertex, Vertex, dict[str, Any]]], flows: dict[int, float], source: Vertex
) -> list[tuple[str, float, list[int]]]:
    """Split one commodity's arc flows into source → sink paths: (destination, TEU/day, arcs)."""
    remaining = dict(flows)
    out: dict[Vertex, list[int]] = defaultdict(list)
    for i in remaining:
        out[arcs[i][0]].append(i)
    tolerance = 1e-9 * max([1.0, *remaining.values()])  # the solver's error grows with the flows
    paths = []
    while True:
        live = [i for i in out[source] if remaining[i] > tolerance]
        if not live:
            return paths
        path: list[int] = []
        vertex, seen = source, {source: 0}
        while vertex[1] != SINK:
            ahead = [i for i in out[vertex] if remaining[i] > tolerance]
            if not ahead:  # what is left is the solver's rounding, not flow
                return paths
            step = max(ahead, key=remaining.get)
            path.append(step)
            vertex = arcs[step][1]
            if vertex in seen:  # a cycle of flow (zero cost): cancel it and go on
                cycle = path[seen[vertex] :]
                amount = min(remaining[i] for i in cycle)
                for i in cycle:
                    remaining[i] -= amount
                del path[seen[vertex] :]
                seen = {source: 0} | {arcs[i][1]: k + 1 for k, i in enumerate(path)}
            seen[vertex] = len(path)
        amount = min(remaining[i] for i in path)
        for i in path:
            remaining[i] -= amount
        paths.append((vertex[0], amount, path))


class _NoBasis:
    """A MathOpt solver back end whose results leave out the simplex basis.

    Reading the basis of every variable into Python enums took about 70 ms a solve on the
    corridor's 1,000-row plan, twice the re-solve itself, and the plan never reads it;
    GLOP keeps its own basis between solves, so warm starts are unchanged. Wraps the
    private ``_proto_solver`` of :class:`mathopt.IncrementalSolver` (ortools pinned in
    pyproject.toml; ``tests/test_plan.py`` checks the values against a cold solve).
    """

    def __init__(self, inner: Any) -> None:  # noqa: ANN401 - the pybind solver
        self._inner = inner

    def solve(self, *args: Any) -> Any:  # noqa: ANN401 - a SolveResultProto
        result = self._inner.solve(*args)
        for solution in result.solutions:
            solution.ClearField("basis")
        return result

    def update(self, update: Any) -> bool:  # noqa: ANN401 - a ModelUpdateProto
        return self._inner.update(update)
