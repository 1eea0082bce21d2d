"""The path model: the plan's LP over paths, by column generation (:mod:`corridor.solvers.colgen`).

One :class:`~corridor.solvers.colgen.Commodity` per demand row (OD pair, cargo, value,
deadline) on its cargo's service graph; deadlines are enforced exactly by pricing within them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from corridor.model import CargoClass
from corridor.network import Network
from corridor.planning.arc_model import HOURS_PER_DAY
from corridor.planning.capacities import UNSERVED_PENALTY_USD_PER_TEU, capacity_group
from corridor.planning.demand import Demand
from corridor.planning.result import (
    ARC_COLUMNS,
    CAPACITY_COLUMNS,
    ROUTE_COLUMNS,
    UNSERVED_COLUMNS,
    Plan,
    arc_record,
    clean,
    route_record,
)
from corridor.service import SINK, SOURCE, Vertex
from corridor.solvers import colgen
from corridor.solvers.arrays import GraphArrays


class PathModel:
    """The same LP over paths: builds the column-generation input, reads its answer as a Plan.

    One :class:`corridor.solvers.colgen.Commodity` per demand row (OD pair, cargo, value, deadline)
    on its cargo's service graph. The arcs a row may use are those of the arc model: a
    path from the origin's source vertex to the destination's sink vertex cannot pass through
    another place's source (no arc enters one) or sink (no arc leaves one).
    """

    def __init__(
        self,
        network: Network,
        objective: str,
        commodities: dict[tuple[str, CargoClass, float], list[Demand]],
        month: int | None,
    ) -> None:
        self.network = network
        self.month = month
        self.objective = objective
        self.group_index: dict[tuple[str, ...], int] = {}
        self.capacity: list[float] = []
        self.arrays: list[Any] = []
        self.graphs: list[GraphArrays] = []
        self.rows: list[tuple[tuple[str, CargoClass, float], Demand]] = []
        self.commodities: list[colgen.Commodity] = []
        self.unroutable: list[tuple[tuple[str, CargoClass, float], Demand]] = []
        graph_of: dict[CargoClass, int] = {}
        for key, members in commodities.items():
            origin, cargo, value = key
            if cargo not in graph_of:
                graph_of[cargo] = self._add_graph(cargo, commodities)
            g = graph_of[cargo]
            index = self.arrays[g].index
            rate = network.cargo_profiles[cargo].value_of_time_pct_per_day / 100
            per_hour = value * rate / HOURS_PER_DAY if objective == "generalised" else 0.0
            for member in members:
                source = index.get((origin, SOURCE))
                sink = index.get((member.destination, SINK))
                if source is None or sink is None:  # the cargo cannot start or end there
                    self.unroutable.append((key, member))
                    continue
                self.rows.append((key, member))
                self.commodities.append(
                    colgen.Commodity(
                        graph=g,
                        source=source,
                        sink=sink,
                        teu_per_day=member.teu_per_day,
                        usd_per_hour=per_hour,
                        deadline_hours=member.deadline_hours,
                    )
                )

    def _add_graph(
        self, cargo: CargoClass, commodities: dict[tuple[str, CargoClass, float], list[Demand]]
    ) -> int:
        """Arrays of ``cargo``'s service graph; capacity groups of the arcs the model uses."""
        origins = {o for o, c, _ in commodities if c == cargo}
        destinations = {
            m.destination
            for (_, c, _), members in commodities.items()
            if c == cargo
            for m in members
        }
        arrays = self.network.service_arrays(cargo, self.month)
        group = np.full(len(arrays.arcs), -1, dtype=np.int64)
        for i, (tail, head, data) in enumerate(arrays.arcs):
            if (tail[1] == SOURCE and tail[0] not in origins) or (
                head[1] == SINK and head[0] not in destinations
            ):
                continue
            found = capacity_group(self.network, tail, head, data)
            if found is None:
                continue
            key, capacity = found
            if key not in self.group_index:
                self.group_index[key] = len(self.capacity)
                self.capacity.append(capacity)
            group[i] = self.group_index[key]
        self.arrays.append(arrays)
        self.graphs.append(
            GraphArrays(
                arrays.n,
                arrays.tails,
                arrays.heads,
                {
                    "cost_usd": arrays.columns["cost_usd"],
                    "hours_p50": arrays.columns["hours_p50"],
                    "group": group,
                },
            )
        )
        return len(self.graphs) - 1

    def solve(self, time_limit_s: float | None) -> Plan:
        """Column generation, then the tables of :class:`Plan`."""
        solution = colgen.solve(
            self.graphs,
            self.commodities,
            np.asarray(self.capacity, dtype=float),
            penalty=UNSERVED_PENALTY_USD_PER_TEU,
            time_limit_s=time_limit_s,
        )
        lost = UNSERVED_PENALTY_USD_PER_TEU * sum(m.teu_per_day for _, m in self.unroutable)
        objective = solution.objective + lost
        notes = []
        if not solution.optimal:
            notes.append(
                f"plan not proven optimal ({solution.stopped}): best {objective:,.2f} USD/day, "
                f"bound {solution.bound + lost:,.2f}"
            )
        flows = [np.zeros(len(graph.tails)) for graph in self.graphs]
        for column in solution.columns:
            g = self.commodities[column.commodity].graph
            np.add.at(flows[g], column.arcs, column.flow)
        return Plan(
            year=self.network.year,
            objective=self.objective,
            integer=False,
            objective_usd_per_day=objective,
            optimal=solution.optimal,
            bound_usd_per_day=solution.bound + lost,
            arcs=self._arc_table(flows),
            capacities=self._capacity_table(flows, solution.duals),
            routes=self._route_table(solution.columns),
            unserved=self._unserved_table(solution.unserved),
            network=self.network,
            method="paths",
            month=self.month,
            notes=tuple(notes),
        )

    def _arc_table(self, flows: list[np.ndarray]) -> pd.DataFrame:
        load: dict[tuple[Vertex, Vertex, str], dict[str, Any]] = {}
        for arrays, flow in zip(self.arrays, flows, strict=True):
            for i in np.flatnonzero(flow > 1e-9).tolist():
                tail, head, data = arrays.arcs[i]
                row = load.setdefault((tail, head, data["ref"]), arc_record(tail, head, data))
                row["teu_per_day"] += float(flow[i])
        return pd.DataFrame(list(load.values()), columns=ARC_COLUMNS)

    def _capacity_table(self, flows: list[np.ndarray], duals: np.ndarray) -> pd.DataFrame:
        load = np.zeros(len(self.capacity))
        for graph, flow in zip(self.graphs, flows, strict=True):
            group = graph.column("group")
            used = group >= 0
            load += np.bincount(group[used], weights=flow[used], minlength=len(load))
        rows = [
            {
                "element": key[0],
                "ref": key[1],
                "direction": key[2],
                "capacity_teu_day": self.capacity[g],
                "flow_teu_day": float(load[g]),
                "utilisation": load[g] / self.capacity[g] if self.capacity[g] else np.inf,
                "shadow_price_usd": clean(-float(duals[g])),
                "marginal_saving_usd": np.nan,
                "marginal_cost_usd": np.nan,
            }
            for key, g in self.group_index.items()
        ]
        return pd.DataFrame(rows, columns=CAPACITY_COLUMNS)

    def _route_table(self, columns: list[colgen.Column]) -> pd.DataFrame:
        rows = []
        for column in sorted(columns, key=lambda c: (c.commodity, -c.flow)):
            key, member = self.rows[column.commodity]
            arcs = self.arrays[self.commodities[column.commodity].graph].arcs
            data = [arcs[i][2] for i in column.arcs.tolist()]
            rows.append(route_record(key, member.destination, column.flow, data))
        return pd.DataFrame(rows, columns=ROUTE_COLUMNS)

    def _unserved_table(self, unserved: np.ndarray) -> pd.DataFrame:
        lost = [(row, float(teu)) for row, teu in zip(self.rows, unserved, strict=True)]
        lost += [(row, row[1].teu_per_day) for row in self.unroutable]
        return pd.DataFrame(
            [
                {
                    "origin": key[0],
                    "destination": member.destination,
                    "cargo": key[1].value,
                    "teu_per_day": teu,
                }
                for (key, member), teu in lost
                if teu > 1e-9
            ],
            columns=UNSERVED_COLUMNS,
        )
