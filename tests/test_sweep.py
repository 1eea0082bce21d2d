"""Sweeps: grid and Monte Carlo runs, identical on one process, a pool and a Dask cluster."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from distributed import LocalCluster

from corridor import DataError, InvalidRequestError, ScenarioError, load_network, plan
from corridor.planning import UNSERVED_PENALTY_USD_PER_TEU
from corridor.scenario import SweepSpec, sweep
from corridor.scenario import sweeps as sweep_module

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def spec(tmp_path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"name: small\nyear: 2031\ndemand: {DATA / 'demand' / 'sample_2031.csv'}\n"
        f"scenarios: [{DATA / 'scenarios' / 'sgr-delayed-2035.yaml'}]\n"
        "grid:\n  demand_growth: [1.0, 1.5]\n"
        "  tariffs.rail_1435:any.usd_per_teu_km: [0.31, 0.6]\n",
        encoding="utf-8",
    )
    return path


def test_grid_runs_every_combination(spec):
    results = sweep(spec, workers=1)
    assert len(results) == 4 and (results["status"] == "ok").all()
    wanted = results["teu_per_day"] + results["unserved_teu_per_day"]
    grown = wanted[results["demand_growth"] == 1.5]
    base = wanted[results["demand_growth"] == 1.0]
    assert grown.to_numpy() == pytest.approx(1.5 * base.to_numpy())
    dear = results["tariffs.rail_1435:any.usd_per_teu_km"] == 0.6
    assert (
        results[dear]["cost_usd_per_day"].to_numpy() > results[~dear]["cost_usd_per_day"].to_numpy()
    ).all()


def test_a_scenario_files_demand_growth_applies_in_every_run(tmp_path):
    """As compare grows the demand by a scenario's demand_growth, so does a sweep."""
    grown = tmp_path / "grown.yaml"
    grown.write_text("name: grown\nsource: 'estimate: test'\ndemand_growth: 1.5\n", "utf-8")
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"name: growth\nyear: 2031\ndemand: {DATA / 'demand' / 'sample_2031.csv'}\n"
        f"scenarios: [{grown}]\ngrid:\n  demand_growth: [1.0, 2.0]\n",
        encoding="utf-8",
    )
    runs = sweep(path, workers=1).set_index("demand_growth")
    wanted = runs["teu_per_day"] + runs["unserved_teu_per_day"]
    table = pd.read_csv(DATA / "demand" / "sample_2031.csv")
    assert wanted[1.0] == pytest.approx(1.5 * table["teu_per_day"].sum())
    assert wanted[2.0] == pytest.approx(3.0 * table["teu_per_day"].sum())


def test_a_spec_names_shipped_scenarios_as_scenario_list_does(tmp_path, monkeypatch, data_copy):
    """Beside the spec a file; else a shipped scenario of the sweep's data folder, never a
    file of the working directory."""
    (tmp_path / "own.yaml").write_text("name: own\nsource: 'estimate: test'\n", "utf-8")
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"name: shipped\ndemand: {DATA / 'demand' / 'sample_2026.csv'}\n"
        "scenarios: [lao-cai-smart-gate, own.yaml]\ngrid: {demand_growth: [1]}\n",
        encoding="utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "lao-cai-smart-gate").write_text("not: a scenario\n", "utf-8")
    monkeypatch.chdir(elsewhere)
    spec = SweepSpec.from_yaml(path)
    files = [sweep_module._scenario_file(spec, s, None) for s in spec.scenarios]
    assert files == [DATA / "scenarios" / "lao-cai-smart-gate.yaml", tmp_path / "own.yaml"]
    copied = sweep_module._scenario_file(spec, spec.scenarios[0], data_copy)
    assert copied == data_copy / "scenarios" / "lao-cai-smart-gate.yaml"
    assert (sweep(spec, workers=1)["status"] == "ok").all()
    path.write_text(path.read_text().replace("own.yaml", "lao-cai-smart-gat"), "utf-8")
    with pytest.raises(ScenarioError, match=r"lao-cai-smart-gat: file not found, nor a shipped"):
        sweep(SweepSpec.from_yaml(path), workers=1)


