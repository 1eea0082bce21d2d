"""Hostile input: every reproduction of the reliability review, with its message and exit code.

Exit codes of the command line: 2 for bad input (a one-line ``error: ...``), 1 for a request
that has no answer. Each number a user gives has one range (:mod:`corridor.units`).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corridor import (
    DataError,
    InvalidRequestError,
    PlaceNotOpenError,
    Scenario,
    ScenarioError,
    load_network,
    plan,
    quote,
)
from corridor.cli import app
from corridor.cli.common import MAX_SHOWN_CHARS, clip
from corridor.outputs import replacing
from corridor.scenario.loading import MAX_DEPTH
from corridor.tables import MAX_LINE_CHARS, MAX_ROWS, read_csv_table
from corridor.units import RANGES, TEU

runner = CliRunner()
DOCS = Path(__file__).parents[1] / "docs"


def one_line(args: list[str], code: int = 2) -> str:
    """Run the CLI; check the exit code and that stderr is one line; return that line."""
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.strip()


# --- numbers: finite and bounded ---------------------------------------------------------


def test_a_huge_carbon_price_is_a_bad_request_not_a_traceback():
    args = ["quote", "Kunming", "Hai Phong", "--objective", "generalised", "--value-usd", "1000"]
    message = one_line([*args, "--carbon-price", "1e308"])
    assert message == ("error: --carbon-price must be from 0 to 100,000 USD/t CO2e, got 1e+308")


def test_an_int_beyond_any_float_is_refused_not_an_overflow():
    with pytest.raises(InvalidRequestError, match="teu must be a finite number more than 0"):
        quote("Kunming", "Hai Phong", teu=10**400)


def test_a_huge_teu_is_refused_with_its_range():
    message = one_line(["quote", "Kunming", "Hai Phong", "--teu", "1e308"])
    assert message == "error: --teu must be more than 0 and at most 10,000 TEU, got 1e+308"
    assert quote("Kunming", "Hai Phong", teu=TEU.high).cost_usd > 0  # the top is accepted


def test_compare_with_a_huge_goods_value_is_one_line():
    args = ["scenario", "compare", "lao-cai-smart-gate", "--shipment", "Kunming:Hai Phong"]
    message = one_line([*args, "--value-usd", "1e308"])
    assert (
        message
        == "error: every shipment: --value-usd must be from 0 to 1,000,000,000,000 USD, got 1e+308"
    )


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        ("teu_per_day", "1e308", "column 'teu_per_day': must be from 0 to 100,000 TEU/day"),
        ("tonnes_per_day", "1e308", "column 'tonnes_per_day': must be from 0 to 4,000,000 t/day"),
        (
            "teu_per_day,value_usd_per_teu",
            "1,1e308",
            "column 'value_usd_per_teu': must be from 0 to 100,000,000 USD/TEU",
        ),
    ],
)
def test_a_demand_cell_of_1e308_is_refused(tmp_path, header, row, message):
    path = tmp_path / "demand.csv"
    path.write_text(f"origin,destination,{header}\nKunming,Hanoi,{row}\n", "utf-8")
    objective = "generalised" if "value" in header else "cost"  # which reads the goods value
    line = one_line(["plan", str(path), "--objective", objective])
    assert line.startswith(f"error: {path}, line 2, ")
    assert message in line


def test_a_plan_of_1e15_teu_a_day_is_refused_not_imprecise(network):
    rows = [{"origin": "Kunming", "destination": "Hai Phong", "teu_per_day": 1e15}]
    with pytest.raises(DataError, match="must be from 0 to 100,000 TEU/day, got 1e\\+15"):
        plan(rows, network=network)


def test_scenario_values_out_of_range_are_refused(tmp_path, network):
    cases = {
        "{km: 1.0e308}": "km: must be more than 0 and at most 20,000 km",
        "{speed_kmh: 0.001}": "speed_kmh: must be from 1 to 1,000 km/h",
    }
    for values, message in cases.items():
        path = tmp_path / "s.yaml"
        path.write_text(
            "name: s\nsource: 'estimate: test'\noperations:\n"
            f"  - {{update: legs, id: road_kunming_yuxi, set: {values}}}\n",
            "utf-8",
        )
        with pytest.raises(ScenarioError, match=re.escape(message)):
            Scenario.from_yaml(path).apply(network)
    path.write_text(
        "name: s\nsource: 'estimate: t'\noperations:\n"
        "  - {update: legs, id: road_kunming_yuxi, set: {km: 5}}\n",
        "utf-8",
    )
    below = r"5 km is shorter than the [\d.]+ km straight line between 'kunming' and 'yuxi'"
    with pytest.raises(ScenarioError, match=below):
        Scenario.from_yaml(path).apply(network)
    path.write_text("name: s\nsource: 'estimate: t'\ndemand_growth: .inf\n", "utf-8")
    with pytest.raises(ScenarioError, match="demand_growth: must be more than 0 and at most 100"):
        Scenario.from_yaml(path)


def test_every_range_is_documented():
    page = (DOCS / "limits.md").read_text("utf-8")
    for name, within in RANGES.items():
        row = f"| `{name}` | {within.describe()} | {within.what} |"
        assert row in page, row


# --- names and places --------------------------------------------------------------------


def test_a_place_that_is_no_text_is_a_bad_request(network):
    for query in (None, 5, 2.5):
        with pytest.raises(InvalidRequestError, match="a place is named by text"):
            network.place(query)


def test_a_very_long_place_name_is_answered_at_once(network):
    start = time.perf_counter()
    with pytest.raises(DataError, match=r"^no place 'x+\.\.\.$"):
        network.place("x" * 1_000_000)
    assert time.perf_counter() - start < 5  # difflib on it would take minutes


def test_avoiding_a_crossing_that_opens_later_says_when():
    message = one_line(["quote", "Kunming", "Hai Phong", "--avoid", "hekou_north_lao_cai_sgr"])
    assert re.fullmatch(
        r"error: .* \(hekou_north_lao_cai_sgr\) opens in 20\d\d; use year 20\d\d or later", message
    )
    opens = next(c.opens for c in load_network(2026).dataset.crossings if "sgr" in c.id)
    with pytest.raises(PlaceNotOpenError):
        quote("Kunming", "Hai Phong", avoid=["hekou_north_lao_cai_sgr"])
    assert quote("Kunming", "Hai Phong", avoid=["hekou_north_lao_cai_sgr"], year=opens).km > 0


def test_a_deadline_with_no_transshipment_is_met_by_the_route_returned():
    """The probe ``--cbta --deadline 20h --max-transshipments 0`` exits 0: rightly, as checked.

    (A CBTA truck plans about 20 h; without permits the cargo is transloaded at the gate.)
    """
    route = quote("Kunming", "Hai Phong", deadline="20h", max_transshipments=0, cbta=True)
    assert route.planned_hours <= 20  # the deadline bounds the planned (P50) hours
    assert len(route.transshipments) == 0
    flags = ["--cbta", "--deadline", "20h", "--max-transshipments", "0"]
    result = runner.invoke(app, ["quote", "Kunming", "Hai Phong", *flags])
    assert result.exit_code == 0, result.output


# --- files: sizes, characters, columns ---------------------------------------------------


def test_duplicate_columns_after_folding_case_and_spaces_are_an_error(tmp_path):
    for header in ("origin,Origin", "origin, origin"):
        path = tmp_path / "demand.csv"
        path.write_text(f"{header},destination,teu_per_day\nKunming,Kunming,Hanoi,2\n", "utf-8")
        message = one_line(["plan", str(path)])
        assert re.search(r"line 1: column\(s\) named twice: 'origin' and '( o|O)rigin'", message)


def test_a_nul_byte_is_refused_with_its_line_and_column(tmp_path):
    path = tmp_path / "demand.csv"
    path.write_bytes(b"origin,destination,teu_per_day\nKunming,Ha\x00noi,2\n")
    message = one_line(["plan", str(path)])
    assert message == (
        f"error: {path}, line 2, column 'destination': a control character (U+0000); "
        "save the file as plain text"
    )


def test_over_long_lines_cells_and_tables_are_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(f"origin,destination\nKunming,{'x' * (MAX_LINE_CHARS + 1)}\n", "utf-8")
    with pytest.raises(DataError, match=r"line 2: a line of 10,0\d\d characters; at most"):
        read_csv_table(path)
    cell = "y" * (MAX_LINE_CHARS // 2)
    path.write_text(f'origin,destination\nKunming,"{cell}\n{cell}\n"\n', "utf-8")
    with pytest.raises(DataError, match=r"line 2: a cell of over 10,000 characters"):
        read_csv_table(path)
    path.write_text("origin,destination\n" + "a,b\n" * (MAX_ROWS + 1), "utf-8")
    with pytest.raises(DataError, match=r"more than 200,000 rows; split the table"):
        read_csv_table(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: x\nsource: s\noperations: " + "[" * 900 + "]" * 900,
            f"line 3: lists and maps nested over {MAX_DEPTH} levels deep",
        ),
        ("name: &a x\nsource: *a\n", "line 2: an alias (*a); write the value out"),
        ("name: x\nsource: s\ndescription: " + "a" * 100_000, "line 3: a line of 100,013"),
        (
            "name: x\nsource: s\ndescription: >\n" + f"  {'b' * 9_000}\n" * 2,
            "line 3: a text of 18,002 characters; at most 10,000 are read",
        ),
    ],
)
def test_hostile_yaml_is_refused_quickly_in_one_line(tmp_path, text, message):
    path = tmp_path / "s.yaml"
    path.write_text(text, "utf-8")
    start = time.perf_counter()
    line = one_line(["scenario", "show", str(path)])
    assert time.perf_counter() - start < 10
    assert line.startswith(f"error: {path}, ")
    assert message in line


def test_a_huge_yaml_file_is_refused_by_its_size(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: x\nsource: s\n" + "# padding\n" * 200_000, "utf-8")
    assert "bytes; at most 1,048,576 are read" in one_line(["scenario", "show", str(path)])


# --- display -----------------------------------------------------------------------------


def test_long_texts_are_cut_for_display(tmp_path):
    path = tmp_path / "s.yaml"
    description = "d" * 9_000
    path.write_text(
        f"name: {'n' * 9_000}\nsource: 'estimate: test'\ndescription: {description}\n", "utf-8"
    )
    start = time.perf_counter()
    result = runner.invoke(app, ["scenario", "show", str(path)], terminal_width=80)
    assert time.perf_counter() - start < 10
    assert result.exit_code == 0, result.output
    assert "characters …]" in result.stdout
    assert len(result.stdout) < 4 * MAX_SHOWN_CHARS
    assert clip("a" * 10) == "a" * 10
    cut = clip("a" * 3_000 + "b" * 3_000)
    assert cut.startswith("a" * 500) and cut.endswith("b" * 500) and "5,000 characters" in cut


# --- nothing is lost ---------------------------------------------------------------------


def test_a_failed_write_leaves_the_earlier_file_and_no_part(tmp_path):
    target = tmp_path / "routes.csv"
    target.write_text("earlier", "utf-8")

    def fail(part: Path) -> None:
        part.write_text("half", "utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), replacing(target) as part:
        fail(part)
    assert target.read_text("utf-8") == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["routes.csv"]


def test_a_failing_png_leaves_no_file(tmp_path, monkeypatch):
    import matplotlib.figure

    def broken(self, fname, **kwargs):
        Path(fname).write_bytes(b"\x89PNG half")
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken)
    png = tmp_path / "route.png"
    result = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--png", str(png)])
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == []


def test_no_input_file_is_overwritten(tmp_path):
    demand = tmp_path / "demand.csv"
    demand.write_text("origin,destination,teu_per_day\nKunming,Hanoi,2\n", "utf-8")
    before = demand.read_bytes()
    message = one_line(["plan", str(demand), "--out", str(demand)])
    assert message == f"error: --out: {demand} is an input of this command; write it elsewhere"
    assert demand.read_bytes() == before
    legs = Path(__file__).parents[1] / "data" / "legs.csv"
    shipped = legs.read_bytes()
    message = one_line(["quote", "Kunming", "Hanoi", "--out", str(legs)])
    assert "is in a data folder of this command" in message
    assert legs.read_bytes() == shipped


def test_a_run_of_the_cli_modifies_no_input(tmp_path, data_copy):
    demand = tmp_path / "demand.csv"
    demand.write_text("origin,destination,teu_per_day\nKunming,Hanoi,2\n", "utf-8")
    inputs = [demand, *sorted(data_copy.rglob("*"))]
    before = {p: p.read_bytes() for p in inputs if p.is_file()}
    out = tmp_path / "out"
    out.mkdir()
    args = ["plan", str(demand), "--data", str(data_copy), "--out", str(out / "plan.csv")]
    result = runner.invoke(app, [*args, "--map", str(out / "plan.html")])
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in out.iterdir()) == ["plan.csv", "plan.html"]


def test_a_sweep_refuses_a_pool_larger_than_its_limit(tmp_path):
    from corridor.scenario import sweep

    spec = Path(__file__).parents[1] / "data" / "sweeps"
    first = sorted(spec.glob("*.yaml"))[0]
    with pytest.raises(InvalidRequestError, match="workers must be at most 256, got 100,000"):
        sweep(first, workers=100_000)
