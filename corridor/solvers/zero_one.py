"""One 0-1 path model with two back ends: CP-SAT for small models, HiGHS for large ones.

The model: a binary variable per kept arc, flow conservation from source to sink, resource
sums within their limits, minimum weight; each forbidden combination must miss at least one
of its groups; the entry limits and subtour cuts of a :class:`~corridor.solvers.rcsp.Once`
in force. CP-SAT (integer weights and resources, scaled here) starts in a millisecond or two;
HiGHS through OR-Tools MathOpt has the stronger LP bound on large graphs. Both prove
optimality; anything short of it is a :class:`~corridor.errors.SolverError` that names the
solver and its status (a time limit says so), and infeasibility is
:class:`~corridor.solvers.shortest.NoFlowError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from ortools.math_opt.python import mathopt
from ortools.sat.python import cp_model

from corridor.errors import SolverError
from corridor.solvers.shortest import COST_SCALE, NoFlowError

if TYPE_CHECKING:
    from corridor.solvers.rcsp import Exclusion, Once, PathSearch

TIME_SCALE = 1000
"""Hours are compared in thousandths of an hour (3.6 s) in the exact model."""
CP_SAT_MAX_ARCS = 400
"""The exact 0-1 model goes to CP-SAT up to this many arcs (fast to start) and to HiGHS
above (stronger LP bound on large graphs); both prove optimality."""
CP_SAT = "OR-Tools CP-SAT"
HIGHS = "HiGHS (OR-Tools MathOpt)"


def solve_01(
    search: PathSearch,
    weights: np.ndarray,
    *,
    keep: np.ndarray,
    cuts: Sequence[Exclusion] = (),
    integral: bool = False,
) -> list[int]:
    """The arcs an exact path on the kept arcs uses: CP-SAT for small models, HiGHS for large.

    ``cuts`` are exclusions beyond the search's own; ``integral`` weights are whole numbers
    already (CP-SAT takes them unscaled). The answer may hold cycles apart from the path
    (see :func:`corridor.solvers.rcsp._verified`).

    CP-SAT starts in a millisecond or two; HiGHS (through MathOpt) has the stronger LP bound
    on large graphs.
    """
    # no path leaves its sink or comes back to its source; without these arcs every cycle
    # an answer holds besides its path is apart from it, and a subtour cut rules it out
    keep = keep & (search.tails != search.sink) & (search.heads != search.source)
    forbidden = [*search.forbidden, *cuts]
    if integral or int(keep.sum()) <= CP_SAT_MAX_ARCS:
        return _cp_sat(search, weights, keep=keep, forbidden=forbidden, integral=integral)
    return _highs(search, weights, keep=keep, forbidden=forbidden)


def _cp_sat(
    search: PathSearch,
    weights: np.ndarray,
    *,
    keep: np.ndarray,
    forbidden: Sequence[Exclusion],
    integral: bool = False,
) -> list[int]:
    """The model of :func:`_highs` in CP-SAT, with weights and resources scaled to integers.

    With ``once`` the arcs chosen form a simple path and nothing else (a circuit constraint).

    ``integral`` weights are whole numbers already and are not scaled.
    """
    tails, heads, source, sink = search.tails, search.heads, search.source, search.sink
    resources, once = search.resources, search.once
    seconds = search.seconds_left()
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
    solver.parameters.max_time_in_seconds = seconds
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
        # UNKNOWN or FEASIBLE: stopped by the time limit; MODEL_INVALID: a bug, not the data
        timed_out = status in {cp_model.UNKNOWN, cp_model.FEASIBLE}
        limit = search.time_limit_s if timed_out else None
        raise _failure(CP_SAT, solver.status_name(status), limit)
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


def _highs(
    search: PathSearch,
    weights: np.ndarray,
    *,
    keep: np.ndarray,
    forbidden: Sequence[Exclusion],
) -> list[int]:
    """Exact path on the kept arcs as a 0-1 model, solved by HiGHS through OR-Tools MathOpt.

    Flow conservation, resource sums within their limits, minimum weight; each forbidden
    combination must miss at least one of its groups; the limits and subtour cuts of
    ``once`` in force. Returns the arcs chosen: the path, and any cycle that an exclusion
    made worth its weight (cut off by :func:`_verified`).
    """
    tails, heads, source, sink = search.tails, search.heads, search.source, search.sink
    resources, once = search.resources, search.once
    seconds = search.seconds_left()
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
        time_limit=timedelta(seconds=seconds),
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
        timed_out = result.termination.limit is mathopt.Limit.TIME
        raise _failure(HIGHS, reason.name, search.time_limit_s if timed_out else None)
    values = result.variable_values()
    return [a for a, var in x.items() if values[var] > 0.5]


def _failure(solver: str, status: str, time_limit_s: float | None) -> SolverError:
    """The error for a 0-1 solve without a proven optimum; ``time_limit_s`` if it ran out."""
    if time_limit_s is not None:
        msg = (
            f"{solver} proved no optimum within the time limit of {time_limit_s:g} s (status "
            f"{status}); allow more time (time_limit_s)"
        )
    else:
        msg = f"{solver} failed with status {status}"
    return SolverError(msg, solver=solver, status=status, time_limit=time_limit_s is not None)
