"""Any origin and destination: gazetteer towns and coordinates, reached by estimated drayage."""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from corridor import (
    DataError,
    InvalidRequestError,
    NoRouteError,
    QuoteRequest,
    UnknownPlaceError,
    pareto,
    quote,
    quote_many,
)
from corridor.cli import app
from corridor.data import default_data_dir
from corridor.distance import straight_km
from corridor.endpoints import drayage_rules, gazetteer, resolve
from corridor.model import Country

runner = CliRunner()
DATA = default_data_dir()
SCHEMA = Path(__file__).parents[1] / "docs" / "quote.schema.json"
HEKOU_CN_SIDE = "22.53,103.945"
"""North of the Nanxi river in Hekou town, 1.4 km from the Hekou road port and 1.6 km from
the Kim Thanh gate across the river."""


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _rule(country: str) -> dict[str, str]:
    return next(r for r in _rows("drayage.csv") if r["country"] == country)


def _town(name: str) -> dict[str, str]:
    return next(r for r in _rows("gazetteer.csv") if r["name"] == name)


def _check_drayage(q, step, site_lat, site_lon, country):
    """A drayage step's km, USD, hours and country recomputed from the data files."""
    network = q.network
    place = network.places[step.to_place if step.from_place in q.sites else step.from_place]
    assert place.country.value == country.lower()  # never across the border
    rule = _rule(country)
    straight = straight_km(site_lat, site_lon, place.lat, place.lon)
    assert step.km == pytest.approx(straight * float(rule["circuity"]), rel=1e-12)
    road = next(r for r in _rows("tariffs.csv") if r["mode"] == "road")
    assert step.cost_usd == pytest.approx(float(road["usd_per_teu_km"]) * step.km * q.shipment.teu)
    assert step.hours_p50 == pytest.approx(step.km / float(rule["speed_kmh"]))
    assert step.hours_p90 == pytest.approx(step.hours_p50 * float(rule["p90_factor"]))
    emission = next(r for r in _rows("emissions.csv") if r["mode"] == "road")
    tonnes = 10 * q.shipment.teu  # general cargo: 10 t per TEU (cargo_classes.csv)
    g_per_tkm = float(emission["g_co2e_per_tkm"])
    assert step.co2e_kg == pytest.approx(g_per_tkm * step.km * tonnes / 1000)


def test_a_gazetteer_town_starts_with_an_estimated_drayage_in_its_own_country():
    town = _town("Hưng Yên")
    q = quote("Hưng Yên", "Hai Phong")
    assert q.shipment.origin == f"geonames_{town['geonameid']}"
    assert [s.kind for s in q.steps[:2]] == ["access", "drayage"]
    first = q.steps[1]
    assert first.from_place == q.shipment.origin and first.to_place in q.network.places
    _check_drayage(q, first, float(town["lat"]), float(town["lon"]), "VN")
    assert q.drayage == [first]
    assert "estimated drayage by road Hưng Yên →" in q.explain()
    assert q.to_frame()["kind"].tolist()[1] == "drayage"
    assert q.cost_usd == pytest.approx(sum(s.cost_usd for s in q.steps))


def test_the_access_point_is_one_of_the_nearest_places_of_the_country():
    town = _town("Hưng Yên")
    q = quote("Hưng Yên", "Kunming")
    near = sorted(
        (straight_km(float(town["lat"]), float(town["lon"]), p.lat, p.lon), p.id)
        for p in q.network.places.values()
        if p.country is Country.VN
    )[: int(_rule("VN")["candidates"])]
    assert q.steps[1].to_place in {pid for _, pid in near}
    # the solver chose among them: forbidding the one it took gives a route no better
    other = quote("Hưng Yên", "Kunming", avoid=[q.steps[1].to_place])
    assert other.steps[1].to_place in {pid for _, pid in near} - {q.steps[1].to_place}
    assert _generalised(other) >= _generalised(q) - 1e-6


