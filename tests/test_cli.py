"""The command line: output, JSON, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from corridor import UnknownPlaceError, compare, load_network, pareto, plan, quote
from corridor.cli import app, main
from corridor.cli.tables import quote_table, routes_table
from corridor.planning.capacities import UNSERVED_PENALTY_USD_PER_TEU
from corridor.scenario import Scenario

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


def test_network_validate_catches_a_name_two_places_share(data_copy: Path, edit_cell):
    line = edit_cell("places.csv", 2, "name", "Mengzi")  # yuxi's row, above mengzi's
    result = runner.invoke(app, ["network", "validate", "--data", str(data_copy)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"error: places.csv, line {line}, column 'name': places 'yuxi' and 'mengzi' (line 6) "
        "share the name 'mengzi'\n"
    )


def test_a_file_that_is_not_utf8_is_one_line(tmp_path, data_copy: Path):
    places = data_copy / "places.csv"
    latin1 = "Côn Minh".encode("latin-1")
    places.write_bytes(places.read_bytes().replace("Côn Minh".encode(), latin1, 1))
    demand = tmp_path / "demand.csv"
    demand.write_bytes(b"origin,destination,teu_per_day\n" + latin1 + b",Hanoi,2\n")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_bytes(b"name: " + latin1 + b"\nsource: 'estimate: t'\n")
    for args, where in [
        (["network", "validate", "--data", str(data_copy)], "places.csv, line 2, column 'name_vi'"),
        (["plan", str(demand)], f"{demand}, line 2, column 'origin'"),
        (["scenario", "validate", str(scenario)], f"{scenario}, line 1"),
        (
            ["scenario", "compare", "lao-cai-smart-gate", "--demand", str(demand)],
            f"{demand}, line 2, column 'origin'",
        ),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert (
            result.stderr == f"error: {where}: not UTF-8 text (byte 0xf4); save the file as UTF-8\n"
        )


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


@pytest.mark.parametrize("query", ["Kunmign", "Lao"])  # a typo; a prefix of several places
def test_places_without_an_exact_match_says_so_before_the_nearest(query):
    network = load_network(2026)
    with pytest.raises(UnknownPlaceError):
        network.place(query)  # quote would not take it
    nearest = network.index.search(query)
    assert nearest
    listed = ", ".join(f"{p.name} ({p.id})" for p in nearest)
    notice = f"note: no place named {query!r}; nearest: {listed}\n"
    result = runner.invoke(app, ["places", query])
    assert result.exit_code == 0, result.output  # a search that found candidates
    assert result.stderr == notice
    assert all(p.id[:6] in result.stdout for p in nearest)
    as_json = runner.invoke(app, ["places", query, "--json"])
    assert as_json.exit_code == 0 and as_json.stderr == notice
    assert [p["id"] for p in json.loads(as_json.stdout)] == [p.id for p in nearest]


@pytest.mark.parametrize("query", ["Lào Cai", "Yen Vien", "hekou"])  # name, unique prefix, id
def test_places_with_a_match_prints_no_notice(query):
    result = runner.invoke(app, ["places", query])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert load_network(2026).place(query).id[:6] in result.stdout


def test_places_unknown_exits_2_with_one_line():
    result = runner.invoke(app, ["places", "Zzyzx"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: no place 'Zzyzx'"


def test_a_place_that_opens_later_says_when_in_quote_and_places():
    message = "error: Sa Pa airport (sa_pa_airport) opens in 2030; use year 2030 or later\n"
    for args in (["quote", "Kunming", "Sa Pa"], ["places", "Sa Pa"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.stderr == message
    later = runner.invoke(app, ["places", "Sa Pa", "--year", "2030", "--json"])
    assert json.loads(later.stdout)[0]["id"] == "sa_pa_airport"


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
    assert fast["totals"]["planned_hours"] < cheap["totals"]["planned_hours"]


def test_air_quote_shows_the_airport_customs(network):
    (customs,) = network.crossings_on("air_changshui_noi_bai")
    args = ["quote", "KMG", "HAN", "--mode", "air"]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "border " + customs.name.split(" ")[0] in table.stdout
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert payload["totals"]["border_crossings"] == 1
    (border,) = [s for s in payload["steps"] if s["kind"] == "border"]
    assert border["ref"] == customs.id
    assert (border["cost_usd"], border["hours_p50"], border["hours_p90"]) == (
        customs.fee_usd_per_teu,
        customs.hours_p50_cn_vn,
        customs.hours_p90_cn_vn,
    )
    gates = json.loads(runner.invoke(app, ["gates", "--json"]).stdout)
    assert next(g for g in gates if g["id"] == customs.id)["leg"] == "air_changshui_noi_bai"


def test_quote_failures_exit_codes():
    cases = [
        (["quote", "Kunming", "Tien Son", "--cargo", "dangerous"], 1, "no handling"),
        (["quote", "Kunmign", "Hanoi"], 2, "did you mean"),
        (
            ["quote", "Kunming", "Hanoi", "--teu", "0"],
            2,
            "teu must be more than 0 and at most 10,000 TEU",
        ),
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


def test_quote_over_a_capacity_prints_a_note():
    args = ["quote", "Kunming", "Hanoi", "--teu", "500", "--objective", "time"]
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    (note,) = payload["notes"]
    result = runner.invoke(app, [*args])
    assert result.exit_code == 0
    printed = " ".join(result.stdout.split())  # rich wraps long lines
    assert f"note: {note}" in printed and "corridor plan" in printed
    plain = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--teu", "2"])
    assert "note" not in plain.stdout


def test_quote_deadline_and_transshipments():
    args = ["quote", "Kunming", "Hai Phong", "--deadline", "2d", "--max-transshipments", "1"]
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert payload["totals"]["planned_hours"] <= 48
    assert payload["totals"]["transshipments"] <= 1
    assert payload["shipment"]["deadline_hours"] == 48


def test_quote_impossible_deadline_exits_1_with_the_fastest_time():
    result = runner.invoke(app, ["quote", "Kunming", "Hai Phong", "--deadline", "10h"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: deadline 10 h cannot be met: the fastest route takes")
    assert result.stderr.count("\n") == 1


def test_quote_via_and_alternatives():
    via = json.loads(
        runner.invoke(app, ["quote", "Kunming", "Hanoi", "--via", "Huu Nghi", "--json"]).stdout
    )
    assert "huu_nghi" in {s["to_place"] for s in via["steps"]}
    by_cost = ["--alternatives", "3", "--objective", "cost", "--json"]
    result = runner.invoke(app, ["quote", "Kunming", "Hai Phong", *by_cost])
    routes = json.loads(result.stdout)
    assert len(routes) == 3
    costs = [r["totals"]["cost_usd"] for r in routes]
    assert costs == sorted(costs)
    table = runner.invoke(app, ["quote", "Kunming", "Hai Phong", "--alternatives", "2"])
    assert "2 distinct routes" in table.stdout


def test_alternatives_table_names_where_each_route_transships():
    """Routes with the same modes and gate differ in where they change mode: the table says."""
    args = ["quote", "Kunming", "Hanoi", "--alternatives", "3"]
    routes = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    names = {p.id: p.name for p in load_network(2026).places.values()}
    wide = runner.invoke(app, args, env={"COLUMNS": "250"}).stdout
    rows = [line for line in wide.splitlines() if line.startswith("│")]
    assert len(rows) == 3
    for row, route in zip(rows, routes, strict=True):
        places = [s["from_place"] for s in route["steps"] if s["kind"] == "transfer"]
        assert ", ".join(names[p] for p in places) in row


def test_gates_table_shows_the_transload_cost_and_hours():
    wide = runner.invoke(app, ["gates"], env={"COLUMNS": "250"}).stdout
    for crossing in load_network(2026).crossings.values():
        assert crossing.name in wide
        if crossing.trucks is not None and crossing.trucks.value == "transload":
            line = next(row for row in wide.splitlines() if crossing.name in row)
            assert (
                f"+{crossing.transload_usd_per_teu:g} USD, +{crossing.transload_hours:g} h" in line
            )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--confidence", "0.9"], "confidence 0.9 needs a deadline"),
        (["--confidence", "1.5", "--deadline", "3d"], "confidence must be between 0 and 1"),
        (["--deadline", "-3"], "deadline must be a positive duration, got '-3'"),
        (["--deadline", "0h"], "deadline must be a positive duration, got '0h'"),
        (["--data", "/nonexistent/corridor-data"], "data directory /nonexistent/corridor-data"),
        (["--seed", "-1"], "seed must be 0 or more, got -1"),
    ],
)
def test_quote_bad_options_say_what_is_wrong(extra, message):
    result = runner.invoke(app, ["quote", "Kunming", "Hanoi", *extra])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {message}")
    assert "needs a deadline" not in line or "between" not in line


def test_an_os_error_without_a_file_name_is_one_clean_line():
    from corridor.cli.common import one_line_errors

    def write() -> None:
        raise OSError("Cannot save file into a non-existent directory: 'nodir'")

    runner_app = typer.Typer()
    runner_app.command()(one_line_errors(write))
    result = runner.invoke(runner_app, [])
    assert result.exit_code == 2
    assert result.stderr == "error: Cannot save file into a non-existent directory: 'nodir'\n"


def test_quote_contradictions_exit_2():
    cases = [
        (["--via", "Huu Nghi", "--avoid", "Huu Nghi"], "both a via place and avoided"),
        (["--deadline", "soon"], "cannot read 'soon' as a deadline"),
        (["--alternatives", "0"], "alternatives must be 1 or more"),
        (["--max-transshipments", "-1"], "error: --max-transshipments must be 0 or more"),
        (["--carbon-price", "-1"], "error: --carbon-price must be from 0 to 100,000 USD/t CO2e"),
    ]
    for extra, message in cases:
        result = runner.invoke(app, ["quote", "Kunming", "Hanoi", *extra])
        assert result.exit_code == 2, (extra, result.output)
        assert message in result.stderr


def _rendered(table) -> tuple[list[str], list[list[str]]]:
    """Header and body cells of a rich table printed wide enough not to wrap."""
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(table)
    lines = console.export_text().splitlines()
    header = next(line for line in lines if line.startswith("┃"))
    rows = [line for line in lines if line.startswith("│")]
    return [c.strip() for c in header.split("┃")[1:-1]], [
        [c.strip() for c in row.split("│")[1:-1]] for row in rows
    ]


def test_route_tables_show_the_planned_hours_that_were_optimised():
    front = pareto("Kunming", "Hanoi")
    header, rows = _rendered(routes_table(front, "front"))
    planned = header.index("planned h")
    assert header[planned + 1 : planned + 3] == ["sim. P50", "sim. P90"]
    assert [row[planned] for row in rows] == [f"{q.planned_hours:.1f}" for q in front]
    assert [row[planned + 1] for row in rows] == [f"{q.hours_p50:.1f}" for q in front]
    hours = [float(row[planned]) for row in rows]
    assert hours == sorted(hours, reverse=True)  # the table shows a front in what it optimised


def test_quote_table_and_deadline_line_show_the_planned_hours():
    q = quote("Kunming", "Hanoi", deadline=72)
    _, rows = _rendered(quote_table(q))
    (total,) = [row for row in rows if row[0].startswith("total")]
    assert "planned" in total[0] and total[2] == f"{q.planned_hours:.1f}"
    (simulated,) = [row for row in rows if "simulated" in row[0]]
    assert simulated[2:4] == [f"{q.hours_p50:.1f}", f"{q.hours_p90:.1f}"]
    result = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--deadline", "3d"])
    printed = " ".join(result.stdout.split())
    assert f"deadline 72 h: {q.planned_hours:.1f} h planned" in printed
    assert f"{q.planned_hours:.1f} h planned (sum of the steps' P50)" in q.explain()


def test_pareto_command():
    payload = json.loads(runner.invoke(app, ["pareto", "Kunming", "Hai Phong", "--json"]).stdout)
    hours = [p["totals"]["planned_hours"] for p in payload]
    costs = [p["totals"]["cost_usd"] for p in payload]
    assert len(payload) >= 3 and hours == sorted(hours, reverse=True) and costs == sorted(costs)
    result = runner.invoke(app, ["pareto", "Kunming", "Hai Phong", "--objectives", "cost,co2"])
    assert result.exit_code == 0 and "cost vs co2" in result.stdout
    bad = runner.invoke(app, ["pareto", "Kunming", "Hai Phong", "--objectives", "cost,joy"])
    assert bad.exit_code == 2 and "objectives must be two or three of" in bad.stderr


def test_pareto_command_takes_the_simulations_seed_and_samples():
    args = ["pareto", "Kunming", "Hanoi", "--objectives", "COST, Time", "--json"]
    payload = json.loads(runner.invoke(app, [*args, "--samples", "100", "--seed", "3"]).stdout)
    front = pareto("Kunming", "Hanoi", samples=100, seed=3)
    assert [p["totals"]["hours_p50"] for p in payload] == [round(q.hours_p50, 2) for q in front]
    assert payload[0]["options"]["samples"] == 100 and payload[0]["options"]["seed"] == 3


def test_pareto_command_with_three_objectives():
    args = ["pareto", "Kunming", "Hai Phong", "--objectives", "cost,time,co2"]
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    points = [
        (p["totals"]["cost_usd"], p["totals"]["planned_hours"], p["totals"]["co2e_kg"])
        for p in payload
    ]
    two = json.loads(runner.invoke(app, [*args[:3], "--json"]).stdout)
    assert len(points) > len(two)
    assert [p[0] for p in points] == sorted(p[0] for p in points)
    for a in points:  # none dominated by another
        assert not any(b != a and all(x <= y for x, y in zip(b, a, strict=True)) for b in points)
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "cost vs time vs co2" in table.stdout
    repeated = runner.invoke(app, [*args[:3], "--objectives", "cost,cost,co2"])
    assert repeated.exit_code == 2 and "two or three of" in repeated.stderr


def test_quote_ready_prints_the_arrival():
    args = ["quote", "Yen Bai", "Hai Phong", "--mode", "river", "--ready", "2026-07-01T08:00"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "ready 2026-07-01 08:00, arrival P50 2026-07-0" in result.stdout
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert payload["month"] == 7 and payload["arrival_p50"].startswith("2026-07-0")


def test_quote_ready_sets_the_year_unless_contradicted():
    args = ["quote", "Kunming", "Lach Huyen", "--ready", "2031-07-01T08:00"]
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert payload["year"] == 2031
    both = json.loads(runner.invoke(app, [*args, "--year", "2031", "--json"]).stdout)
    assert both["totals"] == payload["totals"]
    for command in ("quote", "pareto"):
        bad = runner.invoke(app, [command, *args[1:], "--year", "2026"])
        assert bad.exit_code == 2
        assert bad.stderr.startswith("error: --year=2026 contradicts --ready=2031-07-01T08:00")


def test_gates_table_and_json():
    payload = json.loads(runner.invoke(app, ["gates", "--month", "7", "--json"]).stdout)
    huu_nghi = next(g for g in payload if g["id"] == "youyiguan_huu_nghi")
    assert huu_nghi["open"] == "07:00-19:00"
    assert huu_nghi["vn_cn_p50_p90"][0] > huu_nghi["cn_vn_p50_p90"][0]  # harvest queue
    result = runner.invoke(app, ["gates"])
    assert result.exit_code == 0 and "Border crossings 2026" in result.stdout
    base = json.loads(runner.invoke(app, ["gates", "--json"]).stdout)
    (off_peak,) = [g["vn_cn_p50_p90"] for g in base if g["id"] == "youyiguan_huu_nghi"]
    factor = huu_nghi["peak_multiplier"]
    assert 7 in huu_nghi["peak_months"] and factor > 1
    assert huu_nghi["vn_cn_p50_p90"] == [factor * off_peak[0], factor * off_peak[1]]
    wide = runner.invoke(app, ["gates", "--month", "7"], env={"COLUMNS": "400"}).stdout
    caption = " ".join(wide.split())  # the caption wraps at the table's width
    assert "peak: months ×factor on the VN→CN clearance P50 and P90 (shown with --month)" in caption
    assert "open: Viet Nam time (UTC+7; an hour later in Beijing time)" in caption


def test_quote_confidence():
    args = ["quote", "Kunming", "Hai Phong", "--deadline", "72h", "--confidence", "0.9"]
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert payload["totals"]["on_time_probability"] >= 0.9
    table = runner.invoke(app, args)
    assert "on time within 72 h: 9" in table.stdout
    bad = runner.invoke(app, ["quote", "Kunming", "Hai Phong", "--confidence", "0.9"])
    assert bad.exit_code == 2 and "needs a deadline" in bad.stderr
    # a CBTA truck plans about 20 h: it meets 20 h on plan but not at 99 % (without
    # permits the fastest route is slower than 20 h on plan, an outright miss)
    never = runner.invoke(app, [*args[:3], "--cbta", "--deadline", "20h", "--confidence", "0.99"])
    assert never.exit_code == 1 and "no route reaches 20 h" in never.stderr


def test_plan_command(tmp_path):
    out_file = tmp_path / "plan.gpkg"
    sample = Path(__file__).parent.parent / "data" / "demand" / "sample_2031.csv"
    args = ["plan", str(sample), "--year", "2031", "--out", str(out_file)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "TEU/day carried" in result.stdout and "Bottlenecks" in result.stdout
    assert out_file.is_file()
    payload = json.loads(runner.invoke(app, [*args[:4], "--json"]).stdout)
    assert payload["totals"]["teu_per_day"] > 0 and payload["bottlenecks"]
    assert all(b["shadow_price_usd"] >= 0 for b in payload["bottlenecks"])


def test_plan_bottlenecks_fit_80_columns_with_whole_ids_and_prices():
    sample = Path(__file__).parent.parent / "data" / "demand" / "sample_2031.csv"
    args = ["plan", str(sample), "--year", "2031"]
    result = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert max(map(len, result.stdout.splitlines())) <= 80 and "…" not in result.stdout
    assert len(payload["bottlenecks"]) > 10
    assert f"the top 10 of {len(payload['bottlenecks'])} (all: --json or --out)" in result.stdout
    for row in payload["bottlenecks"][:10]:
        assert f"{row['element']} {row['ref']}" in result.stdout
        assert f"{row['shadow_price_usd']:,.1f}" in result.stdout


def test_plan_without_a_saturated_capacity_says_so(tmp_path):
    demand = tmp_path / "small.csv"
    demand.write_text("origin,destination,teu_per_day\nKunming,Hanoi,1\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", str(demand)])
    assert result.exit_code == 0, result.output
    assert "No capacity is saturated." in result.stdout and "Bottlenecks" not in result.stdout


def test_plan_month_flag(tmp_path):
    demand = tmp_path / "river.csv"
    demand.write_text("origin,destination,teu_per_day\nYen Bai,Viet Tri,3\n", encoding="utf-8")
    for month, river in (("8", True), ("1", False)):
        result = runner.invoke(app, ["plan", str(demand), "--month", month, "--json"])
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        assert payload["month"] == int(month)
        assert (payload["mode_split_teu_km"].get("river", 0) > 0) == river
    result = runner.invoke(app, ["plan", str(demand), "--month", "8"])
    assert result.stdout.startswith("Plan 2026, month 8 (cost, arcs)")
    result = runner.invoke(app, ["plan", str(demand), "--month", "13"])
    assert result.exit_code != 0 and "month must be 1-12, got 13" in result.output


def test_plan_with_a_scenario_applies_its_year_and_demand_growth(tmp_path):
    demand = tmp_path / "d.csv"
    demand.write_text("origin,destination,teu_per_day\nKunming,Hanoi,10\n", encoding="utf-8")
    later = tmp_path / "later.yaml"
    later.write_text(
        "name: later\nsource: 'estimate: test'\nyear: 2031\ndemand_growth: 1.5\n", "utf-8"
    )
    args = ["plan", str(demand), "--json", "--scenario", str(later)]
    result = runner.invoke(app, [*args, "--scenario", "lao-cai-smart-gate"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["year"] == 2031 and payload["totals"]["teu_per_day"] == pytest.approx(15)
    assert "note: scenario 'later' applied" in result.stderr
    gate = Scenario.from_yaml(
        Path(__file__).parent.parent / "data/scenarios/lao-cai-smart-gate.yaml"
    )
    rows = [{"origin": "Kunming", "destination": "Hanoi", "teu_per_day": 15}]
    expected = plan(rows, network=gate.apply(load_network(2031)))
    assert payload["totals"]["cost_usd_per_day"] == pytest.approx(
        expected.totals["cost_usd_per_day"]
    )
    missing = runner.invoke(app, [*args, "--scenario", "lao-cai-smart-gat"])
    assert missing.exit_code == 2 and "did you mean lao-cai-smart-gate.yaml" in missing.stderr


def test_scenario_compare_says_which_flags_it_needs():
    nothing = runner.invoke(app, ["scenario", "compare", "ct05-widening"])
    assert nothing.exit_code == 2
    assert nothing.stderr == (
        "error: give --demand DEMAND.csv, --shipment ORIGIN:DESTINATION (repeat) or "
        "--shipments FILE.csv\n"
    )
    half = runner.invoke(app, ["scenario", "compare", "ct05-widening", "--shipment", ":Hanoi"])
    assert half.exit_code == 2
    assert half.stderr == "error: --shipment takes ORIGIN:DESTINATION, got ':Hanoi'\n"


def test_scenario_compare_takes_a_shipments_file_and_a_month(tmp_path):
    table = tmp_path / "shipments.csv"
    table.write_text(
        "origin,destination,teu,cargo,value_usd\nKunming,Hanoi,2,reefer,\nLao Cai,Hanoi,1,,900\n",
        encoding="utf-8",
    )
    args = [
        *("scenario", "compare", "lao-cai-smart-gate", "--shipments", str(table)),
        *("--shipment", "Lao Cai:Hai Phong", "--month", "7"),
        *("--objective", "generalised", "--value-usd", "500"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Scenario comparison (generalised, month 7)" in result.stdout
    gate = Scenario.from_yaml(Path(__file__).parents[1] / "data/scenarios/lao-cai-smart-gate.yaml")
    shipments = [  # a row's own value wins over --value-usd
        {"origin": "Kunming", "destination": "Hanoi", "teu": 2, "cargo": "reefer"},
        {"origin": "Lao Cai", "destination": "Hanoi", "teu": 1, "value_usd": 900},
        {"origin": "Lao Cai", "destination": "Hai Phong"},
    ]
    shipments = [{"value_usd": 500} | row for row in shipments]
    expected = compare(
        load_network(2026), [gate], shipments=shipments, objective="generalised", month=7
    ).kpis
    got = pd.DataFrame(json.loads(runner.invoke(app, [*args, "--json"]).stdout)["kpis"])
    assert list(got["quoted"]) == [3, 3]
    for kpi in ("mean_cost_usd", "mean_planned_hours"):
        assert got[kpi].to_numpy() == pytest.approx(expected[kpi].to_numpy())


def test_a_shipment_without_an_origin_fails_its_row_not_the_comparison(tmp_path):
    table = tmp_path / "shipments.csv"
    table.write_text("origin,destination\nKunming,Hanoi\n,Hanoi\n", encoding="utf-8")
    args = ["scenario", "compare", "lao-cai-smart-gate", "--shipments", str(table), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.stdout)["kpis"]
    assert [(k["quoted"], k["failed"]) for k in kpis] == [(1, 1), (1, 1)]
    assert "(none) → Hanoi: each request needs an origin and a destination" in result.stderr


def test_an_error_names_as_flags_only_the_options_the_command_has(tmp_path):
    """compare has no --ready: a shipments file's ready column stays ready in the error."""
    table = tmp_path / "shipments.csv"
    table.write_text("origin,destination,ready\nKunming,Hanoi,2026-12-01T08:00\n", "utf-8")
    args = ["scenario", "compare", "lao-cai-smart-gate", "--shipments", str(table)]
    result = runner.invoke(app, [*args, "--month", "7"])
    assert result.exit_code == 2
    assert result.stderr == "error: every shipment: month=7 contradicts ready=2026-12-01T08:00:00\n"
    quoted = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--ready", "2026-12-01T08:00"])
    late = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--teu", "0"])
    assert quoted.exit_code == 0 and late.exit_code == 2 and "--teu" in late.stderr


