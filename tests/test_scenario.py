"""Scenarios: validation with field paths, pure application, composition, comparison."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from corridor import (
    DataError,
    InvalidRequestError,
    NoRouteError,
    PlaceNotOpenError,
    ScenarioError,
    UnknownPlaceError,
    compare,
    load_network,
    plan,
    quote,
)
from corridor.planning import grown_demand
from corridor.render.text import format_kpis
from corridor.scenario import (
    Add,
    Close,
    Scenario,
    Update,
    apply_all,
    check_file,
    shipped_scenarios,
)

SCENARIOS = Path(__file__).parent.parent / "data" / "scenarios"
DEMAND = Path(__file__).parent.parent / "data" / "demand"


def scenario(name: str) -> Scenario:
    return Scenario.from_yaml(SCENARIOS / name)


def test_every_shipped_scenario_loads_applies_and_cites_a_source(network):
    files = shipped_scenarios()
    assert len(files) >= 6
    for path in files:
        s = Scenario.from_yaml(path)
        assert s.source and s.operations
        s.apply(network)


def test_applying_leaves_the_baseline_unchanged(network):
    before = network.crossings["hekou_kim_thanh"]
    patched = scenario("lao-cai-smart-gate.yaml").apply(network)
    assert network.crossings["hekou_kim_thanh"] is before
    after = patched.crossings["hekou_kim_thanh"]
    assert after.smart_gate and not before.smart_gate
    assert after.capacity_teu_day == 2 * before.capacity_teu_day
    assert after.hours_p50_vn_cn == before.hours_p50_vn_cn / 2
    assert load_network(2026).crossings["hekou_kim_thanh"] == before


def test_delaying_the_sgr_brings_the_gauge_break_back_in_2031():
    baseline = load_network(2031)
    rail = {"modes": ["rail_1435", "rail_1000"]}
    with_sgr = quote("Kunming", "Hai Phong", network=baseline, **rail)
    assert "hekou_north:rail_1435>rail_1000" not in [s.ref for s in with_sgr.transshipments]
    delayed = scenario("sgr-delayed-2035.yaml").apply(baseline)
    without = quote("Kunming", "Hai Phong", network=delayed, **rail)
    assert "hekou_north:rail_1435>rail_1000" in [s.ref for s in without.transshipments]


def test_dual_gauge_link_first_opens_a_second_rail_crossing_in_2028():
    baseline = load_network(2028)
    early = scenario("dual-gauge-link-first.yaml")
    assert early.year == 2028
    # Without the metre-gauge bridge, the baseline of 2028 has no rail route across the border;
    # the early link carries standard-gauge trains to Lao Cai station, which is the gauge break.
    # (the round by the Nanning - Kunming railway and Pingxiang - Dong Dang is avoided too)
    rail = {
        "modes": ["rail_1435", "rail_1000"],
        "avoid": ["hekou_north_lao_cai_rail", "pingxiang_dong_dang_rail"],
    }
    with pytest.raises(NoRouteError):
        quote("Kunming", "Yen Vien", network=baseline, **rail)
    q = quote("Kunming", "Yen Vien", network=early.apply(baseline), **rail)
    assert [s.ref for s in q.transshipments] == ["lao_cai_station:rail_1435>rail_1000"]
    assert [s.ref for s in q.border_crossings] == ["hekou_north_lao_cai_sgr"]


def test_smart_gate_lowers_clearance_and_draws_flow_under_capacity_limits():
    baseline = load_network(2026)
    smart = scenario("lao-cai-smart-gate.yaml").apply(baseline)
    q0 = quote("Kunming", "Hanoi", modes=["road"], avoid=["hekou_kim_thanh_cbta"], network=baseline)
    q1 = quote("Kunming", "Hanoi", modes=["road"], avoid=["hekou_kim_thanh_cbta"], network=smart)
    assert q1.planned_hours < q0.planned_hours and q1.cost_usd < q0.cost_usd
    heavy = pd.DataFrame(
        {
            "origin": ["Kunming"] * 2,
            "destination": ["Hanoi", "Hai Phong"],
            "teu_per_day": [1500, 1500],
        }
    )

    def through_gate(p):
        arcs = p.arcs
        return arcs[arcs["ref"] == "hekou_kim_thanh"]["teu_per_day"].sum()

    assert through_gate(plan(heavy, network=smart)) > through_gate(plan(heavy, network=baseline))


def test_scenarios_compose_in_order(network):
    both = apply_all(
        network, [scenario("cbta-permits-expanded.yaml"), scenario("lao-cai-smart-gate.yaml")]
    )
    assert both.crossings["hekou_kim_thanh_cbta"].capacity_teu_day == 300
    assert both.crossings["hekou_kim_thanh"].smart_gate


def test_compare_reports_kpis_and_changed_routes():
    result = compare(
        load_network(2031),
        [scenario("sgr-delayed-2035.yaml")],
        shipments=[{"origin": "Kunming", "destination": "Lach Huyen"}],
        demand=DEMAND / "sample_2031.csv",
    )
    kpis = result.kpis.set_index("case")
    delayed = "Standard-gauge railway delayed to 2035"
    assert (
        kpis.loc[delayed, "plan_cost_usd_per_day"] > kpis.loc["baseline", "plan_cost_usd_per_day"]
    )
    assert kpis.loc[delayed, "share_rail_1435"] < kpis.loc["baseline", "share_rail_1435"]
    (change,) = result.changes.itertuples()
    assert change.before.startswith("rail_1435 via hekou_north_lao_cai_sgr")
    assert "rail_1000" in change.after


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: x\nsource: 'estimate: t'\noperations:\n  - update: legs\n"
            "    id: road_kunming_yuxi\n"
            "    scale: {km: lots}\n",
            r"operations\.0\.update\.scale\.km: Input should be a valid",
        ),
        (
            "name: x\nsource: 'estimate: t'\ncolour: red\n",
            r"colour: Extra inputs are not permitted",
        ),
        ("source: 'estimate: t'\n", r"name: Field required"),
        (
            "name: x\nsource: 'estimate: t'\noperatons: []\n",
            r"line 3: operatons: Extra inputs are not permitted; did you mean 'operations'\?$",
        ),
        ("# nothing yet\n", r"bad\.yaml: the file is empty$"),
        (
            "name: x\nsource: 'estimate: t'\n"
            "operations: [{update: legs, id: nowhere, set: {km: 3}}]\n",
            r"operations\.0: no leg 'nowhere'",
        ),
        (
            "name: x\nsource: 'estimate: t'\noperations: [{update: legs, id: road_kunming_yuxi, "
            "set: {colour: red}}]\n",
            r"unknown field\(s\) colour for legs",
        ),
        (
            "name: x\nsource: 'estimate: t'\noperations: [{update: legs, id: road_kunming_yuxi, "
            "set: {km: -4}}]\n",
            r"operations\.0: km: must be more than 0 and at most 20,000 km",
        ),
        (
            "name: x\nsource: 'estimate: t'\noperations: [{add: transfers, row: {place: atlantis, "
            "from_mode: road, to_mode: rail_1000, hours_p50: 1, hours_p90: 2, "
            "cost_usd_per_teu: 5, source: 'estimate: t'}}]\n",
            r"leaves the data invalid: line 3, column 'place': unknown place 'atlantis'",
        ),
        (
            "name: x\nsource: 'estimate: t'\n"
            "operations: [{add: legs, row: {id: l1, origin: kunming, "
            "destination: yuxi, mode: road, km: 9, speed_kmh: 50, reefer: true, dangerous: true, "
            "source: nosuchkey}}]\n",
            r"source key 'nosuchkey' is not in SOURCES.md",
        ),
    ],
)
def test_malformed_scenarios_name_the_field(network, tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=message):
        Scenario.from_yaml(path).apply(network)


BAD_LINES = """\
name: bad lines
source: 'estimate: test'
operations:
  - update: legs
    id: road_kunming_yuxi
    set:
      speed_kmh: 50
      km: -4
  - update: legs
    id: nowhere
    set: {km: 3}
