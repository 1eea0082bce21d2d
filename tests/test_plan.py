"""Capacity-aware planning: equivalence with quotes, diversion, shadow prices, bad input."""

from __future__ import annotations

import codecs
import importlib
import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from corridor import (
    DataError,
    InfeasibleError,
    InvalidRequestError,
    SolverError,
    load_network,
    plan,
    quote,
    units,
)
from corridor.data import check_source, source_keys
from corridor.model import CargoClass
from corridor.network import Network
from corridor.planning import read_demand
from corridor.planning.demand import SHOWN_PROBLEMS
from corridor.planning.result import BINDING

DEMAND_DIR = Path(__file__).parent.parent / "data" / "demand"


def demand(*rows):
    return pd.DataFrame(rows, columns=["origin", "destination", "teu_per_day", "cargo"])


def with_capacity(network: Network, leg_id: str, capacity: float) -> Network:
    legs = tuple(
        replace(leg, capacity_teu_day=capacity) if leg.id == leg_id else leg
        for leg in network.dataset.legs
    )
    return Network(replace(network.dataset, legs=legs), network.year)


def test_with_ample_capacity_the_plan_is_the_sum_of_quotes(network):
    rows = [
        ("Kunming", "Hai Phong", 2, "general"),
        ("Nanning", "Hanoi", 3, "general"),
        ("Hanoi", "Kunming", 1, "reefer"),
        ("Yuxi", "Lach Huyen", 2, "general"),
    ]
    result = plan(demand(*rows), network=network)
    # the plan minimises cost: so do the quotes it is compared with (cbta: the plan's graph
    # has the direct-trucking crossing too)
    expected = sum(
        quote(o, d, teu, cargo=c, objective="cost", cbta=True, network=network).cost_usd
        for o, d, teu, c in rows
    )
    assert result.objective_usd_per_day == pytest.approx(expected)
    assert result.totals["cost_usd_per_day"] == pytest.approx(expected)
    assert result.unserved.empty


def test_a_cut_leg_diverts_flow_and_its_shadow_price_is_the_marginal_saving(network):
    rows = [("Kunming", "Hai Phong", 200, "general")]
    base = plan(demand(*rows), network=network)
    leg = "rail1000_lao_cai_yen_bai"
    used = base.arcs[base.arcs["ref"] == leg]["teu_per_day"].sum()
    assert used > 60
    cut = with_capacity(network, leg, 60)
    tight = plan(demand(*rows), network=cut)
    assert tight.arcs[tight.arcs["ref"] == leg]["teu_per_day"].sum() == pytest.approx(60)
    assert tight.objective_usd_per_day > base.objective_usd_per_day
    row = tight.capacities[
        (tight.capacities["ref"] == leg) & (tight.capacities["direction"] == "from lao_cai_station")
    ].iloc[0]
    assert row["utilisation"] == pytest.approx(1)
    assert row["shadow_price_usd"] > 0
    assert leg in set(tight.bottlenecks["ref"])
    looser = plan(demand(*rows), network=with_capacity(network, leg, 61))
    saving = tight.objective_usd_per_day - looser.objective_usd_per_day
    assert saving == pytest.approx(row["shadow_price_usd"], rel=1e-6)


def test_flow_is_conserved_at_every_inner_vertex(network):
    result = plan(DEMAND_DIR / "sample_2026.csv", network=network)
    balance = defaultdict(float)
    for row in result.arcs.itertuples():
        balance[(row.from_place, row.from_mode)] -= row.teu_per_day
        balance[(row.to_place, row.to_mode)] += row.teu_per_day
    inner = {v: b for v, b in balance.items() if v[1] not in ("in", "out")}
    assert max(abs(b) for b in inner.values()) < 1e-6
    assert sum(b for v, b in balance.items() if v[1] == "out") == pytest.approx(
        result.totals["teu_per_day"]
    )