def test_workers_and_a_dask_scheduler_are_not_given_together(spec):
    with pytest.raises(InvalidRequestError, match="workers .* or dask_address .*, not both"):
        sweep(spec, workers=1, dask_address="tcp://127.0.0.1:1")


def test_a_scenario_of_another_year_is_an_error_not_an_override(tmp_path):
    """dual-gauge-link-first sets year 2028: in a 2031 sweep every run would be a 2028 plan."""
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"name: years\nyear: 2031\ndemand: {DATA / 'demand' / 'sample_2031.csv'}\n"
        f"scenarios: [{DATA / 'scenarios' / 'dual-gauge-link-first.yaml'}]\n"
        "grid:\n  demand_growth: [1.0]\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="sets year 2028 but the sweep is for 2031"):
        sweep(path, workers=1)
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2031", "year: 2028"))
    assert (sweep(path, workers=1)["status"] == "ok").all()


def test_local_pool_gives_the_same_results(spec):
    pd.testing.assert_frame_equal(sweep(spec, workers=1), sweep(spec, workers=2))


@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::ResourceWarning", "ignore::UserWarning"
)
def test_dask_cluster_gives_the_same_results(spec):
    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        remote = sweep(spec, dask_address=cluster.scheduler_address)
    pd.testing.assert_frame_equal(sweep(spec, workers=1), remote)


def test_a_malformed_dask_address_is_a_request_error(spec):
    with pytest.raises(InvalidRequestError, match="'localhost': cannot connect to a scheduler"):
        sweep(spec, dask_address="localhost")


@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::ResourceWarning", "ignore::UserWarning"
)
@pytest.mark.parametrize("where", ["here", "pool", "dask"])
def test_every_run_reads_the_data_folder_given(tmp_path, data_copy, edit_cell, where):
    """In this process, a local worker or a Dask worker: the copy, not the shipped data."""
    edit_cell("tariffs.csv", 1, "fixed_usd_per_teu", "690")  # rail_1435: 69 -> 690 USD/TEU
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"name: data\ndemand: {DATA / 'demand' / 'sample_2026.csv'}\n"
        "grid:\n  demand_growth: [1.0, 1.5]\n",
        encoding="utf-8",
    )
    if where == "dask":
        with LocalCluster(
            n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster:
            results = sweep(path, data_dir=data_copy, dask_address=cluster.scheduler_address)
    else:
        results = sweep(path, data_dir=data_copy, workers=1 if where == "here" else 2)
    assert (results["status"] == "ok").all()
    copy = load_network(2026, data_copy)
    for run, growth in enumerate((1.0, 1.5)):
        demand = pd.read_csv(DATA / "demand" / "sample_2026.csv")
        demand["teu_per_day"] *= growth
        expected = plan(demand, network=copy).objective_usd_per_day
        assert results.loc[run, "objective_usd_per_day"] == pytest.approx(expected)
    shipped = sweep(path, workers=1)
    assert (results["objective_usd_per_day"] > shipped["objective_usd_per_day"]).all()


def test_monte_carlo_is_seeded(tmp_path):
    path = tmp_path / "mc.yaml"
    path.write_text(
        f"name: mc\ndemand: {DATA / 'demand' / 'sample_2026.csv'}\n"
        "monte_carlo:\n  runs: 3\n  seed: 5\n"
        "  ranges: {crossings.hekou_kim_thanh.capacity_teu_day: [100, 3000]}\n",
        encoding="utf-8",
    )
    a, b = SweepSpec.from_yaml(path).runs(), SweepSpec.from_yaml(path).runs()
    assert a == b and len(a) == 3
    assert all(100 <= r["crossings.hekou_kim_thanh.capacity_teu_day"] <= 3000 for r in a)


def test_a_failing_run_is_reported_not_fatal(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"name: bad\ndemand: {DATA / 'demand' / 'sample_2026.csv'}\n"
        "grid:\n  legs.road_kunming_yuxi.km: [90, -5]\n",
        encoding="utf-8",
    )
    results = sweep(path, workers=1)
    assert list(results["status"]) == ["ok", "ScenarioError"]
    assert "km: must be more than 0" in results.loc[1, "message"]


def test_malformed_spec_names_the_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\ndemand: x.csv\ngrid: {colour.red.x: [1]}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"grid: parameter 'colour.red.x'"):
        SweepSpec.from_yaml(path)


