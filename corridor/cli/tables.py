"""Rich tables of results: one route's steps, several routes, the KPIs of a comparison."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rich.markup import escape
from rich.table import Column, Table

from corridor.cli.common import out
from corridor.routing import Quote

if TYPE_CHECKING:
    import pandas as pd


def fitted(table: Table) -> Table:
    """``table`` if it fits the terminal at its natural width, else one block per row.

    A block lists the row's cells beside their column names, each cell whole, so nothing is
    cut to "…" or broken inside a word (ids are copied from these tables into ``--avoid``).
    """
    natural = out.measure(table, options=out.options.update_width(10_000)).maximum
    if natural <= out.width:
        return table
    records = Table(
        Column(style="bold", no_wrap=True),
        Column(overflow="fold"),
        show_header=False,
        title=table.title,
        caption=table.caption,
        caption_justify=table.caption_justify,
    )
    columns = [
        (str(column.header).replace("\n", " "), list(column.cells)) for column in table.columns
    ]
    for row in range(table.row_count):
        for number, (name, cells) in enumerate(columns, start=1):
            records.add_row(name, cells[row], end_section=number == len(columns))
    return records


def usd(value: float) -> str:
    """A price to one decimal; blank when unknown; never ``-0.0``."""
    return "" if np.isnan(value) else f"{round(value, 1) + 0.0:,.1f}"


HOURS_CAPTION = (
    "planned h: sum of the steps' P50 hours, what the optimiser minimises and a deadline "
    "bounds; sim. P50/P90: simulated door-to-door hours (waits for departures, gate hours)"
)


def quote_table(q: Quote) -> Table:
    """The steps of one route; the total row gives the planned hours, the next the simulated."""
    s = q.shipment
    rate = f"; {q.currency} at {q.rate_text}" if q.rate is not None else ""
    table = Table(
        "step",
        q.currency,
        "h P50",
        "h P90",
        "kg CO2e",
        title=f"{q.names[s.origin]} → {q.names[s.destination]}, "
        f"{q.boxes} {s.cargo.value}, {q.year}, optimised for {q.objective}",
        caption_justify="left",
        caption="total h: planned, the sum of the steps' P50 (what the optimiser minimises and "
        "a deadline bounds); door to door: simulated hours (waits for departures, gate hours)"
        f"{rate}",
    )
    for step in q.steps:
        table.add_row(
            escape(q.describe(step)),
            f"{q.in_currency(step.cost_usd):,.0f}",
            f"{step.hours_p50:.1f}",
            f"{step.hours_p90:.1f}",
            f"{step.co2e_kg:,.0f}",
        )
    table.add_row(
        "[bold]total[/bold] (planned h)",
        f"[bold]{q.cost:,.0f}[/bold]",
        f"[bold]{q.planned_hours:.1f}[/bold]",
        "",
        f"{q.co2e_kg:,.0f}",
    )
    table.add_row("door to door, simulated", "", f"{q.hours_p50:.1f}", f"{q.hours_p90:.1f}", "")
    return table


def routes_table(quotes: list[Quote], title: str) -> Table:
    """One row per route; on a narrow terminal the names wrap whole (never cut to "…")."""
    names = [Column(name, overflow="fold") for name in ("modes", "gates", "transshipments at")]
    first = quotes[0] if quotes else None
    currency = first.currency if first is not None else "USD"
    rate = f"; {currency} at {first.rate_text}" if first is not None and first.rate else ""
    figures = [
        Column(name, justify="right")
        for name in (currency, "planned h", "sim. P50", "sim. P90", "kg CO2e")
    ]
    table = Table(
        Column("#", no_wrap=True),
        *names,
        *figures,
        title=title,
        caption=HOURS_CAPTION + rate,
        caption_justify="left",
    )
    for rank, q in enumerate(quotes, 1):
        gates = "; ".join(q.names.get(s.ref, s.ref) for s in q.border_crossings)
        where = ", ".join(q.names.get(s.from_place, s.from_place) for s in q.transshipments)
        table.add_row(
            str(rank),
            " → ".join(q.modes),
            escape(gates),
            escape(where),
            f"{q.cost:,.0f}",
            f"{q.planned_hours:.1f}",
            f"{q.hours_p50:.1f}",
            f"{q.hours_p90:.1f}",
            f"{q.co2e_kg:,.0f}",
        )
    return table


CASE_WIDTH = 18
"""Characters per case column when the KPI table is split to fit the terminal."""


def kpi_tables(kpis: pd.DataFrame, title: str, width: int) -> list[Table]:
    """The KPI table (one column per case, the baseline first), fitted to ``width``.

    One table when the cases fit at their natural width; else several, each with the KPI
    names, the baseline the cases are compared with (a scenario that sets its own year has
    the baseline of that year) and as many of those cases, in order, as fit.
    """
    label = max(len("KPI"), *(len(str(name)) for name in kpis.index)) + 3
    natural = [
        max(len(str(case)), *(len(cell) for cell in kpis[case])) + 3 for case in kpis.columns
    ]
    if label + sum(natural) + 1 <= width:
        parts, cap = [kpis], None
    else:
        per = max(1, (width - label - 1) // (CASE_WIDTH + 3) - 1)
        against = kpis.loc["compared_with"]
        parts = []
        for baseline in kpis.columns[against == ""]:
            cases = list(kpis.columns[against == baseline])
            parts += [
                kpis[[baseline, *cases[start : start + per]]] for start in range(0, len(cases), per)
            ] or [kpis[[baseline]]]
        cap = CASE_WIDTH
    tables = []
    for number, part in enumerate(parts, start=1):
        name = title if len(parts) == 1 else f"{title}, {number} of {len(parts)}"
        table = Table("KPI", title=name)
        for case in part.columns:
            table.add_column(str(case), max_width=cap, overflow="fold")
        for kpi, values in part.iterrows():
            table.add_row(str(kpi), *values)
        tables.append(table)
    return tables


def print_notes(quotes: list[Quote]) -> None:
    """Each route's notes (capacity exceeded, a via gate not crossed) under its table."""
    for rank, q in enumerate(quotes, 1):
        label = f"note (#{rank})" if len(quotes) > 1 else "note"
        for note in q.notes:
            out.print(f"[yellow]{label}:[/yellow] {escape(note)}")
