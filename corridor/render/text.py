"""Results as text for people: the KPI table of a comparison, a plan's summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from corridor.render.labels import change_kind, kpi_label

if TYPE_CHECKING:
    import pandas as pd

    from corridor.planning import Plan

KPI_INTEGERS = ("year", "quoted", "failed", "shipments_compared")
"""KPIs that count (printed without decimals)."""


def format_kpis(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KPI table as text, one row per KPI and one column per case, for people to read.

    Shares as percent; counts and years as integers; hours to 0.1; other numbers to 3
    decimals between 0 and 1, else (0 included) to the unit with thousands separators; no
    ``-0``; missing values blank.
    """
    import pandas as pd

    table = kpis.set_index("case")
    text = {}
    for name, column in table.items():
        text[name] = [_format_kpi(str(name), value) for value in column]
    return pd.DataFrame(text, index=table.index).T


def labelled(table: pd.DataFrame) -> pd.DataFrame:
    """A table of :func:`format_kpis` or :func:`format_changes` with its rows labelled.

    Each KPI is named by :func:`corridor.render.labels.kpi_label`, with its unit.
    """
    return table.rename(index=lambda name: kpi_label(str(name)))


SHOWN_ONCE = ("year", "compared_with", "top_bottleneck")
"""KPIs :func:`format_changes` leaves out: the key and the lines under the table give them."""


def format_changes(kpis: pd.DataFrame) -> pd.DataFrame:
    """A row per KPI: each baseline's values, and each scenario's change against its baseline.

    Columns are the cases (the baseline first); a scenario's column (``compared_with`` set)
    holds its change against the row it is compared with: percent of the baseline's value
    (``+1.2 %``), a signed difference in the KPI's unit (TEU/day, counts) or percentage
    points (shares), as :func:`corridor.render.labels.change_kind` says; ``=`` when equal,
    ``~0 %`` when the change rounds to nothing. :data:`SHOWN_ONCE` KPIs are left out.
    """
    import pandas as pd

    table = kpis.set_index("case")
    against = table.get("compared_with")
    names = [str(n) for n in table.columns if n not in SHOWN_ONCE]
    columns = {}
    for case, row in table.iterrows():
        base = None if against is None or not isinstance(against[case], str) else against[case]
        columns[case] = [
            _format_kpi(name, row[name])
            if base is None
            else format_change(name, table.loc[base, name], row[name])
            for name in names
        ]
    return pd.DataFrame(columns, index=names)


def format_change(name: str, base: object, value: object) -> str:
    """The change of KPI ``name`` from ``base`` to ``value`` as :func:`format_changes` shows it.

    Examples
    --------
    >>> format_change("plan_cost_usd_per_day", 1000.0, 1012.0)
    '+1.2 %'
    >>> format_change("plan_unserved_teu_per_day", 0.0, 12.0), format_change("share_road", 0.5, 0.4)
    ('+12', '-10.0 pt')
    """
    if _missing(base) or _missing(value) or isinstance(value, str) or isinstance(base, str):
        return ""
    old, new = float(base), float(value)  # type: ignore[arg-type]
    if old == new:
        return "="
    kind = change_kind(name)
    if kind == "points":
        return _signed((new - old) * 100, 1, " pt")
    if kind == "absolute" or old == 0:
        return _signed(new - old, 1 if abs(new - old) < 10 and new != round(new) else 0, "")
    percent = (new - old) / abs(old) * 100
    return _signed(percent, 1 if abs(percent) >= 0.05 else 2, " %")


def _signed(number: float, digits: int, unit: str) -> str:
    """``+1.2 %``; ``~0 %`` for a change that rounds to nothing (never ``-0``)."""
    rounded = round(number, digits)
    if rounded == 0:
        return f"~0{unit}"
    return f"{rounded:+,.{digits}f}{unit}"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _format_kpi(name: str, value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    if name.startswith("share_"):
        return f"{round(number * 100, 1) + 0.0:.1f} %"
    if name in KPI_INTEGERS:
        return str(round(number))
    digits = 1 if name.endswith("_hours") else 3 if 0 < abs(number) < 1 else 0
    return f"{round(number, digits) + 0.0:,.{digits}f}"


def plan_summary(plan: Plan) -> list[str]:
    """A plan's headline and, when not proven optimal, how far from the optimum it may be.

    The headline gives the year, month, objective, method and daily totals.
    """
    totals = plan.totals
    month = f", month {plan.month}" if plan.month else ""
    lines = [
        f"Plan {plan.year}{month} ({plan.objective}, {plan.method}): "
        f"{totals['teu_per_day']:,.0f} TEU/day carried, "
        f"{totals['unserved_teu_per_day']:,.0f} unserved, "
        f"{totals['cost_usd_per_day']:,.0f} USD/day, "
        f"{totals['co2e_kg_per_day'] / 1000:,.0f} t CO2e/day"
    ]
    if not plan.optimal:
        lines.append(
            f"not proven optimal: the optimum is at least {plan.bound_usd_per_day:,.0f} "
            f"USD/day (this plan is within {plan.gap:.2%} of it)"
        )
    return lines
