"""The corridor network for one year: places, links, the physical graph and GeoDataFrames.

The *physical* graph has one node per place and one edge per leg direction or border
crossing direction. The *service* graph, what the optimisers see, is built by
:mod:`corridor.service`.
"""

from __future__ import annotations

import logging
import numbers
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridor.data import Dataset, default_data_dir, load_dataset
from corridor.distance import straight_km
from corridor.errors import InvalidRequestError, PlaceNotOpenError, UnknownPlaceError
from corridor.model import (
    BorderCrossing,
    CargoClass,
    CargoProfile,
    EmissionFactor,
    HubEmission,
    Leg,
    Mode,
    Place,
    PlaceKind,
    Tariff,
    Transfer,
    VolumeDelay,
    check_month,
)
from corridor.names import PlaceIndex
from corridor.service import ServiceArrays, build_service_graph

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

logger = logging.getLogger(__name__)

DEFAULT_YEAR = 2026
CRS = "EPSG:4326"


class Network:
    """The corridor as it stands in one year.

    Build it with :func:`load_network`. Elements whose opening year is after ``year`` (or
    whose closing year is at or before it) are left out; legs and crossings whose end places
    are left out go with them.

    Examples
    --------
    >>> net = load_network(2026)
    >>> net.place("Lào Cai").id
    'lao_cai'
    >>> "rail1435_sgr_lao_cai_yen_vien" in net.legs
    False
    >>> "rail1435_sgr_lao_cai_yen_vien" in load_network(2031).legs
    True
    """

    def __init__(self, dataset: Dataset, year: int = DEFAULT_YEAR) -> None:
        self.dataset = dataset
        self.year = year
        self.places: dict[str, Place] = {p.id: p for p in dataset.places if p.in_service(year)}
        self.legs: dict[str, Leg] = {
            leg.id: leg
            for leg in dataset.legs
            if leg.in_service(year) and {leg.origin, leg.destination} <= self.places.keys()
        }
        self.transfers: tuple[Transfer, ...] = tuple(
            t for t in dataset.transfers if t.in_service(year) and t.place in self.places
        )
        self.crossings: dict[str, BorderCrossing] = {
            c.id: c
            for c in dataset.crossings
            if c.in_service(year)
            and {c.cn_place, c.vn_place} <= self.places.keys()
            and (c.leg is None or c.leg in self.legs)
        }
        # legs with a crossing cleared on them (in any year) -> those open in this year
        self._cleared_on: dict[str, list[BorderCrossing]] = {
            c.leg: [] for c in dataset.crossings if c.leg is not None
        }
        for crossing in self.crossings.values():
            if crossing.leg is not None:
                self._cleared_on[crossing.leg].append(crossing)
        self.tariffs: dict[tuple[Mode, str], Tariff] = {
            (t.mode, t.country): t for t in dataset.tariffs
        }
        self.emissions: dict[Mode, EmissionFactor] = {e.mode: e for e in dataset.emissions}
        self.hub_emissions: dict[PlaceKind, HubEmission] = {
            h.kind: h for h in dataset.hub_emissions
        }
        self.cargo_profiles: dict[CargoClass, CargoProfile] = {
            c.cargo: c for c in dataset.cargo_profiles
        }
        self._transfers_by_modes: dict[tuple[str, frozenset[Mode]], Transfer] = {
            (t.place, frozenset((t.from_mode, t.to_mode))): t for t in self.transfers
        }
        self.index = PlaceIndex(self.places.values())
        self._closed_index: PlaceIndex | None = None  # places of the data not open this year
        self._service_graphs: dict[tuple[CargoClass, int | None], nx.MultiDiGraph] = {}
        self._service_arrays: dict[tuple[CargoClass, int | None], ServiceArrays] = {}
        self._graph: nx.MultiDiGraph | None = None

    def __repr__(self) -> str:
        return (
            f"<Network {self.year}: {len(self.places)} places, {len(self.legs)} legs, "
            f"{len(self.transfers)} transfers, {len(self.crossings)} border crossings>"
        )

    def _repr_html_(self) -> str:
        """The network in a notebook: counts, legs and km by mode (:mod:`corridor.render.html`)."""
        from corridor.render.html import network_html

        return network_html(self)

    def place(self, query: str | Place) -> Place:
        """Resolve a place id or name (English, Vietnamese with or without diacritics, Chinese).

        Raises
        ------
        PlaceNotOpenError
            If ``query`` names a place of the data that is not in service in this year
            (Sa Pa airport before 2030); an :class:`UnknownPlaceError`.
        UnknownPlaceError
            With did-you-mean suggestions, if no place has that name.

        Examples
        --------
        >>> try:
        ...     load_network(2026).place("Sa Pa")
        ... except PlaceNotOpenError as error:
        ...     print(error)
        Sa Pa airport (sa_pa_airport) opens in 2030; use year 2030 or later
        >>> load_network(2030).place("Sa Pa").id
        'sa_pa_airport'
        """
        # a name that is exactly that of a place out of service is never read as the start
        # of another place's name ("Hanoi", removed, is not "Hanoi (Khuyen Luong port)")
        found = self.index.exact(query)
        if found is not None:
            return found
        closed = self._closed().exact(query)
        if closed is None:
            try:
                return self.index.resolve(query)
            except UnknownPlaceError as error:
                try:
                    closed = self._closed().resolve(query)
                except (UnknownPlaceError, KeyError):
                    raise error from None
        removed = closed.id in {p.id for p in self.dataset.removed_places}
        raise PlaceNotOpenError(
            query if isinstance(query, str) else query.id,
            closed.id,
            closed.name,
            opens=closed.opens,
            year=self.year,
            removed=removed,
        )

    def _closed(self) -> PlaceIndex:
        """The places of the data not in service this year (or removed by a scenario)."""
        if self._closed_index is None:
            self._closed_index = PlaceIndex(
                [
                    *(p for p in self.dataset.places if p.id not in self.places),
                    *self.dataset.removed_places,
                ]
            )
        return self._closed_index

    def volume_delay(self, kind: str, element: str) -> VolumeDelay | None:
        """The volume-delay function of a crossing or transfer (its own, else its kind's).

        ``kind`` is ``crossings`` or ``transfers``; a transfer is named ``place:mode>mode``
        (either direction). None if ``volume_delay.csv`` gives the element none.
        """
        rows = {(v.kind, v.element): v for v in self.dataset.volume_delay}
        return rows.get((kind, element)) or rows.get((kind, "*"))

    def transfer_between(self, place: str, a: Mode, b: Mode) -> Transfer | None:
        """The transfer between modes ``a`` and ``b`` at ``place``, if there is one."""
        return self._transfers_by_modes.get((place, frozenset((a, b))))

    def crossings_on(self, leg: Leg | str) -> list[BorderCrossing]:
        """The crossings cleared on ``leg`` (an international flight), open this year."""
        return list(self._cleared_on.get(leg if isinstance(leg, str) else leg.id, ()))

    def hub_co2e_per_tonne(self, place_id: str, cargo: CargoClass) -> tuple[float, float]:
        """(WTW, TTW) kg CO2e per tonne handled at ``place_id`` (``hub_emissions.csv``).

        A hub is known by its place's kind (a seaport is a container terminal); (0, 0) when
        the data has no hub emissions at all.
        """
        hub = self.hub_emissions.get(self.places[place_id].kind)
        if hub is None:
            return 0.0, 0.0
        return hub.per_tonne(reefer=cargo is CargoClass.REEFER)

    def leg_country(self, leg: Leg) -> str:
        """``"cn"`` or ``"vn"`` when both ends are in one country, else ``"any"``."""
        a, b = self.places[leg.origin].country, self.places[leg.destination].country
        return a.value if a == b else "any"

    # --- physical graph ---------------------------------------------------------------

    @property
    def graph(self) -> nx.MultiDiGraph:
        """Physical graph: nodes are place ids, edges legs and border crossings, both ways.

        A crossing cleared on a leg (airport customs on a flight) is no edge of its own: the
        leg's edges name it in their ``crossing`` attribute.
        """
        if self._graph is None:
            graph = nx.MultiDiGraph(year=self.year)
            for place in self.places.values():
                graph.add_node(place.id, **_place_record(place))
            cleared = {c.leg: c.id for c in self.crossings.values() if c.leg is not None}
            for leg in self.legs.values():
                attrs = {"kind": "leg", "mode": leg.mode.value, "km": leg.km, "hours": leg.hours}
                if leg.id in cleared:
                    attrs["crossing"] = cleared[leg.id]
                graph.add_edge(leg.origin, leg.destination, key=leg.id, **attrs)
                graph.add_edge(leg.destination, leg.origin, key=leg.id, **attrs)
            for crossing in self.crossings.values():
                if crossing.leg is not None:
                    continue
                attrs = {"kind": "border", "mode": crossing.mode.value, "km": crossing.km}
                graph.add_edge(crossing.cn_place, crossing.vn_place, key=crossing.id, **attrs)
                graph.add_edge(crossing.vn_place, crossing.cn_place, key=crossing.id, **attrs)
            self._graph = graph
        return self._graph

    # --- service graph ----------------------------------------------------------------

    def service_graph(
        self, cargo: CargoClass | str = CargoClass.GENERAL, month: int | None = None
    ) -> nx.MultiDiGraph:
        """The expanded (place, mode) graph for one cargo class, optionally in one month.

        Places and legs that cannot handle the cargo class get no arcs for it (cargo may
        still pass through a place on the same vehicle). With ``month`` (1–12), legs closed
        in that month (river low water) are left out; without it, only legs that run all
        year are kept. The graph is cached; do not modify it.

        Raises
        ------
        InvalidRequestError
            For a month outside 1–12.
        """
        check_month(month)
        key = (CargoClass(cargo), month)
        if key not in self._service_graphs:
            self._service_graphs[key] = build_service_graph(self, *key)
        return self._service_graphs[key]

    def service_arrays(
        self, cargo: CargoClass | str = CargoClass.GENERAL, month: int | None = None
    ) -> ServiceArrays:
        """:meth:`service_graph` as arrays for the solvers (cached with the graph)."""
        check_month(month)
        key = (CargoClass(cargo), month)
        if key not in self._service_arrays:
            self._service_arrays[key] = ServiceArrays.of(self.service_graph(*key))
        return self._service_arrays[key]

    # --- tables -----------------------------------------------------------------------

    def line(self, link: str, from_place: str | None = None) -> list[tuple[float, float]]:
        """The line of a leg or border crossing: (lon, lat) points, WGS84 degrees.

        A leg's line from ``leg_geometry.geojson`` (:mod:`corridor.geometry`), else the
        straight line between its places, as for a crossing (Chinese place first). Drawn
        from ``from_place`` if given (either end). A line whose ends are no longer at its
        leg's places (a scenario moved a place or a leg) is left for the straight line.

        Raises
        ------
        KeyError
            If ``link`` is no leg or crossing of this network.

        Examples
        --------
        >>> net = load_network(2026)
        >>> len(net.line("rail1000_viet_tri_yen_vien")) > 2, len(net.line("road_mengzi_hekou"))
        (True, 2)
        >>> hekou = net.places["hekou"]
        >>> net.line("road_mengzi_hekou", "hekou")[0] == (hekou.lon, hekou.lat)
        True
        """
        if link in self.legs:
            leg = self.legs[link]
            a, b = self.places[leg.origin], self.places[leg.destination]
        else:
            crossing = self.crossings[link]
            a, b = self.places[crossing.cn_place], self.places[crossing.vn_place]
        points = [(a.lon, a.lat), (b.lon, b.lat)]
        drawn = self.dataset.lines.get(link) if link in self.legs else None
        if drawn is not None and _ends_at(drawn, a, b):
            points = list(drawn)
        return points[::-1] if from_place == b.id and from_place != a.id else points

    def to_geodataframes(self) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
        """Places (points) and links (legs and border crossings), EPSG:4326.

        A link's geometry is its :meth:`line`: the leg's line where the data give one
        (``line_source`` cites it), else straight between its places (``line_source`` empty).

        Returns
        -------
        ``(places, links)``: places indexed by ``id``; links indexed by ``id`` with a
        ``kind`` column (``leg`` or ``border``).
        """
        import geopandas as gpd
        import pandas as pd
        from shapely.geometry import LineString, Point

        places = pd.DataFrame([_place_record(p) | {"id": p.id} for p in self.places.values()])
        places_gdf = gpd.GeoDataFrame(
            places.set_index("id"),
            geometry=[Point(p.lon, p.lat) for p in self.places.values()],
            crs=CRS,
        )
        records = [
            {
                "id": leg.id,
                "kind": "leg",
                "origin": leg.origin,
                "destination": leg.destination,
                "mode": leg.mode.value,
                "km": leg.km,
                "hours": leg.hours,
                "departures_per_day": leg.departures_per_day,
                "capacity_teu_day": leg.capacity_teu_day,
                "opens": leg.opens,
                "status": leg.status.value,
                "source": leg.source,
            }
            for leg in self.legs.values()
        ] + [
            {
                "id": c.id,
                "kind": "border",
                "origin": c.cn_place,
                "destination": c.vn_place,
                "mode": c.mode.value,
                "km": c.km,
                "hours": c.hours_p50_cn_vn,
                "departures_per_day": None,
                "capacity_teu_day": c.capacity_teu_day,
                "opens": c.opens,
                "status": c.status.value,
                "source": c.source,
            }
            for c in self.crossings.values()
        ]
        geometry = [LineString(self.line(str(r["id"]))) for r in records]
        for record, line in zip(records, geometry, strict=True):
            curved = len(line.coords) > 2
            source = self.dataset.line_sources.get(str(record["id"]))
            record["line_source"] = source if curved else None
        links = gpd.GeoDataFrame(pd.DataFrame(records).set_index("id"), geometry=geometry, crs=CRS)
        return places_gdf, links

    def map(self) -> folium.Map:
        """A folium map of the network (see :func:`corridor.render.maps.network_map`)."""
        from corridor.render.maps import network_map

        return network_map(self)

    def gate_records(self, month: int | None = None) -> list[dict[str, Any]]:
        """The border crossings as JSON-safe records (``corridor gates --json``, ``GET /gates``).

        Opening hours on Viet Nam's clock, capacity in TEU/day, clearance hours (P50, P90)
        by direction in ``month`` (its peak factor applied; None: no peak), fees and
        transloading in USD per TEU and hours.
        """
        if month is not None:
            check_month(month)
        return [
            {
                "id": c.id,
                "name": c.name,
                "mode": c.mode.value,
                "leg": c.leg,
                "open": f"{c.open_hour:02d}:00-{c.close_hour:02d}:00",
                "capacity_teu_day": c.capacity_teu_day,
                "cn_vn_p50_p90": c.clearance_hours(northbound=False, month=month),
                "vn_cn_p50_p90": c.clearance_hours(northbound=True, month=month),
                "fee_usd_per_teu": c.fee_usd_per_teu,
                "trucks": c.trucks.value if c.trucks else None,
                "transload_usd_per_teu": c.transload_usd_per_teu if c.trucks else None,
                "transload_hours": c.transload_hours if c.trucks else None,
                "smart_gate": c.smart_gate,
                "peak_months": sorted(c.peak_months),
                "peak_multiplier": c.peak_multiplier,
            }
            for c in self.crossings.values()
        ]

    def summary(self) -> dict[str, Any]:
        """Counts by mode and kind, km by mode, and what is not yet open in this year."""
        ds = self.dataset
        elements: tuple[Place | Leg | BorderCrossing | Transfer, ...] = (
            *ds.places,
            *ds.legs,
            *ds.crossings,
            *ds.transfers,
        )
        later = [x for x in elements if not x.in_service(self.year)]
        km_by_mode: dict[str, float] = defaultdict(float)
        legs_by_mode: Counter[str] = Counter()
        for leg in self.legs.values():
            km_by_mode[leg.mode.value] += leg.km
            legs_by_mode[leg.mode.value] += 1
        return {
            "year": self.year,
            "places": len(self.places),
            "places_by_kind": dict(Counter(p.kind.value for p in self.places.values())),
            "legs": len(self.legs),
            "legs_by_mode": dict(legs_by_mode),
            "km_by_mode": {m: round(km, 1) for m, km in km_by_mode.items()},
            "total_km": round(sum(km_by_mode.values()), 1),
            "transfers": len(self.transfers),
            "border_crossings": len(self.crossings),
            "not_yet_open": len(later),
            "opening_years": sorted({x.opens for x in later if x.opens is not None}),
        }


