"""The KPIs of a plan and of a set of quotes: one definition for comparisons and sweeps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from corridor.planning import Plan


def plan_kpis(result: Plan) -> dict[str, Any]:
    """A plan's KPIs: objective, totals, mode shares of TEU-km, top bottleneck.

    ``objective_usd_per_day`` is what the plan minimises (unserved demand at its penalty);
    the totals are :attr:`Plan.totals <corridor.planning.Plan.totals>`; ``share_<mode>`` the
    shares of TEU-km; ``top_bottleneck`` as :func:`top_bottleneck` says.
    """
    split = result.mode_split / result.mode_split.sum()
    return (
        {"objective_usd_per_day": result.objective_usd_per_day}
        | result.totals
        | {f"share_{mode}": share for mode, share in split.items()}
        | {"top_bottleneck": top_bottleneck(result)}
    )


def top_bottleneck(result: Plan) -> str:
    """The saturated capacity whose next TEU/day saves most; empty when none saves anything.

    Ranked by the re-solved values of a plan made with ``marginal=True`` (a degenerate LP's
    choice among equal duals then shows as no change), else by shadow price (as a sweep,
    which does not pay for the re-solves, ranks them).
    """
    top = result.bottlenecks.head(1)
    if top.empty:
        return ""
    row = top.iloc[0]
    saving = row["marginal_saving_usd"]
    if np.isnan(saving):  # not re-solved (column generation): the LP's shadow price
        return f"{row['ref']} {row['direction']} (shadow price {row['shadow_price_usd']:,.0f})"
    if saving <= 0:
        return ""
    return f"{row['ref']} {row['direction']} (+1 TEU/day saves {saving:,.0f} USD/day)"


def quote_kpis(table: pd.DataFrame, compared: pd.Series) -> dict[str, Any]:
    """KPIs of a :func:`corridor.quote_many` table: counts, and means over ``compared`` rows.

    ``compared`` marks the rows quoted in every case a comparison sets side by side, so
    that a shipment failing in one case does not shift another's means.
    """
    ok = table[compared & (table["status"] == "ok")]
    return {
        "quoted": int((table["status"] == "ok").sum()),
        "failed": int((table["status"] != "ok").sum()),
        "shipments_compared": len(ok),
        "mean_cost_usd": ok["cost_usd"].mean(),
        "mean_planned_hours": ok["planned_hours"].mean(),
        "mean_co2e_kg": ok["co2e_kg"].mean(),
    }
