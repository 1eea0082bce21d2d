"""Static charts for reports (matplotlib): a Pareto chart and a scenario comparison chart.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot state, no display
needed); save them with ``fig.savefig("out.png", dpi=150)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from corridor.errors import InvalidRequestError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from corridor.quote import Quote
    from corridor.scenario import Comparison

COMPARED = {
    "mean_cost_usd": "quote cost (USD)",
    "mean_planned_hours": "quote hours",
    "mean_co2e_kg": "quote CO2e (kg)",
    "plan_cost_usd_per_day": "plan cost (USD/day)",
    "plan_co2e_kg_per_day": "plan CO2e (kg/day)",
    "plan_unserved_teu_per_day": "unserved (TEU/day)",
}
"""KPIs drawn by :func:`comparison_chart` (those present), with their labels."""


def pareto_chart(quotes: Sequence[Quote], *, title: str | None = None) -> Figure:
    """Cost (USD) against planned hours of each route, coloured by kg CO2e, labelled by rank.

    Raises
    ------
    InvalidRequestError
        For an empty list.
    """
    if not quotes:
        msg = "no routes to chart"
        raise InvalidRequestError(msg)
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    hours = [q.planned_hours for q in quotes]
    cost = [q.cost_usd for q in quotes]
    points = ax.scatter(
        hours, cost, c=[q.co2e_kg for q in quotes], cmap="viridis", s=60, edgecolors="black"
    )
    ax.step(hours, cost, where="post", color="grey", linewidth=0.8, zorder=0)
    for rank, q in enumerate(quotes, 1):
        ax.annotate(
            str(rank), (q.planned_hours, q.cost_usd), xytext=(5, 5), textcoords="offset points"
        )
    key = "\n".join(f"{rank}: {_route(q)}" for rank, q in enumerate(quotes, 1))
    ax.text(0.98, 0.98, key, transform=ax.transAxes, ha="right", va="top", fontsize=7)
    fig.colorbar(points, ax=ax, label="kg CO2e")
    ax.set_xlabel("planned hours (P50 of each step)")
    ax.set_ylabel("cost (USD)")
    first = quotes[0]
    ax.set_title(
        title
        or f"{first.names[first.shipment.origin]} → {first.names[first.shipment.destination]}\n"
        f"{first.shipment.teu:g} TEU, {first.year}: non-dominated routes",
        fontsize=10,
    )
    ax.grid(alpha=0.3)
    return fig


def _route(q: Quote) -> str:
    gates = ", ".join(q.names.get(s.ref, s.ref) for s in q.border_crossings)
    return " → ".join(q.modes) + (f" ({gates})" if gates else "")


def comparison_chart(
    comparison: Comparison, *, title: str = "Change against the baseline"
) -> Figure:
    """Grouped bars: each scenario's KPIs as % change from the baseline.

    Raises
    ------
    InvalidRequestError
        When the comparison has no scenario besides the baseline.
    """
    change = relative_change(comparison.kpis)
    if change.empty:
        msg = "nothing to chart: the comparison has no scenario besides the baseline"
        raise InvalidRequestError(msg)
    fig = Figure(figsize=(8, 1.5 + 0.2 * change.size), layout="constrained")
    ax = fig.add_subplot()
    rows = np.arange(change.shape[1])
    height = 0.8 / len(change)
    for i, (case, values) in enumerate(change.iterrows()):
        ax.barh(rows + i * height, values.fillna(0.0), height=height, label=str(case))
    ax.set_yticks(rows + height * (len(change) - 1) / 2, [COMPARED[c] for c in change.columns])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("% change from baseline")
    ax.invert_yaxis()
    ax.set_title(title)
    ax.legend(fontsize=8, loc="best")
    ax.grid(axis="x", alpha=0.3)
    return fig


def relative_change(kpis: pd.DataFrame) -> pd.DataFrame:
    """Percent change of each scenario's KPIs from the baseline row (rows: scenarios).

    A KPI that is zero in the baseline gets NaN (no percentage of nothing).
    """
    table = kpis.set_index("case")[[c for c in COMPARED if c in kpis]].astype(float)
    base = table.loc["baseline"]
    scenarios = table.drop(index="baseline")
    return (scenarios - base) / base.where(base != 0) * 100.0
