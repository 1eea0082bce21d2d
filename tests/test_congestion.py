"""Queues at gates and terminals: system optimum (LP) against user equilibrium (Frank-Wolfe)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from corridor import DataError, InvalidRequestError, congestion, load_network
from corridor.cli import app

SAMPLE = Path(__file__).parents[1] / "data" / "demand" / "sample_2026.csv"
HUU_NGHI = "youyiguan_huu_nghi (both directions)"
runner = CliRunner()


@pytest.fixture(scope="module")
def sample(network):
    return congestion(SAMPLE, network=network)


def test_with_almost_no_flow_both_assignments_run_at_free_flow(network):
    result = congestion(SAMPLE, network=network, growth=1e-6)
    for prefix in ("system", "equilibrium"):
        assert np.allclose(result.elements[f"{prefix}_delay_hours"], 0.0, atol=1e-9)
    system, equilibrium = result.totals.loc["system optimum"], result.totals.loc["equilibrium"]
    assert equilibrium["delay_teu_hours_per_day"] == pytest.approx(0.0, abs=1e-9)
    # without queues both are every trip on its cheapest route: the same generalised cost
    assert system["generalised_usd_per_day"] == pytest.approx(
        equilibrium["generalised_usd_per_day"], rel=1e-6
    )


def test_the_equilibrium_gap_is_below_its_tolerance(sample):
    assert 0 <= sample.relative_gap <= sample.tolerance == 1e-4
    assert sample.iterations >= 1


def test_the_system_optimum_costs_no_more_than_the_equilibrium(sample):
    system = sample.totals.loc["system optimum", "generalised_usd_per_day"]
    equilibrium = sample.totals.loc["equilibrium", "generalised_usd_per_day"]
    assert system <= equilibrium
    assert (
        sample.totals.loc["system optimum", "delay_teu_hours_per_day"]
        < sample.totals.loc["equilibrium", "delay_teu_hours_per_day"]
    )


def test_queues_follow_the_volume_delay_function(sample):
    rows = sample.elements
    expected = rows["free_hours"] * rows["alpha"] * rows["equilibrium_ratio"] ** rows["beta"]
    assert np.allclose(rows["equilibrium_delay_hours"], expected)
    assert rows["equilibrium_ratio"].is_monotonic_decreasing  # most loaded first


def test_a_gate_queue_rises_with_demand(network):
    delays = [
        congestion(SAMPLE, network=network, growth=g).elements.loc[HUU_NGHI]
        for g in (0.5, 1.0, 1.5, 2.0)
    ]
    for prefix in ("equilibrium", "system"):
        queue = [row[f"{prefix}_delay_hours"] for row in delays]
        assert queue == sorted(queue), (prefix, queue)
        assert queue[-1] > queue[0]


def test_bad_settings_are_bad_requests(network):
    with pytest.raises(InvalidRequestError, match="growth must be more than 0"):
        congestion(SAMPLE, network=network, growth=0)
    with pytest.raises(InvalidRequestError, match="tolerance must be from"):
        congestion(SAMPLE, network=network, tolerance=0.5)
    with pytest.raises(InvalidRequestError, match="value_of_time must be from 0"):
        congestion(SAMPLE, network=network, value_of_time_usd_per_teu_hour=-1)


def test_results_are_json_safe_and_the_cli_agrees(sample, tmp_path):
    document = json.loads(json.dumps(sample.to_dict()))
    assert document["equilibrium"]["relative_gap"] == sample.relative_gap
    assert {row["assignment"] for row in document["totals"]} == {"system optimum", "equilibrium"}
    out = tmp_path / "gates.csv"
    result = runner.invoke(app, ["congestion", str(SAMPLE), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["totals"] == document["totals"]
    assert out.read_text("utf-8").startswith("element,kind,ref,name,capacity_teu_day")
    assert repr(sample).startswith("<Congestion 2026: ")
    assert HUU_NGHI in sample.explain(len(sample.elements))


def test_a_volume_delay_row_names_a_known_element_and_numbers_in_range(data_copy):
    path = data_copy / "volume_delay.csv"
    original = path.read_text("utf-8")
    path.write_text(original + "crossings,hekou_kim_tanh,0.5,4,estimate: test\n", "utf-8")
    with pytest.raises(
        DataError,
        match=r"line 4, column 'element': no crossing 'hekou_kim_tanh'; "
        r"did you mean 'hekou_kim_thanh'\?",
    ):
        load_network(2026, data_copy)
    path.write_text(original + "crossings,hekou_kim_thanh,0.5,40,estimate: test\n", "utf-8")
    with pytest.raises(DataError, match=r"column 'beta': must be from 1 to 10"):
        load_network(2026, data_copy)
    path.write_text(original + "transfers,lao_cai_station:road>rail_1000,0.5,2,estimate: t\n")
    network = load_network(2026, data_copy)
    own = network.volume_delay("transfers", "lao_cai_station:road>rail_1000")
    assert (own.alpha, own.beta) == (0.5, 2.0)
    assert network.volume_delay("transfers", "yen_vien:rail_1435>road").alpha == 0.15
