"""Congestion at gates and terminals: system optimum and user equilibrium with queues.

Every border crossing and transfer with a capacity ``c`` (TEU/day) gets a volume-delay
function of BPR form (``volume_delay.csv``): at a flow of ``v`` TEU/day through it, each of
its arcs takes ``t0 × alpha × (v / c) ** beta`` hours more than its free-flow hours, ``t0``
being the element's free-flow clearance or handling time (P50). The flow counts both
directions of a road gate and of a transfer (and the loading and unloading that use the
terminal), as the plan's capacities do.

A route's cost per TEU is its money (USD) plus one value of time (USD per TEU-hour) times
its hours, delays included. Two assignments of a demand table are compared:

- **system optimum** (what a planner directing all flows would choose): the least total
  cost of all flows, queues included. Each element's total delay cost ``v × delay(v)`` is
  convex; it is replaced by its piecewise-linear interpolation at :data:`BREAKPOINTS` × the
  capacity (and the total demand), and the problem is then a linear program solved
  exactly by GLOP over arc flows by origin, as :mod:`~corridor.planning.arc_model` does.
- **user equilibrium** (what shippers each choosing their cheapest route reach): no flow
  can lower its cost by changing route. It minimises Beckmann's function (the integrals of
  the arcs' costs), by Frank-Wolfe with an exact line search, to a relative gap
  ``(Σ cost·flow - Σ cost·cheapest) / Σ cost·flow`` at most ``tolerance``.

Both carry all the demand a route can reach: a volume-delay function replaces the element's
hard capacity, and no other capacity (legs, trains) is enforced here (:func:`corridor.plan`
enforces them); a note names any leg loaded beyond its capacity. Deadlines are not read.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from corridor import units
from corridor.errors import SolverError
from corridor.model import CargoClass, Mode, check_month
from corridor.network import DEFAULT_YEAR, Network, load_network
from corridor.options import seconds
from corridor.planning.capacities import BOTH_DIRECTIONS, capacity_group
from corridor.planning.demand import grown_demand, read_demand
from corridor.service import SINK, SOURCE
from corridor.solvers.dijkstra import adjacency, entry_keys, tree_path

if TYPE_CHECKING:
    from corridor.planning.demand import Demand

HOURS_PER_DAY = 24.0
BREAKPOINTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 6.0, 10.0)
"""Flows, as multiples of an element's capacity, where the system optimum's delay cost is
interpolated (the last piece runs on to the total demand when that is larger)."""
DEFAULT_TOLERANCE = 1e-4
"""The relative gap at which the equilibrium stops."""
MAX_ITERATIONS = 5_000
"""Frank-Wolfe iterations at most; a stop before the tolerance is said in the notes."""


@dataclass(frozen=True)
class Congestion:
    """Both assignments of a demand table with queues at gates and terminals.

    ``elements`` has one row per congested element (index: ``kind:ref (direction)``):
    ``kind``, ``ref``, ``name``, ``capacity_teu_day``, ``free_hours`` (t0), ``alpha``,
    ``beta``, and for each assignment (``system_`` and ``equilibrium_``) the flow
    (``_teu_per_day``), the ratio of flow to capacity (``_ratio``) and the queue
    (``_delay_hours``, hours a TEU waits beyond t0). ``totals`` has a row per assignment:
    ``cost_usd_per_day`` (money), ``teu_hours_per_day`` (delays included),
    ``delay_teu_hours_per_day`` and ``generalised_usd_per_day`` (money + value of time ×
    hours).
    """

    elements: pd.DataFrame
    totals: pd.DataFrame
    value_of_time_usd_per_teu_hour: float
    iterations: int
    relative_gap: float
    tolerance: float
    year: int
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """The main table: :attr:`elements`, most loaded first."""
        return self.elements

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: the settings, the totals and the elements (records), the notes."""
        return {
            "year": self.year,
            "value_of_time_usd_per_teu_hour": self.value_of_time_usd_per_teu_hour,
            "equilibrium": {
                "iterations": self.iterations,
                "relative_gap": self.relative_gap,
                "tolerance": self.tolerance,
            },
            "totals": json.loads(
                self.totals.reset_index(names="assignment").to_json(orient="records")
            ),
            "elements": json.loads(
                self.elements.reset_index(names="element").to_json(orient="records")
            ),
            "notes": list(self.notes),
        }

    def explain(self, top: int = 5) -> str:
        """The totals of both assignments and the most loaded elements, in words."""
        lines = [
            f"congestion {self.year}: value of time {self.value_of_time_usd_per_teu_hour:,.2f} "
            f"USD/TEU-h; equilibrium in {self.iterations} iterations, relative gap "
            f"{self.relative_gap:.1e}"
        ]
        for name, row in self.totals.iterrows():
            lines.append(
                f"{name}: {row['generalised_usd_per_day']:,.0f} USD/day generalised, "
                f"{row['delay_teu_hours_per_day']:,.0f} TEU-h/day of queues"
            )
        for element, row in self.elements.head(top).iterrows():
            lines.append(
                f"{element}: {row['equilibrium_teu_per_day']:,.1f} TEU/day "
                f"({row['equilibrium_ratio']:.2f} of capacity), queue "
                f"{row['equilibrium_delay_hours']:.2f} h at equilibrium; "
                f"{row['system_teu_per_day']:,.1f} TEU/day, {row['system_delay_hours']:.2f} h "
                "at the system optimum"
            )
        return "\n".join([*lines, *(f"note: {note}" for note in self.notes)])

    def __repr__(self) -> str:
        return (
            f"<Congestion {self.year}: {len(self.elements)} elements, equilibrium gap "
            f"{self.relative_gap:.1e} after {self.iterations} iterations>"
        )