"""


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ({}, r"^scenario 'bad lines', line 8, operations\.0: km: must be more than 0"),
        (
            {"km: -4": "km: 4"},
            r"^scenario 'bad lines', line 10, operations\.1: no leg 'nowhere'",
        ),
        (
            {"km: -4": "km: 4", "id: nowhere": "id: road_yuxi_mengzi", "{km: 3}": "{kms: 3}"},
            r"^scenario 'bad lines', line 11, operations\.1: unknown field\(s\) kms for legs",
        ),
        (
            {"set:\n      speed_kmh: 50\n      km: -4": "scale:\n      km: lots"},
            r"^{file}, line 7: operations\.0\.update\.scale\.km: Input should be a valid number",
        ),
        ({"    id: nowhere\n": ""}, r"^{file}, line 9: operations\.1\.update\.id: Field required"),
        (
            {"  - update: legs\n    id: nowhere": "  - modify: legs\n    id: nowhere"},
            r"^{file}, line 9: operations\.1: an operation starts with add, update or close",
        ),
    ],
)
def test_scenario_errors_name_the_line(network, tmp_path, edits, message):
    """Each kind of scenario error gives the YAML line at fault: an operation that cannot be
    applied (the line of its bad cell: a value, an unknown id or field), a value of the wrong
    kind, a missing field (the line of the operation that lacks it)."""
    text = BAD_LINES
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=message.format(file=re.escape(str(path)))):
        Scenario.from_yaml(path).apply(network)


def test_the_scenarios_own_source_is_checked_against_sources_md(network, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("name: x\nsource: madeup-key\noperations: []\n", encoding="utf-8")
    with pytest.raises(
        ScenarioError, match=r"^scenario 'x', source: source key 'madeup-key' is not in SOURCES"
    ):
        Scenario.from_yaml(path).apply(network)
    path.write_text("name: x\nsource: 'res187-2025'\noperations: []\n", encoding="utf-8")
    assert Scenario.from_yaml(path).apply(network).dataset == network.dataset


def test_a_source_key_error_names_its_line_and_a_duplicate_key_its_last(network, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: x\nsource: 'estimate: t'\noperations:\n  - add: legs\n    row:\n"
        "      id: l1\n      origin: kunming\n      destination: yuxi\n      mode: road\n"
        "      km: 9\n      speed_kmh: 50\n      source: nosuchkey\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"^scenario 'x', line 12, operations\.0: source key"):
        Scenario.from_yaml(path).apply(network)
    path.write_text(path.read_text(encoding="utf-8").replace("nosuchkey", "''"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"or 'estimate: <how derived>'$"):  # quotes kept
        Scenario.from_yaml(path).apply(network)
    path.write_text("name: x\nsource: 'estimate: t'\nyear: 2030\nyear: soon\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r", line 4: year: Input should be a valid integer"):
        Scenario.from_yaml(path)


@pytest.mark.parametrize(
    ("year", "bound"),
    [(2019, "greater than or equal to 2020"), (2101, "less than or equal to 2100")],
)
def test_a_scenario_year_is_one_the_network_loads(tmp_path, year, bound):
    path = tmp_path / "year.yaml"
    path.write_text(f"name: x\nsource: 'estimate: t'\nyear: {year}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=f", line 3: year: Input should be {bound}"):
        Scenario.from_yaml(path)


def _line_of(text: str, part: str) -> int:
    """The line (from 1) of the first line of ``text`` containing ``part``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if part in line)