def test_plan_summary_prints_no_negative_zero_prices():
    """Saturated elements with a zero shadow price (2026 sample) print as 0.0, not -0.0."""
    sample = Path(__file__).parent.parent / "data" / "demand" / "sample_2026.csv"
    result = runner.invoke(app, ["plan", str(sample), "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert " 0.0 " in result.stdout and "-0.0" not in result.stdout


def test_an_integer_plan_out_of_time_is_one_line_and_exit_1():
    sample = Path(__file__).parent.parent / "data" / "demand" / "sample_2026.csv"
    args = ["plan", str(sample), "--year", "2026", "--integer", "--time-limit", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no plan found within 0 s" in result.stderr


def test_a_negative_plan_time_limit_is_one_line_and_exit_2():
    sample = Path(__file__).parent.parent / "data" / "demand" / "sample_2026.csv"
    result = runner.invoke(app, ["plan", str(sample), "--time-limit", "-1"])
    assert result.exit_code == 2, result.output
    assert result.stderr == ("error: --time-limit must be from 0 to 86,400 s, got -1\n")


def test_plan_command_methods_agree():
    sample = Path(__file__).parent.parent / "data" / "demand" / "sample_2031.csv"
    args = ["plan", str(sample), "--year", "2031", "--json"]
    arcs = json.loads(runner.invoke(app, [*args, "--method", "arcs"]).stdout)
    paths = json.loads(runner.invoke(app, [*args, "--method", "paths"]).stdout)
    assert (arcs["method"], paths["method"]) == ("arcs", "paths")
    assert arcs["optimal"] and paths["optimal"] and arcs["gap"] == 0
    assert paths["bound_usd_per_day"] <= arcs["objective_usd_per_day"] * (1 + 1e-9)
    assert paths["gap"] <= 1e-6
    assert paths["totals"]["cost_usd_per_day"] == pytest.approx(
        arcs["totals"]["cost_usd_per_day"], rel=1e-6
    )
    bad = runner.invoke(app, [*args, "--method", "columns"])
    assert bad.exit_code == 2 and "method must be one of auto, arcs, paths" in bad.stderr
    both = runner.invoke(app, [*args, "--method", "paths", "--integer"])
    assert both.exit_code == 2 and "integer plans use the arc model" in both.stderr


def test_a_plan_stopped_by_its_time_limit_prints_how_far_it_may_be_off():
    sample = Path(__file__).parent.parent / "data" / "demand" / "sample_2031.csv"
    args = ["plan", str(sample), "--year", "2031", "--method", "paths", "--time-limit", "0"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0
    assert "not proven optimal: the optimum is at least" in shown.stdout
    assert "optimum is at least" not in runner.invoke(app, args[:-4]).stdout
    stopped = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert not stopped["optimal"] and stopped["gap"] > 0
    cost = stopped["objective_usd_per_day"]
    assert stopped["bound_usd_per_day"] == pytest.approx(cost * (1 - stopped["gap"]))


def test_plan_bad_demand_is_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("origin,destination,teu_per_day\nKunming,Atlantis,3\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", str(bad)])
    assert result.exit_code == 2
    assert "line 2, column 'destination': no place 'Atlantis'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_scenario_commands():
    root = Path(__file__).parent.parent / "data"
    listed = json.loads(runner.invoke(app, ["scenario", "list", "--json"]).stdout)
    assert {"Lao Cai smart border gate", "Standard-gauge railway delayed to 2035"} <= {
        row["name"] for row in listed
    }
    shown = runner.invoke(app, ["scenario", "show", str(root / "scenarios" / "ct05-widening.yaml")])
    assert shown.exit_code == 0 and "speed_kmh" in shown.stdout
    args = [
        "scenario",
        "compare",
        str(root / "scenarios" / "sgr-delayed-2035.yaml"),
        "--demand",
        str(root / "demand" / "sample_2031.csv"),
        "--shipment",
        "Kunming:Lach Huyen",
        "--year",
        "2031",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Routes that changed" in result.stdout
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert [k["case"] for k in payload["kpis"]] == [
        "baseline",
        "Standard-gauge railway delayed to 2035",
    ]
    assert payload["changes"][0]["origin"] == "Kunming"


def test_scenario_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nsource: 'estimate: t'\noperations: [{update: legs, id: nowhere}]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["scenario", "compare", str(bad), "--shipment", "Kunming:Hanoi"])
    assert result.exit_code == 2 and "no leg 'nowhere'" in result.stderr
    assert result.stderr.count("\n") == 1
    result = runner.invoke(app, ["scenario", "compare", str(bad), "--shipment", "Kunming"])
    assert result.exit_code == 2


def test_sweep_command(tmp_path):
    data = Path(__file__).parent.parent / "data"
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"name: cli\ndemand: {data / 'demand' / 'sample_2026.csv'}\n"
        "grid: {demand_growth: [1, 4]}\n",
        encoding="utf-8",
    )
    out_file = tmp_path / "runs.csv"
    result = runner.invoke(
        app, ["sweep", str(spec), "--workers", "1", "--out", str(out_file)], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.output
    assert "2 runs, 0 failed" in result.stdout and result.stderr == f"wrote {out_file}\n"
    runs = pd.read_csv(out_file)
    assert len(runs) == 2
    rows = kpi_rows(result.stdout)
    for label, column in (
        ("objective USD/day", "objective_usd_per_day"),
        ("cost USD/day", "cost_usd_per_day"),
        ("unserved TEU/day", "unserved_teu_per_day"),
    ):
        figures = runs[column]
        assert rows[label] == [
            f"{figures.min():,.0f}",
            f"{figures.median():,.0f}",
            f"{figures.max():,.0f}",
        ]
    assert runs.loc[1, "unserved_teu_per_day"] > 0  # 4x demand: the objective counts it
    unserved_usd = runs.loc[1, "unserved_teu_per_day"] * UNSERVED_PENALTY_USD_PER_TEU
    assert runs.loc[1, "objective_usd_per_day"] == pytest.approx(
        runs.loc[1, "cost_usd_per_day"] + unserved_usd
    )
    payload = json.loads(
        runner.invoke(app, ["sweep", str(spec), "--workers", "1", "--json"]).stdout
    )
    assert [run["demand_growth"] for run in payload] == [1, 4]
    none = runner.invoke(app, ["sweep", str(spec), "--workers", "0"])
    assert none.exit_code == 2, none.output
    assert none.stderr == "error: --workers must be 1 or more, got 0\n"


def test_a_sweep_spec_or_data_that_fails_every_run_exits_2_before_running(
    tmp_path, data_copy, edit_cell
):
    data = Path(__file__).parent.parent / "data"
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"name: cli\ndemand: {data / 'demand' / 'sample_2026.csv'}\n"
        "grid: {crossings.hekou_kimthanh.capacity_teu_day*: [1, 2]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["sweep", str(spec), "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"error: {spec}, line 3: grid: crossings.hekou_kimthanh.capacity_teu_day*: no crossing "
        "'hekou_kimthanh'; did you mean 'hekou_kim_thanh'"
    )
    assert result.stderr.count("\n") == 1
    spec.write_text(spec.read_text().replace("hekou_kimthanh", "hekou_kim_thanh"))
    line = edit_cell("legs.csv", 0, "km", "-1")
    broken = runner.invoke(
        app, ["sweep", str(spec), "--workers", "1"], env={"CORRIDOR_DATA": str(data_copy)}
    )
    assert broken.exit_code == 2, broken.output
    assert broken.stdout == ""
    assert broken.stderr.startswith(f"error: legs.csv, line {line}, column 'km'")


def test_sweep_takes_a_data_folder_as_the_other_commands_do(tmp_path, data_copy, edit_cell):
    edit_cell("tariffs.csv", 1, "fixed_usd_per_teu", "690")  # rail_1435: 69 -> 690 USD/TEU
    demand = Path(__file__).parent.parent / "data" / "demand" / "sample_2026.csv"
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"name: cli\ndemand: {demand}\ngrid: {{demand_growth: [1, 2]}}\n")
    args = ["sweep", str(spec), "--workers", "2", "--json"]
    result = runner.invoke(app, [*args, "--data", str(data_copy)])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)
    expected = plan(demand, network=load_network(2026, data_copy)).objective_usd_per_day
    assert runs[0]["objective_usd_per_day"] == pytest.approx(expected)
    shipped = json.loads(runner.invoke(app, args).stdout)
    assert all(
        copy["objective_usd_per_day"] > ours["objective_usd_per_day"]
        for copy, ours in zip(runs, shipped, strict=True)
    )
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, ["sweep", str(spec), "--data", str(missing)])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: data directory {missing} does not exist\n"