def _generalised(q):
    """The default objective of a quote: USD + value of time × TEU-hours (no carbon price)."""
    vot = q.options["value_of_time_usd_per_teu_hour"]
    return q.cost_usd + vot * q.shipment.teu * q.planned_hours


def test_names_are_found_with_or_without_diacritics_and_in_chinese(network):
    hung_yen = resolve(network, "Hưng Yên")
    for spelling in ("Hung Yen", "hung yen", "HƯNG YÊN", " Hưng  Yên "):
        assert resolve(network, spelling) == hung_yen
    gejiu = resolve(network, "Gejiu")
    assert gejiu.country is Country.CN
    assert resolve(network, "个旧市") == gejiu  # the GeoNames Chinese name
    assert resolve(network, "Uong Bi").name == "Uông Bí"  # "Thành Phố Uông Bí" in GeoNames
    assert resolve(network, "Thanh Pho Uong Bi") == resolve(network, "Uông Bí")
    assert resolve(network, hung_yen.id) == hung_yen  # a site's id reads back
    # a network place's name still means the place
    assert resolve(network, "Lào Cai").id == "lao_cai"


def test_unknown_names_suggest_places_and_towns():
    with pytest.raises(UnknownPlaceError) as error:
        quote("Hung Yem", "Hai Phong")
    town = gazetteer().exact("Hưng Yên")
    assert f"geonames_{town.geonameid}" in error.value.suggestions
    assert "did you mean 'Hưng Yên'" in str(error.value)
    with pytest.raises(UnknownPlaceError) as error:
        quote("Lao Kai", "Hai Phong")
    assert "lao_cai" in error.value.suggestions  # places first, as before


def test_coordinates_start_with_an_estimated_drayage():
    q = quote("21.05,105.6", "Hai Phong", teu=2)
    assert q.shipment.origin == "point_21.05000_105.60000"
    assert q.steps[1].kind == "drayage"
    _check_drayage(q, q.steps[1], 21.05, 105.6, "VN")


def test_a_point_just_in_china_at_hekou_reaches_only_chinese_places_by_drayage(network):
    site = resolve(network, HEKOU_CN_SIDE)
    assert site.country is Country.CN
    for destination in ("Kunming", "Hanoi"):
        q = quote(HEKOU_CN_SIDE, destination)
        drayage = q.drayage
        assert drayage and drayage[0].from_place == site.id
        assert all(q.network.places[s.to_place].country is Country.CN for s in drayage)
        _check_drayage(q, drayage[0], 22.53, 103.945, "CN")
    # to Hanoi it crosses the border at a gate, after the drayage
    q = quote(HEKOU_CN_SIDE, "Hanoi")
    kinds = [s.kind for s in q.steps]
    assert kinds.index("drayage") < kinds.index("border")
    # near the border the quote says which side it read, and how to say the other
    assert any("add ',VN'" in note for note in q.notes)
    # the same point said to be in Viet Nam is drayed to Vietnamese places only
    q = quote(HEKOU_CN_SIDE + ",VN", "Hanoi")
    assert q.drayage[0].to_place in network.places
    assert network.places[q.drayage[0].to_place].country is Country.VN
    assert not q.border_crossings


def test_last_mile_to_a_gazetteer_town():
    town = _town("Uông Bí")
    q = quote("Kunming", "Uong Bi")
    assert [s.kind for s in q.steps[-2:]] == ["drayage", "egress"]
    last = q.steps[-2]
    assert last.to_place == q.shipment.destination == f"geonames_{town['geonameid']}"
    _check_drayage(q, last, float(town["lat"]), float(town["lon"]), "VN")
    assert q.places[-1] == q.shipment.destination


