"""Reading and validating the data tables."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import re
from pathlib import Path

import pytest

from corridor.data import check_source, load_dataset, source_keys, unknown_place
from corridor.distance import places_km
from corridor.errors import DataError
from corridor.model import Mode, PlaceKind, Status

REQUIRED_PLACES = {
    "kunming",
    "yuxi",
    "mengzi",
    "hekou",
    "hekou_north",
    "lao_cai",
    "lao_cai_station",
    "lao_cai_icd",
    "kim_thanh",
    "ban_vuoc",
    "muong_khuong",
    "ba_sa",
    "qiaotou",
    "yen_bai",
    "viet_tri",
    "yen_vien",
    "giap_bat",
    "gia_lam_icd",
    "noi_bai_airport",
    "khuyen_luong_port",
    "hai_phong",
    "lach_huyen",
    "cai_lan",
    "huu_nghi",
    "tan_thanh",
    "dong_dang_station",
    "pingxiang",
    "nanning",
    "ma_lu_thang",
    "kunming_changshui_airport",
    "sa_pa_airport",
}


def test_shipped_data_is_complete():
    dataset = load_dataset()
    ids = {p.id for p in dataset.places}
    assert ids >= REQUIRED_PLACES
    for place in dataset.places:
        assert place.name_vi, place.id
        assert 18 < place.lat < 27 and 100 < place.lon < 110, place.id
    assert {leg.mode for leg in dataset.legs} == set(Mode)
    planned = [leg for leg in dataset.legs if leg.status is not Status.OPEN]
    assert planned and all(leg.opens for leg in planned)
    river = [leg for leg in dataset.legs if leg.mode is Mode.RIVER]
    assert any(len(leg.months) < 12 for leg in river)
    assert all(leg.vessel_teu for leg in river)
    gauge_break = {(t.place, frozenset((t.from_mode, t.to_mode))) for t in dataset.transfers}
    assert ("hekou_north", frozenset((Mode.RAIL_1000, Mode.RAIL_1435))) in gauge_break
    assert {c.cn_place for c in dataset.crossings} >= {"hekou", "ba_sa", "qiaotou", "youyiguan"}


def test_every_row_cites_a_known_source_or_an_estimate():
    dataset = load_dataset()
    keys = source_keys(dataset.data_dir)
    rows = [
        *dataset.places,
        *dataset.legs,
        *dataset.transfers,
        *dataset.crossings,
        *dataset.tariffs,
        *dataset.emissions,
        *dataset.cargo_profiles,
        *dataset.rates,
    ]
    for row in rows:
        check_source(row.source, keys)  # raises on an unknown key or an empty cell


def test_no_leg_or_crossing_is_shorter_than_the_straight_line_between_its_places():
    """The loader refuses such rows; this checks the shipped data against the same rule."""
    dataset = load_dataset()
    places = {p.id: p for p in dataset.places}
    short = {
        leg.id: (leg.km, round(places_km(places[leg.origin], places[leg.destination]), 2))
        for leg in dataset.legs
        if leg.km < places_km(places[leg.origin], places[leg.destination])
    }
    short |= {
        c.id: (c.km, round(places_km(places[c.cn_place], places[c.vn_place]), 2))
        for c in dataset.crossings
        if c.leg is None and c.km < places_km(places[c.cn_place], places[c.vn_place])
    }
    assert not short, f"km against the straight line: {short}"


def _line_of(data_copy: Path, file: str, row_id: str) -> tuple[int, int]:
    """(row index under the header, line in the file) of the row with ``id`` ``row_id``."""
    with (data_copy / file).open(encoding="utf-8", newline="") as handle:
        index = [row["id"] for row in csv.DictReader(handle)].index(row_id)
    return index, index + 2


@pytest.mark.parametrize(
    ("file", "row_id", "km", "line_km", "between"),
    [
        # rail Yuxi - Mengzi (141 km) against the GeoNames "Wenlan" point it once had
        ("legs.csv", "rail1435_yuxi_mengzi", "141", "143.2", "'yuxi' and 'mengzi'"),
        ("legs.csv", "road_hanoi_gia_lam", "5", "5.8", "'hanoi' and 'gia_lam_icd'"),
        ("border_crossings.csv", "hekou_north_lao_cai_rail", "6", "6.7", "'hekou_north'"),
        ("border_crossings.csv", "ba_sa_ban_vuoc", "0.3", "0.4", "'ba_sa' and 'ban_vuoc'"),
    ],
)
def test_a_row_shorter_than_the_straight_line_is_refused(
    data_copy: Path, edit_cell, file, row_id, km, line_km, between
):
    index, line = _line_of(data_copy, file, row_id)
    edit_cell(file, index, "km", km)
    if row_id == "rail1435_yuxi_mengzi":
        mengzi, _ = _line_of(data_copy, "places.csv", "mengzi")
        edit_cell("places.csv", mengzi, "lat", "23.36002")  # GeoNames#1800663 'Wenlan'
        edit_cell("places.csv", mengzi, "lon", "103.43684")
    with pytest.raises(DataError, match="shorter than the") as caught:
        load_dataset(data_copy)
    error = caught.value
    assert (error.file, error.row, error.column) == (file, line, "km")
    assert f"{file}, line {line}, column 'km': {km} km is shorter than the {line_km} km" in str(
        error
    )
    assert between in str(error)


def test_moving_a_place_away_from_its_legs_is_refused(data_copy: Path, edit_cell):
    """Coordinates are checked against the legs too: the error names the leg's row."""
    youyiguan, _ = _line_of(data_copy, "places.csv", "youyiguan")
    edit_cell("places.csv", youyiguan, "lat", "22.02")  # 4.9 km north of the Friendship Pass
    _, line = _line_of(data_copy, "border_crossings.csv", "youyiguan_huu_nghi")
    with pytest.raises(DataError, match="'youyiguan' and 'huu_nghi'") as caught:
        load_dataset(data_copy)
    assert (caught.value.file, caught.value.row) == ("border_crossings.csv", line)