@pytest.mark.parametrize("month", ["13", "0"])
def test_gates_rejects_a_month_out_of_range_as_quote_does(month):
    result = runner.invoke(app, ["gates", "--month", month])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: month must be 1-12, got {month}\n"
    quoted = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--month", month])
    assert quoted.exit_code == 2 and quoted.stderr == result.stderr


def test_plan_warnings_are_one_line_each(tmp_path):
    twice = tmp_path / "twice.csv"
    twice.write_text(
        "origin,destination,teu_per_day\nKunming,Hanoi,2\nKunming,Hanoi,3\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["plan", str(twice), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["teu_per_day"] == pytest.approx(5)
    assert result.stderr == f"warning: {twice}, line 3: duplicate of line 2; volumes summed\n"


def test_plan_row_with_too_many_fields_is_named(tmp_path):
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "origin,destination,teu_per_day\nKunming,Hanoi,10\nKunming,Hanoi,10,extra\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["plan", str(extra)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {extra}, line 3: 4 fields but the header has 3")
    assert result.stderr.count("\n") == 1
    extra.write_text("origin,destination,teu_per_day\nKunming,Hanoi,10,extra\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", str(extra)])
    assert result.exit_code == 2 and "line 2: 4 fields" in result.stderr


def test_generalised_plan_needs_goods_values_unlike_quote(tmp_path):
    bare = tmp_path / "bare.csv"
    bare.write_text("origin,destination,teu_per_day\nKunming,Hanoi,10\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", str(bare), "--objective", "generalised"])
    assert result.exit_code == 2, result.output
    assert "the generalised objective needs value_usd_per_teu" in result.stderr
    assert result.stderr.count("\n") == 1
    # a quote takes the cargo class's default goods value (a plan row's flow has none)
    quoted = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--objective", "generalised"])
    assert quoted.exit_code == 0, quoted.output