def _ends_at(line: Sequence[tuple[float, float]], a: Place, b: Place) -> bool:
    """Whether ``line`` runs from place ``a`` to place ``b`` (within the loader's tolerance)."""
    from corridor.geometry import END_TOLERANCE_KM

    (lon1, lat1), (lon2, lat2) = line[0], line[-1]
    return (
        straight_km(lat1, lon1, a.lat, a.lon) <= END_TOLERANCE_KM
        and straight_km(lat2, lon2, b.lat, b.lon) <= END_TOLERANCE_KM
    )


def place_summary(place: Place) -> dict[str, Any]:
    """A place as a JSON-safe record (``corridor places --json``, ``GET /places``).

    Its id, names, country, kind, WGS84 position and the modes it serves (a list).
    """
    record = _place_record(place)
    shown = ("name", "name_vi", "name_zh", "country", "kind", "lat", "lon")
    modes = sorted(m.value for m in place.modes)
    return {"id": place.id} | {k: record[k] for k in shown} | {"modes": modes}


def _place_record(place: Place) -> dict[str, Any]:
    return {
        "name": place.name,
        "name_vi": place.name_vi,
        "name_zh": place.name_zh,
        "country": str(place.country),
        "kind": place.kind.value,
        "lat": place.lat,
        "lon": place.lon,
        "modes": "|".join(sorted(m.value for m in place.modes)),
        "reefer": place.reefer,
        "dangerous": place.dangerous,
        "customs": place.customs,
        "opens": place.opens,
        "status": place.status.value,
        "source": place.source,
    }