def test_a_point_on_a_network_place_is_that_place(network):
    hanoi = network.places["hanoi"]
    q = quote(f"{hanoi.lat},{hanoi.lon + 0.001}", "Hai Phong")  # about 100 m east
    assert q.shipment.origin == "hanoi" and not q.drayage


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("95,106", "latitude must be -90 to 90"),
        ("21.1,190", "longitude -180 to 180"),
        ("13.75,100.5", "outside the corridor's area"),  # Bangkok
        ("20.0,102.0", r"nearest Luang Prabang \(LA\), outside the corridor.s countries"),
        ("21.18,106.07,TH", "country 'TH' is not CN or VN"),
        ("Luang Prabang", "Luang Prabang is in LA, outside the corridor's countries"),
    ],
)
def test_bad_coordinates_are_refused_clearly(where, message):
    with pytest.raises(InvalidRequestError, match=message):
        quote(where, "Hanoi")


@pytest.mark.parametrize(
    ("where", "country"),
    [("21.0,105.9,CN", "CN"), ("23.36,103.4,VN", "VN")],  # Hanoi, Mengzi: far from the border
)
def test_a_country_given_far_from_that_country_is_refused(where, country):
    """',CN' or ',VN' says which side of the border is meant; it does not move a point."""
    with pytest.raises(InvalidRequestError, match=f"nearest town or place in {country} is"):
        quote(where, "Lao Cai")


def test_the_cached_network_is_not_changed(network):
    arrays = network.service_arrays()
    n, arcs = arrays.n, len(arrays.arcs)
    quote("Hưng Yên", "Kunming", network=network)
    assert network.service_arrays() is arrays
    assert (arrays.n, len(arrays.arcs)) == (n, arcs)
    assert all(not v[0].startswith("geonames_") for v in arrays.vertices)


def test_drayage_stays_allowed_whatever_the_modes_and_reefer_reaches_a_town():
    q = quote("Hưng Yên", "Kunming", modes=["rail_1000", "rail_1435"])
    assert q.steps[1].kind == "drayage"
    assert set(q.modes) == {"road", "rail_1000", "rail_1435"}
    reefer = quote("Hai Phong", "Hưng Yên", cargo="reefer", modes=["road"])
    assert reefer.steps[-2].kind == "drayage"


def test_no_route_says_when_no_access_point_of_a_town_is_usable(network):
    """Hưng Yên's drayage reaches no standard-gauge terminal, or only avoided places."""
    with pytest.raises(NoRouteError) as error:
        quote("Gejiu", "Hưng Yên", modes=["rail_1435"], network=network)
    message = str(error.value)
    assert "Hưng Yên is drayed by road to" in message and "none served by rail_1435" in message
    site = resolve(network, "Hưng Yên")
    nearest = sorted(
        (straight_km(site.lat, site.lon, p.lat, p.lon), p.name)
        for p in network.places.values()
        if p.country is Country.VN
    )[: int(_rule("VN")["candidates"])]
    assert all(name in message for _, name in nearest)
    ids = [p.id for p in network.places.values() if p.name in {name for _, name in nearest}]
    with pytest.raises(NoRouteError, match="Hưng Yên is drayed by road to .* all of them avoided"):
        quote("Gejiu", "Hưng Yên", avoid=ids, network=network)


def test_two_sites_of_one_country_are_joined_by_a_direct_drayage():
    """A town to a depot 4 km away is one truck, not a 90 km run through a Hanoi terminal."""
    town = _town("Hưng Yên")
    q = quote("Hưng Yên", "20.68,106.08")
    assert [s.kind for s in q.steps] == ["access", "drayage", "egress"]
    straight = straight_km(float(town["lat"]), float(town["lon"]), 20.68, 106.08)
    drayage = q.steps[1]
    assert drayage.km == pytest.approx(straight * float(_rule("VN")["circuity"]))
    road = next(r for r in _rows("tariffs.csv") if r["mode"] == "road")
    assert drayage.cost_usd == pytest.approx(float(road["usd_per_teu_km"]) * drayage.km)
    assert drayage.hours_p50 == pytest.approx(drayage.km / float(_rule("VN")["speed_kmh"]))
    across = quote("Hưng Yên", HEKOU_CN_SIDE)  # never across the border, even between sites
    assert across.border_crossings and across.drayage[-1].from_place in q.network.places