def test_plan_bottlenecks_are_ranked_by_the_re_solved_value_of_capacity():
    sample = Path(__file__).parent.parent / "data" / "demand" / "sample_2026.csv"
    args = ["plan", str(sample), "--year", "2026"]
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    bottlenecks = pd.DataFrame(payload["bottlenecks"])
    savings = bottlenecks["marginal_saving_usd"]
    assert list(savings) == sorted(savings, reverse=True)
    assert (bottlenecks["shadow_price_usd"] >= savings - 1e-6).all()
    assert (bottlenecks["shadow_price_usd"] <= bottlenecks["marginal_cost_usd"] + 1e-6).all()
    assert (savings < bottlenecks["marginal_cost_usd"]).any()  # a degenerate price on the sample
    table = runner.invoke(app, args, env={"COLUMNS": "200"}).stdout
    first = bottlenecks.iloc[0]
    line = next(x for x in table.splitlines() if f"{first['ref']} ({first['direction']})" in x)
    assert f"{first['marginal_saving_usd']:,.1f}" in line
    assert f"{first['marginal_cost_usd']:,.1f}" in line


def test_scenario_compare_says_when_a_scenario_sets_its_own_year():
    root = Path(__file__).parent.parent / "data"
    args = [
        "scenario",
        "compare",
        str(root / "scenarios" / "dual-gauge-link-first.yaml"),
        "--demand",
        str(root / "demand" / "sample_2031.csv"),
        "--year",
        "2031",
    ]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [(k["case"], k["year"]) for k in payload["kpis"]] == [
        ("baseline", 2031),
        ("baseline 2028", 2028),
        ("Lao Cai - Hekou North dual-gauge link first", 2028),
    ]
    assert payload["notes"] and "2028" in payload["notes"][0]
    assert result.stderr.startswith("note: ") and "baseline 2028" in result.stderr
    assert result.stderr.count("\n") == 1


