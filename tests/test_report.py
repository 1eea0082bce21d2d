"""Static charts (matplotlib) and the HTML scenario report."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape
from matplotlib.colors import to_rgba
from typer.testing import CliRunner

from corridor import InvalidRequestError, load_network, pareto, plan, quote
from corridor.cli import app
from corridor.data import default_data_dir
from corridor.render.charts import (
    comparison_chart,
    pareto_chart,
    plan_chart,
    relative_change,
    route_chart,
)
from corridor.render.geo import link_loads
from corridor.render.style import MODE_COLOURS, width_steps
from corridor.scenario import Comparison, Scenario, compare
from corridor.scenario.unchanged import why_unchanged

runner = CliRunner()
DATA = default_data_dir()
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def comparison():
    return compare(
        load_network(2031),
        [Scenario.from_yaml(DATA / "scenarios" / "sgr-delayed-2035.yaml")],
        shipments=[{"origin": "Kunming", "destination": "Lach Huyen"}],
        demand=DATA / "demand" / "sample_2031.csv",
    )


def test_pareto_chart_plots_each_route_at_its_hours_and_cost(network):
    front = pareto("Kunming", "Hai Phong", network=network)
    fig = pareto_chart(front)
    points = fig.axes[0].collections[0]
    assert points.get_offsets().tolist() == [[q.planned_hours, q.cost_usd] for q in front]
    assert list(points.get_array()) == [q.co2e_kg for q in front]  # colour: CO2e
    with pytest.raises(InvalidRequestError, match="no routes"):
        pareto_chart([])


def test_relative_change_is_percent_of_the_baseline(comparison):
    kpis = comparison.kpis.set_index("case")
    change = relative_change(comparison.kpis)
    (case,) = change.index
    base, new = (
        kpis.loc["baseline", "plan_cost_usd_per_day"],
        kpis.loc[case, "plan_cost_usd_per_day"],
    )
    assert change.loc[case, "plan_cost_usd_per_day"] == pytest.approx((new - base) / base * 100)
    assert change.loc[case, "plan_cost_usd_per_day"] > 0  # a late SGR costs more
    # nothing unserved in the baseline: no percentage of nothing
    baseline = comparison.kpis["case"] == "baseline"
    nothing = comparison.kpis.assign(plan_unserved_teu_per_day=np.where(baseline, 0.0, 5.0))
    assert pd.isna(relative_change(nothing).loc[case, "plan_unserved_teu_per_day"])


def test_comparison_chart_draws_one_bar_per_kpi(comparison):
    fig = comparison_chart(comparison)
    widths = [bar.get_width() for bar in fig.axes[0].patches]
    expected = relative_change(comparison.kpis).iloc[0].fillna(0.0)
    assert widths == pytest.approx(list(expected))
    baseline_only = type(comparison)(comparison.kpis.head(1), comparison.changes)
    with pytest.raises(InvalidRequestError, match="no scenario besides the baseline"):
        comparison_chart(baseline_only)


def test_html_report_lists_scenarios_kpis_chart_and_changed_routes(comparison):
    html = comparison.to_html(title="SGR delay")
    (scenario,) = comparison.scenarios
    assert "<h1>SGR delay</h1>" in html
    assert scenario.name in html and scenario.source in html
    cost = comparison.kpis.set_index("case")["plan_cost_usd_per_day"]
    for value in cost:
        assert f"{value:,.0f}" in html
    (change,) = comparison.changes.itertuples()
    assert change.before in html and change.after in html
    (png,) = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert base64.b64decode(png).startswith(PNG)
    assert not re.search(r'(?:src|href)="https?://', html)  # one self-contained file


def test_cli_compare_writes_report_and_chart(tmp_path):
    result = runner.invoke(
        app,
        [
            "scenario",
            "compare",
            str(DATA / "scenarios" / "lao-cai-smart-gate.yaml"),
            "--demand",
            str(DATA / "demand" / "sample_2026.csv"),
            "--out",
            str(tmp_path / "report.html"),
            "--png",
            str(tmp_path / "chart.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'report.html'}\nwrote {tmp_path / 'chart.png'}\n" in result.stderr
    assert "Lao Cai smart border gate" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "chart.png").read_bytes().startswith(PNG)


def test_route_chart_draws_each_leg_in_its_mode_colour(network):
    q = quote("Kunming", "Hai Phong", network=network)
    fig = route_chart(q)
    ax = fig.axes[0]
    route = ax.collections[-1]  # drawn over the grey network
    moving = [s for s in q.steps if s.kind in {"leg", "border"}]
    assert len(route.get_segments()) == len(moving)
    expected = [to_rgba(MODE_COLOURS[s.to_mode]) for s in moving]
    assert [tuple(c) for c in route.get_colors()] == expected
    names = {t.get_text() for t in ax.texts}
    assert {"Kunming", network.places["hai_phong"].name} <= names


def test_route_chart_draws_the_drayage_from_coordinates(network):
    q = quote("21.15,106.16", "Kunming", network=network)
    ax = route_chart(q).axes[0]
    site = q.place(q.shipment.origin)
    ends = {(x, y) for line in ax.lines for x, y in line.get_xydata()}
    assert (site.lon, site.lat) in ends
    assert site.name in {t.get_text() for t in ax.texts}


def test_plan_chart_draws_links_without_capacity_underneath(network):
    """The busy roads without a capacity must not hide the saturated links beside them."""
    result = plan(DATA / "demand" / "sample_2026.csv", network=network)
    links = link_loads(result)
    ax = plan_chart(result).axes[0]
    unlimited, capped = ax.collections[-2], ax.collections[-1]  # drawn in this order
    limited = links["utilisation"].notna()
    assert len(unlimited.get_segments()) == (~limited).sum() > 0
    assert len(capped.get_segments()) == limited.sum() > 0
    assert unlimited.get_alpha() < 1
    capped_links = links[limited].sort_values("utilisation")
    assert capped.get_linewidths()[-1] == pytest.approx(  # the most utilised, drawn last
        1 + 8 * capped_links["teu_per_day"].iloc[-1] / links["teu_per_day"].max()
    )
    widths = [*unlimited.get_linewidths(), *capped.get_linewidths()]
    assert max(widths) == pytest.approx(9.0)  # the heaviest link, whichever it is
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "no capacity given (underneath)" in labels
    assert [label for label in labels if label.endswith(" TEU/day")] == [
        f"{teu:,.0f} TEU/day" for teu in width_steps(links["teu_per_day"].max())
    ]


def test_plan_map_draws_links_without_capacity_first_and_keys_the_widths(network):
    result = plan(DATA / "demand" / "sample_2026.csv", network=network)
    html = result.map().get_root().render()
    links = link_loads(result)
    unlimited = links[links["utilisation"].isna()]
    saturated = links[links["utilisation"] >= 0.999]
    assert len(unlimited) and len(saturated)
    first_saturated = min(html.index(tip) for tip in saturated["tooltip"])
    last_unlimited = max(html.index(tip) for tip in unlimited["tooltip"])
    assert last_unlimited < first_saturated  # Leaflet draws in order: saturated on top
    for teu in width_steps(links["teu_per_day"].max()):
        assert f"</span> {teu:,.0f}" in html  # the width key, TEU/day
    assert "width, TEU/day" in html


def test_cli_quote_and_plan_png(tmp_path):
    result = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--png", str(tmp_path / "q.png")])
    assert result.exit_code == 0 and (tmp_path / "q.png").read_bytes().startswith(PNG)
    assert result.stderr == f"wrote {tmp_path / 'q.png'}\n"
    demand = str(DATA / "demand" / "sample_2026.csv")
    result = runner.invoke(app, ["plan", demand, "--png", str(tmp_path / "p.png")])
    assert result.exit_code == 0 and (tmp_path / "p.png").read_bytes().startswith(PNG)


def test_comparison_chart_gives_every_scenario_its_own_colour():
    cases = [f"scenario {i}" for i in range(11)]
    kpis = pd.DataFrame(
        {
            "case": ["baseline", *cases],
            "compared_with": [None] + ["baseline"] * len(cases),
            "plan_cost_usd_per_day": [100.0 + i for i in range(len(cases) + 1)],
        }
    )
    fig = comparison_chart(Comparison(kpis, pd.DataFrame()))
    ax = fig.axes[0]
    colours = [tuple(container.patches[0].get_facecolor()) for container in ax.containers]
    assert len(colours) == len(cases) and len(set(colours)) == len(cases)


@pytest.fixture(scope="module")
def unchanged():
    """The 2026 sample under the six shipped projects that leave its plan (nearly) as it is."""
    files = [
        "red-river-upgrade",
        "ct05-widening",
        "ban-vuoc-bridge",
        "ma-lu-thang-bridge",
        "sa-pa-airport-cargo",
        "lao-cai-smart-gate",
    ]
    return compare(
        load_network(2026),
        [Scenario.from_yaml(DATA / "scenarios" / f"{name}.yaml") for name in files],
        demand=DATA / "demand" / "sample_2026.csv",
    )


def test_a_scenario_that_changes_nothing_says_why(unchanged):
    notes = {
        s.name: [n for n in unchanged.notes if n.startswith(f"{s.name!r} leaves the plan")]
        for s in unchanged.scenarios
    }
    assert all(len(found) == 1 for found in notes.values()), notes
    plans = unchanged.plans
    top = plans["baseline"].bottlenecks.iloc[0]
    river = notes["Red River waterway upgrade Yen Bai - Viet Tri"][0]
    assert "(river_yen_bai_viet_tri)" in river and "No flow uses" in river
    assert f"binds is elsewhere: Pingxiang – Dong Dang railway, from Pingxiang ({top['ref']})" in (
        river
    )
    assert f"saves {top['marginal_saving_usd']:,.0f} USD/day" in river
    ct05 = notes["Yen Bai - Lao Cai expressway widened to 4 lanes"][0]
    flow = plans["baseline"].arcs.query("ref == 'road_ct05_lao_cai_yen_bai'")["teu_per_day"].sum()
    assert flow > 0 and f"carries {flow:,.1f} TEU/day in the baseline plan" in ct05
    assert "(--objective generalised)" in ct05  # by cost alone, hours saved do not count
    assert "--objective" not in river
    gate = notes["Lao Cai smart border gate"][0]
    assert "nearly unchanged" in gate and "(hekou_kim_thanh)" in gate and "not saturated" in gate
    assert "against 'baseline 2031'" in notes["Sa Pa airport with a daily cargo service"][0]
    # the report says it under each scenario, and once only
    html = unchanged.to_html()
    for (note,) in notes.values():
        assert html.count(str(escape(note))) == 1
    assert html.count("Why the plan hardly changes") == len(notes)


def test_a_scenario_that_changes_the_plan_gets_no_such_note(comparison):
    (scenario,) = comparison.scenarios
    assert not [n for n in comparison.notes if "leaves the plan" in n]
    base, late = comparison.plans["baseline"], comparison.plans[scenario.name]
    assert why_unchanged(scenario, base, late) is None
    assert why_unchanged(scenario, base, base) is not None  # the same plan: unchanged


def test_the_report_has_flow_and_difference_maps_and_named_tables(unchanged):
    html = unchanged.to_html()
    assert html.count('class="folium-map"') == 2  # flows of each case; change of flow
    assert html.count("data:text/javascript;base64,") == 1  # Leaflet inline, once
    for case in unchanged.plans:
        assert json.dumps(f"{case}: ")[1:-2] in html  # a layer per case
    assert "plan_objective_usd_per_day" not in html and "plan objective, USD/day" in html
    # the bottlenecks by name, their ids beside them
    base = unchanged.plans["baseline"].bottlenecks.iloc[0]
    assert "<td>Pingxiang – Dong Dang railway, from Pingxiang</td>" in html
    assert f"<td>{base['ref']}</td>" in html
    assert not re.search(r'(?:src|href)="https?://', html)  # one self-contained file
