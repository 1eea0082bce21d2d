"""Leg lines: data/leg_geometry.geojson read and checked, used by exports, maps and charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest

from corridor import DataError, load_network, quote
from corridor.data import load_dataset
from corridor.geometry import KM_TOLERANCE, LINES_FILE, line_km
from corridor.render.charts import route_chart
from corridor.render.geo import quote_geodataframe, write_network, write_quote
from corridor.render.lines import OFFSET_DEG, drawn_lines

MAIN_RAIL = ("rail1000_lao_cai_yen_bai", "rail1000_yen_bai_viet_tri", "rail1000_viet_tri_yen_vien")
"""The Hanoi – Lao Cai metre-gauge line, digitised through its stations."""
MAIN_ROAD = ("road_hanoi_lang_son", "road_bac_giang_lang_son")
"""The Hanoi – Lang Son road (to Huu Nghi), through Bac Giang and Chi Lang."""
OTHER_MAIN = (
    "rail1435_kunming_yuxi",
    "rail1435_yuxi_mengzi",
    "rail1435_mengzi_hekou_north",
    "rail1000_kaiyuan_hekou_north",
    "rail1000_yen_vien_hai_phong",
    "rail1000_dong_dang_yen_vien",
    "rail1435_dong_dang_yen_vien",
    "road_hanoi_hai_phong",
)
"""The Kunming – Hekou lines, the Hai Phong and Dong Dang railways and the CT.04."""
STRAIGHT = ("road_ct05_lao_cai_yen_bai", "road_mengzi_hekou", "river_yen_bai_viet_tri")
"""Main legs no source found names the towns of: drawn straight (docs/data.md, Leg lines)."""


def _features(folder: Path) -> list[dict]:
    return json.loads((folder / LINES_FILE).read_text(encoding="utf-8"))["features"]


def _write(folder: Path, features: list[dict]) -> None:
    lines = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    text = '{"type": "FeatureCollection", "features": [\n' + lines + "\n]}\n"
    (folder / LINES_FILE).write_text(text, encoding="utf-8")


def test_the_main_road_and_rail_legs_have_lines_within_the_km_tolerance(network):
    low, high = KM_TOLERANCE
    for leg_id in (*MAIN_RAIL, *MAIN_ROAD, *OTHER_MAIN):
        line = network.line(leg_id)
        assert len(line) > 2, leg_id  # more than its two places
        leg = network.legs[leg_id]
        assert (line[0][1], line[0][0]) == (
            network.places[leg.origin].lat,
            network.places[leg.origin].lon,
        )
        assert low * line_km(line) <= leg.km <= high * line_km(line)
        assert network.dataset.line_sources[leg_id]
    for leg_id in STRAIGHT:
        assert len(network.line(leg_id)) == 2, leg_id  # no documented route: straight


def test_the_standard_gauge_line_is_about_as_long_as_the_railway(network):
    # wikipedia-kunming-hekou: 388 km; the line through Kunyang, Tonghai and Pingbian cuts bends
    legs = ("rail1435_kunming_yuxi", "rail1435_yuxi_mengzi", "rail1435_mengzi_hekou_north")
    through_towns = sum(line_km(network.line(leg)) for leg in legs)
    assert 0.75 * 388 < through_towns < 388
    assert sum(network.legs[leg].km for leg in legs) == 388


def test_the_rail_line_is_about_as_long_as_the_chainage(network):
    # dailyvetauhoa-hanoi-laocai: Yen Vien Km 10+900, Lao Cai Km 293+586
    through_stations = sum(line_km(network.line(leg)) for leg in MAIN_RAIL)
    assert 0.85 * (293.586 - 10.9) < through_stations < 293.586 - 10.9


def test_a_line_for_an_unknown_leg_is_refused_with_a_suggestion(data_copy: Path):
    features = _features(data_copy)
    features[1]["id"] = "rail1000_yen_bai_viettri"
    _write(data_copy, features)
    with pytest.raises(DataError) as error:
        load_dataset(data_copy)
    assert error.value.file == LINES_FILE
    assert error.value.row == 3  # the second feature, on the third line
    assert error.value.column == "id"
    assert "did you mean 'rail1000_yen_bai_viet_tri'?" in str(error.value)


def test_a_line_ending_far_from_its_place_is_refused(data_copy: Path):
    features = _features(data_copy)
    features[0]["geometry"]["coordinates"][-1] = [104.95, 21.75]  # 5 km from Yen Bai
    _write(data_copy, features)
    with pytest.raises(DataError, match=r"ends 5\.0 km from 'yen_bai'") as error:
        load_dataset(data_copy)
    assert (error.value.row, error.value.column) == (2, "geometry")


def test_a_km_out_of_tolerance_of_the_line_is_refused_with_both_figures(data_copy: Path, edit_cell):
    row = next(
        i
        for i, line in enumerate((data_copy / "legs.csv").read_text(encoding="utf-8").splitlines())
        if line.startswith("rail1000_yen_bai_viet_tri,")
    )
    edit_cell("legs.csv", row - 1, "km", "150")  # the line is 68.7 km: at most 103 km
    with pytest.raises(DataError) as error:
        load_dataset(data_copy)
    message = str(error.value)
    assert error.value.file == LINES_FILE
    assert re.search(r"150 km in legs\.csv but its line is 68\.\d km", message), message
    assert "0.97–1.5" in message


def test_a_second_line_and_a_bad_source_are_refused(data_copy: Path):
    features = _features(data_copy)
    _write(data_copy, [*features, features[0]])
    with pytest.raises(DataError, match="a second line for leg 'rail1000_lao_cai_yen_bai'"):
        load_dataset(data_copy)
    features[0]["properties"]["source"] = "nowhere-2026"
    _write(data_copy, features)
    with pytest.raises(DataError, match="'nowhere-2026' is not in SOURCES.md") as error:
        load_dataset(data_copy)
    assert error.value.column == "source"


def test_no_file_means_straight_lines(data_copy: Path):
    (data_copy / LINES_FILE).unlink()
    network = load_network(2026, data_copy)
    assert len(network.line("rail1000_yen_bai_viet_tri")) == 2


def test_an_edited_line_file_is_read_again(data_copy: Path):
    before = load_network(2026, data_copy).line("rail1000_yen_bai_viet_tri")
    features = _features(data_copy)
    features[1]["geometry"]["coordinates"].insert(1, [105.1, 21.5])
    _write(data_copy, features)
    after = load_network(2026, data_copy).line("rail1000_yen_bai_viet_tri")
    assert len(after) == len(before) + 1  # the dataset cache key covers the line file


def test_exports_carry_the_lines(network, tmp_path):
    written = write_network(network, tmp_path / "network.gpkg")
    links = gpd.read_file(written[0], layer="links").set_index("id")
    for leg_id in (*MAIN_RAIL, *MAIN_ROAD):
        assert len(links.loc[leg_id].geometry.coords) == len(network.line(leg_id))
        assert links.loc[leg_id, "line_source"]
    q = quote("Kunming", "Hai Phong", network=network)
    steps = quote_geodataframe(q)
    rail = steps[steps["ref"] == "rail1000_lao_cai_yen_bai"].geometry.iloc[0]
    assert list(rail.coords) == network.line("rail1000_lao_cai_yen_bai", "lao_cai_station")
    layers = write_quote(q, tmp_path / "route.geojson")
    legs = gpd.read_file(layers[0])
    assert legs.geometry.apply(lambda g: len(g.coords)).max() > 2


def test_parallel_links_are_set_apart_in_the_drawing_only(network):
    drawn = drawn_lines(network)
    road, rail, river = (
        drawn[f"{mode}_yen_bai_viet_tri"] for mode in ("road_ct05", "rail1000", "river")
    )
    assert rail == network.line("rail1000_yen_bai_viet_tri")  # the middle one stays
    for shifted in (road, river):
        lat_shift = abs(shifted[0][1] - network.places["yen_bai"].lat)
        lon_shift = abs(shifted[0][0] - network.places["yen_bai"].lon)
        assert 0.5 * OFFSET_DEG < max(lat_shift, lon_shift) < 1.5 * OFFSET_DEG
    assert road != river
    assert len(network.line("road_ct05_yen_bai_viet_tri")) == 2  # the data are untouched


def test_maps_and_charts_draw_more_than_two_points_for_the_main_legs(network):
    rail = quote("Kunming", "Hai Phong", network=network)
    road = quote("Hanoi", "Lang Son", modes=["road"], network=network)
    assert "road_hanoi_lang_son" in [s.ref for s in road.steps]
    for q, legs in ((rail, MAIN_RAIL[:2]), (road, MAIN_ROAD[:1])):
        html = q.map().get_root().render()
        for leg_id in legs:
            line = drawn_lines(network)[leg_id]
            first = f"[{line[1][1]}, {line[1][0]}]"  # an inner vertex, as folium writes it
            assert first in html, leg_id
        figure = route_chart(q)
        routes = figure.axes[0].collections[1].get_segments()
        assert max(len(segment) for segment in routes) > 2
