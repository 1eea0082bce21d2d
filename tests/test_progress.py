"""Progress of long runs: callbacks in the library, a bar on a terminal, none with --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from corridor import compare, plan, quote_many
from corridor.cli import app, common
from corridor.progress import Steps, counted, progress_bar
from corridor.scenario import check_file, find_scenario

SAMPLE = Path(__file__).parents[1] / "data" / "demand" / "sample_2026.csv"
runner = CliRunner()


def recorder() -> tuple[list[tuple[int, int]], object]:
    calls: list[tuple[int, int]] = []
    return calls, lambda done, total: calls.append((done, total))


def test_quote_many_tells_each_row(network):
    calls, progress = recorder()
    rows = [{"origin": "Kunming", "destination": d} for d in ("Hanoi", "Atlantis", "Hanoi")]
    table = quote_many(rows, network=network, progress=progress)
    assert len(table) == 3
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_a_plan_tells_each_marginal_re_solve(network):
    calls, progress = recorder()
    result = plan(SAMPLE, network=network, marginal=True, progress=progress)
    saturated = int(result.capacities["marginal_saving_usd"].notna().sum())
    assert saturated > 0
    assert calls == [(i, saturated) for i in range(1, saturated + 1)]


def test_compare_tells_each_case_step(network):
    calls, progress = recorder()
    gate = find_scenario("lao-cai-smart-gate")
    shipments = [{"origin": "Kunming", "destination": "Hai Phong"}]
    compare(network, [check_file(gate, network)], shipments=shipments, progress=progress)
    assert calls == [(1, 2), (2, 2)]  # the baseline's quotes, then the scenario's


def test_counting_helpers():
    calls, progress = recorder()
    assert list(counted(["a", "b"], progress)) == ["a", "b"]
    steps = Steps(progress, 3)
    steps.step()
    assert calls == [(1, 2), (2, 2), (1, 3)]
    with progress_bar("x", shown=False) as bar:
        assert bar is None


def test_a_bar_only_on_a_terminal_and_never_with_json(monkeypatch):
    monkeypatch.setattr(common, "err", Console(stderr=True, force_terminal=True))
    assert common.show_progress(as_json=False)
    assert not common.show_progress(as_json=True)
    monkeypatch.setattr(common, "err", Console(stderr=True, force_terminal=False))
    assert not common.show_progress(as_json=False)


@pytest.mark.parametrize(
    "command",
    [["plan", str(SAMPLE)], ["scenario", "compare", "lao-cai-smart-gate", "--demand", str(SAMPLE)]],
)
def test_json_output_is_json_alone(command):
    result = runner.invoke(app, [*command, "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
