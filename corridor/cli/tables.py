"""Rich tables of results: one route's steps, several routes, the KPIs of a comparison."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rich.markup import escape
from rich.table import Column, Table
from rich.text import Text

from corridor.cli.common import out
from corridor.render.text import format_changes, labelled
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


def quote_table(q: Quote, *, emissions: bool = False) -> Table:
    """The steps of one route; the total row gives the planned hours, the next the simulated.

    ``emissions`` adds the ISO 14083 columns: kg CO2e tank to wheel, well to tank, at hubs.
    """
    s = q.shipment
    rate = f"; {q.currency} at {q.rate_text}" if q.rate is not None else ""
    iso = ("kg TTW", "kg WTT", "kg hub") if emissions else ()
    card = ["priced by"] if q.options.get("rates") else []  # a rate card: what priced each step
    table = Table(
        "step",
        q.currency,
        "h P50",
        "h P90",
        "kg CO2e WTW" if emissions else "kg CO2e",
        *iso,
        *card,
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
            *(
                (f"{step.co2e_ttw_kg:,.0f}", f"{step.co2e_wtt_kg:,.0f}", f"{step.hub_co2e_kg:,.0f}")
                if emissions
                else ()
            ),
            *([escape(step.priced_by)] if card else []),
        )
    table.add_row(
        "[bold]total[/bold] (planned h)",
        f"[bold]{q.cost:,.0f}[/bold]",
        f"[bold]{q.planned_hours:.1f}[/bold]",
        "",
        f"{q.co2e_kg:,.0f}",
        *(
            (f"{q.co2e_ttw_kg:,.0f}", f"{q.co2e_wtt_kg:,.0f}", f"{q.hub_co2e_kg:,.0f}")
            if emissions
            else ()
        ),
        *("" for _ in card),
    )
    table.add_row(
        "door to door, simulated",
        "",
        f"{q.hours_p50:.1f}",
        f"{q.hours_p90:.1f}",
        "",
        *("" for _ in iso),
        *("" for _ in card),
    )
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


def comparison_tables(
    kpis: pd.DataFrame, title: str, width: int, *, names: dict[str, str] | None = None
) -> list[Table | Text]:
    """The KPIs of a comparison as one table: a row per KPI, a column per case.

    A baseline's column holds its values, a scenario's (headed ``#1``, ``#2``, ... in the
    order of the cases, each after the baseline it is compared with) its change against that
    baseline (:func:`corridor.render.text.format_changes`). Under the table: a key naming
    each numbered scenario, and the top bottleneck of each case (grouped where equal).
    Only when the columns do not fit ``width`` is the table split, each part with the KPI
    labels and the baselines its scenarios are compared with. ``names`` gives a text to
    show for a ``top_bottleneck`` value (its capacity's name).
    """
    table = labelled(format_changes(kpis))
    cases = list(kpis["case"])
    against = dict(zip(cases, kpis.get("compared_with", [None] * len(cases)), strict=True))
    groups = [  # each baseline, and the scenarios compared with it
        (case, [c for c in cases if against[c] == case])
        for case in cases
        if not _scenario(against[case])
    ]
    in_order = [case for _, scenarios in groups for case in scenarios]
    number = {case: n for n, case in enumerate(in_order, 1)}
    heads = {  # baseline 2028 over two lines
        case: f"#{number[case]}" if case in number else str(case).replace(" ", "\n", 1)
        for case in cases
    }
    shown = [(base, scenarios) for base, scenarios in groups if scenarios] or groups[:1]
    parts = _fit(shown, table, heads, width)
    tables: list[Table | Text] = []
    for count, part in enumerate(parts, start=1):
        name = title if len(parts) == 1 else f"{title}, {count} of {len(parts)}"
        tables.append(_kpi_table(table, part, heads, name))
    key = Text()
    for case, n in number.items():
        year = kpis.loc[kpis["case"] == case, "year"].iloc[0]
        key.append(f"#{n} ", style="bold")
        key.append(f"{case} ({year}, against {against[case]})\n")
    if number:
        key.append(
            "changes: % of the baseline, pt: percentage points, TEU/day and counts as "
            "differences; =: unchanged, ~0: a change that rounds to 0\n",
            style="dim",
        )
    if "top_bottleneck" in kpis:
        by_text: dict[str, list[str]] = {}
        shown = [*(c for c in cases if c not in number), *number]
        bottlenecks = dict(zip(cases, kpis["top_bottleneck"], strict=True))
        for case in shown:
            text = bottlenecks[case]
            label = str(text) if isinstance(text, str) and text else "none"
            label = (names or {}).get(label, label)
            by_text.setdefault(label, []).append(heads[case].replace("\n", " "))
        for text, where in by_text.items():
            key.append("top bottleneck", style="bold")
            key.append(f" ({', '.join(where)}): {text}\n")
    if key:
        key.rstrip()
        tables.append(key)
    return tables


def _scenario(against: object) -> bool:
    """Whether a case is a scenario: it names the baseline it is compared with."""
    return isinstance(against, str) and bool(against)


def _fit(
    groups: list[tuple[str, list[str]]], table: pd.DataFrame, heads: dict[str, str], width: int
) -> list[list[str]]:
    """The columns in as few parts as fit ``width``, each scenario beside its baseline.

    ``groups``: each baseline with the scenarios compared with it, in order.
    """
    parts: list[list[str]] = []
    part: list[str] = []
    for base, scenarios in groups:
        for case in scenarios or [base]:
            add = [c for c in dict.fromkeys((base, case)) if c not in part]
            if part and _width(_kpi_table(table, part + add, heads, "")) > width:
                parts.append(part)
                part = list(dict.fromkeys((base, case)))
            else:
                part += add
    parts.append(part)
    return parts


def _width(table: Table) -> int:
    return out.measure(table, options=out.options.update_width(10_000)).maximum


def _kpi_table(table: pd.DataFrame, part: list[str], heads: dict[str, str], title: str) -> Table:
    result = Table(Column("KPI", overflow="fold"), title=title or None)
    for case in part:
        result.add_column(heads[case], justify="right", overflow="fold")
    for label, values in table[part].iterrows():
        result.add_row(str(label), *(str(v) for v in values))
    return result


def print_notes(quotes: list[Quote]) -> None:
    """Each route's notes (capacity exceeded, a via gate not crossed) under its table."""
    for rank, q in enumerate(quotes, 1):
        label = f"note (#{rank})" if len(quotes) > 1 else "note"
        for note in q.notes:
            out.print(f"[yellow]{label}:[/yellow] {escape(note)}")
