"""Results as text for people: the KPI table of a comparison, a plan's summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