def test_a_demand_file_that_is_not_utf8_is_an_error_before_any_run(tmp_path):
    demand = tmp_path / "latin1.csv"
    demand.write_bytes("origin,destination,teu_per_day\nCôn Minh,Hanoi,2\n".encode("latin-1"))
    path = tmp_path / "spec.yaml"
    path.write_text(f"name: latin1\ndemand: {demand}\ngrid: {{demand_growth: [1, 2]}}\n")
    message = f"{demand}, line 2, column 'origin': not UTF-8 text (byte 0xf4)"
    with pytest.raises(DataError) as raised:
        sweep(path, workers=1)
    assert str(raised.value) == f"{message}; save the file as UTF-8"


@pytest.mark.parametrize("workers", [0, -2])
def test_fewer_than_one_worker_is_a_bad_request(spec, workers):
    with pytest.raises(InvalidRequestError, match=f"workers must be 1 or more, got {workers}"):
        sweep(spec, workers=workers)


@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if any run starts: the spec must be rejected before."""

    def run_once(spec, params, data_dir=None):
        raise AssertionError(f"a run started: {params}")

    monkeypatch.setattr(sweep_module, "run_once", run_once)


def _spec(tmp_path, body: str, demand: str = "sample_2031.csv") -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"name: check\nyear: 2031\ndemand: {DATA / 'demand' / demand}\n{body}", encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "grid:\n  crossings.hekou_kimthanh.capacity_teu_day*: [0.5, 1]\n",
            "line 5: grid: crossings.hekou_kimthanh.capacity_teu_day*: no crossing "
            "'hekou_kimthanh'; did you mean 'hekou_kim_thanh'",
        ),
        (
            "grid:\n  demand_growth: [1]\n  crossings.hekou_kim_thanh.capacity_teu_dya: [9]\n",
            "line 6: grid: crossings.hekou_kim_thanh.capacity_teu_dya: unknown field(s) "
            "capacity_teu_dya for crossings; did you mean capacity_teu_day?",
        ),
        (
            "monte_carlo:\n  runs: 3\n  ranges: {legs.road_kunming_yuxii.km: [1, 2]}\n",
            "line 6: monte_carlo.ranges: legs.road_kunming_yuxii.km: no leg "
            "'road_kunming_yuxii'; did you mean 'road_kunming_yuxi'",
        ),
    ],
)
def test_an_unknown_element_or_field_is_an_error_before_any_run(tmp_path, no_runs, body, message):
    path = _spec(tmp_path, body)
    with pytest.raises(ScenarioError) as raised:
        sweep(path, workers=1)
    assert str(raised.value).startswith(f"{path}, {message}")


def test_a_spec_built_in_python_is_named_by_its_name_in_errors(no_runs):
    spec = SweepSpec(
        name="check",
        year=2031,
        demand=DATA / "demand" / "sample_2031.csv",
        grid={"legs.road_kunming_yuxii.km": [1.0]},
    )
    with pytest.raises(ScenarioError, match=r"^sweep 'check', grid: legs.road_kunming_yuxii.km: "):
        sweep(spec, workers=1)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "grid:\n  demand_growth: [1, 0]\n",
            r"line 5: grid: demand_growth must be more than 0 and at most 100, got 0$",
        ),
        (
            "monte_carlo:\n  runs: 3\n  ranges: {demand_growth: [-1, 2]}\n",
            r"monte_carlo.ranges: demand_growth must be more than 0 and at most 100, got -1$",
        ),
        (
            "monte_carlo:\n  runs: 3\n  ranges: {legs.road_kunming_yuxi.km: [120, 80]}\n",
            r"legs.road_kunming_yuxi.km: the range \[120, 80\] goes down; write \[low, high\]$",
        ),
    ],
)
def test_growth_of_zero_or_less_and_falling_ranges_are_errors(tmp_path, no_runs, body, message):
    with pytest.raises(ScenarioError, match=message):
        sweep(_spec(tmp_path, body), workers=1)


def test_an_element_a_scenario_adds_can_be_swept(tmp_path):
    """The names are checked on the network with the sweep's scenarios applied, in order."""
    added = tmp_path / "link.yaml"
    added.write_text(
        "name: link\nsource: 'estimate: test'\noperations:\n"
        "  - add: legs\n    row: {id: road_test_link, origin: lao_cai, destination: yen_bai,"
        " mode: road, km: 150, speed_kmh: 50, reefer: true, dangerous: false,"
        " source: 'estimate: test'}\n",
        encoding="utf-8",
    )
    path = _spec(tmp_path, f"scenarios: [{added}]\ngrid:\n  legs.road_test_link.km: [150, 160]\n")
    results = sweep(path, workers=1)
    assert list(results["status"]) == ["ok", "ok"]