def _csv_line(file: str, key: str) -> int:
    """The line of the row whose first cell is ``key`` in a shipped CSV file (header: 1)."""
    with (Path(__file__).parent.parent / "data" / file).open(encoding="utf-8") as handle:
        return next(n for n, line in enumerate(handle, 1) if line.startswith(f"{key},"))


NEW_GATE = """\
name: new gate
source: 'estimate: test'
operations:
  - update: legs
    id: road_kunming_yuxi
    scale: {km: 1.1}
  - add: transfers
    row:
      from_mode: road
      to_mode: rail_1000
      place: atlantis
      hours_p50: 1
      hours_p90: 2
      cost_usd_per_teu: 5
      source: 'estimate: t'
"""


def test_a_cross_table_error_names_the_yaml_line_of_the_offending_cell(network, tmp_path):
    path = tmp_path / "gate.yaml"
    path.write_text(NEW_GATE, encoding="utf-8")
    line = _line_of(NEW_GATE, "place: atlantis")
    expected = (
        f"scenario 'new gate' leaves the data invalid: line {line}, column 'place': "
        "unknown place 'atlantis'"
    )
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_yaml(path).apply(network)
    assert str(caught.value) == expected
    with pytest.raises(ScenarioError) as checked:
        check_file(path, network)
    assert str(checked.value) == f"{path}: {expected}"


def test_a_duplicate_names_both_real_lines(network, tmp_path):
    """The added row's YAML line, and the first row's line in legs.csv (not its index)."""
    text = (
        "name: dup\nsource: 'estimate: t'\noperations:\n"
        "  - add: legs\n"
        "    row: {id: road_kunming_yuxi, origin: kunming, destination: yuxi, mode: road,\n"
        "          km: 9, speed_kmh: 50, reefer: true, dangerous: true, source: 'estimate: t'}\n"
    )
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    first = _csv_line("legs.csv", "road_kunming_yuxi")
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_yaml(path).apply(network)
    assert str(caught.value) == (
        f"scenario 'dup' leaves the data invalid: line {_line_of(text, 'row:')}, column 'id': "
        f"duplicate 'road_kunming_yuxi' (first on legs.csv, line {first})"
    )


def test_a_baseline_row_a_scenario_breaks_is_named_by_its_csv_line(network):
    """Yuxi no longer served by road: the first road leg there fails, at its line in legs.csv."""
    roads = [leg for leg in network.dataset.legs if leg.mode.value == "road"]
    first = next(leg for leg in roads if "yuxi" in (leg.origin, leg.destination))
    column = "origin" if first.origin == "yuxi" else "destination"
    cut = Scenario(
        name="no road at Yuxi",
        source="estimate: test",
        operations=[Update(update="places", id="yuxi", set={"modes": "rail_1435"})],
    )
    with pytest.raises(ScenarioError) as caught:
        cut.apply(network)
    assert str(caught.value) == (
        f"scenario 'no road at Yuxi' leaves the data invalid: legs.csv, line "
        f"{_csv_line('legs.csv', first.id)}, column '{column}': place 'yuxi' does not serve "
        "mode 'road' (add it to its modes in places.csv)"
    )


def test_a_scenario_built_in_python_names_the_operation(network):
    bad = Scenario(
        name="x",
        source="estimate: test",
        operations=[
            Close(close="legs", id="road_kunming_yuxi", year=2040),
            Add(
                add="transfers",
                row={
                    "place": "atlantis",
                    "from_mode": "road",
                    "to_mode": "rail_1000",
                    "hours_p50": 1,
                    "hours_p90": 2,
                    "cost_usd_per_teu": 5,
                    "source": "estimate: t",
                },
            ),
        ],
    )
    with pytest.raises(ScenarioError) as caught:
        bad.apply(network)
    assert str(caught.value) == (
        "scenario 'x' leaves the data invalid: operations.1, column 'place': "
        "unknown place 'atlantis'"
    )