def kpi_rows(output: str) -> dict[str, list[str]]:
    """The cells of each row of a printed KPI table, by KPI name."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        if len(cells) > 1 and cells[0]:
            rows[cells[0]] = cells[1:]
    return rows


def test_scenario_compare_prints_counts_as_integers():
    root = Path(__file__).parent.parent / "data"
    args = ["scenario", "compare", str(root / "scenarios" / "lao-cai-smart-gate.yaml")]
    result = runner.invoke(app, [*args, "--shipment", "Kunming:Hanoi"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = kpi_rows(result.stdout)
    assert rows["shipments quoted"] == ["1", "="] and rows["shipments failed"] == ["0", "="]
    assert "#1 Lao Cai smart border gate (2026, against baseline)" in result.stdout
    assert "-0" not in result.stdout and "nan" not in result.stdout


def test_scenario_compare_unknown_shipment_place_is_one_line_and_exit_2_as_in_quote():
    args = ["scenario", "compare", "lao-cai-smart-gate", "--shipment", "Kunmng:Hanoi"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    quoted = runner.invoke(app, ["quote", "Kunmng", "Hanoi"])
    assert result.stderr == quoted.stderr
    assert result.stderr.startswith("error: no place 'Kunmng'; did you mean 'Kunming'")
    assert result.stderr.count("\n") == 1


def test_scenario_compare_prints_one_table_of_changes_for_many_scenarios():
    """Every shipped scenario: one table, a column per case, the changes against the baseline."""
    demand = str(Path(__file__).parents[1] / "data" / "demand" / "sample_2026.csv")
    listed = json.loads(runner.invoke(app, ["scenario", "list", "--json"]).stdout)
    args = ["scenario", "compare", *(row["file"] for row in listed), "--demand", demand]
    result = runner.invoke(app, args, env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    titles = [line for line in result.stdout.splitlines() if "Scenario comparison" in line]
    assert [t.strip() for t in titles] == ["Scenario comparison (cost)"]
    heads = [line for line in result.stdout.splitlines() if line.startswith("┃ KPI")]
    assert len(heads) == 1 and all(f"#{n}" in heads[0] for n in range(1, len(listed) + 1))
    rows = kpi_rows(result.stdout)
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    kpis = {row["case"]: row for row in payload["kpis"]}
    assert (
        rows["plan objective, USD/day"][0]
        == f"{kpis['baseline']['plan_objective_usd_per_day']:,.0f}"
    )
    ban_vuoc = next(
        i for i, row in enumerate(listed) if row["file"].endswith("ban-vuoc-bridge.yaml")
    )
    assert (
        kpis[listed[ban_vuoc]["name"]]["plan_objective_usd_per_day"]
        == (kpis["baseline"]["plan_objective_usd_per_day"])
    )
    assert rows["plan objective, USD/day"][1] == "="  # #1, the first file: unchanged
    assert len(result.stdout.splitlines()) < 40  # not a table per scenario (260 lines)
    top = kpis["baseline"]["top_bottleneck"]  # by name, its id beside it
    ref = top.partition(" from ")[0]
    text = " ".join(result.stdout.split())
    assert top not in text and f"({ref}): +1 TEU/day saves" in text
    assert "top bottleneck (baseline," in text


def test_scenario_compare_splits_a_wide_table_to_fit_the_terminal():
    """Narrow: parts, each with the KPI names and the baseline; nothing cut."""
    names = ["ban-vuoc-bridge", "cbta-permits-expanded", "ct05-widening", "lao-cai-smart-gate"]
    args = ["scenario", "compare", *names, "--shipment", "Kunming:Hanoi"]
    narrow = runner.invoke(app, args, env={"COLUMNS": "52"})
    assert narrow.exit_code == 0, narrow.output
    lines = narrow.stdout.splitlines()
    assert max(map(len, lines)) <= 52 and "…" not in narrow.stdout
    titles = [line.strip() for line in lines if "Scenario comparison" in line]
    assert len(titles) > 1
    assert titles == [
        f"Scenario comparison (cost), {n} of {len(titles)}" for n in range(1, len(titles) + 1)
    ]
    heads = [line for line in lines if line.startswith("┃ KPI")]
    assert len(heads) == len(titles) and all("baseline" in head for head in heads)
    assert [f"#{n}" in "".join(heads) for n in range(1, 5)] == [True] * 4
    wide = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert [line.strip() for line in wide.stdout.splitlines() if "Scenario comp" in line] == [
        "Scenario comparison (cost)"
    ]
    assert kpi_rows(wide.stdout)["shipments quoted"] == ["1", "=", "=", "=", "="]


def test_a_split_comparison_puts_each_case_beside_its_own_baseline():
    """dual-gauge-link-first sets 2028: its column follows the 2028 baseline, not 2031's."""
    names = ["dual-gauge-link-first", "ban-vuoc-bridge"]
    args = ["scenario", "compare", *names, "--year", "2031", "--shipment", "Kunming:Hanoi"]
    wide = runner.invoke(app, args, env={"COLUMNS": "100"})
    assert wide.exit_code == 0, wide.output
    (head,) = [line for line in wide.stdout.splitlines() if line.startswith("┃ KPI")]
    assert [cell.strip() for cell in head.strip("┃ ").split("┃")] == [
        "KPI",
        "baseline",
        "#1",
        "2028",
        "#2",
    ]
    assert "#2 Lao Cai - Hekou North dual-gauge link first (2028, against baseline 2028)" in (
        wide.stdout
    )
    narrow = runner.invoke(app, args, env={"COLUMNS": "60"})
    lines = narrow.stdout.splitlines()
    heads = [line for line in lines if line.startswith("┃ KPI")]
    assert len(heads) == 2
    assert "#2" not in heads[0] and "#2" in heads[1] and "2028" in heads[1]
    quoted = [line.split("│")[2:4] for line in lines if line.startswith("│ shipments quoted")]
    assert [[q.strip() for q in pair] for pair in quoted] == [["1", "="], ["1", "="]]