def test_the_air_customs_crossing_is_not_measured(data_copy: Path):
    """A crossing cleared on a leg has km 0: the leg carries the distance."""
    dataset = load_dataset(data_copy)
    air = next(c for c in dataset.crossings if c.leg == "air_changshui_noi_bai")
    assert air.km == 0


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("", "needs a source key"),
        ("nosuchkey-1999", "not in SOURCES.md"),
        ("estimate:", "must say how"),
        ("geonames; nosuch", "'nosuch'"),
    ],
)
def test_check_source_rejects(cell, message):
    with pytest.raises(ValueError, match=message):
        check_source(cell, frozenset({"geonames"}))


def test_check_source_accepts_keys_details_and_estimates():
    check_source("geonames#123; estimate: split of a total", frozenset({"geonames"}))
    check_source("estimate: derived from X", frozenset())


# where a bad value in one column is reported against another (the cross-table check)
EXPECTED_COLUMN = {
    ("legs.csv", 10): "destination",
    ("places.csv", 4): "opens",
    ("places.csv", 31): "lat",
}
AIR_CUSTOMS = 10
"""Row index in border_crossings.csv of the customs cleared on the Changshui – Noi Bai flight."""


def test_air_customs_row_index(data_copy: Path):
    with (data_copy / "border_crossings.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[AIR_CUSTOMS]["leg"] == "air_changshui_noi_bai"


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "message"),
    [
        ("legs.csv", 3, "km", "-5", "more than 0 and at most 20,000 km"),
        ("legs.csv", 4, "km", "nan", "finite number"),
        ("legs.csv", 5, "origin", "atlantis", "unknown place 'atlantis'"),
        ("legs.csv", 6, "mode", "hovercraft", "road"),
        ("legs.csv", 7, "hours", "3", "exactly one of speed_kmh and hours"),
        ("legs.csv", 8, "months", "10-13", "within 1-12"),
        ("legs.csv", 9, "id", "road_kunming_yuxi", "duplicate"),
        ("legs.csv", 10, "mode", "rail_1435", "'youyiguan' does not serve mode 'rail_1435'"),
        ("places.csv", 2, "lat", "95", "less than or equal to 90"),
        ("places.csv", 31, "lon", "105.84", "same coordinates as 'giap_bat'"),
        ("places.csv", 3, "source", "made-up-2020", "not in SOURCES.md"),
        ("places.csv", 4, "status", "planned", "needs its opening year"),
        ("transfers.csv", 0, "hours_p90", "1", "P90 hours below P50"),
        ("transfers.csv", 1, "place", "yuxii", "unknown place 'yuxii'; did you mean 'yuxi'"),
        ("border_crossings.csv", 0, "vn_place", "hekou_north", "is not in Vietnam"),
        ("border_crossings.csv", 0, "close_hour", "5", "after open_hour"),
        ("border_crossings.csv", AIR_CUSTOMS, "leg", "atlantis_air", "unknown leg 'atlantis_air'"),
        ("border_crossings.csv", AIR_CUSTOMS, "leg", "Air leg", "should match pattern"),
        (
            "border_crossings.csv",
            AIR_CUSTOMS,
            "leg",
            "road_kunming_changshui",
            "is by road, the crossing by air",
        ),
        (
            "border_crossings.csv",
            AIR_CUSTOMS,
            "leg",
            "air_sa_pa_noi_bai",
            "joins 'sa_pa_airport' and 'noi_bai_airport', not the crossing's",
        ),
        ("border_crossings.csv", AIR_CUSTOMS, "hours_p90_vn_cn", "2", "P90 hours below P50"),
        (
            "border_crossings.csv",
            AIR_CUSTOMS,
            "fee_usd_per_teu",
            "-100",
            "from 0 to 100,000,000 USD/TEU",
        ),
        ("border_crossings.csv", AIR_CUSTOMS, "open_hour", "25", "less than or equal to 24"),
        ("tariffs.csv", 0, "usd_per_teu_km", "abc", "valid number"),
    ],
)
def test_malformed_cell_names_file_line_and_column(
    data_copy: Path, edit_cell, file, row, column, value, message
):
    line = edit_cell(file, row, column, value)
    with pytest.raises(DataError, match=message) as caught:
        load_dataset(data_copy)
    error = caught.value
    assert error.file == file
    assert error.row == line
    assert error.column == EXPECTED_COLUMN.get((file, row), column)
    assert f"{file}, line {line}" in str(error)