def congestion(
    demand: pd.DataFrame | Iterable[dict[str, Any]] | str | Path,
    *,
    network: Network | None = None,
    year: int | None = None,
    growth: float = 1.0,
    value_of_time_usd_per_teu_hour: float | None = None,
    month: int | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    time_limit_s: float | None = None,
) -> Congestion:
    """Assign ``demand`` (× ``growth``) with queues at gates and terminals, both ways.

    Parameters
    ----------
    demand
        A demand table as :func:`corridor.plan` reads it (deadlines are not read).
    network, year
        The network (default: that of ``year``, else 2026).
    growth
        A factor on every row's TEU/day (:data:`corridor.units.GROWTH`).
    value_of_time_usd_per_teu_hour
        What an hour of one TEU is worth, USD. Default: the TEU-weighted mean over the rows
        of ``value_usd_per_teu`` × the cargo class's value of time (% a day) / 24.
    month
        Plan one month (seasonal legs, peak clearance).
    tolerance
        The equilibrium's relative gap at which Frank-Wolfe stops (from 1e-9 to 0.1).
    time_limit_s
        The system optimum's LP time limit, s (none: no limit).

    Raises
    ------
    DataError
        For a demand table with problems.
    InvalidRequestError
        For a growth, value of time, month, tolerance or time limit out of range.
    SolverError
        If the LP stops without an optimum.
    """
    units.GROWTH.check(growth, "growth")
    check_month(month)
    tolerance = float(units.GAP.check(tolerance, "tolerance"))
    time_limit_s = None if time_limit_s is None else seconds(time_limit_s, "time_limit_s")
    network = network if network is not None else load_network(year or DEFAULT_YEAR)
    table = demand if growth == 1 else grown_demand(_as_table(demand), growth)
    rows = read_demand(table, network)
    if value_of_time_usd_per_teu_hour is None:
        vot = _default_value_of_time(network, rows)
    else:
        vot = float(units.USD_PER_TEU_HOUR.check(value_of_time_usd_per_teu_hour, "value_of_time"))
    model = _Model(network, rows, vot, month)
    system = model.system_optimum(time_limit_s)
    equilibrium, iterations, gap = model.equilibrium(tolerance)
    notes = list(model.notes)
    if gap > tolerance:
        notes.append(
            f"the equilibrium stopped after {iterations} iterations at a relative gap of "
            f"{gap:.1e}, above the tolerance {tolerance:.0e}"
        )
    notes += model.overloaded_legs({"system optimum": system, "equilibrium": equilibrium})
    return Congestion(
        elements=model.element_table(system, equilibrium),
        totals=pd.DataFrame(
            {"system optimum": model.totals(system), "equilibrium": model.totals(equilibrium)}
        ).T,
        value_of_time_usd_per_teu_hour=vot,
        iterations=iterations,
        relative_gap=gap,
        tolerance=tolerance,
        year=network.year,
        notes=tuple(notes),
    )