def test_composed_scenarios_name_the_file_of_the_earlier_row(network, tmp_path):
    row = (
        "{id: road_test, origin: kunming, destination: yuxi, mode: road, km: 90, "
        "speed_kmh: 50, reefer: true, dangerous: true, source: 'estimate: t'}"
    )
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    for path, name in ((first, "first"), (second, "second")):
        path.write_text(
            f"name: {name}\nsource: 'estimate: t'\noperations:\n\n  - add: legs\n    row: {row}\n",
            encoding="utf-8",
        )
    once = Scenario.from_yaml(first).apply(network)
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_yaml(second).apply(once)
    assert str(caught.value) == (
        "scenario 'second' leaves the data invalid: line 6, column 'id': duplicate 'road_test' "
        f"(first on {first}, line 6)"
    )


def test_a_scenario_read_from_a_file_equals_the_same_built_in_python(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\nsource: 'estimate: t'\noperations:\n  - {close: legs, id: road_kunming_yuxi}\n",
        encoding="utf-8",
    )
    built = Scenario(
        name="s", source="estimate: t", operations=[Close(close="legs", id="road_kunming_yuxi")]
    )
    assert Scenario.from_yaml(path) == built


def test_add_and_close(network, tmp_path):
    path = tmp_path / "bridge.yaml"
    path.write_text(
        "name: new road\nsource: 'estimate: test'\noperations:\n"
        "  - add: legs\n    row: {id: road_test, origin: ban_vuoc, destination: yen_bai, "
        "mode: road, km: 160, speed_kmh: 50, reefer: true, dangerous: true, "
        "source: 'estimate: test'}\n"
        "  - {close: legs, id: road_kunming_yuxi, year: 2026}\n",
        encoding="utf-8",
    )
    patched = Scenario.from_yaml(path).apply(network)
    assert "road_test" in patched.legs
    assert "road_kunming_yuxi" not in patched.legs  # closed from 2026 on
    assert "road_kunming_yuxi" in network.legs


def test_compare_needs_something_to_compare(network):
    with pytest.raises(ScenarioError, match="needs shipments"):
        compare(network, [])


def test_closing_a_place_removes_what_touches_it(network):
    closed = Scenario(
        name="no Yen Vien",
        source="estimate: test",
        operations=[Close(close="places", id="yen_vien")],
    ).apply(network)
    assert "yen_vien" not in closed.places
    assert all("yen_vien" not in (leg.origin, leg.destination) for leg in closed.legs.values())


def test_tariff_edits_are_validated(network):
    with pytest.raises(ScenarioError, match="no tariff for mode 'road'"):
        Scenario(
            name="x", source="estimate: test", operations=[Close(close="tariffs", id="road:any")]
        ).apply(network)
    with pytest.raises(ScenarioError, match="only legs close from a year"):
        Scenario(
            name="x",
            source="estimate: test",
            operations=[Close(close="crossings", id="hekou_kim_thanh", year=2035)],
        ).apply(network)


def test_scaling_a_legs_speed_divides_its_hours(network):
    def scaled(table, ref, factor):
        update = Update(update=table, id=ref, scale={"speed_kmh": factor})
        return Scenario(name="x", source="estimate: test", operations=[update]).apply(network)

    leg = network.legs["road_hanoi_lang_son"]
    faster = scaled("legs", "road_hanoi_lang_son", 1.3).legs["road_hanoi_lang_son"]
    assert faster.hours == pytest.approx(leg.hours / 1.3) and faster.km == leg.km
    with pytest.raises(ScenarioError, match="speed_kmh scales by a factor above 0"):
        scaled("legs", "road_hanoi_lang_son", 0)
    with pytest.raises(ScenarioError, match="unknown field.*speed_kmh for crossings"):
        scaled("crossings", "hekou_kim_thanh", 2)
    with pytest.raises(ValidationError, match="must be from 0 to 1,000"):
        scaled("legs", "road_hanoi_lang_son", -1)


def test_a_legs_km_changed_alone_keeps_its_speed(network):
    leg = network.legs["road_hanoi_lang_son"]

    def updated(**change):
        update = Update(update="legs", id=leg.id, **change)
        patched = Scenario(name="x", source="estimate: test", operations=[update]).apply(network)
        return patched.legs[leg.id]

    longer = updated(set={"km": leg.km * 2})
    assert longer.km == leg.km * 2 and longer.hours == pytest.approx(leg.hours * 2)
    assert updated(scale={"km": 1.5}).hours == pytest.approx(leg.hours * 1.5)
    assert updated(set={"km": 300, "hours": 9}).hours == 9  # a time given is kept
    both = updated(scale={"km": 2, "speed_kmh": 2})  # twice as far, twice as fast
    assert both.hours == pytest.approx(leg.hours)
    assert updated(set={"km": 300, "speed_kmh": 60}).hours == pytest.approx(5)
    with pytest.raises(ScenarioError, match="operations.0: km: Input should be a valid number"):
        updated(set={"km": "far"})


