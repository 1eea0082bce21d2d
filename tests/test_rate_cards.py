"""Rate cards: a forwarder's own buy rates override the shipped tariffs (issue 25 item 2).

Expected figures are computed from the card rows written here and from the data (the same
quote without the card, the legs' km, the dated exchange rates), never typed in as totals.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from corridor import load_network, pareto, quote, quote_many
from corridor.cli import app
from corridor.costs import exchange_rate
from corridor.errors import DataError
from corridor.routing import rates
from corridor.routing.result import SHIPPED

runner = CliRunner()
HEADER = "origin,destination,km_from,km_to,country,mode,container,carrier,currency,rate,"
HEADER += "rate_per_km,valid_from,valid_to,fuel_pct,border,weekend,peak,peak_months"
TODAY = date(2026, 12, 2)  # a Wednesday, outside the peak months used below
MONDAY, SATURDAY = "2026-12-07T08:00", "2026-12-05T08:00"
ROAD = {"objective": "cost", "modes": ["road"]}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(rates, "today", lambda: TODAY)


@pytest.fixture(scope="module")
def net():
    return load_network(2026)


def card(tmp_path: Path, *rows: str, name: str = "rates.csv") -> str:
    """A rate card with ``rows`` (CSV lines after the header); its path."""
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def lane(
    origin,
    destination,
    rate,
    *,
    mode="road",
    container="",
    currency="USD",
    carrier="Acme",
    valid=("2026-01-01", "2026-12-31"),
    fuel="",
    border="",
    weekend="",
    peak="",
    months="",
):
    return (
        f"{origin},{destination},,,,{mode},{container},{carrier},{currency},{rate},,{valid[0]},"
        f"{valid[1]},{fuel},{border},{weekend},{peak},{months}"
    )


def chain_km(net, *leg_ids: str) -> float:
    return math.fsum(net.legs[i].km for i in leg_ids)


KUNMING_HEKOU = ("road_kunming_yuxi", "road_yuxi_mengzi", "road_mengzi_hekou")


def test_a_lane_over_a_chain_pays_exactly_the_card_rate(tmp_path):
    path = card(tmp_path, lane("Kunming", "Hekou", 300, carrier="Yunnan Trucks"))
    shipped = quote("Kunming", "Hekou", **ROAD)
    priced = quote("Kunming", "Hekou", **ROAD, rates=path)
    assert [s.ref for s in priced.steps] == [s.ref for s in shipped.steps]
    assert [s.ref for s in priced.legs] == list(KUNMING_HEKOU)
    # the legs and the loading pay the card rate, not the card plus the tariff's fixed part
    assert math.isclose(sum(s.cost_usd for s in priced.steps if s.kind in {"access", "leg"}), 300)
    unloading = [s.cost_usd for s in shipped.steps if s.kind == "egress"]
    assert math.isclose(priced.cost_usd, 300 + sum(unloading))
    assert shipped.cost_usd > priced.cost_usd  # the shipped tariff was charged before
    for step in priced.legs:
        assert step.priced_by.startswith("rates.csv row 2 (Yunnan Trucks")
    assert "no tariff fixed part" in priced.steps[0].priced_by
    assert priced.steps[-1].priced_by == SHIPPED


def test_a_row_prices_only_its_container_type(tmp_path, net):
    path = card(tmp_path, lane("Kunming", "Hekou", 500, container="40HC"))
    boxes = {"40HC": 2}
    shipped = quote("Kunming", "Hekou", **ROAD, containers=boxes)
    priced = quote("Kunming", "Hekou", **ROAD, containers=boxes, rates=path)
    replaced = sum(s.cost_usd for s in shipped.steps if s.kind in {"access", "leg"})
    assert math.isclose(priced.cost_usd, shipped.cost_usd - replaced + 2 * 500)
    # a 20' box (and a quote in TEU, priced as 20GP) is not priced by a 40HC row
    for other in ({"containers": {"20GP": 1}}, {"teu": 1}):
        assert quote("Kunming", "Hekou", **ROAD, **other, rates=path).cost_usd == pytest.approx(
            quote("Kunming", "Hekou", **ROAD, **other).cost_usd
        )
    # a mixed shipment: the 40HC pays the card, the 20GP the shipped tariff on the same legs
    mixed = quote("Kunming", "Hekou", **ROAD, containers={"40HC": 1, "20GP": 1}, rates=path)
    twenty = quote("Kunming", "Hekou", **ROAD, containers={"20GP": 1})
    assert math.isclose(mixed.cost_usd, twenty.cost_usd + 500)
    assert "shipped estimate for 20GP" in mixed.legs[0].priced_by


def test_a_row_prices_only_its_lane(tmp_path):
    path = card(tmp_path, lane("Kunming", "Hekou", 300))
    elsewhere = quote("Hanoi", "Hai Phong", **ROAD, rates=path)
    assert elsewhere.cost_usd == pytest.approx(quote("Hanoi", "Hai Phong", **ROAD).cost_usd)
    assert {s.priced_by for s in elsewhere.steps} == {SHIPPED}
    # the way back is another lane: a row prices the direction it names
    back = quote("Hekou", "Kunming", **ROAD, rates=path)
    assert back.cost_usd == pytest.approx(quote("Hekou", "Kunming", **ROAD).cost_usd)


def test_a_lane_sharing_some_legs_pays_the_prorated_share(tmp_path, net):
    path = card(tmp_path, lane("Kunming", "Hekou", 400))
    shipped = quote("Yuxi", "Hekou", **ROAD)
    priced = quote("Yuxi", "Hekou", **ROAD, rates=path)
    total = chain_km(net, *KUNMING_HEKOU)
    assert [s.ref for s in priced.legs] == list(KUNMING_HEKOU[1:])
    for step in priced.legs:
        assert math.isclose(step.cost_usd, 400 * step.km / total)
        assert f"{step.km:g} of {total:g} km" in step.priced_by
    replaced = sum(s.cost_usd for s in shipped.steps if s.kind in {"access", "leg"})
    assert math.isclose(
        priced.cost_usd,
        shipped.cost_usd - replaced + 400 * chain_km(net, *KUNMING_HEKOU[1:]) / total,
    )


def test_a_row_applies_only_on_its_dates(tmp_path):
    # a Kunming → Hekou row of the first half year, on a Kunming → Lao Cai quote (not its lane)
    path = card(tmp_path, lane("Kunming", "Hekou", 100, valid=("2026-01-01", "2026-06-30")))
    for ready, used in (("2026-03-02T08:00", True), (MONDAY, False)):
        priced = quote("Kunming", "Lao Cai", **ROAD, ready=ready, rates=path)
        shipped = quote("Kunming", "Lao Cai", **ROAD, ready=ready)
        assert any(s.priced_by != SHIPPED for s in priced.steps) is used
        assert (priced.cost_usd < shipped.cost_usd) is used
    # without a ready time, the quote date is today's (injected here)
    late = quote("Kunming", "Lao Cai", **ROAD, rates=path)
    assert late.cost_usd == pytest.approx(quote("Kunming", "Lao Cai", **ROAD).cost_usd)
    assert any("expired before the quote date 2026-12-02" in note for note in late.notes)


def test_an_expired_lane_is_refused_with_its_date(tmp_path):
    path = card(
        tmp_path,
        lane("Hanoi", "Hai Phong", 150),
        lane("Kunming", "Hekou", 300, valid=("2026-01-01", "2026-06-30")),
    )
    with pytest.raises(
        DataError,
        match=r"rates.csv, line 3, column 'valid_to': the rate expired "
        r"on 2026-06-30 \(quote date 2026-12-02\)",
    ):
        quote("Kunming", "Hekou", **ROAD, rates=path)
    with pytest.raises(DataError, match=r"expired on 2026-06-30 \(quote date 2026-12-07\)"):
        quote("Kunming", "Hekou", **ROAD, ready=MONDAY, rates=path)
    # expired rows of other lanes are a note on the quote, never used
    other = quote("Hanoi", "Hai Phong", **ROAD, rates=path)
    assert any("row(s) 3 expired" in note and "2026-06-30" in note for note in other.notes)
    assert quote("Kunming", "Hekou", **ROAD, ready="2026-05-04T08:00", rates=path).cost_usd


@pytest.mark.parametrize(
    ("ready", "currency"), [(MONDAY, "CNY"), (MONDAY, "VND"), ("2026-01-05T08:00", "VND")]
)
def test_currencies_convert_at_the_dated_rate(tmp_path, net, ready, currency):
    amount = 800 if currency == "CNY" else 2_500_000  # below the shipped USD 187 by road
    path = card(tmp_path, lane("Hanoi", "Hai Phong", amount, currency=currency))
    priced = quote("Hanoi", "Hai Phong", **ROAD, ready=ready, rates=path)
    on = date.fromisoformat(ready[:10])
    rate = exchange_rate(net.dataset.rates, currency, on)
    assert rate is not None
    (leg,) = priced.legs
    assert math.isclose(leg.cost_usd, amount / rate.per_usd)
    assert f"{rate.per_usd:,.6g} {currency} per USD of {rate.date}" in leg.priced_by


def test_surcharges_fuel_weekend_and_peak(tmp_path):
    row = lane("Hanoi", "Hai Phong", 100, fuel=10, weekend=25, peak=40, months="12")
    path = card(tmp_path, row)
    monday = quote("Hanoi", "Hai Phong", **ROAD, ready=MONDAY, rates=path).legs[0].cost_usd
    saturday = quote("Hanoi", "Hai Phong", **ROAD, ready=SATURDAY, rates=path).legs[0].cost_usd
    march = quote("Hanoi", "Hai Phong", **ROAD, ready="2026-03-02T08:00", rates=path)
    assert math.isclose(march.legs[0].cost_usd, 100 * 1.10)  # a Monday outside the peak
    assert math.isclose(monday, 100 * 1.10 + 40)
    assert math.isclose(saturday, 100 * 1.10 + 40 + 25)


def test_the_border_surcharge_is_charged_where_the_lane_crosses(tmp_path):
    path = card(tmp_path, lane("Hekou", "Lao Cai", 50, border=5, carrier="Gate Runner"))
    shipped = quote("Hekou", "Lao Cai", **ROAD, ready=MONDAY)
    priced = quote("Hekou", "Lao Cai", **ROAD, ready=MONDAY, rates=path)
    assert [s.ref for s in priced.steps] == [s.ref for s in shipped.steps]
    (gate,) = priced.border_crossings
    (shipped_gate,) = shipped.border_crossings
    assert math.isclose(gate.cost_usd, shipped_gate.cost_usd + 5)
    assert "border surcharge" in gate.priced_by
    # the rate itself spreads over the lane's legs only: the crossing keeps its fees
    assert math.isclose(sum(s.cost_usd for s in priced.steps if s.kind in {"access", "leg"}), 50)
    # a lane within one country pays no border surcharge
    inland = card(tmp_path, lane("Hanoi", "Hai Phong", 100, border=35), name="inland.csv")
    assert math.isclose(quote("Hanoi", "Hai Phong", **ROAD, rates=inland).legs[0].cost_usd, 100)


def test_a_km_band_prices_the_legs_in_it_and_a_lane_row_beats_it(tmp_path, net):
    band = ",,100,110,vn,road,,Delta Trucks,USD,,1.5,2026-01-01,2026-12-31,,,,,"
    path = card(tmp_path, band)
    (leg,) = quote("Hanoi", "Hai Phong", **ROAD, rates=path).legs
    assert 100 <= leg.km < 110
    assert math.isclose(leg.cost_usd, 1.5 * leg.km)
    assert "Delta Trucks" in leg.priced_by
    both = card(tmp_path, band, lane("Hanoi", "Hai Phong", 90), name="both.csv")
    (leg,) = quote("Hanoi", "Hai Phong", **ROAD, rates=both).legs
    assert math.isclose(leg.cost_usd, 90)
    assert leg.priced_by.startswith("both.csv row 3")


def test_two_lane_rows_for_one_leg_are_an_error_naming_both(tmp_path):
    path = card(tmp_path, lane("Kunming", "Hekou", 300), lane("Mengzi", "Hekou", 100))
    with pytest.raises(DataError, match="rows 2 and 3 both price the road leg mengzi → hekou"):
        quote("Kunming", "Hekou", **ROAD, rates=path)
    other_type = card(
        tmp_path,
        lane("Kunming", "Hekou", 300, container="40HC"),
        lane("Mengzi", "Hekou", 100, container="20GP"),
        name="types.csv",
    )
    assert quote("Kunming", "Hekou", **ROAD, rates=other_type).cost_usd


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (lane("Kunmin", "Hekou", 300), r"column 'origin': no place 'Kunmin'; did you mean"),
        (
            lane("Kunming", "Hekou", 300, mode="raod"),
            r"column 'mode': unknown mode 'raod'; did you "
            r"mean 'road'",
        ),
        (
            lane("Kunming", "Hekou", 300, container="40HQ"),
            r"column 'container': unknown container "
            r"type '40HQ'; did you mean",
        ),
        (
            lane("Kunming", "Hekou", 300, currency="EUR"),
            r"column 'currency': no exchange rate for "
            r"'EUR'",
        ),
        (
            lane("Kunming", "Hekou", 300, valid=("2026-06-01", "2026-01-31")),
            r"column 'valid_to': valid_to 2026-01-31 is before valid_from 2026-06-01",
        ),
        (lane("Kunming", "Hekou", -5), r"column 'rate': rate must be a number of 0 or more"),
        (lane("Kunming", "Hekou", "cheap"), r"column 'rate': 'cheap' is not a number"),
        (
            lane("Kunming", "Hanoi", 300, mode="rail_1435"),
            r"column 'destination': no chain of "
            r"rail_1435 legs joins Kunming and Hanoi in 2026; from Kunming, rail_1435 reaches",
        ),
        (
            lane("Hanoi", "Hai Phong", 300, mode="air"),
            r"column 'origin': Hanoi has no air leg in "
            r"2026; air reaches",
        ),
        (
            ",,900,1000,vn,road,,X,USD,,1,2026-01-01,2026-12-31,,,,,",
            r"column 'km_from': no road leg in vn of 900 to 1000 km in 2026; its legs in vn run",
        ),
    ],
)
def test_a_malformed_card_names_file_row_and_column(tmp_path, row, message):
    path = card(tmp_path, lane("Hanoi", "Hai Phong", 100), row)
    with pytest.raises(DataError, match=rf"rates.csv, line 3, {message}"):
        quote("Hanoi", "Hai Phong", **ROAD, rates=path)


def test_a_card_header_is_checked_before_any_quote(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("Origin, Destination ,Mode,currency,rate,valid_from,valid_until\n")
    with pytest.raises(
        DataError,
        match=r"line 1: unknown column\(s\) 'valid_until'; did you mean "
        r"'valid_to'",
    ):
        rates.read_rate_card(path)
    with pytest.raises(DataError, match="a rate card is a .csv or .xlsx file"):
        rates.read_rate_card(tmp_path / "rates.txt")


def test_an_excel_card_and_the_cache(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append([" Origin", "DESTINATION", "mode", "currency", "rate", "valid_from", "valid_to"])
    sheet.append(["Hanoi", "Hai Phong", "road", "USD", 99, "2026-01-01", "2026-12-31"])
    book.save(tmp_path / "rates.xlsx")
    first = rates.read_rate_card(tmp_path / "rates.xlsx")
    assert rates.read_rate_card(tmp_path / "rates.xlsx") is first  # read once per version
    (leg,) = quote("Hanoi", "Hai Phong", **ROAD, rates=str(tmp_path / "rates.xlsx")).legs
    assert math.isclose(leg.cost_usd, 99)
    assert "rates.xlsx row 2" in leg.priced_by


def test_exact_searches_use_the_card(tmp_path):
    """Alternatives, a deadline and the Pareto front all see the card's per-arc costs."""
    path = card(tmp_path, lane("Kunming", "Hekou", 50))
    cheapest = quote("Kunming", "Hanoi", objective="cost", rates=path)
    assert cheapest.legs[0].priced_by.startswith("rates.csv row 2")
    routes = quote("Kunming", "Hanoi", objective="cost", alternatives=3, rates=path)
    keys = [
        (tuple(q.modes), tuple(s.ref for s in q.border_crossings), tuple(q.places)) for q in routes
    ]
    assert len(set(keys)) == len(keys) == 3  # no route twice through a card's copied arcs
    assert routes[0].cost_usd == pytest.approx(cheapest.cost_usd)
    front = pareto("Kunming", "Hanoi", rates=path)
    assert min(q.cost_usd for q in front) == pytest.approx(cheapest.cost_usd)
    bounded = quote("Kunming", "Hanoi", objective="cost", deadline=200, rates=path)
    assert bounded.cost_usd == pytest.approx(cheapest.cost_usd)