def test_ragged_row_is_reported_with_its_line(data_copy: Path):
    path = data_copy / "emissions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"emissions.csv, line 3: 5 fields, header has 4"):
        load_dataset(data_copy)


def test_missing_file_and_missing_column(data_copy: Path):
    (data_copy / "tariffs.csv").unlink()
    with pytest.raises(DataError, match="tariffs.csv: file not found"):
        load_dataset(data_copy)


def test_missing_column_is_named(data_copy: Path):
    path = data_copy / "emissions.csv"
    text = path.read_text(encoding="utf-8").replace("g_co2e_per_tkm", "g_per_tkm", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="missing column.*g_co2e_per_tkm"):
        load_dataset(data_copy)


def test_a_flight_across_the_border_needs_its_customs(data_copy: Path, edit_cell):
    """Without the crossing cleared on it, the Changshui – Noi Bai flight is an error."""
    edit_cell("border_crossings.csv", AIR_CUSTOMS, "leg", "")
    with (data_copy / "legs.csv").open(encoding="utf-8", newline="") as handle:
        line = 2 + [r["id"] for r in csv.DictReader(handle)].index("air_changshui_noi_bai")
    with pytest.raises(DataError, match="leg crosses the border") as caught:
        load_dataset(data_copy)
    error = caught.value
    assert (error.file, error.row, error.column) == ("legs.csv", line, "destination")
    assert f"legs.csv, line {line}" in str(error)


def test_shipped_crossings_on_legs():
    dataset = load_dataset()
    on_legs = {c.leg: c for c in dataset.crossings if c.leg is not None}
    assert set(on_legs) == {"air_changshui_noi_bai"}  # the only leg across the border
    assert on_legs["air_changshui_noi_bai"].mode is Mode.AIR


def _row_index(data_copy: Path, place_id: str) -> int:
    """Index of ``place_id``'s row in places.csv (0 is the row under the header)."""
    with (data_copy / "places.csv").open(encoding="utf-8", newline="") as handle:
        return [row["id"] for row in csv.DictReader(handle)].index(place_id)


@pytest.mark.parametrize(
    ("place", "column", "value", "other", "key"),
    [
        ("yuxi", "name", "Mengzi", "mengzi", "mengzi"),  # yuxi is above mengzi in the file
        ("hai_phong", "name_vi", "Hà Nội", "hanoi", "ha noi"),
        # Sa Pa airport opens in 2030: its alias clashes in every year, in no per-year index
        ("sa_pa_airport", "aliases", "Sapa airport|Lào Cai", "lao_cai", "lao cai"),
    ],
)
def test_a_name_shared_by_two_places_is_reported_in_its_cell(
    data_copy: Path, edit_cell, place, column, value, other, key
):
    line = edit_cell("places.csv", _row_index(data_copy, place), column, value)
    other_line = 2 + _row_index(data_copy, other)
    with pytest.raises(DataError) as caught:
        load_dataset(data_copy)
    error = caught.value
    assert (error.file, error.row, error.column) == ("places.csv", line, column)
    assert str(error) == (
        f"places.csv, line {line}, column '{column}': places {place!r} and {other!r} "
        f"(line {other_line}) share the name {key!r}"
    )


def test_a_byte_order_mark_is_accepted(data_copy: Path):
    """Excel's "CSV UTF-8" starts the file with a byte-order mark."""
    for path in [*data_copy.glob("*.csv"), data_copy / "SOURCES.md"]:
        path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    shipped = load_dataset()
    assert dataclasses.replace(load_dataset(data_copy), data_dir=shipped.data_dir) == shipped


