"""HTML reports: a scenario comparison on one self-contained page (tables and chart inline)."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from importlib.metadata import version
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from corridor.render.charts import comparison_chart
from corridor.render.text import format_kpis

if TYPE_CHECKING:
    from collections.abc import Sequence

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

    It lists the scenarios (description, source), the KPIs side by side, a chart of the change
    against the baseline and the shipments whose best route changed. The chart is embedded as
    a PNG data URL, so the page is a single file.
    """
    kpis = format_kpis(comparison.kpis)
    chart = None
    if len(comparison.kpis) > 1:
        buffer = io.BytesIO()
        comparison_chart(comparison).savefig(buffer, format="png", dpi=110)
        chart = base64.b64encode(buffer.getvalue()).decode("ascii")
    return _TEMPLATES.get_template("comparison.html.j2").render(
        title=title,
        version=version("corridor"),
        year=", ".join(str(y) for y in comparison.kpis["year"].unique()),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        scenarios=scenarios,
        notes=comparison.notes,
        kpis=Markup(kpis.to_html()),
        chart=chart,
        changes=(
            None if comparison.changes.empty else Markup(comparison.changes.to_html(index=False))
        ),
    )