def test_scenario_compare_objective_reaches_quotes_and_plans(tmp_path):
    root = Path(__file__).parent.parent / "data"
    # the Huu Nghi smart gate's faster clearance without its extra capacity
    faster = (root / "scenarios" / "huu-nghi-smart-gate.yaml").read_text(encoding="utf-8")
    assert "      capacity_teu_day: 2.5\n" in faster
    path = tmp_path / "faster-clearance.yaml"
    path.write_text(faster.replace("      capacity_teu_day: 2.5\n", ""), encoding="utf-8")
    gate = str(path)
    demand = ["--demand", str(root / "demand" / "sample_2026.csv")]

    def kpis(*extra):
        result = runner.invoke(app, ["scenario", "compare", gate, *extra, "--json"])
        assert result.exit_code == 0, result.output
        return pd.DataFrame(json.loads(result.stdout)["kpis"]).set_index("case")

    trip = ["--shipment", "Kunming:Hai Phong"]
    fast, cheap = kpis(*trip, "--objective", "time"), kpis(*trip)
    assert (fast["mean_planned_hours"] < cheap["mean_planned_hours"]).all()
    assert (fast["mean_cost_usd"] > cheap["mean_cost_usd"]).all()
    # halved clearance times: worth nothing at cost, something in generalised cost
    cost = kpis(*demand)["plan_cost_usd_per_day"]
    assert cost.iloc[1] == pytest.approx(cost.iloc[0], rel=1e-12)
    valued = kpis(*demand, "--objective", "generalised", *trip, "--value-usd", "30000")
    objective = valued["plan_objective_usd_per_day"]
    assert objective.iloc[1] < objective.iloc[0]
    cheap_plan = kpis(*demand)["plan_objective_usd_per_day"]
    assert (objective > cheap_plan).all()  # the value of time is in the generalised objective
    assert (valued["failed"] == 0).all()
    bad = runner.invoke(app, ["scenario", "compare", gate, *demand, "--objective", "time"])
    assert bad.exit_code == 2 and "objective must be one of cost, generalised" in bad.stderr


