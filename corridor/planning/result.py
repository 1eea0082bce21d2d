"""The result of a plan: flows, capacities with shadow prices, routes, unserved demand."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor.model import CargoClass
from corridor.service import Vertex

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    from matplotlib.figure import Figure

    from corridor.network import Network

BINDING = 0.999
"""Utilisation from which a capacity counts as saturated."""


@dataclass(frozen=True)
class Plan:
    """A solved plan: flows, utilisation, bottlenecks with shadow prices, routes, unserved."""

    year: int
    objective: str
    integer: bool
    objective_usd_per_day: float
    """The plan's cost: the objective summed over OD pairs, with unserved demand at its
    penalty (USD/day)."""
    optimal: bool
    """Whether the solver proved the plan optimal (within its tolerance: see :attr:`gap`)."""
    bound_usd_per_day: float
    """A proven lower bound on the optimum (USD/day): the objective itself when the plan is
    proven optimal, the solver's best bound when a time limit stopped it (``-inf`` when it
    has none)."""
    arcs: pd.DataFrame
    """One row per service-graph arc with flow: kind, ref, mode, places, ``teu_per_day``."""
    capacities: pd.DataFrame
    """One row per capacity: element, capacity, flow, utilisation, ``shadow_price_usd`` (the
    LP dual, USD/day per TEU/day; one of several valid values where the dual is not unique),
    ``marginal_saving_usd`` (USD/day saved by one TEU/day more, re-solved) and
    ``marginal_cost_usd`` (USD/day added by one TEU/day less, re-solved); the last two only for
    saturated capacities of a plan made with ``marginal=True``, NaN otherwise."""
    routes: pd.DataFrame
    """The flow of each OD pair split into routes, with cost, hours and CO2e per TEU."""
    unserved: pd.DataFrame
    """Demand left unserved (TEU/day) per OD pair; empty when all is carried."""
    network: Network = field(repr=False, compare=False)
    method: str = "arcs"
    """How it was solved: ``arcs`` (arc-based LP or MIP) or ``paths`` (column generation)."""
    month: int | None = None
    """The month planned (1–12): its seasonal legs and clearance times; ``None``: all year,
    legs that run in every month only."""
    notes: tuple[str, ...] = ()
    """What the figures do not show: demand no route could carry whatever the capacities
    (with the reason), a plan not proven optimal, marginal values a time limit left out."""

    def __repr__(self) -> str:
        """One line, the totals (the tables: :meth:`to_frame` and the properties)."""
        totals = self.totals
        return (
            f"<Plan {self.year} ({self.objective}, {self.method}): "
            f"{totals['teu_per_day']:,.0f} TEU/day carried, "
            f"{totals['unserved_teu_per_day']:,.0f} unserved, "
            f"{totals['cost_usd_per_day']:,.0f} USD/day, {len(self.bottlenecks)} saturated>"
        )

    def _repr_html_(self) -> str:
        """The plan in a notebook: summary, bottlenecks, routes (:mod:`corridor.render.html`)."""
        from corridor.render.html import plan_html

        return plan_html(self)

    @property
    def bottlenecks(self) -> pd.DataFrame:
        """Saturated capacities, most valuable first.

        Ranked by ``marginal_saving_usd``, then ``marginal_cost_usd`` (a plan made with
        ``marginal=True``; both compared to the micro-dollar, so that the re-solves' rounding
        does not order equal values), else by shadow price. Shadow prices alone are no stable
        ranking: in a degenerate LP another optimal basis, with the same flows and cost, may
        split a price differently between capacities.
        """
        saturated = self.capacities[self.capacities["utilisation"] >= BINDING]
        if saturated["marginal_saving_usd"].isna().all():
            return saturated.sort_values("shadow_price_usd", ascending=False, kind="stable")
        return saturated.sort_values(
            ["marginal_saving_usd", "marginal_cost_usd", "element", "ref", "direction"],
            ascending=[False, False, True, True, True],
            key=lambda column: column.round(6) if column.dtype.kind == "f" else column,
        )

    @property
    def gap(self) -> float:
        """How far the plan may be above the optimum: (objective − bound) ÷ objective.

        0 for an LP plan solved to optimality by the simplex; at most the column generation's
        tolerance (1e-6) for an optimal path plan and HiGHS's relative MIP gap tolerance for
        an optimal integer plan; larger when a time limit stopped the solve; ``inf`` when the
        solver stopped without a bound.
        """
        if not np.isfinite(self.bound_usd_per_day):
            return float("inf")
        slack = max(self.objective_usd_per_day - self.bound_usd_per_day, 0.0)
        return slack / max(1.0, abs(self.objective_usd_per_day))

    @property
    def mode_split(self) -> pd.Series:
        """TEU-km per day by mode, legs and border crossings."""
        moving = self.arcs[self.arcs["kind"].isin(["leg", "border"])]
        return (moving["teu_per_day"] * moving["km"]).groupby(moving["mode"]).sum()

    @property
    def totals(self) -> dict[str, float]:
        """Daily totals: TEU carried and unserved, USD, TEU-km, kg CO2e."""
        routes = self.routes
        return {
            "teu_per_day": float(routes["teu_per_day"].sum()),
            "unserved_teu_per_day": float(self.unserved["teu_per_day"].sum()),
            "cost_usd_per_day": float((routes["teu_per_day"] * routes["cost_usd_per_teu"]).sum()),
            "teu_km_per_day": float(self.mode_split.sum()),
            "co2e_kg_per_day": float((routes["teu_per_day"] * routes["co2e_kg_per_teu"]).sum()),
        }

    def map(self) -> folium.Map:
        """A folium map of the loaded links (see :func:`corridor.render.maps.plan_map`)."""
        from corridor.render.maps import plan_map

        return plan_map(self)

    def chart(self) -> Figure:
        """A matplotlib map of flows and utilisation (:func:`corridor.render.charts.plan_chart`)."""
        from corridor.render.charts import plan_chart

        return plan_chart(self)

    def to_frame(self) -> pd.DataFrame:
        """The main table: :attr:`routes`, one row per route with its TEU/day, USD, hours, CO2e.

        The other tables are properties: :attr:`arcs`, :attr:`capacities`,
        :attr:`bottlenecks`, :attr:`unserved`, :attr:`mode_split`.
        """
        return self.routes

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Deprecated: every table by name; use :meth:`to_frame` and the table properties."""
        warnings.warn(
            "Plan.to_frames() is deprecated: use Plan.to_frame() (the routes) and the "
            "properties arcs, capacities, bottlenecks, unserved and mode_split",
            DeprecationWarning,
            stacklevel=2,
        )
        return {
            "arcs": self.arcs,
            "capacities": self.capacities,
            "bottlenecks": self.bottlenecks,
            "routes": self.routes,
            "unserved": self.unserved,
            "mode_split": self.mode_split.rename("teu_km_per_day").reset_index(),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: how it was solved, totals, mode split, bottlenecks, routes, unserved.

        ``corridor plan --json`` prints it; its JSON schema is
        :func:`corridor.schema.plan_schema`. Infinite or missing numbers are ``null``.
        """
        return {
            "year": self.year,
            "month": self.month,
            "objective": self.objective,
            "integer": self.integer,
            "method": self.method,
            "optimal": self.optimal,
            "objective_usd_per_day": self.objective_usd_per_day,
            "bound_usd_per_day": _finite(self.bound_usd_per_day),
            "gap": _finite(self.gap),
            "totals": self.totals,
            "mode_split_teu_km": {str(k): float(v) for k, v in self.mode_split.items()},
            "bottlenecks": _records(self.bottlenecks),
            "routes": _records(self.routes),
            "unserved": _records(self.unserved),
            "notes": list(self.notes),
        }

    def explain(self) -> str:
        """A short human-readable account: totals, mode split, top bottlenecks, unserved."""
        from corridor.render.text import plan_summary

        lines = plan_summary(self)
        split = self.mode_split
        if split.sum() > 0:
            shares = ", ".join(
                f"{mode} {km / split.sum():.0%}"
                for mode, km in split.sort_values(ascending=False).items()
            )
            lines.append(f"mode split (TEU-km): {shares}")
        for row in self.bottlenecks.head(EXPLAINED_BOTTLENECKS).to_dict("records"):
            value = float(row["marginal_saving_usd"])
            price = float(row["shadow_price_usd"]) if np.isnan(value) else value
            lines.append(
                f"  bottleneck {row['element']} {row['ref']} ({row['direction']}): "
                f"{row['capacity_teu_day']:,.0f} TEU/day, one more saves {price:,.1f} USD/day"
            )
        for missed in self.unserved.to_dict("records"):
            lines.append(
                f"  unserved {missed['origin']} → {missed['destination']} ({missed['cargo']}): "
                f"{missed['teu_per_day']:,.1f} TEU/day"
            )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """Loaded legs and border crossings, one row per link and direction, EPSG:4326.

        Columns: ``ref``, ``kind``, ``mode``, ``direction`` (``from <place>``, as in
        :attr:`capacities`), ``from_place``, ``to_place``, ``km``, ``teu_per_day`` (this
        direction), and the ``capacity_teu_day``, ``utilisation``, ``shadow_price_usd``,
        ``marginal_saving_usd`` and ``marginal_cost_usd`` of this direction of a leg or rail
        crossing, or of a road gate's capacity shared by both directions (NaN where the data
        give no capacity). Each line runs in the direction of travel.
        """
        from corridor.render.geo import plan_geodataframe

        return plan_geodataframe(self)


ARC_COLUMNS = [
    "kind",
    "ref",
    "mode",
    "from_place",
    "to_place",
    "from_mode",
    "to_mode",
    "km",
    "teu_per_day",
]
ROUTE_COLUMNS = [
    "origin",
    "destination",
    "cargo",
    "value_usd_per_teu",
    "teu_per_day",
    "modes",
    "gates",
    "cost_usd_per_teu",
    "planned_hours",
    "co2e_kg_per_teu",
]
UNSERVED_COLUMNS = ["origin", "destination", "cargo", "teu_per_day"]
CAPACITY_COLUMNS = [
    "element",
    "ref",
    "direction",
    "capacity_teu_day",
    "flow_teu_day",
    "utilisation",
    "shadow_price_usd",
    "marginal_saving_usd",
    "marginal_cost_usd",
]
EXPLAINED_BOTTLENECKS = 5
"""Saturated capacities :meth:`Plan.explain` lists (the table has them all)."""
PRICE_TOLERANCE_USD = 1e-6
"""Shadow prices and marginal values closer to 0 than this (USD/day per TEU/day) are 0: solver
noise, and never a negative zero."""


def _finite(value: float) -> float | None:
    """A number for JSON: ``None`` for infinity or NaN (JSON has neither)."""
    return float(value) if np.isfinite(value) else None


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-safe records (NaN as ``null``)."""
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
    return records