def test_unserved_only_when_capacity_binds(network):
    small = plan(demand(("Nanning", "Hanoi", 100, "general")), network=network)
    assert small.unserved.empty
    huge = plan(demand(("Nanning", "Hanoi", 5000, "general")), network=network)
    assert huge.totals["unserved_teu_per_day"] > 0
    assert huge.totals["teu_per_day"] + huge.totals["unserved_teu_per_day"] == pytest.approx(5000)
    assert (huge.bottlenecks["shadow_price_usd"] > 0).any()


def test_integer_plan_carries_whole_units(network):
    rows = [("Kunming", "Hai Phong", 7.5, "general"), ("Nanning", "Hanoi", 3, "general")]
    result = plan(demand(*rows), network=network, integer=True)
    assert (result.arcs["teu_per_day"] == result.arcs["teu_per_day"].round()).all()
    assert result.capacities["shadow_price_usd"].isna().all()


def test_an_integer_plan_out_of_time_says_so(network):
    """Whole-TEU plans are a MIP: with no time to find one the error says why and what to do.

    A time limit is a SolverError (the request may have a plan), never an infeasibility."""
    with pytest.raises(
        SolverError, match=r"no plan found within 0 s: time limit reached"
    ) as caught:
        plan(DEMAND_DIR / "sample_2026.csv", network=network, integer=True, time_limit_s=0)
    assert caught.value.time_limit and not isinstance(caught.value, InfeasibleError)
    with pytest.raises(SolverError, match=r"plan the LP \(integer=False\)$"):
        plan(DEMAND_DIR / "sample_2026.csv", network=network, integer=True, time_limit_s=0)


@pytest.mark.parametrize("method", ["arcs", "paths"])
@pytest.mark.parametrize("seconds", [-1, float("inf"), float("nan")])
def test_a_negative_or_endless_time_limit_is_a_bad_request(network, method, seconds):
    """OR-Tools rejected -1 with an AttributeError from its own status object."""
    with pytest.raises(
        InvalidRequestError, match=r"time_limit_s must be (a finite number )?from 0 to 86,400 s"
    ):
        plan(DEMAND_DIR / "sample_2026.csv", network=network, method=method, time_limit_s=seconds)


def test_routes_add_up_to_the_demand(network):
    result = plan(DEMAND_DIR / "sample_2026.csv", network=network)
    carried = result.routes.groupby(["origin", "destination"])["teu_per_day"].sum()
    wanted = pd.read_csv(DEMAND_DIR / "sample_2026.csv").set_index(["origin", "destination"])[
        "teu_per_day"
    ]
    pd.testing.assert_series_equal(
        carried.sort_index(), wanted.sort_index().astype(float), check_names=False
    )


def test_the_2030_standard_gauge_line_moves_the_2031_sample_onto_standard_gauge():
    """The same demand on the network before and after the Lao Cai–Hai Phong line opens."""
    sample = DEMAND_DIR / "sample_2031.csv"
    before, after = plan(sample, year=2029), plan(sample, year=2031)
    share = lambda p: p.mode_split.get("rail_1435", 0) / p.mode_split.sum()  # noqa: E731
    assert share(after) > share(before)
    sgr = after.arcs[after.arcs["ref"].str.startswith("rail1435_sgr_")]
    assert sgr["teu_per_day"].sum() > 0


def test_shipped_demand_tables_cite_their_sources():
    keys = source_keys(DEMAND_DIR.parent)
    for path in DEMAND_DIR.glob("*.csv"):
        for cell in pd.read_csv(path)["source"]:
            check_source(cell, keys)


