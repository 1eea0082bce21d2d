"""Exports and maps: GeoPackage/GeoJSON round trips, HTML maps with every leg."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from typer.testing import CliRunner

from corridor import InvalidRequestError, load_network, pareto, plan, quote
from corridor.cli import app
from corridor.cli.quote_commands import write_route_files
from corridor.data import default_data_dir
from corridor.render.geo import link_loads, write_network, write_quote, write_table
from corridor.render.maps import pareto_map

runner = CliRunner()
DEMAND = str(default_data_dir() / "demand" / "sample_2026.csv")


def test_geopackage_round_trip(network, tmp_path):
    (path,) = write_network(network, tmp_path / "net.gpkg")
    assert path == tmp_path / "net.gpkg"
    places = gpd.read_file(path, layer="places")
    links = gpd.read_file(path, layer="links")
    assert len(places) == len(network.places)
    assert len(links) == len(network.legs) + len(network.crossings)
    assert places.crs.to_epsg() == 4326 and links.crs.to_epsg() == 4326
    assert set(links["kind"]) == {"leg", "border"}


def test_geojson_writes_one_file_per_layer(network, tmp_path):
    written = write_network(network, tmp_path / "net.geojson")
    assert written == [tmp_path / "net.places.geojson", tmp_path / "net.links.geojson"]
    assert not (tmp_path / "net.geojson").exists()
    assert len(gpd.read_file(tmp_path / "net.places.geojson")) == len(network.places)
    assert len(gpd.read_file(tmp_path / "net.links.geojson")) == len(network.legs) + len(
        network.crossings
    )
    with pytest.raises(InvalidRequestError, match="gpkg or .geojson"):
        write_network(network, tmp_path / "net.shp")


def test_quote_map_has_every_leg_and_gate(network, tmp_path):
    q = quote("Kunming", "Hai Phong", network=network)
    path = tmp_path / "quote.html"
    q.map().save(str(path))
    html = path.read_text(encoding="utf-8")
    for step in q.legs + q.border_crossings + q.transshipments:
        assert q.describe(step).split(" (")[0] in html
    assert "origin: Kunming" in html


def test_network_map_dashes_planned_links(tmp_path):
    result = runner.invoke(app, ["network", "map", str(tmp_path / "net.html")])
    assert result.exit_code == 0
    assert result.stderr == f"wrote {tmp_path / 'net.html'}\n" and not result.stdout
    html = (tmp_path / "net.html").read_text(encoding="utf-8")
    assert "rail1435_sgr_lao_cai_yen_vien" in html and "opens 2030" in html
    assert '"dashArray": "6 6"' in html


def test_cli_quote_map_and_network_export(tmp_path):
    result = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--map", str(tmp_path / "q.html")])
    assert result.exit_code == 0 and (tmp_path / "q.html").is_file()
    result = runner.invoke(app, ["network", "export", str(tmp_path / "n.gpkg")])
    assert result.exit_code == 0
    assert len(gpd.read_file(tmp_path / "n.gpkg", layer="places")) > 30
    assert result.stderr == f"wrote {tmp_path / 'n.gpkg'}\n" and not result.stdout
    split = runner.invoke(app, ["network", "export", str(tmp_path / "n.geojson")])
    assert split.exit_code == 0, split.output
    places, links = tmp_path / "n.places.geojson", tmp_path / "n.links.geojson"
    assert places.is_file() and links.is_file()
    assert split.stderr == f"wrote {places}\nwrote {links}\n"
    bad = runner.invoke(app, ["network", "export", str(tmp_path / "n.txt")])
    assert bad.exit_code == 2 and "gpkg or .geojson" in bad.stderr


EXTERNAL = re.compile(r'(?:src|href)="https?://')


def test_every_map_is_self_contained(network):
    q = quote("Kunming", "Hai Phong", network=network)
    maps = {
        "network": network.map(),
        "quote": q.map(),
        "pareto": pareto_map(pareto("Kunming", "Hai Phong", network=network)),
        "plan": plan(DEMAND, network=network).map(),
    }
    for name, fmap in maps.items():
        html = fmap.get_root().render()
        assert not EXTERNAL.search(html), name  # Leaflet inline: opens without network
        assert "data:text/javascript;base64," in html, name


def test_pareto_map_has_one_layer_per_route(network):
    front = pareto("Kunming", "Hai Phong", network=network)
    html = pareto_map(front).get_root().render()
    for rank, q in enumerate(front, 1):
        name = f"{rank}: {' → '.join(q.modes)}, {q.cost_usd:,.0f} USD"
        assert json.dumps(name)[1:-1] in html  # the layer control's labels are JSON
    with pytest.raises(InvalidRequestError, match="no routes"):
        pareto_map([])


def test_plan_map_shows_each_loaded_link_with_its_utilisation(network):
    result = plan(DEMAND, network=network)
    directions = result.to_geodataframe()
    html = result.map().get_root().render()
    for row in directions.itertuples():
        tip = f"{row.from_place} → {row.to_place} {row.teu_per_day:,.0f} TEU/day"
        if pd.notna(row.utilisation):
            tip += f", {row.utilisation:.0%} of {row.capacity_teu_day:,.0f}"
        assert tip in html
    # a link's colour is the higher utilisation of its two directions, its width their sum
    links = link_loads(result).set_index("ref")
    both = directions.groupby("ref")
    assert links["teu_per_day"].to_dict() == pytest.approx(both["teu_per_day"].sum().to_dict())
    pd.testing.assert_series_equal(
        links["utilisation"].sort_index(), both["utilisation"].max().sort_index()
    )


def test_quote_steps_export_to_geopackage_geojson_and_csv(network, tmp_path):
    q = quote("Kunming", "Hai Phong", network=network)
    frame = q.to_geodataframe()
    assert len(frame) == len(q.steps) and frame.crs.to_epsg() == 4326
    kinds = dict(zip(frame["kind"], frame.geom_type, strict=False))
    assert kinds["leg"] == "LineString" and kinds["transfer"] == "Point"
    (path,) = write_quote(q, tmp_path / "route.gpkg")
    back = pd.concat([gpd.read_file(path, layer=name) for name in ("legs", "stops")])
    assert len(back) == len(q.steps) and back.crs.to_epsg() == 4326
    assert list(back.sort_values("step")["ref"]) == [s.ref for s in q.steps]
    written = write_quote(q, tmp_path / "route.geojson")
    back = pd.concat([gpd.read_file(p) for p in written])
    assert back["cost_usd"].sum() == pytest.approx(q.cost_usd)
    (path,) = write_quote(q, tmp_path / "route.csv")
    table = pd.read_csv(path)
    assert list(table["step"]) == list(range(len(q.steps))) and list(table["ref"]) == [
        s.ref for s in q.steps
    ]
    assert table["geometry"].str.startswith(("LINESTRING", "POINT")).all()
    routes = quote("Kunming", "Hai Phong", alternatives=2, network=network)
    (path,) = write_quote(routes, tmp_path / "routes.csv")
    table = pd.read_csv(path)
    assert list(zip(table["route"], table["ref"], strict=True)) == [
        (rank, s.ref) for rank, r in enumerate(routes, 1) for s in r.steps
    ]
    with pytest.raises(InvalidRequestError, match="write a .csv, .gpkg or .geojson"):
        write_quote(q, tmp_path / "route.shp")
    with pytest.raises(InvalidRequestError, match="no route to write"):
        write_quote([], tmp_path / "none.csv")
    # --alternatives that finds one route only: still a list, still a route column
    write_route_files([q], None, tmp_path / "one.csv", None)
    assert set(pd.read_csv(tmp_path / "one.csv")["route"]) == {1}
    with pytest.raises(InvalidRequestError, match="no geometry"):
        write_table(q.to_frame(), tmp_path / "steps.gpkg")


def _air(network):
    """Kunming → Hanoi by air: its customs step is at the arrival airport, a point."""
    land_gates = [c.id for c in network.crossings.values() if c.leg is None]
    return quote("Kunming", "Hanoi", modes=["road", "air"], avoid=land_gates, network=network)


@pytest.mark.parametrize("route", ["rail", "air"])
def test_quote_layers_each_have_one_geometry_type(network, tmp_path, route):
    """A layer of points and lines is of type 'Unknown' to GIS: legs and stops are apart."""
    q = quote("Kunming", "Hai Phong", network=network) if route == "rail" else _air(network)
    write_table(q.to_geodataframe(), tmp_path / "route.gpkg", layer="route")  # an older export
    (path,) = write_quote(q, tmp_path / "route.gpkg")
    # the file is replaced: the old mixed layer is gone
    assert dict(pyogrio.list_layers(path).tolist()) == {"legs": "LineString", "stops": "Point"}
    legs, stops = (gpd.read_file(path, layer=name) for name in ("legs", "stops"))
    assert set(legs["kind"]) <= {"leg", "border"} and set(legs["kind"]) >= {"leg"}
    assert {"access", "egress"} <= set(stops["kind"]) <= {"access", "transfer", "border", "egress"}
    gates = [s.ref for s in q.border_crossings]
    assert (legs if route == "rail" else stops).query("kind == 'border'")["ref"].tolist() == gates
    # the step numbers put the two layers back into the route, in order
    steps = pd.concat([legs, stops]).sort_values("step")
    assert list(steps["step"]) == list(range(len(q.steps)))
    assert list(steps["ref"]) == [s.ref for s in q.steps]
    written = write_quote(q, tmp_path / "route.geojson")
    assert written == [tmp_path / "route.legs.geojson", tmp_path / "route.stops.geojson"]
    assert not (tmp_path / "route.geojson").exists()
    for file, kind in zip(written, ("LineString", "Point"), strict=True):
        assert pyogrio.list_layers(file)[:, 1].tolist() == [kind]


def test_exported_steps_say_how_large_the_shipment_is(network, tmp_path):
    """Step figures are for the whole shipment: each row gives its TEU and tonnes."""
    q = quote("Kunming", "Hai Phong", teu=3, tonnes=40, network=network)
    one = quote("Kunming", "Hai Phong", network=network)
    assert q.modes == one.modes
    back = gpd.read_file(write_table(q.to_geodataframe(), tmp_path / "route.gpkg"))
    assert (back["teu"] == 3).all() and (back["tonnes"] == 40).all()
    # the file alone gives USD per TEU and kg CO2e per tonne
    assert back["cost_usd"].sum() / back["teu"][0] == pytest.approx(one.cost_usd)
    payload = network.cargo_profiles[one.shipment.cargo].tonnes_per_teu
    assert back["co2e_kg"].sum() / back["tonnes"][0] == pytest.approx(one.co2e_kg / payload)
    result = runner.invoke(app, ["quote", "Kunming", "Hai Phong", "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "r.csv")
    assert len(table) == len(one.steps)
    assert (table["teu"] == 1).all() and table["tonnes"].isna().all()  # tonnes not given
    assert (table["cargo"] == "general").all() and (back["cargo"] == "general").all()
    reefer = quote("Kunming", "Hai Phong", cargo="reefer", network=network).to_geodataframe()
    assert (reefer["cargo"] == "reefer").all()


def test_cli_pareto_plan_and_quote_files(tmp_path):
    result = runner.invoke(
        app,
        [
            "pareto",
            "Kunming",
            "Hai Phong",
            "--map",
            str(tmp_path / "p.html"),
            "--png",
            str(tmp_path / "p.png"),
        ],
    )
    assert result.exit_code == 0
    assert result.stderr == f"wrote {tmp_path / 'p.html'}\nwrote {tmp_path / 'p.png'}\n"
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "L.featureGroup" in (tmp_path / "p.html").read_text(encoding="utf-8")
    result = runner.invoke(
        app,
        ["plan", DEMAND, "--map", str(tmp_path / "plan.html"), "--out", str(tmp_path / "l.csv")],
    )
    assert result.exit_code == 0
    assert result.stderr == f"wrote {tmp_path / 'l.csv'}\nwrote {tmp_path / 'plan.html'}\n"
    assert "TEU/day" in (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert {"ref", "utilisation", "geometry"} <= set(pd.read_csv(tmp_path / "l.csv").columns)
    result = runner.invoke(
        app,
        [
            "quote",
            "Kunming",
            "Hanoi",
            "--alternatives",
            "2",
            "--out",
            str(tmp_path / "r.gpkg"),
            "--map",
            str(tmp_path / "alt.html"),
        ],
    )
    assert result.exit_code == 0
    routes = quote("Kunming", "Hanoi", alternatives=2)
    layers = {layer: gpd.read_file(tmp_path / "r.gpkg", layer=layer) for layer in ("legs", "stops")}
    steps = pd.concat(layers.values()).sort_values(["route", "step"])
    # both routes, each step once, numbered as in its quote
    assert steps.groupby("route")["step"].apply(list).to_dict() == {
        rank: list(range(len(q.steps))) for rank, q in enumerate(routes, 1)
    }
    assert steps.groupby("route")["cost_usd"].sum().tolist() == pytest.approx(
        [q.cost_usd for q in routes]
    )
    assert result.stderr == f"wrote {tmp_path / 'alt.html'}\nwrote {tmp_path / 'r.gpkg'}\n"
    assert (tmp_path / "alt.html").read_text(encoding="utf-8").count("L.featureGroup") == 2
    split = runner.invoke(
        app, ["quote", "Kunming", "Hanoi", "--json", "--out", str(tmp_path / "r.geojson")]
    )
    assert split.exit_code == 0, split.output
    legs, stops = tmp_path / "r.legs.geojson", tmp_path / "r.stops.geojson"
    assert split.stderr == f"wrote {legs}\nwrote {stops}\n"
    assert json.loads(split.stdout)["steps"]  # stdout stays the JSON
    assert len(gpd.read_file(legs)) + len(gpd.read_file(stops)) == len(
        json.loads(split.stdout)["steps"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["quote", "Kunming", "Hanoi", "--out", "route.txt"], "write a .csv, .gpkg or .geojson"),
        (["quote", "Kunming", "Hanoi", "--png", "{missing}/q.png"], "{missing} does not exist"),
        (["quote", "Kunming", "Hanoi", "--out", "{missing}/r.csv"], "{missing} does not exist"),
        (["pareto", "Kunming", "Hanoi", "--map", "{missing}/p.html"], "{missing} does not exist"),
        (["network", "map", "{missing}/n.html"], "{missing} does not exist"),
        (["quote", "Kunming", "Hanoi", "--map", "{tmp}/q.png"], "--map: write a .html or .htm"),
        (["pareto", "Kunming", "Hanoi", "--png", "{tmp}/p.html"], "--png: write a .png file"),
        (["network", "map", "{tmp}/n.png"], "network map: write a .html or .htm file"),
    ],
)
def test_cli_output_file_errors_are_one_line(tmp_path, args, message):
    missing = str(tmp_path / "missing")
    args = [a.replace("{missing}", missing).replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert message.replace("{missing}", missing) in result.stderr
    assert ": None" not in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written, not even into a wrong format


def test_plan_geopackage_has_each_link_and_direction_with_its_capacity(tmp_path):
    sample = str(default_data_dir() / "demand" / "sample_2031.csv")
    path = tmp_path / "plan.gpkg"
    result = runner.invoke(app, ["plan", sample, "--year", "2031", "--out", str(path)])
    assert result.exit_code == 0, result.output
    assert list(gpd.list_layers(path)["name"]) == ["loaded_links"]
    links = gpd.read_file(path, layer="loaded_links")
    assert "index" not in links.columns
    assert {"direction", "from_place", "to_place", "capacity_teu_day", "utilisation"} <= set(
        links.columns
    )
    assert not links.duplicated(["ref", "direction"]).any()
    limited = links.dropna(subset=["capacity_teu_day"])
    # a road gate's capacity is shared by its two directions, a leg's is per direction
    gate = (limited["kind"] == "border") & (limited["mode"] == "road")
    both = limited.groupby("ref")["teu_per_day"].transform("sum")
    load = limited["teu_per_day"].where(~gate, both)
    assert gate.any() and (both[gate] > limited.loc[gate, "teu_per_day"]).any()
    assert (load <= limited["capacity_teu_day"] * (1 + 1e-9)).all()
    assert limited["utilisation"].to_numpy() == pytest.approx(
        (load / limited["capacity_teu_day"]).to_numpy()
    )
    feeder = links[links["ref"] == "rail1435_mengzi_hekou_north"].set_index("direction")
    assert set(feeder.index) == {"from mengzi", "from hekou_north"}
    again = plan(sample, year=2031, marginal=True).capacities.set_index(["ref", "direction"])
    for direction, row in feeder.iterrows():
        expected = again.loc[("rail1435_mengzi_hekou_north", direction)]
        assert row["teu_per_day"] == pytest.approx(expected["flow_teu_day"])
        assert row["marginal_saving_usd"] == pytest.approx(expected["marginal_saving_usd"])
        start, end = row.geometry.coords[0], row.geometry.coords[-1]
        places = {p: (x.lon, x.lat) for p, x in load_network(2031).places.items()}
        assert (start, end) == (places[row["from_place"]], places[row["to_place"]])
