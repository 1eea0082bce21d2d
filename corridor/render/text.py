"""Result tables as text for people: the KPI table of a comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.scenario.kpis import KPI_INTEGERS


def format_kpis(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KPI table as text, one row per KPI and one column per case, for people to read.

    Shares as percent; counts and years as integers; hours to 0.1; other numbers to 3
    decimals between 0 and 1, else (0 included) to the unit with thousands separators; no
    ``-0``; missing values blank.
    """
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