def test_scaling_a_field_that_is_no_number_says_to_set_it(network):
    op = Update(update="legs", id="road_hanoi_lang_son", scale={"mode": 2})
    with pytest.raises(ScenarioError, match="scale multiplies numbers and mode is not one"):
        Scenario(name="x", source="estimate: test", operations=[op]).apply(network)


def test_an_added_row_names_every_missing_field_at_once(network):
    row = {"id": "bao_thang_icd", "name": "Bao Thang ICD", "source": "estimate: test"}
    op = Add(add="places", row=row)
    with pytest.raises(ScenarioError, match=r"operations.0: missing fields name_vi, country, "):
        Scenario(name="x", source="estimate: test", operations=[op]).apply(network)


def test_compare_in_one_month_uses_its_seasonal_legs(network):
    """Yen Bai – Viet Tri is navigable June–October only; the upgrade makes it all year."""
    river = scenario("red-river-upgrade.yaml")
    shipments = [{"origin": "Yen Bai", "destination": "Viet Tri", "modes": ["river", "road"]}]
    rows = pd.DataFrame([{"origin": "Yen Bai", "destination": "Viet Tri", "teu_per_day": 3}])
    by_month = {
        m: compare(network, [river], shipments=shipments, demand=rows, month=m) for m in (1, 8)
    }
    january = by_month[1].kpis.set_index("case")
    for case in ("baseline", river.name):  # each as quote and plan give it for the month
        net = network if case == "baseline" else river.apply(network)
        expected = quote("Yen Bai", "Viet Tri", network=net, month=1, modes=["river", "road"])
        assert january.loc[case, "mean_cost_usd"] == pytest.approx(expected.cost_usd)
        assert january.loc[case, "plan_cost_usd_per_day"] == pytest.approx(
            plan(rows, network=net, month=1).totals["cost_usd_per_day"]
        )
    assert len(by_month[1].changes) == 1 and by_month[8].changes.empty  # river only in August
    with pytest.raises(InvalidRequestError, match="month must be 1-12, got 13"):
        compare(network, [river], shipments=shipments, month=13)


def test_scenarios_compared_need_names_of_their_own(network):
    gate = scenario("lao-cai-smart-gate.yaml")
    twin = gate.model_copy(update={"operations": []})
    shipments = [{"origin": "Kunming", "destination": "Hanoi"}]
    with pytest.raises(ScenarioError, match=r"two scenarios are named 'Lao Cai smart border gate'"):
        compare(network, [gate, twin], shipments=shipments)
    for name in ("baseline", "baseline 2031"):
        with pytest.raises(ScenarioError, match=f"cannot be named '{name}'"):
            compare(network, [gate.model_copy(update={"name": name})], shipments=shipments)


def test_kpis_print_hours_to_a_tenth_and_zero_as_zero():
    kpis = pd.DataFrame(
        [
            {"case": "baseline", "year": 2031, "mean_planned_hours": 4.86, "x": 0.0, "y": 0.25},
            {"case": "wider", "year": 2031, "mean_planned_hours": 4.33, "x": 1234.4, "y": 0},
        ]
    )
    text = format_kpis(kpis)
    assert list(text.loc["mean_planned_hours"]) == ["4.9", "4.3"]
    assert list(text.loc["x"]) == ["0", "1,234"] and list(text.loc["y"]) == ["0.250", "0"]
    assert list(text.loc["year"]) == ["2031", "2031"]


def test_a_demand_table_a_case_cannot_read_names_the_case(network):
    no_hai_phong = Scenario(
        name="no Hai Phong",
        source="estimate: test",
        operations=[Close(close="places", id="hai_phong")],
    )
    rows = pd.DataFrame([{"origin": "Kunming", "destination": "Hai Phong", "teu_per_day": 2}])
    with pytest.raises(DataError, match=r"^case 'no Hai Phong': demand, line 2, column ") as caught:
        compare(network, [no_hai_phong], demand=rows)
    assert (caught.value.row, caught.value.column) == (2, "destination")
    bad = pd.DataFrame(
        [
            {"origin": "Kunming", "destination": "Hanoi", "teu_per_day": -2},
            {"origin": "Kunmng", "destination": "Hanoi", "teu_per_day": 2},
        ]
    )
    with pytest.raises(DataError, match=r"^demand: 2 rows with problems") as caught:
        compare(network, [no_hai_phong], demand=bad)  # bad in every case: the table's own
    assert [p.row for p in caught.value.problems] == [2, 3]


def test_a_baseline_compared_with_nothing_need_not_read_the_demand(network):
    """Sa Pa airport opens in 2030: the 2031 scenario and its 2031 baseline plan the row."""
    sa_pa = scenario("sa-pa-airport-cargo.yaml")
    rows = pd.DataFrame([{"origin": "Sa Pa", "destination": "Hanoi", "teu_per_day": 2}])
    result = compare(network, [sa_pa], demand=rows)
    kpis = result.kpis.set_index("case")
    assert np.isnan(kpis.loc["baseline", "plan_cost_usd_per_day"])
    expected = plan(rows, network=sa_pa.apply(network)).totals["cost_usd_per_day"]
    assert kpis.loc[sa_pa.name, "plan_cost_usd_per_day"] == pytest.approx(expected)
    assert any(
        "'baseline' is not compared" in note and "opens in 2030" in note for note in result.notes
    )