def test_loaded_legs_as_geodataframe(network, tmp_path):
    result = plan(DEMAND_DIR / "sample_2026.csv", network=network)
    frame = result.to_geodataframe()
    assert frame.crs.to_epsg() == 4326 and (frame["teu_per_day"] > 0).all()
    frame.to_file(tmp_path / "plan.gpkg", layer="loaded_links", driver="GPKG")
    again = gpd.read_file(tmp_path / "plan.gpkg", layer="loaded_links")
    assert len(again) == len(frame) and again.crs.to_epsg() == 4326


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [("Kunmign", "Hanoi", 1, "general")],
            r"line 2, column 'origin': no place 'Kunmign'; did ",
        ),
        (
            [("Kunming", "Hanoi", -1, "general")],
            r"line 2, column 'teu_per_day': must be from 0 to 100,000 TEU/day, got -1",
        ),
        ([("Kunming", "Hanoi", "lots", "general")], r"column 'teu_per_day': not a number"),
        ([("Kunming", "Hanoi", 1, "frozen")], r"column 'cargo': unknown cargo 'frozen'"),
        ([], "no rows"),
    ],
)
def test_bad_demand_names_row_and_column(network, rows, message):
    with pytest.raises(DataError, match=message):
        plan(demand(*rows), network=network)


def test_every_bad_demand_row_is_reported_at_once(network):
    good = ("Kunming", "Hanoi", 1, "general")
    bad = [("Kunmign", "Hanoi", 1, "general"), ("Kunming", "Hanoi", "x", "general")]
    rows = [good, bad[0], ("Kunming", "Hai Phong", 1, "general"), bad[1]]
    with pytest.raises(DataError) as caught:
        plan(demand(*rows), network=network)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (3, "origin"),
        (5, "teu_per_day"),
    ]
    assert str(caught.value) == (
        "demand: 2 rows with problems: line 3, column 'origin': "
        f"{caught.value.problems[0].detail}; line 5, column 'teu_per_day': not a number: 'x'"
    )
    many = bad[1:] * (SHOWN_PROBLEMS + 3)
    with pytest.raises(DataError) as caught:
        plan(demand(*many), network=network)
    assert len(caught.value.problems) == SHOWN_PROBLEMS + 3
    assert str(caught.value).count("not a number") == SHOWN_PROBLEMS
    assert str(caught.value).endswith("; and 3 more")
    with pytest.raises(DataError) as caught:  # one bad row: its own error, as before
        plan(demand(good, bad[0]), network=network)
    assert caught.value.problems == [caught.value] and caught.value.row == 3


def test_duplicate_rows_are_summed_with_a_warning(network):
    rows = [("Kunming", "Hanoi", 2, "general"), ("Kunming", "Hanoi", 3, "general")]
    with pytest.warns(UserWarning, match="line 3: duplicate of line 2; volumes summed"):
        result = plan(demand(*rows), network=network)
    assert result.totals["teu_per_day"] == pytest.approx(5)