BAD_SCENARIOS = [
    (
        "{update: crossings, id: hekou_kimthanh, scale: {capacity_teu_day: 2}}",
        "no crossing 'hekou_kimthanh'; did you mean 'hekou_kim_thanh'",
    ),
    (
        "{update: crossings, id: hekou_kim_thanh, scale: {capacity_teu_dya: 2}}",
        "unknown field(s) capacity_teu_dya for crossings; did you mean capacity_teu_day?",
    ),
    (
        "{update: legs, id: road_ct05_lao_cai_yen_bai, set: {speed_kmh: -5}}",
        "speed_kmh: must be from 1 to 1,000 km/h",
    ),
]


@pytest.mark.parametrize(("operation", "message"), BAD_SCENARIOS)
@pytest.mark.parametrize("command", ["show", "validate"])
def test_scenario_show_and_validate_apply_the_file(tmp_path, command, operation, message):
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"name: bad\nsource: 'estimate: test'\noperations:\n  - {operation}\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["scenario", command, str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {path}: scenario 'bad', line 4, operations.0: ")
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_scenario_names_as_listed_are_found_in_the_shipped_folder():
    listed = runner.invoke(app, ["scenario", "list", "--json"])
    name = Path(json.loads(listed.stdout)[0]["file"]).name
    shown = runner.invoke(app, ["scenario", "show", name])
    assert shown.exit_code == 0, shown.output
    assert json.loads(listed.stdout)[0]["name"] in shown.stdout
    assert runner.invoke(app, ["scenario", "show", name.removesuffix(".yaml")]).exit_code == 0
    compared = runner.invoke(
        app, ["scenario", "compare", "lao-cai-smart-gate.yaml", "--shipment", "Kunming:Hanoi"]
    )
    assert compared.exit_code == 0, compared.output
    missing = runner.invoke(app, ["scenario", "show", "lao-cai-smart-gat.yaml"])
    assert missing.exit_code == 2
    assert missing.stderr.startswith("error: lao-cai-smart-gat.yaml: file not found")
    assert "did you mean lao-cai-smart-gate.yaml" in missing.stderr