def test_quote_many_with_a_card(tmp_path):
    path = card(tmp_path, lane("Hanoi", "Hai Phong", 120))
    table = quote_many(
        [
            {"origin": "Hanoi", "destination": "Hai Phong"},
            {"origin": "Kunming", "destination": "Hanoi"},
        ],
        rates=path,
        **ROAD,
    )
    assert list(table["status"]) == ["ok", "ok"]
    assert table["cost_usd"][0] == pytest.approx(
        quote("Hanoi", "Hai Phong", **ROAD, rates=path).cost_usd
    )


def test_the_frame_and_the_document_say_what_priced_each_step(tmp_path):
    path = card(tmp_path, lane("Hanoi", "Hai Phong", 120, carrier="Port Haul"))
    q = quote("Hanoi", "Hai Phong", **ROAD, rates=path)
    frame = q.to_frame()
    assert "Port Haul" in frame.loc[frame["kind"] == "leg", "priced_by"].iloc[0]
    document = q.to_dict()
    assert document["options"]["rates"] == path
    assert [s["priced_by"] for s in document["steps"]] == [s.priced_by for s in q.steps]
    assert "rates.csv row 2 (Port Haul" in q.explain()


def test_cli_quote_and_quote_many_take_rates(tmp_path):
    path = card(tmp_path, lane("Hanoi", "Hai Phong", 120, carrier="Port Haul"))
    args = ["Hanoi", "Hai Phong", "--mode", "road", "--objective", "cost", "--rates", path]
    shown = runner.invoke(app, ["quote", *args], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "priced by" in shown.output and "Port Haul" in shown.output
    as_json = runner.invoke(app, ["quote", *args, "--json"])
    legs = [s for s in json.loads(as_json.stdout)["steps"] if s["kind"] == "leg"]
    assert legs[0]["cost_usd"] == pytest.approx(120)
    lanes = tmp_path / "lanes.csv"
    lanes.write_text("origin,destination\nHanoi,Hai Phong\n", encoding="utf-8")
    out = tmp_path / "prices.csv"
    many = runner.invoke(
        app,
        [
            "quote-many",
            str(lanes),
            "--rates",
            path,
            "--mode",
            "road",
            "--objective",
            "cost",
            "--out",
            str(out),
        ],
    )
    assert many.exit_code == 0, many.output
    expected = quote("Hanoi", "Hai Phong", **ROAD, rates=path).cost_usd
    assert f"{expected:.2f}" in out.read_text(encoding="utf-8") or str(round(expected, 2)) in (
        out.read_text(encoding="utf-8")
    )
    front = runner.invoke(app, ["pareto", "Kunming", "Hai Phong", "--rates", path, "--json"])
    assert front.exit_code == 0, front.output
    bad = runner.invoke(app, ["quote", "Hanoi", "Hai Phong", "--rates", str(tmp_path / "no.csv")])
    assert bad.exit_code == 2 and "file not found" in bad.output


def test_the_notebook_display_shows_the_card_rows(tmp_path):
    path = card(tmp_path, lane("Hanoi", "Hai Phong", 120, carrier="Port Haul"))
    shown = quote("Hanoi", "Hai Phong", **ROAD, rates=path)._repr_html_()
    assert "priced_by" in shown and "Port Haul" in shown
    assert "priced_by" not in quote("Hanoi", "Hai Phong", **ROAD)._repr_html_()


def test_the_http_service_takes_no_rate_card(tmp_path):
    """A card is a file on the machine that quotes: the HTTP service reads none for a client."""
    from fastapi.testclient import TestClient

    from corridor.web import Settings, create_app

    client = TestClient(create_app(Settings()), raise_server_exceptions=False)
    path = card(tmp_path, lane("Hanoi", "Hai Phong", 120))
    body = {"origin": "Hanoi", "destination": "Hai Phong", "rates": path}
    assert client.post("/quote", json=body).status_code == 422
    rows = [json.loads(line) for line in client.post("/quote-many", json=[body]).text.splitlines()]
    assert rows[0]["status"] == "InvalidRequestError"
    assert "not taken over HTTP" in rows[0]["message"]


def test_an_air_card_replaces_the_tariff_by_weight(tmp_path, net):
    """Air is priced per kg at the loading: a card's flight leaves only the handling there."""
    path = card(tmp_path, lane("Kunming Changshui", "Noi Bai", 300, mode="air"))
    for tonnes in (0.05, 8):  # under the minimum per shipment, and far over it
        q = quote("Kunming", "Hanoi", objective="time", tonnes=tonnes, ready=MONDAY, rates=path)
        (flight,) = [s for s in q.legs if s.to_mode == "air"]
        assert math.isclose(flight.cost_usd, 300)
        boarding = next(s for s in q.steps if s.kind == "transfer" and s.to_mode == "air")
        (transfer,) = [
            t
            for t in net.transfers
            if t.place == boarding.from_place
            and {t.from_mode.value, t.to_mode.value} == {"road", "air"}
        ]
        assert math.isclose(boarding.cost_usd, transfer.cost_usd_per_teu)
        assert all(s.cost_usd >= 0 for s in q.steps)


def test_a_quote_holds_until_the_earliest_last_day_of_its_card_rows(tmp_path):
    path = card(
        tmp_path,
        lane("Kunming", "Hekou", 300, valid=("2026-01-01", "2027-03-31")),
        lane("Lao Cai", "Hanoi", 200, valid=("2026-01-01", "2026-12-31")),
    )
    both = quote("Kunming", "Hanoi", **ROAD, ready=MONDAY, rates=path)
    rows = {int(n) for s in both.steps for n in re.findall(r"rates\.csv row (\d+)", s.priced_by)}
    assert rows == {2, 3}  # both rows price the route
    assert both.valid_to == date(2026, 12, 31)
    assert both.to_dict()["valid_to"] == "2026-12-31"
    assert "card rates valid to 2026-12-31" in both.explain()
    one = quote("Kunming", "Lao Cai", **ROAD, ready=MONDAY, rates=path)  # only the first row
    assert one.valid_to == date(2027, 3, 31)
    assert quote("Hanoi", "Hai Phong", **ROAD, ready=MONDAY, rates=path).valid_to is None
    table = quote_many(
        [
            {"origin": "Kunming", "destination": "Hanoi"},
            {"origin": "Hanoi", "destination": "Hai Phong"},
        ],
        rates=path,
        ready=MONDAY,
        **ROAD,
    )
    assert table["valid_to"][0] == "2026-12-31"
    assert table["valid_to"].isna()[1]  # shipped estimates only: blank


def test_leaving_a_card_lane_onto_the_shipped_tariff_pays_its_fixed_part(tmp_path, net):
    """A card lane's loading skips the shipped fixed part only for a run on card legs.

    With a Kunming → Yuxi row, a Kunming → Mengzi road quote runs the card leg and then the
    shipped Yuxi → Mengzi leg: that run on the shipped tariff pays its fixed part (once), as
    the same quote without the card does.
    """
    path = card(tmp_path, lane("Kunming", "Yuxi", 100))
    shipped = quote("Kunming", "Mengzi", **ROAD, ready=MONDAY)
    priced = quote("Kunming", "Mengzi", **ROAD, ready=MONDAY, rates=path)
    assert [s.ref for s in priced.legs] == ["road_kunming_yuxi", "road_yuxi_mengzi"]
    first = next(s for s in shipped.legs if s.ref == "road_kunming_yuxi")
    assert math.isclose(priced.cost_usd, shipped.cost_usd - first.cost_usd + 100)
    assert priced.cost_usd == pytest.approx(sum(s.cost_usd for s in priced.steps))


def test_an_expired_row_of_a_mode_the_quote_excludes_does_not_refuse_it(tmp_path):
    """The expiry check is on the rows that could price the quote: its modes only."""
    path = card(
        tmp_path,
        lane("Kunming", "Hekou", 300, valid=("2026-01-01", "2026-06-30")),
        lane("Kunming", "Yuxi", 80, mode="rail_1435", valid=("2026-01-01", "2026-06-30")),
    )
    road = quote("Kunming", "Yuxi", **ROAD, ready=MONDAY, rates=path)
    assert road.cost_usd == pytest.approx(quote("Kunming", "Yuxi", **ROAD, ready=MONDAY).cost_usd)
    assert any("expired" in note for note in road.notes)
    with pytest.raises(DataError, match=r"line 3, column 'valid_to': the rate expired"):
        quote("Kunming", "Yuxi", objective="cost", ready=MONDAY, rates=path)


@pytest.mark.parametrize("cell", ['"1,5"', '"12,50"', '"1,50,000"'])
def test_a_decimal_comma_is_refused_not_read_as_thousands(tmp_path, cell):
    """``1,5`` (a decimal comma) is not 15: only groups of three digits are thousands."""
    path = card(tmp_path, lane("Hanoi", "Hai Phong", cell))
    with pytest.raises(DataError, match=r"line 2, column 'rate': .*not a number.*decimal point"):
        rates.read_rate_card(path)
    grouped = card(tmp_path, lane("Hanoi", "Hai Phong", '"9,500,000.5"'), name="vnd.csv")
    assert rates.read_rate_card(grouped).rows[0].rate == 9_500_000.5


def test_a_card_row_prices_every_cargo_class_alike(tmp_path):
    """As the docs say: the class multiplier (reefer, dangerous, bulk) is not applied to it."""
    path = card(tmp_path, lane("Hanoi", "Hai Phong", 100))
    for cargo in ("general", "reefer", "dangerous", "bulk"):
        (leg,) = quote("Hanoi", "Hai Phong", **ROAD, cargo=cargo, rates=path).legs
        assert math.isclose(leg.cost_usd, 100)


def test_a_card_saved_with_semicolons_says_so(tmp_path):
    """Excel in a decimal-comma locale saves CSV with semicolons: the error says that."""
    path = tmp_path / "rates.csv"
    path.write_text(
        "origin;destination;mode;currency;rate;valid_from;valid_to\n"
        "Hanoi;Hai Phong;road;USD;5;2026-01-01;2026-12-31\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"line 1: .*separated by semicolons.*commas.*\.xlsx"):
        rates.read_rate_card(path)
