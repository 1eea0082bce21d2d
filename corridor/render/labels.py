"""People's names, with units, for the KPIs of a comparison: one table for every renderer.

The HTML report, the terminal table of ``corridor scenario compare``, :meth:`Comparison.explain
<corridor.scenario.Comparison.explain>` and the comparison chart all label a KPI column
(``plan_objective_usd_per_day``) by :func:`kpi_label` (``plan objective, USD/day``); the
column names themselves stay as they are in :attr:`Comparison.kpis` and ``--json``.
"""

from __future__ import annotations

from typing import Literal

Change = Literal["percent", "absolute", "points", "none"]
"""How a KPI's change against the baseline is shown: percent of the baseline's value,
a signed difference in the KPI's unit, percentage points (shares) or not at all (text)."""

KPI_LABELS: dict[str, tuple[str, Change]] = {
    "year": ("year evaluated", "none"),
    "compared_with": ("compared with", "none"),
    "quoted": ("shipments quoted", "absolute"),
    "failed": ("shipments failed", "absolute"),
    "shipments_compared": ("shipments in the means", "absolute"),
    "mean_cost_usd": ("quote cost, USD (mean)", "percent"),
    "mean_planned_hours": ("quote planned hours, h (mean)", "percent"),
    "mean_co2e_kg": ("quote CO2e, kg (mean)", "percent"),
    "plan_objective_usd_per_day": ("plan objective, USD/day", "percent"),
    "plan_teu_per_day": ("carried, TEU/day", "absolute"),
    "plan_unserved_teu_per_day": ("unserved, TEU/day", "absolute"),
    "plan_cost_usd_per_day": ("plan cost, USD/day", "percent"),
    "plan_teu_km_per_day": ("transport work, TEU-km/day", "percent"),
    "plan_co2e_kg_per_day": ("plan CO2e, kg/day", "percent"),
    "top_bottleneck": ("top bottleneck", "none"),
}
"""KPI column → (label with its unit, how its change is shown). ``share_<mode>`` columns are
labelled by :func:`kpi_label`."""

MODE_NAMES = {
    "road": "road",
    "rail_1000": "metre gauge",
    "rail_1435": "standard gauge",
    "river": "river",
    "sea": "sea",
    "air": "air",
}
"""Modes as people name them."""


def kpi_label(name: str) -> str:
    """The label of a KPI column, with its unit (``share_road``: ``road share, % of TEU-km``).

    A column this table does not know keeps its own name.

    Examples
    --------
    >>> kpi_label("plan_objective_usd_per_day")
    'plan objective, USD/day'
    >>> kpi_label("share_rail_1435")
    'standard gauge share, % of TEU-km'
    """
    if name.startswith("share_"):
        mode = name.removeprefix("share_")
        return f"{MODE_NAMES.get(mode, mode)} share, % of TEU-km"
    return KPI_LABELS.get(name, (name, "none"))[0]


def change_kind(name: str) -> Change:
    """How the change of a KPI column is shown (shares in percentage points)."""
    if name.startswith("share_"):
        return "points"
    return KPI_LABELS.get(name, (name, "percent"))[1]