@pytest.mark.parametrize(
    ("file", "text", "line", "column"),
    [
        ("places.csv", "Côn Minh", 2, "name_vi"),  # Kunming's row
        ("SOURCES.md", "Lào Cai station", 16, None),
    ],
)
def test_a_file_that_is_not_utf8_names_the_line(data_copy: Path, file, text, line, column):
    path = data_copy / file
    raw = path.read_bytes()
    assert raw.count(b"\n", 0, raw.index(text.encode())) == line - 1  # the shipped data
    path.write_bytes(raw.replace(text.encode(), text.encode("latin-1"), 1))
    with pytest.raises(DataError, match="save the file as UTF-8") as caught:
        load_dataset(data_copy)
    error = caught.value
    assert (error.file, error.row, error.column) == (file, line, column)
    assert str(error).startswith(f"{file}, line {line}")


@pytest.mark.parametrize(
    ("file", "row", "message"),
    [
        # the same modes either way round: a transfer applies in both directions
        ("transfers.csv", "kunming,rail_1435,road,1,2,3,,,estimate: t", "kunming rail_1435/road"),
        ("tariffs.csv", "road,ANY,1,1,,,estimate: t", "road any"),
        ("emissions.csv", "road,50,40,estimate: t", "'road'"),
        ("cargo_classes.csv", "general,1,10,0.1,0,0,50000,,estimate: t", "'general'"),
    ],
)
def test_a_duplicate_key_is_printed_as_plain_values(data_copy: Path, file, row, message):
    path = data_copy / file
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith(row.split(",", 1)[0] + ",")  # the first row has the same key
    path.write_text("\n".join([*lines, row]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(data_copy)
    error = caught.value
    assert (error.file, error.row) == (file, len(lines) + 1)
    assert error.detail == f"duplicate {message} (first on line 2)"


def test_an_unknown_place_id_suggests_ids_with_or_without_underscores():
    ids = ["sa_pa_airport", "lao_cai", "lao_cai_station", "hanoi"]
    assert unknown_place("sapa", ids) == "unknown place 'sapa'; did you mean 'sa_pa_airport'?"
    assert unknown_place("laocai", ids).endswith("did you mean 'lao_cai', 'lao_cai_station'?")
    assert unknown_place("atlantis", ids) == "unknown place 'atlantis'"


def test_p90_factor_is_optional_and_at_least_1(data_copy: Path, edit_cell):
    """A legs.csv without the column reads (every factor 1); a factor below 1 is refused."""
    shipped = load_dataset(data_copy)
    assert any(leg.p90_factor > 1 for leg in shipped.legs)
    index, line = _line_of(data_copy, "legs.csv", "road_kunming_yuxi")
    edit_cell("legs.csv", index, "p90_factor", "0.8")
    with pytest.raises(DataError, match="greater than or equal to 1") as caught:
        load_dataset(data_copy)
    assert (caught.value.row, caught.value.column) == (line, "p90_factor")
    path = data_copy / "legs.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        columns = [c for c in rows[0] if c != "p90_factor"]
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    assert all(leg.p90_factor == 1 for leg in load_dataset(data_copy).legs)


def test_trucks_at_the_seaports_queue_at_the_terminal_gate():
    # vietnamnet-catlai-100min: a truck may stay 100 min per trip (the P90); the P50 half of it
    gate_p50, gate_p90 = 100 / 60 / 2, 100 / 60
    dataset = load_dataset()
    seaports = {p.id for p in dataset.places if p.kind is PlaceKind.SEAPORT}
    by_key = {(t.place, t.from_mode, t.to_mode): t for t in dataset.transfers}
    trucks = [
        t
        for t in dataset.transfers
        if t.place in seaports and t.from_mode is Mode.ROAD and t.to_mode in (Mode.SEA, Mode.RIVER)
    ]
    assert {t.place for t in trucks} == {"hai_phong", "lach_huyen", "cai_lan"}
    for truck in trucks:
        assert "vietnamnet-catlai-100min" in truck.source, truck
    for port in ("hai_phong", "lach_huyen"):  # a barge's box reaches the ship without the gate
        barge = by_key[(port, Mode.RIVER, Mode.SEA)]
        truck = by_key[(port, Mode.ROAD, Mode.SEA)]
        assert truck.hours_p50 - barge.hours_p50 == pytest.approx(gate_p50, abs=0.05)
        assert truck.hours_p90 - barge.hours_p90 == pytest.approx(gate_p90, abs=0.05)


def test_every_source_key_is_cited_by_a_row_or_a_line():
    data = Path(__file__).parent.parent / "data"
    cited = "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(data.rglob("*"))
        if path.suffix in {".csv", ".geojson", ".yaml"}
    )
    uncited = {
        key
        for key in source_keys(data)
        if not re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", cited)
    }
    assert not uncited, sorted(uncited)