def _as_table(demand: object) -> str | Path | pd.DataFrame:
    if isinstance(demand, str | Path | pd.DataFrame):
        return demand
    return pd.DataFrame(list(cast(Iterable[dict[str, Any]], demand)))


def _default_value_of_time(network: Network, rows: list[Demand]) -> float:
    """The TEU-weighted mean value of time of the rows, USD per TEU-hour."""
    teu = sum(r.teu_per_day for r in rows)
    if teu == 0:
        return 0.0
    worth = sum(
        r.teu_per_day
        * r.value_usd_per_teu
        * network.cargo_profiles[r.cargo].value_of_time_pct_per_day
        / 100
        / HOURS_PER_DAY
        for r in rows
    )
    return worth / teu


@dataclass
class _Graph:
    """One cargo class's service graph as arrays, with its origin-destination flows."""

    n: int
    tails: np.ndarray
    heads: np.ndarray
    money: np.ndarray
    hours: np.ndarray
    group: np.ndarray
    """The congested element of each arc (-1: none)."""
    arcs: list[tuple[Any, Any, dict[str, Any]]]
    trips: dict[int, list[tuple[int, float]]]
    """Origin vertex → (destination vertex, TEU/day) it sends."""


class _Model:
    """The corridor's service graphs, congested elements and trips of one assignment."""

    def __init__(self, network: Network, rows: list[Demand], vot: float, month: int | None) -> None:
        self.network, self.vot = network, vot
        self.notes: list[str] = []
        self.keys: list[tuple[str, ...]] = []
        self.index: dict[tuple[str, ...], int] = {}
        self.capacity: list[float] = []
        self.free: list[float] = []
        self.alpha: list[float] = []
        self.beta: list[float] = []
        by_cargo: dict[CargoClass, list[Demand]] = defaultdict(list)
        for row in rows:
            by_cargo[row.cargo].append(row)
        self.graphs = [self._graph(cargo, trips, month) for cargo, trips in by_cargo.items()]
        self.c = np.array(self.capacity)
        self.t0 = np.array(self.free)
        self.a = np.array(self.alpha)
        self.b = np.array(self.beta)
        self.demand = sum(
            teu for g in self.graphs for trips in g.trips.values() for _, teu in trips
        )

    def _graph(self, cargo: CargoClass, rows: list[Demand], month: int | None) -> _Graph:
        arrays = self.network.service_arrays(cargo, month)
        group = np.full(len(arrays.arcs), -1, dtype=np.int64)
        for i, (tail, head, data) in enumerate(arrays.arcs):
            element = self._element(tail, head, data)
            if element is not None:
                group[i] = element
        trips: dict[int, list[tuple[int, float]]] = defaultdict(list)
        money = arrays.columns["cost_usd"]
        hours = arrays.columns["hours_p50"]
        unserved: list[str] = []
        for row in rows:
            if row.teu_per_day <= 0:
                continue
            start, end = (row.origin, SOURCE), (row.destination, SINK)
            if arrays.reaches(start, end):  # reachability is cached per origin
                trips[arrays.index[start]].append((arrays.index[end], row.teu_per_day))
            else:
                unserved.append(f"{row.origin} → {row.destination} ({cargo.value})")
        if unserved:
            self.notes.append(
                f"no route for {len(unserved)} row(s), left out: {', '.join(unserved[:5])}"
                + (" and more" if len(unserved) > 5 else "")
            )
        return _Graph(
            arrays.n, arrays.tails, arrays.heads, money, hours, group, arrays.arcs, dict(trips)
        )

    def _element(self, tail: Any, head: Any, data: dict[str, Any]) -> int | None:  # noqa: ANN401
        """The congested element an arc uses (numbered on first sight), or None."""
        found = capacity_group(self.network, tail, head, data)
        if found is None or found[0][0] not in ("border", "transfer"):
            return None
        key, capacity = found
        if key in self.index:
            return self.index[key]
        kind, ref, direction = key
        if kind == "border":
            crossing = self.network.crossings[ref]
            function = self.network.volume_delay("crossings", ref)
            both = (crossing.hours_p50_cn_vn + crossing.hours_p50_vn_cn) / 2
            north = direction == f"from {crossing.vn_place}"
            one = crossing.hours_p50_vn_cn if north else crossing.hours_p50_cn_vn
            free = both if direction == BOTH_DIRECTIONS else one
        else:
            a, b = direction.split("↔")
            function = self.network.volume_delay("transfers", f"{ref}:{a}>{b}")
            transfer = self.network.transfer_between(ref, Mode(a), Mode(b))
            free = transfer.hours_p50 if transfer is not None else 0.0
        if function is None or free <= 0 or capacity <= 0:
            return None
        self.index[key] = len(self.keys)
        self.keys.append(key)
        self.capacity.append(capacity)
        self.free.append(free)
        self.alpha.append(function.alpha)
        self.beta.append(function.beta)
        return self.index[key]

    # --- volume-delay functions -------------------------------------------------------

    def delay(self, v: np.ndarray) -> np.ndarray:
        """Hours of queue at each element at flows ``v`` (TEU/day)."""
        return np.asarray(self.t0 * self.a * (np.maximum(v, 0.0) / self.c) ** self.b, dtype=float)

    def loads(self, flows: list[np.ndarray]) -> np.ndarray:
        """TEU/day through each element, from the arc flows of every graph."""
        total = np.zeros(len(self.keys))
        for graph, x in zip(self.graphs, flows, strict=True):
            used = graph.group >= 0
            total += np.bincount(graph.group[used], weights=x[used], minlength=len(self.keys))
        return total

    # --- user equilibrium -------------------------------------------------------------

    def equilibrium(self, tolerance: float) -> tuple[list[np.ndarray], int, float]:
        """Frank-Wolfe: the flows, the iterations and the relative gap reached."""
        flows = self._all_or_nothing(np.zeros(len(self.keys)))
        gap, iteration = math.inf, 0
        for iteration in range(1, MAX_ITERATIONS + 1):  # noqa: B007 - told after the loop
            v = self.loads(flows)
            costs = self._arc_costs(v)
            target = self._all_or_nothing(v)
            now = sum(float(c @ x) for c, x in zip(costs, flows, strict=True))
            best = sum(float(c @ y) for c, y in zip(costs, target, strict=True))
            gap = (now - best) / now if now > 0 else 0.0
            if gap <= tolerance:
                break
            step = self._line_search(flows, target, v)
            flows = [x + step * (y - x) for x, y in zip(flows, target, strict=True)]
        return flows, iteration, gap

    def _arc_costs(self, v: np.ndarray) -> list[np.ndarray]:
        """USD per TEU on every arc at element flows ``v`` (money + value of time × hours)."""
        queue = np.append(self.delay(v), 0.0)  # index -1: no element, no queue
        return [g.money + self.vot * (g.hours + queue[g.group]) for g in self.graphs]

    def _all_or_nothing(self, v: np.ndarray) -> list[np.ndarray]:
        """Every trip on its cheapest route at element flows ``v``."""
        out = []
        for graph, costs in zip(self.graphs, self._arc_costs(v), strict=True):
            flow = np.zeros(len(graph.arcs))
            matrix, kept = adjacency(graph.n, graph.tails, graph.heads, costs)
            keys = entry_keys(matrix)
            origins = list(graph.trips)
            _, pred = dijkstra(matrix, indices=origins, return_predecessors=True)
            for row, origin in enumerate(origins):
                for sink, teu in graph.trips[origin]:
                    flow[tree_path(keys, kept, pred[row], origin, sink)] += teu
            out.append(flow)
        return out

    def _line_search(self, x: list[np.ndarray], y: list[np.ndarray], v: np.ndarray) -> float:
        """The step in [0, 1] towards ``y`` minimising Beckmann's function (bisection)."""
        d = [b - a for a, b in zip(x, y, strict=True)]
        fixed = sum(
            float((g.money + self.vot * g.hours) @ di) for g, di in zip(self.graphs, d, strict=True)
        )
        dv = self.loads(d)

        def slope(step: float) -> float:
            return fixed + self.vot * float(dv @ self.delay(v + step * dv))

        if slope(1.0) <= 0:
            return 1.0
        low, high = 0.0, 1.0
        for _ in range(50):
            middle = (low + high) / 2
            low, high = (middle, high) if slope(middle) < 0 else (low, middle)
        return (low + high) / 2

    # --- system optimum ---------------------------------------------------------------

    def system_optimum(self, time_limit_s: float | None) -> list[np.ndarray]:
        """The least total cost, queues' piecewise-linear costs included, by an LP."""
        from datetime import timedelta

        from ortools.math_opt.python import mathopt

        model = mathopt.Model(name="corridor_system_optimum")
        terms: list[Any] = []
        through: list[list[Any]] = [[] for _ in self.keys]
        variables: list[list[tuple[np.ndarray, list[Any]]]] = []
        for graph in self.graphs:
            fixed = graph.money + self.vot * graph.hours
            per_origin = []
            for origin, trips in graph.trips.items():
                sinks = dict(trips)
                arcs = np.array(
                    [
                        i
                        for i, (tail, head, _) in enumerate(graph.arcs)
                        if not (tail[1] == SOURCE and graph.tails[i] != origin)
                        and not (head[1] == SINK and graph.heads[i] not in sinks)
                    ],
                    dtype=np.int64,
                )
                flow = [model.add_variable(lb=0.0) for _ in arcs]
                balance: dict[int, list[Any]] = defaultdict(list)
                for var, arc in zip(flow, arcs, strict=True):
                    balance[int(graph.tails[arc])].append(var)
                    balance[int(graph.heads[arc])].append(-var)
                    terms.append(float(fixed[arc]) * var)
                    if graph.group[arc] >= 0:
                        through[graph.group[arc]].append(var)
                for vertex, parts in balance.items():
                    supply = sum(sinks.values()) if vertex == origin else -sinks.get(vertex, 0.0)
                    model.add_linear_constraint(mathopt.fast_sum(parts) == supply)
                per_origin.append((arcs, flow))
            variables.append(per_origin)
        for element, parts in enumerate(through):
            pieces = []
            for width, slope in self._pieces(element):
                piece = model.add_variable(lb=0.0, ub=width)
                pieces.append(piece)
                terms.append(self.vot * slope * piece)
            model.add_linear_constraint(mathopt.fast_sum(pieces) == mathopt.fast_sum(parts))
        model.minimize(mathopt.fast_sum(terms))
        params = mathopt.SolveParameters()
        if time_limit_s is not None:
            params.time_limit = timedelta(seconds=time_limit_s)
        result = mathopt.solve(model, mathopt.SolverType.GLOP, params=params)
        reason = result.termination.reason
        if reason is not mathopt.TerminationReason.OPTIMAL:
            stopped = result.termination.limit is mathopt.Limit.TIME
            what = f"time limit of {time_limit_s:g} s reached" if stopped else reason.name
            msg = f"system optimum: GLOP stopped without an optimum ({what})"
            raise SolverError(msg, solver="GLOP", status=reason.name, time_limit=stopped)
        values = result.variable_values()
        flows: list[np.ndarray] = []
        for graph, per_origin in zip(self.graphs, variables, strict=True):
            on_arcs = np.zeros(len(graph.arcs))
            for arcs, flow_vars in per_origin:
                on_arcs[arcs] += np.array([values[var] for var in flow_vars])
            flows.append(on_arcs)
        return flows

    def _pieces(self, element: int) -> list[tuple[float, float]]:
        """(width, slope) of the piecewise-linear total queue of an element, TEU-h/day."""
        c = self.c[element]
        points = [c * p for p in BREAKPOINTS]
        if self.demand > points[-1]:
            points.append(self.demand)
        total = [x * float(self._single_delay(element, x)) for x in points]
        return [
            (b - a, (tb - ta) / (b - a))
            for a, b, ta, tb in zip(points, points[1:], total, total[1:], strict=False)
        ]

    def _single_delay(self, element: int, v: float) -> float:
        return float(self.t0[element] * self.a[element] * (v / self.c[element]) ** self.b[element])

    # --- results ----------------------------------------------------------------------

    def totals(self, flows: list[np.ndarray]) -> dict[str, float]:
        """Money, hours, queue hours and generalised cost of an assignment, per day."""
        v = self.loads(flows)
        money = sum(float(g.money @ x) for g, x in zip(self.graphs, flows, strict=True))
        hours = sum(float(g.hours @ x) for g, x in zip(self.graphs, flows, strict=True))
        queue = float(v @ self.delay(v))
        return {
            "cost_usd_per_day": money,
            "teu_hours_per_day": hours + queue,
            "delay_teu_hours_per_day": queue,
            "generalised_usd_per_day": money + self.vot * (hours + queue),
        }

    def element_table(
        self, system: list[np.ndarray], equilibrium: list[np.ndarray]
    ) -> pd.DataFrame:
        """One row per congested element, most loaded at equilibrium first."""
        columns: dict[str, Any] = {
            "kind": [k[0] for k in self.keys],
            "ref": [k[1] for k in self.keys],
            "name": [self._name(k) for k in self.keys],
            "capacity_teu_day": self.c,
            "free_hours": self.t0,
            "alpha": self.a,
            "beta": self.b,
        }
        for prefix, flows in (("system", system), ("equilibrium", equilibrium)):
            v = self.loads(flows)
            columns[f"{prefix}_teu_per_day"] = v
            columns[f"{prefix}_ratio"] = v / self.c
            columns[f"{prefix}_delay_hours"] = self.delay(v)
        index = pd.Index([f"{k[1]} ({k[2]})" for k in self.keys], name="element")
        table = pd.DataFrame(columns, index=index)
        return table.sort_values("equilibrium_ratio", ascending=False, kind="stable")

    def _name(self, key: tuple[str, ...]) -> str:
        kind, ref, direction = key
        if kind == "border":
            return f"{self.network.crossings[ref].name}, {direction}"
        return f"transfer {direction} at {self.network.places[ref].name}"

    def overloaded_legs(self, assignments: dict[str, list[np.ndarray]]) -> list[str]:
        """Notes on legs loaded beyond their capacity, which neither assignment enforces."""
        notes = []
        for name, flows in assignments.items():
            load: dict[str, float] = defaultdict(float)
            for graph, x in zip(self.graphs, flows, strict=True):
                for (_, _, data), teu in zip(graph.arcs, x, strict=True):
                    if data["kind"] == "leg" and teu > 0:
                        load[f"{data['ref']} from {data['from_place']}"] += teu
            over = [
                f"{leg} {teu:,.0f}/{capacity:,.0f}"
                for leg, teu in load.items()
                if (capacity := self.network.legs[leg.split(" from ")[0]].capacity_teu_day)
                and teu > capacity * (1 + 1e-6)
            ]
            if over:
                notes.append(
                    f"{name}: {len(over)} leg direction(s) loaded beyond capacity (TEU/day, not "
                    f"enforced here; corridor.plan enforces it): {'; '.join(over[:4])}"
                )
        return notes