_CACHE: dict[tuple[str, int], Network] = {}
"""Networks by dataset key (:func:`corridor.cache.dataset_key`) and year."""
YEARS = range(2020, 2101)
"""Years a network can be loaded for. The data describe the corridor as built by 2020 and
what is planned: today's roads carry no opening year, and the latest of them opened in 2020
(the Bac Giang – Lang Son expressway on the Hanoi – Lang Son road; the Ha Long – Hai Phong
expressway in 2018, Hanoi – Hai Phong in 2015, Noi Bai – Lao Cai in 2014). An earlier year
would show them without the older roads they replaced. Much later years are a typing error
(``26`` for 2026), not a question."""

EARLIER_YEARS = "the data describe the corridor as built by 2020, not the roads before"
"""Why a year before :data:`YEARS` is refused."""


def check_year(year: object) -> int:
    """``year`` as an int in :data:`YEARS`, else an :class:`InvalidRequestError` saying why."""
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        msg = f"year must be a whole number, got {year!r}"
        raise InvalidRequestError(msg)
    whole = int(year)
    if whole not in YEARS:
        hint = f" (did you mean {2000 + whole}?)" if 0 <= whole < 100 else ""
        hint = f"; {EARLIER_YEARS}" if 1900 <= whole < YEARS.start else hint
        msg = f"year must be from {YEARS.start} to {YEARS.stop - 1}, got {whole}{hint}"
        raise InvalidRequestError(msg)
    return whole


def load_network(year: int = DEFAULT_YEAR, data_dir: str | Path | None = None) -> Network:
    """Load the shipped corridor data (or ``data_dir``) as it stands in ``year``.

    The validated dataset is read once per version of the folder's files and kept, in this
    process and on disk (:mod:`corridor.cache`); a data file edited is read again.

    Raises
    ------
    DataError
        If a data file is malformed (naming file, line and column).
    InvalidRequestError
        If ``year`` is not a whole number in :data:`YEARS`.
    """
    from corridor.cache import cached_dataset, dataset_key

    year = check_year(year)
    folder = (Path(data_dir) if data_dir is not None else default_data_dir()).resolve()
    if not folder.is_dir():
        load_dataset(folder)  # raises, saying what the folder is
    key = dataset_key(folder)
    if key not in _DATASETS:
        _DATASETS[key] = cached_dataset(folder, key)
    if (key, year) not in _CACHE:
        _CACHE[(key, year)] = Network(_DATASETS[key], year)
    return _CACHE[(key, year)]


_DATASETS: dict[str, Dataset] = {}
"""Datasets by key (:func:`corridor.cache.dataset_key`)."""