def test_scenario_validate_checks_every_shipped_file_by_default(tmp_path):
    result = runner.invoke(app, ["scenario", "validate"])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["scenario", "list", "--json"]).stdout)
    assert result.stdout.count("ok ") == len(listed)
    good = Path(listed[0]["file"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nsource: 'estimate: t'\noperations: [{close: legs, id: x}]\n")
    both = runner.invoke(app, ["scenario", "validate", str(good), str(bad)])
    assert both.exit_code == 2
    assert both.stdout.count("ok ") == 1 and both.stderr.count("\n") == 1
    assert "no leg 'x'" in both.stderr


def test_quote_names_flags_in_a_warning_and_in_a_weight_error():
    by_cost = ["--objective", "cost", "--value-usd", "50000"]
    ignored = runner.invoke(app, ["quote", "Kunming", "Hanoi", *by_cost])
    assert ignored.exit_code == 0, ignored.output
    assert ignored.stderr == (
        "warning: --value-usd is used only by the generalised objective, so it is ignored here "
        "(objective 'cost')\n"
    )
    heavy = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--teu", "2", "--tonnes", "80"])
    assert heavy.exit_code == 2 and heavy.stderr.count("\n") == 1
    assert heavy.stderr.startswith("error: 80 t in 2 TEU is 40 t per TEU; a container weighs")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["quote", "Kunming", "Hanoi", "--teu", "2TEU"],
            "error: Invalid value for '--teu': Input should be a valid number",
        ),
        (["quote", "Kunming", "Hanoi", "--colour", "red"], "error: No such option: --colour"),
        (["plan"], "error: Missing argument 'demand'. (see: corridor plan --help)"),
    ],
)
def test_the_command_prints_a_usage_error_as_one_line(monkeypatch, capsys, args, message):
    """``corridor`` (the installed command) is ``main``, not typer's boxed error panel."""
    monkeypatch.setattr("sys.argv", ["corridor", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and len(captured.err.strip().splitlines()) == 1
    assert "╭" not in captured.err and captured.out == ""


def test_the_command_runs_a_command_and_keeps_its_exit_code(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["corridor", "quote", "Kunming", "Hanoi", "--json"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 0
    assert json.loads(capsys.readouterr().out)["shipment"]["destination"] == "hanoi"
    monkeypatch.setattr("sys.argv", ["corridor", "quote", "Kunming", "Atlantis"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith("error: no place 'Atlantis'")


@pytest.mark.parametrize(
    ("args", "whole"),
    [
        (["places", "lao cai"], ["lao_cai_station", "lao_cai_icd", "Cửa khẩu quốc tế"]),
        (["gates", "--month", "7"], ["hekou_kim_thanh_cbta", "transload +80 USD, +24 h"]),
        (["quote", "Kunming", "Hai Phong", "--alternatives", "2"], ["rail_1435 → rail_1000"]),
        (["pareto", "Kunming", "Hai Phong"], ["rail_1435 → rail_1000"]),
        (
            [
                "scenario",
                "compare",
                "sgr-delayed-2035",
                "--year",
                "2031",
                "--shipment",
                "Kunming:Hanoi",
            ],
            ["hekou_north_lao_cai_sgr"],
        ),
    ],
)
def test_wide_tables_become_one_block_per_row_on_a_narrow_terminal(args, whole):
    """At 80 columns no cell is cut to "…" or broken inside a word."""
    narrow = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    assert "…" not in narrow.stdout
    assert max(map(len, narrow.stdout.splitlines())) <= 80
    for text in whole:
        assert text in narrow.stdout
    wide = runner.invoke(app, args, env={"COLUMNS": "400"}).stdout
    assert any(line.startswith("┃") for line in wide.splitlines())  # a header row: one table


def test_a_console_without_the_characters_gets_escapes_not_a_traceback():
    """A Windows console (cp1252) has no → nor 老街: they are escaped, the command succeeds."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    main = "from corridor.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", main, "places", "老街"],
        env=env,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"\\u8001\\u8857" in result.stdout and b"Traceback" not in result.stderr


def test_a_scenario_that_is_not_yaml_is_one_line_with_its_place(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text('name: "unterminated\nsource: x\n', encoding="utf-8")
    result = runner.invoke(app, ["scenario", "show", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}, line 3, column 1: not valid YAML: found unexpected end of stream "
        "while scanning a quoted scalar from line 1\n"
    )


def test_quote_samples_sets_the_simulation_draws():
    """One draw: its P50 and P90 are that draw; the default 2,000 spread them apart."""
    one = json.loads(
        runner.invoke(app, ["quote", "Kunming", "Hanoi", "--samples", "1", "--json"]).stdout
    )
    many = json.loads(runner.invoke(app, ["quote", "Kunming", "Hanoi", "--json"]).stdout)
    assert one["totals"]["hours_p50"] == one["totals"]["hours_p90"]
    assert many["totals"]["hours_p50"] < many["totals"]["hours_p90"]
    bad = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--samples", "0"])
    assert bad.exit_code == 2 and "samples must be 1 or more" in bad.stderr