def test_missing_file_and_column(network, tmp_path):
    with pytest.raises(DataError, match="file not found"):
        plan(tmp_path / "none.csv", network=network)
    with pytest.raises(DataError, match="a folder, not a CSV file"):
        plan(tmp_path, network=network)
    (tmp_path / "bad.csv").write_text("origin,destination\nKunming,Hanoi\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"missing column\(s\) teu_per_day or tonnes_per_day$"):
        plan(tmp_path / "bad.csv", network=network)
    (tmp_path / "near.csv").write_text(
        "origin,destination,teu\nKunming,Hanoi,3\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"tonnes_per_day; did you mean 'teu' for 'teu_per_day'\?"):
        plan(tmp_path / "near.csv", network=network)
    (tmp_path / "semi.csv").write_text(
        "origin;destination;teu_per_day\nKunming;Hanoi;3\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match="separate the columns with commas, not ';'"):
        plan(tmp_path / "semi.csv", network=network)
    (tmp_path / "tabs.csv").write_text(
        "origin\tdestination\tteu_per_day\nKunming\tHanoi\t3\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match="separate the columns with commas, not tabs"):
        plan(tmp_path / "tabs.csv", network=network)


def test_tonnes_per_day_plan_as_teu_at_the_cargo_payload(network):
    rows = [("Kunming", "Hai Phong", "bulk", 300.0, None), ("Kunming", "Hanoi", "general", None, 4)]
    by_weight = pd.DataFrame(
        rows, columns=["origin", "destination", "cargo", "tonnes_per_day", "teu_per_day"]
    )
    payload = network.cargo_profiles[CargoClass.BULK].tonnes_per_teu
    by_boxes = by_weight.assign(teu_per_day=[300.0 / payload, 4]).drop(columns="tonnes_per_day")
    weight, boxes = plan(by_weight, network=network), plan(by_boxes, network=network)
    assert weight.totals == pytest.approx(boxes.totals)
    assert weight.totals["teu_per_day"] == pytest.approx(300.0 / payload + 4)
    pd.testing.assert_frame_equal(weight.routes, boxes.routes)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("2,30", r"line 2, column 'tonnes_per_day': give teu_per_day or tonnes_per_day, not both"),
        (",", r"line 2, column 'teu_per_day': no volume: give teu_per_day or tonnes_per_day"),
        (",-5", r"line 2, column 'tonnes_per_day': must be from 0 to 4,000,000 t/day"),
    ],
)
def test_a_row_gives_one_volume(network, tmp_path, cells, message):
    path = tmp_path / "demand.csv"
    path.write_text(
        f"origin,destination,teu_per_day,tonnes_per_day\nKunming,Hanoi,{cells}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=message):
        plan(path, network=network)


def test_year_mismatch(network):
    with pytest.raises(InvalidRequestError, match="network given is for 2026"):
        plan(demand(("Kunming", "Hanoi", 1, "general")), network=network, year=2031)
    assert load_network(2031).year == 2031


def test_a_plan_that_loads_nothing_still_has_its_tables(network):
    empty = plan(
        pd.DataFrame({"origin": ["Kunming"], "destination": ["Hai Phong"], "teu_per_day": [0.0]}),
        network=network,
    )
    assert empty.totals["teu_per_day"] == 0
    assert empty.bottlenecks.empty and empty.to_geodataframe().empty
    assert "shadow_price_usd" in empty.capacities.columns


def test_generalised_plan_needs_every_rows_goods_value(network):
    rows = pd.DataFrame(
        {
            "origin": ["Kunming", "Nanning"],
            "destination": ["Hanoi", "Hanoi"],
            "teu_per_day": [2, 3],
            "value_usd_per_teu": ["30000", ""],
        }
    )
    with pytest.raises(DataError, match=r"line 3, column 'value_usd_per_teu': the generalised"):
        plan(rows, network=network, objective="generalised")
    with pytest.raises(DataError, match=r"missing column\(s\) value_usd_per_teu"):
        plan(rows.drop(columns="value_usd_per_teu"), network=network, objective="generalised")
    given = plan(rows.iloc[:1], network=network, objective="generalised")
    cheap = plan(rows.iloc[:1], network=network)
    assert given.objective_usd_per_day > cheap.objective_usd_per_day  # time has a value
    assert plan(rows, network=network).totals["teu_per_day"] == pytest.approx(5)  # cost: optional


def with_transfer_capacity(network: Network, place: str, capacity: float) -> Network:
    transfers = tuple(
        replace(t, capacity_teu_day=capacity) if t.place == place and t.capacity_teu_day else t
        for t in network.dataset.transfers
    )
    return Network(replace(network.dataset, transfers=transfers), network.year)


def test_marginal_values_are_finite_differences_bracketing_the_shadow_price(network):
    """+1 and -1 TEU/day of a saturated capacity, re-solved: unique where the dual is not.

    With 40 TEU/day more from Kunming to Hanoi than the 2026 sample, the metre gauge Lao Cai -
    Yen Bai and Yen Bai - Viet Tri are both full in series (southbound only): one more TEU/day
    on the first alone saves nothing, one less costs; the LP's shadow price is any value in
    between."""
    sample = pd.read_csv(DEMAND_DIR / "sample_2026.csv")
    to_hanoi = (sample["origin"] == "kunming") & (sample["destination"] == "hanoi")
    assert to_hanoi.sum() == 1
    sample.loc[to_hanoi, "teu_per_day"] += 40
    result = plan(sample, network=network, marginal=True)
    caps = result.capacities.set_index(["element", "ref", "direction"])
    saturated = result.bottlenecks
    assert saturated["marginal_saving_usd"].notna().all()
    assert saturated["marginal_cost_usd"].notna().all()
    slack = 1e-6
    assert (saturated["shadow_price_usd"] >= saturated["marginal_saving_usd"] - slack).all()
    assert (saturated["shadow_price_usd"] <= saturated["marginal_cost_usd"] + slack).all()
    slack_rows = result.capacities[result.capacities["utilisation"] < BINDING]
    assert slack_rows["marginal_saving_usd"].isna().all()  # only saturated ones are re-solved
    base = result.objective_usd_per_day

    def value(net):
        return plan(sample, network=net).objective_usd_per_day

    leg = ("leg", "rail1000_lao_cai_yen_bai", "from lao_cai_station")
    capacity = network.legs[leg[1]].capacity_teu_day
    assert caps.loc[leg, "utilisation"] == pytest.approx(1)
    more, less = (value(with_capacity(network, leg[1], capacity + d)) for d in (1, -1))
    assert caps.loc[leg, "marginal_saving_usd"] == pytest.approx(base - more, abs=1e-6)
    assert caps.loc[leg, "marginal_cost_usd"] == pytest.approx(less - base, abs=1e-6)
    assert base - more < 1 < less - base  # this one is degenerate: a range of prices
    transfer = ("transfer", "pingxiang", "rail_1435↔road")
    capacity = caps.loc[transfer, "capacity_teu_day"]
    more = value(with_transfer_capacity(network, "pingxiang", capacity + 1))
    assert caps.loc[transfer, "marginal_saving_usd"] == pytest.approx(base - more, abs=1e-6)
    assert base - more > 1


def test_marginal_re_solves_stop_at_the_time_limit(network, monkeypatch):
    """The ±1 TEU/day re-solves share the plan's time limit: with a clock that runs 1 s per
    look, a 6 s limit leaves time for a few saturated capacities and the rest stay NaN."""
    from types import SimpleNamespace

    arc_model = importlib.import_module("corridor.planning.arc_model")
    ticks = iter(range(10**6))
    clock = SimpleNamespace(monotonic=lambda: float(next(ticks)))
    monkeypatch.setattr(arc_model, "time", clock)
    sample = DEMAND_DIR / "sample_2026.csv"
    result = plan(sample, network=network, marginal=True, time_limit_s=6)
    assert any(
        re.match(r"time limit reached: no ±1 TEU/day value for \d+", note) for note in result.notes
    )
    saturated = result.bottlenecks
    valued = saturated["marginal_cost_usd"].notna()
    assert 0 < valued.sum() < len(saturated)  # the first ones in time, the others left out
    assert saturated.loc[~valued, "marginal_saving_usd"].isna().all()
    assert result.optimal  # the plan itself is not cut short


def test_the_same_lp_gives_the_same_marginal_values_and_bottlenecks():
    """The Ban Vuoc bridge leaves the 2031 plan's flows and cost as they are; the simplex may
    still return other duals, but the re-solved marginal values do not change."""
    from corridor.scenario import Scenario

    baseline = load_network(2031)
    bridge = Scenario.from_yaml(DEMAND_DIR.parent / "scenarios" / "ban-vuoc-bridge.yaml")
    sample = DEMAND_DIR / "sample_2031.csv"
    before = plan(sample, network=baseline, marginal=True)
    after = plan(sample, network=bridge.apply(baseline), marginal=True)
    assert after.objective_usd_per_day == pytest.approx(before.objective_usd_per_day, rel=1e-12)
    columns = ["element", "ref", "direction", "marginal_saving_usd", "marginal_cost_usd"]
    pd.testing.assert_frame_equal(
        before.bottlenecks[columns].reset_index(drop=True),
        after.bottlenecks[columns].reset_index(drop=True),
        atol=1e-6,
    )


def test_shadow_prices_are_never_negative_nor_negative_zero(network):
    prices = plan(DEMAND_DIR / "sample_2026.csv", network=network).capacities["shadow_price_usd"]
    assert (prices >= 0).all()
    assert not np.signbit(prices).any()


def test_column_names_are_read_without_case_or_spaces(network, tmp_path):
    plain = DEMAND_DIR / "sample_2026.csv"
    lines = plain.read_text(encoding="utf-8").splitlines(keepends=True)
    header = ", ".join(name.strip().title() for name in lines[0].split(",")) + "\n"
    spreadsheet = tmp_path / "spreadsheet.csv"
    spreadsheet.write_text(header + "".join(lines[1:]), encoding="utf-8")
    assert header.startswith("Origin, Destination, ")
    assert read_demand(spreadsheet, network) == read_demand(plain, network)


def test_a_demand_file_with_a_byte_order_mark_reads_as_without(network, tmp_path):
    plain = DEMAND_DIR / "sample_2026.csv"
    marked = tmp_path / "marked.csv"
    marked.write_bytes(codecs.BOM_UTF8 + plain.read_bytes())
    assert read_demand(marked, network) == read_demand(plain, network)


def test_a_demand_file_that_is_not_utf8_names_line_and_column(network, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "origin,destination,teu_per_day\nKunming,Hanoi,1\nCôn Minh,Hanoi,2\n".encode("latin-1")
    )
    with pytest.raises(DataError) as caught:
        plan(path, network=network)
    assert str(caught.value) == (
        f"{path}, line 3, column 'origin': not UTF-8 text (byte 0xf4); save the file as UTF-8"
    )


def test_demand_errors_name_the_line_seen_in_an_editor(network, tmp_path):
    """Blank lines and a quoted cell over two lines do not shift the line numbers."""
    path = tmp_path / "demand.csv"
    path.write_text(
        'origin,destination,teu_per_day,source\n\nKunming,Hanoi,5,""\n'
        'Kunming,Hai Phong,3,"two\nlines"\n\nKunming,Atlantis,2,\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"line 7, column 'destination': no place 'Atlantis'"):
        plan(path, network=network)
    path.write_text("origin,destination,teu_per_day,origin\nKunming,Hanoi,5,x\n", "utf-8")
    twice = r"line 1: column\(s\) named twice: 'origin' and 'origin' \(case and spaces aside\)$"
    with pytest.raises(DataError, match=twice):
        plan(path, network=network)


@pytest.mark.parametrize("method", ["arcs", "paths"])
def test_a_plan_for_one_month_uses_its_seasonal_legs(network, method):
    """The Yen Bai – Viet Tri river leg runs June–October only (legs.csv)."""
    rows = [{"origin": "Yen Bai", "destination": "Viet Tri", "teu_per_day": 3}]
    river = network.legs["river_yen_bai_viet_tri"]
    assert 8 in river.months and 1 not in river.months
    plans = {m: plan(rows, network=network, month=m, method=method) for m in (None, 1, 8)}
    for month, result in plans.items():
        assert result.month == month
        assert ("river" in set(result.arcs["mode"])) == (month == 8)
    assert plans[8].objective_usd_per_day < plans[None].objective_usd_per_day
    with pytest.raises(InvalidRequestError, match="month must be 1-12, got 13"):
        plan(rows, network=network, month=13)


def test_columns_a_plan_does_not_read_are_named_in_a_warning(network):
    rows = [{"origin": "Kunming", "destination": "Hanoi", "teu_per_day": 3, "month": 8,
             "deadlin": 72, "note": "x"}]  # fmt: skip
    with pytest.warns(UserWarning, match="ignored") as caught:
        result = plan(rows, network=network)
    (message,) = [str(w.message) for w in caught]
    assert message.startswith("demand, line 1: column(s) month, deadlin, note ignored")
    assert "plan one month with month= (--month)" in message
    assert "did you mean 'deadline' for 'deadlin'?" in message
    assert result.totals["teu_per_day"] == pytest.approx(3)


def test_a_deadline_column_reads_as_a_quote_deadline(network):
    """One name for one thing: a demand row's deadline is written as a quote's (72, 72h, 3d);
    deadline_hours, its earlier name, still reads as hours."""
    rows = [
        {"origin": "Kunming", "destination": "Hai Phong", "teu_per_day": 2, "deadline": "3d"},
        {"origin": "Kunming", "destination": "Hanoi", "teu_per_day": 2, "deadline": 40},
    ]
    texts = read_demand(pd.DataFrame(rows), network)
    hours = read_demand(
        pd.DataFrame(rows)
        .rename(columns={"deadline": "deadline_hours"})
        .assign(deadline_hours=[72, 40]),
        network,
    )
    assert [d.deadline_hours for d in texts] == [d.deadline_hours for d in hours] == [72, 40]
    with pytest.raises(DataError, match="line 2, column 'deadline_hours': give deadline or"):
        read_demand(pd.DataFrame(rows).assign(deadline_hours=5), network)
    with pytest.raises(DataError, match="line 3, column 'deadline': cannot read 'soon'"):
        read_demand(pd.DataFrame(rows).assign(deadline=["3d", "soon"]), network)


def test_plan_takes_a_list_of_dicts_as_quote_many_does(network):
    rows = [{"origin": "Kunming", "destination": "Hanoi", "teu_per_day": 5}]
    assert plan(rows, network=network).totals == plan(pd.DataFrame(rows), network=network).totals
    with pytest.raises(InvalidRequestError, match="a DataFrame, a CSV path or a list of dicts"):
        plan(5, network=network)


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2031", r"year must be a whole number, got '2031'"),
        (31, r"year must be from 2020 to 2100, got 31 \(did you mean 2031\?\)"),
        (1800, r"year must be from 2020 to 2100, got 1800$"),
        (2010, r"year must be from 2020 to 2100, got 2010; the data describe the corridor as"),
    ],
)
def test_a_year_that_is_no_year_is_a_request_error(year, message):
    rows = [{"origin": "Kunming", "destination": "Hanoi", "teu_per_day": 5}]
    with pytest.raises(InvalidRequestError, match=message):
        plan(rows, year=year)
    with pytest.raises(InvalidRequestError, match=message):
        quote("Kunming", "Hanoi", year=year)


def test_a_huge_demand_is_planned_not_a_crash(network):
    """Flows at the top of the accepted range carry solver rounding above a fixed tolerance."""
    most = units.TEU_PER_DAY.high
    rows = [{"origin": "Kunming", "destination": "Hai Phong", "teu_per_day": most}]
    result = plan(rows, network=network)
    carried = result.totals["teu_per_day"]
    assert 0 < carried < most
    assert carried + result.totals["unserved_teu_per_day"] == pytest.approx(most)
    rows[0]["teu_per_day"] = 1e15  # planned as "imprecise" before a range was set
    with pytest.raises(DataError, match=r"teu_per_day': must be from 0 to 100,000 TEU/day"):
        plan(rows, network=network)


@pytest.mark.parametrize("method", ["arcs", "paths"])
def test_demand_no_route_can_carry_says_why(network, method):
    rows = [
        # (a reefer truck now reaches any city: dangerous goods to an ICD without the handling)
        {
            "origin": "Kunming",
            "destination": "Tien Son ICD",
            "cargo": "dangerous",
            "teu_per_day": 10,
        },
        {"origin": "Kunming", "destination": "Hanoi", "cargo": "general", "teu_per_day": 3},
    ]
    reason = (
        r"kunming → tien_son_icd \(dangerous\): 10.0 TEU/day unserved whatever the capacities: "
    )
    result = plan(rows, network=network, method=method)
    assert [n for n in result.notes if re.match(reason + r"Tien Son ICD \(Bac Ninh\) has no", n)]
    assert result.unserved["teu_per_day"].tolist() == [10.0]


def test_a_plan_reprs_as_one_line_of_totals(network):
    result = plan(DEMAND_DIR / "sample_2026.csv", network=network)
    text = repr(result)
    assert "\n" not in text and text.startswith(f"<Plan 2026 ({result.objective}, arcs): ")
    assert f"{result.totals['cost_usd_per_day']:,.0f} USD/day" in text
    assert text.endswith(f", {len(result.bottlenecks)} saturated>")
