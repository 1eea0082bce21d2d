"""Exports and maps: GeoPackage/GeoJSON round trips, HTML maps with every leg."""

from __future__ import annotations

import geopandas as gpd
import pytest
from typer.testing import CliRunner

from corridor import InvalidRequestError, quote
from corridor.cli import app
from corridor.export import write_network

runner = CliRunner()


def test_geopackage_round_trip(network, tmp_path):
    path = write_network(network, tmp_path / "net.gpkg")
    places = gpd.read_file(path, layer="places")
    links = gpd.read_file(path, layer="links")
    assert len(places) == len(network.places)
    assert len(links) == len(network.legs) + len(network.crossings)
    assert places.crs.to_epsg() == 4326 and links.crs.to_epsg() == 4326
    assert set(links["kind"]) == {"leg", "border"}


def test_geojson_writes_one_file_per_layer(network, tmp_path):
    write_network(network, tmp_path / "net.geojson")
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
    html = (tmp_path / "net.html").read_text(encoding="utf-8")
    assert "rail1435_sgr_lao_cai_yen_vien" in html and "opens 2030" in html
    assert '"dashArray": "6 6"' in html


def test_cli_quote_map_and_network_export(tmp_path):
    result = runner.invoke(app, ["quote", "Kunming", "Hanoi", "--map", str(tmp_path / "q.html")])
    assert result.exit_code == 0 and (tmp_path / "q.html").is_file()
    result = runner.invoke(app, ["network", "export", str(tmp_path / "n.gpkg")])
    assert result.exit_code == 0
    assert len(gpd.read_file(tmp_path / "n.gpkg", layer="places")) > 30
    bad = runner.invoke(app, ["network", "export", str(tmp_path / "n.txt")])
    assert bad.exit_code == 2 and "gpkg or .geojson" in bad.stderr
