"""The command line: output, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from corridor.cli import app

runner = CliRunner()


def test_network_validate_ok():
    result = runner.invoke(app, ["network", "validate"])
    assert result.exit_code == 0, result.output
    assert "every row has a source" in result.output


def test_network_validate_reports_a_bad_file_in_one_line(data_copy: Path, edit_cell):
    line = edit_cell("legs.csv", 0, "km", "-1")
    result = runner.invoke(app, ["network", "validate", "--data", str(data_copy)])
    assert result.exit_code == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.count("\n") == 0
    assert message.startswith(f"error: legs.csv, line {line}, column 'km': ")
    assert "Traceback" not in result.output


def test_network_info_json_counts_match_the_network(network):
    result = runner.invoke(app, ["network", "info", "--json"])
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["places"] == len(network.places)
    assert info["legs_by_mode"]["rail_1000"] == sum(
        leg.mode.value == "rail_1000" for leg in network.legs.values()
    )
    assert info["total_km"] == round(sum(leg.km for leg in network.legs.values()), 1)


def test_network_info_year_counts_planned_lines():
    now = json.loads(runner.invoke(app, ["network", "info", "--json"]).stdout)
    later = json.loads(runner.invoke(app, ["network", "info", "--year", "2031", "--json"]).stdout)
    assert later["legs"] > now["legs"]
    assert 2030 in now["opening_years"] and later["not_yet_open"] == 0


def test_network_info_table():
    result = runner.invoke(app, ["network", "info"])
    assert result.exit_code == 0
    assert "Legs by mode" in result.stdout and "rail_1435" in result.stdout


def test_places_by_vietnamese_and_chinese_name():
    for query in ("Lào Cai", "lao cai", "老街"):
        result = runner.invoke(app, ["places", query, "--json"])
        assert result.exit_code == 0
        assert json.loads(result.stdout)[0]["id"] == "lao_cai"


def test_places_unknown_exits_2_with_one_line():
    result = runner.invoke(app, ["places", "Zzyzx"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: no place 'Zzyzx'"


def test_places_bad_option_is_a_usage_error():
    result = runner.invoke(app, ["places", "Hanoi", "--year", "soon"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_quote_table_and_json():
    result = runner.invoke(app, ["quote", "Kunming", "Hai Phong", "--teu", "2"])
    assert result.exit_code == 0, result.output
    assert "Hekou North station" in result.stdout and "total" in result.stdout
    result = runner.invoke(
        app,
        ["quote", "Côn Minh", "Lach Huyen", "--year", "2031", "--mode", "rail_1435", "--json"],
    )
    payload = json.loads(result.stdout)
    assert payload["modes"] == ["rail_1435"] and payload["year"] == 2031


def test_quote_options_reach_the_library():
    args = ["quote", "Kunming", "Hanoi", "--mode", "road", "--avoid", "kim_thanh", "--json"]
    payload = json.loads(runner.invoke(app, args).stdout)
    assert "kim_thanh" not in {s["to_place"] for s in payload["steps"]}
    args = ["quote", "Kunming", "Hai Phong", "--objective", "time", "--json"]
    fast = json.loads(runner.invoke(app, args).stdout)
    cheap = json.loads(runner.invoke(app, ["quote", "Kunming", "Hai Phong", "--json"]).stdout)
    assert fast["totals"]["hours_p50"] < cheap["totals"]["hours_p50"]


def test_quote_failures_exit_codes():
    cases = [
        (["quote", "Kunming", "Tien Son", "--cargo", "dangerous"], 1, "no handling"),
        (["quote", "Kunmign", "Hanoi"], 2, "did you mean"),
        (["quote", "Kunming", "Hanoi", "--teu", "0"], 2, "teu must be positive"),
        (["quote", "Kunming", "Hanoi", "--cargo", "frozen"], 2, "unknown cargo 'frozen'"),
        (["quote", "Kunming", "Hanoi", "--mode", "teleport"], 2, "unknown mode"),
        (["quote", "Kunming", "Hanoi", "--avoid", "Hanoi"], 2, "origin or destination"),
    ]
    for args, code, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.stderr
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.output
