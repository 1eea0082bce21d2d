"""Criticality: each element closed in turn, ranked by the loss; checked against closing by hand."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor import InvalidRequestError, criticality, plan
from corridor.cli import app
from corridor.scenario import Close, Scenario

SAMPLE = Path(__file__).parents[1] / "data" / "demand" / "sample_2026.csv"
BRIDGE = "hekou_north_lao_cai_rail"  # the only metre-gauge rail crossing at Lao Cai
runner = CliRunner()


@pytest.fixture(scope="module")
def ranked():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return criticality(SAMPLE, workers=1)


def by_hand(network, kind: str, element: str) -> tuple[float, float]:
    """The objective and unserved TEU/day of the sample planned with one element closed."""
    closing = Scenario(
        name="by hand", source="estimate: test", operations=[Close(close=kind, id=element)]
    )
    result = plan(SAMPLE, network=closing.apply(network))
    return result.objective_usd_per_day, result.totals["unserved_teu_per_day"]


def test_every_element_of_the_year_is_ranked_once(ranked, network):
    ranking = ranked.ranking
    transfers = len(network.transfers)
    assert len(ranking) == len(network.legs) + len(network.crossings) + transfers
    assert ranking.index.is_unique
    assert ranking["loss_usd_per_day"].is_monotonic_decreasing
    assert set(ranking["status"]) <= {"ok", "no flow"}


def test_a_leg_without_flow_has_zero_loss_as_closing_it_by_hand_shows(ranked, network):
    idle = ranked.ranking[ranked.ranking["status"] == "no flow"]
    leg = idle[idle["kind"] == "legs"].index[0]
    assert idle.loc[leg, "loss_usd_per_day"] == 0
    objective, unserved = by_hand(network, "legs", leg)
    baseline = ranked.baseline
    assert objective == pytest.approx(baseline["objective_usd_per_day"], rel=1e-9)
    assert unserved == pytest.approx(baseline["unserved_teu_per_day"])


def test_the_only_rail_bridge_at_lao_cai_ranks_above_an_idle_leg(ranked):
    ranking = ranked.ranking
    order = list(ranking.index)
    idle = ranking[(ranking["status"] == "no flow") & (ranking["kind"] == "legs")].index[0]
    assert ranking.loc[BRIDGE, "loss_usd_per_day"] > 0
    assert ranking.loc[BRIDGE, "baseline_teu_per_day"] > 0
    assert order.index(BRIDGE) < order.index(idle)
    assert ranking.loc[BRIDGE, "rerouted_teu_per_day"] > 0


def test_the_top_five_equal_closing_each_by_hand(ranked, network):
    baseline = ranked.baseline
    for element, row in ranked.ranking.head(5).iterrows():
        objective, unserved = by_hand(network, row["kind"], element)
        loss = objective - baseline["objective_usd_per_day"]
        assert row["loss_usd_per_day"] == pytest.approx(loss, rel=1e-9), element
        added = unserved - baseline["unserved_teu_per_day"]
        assert row["unserved_teu_per_day"] == pytest.approx(added, abs=1e-6), element


def test_kinds_and_ids_choose_the_elements_and_a_pool_gives_the_same(ranked):
    chosen = criticality(SAMPLE, elements=["crossings", "road_hanoi_lang_son"], workers=2)
    assert set(chosen.ranking["kind"]) == {"crossings", "legs"}
    assert "road_hanoi_lang_son" in chosen.ranking.index
    for element, row in chosen.ranking.iterrows():
        expected = ranked.ranking.loc[element, "loss_usd_per_day"]
        assert row["loss_usd_per_day"] == pytest.approx(expected, rel=1e-9), element
    with pytest.raises(InvalidRequestError, match="'bridges' is no element kind"):
        criticality(SAMPLE, elements="bridges")


def test_progress_is_reported_to_a_callback():
    calls: list[tuple[int, int]] = []
    result = criticality(
        SAMPLE, elements="crossings", workers=1, progress=lambda *a: calls.append(a)
    )
    replanned = int((result.ranking["status"] == "ok").sum())
    assert calls == [(done, replanned) for done in range(1, replanned + 1)]


def test_results_are_json_safe_and_explained(ranked):
    document = ranked.to_dict()
    again = json.loads(json.dumps(document))
    assert again["ranking"][0]["element"] == ranked.ranking.index[0]
    assert len(again["ranking"]) == len(ranked.ranking)
    assert ranked.ranking.index[0] in ranked.explain(3)
    assert repr(ranked).startswith("<Criticality 2026: ")
    drawn = ranked.map().get_root().render()
    assert "loss when closed" in drawn
    assert ranked.ranking.index[0] in drawn  # the most critical element has its tooltip


def test_the_cli_writes_the_ranking_and_map_and_keeps_json_clean(tmp_path):
    out, html = tmp_path / "ranking.csv", tmp_path / "critical.html"
    args = ["criticality", str(SAMPLE), "--elements", "crossings", "--workers", "1"]
    result = runner.invoke(app, [*args, "--out", str(out), "--map", str(html), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)  # nothing but the JSON on stdout: no progress bar
    table = pd.read_csv(out, index_col="element")
    assert list(table.index) == [row["element"] for row in document["ranking"]]
    assert not math.isnan(table["loss_usd_per_day"].iloc[0])
    assert "loss when closed" in html.read_text("utf-8")
    assert "━" not in result.stderr  # no bar when stderr is not a terminal