def clean(usd: float) -> float:
    """A price with solver noise and the sign of zero removed (``-0.0`` prints as ``-0.0``)."""
    return 0.0 if abs(usd) < PRICE_TOLERANCE_USD else usd


def arc_record(tail: Vertex, head: Vertex, data: dict[str, Any]) -> dict[str, Any]:
    """A row of :attr:`Plan.arcs` with no flow yet."""
    return {
        "kind": data["kind"],
        "ref": data["ref"],
        "mode": data.get("mode"),
        "from_place": data["from_place"],
        "to_place": data["to_place"],
        "from_mode": tail[1],
        "to_mode": head[1],
        "km": data["km"],
        "teu_per_day": 0.0,
    }


def route_record(
    key: tuple[str, CargoClass, float], destination: str, teu: float, data: list[dict[str, Any]]
) -> dict[str, Any]:
    """A row of :attr:`Plan.routes`: one path's TEU/day and its USD, hours, CO2e per TEU."""
    origin, cargo, value = key
    moving = [d for d in data if d["kind"] in {"leg", "border"}]
    modes = [d["mode"] for d in moving]
    return {
        "origin": origin,
        "destination": destination,
        "cargo": cargo.value,
        "value_usd_per_teu": value,
        "teu_per_day": teu,
        "modes": " → ".join(m for i, m in enumerate(modes) if i == 0 or modes[i - 1] != m),
        "gates": "; ".join(d["ref"] for d in moving if d["kind"] == "border"),
        "cost_usd_per_teu": sum(d["cost_usd"] for d in data),
        "planned_hours": sum(d["hours_p50"] for d in data),
        "co2e_kg_per_teu": sum(d["co2e_kg"] for d in data),
    }