def test_compare_copes_with_repeated_and_failing_shipments(network):
    delay = scenario("sgr-delayed-2035.yaml")
    result = compare(
        load_network(2031),
        [delay],
        shipments=[
            {"origin": "Kunming", "destination": "Lach Huyen"},
            {"origin": "Kunming", "destination": "Lach Huyen"},
            {"origin": "Kunming", "destination": "Tien Son", "cargo": "dangerous"},
        ],
    )
    assert len(result.changes) == 2
    assert result.kpis.set_index("case").loc["baseline", "failed"] == 1
    assert "no handling for dangerous cargo" in result.notes[0]


def test_compare_sees_a_route_change_by_the_same_mode_through_other_places(network):
    """A new direct road Lao Cai – Hanoi: the truck keeps its mode and gates, but not its way;
    the change shows the places before and after."""
    direct = Scenario(
        name="direct road",
        source="estimate: test",
        operations=[
            Add(
                add="legs",
                row={
                    "id": "road_lao_cai_hanoi_direct",
                    "origin": "lao_cai",
                    "destination": "hanoi",
                    "mode": "road",
                    "km": 265,
                    "speed_kmh": 70,
                    "reefer": True,
                    "dangerous": True,
                    "source": "estimate: test",
                },
            )
        ],
    )
    shipment = {"origin": "Lao Cai", "destination": "Hanoi"}
    before = quote("Lao Cai", "Hanoi", network=network)
    after = quote("Lao Cai", "Hanoi", network=direct.apply(network))
    assert before.modes == after.modes == ["road"] and before.places != after.places
    result = compare(network, [direct], shipments=[shipment])
    (change,) = result.changes.itertuples()
    assert change.before == f"road ({' → '.join(before.places)})"
    assert change.after == "road (lao_cai → hanoi)"
    unchanged = compare(network, [scenario("cbta-permits-expanded.yaml")], shipments=[shipment])
    assert unchanged.changes.empty


def test_a_shipment_place_in_no_case_is_an_error_before_any_case_runs(network, monkeypatch):
    def quote_many(*args, **kwargs):
        raise AssertionError("a case ran")

    monkeypatch.setattr("corridor.scenario.comparison.quote_many", quote_many)
    gate = scenario("lao-cai-smart-gate.yaml")
    shipments = [
        {"origin": "Kunming", "destination": "Hanoi"},
        {"origin": "Kunmng", "destination": "Hanoi"},
    ]
    with pytest.raises(UnknownPlaceError, match="no place 'Kunmng'; did you mean 'Kunming'"):
        compare(network, [gate], shipments=shipments)
    with pytest.raises(UnknownPlaceError, match="no place 'Atlantis'"):
        compare(
            network,
            [gate],
            shipments=pd.DataFrame({"origin": ["Kunming"], "destination": ["Atlantis"]}),
        )
    with pytest.raises(PlaceNotOpenError, match="opens in 2030"):
        compare(network, [gate], shipments=[{"origin": "Hanoi", "destination": "Sa Pa"}])


def test_a_shipment_place_only_some_cases_have_is_a_note(network):
    """Sa Pa airport opens in 2030: a 2031 scenario quotes it, the 2026 baseline notes it."""
    later = Scenario(name="in 2031", source="estimate: test", year=2031)
    result = compare(network, [later], shipments=[{"origin": "Hanoi", "destination": "Sa Pa"}])
    kpis = result.kpis.set_index("case")
    assert kpis.loc["baseline", "failed"] == 1 and kpis.loc["in 2031", "quoted"] == 1
    assert any(
        "'baseline': 1 of 1 shipments failed" in note and "opens in 2030" in note
        for note in result.notes
    )
    # the 2026 baseline is not compared with anything: the 2031 pair keeps its means
    own = quote("Hanoi", "Sa Pa", network=later.apply(network))
    assert list(kpis["shipments_compared"]) == [0, 1, 1]
    for case in ("baseline 2031", "in 2031"):
        assert kpis.loc[case, "mean_cost_usd"] == pytest.approx(own.cost_usd)


def test_sa_pa_airport_scenario_flies_without_customs_and_on_with_them():
    network = Scenario.from_yaml(SCENARIOS / "sa-pa-airport-cargo.yaml").apply(load_network(2031))
    assert network.legs["air_sa_pa_noi_bai"].departures_per_day == 2
    domestic = quote("Sa Pa airport", "Noi Bai", modes=["air"], network=network)
    assert domestic.border_crossings == []
    abroad = quote("Sa Pa airport", "KMG", modes=["air"], network=network)
    assert [s.ref for s in abroad.border_crossings] == ["changshui_noi_bai_air"]


def test_removing_a_flight_removes_the_customs_cleared_on_it(network):
    scenario = Scenario(
        name="no flight",
        source="estimate: test",
        operations=[Close(close="legs", id="air_changshui_noi_bai")],
    )
    changed = scenario.apply(network)
    assert "changshui_noi_bai_air" not in changed.crossings
    assert "changshui_noi_bai_air" in network.crossings
    closed = Scenario(
        name="flight ends",
        source="estimate: test",
        operations=[Close(close="legs", id="air_changshui_noi_bai", year=2026)],
    ).apply(network)
    assert "changshui_noi_bai_air" not in closed.crossings  # its leg is not in service
    with pytest.raises(NoRouteError):
        quote("KMG", "HAN", modes=["air"], network=closed)


