"""HTML reports: a scenario comparison on one self-contained page (tables, chart and maps).

The page holds the scenarios (with, for each one that leaves the plan as it was, why), the
KPIs of each case and their change against the baseline with readable labels and units, a
chart of the changes, a map of each case's flows and of each scenario's change of flow, each
case's bottlenecks and unserved demand by name, and the quoted routes that changed. Leaflet
and the chart are inline; only the map tiles are fetched by the browser.
"""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from corridor.render.charts import comparison_chart
from corridor.render.text import format_changes, format_kpis, labelled

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from corridor.scenario import Comparison, Scenario

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("corridor.render", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def comparison_html(
    comparison: Comparison,
    scenarios: Sequence[Scenario] = (),
    *,
    title: str = "Scenario comparison",
) -> str:
    """One HTML page comparing scenarios with the baseline.

    It lists the scenarios (description, source, and why a scenario leaves the plan as it
    was), the KPIs side by side and their change against the baseline, a chart of the
    changes, with a demand table the flow map of each case and the difference map of each
    scenario (:mod:`corridor.render.report_maps`), each case's bottlenecks and unserved
    demand, and the shipments whose best route changed. The chart is a PNG data URL and
    Leaflet is inline, so the page is a single file.
    """
    kpis = comparison.kpis
    chart = None
    if len(kpis) > 1 and "compared_with" in kpis and kpis["compared_with"].notna().any():
        buffer = io.BytesIO()
        comparison_chart(comparison).savefig(buffer, format="png", dpi=110)
        chart = base64.b64encode(buffer.getvalue()).decode("ascii")
    why = _explanations(comparison)
    return _TEMPLATES.get_template("comparison.html.j2").render(
        title=title,
        version=version("corridor"),
        year=", ".join(str(y) for y in kpis["year"].unique()),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        scenarios=[(s, why.get(s.name)) for s in scenarios],
        notes=[note for note in comparison.notes if note not in why.values()],
        kpis=Markup(_html(labelled(format_kpis(kpis)), index=True)),
        changes_table=(
            Markup(_html(labelled(format_changes(kpis)), index=True)) if chart else None
        ),
        chart=chart,
        maps=_maps(comparison),
        cases=_cases(comparison),
        changes=(
            None if comparison.changes.empty else Markup(_html(comparison.changes, index=False))
        ),
    )


def _html(frame: pd.DataFrame, *, index: bool) -> str:
    """A table: numbers to the unit with thousands separators, missing values blank."""
    return frame.to_html(index=index, na_rep="", float_format=lambda x: f"{x:,.0f}", border=0)


def _explanations(comparison: Comparison) -> dict[str, str]:
    """Scenario name → the note saying why it leaves the plan (nearly) as it was."""
    return {
        s.name: note
        for s in comparison.scenarios
        for note in comparison.notes
        if note.startswith(f"{s.name!r} leaves the plan")
    }


def _pairs(comparison: Comparison) -> tuple[dict[str, Any], dict[str, str]]:
    """Scenario case → (its baseline's plan, its plan), and → its baseline's name."""
    plans = comparison.plans
    against = {
        row.case: row.compared_with
        for row in comparison.kpis.itertuples()
        if isinstance(getattr(row, "compared_with", None), str)
    }
    against = {c: b for c, b in against.items() if c in plans and b in plans}
    return {c: (plans[b], plans[c]) for c, b in against.items()}, against


def _maps(comparison: Comparison) -> dict[str, Any] | None:
    """The flow and difference maps as parts of the page, or None without plans."""
    if not comparison.plans:
        return None
    from corridor.render.report_maps import difference_map, embedded, flows_map, leaflet_head

    parts: dict[str, Any] = {"head": Markup(leaflet_head())}
    element, script = embedded(flows_map(comparison.plans))
    parts["flows"] = (Markup(element), Markup(script))
    pairs, against = _pairs(comparison)
    if pairs:
        element, script = embedded(difference_map(pairs, against))
        parts["difference"] = (Markup(element), Markup(script))
    return parts


def _cases(comparison: Comparison) -> list[dict[str, Any]]:
    """Each planned case's bottlenecks and unserved demand, as HTML tables with names."""
    if not comparison.plans:
        return []
    from corridor.render.report_maps import plan_tables

    cases = []
    for case, result in comparison.plans.items():
        tables = plan_tables(result)
        top = tables["bottlenecks"].head(1)
        cases.append(
            {
                "case": case,
                "saturated": len(tables["bottlenecks"]),
                "top": None if top.empty else f"{top.iloc[0]['capacity']} ({top.iloc[0]['id']})",
                "bottlenecks": Markup(_html(tables["bottlenecks"], index=False)),
                "unserved_teu": float(tables["unserved"]["unserved, TEU/day"].sum()),
                "unserved": (
                    None
                    if tables["unserved"].empty
                    else Markup(_html(tables["unserved"], index=False))
                ),
            }
        )
    return cases