def test_pareto_alternatives_and_quote_many_take_towns_and_points():
    front = pareto("Hưng Yên", "21.59,105.85")
    assert len(front) >= 2
    assert all(q.steps[1].kind == "drayage" for q in front)
    routes = quote(QuoteRequest("Hưng Yên", "Kunming", alternatives=2))
    assert len(routes) == 2 and routes[0].cost_usd <= routes[1].cost_usd + 1e-9
    table = quote_many(
        [
            {"origin": "Hung Yen", "destination": "Hai Phong"},
            {"origin": "21.18,106.07", "destination": "Kunming"},
            {"origin": "95,106", "destination": "Hanoi"},
        ]
    )
    assert table["status"].tolist() == ["ok", "ok", "InvalidRequestError"]
    assert table["places"][0].startswith("geonames_")


def test_a_site_quote_validates_against_the_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = quote("21.18,106.07", "Uong Bi", currency="VND").to_dict()
    jsonschema.Draft202012Validator(schema).validate(document)
    assert {s["kind"] for s in document["steps"]} >= {"drayage"}


def test_the_circuity_is_the_median_of_the_road_legs_of_its_country():
    """drayage.csv says it is derived from legs.csv: check it still is (to 2 decimals)."""
    places = {r["id"]: r for r in _rows("places.csv")}
    for country, rule in drayage_rules().items():
        ratios = []
        for leg in _rows("legs.csv"):
            a, b = places[leg["origin"]], places[leg["destination"]]
            if leg["mode"] != "road" or not a["country"] == b["country"] == str(country):
                continue
            km = straight_km(float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"]))
            if km >= 5:
                ratios.append(float(leg["km"]) / km)
        assert rule.circuity == round(statistics.median(ratios), 2), country


def test_cli_quotes_from_a_town_and_from_coordinates():
    result = runner.invoke(app, ["quote", "Hung Yen", "Hai Phong"])
    assert result.exit_code == 0, result.output
    assert "estimated drayage by road Hưng Yên" in result.output
    result = runner.invoke(app, ["quote", "21.18,106.07", "Kunming", "--json"])
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["steps"]
    assert steps[1]["kind"] == "drayage" and steps[1]["from_place"] == "point_21.18000_106.07000"
    result = runner.invoke(app, ["quote", "95,106", "Kunming"])
    assert result.exit_code == 2
    assert "latitude must be -90 to 90" in result.stderr
    result = runner.invoke(app, ["quote", "Hung Yem", "Kunming"])
    assert result.exit_code == 2 and "Hưng Yên" in result.stderr


def test_every_row_has_a_source_and_a_bad_cell_is_named(data_copy):
    from corridor.data import check_source, source_keys

    keys = source_keys(DATA)
    for name in ("gazetteer.csv", "drayage.csv"):
        for row in _rows(name):
            check_source(row["source"], keys)
    path = data_copy / "drayage.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("VN,1.16,", "VN,0.9,"), "utf-8")
    with pytest.raises(DataError, match=r"drayage.csv.*line 2.*circuity.*at least 1"):
        drayage_rules(data_copy)


def test_the_http_service_quotes_towns_and_points():
    from fastapi.testclient import TestClient

    from corridor.web import Settings, create_app

    client = TestClient(create_app(Settings()), raise_server_exceptions=False)
    reply = client.post("/quote", json={"origin": "Hung Yen", "destination": "21.59,105.85"})
    assert reply.status_code == 200, reply.text
    kinds = [s["kind"] for s in reply.json()["steps"]]
    assert kinds[1] == kinds[-2] == "drayage"
    reply = client.post("/quote", json={"origin": "95,106", "destination": "Hanoi"})
    assert reply.status_code == 422 and "latitude" in reply.json()["message"]
    reply = client.post("/quote", json={"origin": "Hung Yem", "destination": "Hanoi"})
    assert reply.status_code == 404 and "geonames_1580142" in reply.json()["suggestions"]