def test_top_bottleneck_changes_only_when_the_plan_does():
    """Ban Vuoc and Ma Lu Thang leave the 2031 plan's cost as it is: the KPI must not move with
    the simplex's choice among equally optimal duals; the Huu Nghi smart gate moves it (the
    Lang Son gates, full in 2031, are no longer the most valuable capacity). Since the links
    round by Nanning and Mong Cai (issue 26) all the 2031 demand is carried, at a cost."""
    names = ["ban-vuoc-bridge.yaml", "ma-lu-thang-bridge.yaml", "huu-nghi-smart-gate.yaml"]
    network = load_network(2031)
    result = compare(network, [scenario(n) for n in names], demand=DEMAND / "sample_2031.csv")
    kpis = result.kpis.set_index("case")
    base = kpis.loc["baseline"]
    top = plan(DEMAND / "sample_2031.csv", network=network, marginal=True).bottlenecks.iloc[0]
    assert base["top_bottleneck"].startswith(f"{top['ref']} {top['direction']} ")
    unchanged = np.isclose(kpis["plan_cost_usd_per_day"], base["plan_cost_usd_per_day"], rtol=1e-9)
    assert unchanged.sum() == 3  # the baseline and the two bridges
    assert (kpis.loc[unchanged, "top_bottleneck"] == base["top_bottleneck"]).all()
    gate = kpis.loc["Huu Nghi smart border gate"]
    # the full Lang Son gates send flows round by Yunnan or Mong Cai: more capacity saves
    assert gate["plan_cost_usd_per_day"] < base["plan_cost_usd_per_day"]
    assert gate["top_bottleneck"] != base["top_bottleneck"]


def test_a_scenario_of_another_year_is_compared_with_the_baseline_of_its_year():
    """The dual-gauge link opens in 2028 in its file: compared with the 2031 network it would
    mix the project with three years of the network's growth (the SGR opens in 2030)."""
    from corridor.render.charts import relative_change

    early = scenario("dual-gauge-link-first.yaml")
    result = compare(
        load_network(2031),
        [early, scenario("ban-vuoc-bridge.yaml")],
        shipments=[{"origin": "Kunming", "destination": "Lao Cai"}],
        demand=DEMAND / "sample_2031.csv",
    )
    kpis = result.kpis.set_index("case")
    assert list(kpis.index) == [
        "baseline",
        "baseline 2028",
        early.name,
        "Ban Vuoc - Ba Sa road bridge",
    ]
    assert list(kpis["year"]) == [2031, 2028, 2028, 2031]
    assert list(kpis["compared_with"].fillna("")) == ["", "", "baseline 2028", "baseline"]
    # a link more in the same year cannot cost more; against 2031 it looked dearer
    cost = kpis["plan_cost_usd_per_day"]
    assert cost[early.name] < cost["baseline 2028"]
    assert cost[early.name] > cost["baseline"]
    change = relative_change(result.kpis)
    assert list(change.index) == [early.name, "Ban Vuoc - Ba Sa road bridge"]
    assert change.loc[early.name, "plan_cost_usd_per_day"] < 0
    # routes are compared with the baseline of the same year: no SGR crossing before 2030
    (before, after) = result.changes.loc[result.changes["case"] == early.name].iloc[0][
        ["before", "after"]
    ]
    assert "hekou_north_lao_cai_sgr" not in before and "hekou_north_lao_cai_sgr" in after
    (note,) = [note for note in result.notes if "sets year" in note]
    assert early.name in note and "2028" in note and "baseline 2028" in note


def test_compare_means_are_over_the_shipments_quoted_in_every_case(network, tmp_path):
    """Closing Lao Cai station makes one of two quotes fail: the means must not jump to the
    other shipment's cost."""
    closed = Scenario(
        name="no Lao Cai station",
        source="estimate: test",
        operations=[Close(close="places", id="lao_cai_station")],
    )
    shipments = [
        {"origin": "Kunming", "destination": "Hanoi"},
        {"origin": "lao_cai_station", "destination": "Hanoi"},
    ]
    result = compare(network, [closed], shipments=shipments)
    kpis = result.kpis.set_index("case")
    assert list(kpis["failed"]) == [0, 1] and list(kpis["quoted"]) == [2, 1]
    assert list(kpis["shipments_compared"]) == [1, 1]
    for case, net in (("baseline", network), ("no Lao Cai station", closed.apply(network))):
        q = quote("Kunming", "Hanoi", network=net)
        assert kpis.loc[case, "mean_cost_usd"] == pytest.approx(q.cost_usd)
        assert kpis.loc[case, "mean_planned_hours"] == pytest.approx(q.planned_hours)
    (note,) = result.notes
    assert "'no Lao Cai station': 1 of 2 shipments failed" in note
    assert "over the 1 shipment quoted in every case" in note


