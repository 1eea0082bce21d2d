"""Static charts for reports (matplotlib): Pareto chart, scenario comparison, route and plan maps.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot state, no display
needed); save them with ``fig.savefig("out.png", dpi=150)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgba
from matplotlib.figure import Figure

from corridor.errors import InvalidRequestError
from corridor.render.geo import link_loads
from corridor.render.labels import kpi_label
from corridor.render.lines import drawn_links, drawn_step
from corridor.render.style import (
    MODE_COLOURS,
    UNLIMITED_COLOUR,
    UTILISATION_COLOURS,
    width_steps,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd
    from matplotlib.axes import Axes

    from corridor.model import Place
    from corridor.network import Network
    from corridor.planning import Plan
    from corridor.routing import Quote
    from corridor.scenario import Comparison

COMPARED = (
    "mean_cost_usd",
    "mean_planned_hours",
    "mean_co2e_kg",
    "plan_objective_usd_per_day",
    "plan_cost_usd_per_day",
    "plan_co2e_kg_per_day",
    "plan_unserved_teu_per_day",
)
"""KPIs drawn by :func:`comparison_chart` (those present), labelled by :func:`kpi_label`."""


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
    order = np.argsort(hours)
    if np.all(np.diff(np.asarray(cost)[order]) <= 0):  # a cost/time front: draw its staircase
        ax.step(
            np.asarray(hours)[order],
            np.asarray(cost)[order],
            where="post",
            color="grey",
            linewidth=0.8,
            zorder=0,
        )
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
    colours = distinct_colours(len(change))
    for i, (case, values) in enumerate(change.iterrows()):
        ax.barh(
            rows + i * height, values.fillna(0.0), height=height, label=str(case), color=colours[i]
        )
    ax.set_yticks(rows + height * (len(change) - 1) / 2, [kpi_label(c) for c in change.columns])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("% change from the baseline (of the scenario's year)")
    ax.invert_yaxis()
    ax.set_title(title)
    ax.legend(fontsize=8, loc="best")
    ax.grid(axis="x", alpha=0.3)
    return fig


def distinct_colours(n: int) -> list[tuple[float, float, float, float]]:
    """``n`` different colours for the cases of a chart.

    matplotlib's ``tab10``, then the lighter shades of ``tab20``; evenly spaced ``turbo``
    colours for more than 20.
    """
    if n > len(colormaps["tab20"].colors):
        return [colormaps["turbo"](x) for x in np.linspace(0.05, 0.95, n)]
    tab20 = colormaps["tab20"].colors
    return [to_rgba(c) for c in [*tab20[::2], *tab20[1::2]][:n]]


def relative_change(kpis: pd.DataFrame) -> pd.DataFrame:
    """Percent change of each scenario's KPIs from its baseline row (rows: scenarios).

    A scenario's baseline is the row its ``compared_with`` names (the baseline of its year);
    without that column, the row ``baseline``. A KPI that is zero in the baseline gets NaN
    (no percentage of nothing).
    """
    indexed = kpis.set_index("case")
    table = indexed[[c for c in COMPARED if c in kpis]].astype(float)
    if "compared_with" in indexed:
        against = indexed["compared_with"].dropna()
    else:
        against = pd.Series("baseline", index=indexed.index.drop("baseline"))
    base = table.loc[against.to_numpy()].set_axis(against.index)
    return (table.loc[against.index] - base) / base.where(base != 0) * 100.0


def route_chart(quote: Quote) -> Figure:
    """A static map of a route: the network in grey, the legs coloured by mode, places named.

    Legs follow their lines, parallel links set apart (:mod:`corridor.render.lines`).

    Raises
    ------
    InvalidRequestError
        If the quote carries no network.
    """
    network = quote.network
    if network is None:
        msg = "this quote carries no network to draw"
        raise InvalidRequestError(msg)
    fig, ax = _map_axes(network)
    moving = [s for s in quote.steps if s.kind in {"leg", "border"}]
    ax.add_collection(
        LineCollection(
            [[(lon, lat) for lat, lon in drawn_step(network, s)] for s in moving],
            colors=[MODE_COLOURS.get(s.to_mode or "", "#555") for s in moving],
            linewidths=3,
        )
    )
    drayage = [s for s in quote.steps if s.kind == "drayage"]  # an estimate: straight, dotted
    for s in drayage:
        a, b = quote.place(s.from_place), quote.place(s.to_place)
        ax.plot([a.lon, b.lon], [a.lat, b.lat], ":", color=MODE_COLOURS.get("road", "#555"), lw=3)
    ends = (p for s in moving + drayage for p in (s.from_place, s.to_place))
    for place in (quote.place(p) for p in dict.fromkeys(ends)):
        x, y = _xy(place)
        ax.plot(x, y, "o", color="black", markersize=3)
        ax.annotate(place.name, (x, y), xytext=(4, 2), textcoords="offset points", fontsize=7)
    for mode in dict.fromkeys(s.to_mode for s in moving if s.to_mode):
        ax.plot([], [], color=MODE_COLOURS.get(mode, "#555"), linewidth=3, label=mode)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(
        f"{quote.names[quote.shipment.origin]} → {quote.names[quote.shipment.destination]}: "
        f"{quote.cost_usd:,.0f} USD, {quote.planned_hours:.0f} h planned "
        f"({quote.hours_p50:.0f} h P50 simulated), {quote.co2e_kg:,.0f} kg CO2e",
        fontsize=10,
    )
    return fig


def plan_chart(plan: Plan) -> Figure:
    """A static map of a plan: loaded links, width by TEU/day, colour by utilisation.

    Both directions of a link make one line: width by their sum, colour by the more utilised.
    Links without a capacity in the data are drawn first, fainter, and the others over them
    from the least to the most utilised, so that a saturated rail line shows over the busy
    road beside it. The legend gives the width of a few flows (TEU/day).
    """
    fig, ax = _map_axes(plan.network)
    loads = link_loads(plan)
    limited = loads["utilisation"].notna().to_numpy()
    colours = LinearSegmentedColormap.from_list("utilisation", UTILISATION_COLOURS)
    heaviest = max(float(loads["teu_per_day"].max()), 1.0) if not loads.empty else 1.0

    def width(teu: np.ndarray | float) -> np.ndarray | float:
        return CHART_WIDTH_PT[0] + CHART_WIDTH_PT[1] * np.asarray(teu) / heaviest

    unlimited = loads[~limited]
    ax.add_collection(
        LineCollection(
            [list(line.coords) for line in unlimited.geometry],
            colors=UNLIMITED_COLOUR,
            alpha=UNLIMITED_ALPHA,
            linewidths=width(unlimited["teu_per_day"].to_numpy()),
        )
    )
    capped = loads[limited].sort_values("utilisation")
    ax.add_collection(
        LineCollection(
            [list(line.coords) for line in capped.geometry],
            colors=[colours(min(u, 1.0)) for u in capped["utilisation"]],
            linewidths=width(capped["teu_per_day"].to_numpy()),
        )
    )
    scale = fig.colorbar(
        ScalarMappable(cmap=colours), ax=ax, label="utilisation of capacity", shrink=0.6
    )
    scale.ax.yaxis.set_major_formatter("{x:.0%}")
    ax.plot(
        [],
        [],
        color=UNLIMITED_COLOUR,
        alpha=UNLIMITED_ALPHA,
        linewidth=3,
        label="no capacity given (underneath)",
    )
    for teu in width_steps(heaviest):
        ax.plot([], [], color="#555", linewidth=float(width(teu)), label=f"{teu:,.0f} TEU/day")
    ax.legend(fontsize=8, loc="lower left")
    totals = plan.totals
    ax.set_title(
        f"Plan {plan.year}: {totals['teu_per_day']:,.0f} TEU/day, "
        f"{totals['unserved_teu_per_day']:,.0f} unserved; width ∝ TEU/day (both directions)",
        fontsize=10,
    )
    return fig


CHART_WIDTH_PT = (1.0, 8.0)
"""Plan charts: a link's line width, points: the first figure plus the second times its
TEU/day over the heaviest link's."""
UNLIMITED_ALPHA = 0.45
"""Plan charts: opacity of links without a capacity (drawn under the others)."""


def _map_axes(network: Network) -> tuple[Figure, Axes]:
    """A figure with the whole network in light grey, lon/lat axes at equal scale."""
    links = drawn_links(network)
    fig = Figure(figsize=(7, 6), layout="constrained")
    ax = fig.add_subplot()
    ax.add_collection(
        LineCollection([list(line.coords) for line in links.geometry], colors="#ccc", linewidths=1)
    )
    ax.autoscale_view()
    ax.set_aspect(1 / np.cos(np.radians(22.5)))  # degrees of longitude are shorter here
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    return fig, ax


def _xy(place: Place) -> tuple[float, float]:
    return (place.lon, place.lat)
