"""Notebook displays: each result's ``_repr_html_`` shows its headline, main table and notes."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pandas as pd

from corridor import compare, plan, quote
from corridor.render.html import quote_html
from corridor.scenario import Scenario

DEMAND = "data/demand/sample_2026.csv"


def test_a_quote_shows_its_totals_steps_and_map(network):
    q = quote("Kunming", "Hai Phong", network=network)
    html = q._repr_html_()
    assert f"{q.cost_usd:,.0f} USD" in html and f"{q.km:,.0f} km" in html
    for step in q.steps:
        assert f"<td>{escape(step.ref)}</td>" in html
    assert "<iframe" in html and "srcdoc" in html  # folium's map, Leaflet inline
    assert "<iframe" not in quote_html(q, map=False)


def test_a_plan_shows_its_summary_bottlenecks_and_routes(network):
    p = plan(Path(__file__).parents[1] / DEMAND, network=network)
    html = p._repr_html_()
    assert f"{p.totals['teu_per_day']:,.0f} TEU/day carried" in html
    for ref in p.bottlenecks["ref"]:
        assert f"<td>{ref}</td>" in html
    assert len(re.findall(r"<tr>", html)) >= len(p.routes) + len(p.bottlenecks)


def test_a_comparison_and_a_network_show_their_tables(network):
    c = compare(
        network,
        [Scenario(name="none", source="estimate: a test", operations=[])],
        shipments=pd.DataFrame([{"origin": "Kunming", "destination": "Hanoi"}]),
    )
    html = c._repr_html_()
    assert "<th>baseline</th>" in html and "<th>none</th>" in html
    shown = network._repr_html_()
    assert f"{len(network.places)} places, {len(network.legs)} legs" in shown
    assert shown.count("<tr>") == 1 + len({leg.mode for leg in network.legs.values()})