def test_a_scenario_that_does_not_apply_is_an_error_before_any_run(tmp_path, no_runs):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nsource: 'estimate: t'\noperations: [{update: legs, id: nowhere}]\n",
        encoding="utf-8",
    )
    message = f"^{bad}: scenario 'bad', line 3, operations.0: no leg"
    with pytest.raises(ScenarioError, match=message):
        sweep(_spec(tmp_path, f"scenarios: [{bad}]\ngrid:\n  demand_growth: [1, 2]\n"))


def test_broken_data_is_an_error_before_any_run(tmp_path, no_runs, monkeypatch, edit_cell):
    line = edit_cell("legs.csv", 0, "km", "-1")
    monkeypatch.setenv("CORRIDOR_DATA", str(tmp_path / "data"))
    with pytest.raises(DataError, match=f"legs.csv, line {line}, column 'km'"):
        sweep(_spec(tmp_path, "grid:\n  demand_growth: [1, 2]\n"), workers=2)


def test_a_bad_demand_table_is_an_error_before_any_run(tmp_path, no_runs):
    demand = tmp_path / "demand.csv"
    demand.write_text("origin,destination,teu_per_day\nKunming,Atlantis,3\n", encoding="utf-8")
    path = _spec(tmp_path, "grid:\n  demand_growth: [1, 2]\n", demand=str(demand))
    with pytest.raises(DataError, match="line 2, column 'destination': no place 'Atlantis'"):
        sweep(path, workers=1)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "grid: {demand_growth: [1]}\nmonte_carlo: {runs: 2, ranges: {demand_growth: [1, 2]}}\n",
            "give either grid or monte_carlo, not both",
        ),
        (
            "objective: cheapest\ngrid: {demand_growth: [1]}\n",
            "objective: objective must be one of",
        ),
        (
            "monte_carlo: {runs: 2, ranges: {colour.red.x: [1, 2]}}\n",
            "monte_carlo.ranges: parameter 'colour.red.x'",
        ),
    ],
)
def test_contradictory_or_malformed_specs_are_rejected_when_read(tmp_path, body, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        SweepSpec.from_yaml(_spec(tmp_path, body))


def test_runs_report_the_objective_with_unserved_demand(tmp_path):
    """More gate capacity carries more at a higher cost: only the objective shows the gain."""
    body = "grid:\n  demand_growth: [2]\n  crossings.youyiguan_huu_nghi.capacity_teu_day*: [1, 2]\n"
    path = _spec(tmp_path, body)  # twice the 2031 demand: the Lang Son gates turn some away
    tight, ample = sweep(path, workers=1).itertuples()
    assert tight.unserved_teu_per_day > ample.unserved_teu_per_day
    assert ample.cost_usd_per_day > tight.cost_usd_per_day
    assert ample.objective_usd_per_day < tight.objective_usd_per_day
    for run in (tight, ample):
        assert run.objective_usd_per_day == pytest.approx(
            run.cost_usd_per_day + UNSERVED_PENALTY_USD_PER_TEU * run.unserved_teu_per_day
        )