def test_a_scenario_file_must_be_utf8_a_byte_order_mark_is_fine(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: x\nsource: 'estimate: t'\ndescription: Lào Cai\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_yaml(path)
    assert str(caught.value) == (
        f"{path}, line 3: not UTF-8 text (byte 0xe0); save the file as UTF-8"
    )
    path.write_bytes(codecs.BOM_UTF8 + b"name: x\nsource: 'estimate: t'\n")
    assert Scenario.from_yaml(path).name == "x"


def test_compare_reads_a_demand_file_as_plan_does(network, tmp_path):
    path = tmp_path / "demand.csv"
    path.write_bytes("origin,destination,teu_per_day\nCôn Minh,Hanoi,2\n".encode("latin-1"))
    with pytest.raises(DataError, match=re.escape(f"{path}, line 2, column 'origin': not UTF-8")):
        compare(network, [], demand=path)
    path.write_text("origin,destination,teu_per_day\nKunming,Hanoi,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 2: 4 fields but the header has 3"):
        compare(network, [], demand=path)
    lots = pd.DataFrame([{"origin": "Kunming", "destination": "Hanoi", "teu_per_day": "lots"}])
    with pytest.raises(DataError, match="column 'teu_per_day': not a number: 'lots'"):
        compare(network, [], demand=lots)


def test_demand_growth_scales_tonnes_as_well_as_teu():
    table = pd.DataFrame(
        {
            "origin": ["Kunming", "Kaiyuan"],
            "destination": ["Hanoi", "Hai Phong"],
            "teu_per_day": [4.0, None],
            "tonnes_per_day": [None, 300.0],
        }
    )
    grown = grown_demand(table, 1.5)
    assert grown["teu_per_day"].tolist()[0] == 6.0 and pd.isna(grown["teu_per_day"][1])
    assert grown["tonnes_per_day"].tolist()[1] == 450.0 and pd.isna(grown["tonnes_per_day"][0])
    assert table["tonnes_per_day"].tolist()[1] == 300.0  # the caller's table is not changed


def test_a_removed_place_is_named_as_removed_never_read_as_another_place(network):
    """ "Hanoi" is also how the name of Khuyen Luong river port (Hanoi) starts."""
    closed = Scenario(
        name="no hanoi", source="estimate: t", operations=[Close(close="places", id="hanoi")]
    ).apply(network)
    for query in ("hanoi", "Hanoi", "Hà Nội"):
        with pytest.raises(PlaceNotOpenError, match=r"^Hanoi \(hanoi\) is removed by a scenario"):
            closed.place(query)
    assert closed.place("Khuyen Luong").id == network.place("Khuyen Luong").id
    demand = pd.DataFrame(
        [("Kunming", "hanoi", 2)], columns=["origin", "destination", "teu_per_day"]
    )
    with pytest.raises(DataError, match="column 'destination': Hanoi .* removed by a scenario"):
        plan(demand, network=closed)


def test_a_field_both_set_and_scaled_is_an_error_at_its_operation(tmp_path):
    path = tmp_path / "both.yaml"
    path.write_text(
        "name: both\nsource: 'estimate: t'\noperations:\n"
        "  - update: crossings\n    id: hekou_kim_thanh\n"
        "    set: {capacity_teu_day: 100}\n    scale: {capacity_teu_day: 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ScenarioError,
        match=r"both.yaml, line 4: operations.0.update: capacity_teu_day: both set and scaled",
    ):
        Scenario.from_yaml(path)


def test_a_request_error_of_every_shipment_is_the_comparisons_own(network):
    smart_gate = Scenario.from_yaml(SCENARIOS / "lao-cai-smart-gate.yaml")
    shipments = pd.DataFrame({"origin": ["Kunming", "Lao Cai"], "destination": ["Hanoi"] * 2})
    # (a missing value_usd no longer fails: the cargo class's default goods value applies)
    with pytest.raises(InvalidRequestError, match="^every shipment: teu must be more than 0"):
        compare(network, [smart_gate], shipments=shipments.assign(teu=[0, 0]))
    one_bad = shipments.assign(teu=[1, 0])  # one row fails, in every case: a note
    result = compare(network, [smart_gate], shipments=one_bad)
    assert any("1 of 2 shipments failed" in note for note in result.notes)


def test_a_scenario_setting_a_km_below_the_straight_line_is_refused(network):
    """The loader's straight-line rule holds for scenarios too, with both figures."""
    update = Update(update="legs", id="road_hanoi_lang_son", scale={"km": 0.5})
    with pytest.raises(ScenarioError) as caught:
        Scenario(name="x", source="estimate: test", operations=[update]).apply(network)
    assert str(caught.value).startswith(
        "scenario 'x' leaves the data invalid: operations.0, column 'km': 68 km is shorter "
        "than the 132.5 km straight line between 'hanoi' and 'lang_son'"
    )
    moved = Update(update="places", id="youyiguan", set={"lat": 22.02})  # 4.9 km north
    with pytest.raises(ScenarioError, match="'youyiguan' and 'huu_nghi'"):
        Scenario(name="x", source="estimate: test", operations=[moved]).apply(network)
