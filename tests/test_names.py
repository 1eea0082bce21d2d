"""Place lookup: ids, English, Vietnamese with and without diacritics, Chinese, did-you-mean."""

from __future__ import annotations

import pytest

from corridor import load_network
from corridor.errors import CorridorError, DataError, PlaceNotOpenError, UnknownPlaceError
from corridor.model import Country, Mode, Place, PlaceKind
from corridor.names import PlaceIndex, fold


@pytest.mark.parametrize(
    ("query", "place_id"),
    [
        ("lao_cai", "lao_cai"),
        ("Lao Cai", "lao_cai"),
        ("lao cai", "lao_cai"),
        ("Lào Cai", "lao_cai"),
        ("LÀO CAI", "lao_cai"),
        ("老街", "lao_cai"),
        ("Kunming", "kunming"),
        ("Côn Minh", "kunming"),
        ("昆明", "kunming"),
        ("河口", "hekou"),
        ("河口北站", "hekou_north"),
        ("Hai Phong", "hai_phong"),
        ("Hải Phòng", "hai_phong"),
        ("haiphong", "hai_phong"),
        ("Đồng Đăng", "dong_dang_station"),
        ("Dong Dang", "dong_dang_station"),
        ("Hà Nội", "hanoi"),
        ("Yen Vien", "yen_vien"),  # unique prefix of "Yen Vien station"
        ("Cửa khẩu quốc tế Hữu Nghị", "huu_nghi"),
        ("Cua khau Huu Nghi", "huu_nghi"),  # not Youyiguan, "Cửa khẩu Hữu Nghị Quan"
        ("Hữu Nghị Quan", "youyiguan"),
        ("Cửa khẩu Kim Thành", "kim_thanh"),
        ("Lach Huyen", "lach_huyen"),
    ],
)
def test_resolve(network, query, place_id):
    assert network.place(query).id == place_id


def test_unknown_place_suggests_close_names(network):
    with pytest.raises(UnknownPlaceError) as caught:
        network.place("Lao Kai")
    error = caught.value
    assert error.suggestions[0] == "lao_cai"
    assert len(error.suggestions) <= 3
    assert "did you mean 'Lao Cai' (lao_cai)" in str(error)
    assert isinstance(error, CorridorError)
    assert isinstance(error, KeyError)


def test_ambiguous_prefix_lists_the_candidates(network):
    with pytest.raises(UnknownPlaceError) as caught:
        network.place("Ga")  # "Ga Lào Cai", "Ga Yên Viên", ...: several stations
    suggestions = caught.value.suggestions
    assert len(suggestions) == 3
    assert all(network.places[s].kind.value == "rail_station" for s in suggestions)


def test_nothing_close_gives_no_suggestions(network):
    with pytest.raises(UnknownPlaceError) as caught:
        network.place("Zzyzx")
    assert caught.value.suggestions == []
    assert str(caught.value) == "no place 'Zzyzx'"


@pytest.mark.parametrize("query", ["Sa Pa", "sa_pa_airport", "Cảng hàng không Sa Pa", "沙坝机场"])
def test_a_place_that_opens_later_says_when(network, query):
    place = next(p for p in network.dataset.places if p.id == "sa_pa_airport")
    assert place.opens is not None and place.opens > network.year  # the shipped data
    with pytest.raises(PlaceNotOpenError) as caught:
        network.place(query)
    error = caught.value
    assert str(error) == (
        f"Sa Pa airport (sa_pa_airport) opens in {place.opens}; use year {place.opens} or later"
    )
    assert isinstance(error, UnknownPlaceError) and isinstance(error, KeyError)
    assert (error.place_id, error.opens, error.year) == ("sa_pa_airport", place.opens, 2026)
    assert load_network(place.opens).place(query).id == "sa_pa_airport"


def test_a_later_place_does_not_hide_close_names(network):
    with pytest.raises(UnknownPlaceError) as caught:
        network.place("Sa Pha")  # close to Sa Pa, but not its name: suggestions as usual
    assert not isinstance(caught.value, PlaceNotOpenError)


def test_search_finds_every_lao_cai_facility(network):
    ids = [p.id for p in network.index.search("lao cai")]
    assert ids[0] == "lao_cai"
    assert {"lao_cai_station", "lao_cai_icd", "kim_thanh"} <= set(ids)


def test_fold():
    assert fold("  Việt   Trì ") == "viet tri"
    assert fold("Đình Vũ") == "dinh vu"
    assert fold("河口") == "河口"


def _place(place_id: str, name: str) -> Place:
    return Place(
        place_id,
        name,
        name,
        "",
        Country.VN,
        PlaceKind.CITY,
        21.0,
        105.0,
        frozenset({Mode.ROAD}),
        False,
        False,
        False,
        "estimate: test",
    )


def test_shared_name_is_a_data_error_in_the_clashing_column():
    with pytest.raises(DataError) as caught:
        PlaceIndex([_place("hanoi", "Ha Noi"), _place("hanoi_2", "Hà Nội")])
    error = caught.value
    assert (error.file, error.row, error.column) == ("places.csv", None, "name")
    assert error.detail == "places 'hanoi_2' and 'hanoi' share the name 'ha noi'"
    with pytest.raises(DataError, match="places 'hanoi_2' and 'hanoi' share the name 'hanoi'"):
        PlaceIndex([_place("hanoi", "Ha Noi"), _place("hanoi_2", "Hanoi")])


def test_a_prefix_is_not_taken_when_another_name_holds_all_its_words():
    """The start of one gate's name, every word of which is in another's, names neither."""
    index = PlaceIndex(
        [
            _place("cn_gate", "Cửa khẩu Hữu Nghị Quan"),
            _place("vn_gate", "Cửa khẩu quốc tế Hữu Nghị"),
        ]
    )
    with pytest.raises(UnknownPlaceError) as caught:
        index.resolve("Cua khau Huu Nghi")
    assert caught.value.suggestions == ["cn_gate", "vn_gate"]
    assert index.resolve("Cua khau quoc te").id == "vn_gate"  # words of one name only


@pytest.mark.parametrize(
    ("query", "name_zh"), [("河口北", "河口北站"), ("友谊关", "友谊关口岸"), ("河口", "河口")]
)
def test_a_chinese_name_may_leave_out_its_last_characters(network, query, name_zh):
    """Chinese is written without spaces: 河口北 is the start of 河口北站 (Hekou North station)."""
    assert network.place(query).name_zh == name_zh


def test_a_chinese_prefix_of_several_names_lists_them(network):
    with pytest.raises(UnknownPlaceError, match="did you mean") as raised:
        network.place("河")
    assert {"hekou", "hekou_north"} <= set(raised.value.suggestions)
