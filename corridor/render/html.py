"""HTML of results for notebooks (``_repr_html_``): a headline, the main table, the notes.

Jupyter shows a :class:`~corridor.routing.result.Quote`, :class:`~corridor.planning.result.
Plan`, :class:`~corridor.scenario.comparison.Comparison` or :class:`~corridor.network.Network`
as HTML when it is the last value of a cell. A quote adds its map (one route: cheap to draw;
Leaflet is inline, so the map shows offline too, with ``map=False`` to leave it out).
Nothing here is imported by ``import corridor``: each result imports this module when it is
shown.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from corridor.network import Network
    from corridor.planning import Plan
    from corridor.routing import Quote
    from corridor.scenario import Comparison

STEP_COLUMNS = ["kind", "ref", "from_mode", "to_mode", "km", "cost_usd", "hours_p50", "hours_p90"]
"""The columns of a quote's steps shown (:meth:`Quote.to_frame` has them all)."""
STYLE = "font-size:12px;border-collapse:collapse"
"""The style of the network's table (the others are pandas' own)."""


def _table(frame: pd.DataFrame, *, index: bool = False) -> str:
    """A table of ``frame``: numbers to 1 decimal, thousands separated, missing blank."""
    return frame.to_html(
        index=index,
        border=0,
        na_rep="",
        float_format=lambda x: f"{x:,.1f}",
        classes="corridor",
        justify="left",
    )


def _notes(notes: tuple[str, ...] | list[str]) -> str:
    return "".join(f"<p><em>note:</em> {escape(note)}</p>" for note in notes)


def quote_html(quote: Quote, *, map: bool = True) -> str:  # noqa: A002 - as Quote.map
    """A quote as HTML: the headline with its totals, the steps, the notes and the map."""
    s = quote.shipment
    headline = escape(
        f"{quote.names[s.origin]} → {quote.names[s.destination]}, {s.teu:g} TEU "
        f"{s.cargo.value}, {quote.year}: {' → '.join(quote.modes)}"
    )
    totals = escape(
        f"{quote.cost_usd:,.0f} USD, {quote.planned_hours:.1f} h planned, "
        f"{quote.hours_p50:.1f} h P50 / {quote.hours_p90:.1f} h P90, "
        f"{quote.co2e_kg:,.0f} kg CO2e, {quote.km:,.0f} km"
    )
    parts = [f"<p><strong>{headline}</strong><br>{totals}</p>"]
    card = ["priced_by"] if quote.options.get("rates") else []  # a rate card: what priced
    parts.append(_table(quote.to_frame()[STEP_COLUMNS + card]))
    parts.append(_notes(quote.notes))
    if map:
        parts.append(quote.map()._repr_html_())  # folium's notebook display: an iframe
    return "<div>" + "".join(parts) + "</div>"


def plan_html(plan: Plan) -> str:
    """A plan as HTML: its summary lines, the bottlenecks, the routes and the notes."""
    from corridor.render.text import plan_summary

    parts = [f"<p><strong>{escape(line)}</strong></p>" for line in plan_summary(plan)]
    if not plan.bottlenecks.empty:
        parts += ["<p>Bottlenecks (saturated capacities)</p>", _table(plan.bottlenecks)]
    parts += ["<p>Routes</p>", _table(plan.routes)]
    if not plan.unserved.empty:
        parts += ["<p>Unserved demand</p>", _table(plan.unserved)]
    parts.append(_notes(plan.notes))
    return "<div>" + "".join(parts) + "</div>"


def comparison_html(comparison: Comparison) -> str:
    """A comparison as HTML: the KPI table (a column per case, labelled), the changed routes."""
    from corridor.render.text import format_kpis, labelled

    parts = [_table(labelled(format_kpis(comparison.kpis)), index=True)]
    if not comparison.changes.empty:
        parts += ["<p>Routes that changed</p>", _table(comparison.changes)]
    parts.append(_notes(comparison.notes))
    return "<div>" + "".join(parts) + "</div>"


def network_html(network: Network) -> str:
    """A network as HTML: its counts, and km and legs by mode (the map: ``network.map()``)."""
    summary = network.summary()
    rows = "".join(
        f"<tr><td>{escape(mode)}</td><td>{count}</td>"
        f"<td>{summary['km_by_mode'][mode]:,.0f}</td></tr>"
        for mode, count in sorted(summary["legs_by_mode"].items())
    )
    headline = escape(
        f"Corridor network {network.year}: {summary['places']} places, {summary['legs']} legs "
        f"({summary['total_km']:,.0f} km), {summary['transfers']} transfers, "
        f"{summary['border_crossings']} border crossings; {summary['not_yet_open']} elements "
        "open later"
    )
    return (
        f'<div><p><strong>{headline}</strong></p><table style="{STYLE}">'
        f"<tr><th>mode</th><th>legs</th><th>km</th></tr>{rows}</table></div>"
    )
