"""Any origin and destination: gazetteer towns and coordinates, reached by estimated drayage.

A quote may start or end at a network place (``data/places.csv``), at a town of the offline
gazetteer (``data/gazetteer.csv``: GeoNames towns of Viet Nam, Yunnan and Guangxi, built by
``data/tools/build_gazetteer.py``; Vietnamese with or without diacritics, Chinese names) or
at coordinates ``"lat,lon"`` (WGS84 degrees; ``"lat,lon,VN"`` names the country). Such an
end is a *site*: a :class:`~corridor.model.Place` that is not in the network, joined to it for
one request only by **estimated drayage** arcs: by road to the ``candidates`` nearest network
places of its own country (never across the border), each ``straight line × circuity`` km
(``data/drayage.csv``), priced with the shipped road tariff of that country, timed at the
drayage speed and emitting at the road factor. The solver picks among them exactly, as
among any other arcs. The cached service graph is never changed: a request's arrays are a
copy with the site's vertices and arcs appended (:func:`with_sites`).

The country of coordinates is that of the nearest gazetteer town or network place (both
carry their country); a point farther than :data:`MAX_TOWN_KM` from any is outside the
corridor's area and refused, as is one nearest a town of Laos. Near the border, where the
nearest point of the other country is almost as close, ``",CN"`` or ``",VN"`` after the
coordinates says which side is meant.

>>> parse_coordinates("21.18, 106.07")
(21.18, 106.07, None)
>>> parse_coordinates("22.53,103.945,cn")
(22.53, 103.945, 'CN')
>>> parse_coordinates("Bac Ninh") is None
True
"""

from __future__ import annotations

import csv
import difflib
import functools
import logging
import math
import re
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor import costs
from corridor.data import default_data_dir
from corridor.distance import straight_km, straight_km_to_many
from corridor.errors import (
    DataError,
    InvalidRequestError,
    NoRouteError,
    PlaceNotOpenError,
    UnknownPlaceError,
)
from corridor.model import CargoClass, Country, Mode, Place, PlaceKind
from corridor.names import MAX_SUGGESTIONS, fold
from corridor.service import ARC_COLUMNS, SINK, SOURCE, ServiceArrays, Vertex

if TYPE_CHECKING:
    from corridor.network import Network

logger = logging.getLogger(__name__)

GAZETTEER_FILE = "gazetteer.csv"
DRAYAGE_FILE = "drayage.csv"
DRAYAGE = "drayage"
"""The step kind of an estimated first or last mile by road."""
MAX_TOWN_KM = 50.0
"""Coordinates farther than this from every gazetteer town and network place are refused."""
AMBIGUOUS_KM = 5.0
"""A point whose nearest place of the other country is within this of its nearest is noted."""
ROAD = Mode.ROAD.value
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_GEONAMES_ID = re.compile(r"^geonames[_:#](\d+)$", re.IGNORECASE)
"""A town by its id: ``geonames_1580142`` (a site's id) or ``geonames:1580142``."""
_COORDINATES = re.compile(
    rf"^\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*(?:[,;\s]\s*([A-Za-z]{{2}}))?\s*$"
)


@dataclass(frozen=True, slots=True)
class Town:
    """A gazetteer row: a GeoNames populated place (``country`` is an ISO code, upper case)."""

    geonameid: int
    name: str
    names: tuple[str, ...]
    """Every name it is found by: the GeoNames name, aliases, Chinese names."""
    country: str
    lat: float
    lon: float
    population: int
    source: str


@dataclass(frozen=True, slots=True)
class DrayageRule:
    """A row of ``drayage.csv``: how a site is joined to the network in one country."""

    country: Country
    circuity: float
    """Road km over straight-line km."""
    speed_kmh: float
    p90_factor: float
    candidates: int
    """How many of the nearest network places (with road) a site is joined to."""
    snap_km: float
    """A site this close to a network place of its country is that place."""
    max_km: float
    """No access point farther than this, straight-line km."""
    source: str


def parse_coordinates(text: str) -> tuple[float, float, str | None] | None:
    """``(lat, lon, country or None)`` if ``text`` is ``"lat,lon"`` or ``"lat,lon,CC"``, else None.

    Raises
    ------
    InvalidRequestError
        If the numbers are no latitude (-90 to 90) and longitude (-180 to 180).
    """
    match = _COORDINATES.match(text)
    if match is None:
        return None
    lat, lon = float(match[1]), float(match[2])
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        msg = (
            f"coordinates {text.strip()!r}: latitude must be -90 to 90 and longitude -180 to "
            f"180 degrees, as 'lat,lon' (Bac Ninh is '21.18,106.07')"
        )
        raise InvalidRequestError(msg)
    return lat, lon, None if match[3] is None else match[3].upper()


class Gazetteer:
    """The towns of ``gazetteer.csv``, found by folded name or by distance."""

    def __init__(self, towns: list[Town]) -> None:
        self.towns = towns
        self.by_id = {town.geonameid: town for town in towns}
        by_key: dict[str, list[Town]] = {}
        for town in towns:
            for name in town.names:
                key = fold(name)
                if key and town not in by_key.setdefault(key, []):
                    by_key[key].append(town)
        # a name shared by several towns means the most populous
        self._by_key = {
            key: sorted(found, key=lambda t: -t.population) for key, found in by_key.items()
        }
        self._lat = np.array([t.lat for t in towns])
        self._lon = np.array([t.lon for t in towns])

    def exact(self, query: str) -> Town | None:
        """The most populous town named ``query`` (folded), if any."""
        found = self._by_key.get(fold(query))
        return found[0] if found else None

    def close(self, query: str, n: int = MAX_SUGGESTIONS) -> list[Town]:
        """Towns whose names come close to ``query`` (did-you-mean)."""
        key = fold(query)
        if not key or len(key) > 200:
            return []
        keys = difflib.get_close_matches(key, self._by_key, n=n, cutoff=0.75)
        return list(dict.fromkeys(self._by_key[k][0] for k in keys))

    def nearest(self, lat: float, lon: float, country: str | None = None) -> tuple[Town, float]:
        """The town nearest to a point (in ``country``, if given), and its straight-line km."""
        km = straight_km_to_many(lat, lon, self._lat, self._lon)
        if country is not None:
            km = np.where([t.country == country for t in self.towns], km, np.inf)
        i = int(np.argmin(km))
        return self.towns[i], float(km[i])


def _table(data_dir: Path | None, name: str) -> tuple[Path, list[dict[str, str]]]:
    """The rows of ``name`` in ``data_dir`` if it has the file, else the shipped one."""
    path = data_dir / name if data_dir is not None else None
    if path is None or not path.is_file():
        path = default_data_dir() / name
    if not path.is_file():
        raise DataError("file not found", file=str(path))
    with path.open(encoding="utf-8-sig", newline="") as file:
        return path, list(csv.DictReader(file))


def _cell(path: Path, line: int, row: dict[str, str], column: str, kind: type) -> Any:  # noqa: ANN401
    """``row[column]`` read as ``kind``; a DataError naming file, line and column otherwise."""
    try:
        value = kind(row[column])
    except (KeyError, TypeError, ValueError):
        msg = f"{column} {row.get(column)!r} is not a valid {kind.__name__}"
        raise DataError(msg, file=path.name, row=line, column=column) from None
    if kind is float and not math.isfinite(value):
        msg = f"{column} {row[column]!r} is not a finite number"
        raise DataError(msg, file=path.name, row=line, column=column)
    return value


@functools.cache
def gazetteer(data_dir: Path | None = None) -> Gazetteer:
    """The gazetteer of ``data_dir`` (else the shipped one), read once.

    Raises
    ------
    DataError
        Naming file, line and column of a bad cell.
    """
    path, rows = _table(data_dir, GAZETTEER_FILE)
    towns = []
    for line, row in enumerate(rows, start=2):
        names = [row.get("name", "")]
        for column in ("aliases", "name_zh"):
            names += [n for n in (row.get(column) or "").split("|") if n]
        towns.append(
            Town(
                geonameid=_cell(path, line, row, "geonameid", int),
                name=row.get("name", ""),
                names=tuple(n for n in names if n),
                country=row.get("country", "").upper(),
                lat=_cell(path, line, row, "lat", float),
                lon=_cell(path, line, row, "lon", float),
                population=_cell(path, line, row, "population", int),
                source=row.get("source", ""),
            )
        )
    logger.debug("gazetteer %s: %d towns", path, len(towns))
    return Gazetteer(towns)


@functools.cache
def drayage_rules(data_dir: Path | None = None) -> dict[Country, DrayageRule]:
    """The rows of ``drayage.csv`` by country (``data_dir``'s, else the shipped one).

    Raises
    ------
    DataError
        Naming file, line and column of a bad cell (a circuity below 1, say).
    """
    path, rows = _table(data_dir, DRAYAGE_FILE)
    rules = {}
    for line, row in enumerate(rows, start=2):
        try:
            country = Country(row.get("country", ""))
        except ValueError:
            msg = f"country {row.get('country')!r} is not CN or VN"
            raise DataError(msg, file=path.name, row=line, column="country") from None
        rule = DrayageRule(
            country,
            _cell(path, line, row, "circuity", float),
            _cell(path, line, row, "speed_kmh", float),
            _cell(path, line, row, "p90_factor", float),
            _cell(path, line, row, "candidates", int),
            _cell(path, line, row, "snap_km", float),
            _cell(path, line, row, "max_km", float),
            row.get("source", ""),
        )
        for column, low in (("circuity", 1), ("speed_kmh", 0), ("p90_factor", 1)):
            if not getattr(rule, column) >= low:
                msg = f"{column} must be at least {low}, got {getattr(rule, column)}"
                raise DataError(msg, file=path.name, row=line, column=column)
        if rule.candidates < 1:
            msg = f"candidates must be at least 1, got {rule.candidates}"
            raise DataError(msg, file=path.name, row=line, column="candidates")
        rules[country] = rule
    return rules


def _site(
    place_id: str, name: str, country: Country, *, lat: float, lon: float, source: str
) -> Place:
    """A place that is not in the network: a truck loads or unloads there."""
    return Place(
        id=place_id,
        name=name,
        name_vi=name if country is Country.VN else "",
        name_zh=name if country is Country.CN else "",
        country=country,
        kind=PlaceKind.CITY,
        lat=lat,
        lon=lon,
        modes=frozenset({Mode.ROAD}),
        reefer=True,
        dangerous=True,
        customs=False,
        source=source,
    )


def is_site(net: Network, place: Place) -> bool:
    """Whether ``place`` is a site (a gazetteer town or a point), not one of ``net``'s places."""
    return place.id not in net.places


def resolve(net: Network, query: str | Place) -> Place:
    """The network place, gazetteer town or point ``query`` names.

    A network place's name wins; then coordinates; then a gazetteer town. A town or point
    within ``snap_km`` of a network place of its country is that place.

    Raises
    ------
    UnknownPlaceError
        With suggestions from the network's places and the gazetteer's towns.
    PlaceNotOpenError
        If it names a network place not open in ``net``'s year.
    InvalidRequestError
        For coordinates out of range or outside the corridor's countries and area.
    """
    if isinstance(query, Place):
        return query if query.id not in net.places else net.place(query)
    coordinates = parse_coordinates(query) if isinstance(query, str) else None
    if coordinates is not None:  # no place's name or id is two numbers
        return _point(net, *coordinates, text=query.strip())
    resolved = _RESOLVED.setdefault(net, {})
    if query in resolved:  # a town named before (finding that no place is named so is slow)
        return resolved[query]
    try:
        return net.place(query)
    except PlaceNotOpenError:
        raise
    except UnknownPlaceError as error:
        unknown = error
    resolved[query] = found = _town_site(net, query, unknown)
    return found


_RESOLVED: weakref.WeakKeyDictionary[Network, dict[str, Place]] = weakref.WeakKeyDictionary()
"""The gazetteer towns each network has resolved a name to."""


def _town_site(net: Network, query: str, unknown: UnknownPlaceError) -> Place:
    """The site (or network place) of the gazetteer town ``query`` names."""
    data_dir = net.dataset.data_dir
    town = gazetteer(data_dir).exact(query)
    by_id = _GEONAMES_ID.match(query.strip())
    if by_id is not None:
        town = gazetteer(data_dir).by_id.get(int(by_id[1]))
    if town is None:
        named = {p.id: p.name for p in net.dataset.places}
        places = [(pid, named.get(pid, pid)) for pid in unknown.suggestions]
        towns = [
            (f"geonames_{t.geonameid}", t.name)
            for t in gazetteer(data_dir).close(query)
            if net.index.exact(t.name) is None  # a network place already (Kunming)
        ]
        mixed = [p for pair in zip(places, towns, strict=False) for p in pair]
        rest = places[len(mixed) // 2 :] + towns[len(mixed) // 2 :]
        raise UnknownPlaceError(query, (mixed + rest)[:MAX_SUGGESTIONS]) from None
    if town.country not in {c.value.upper() for c in Country}:
        msg = f"{town.name} is in {town.country}, outside the corridor's countries (CN, VN)"
        raise InvalidRequestError(msg)
    site = _site(
        f"geonames_{town.geonameid}",
        town.name,
        Country(town.country),
        lat=town.lat,
        lon=town.lon,
        source=town.source,
    )
    return _snapped(net, site)


def _point(net: Network, lat: float, lon: float, country: str | None, *, text: str) -> Place:
    """The site at coordinates, in ``country`` or the country of the nearest town or place."""
    town, town_km = gazetteer(net.dataset.data_dir).nearest(lat, lon)
    places = sorted((straight_km(lat, lon, p.lat, p.lon), p.id) for p in net.places.values())
    place_km, place_id = places[0]
    nearest = (town_km, town.name, town.country)
    if place_km < town_km:
        place = net.places[place_id]
        nearest = (place_km, place.name, place.country.value.upper())
    km, name, found = nearest
    if km > MAX_TOWN_KM:
        msg = (
            f"coordinates {text!r} are outside the corridor's area: the nearest town or place "
            f"({name}) is {km:,.0f} km away (at most {MAX_TOWN_KM:g} km)"
        )
        raise InvalidRequestError(msg)
    allowed = {c.value.upper() for c in Country}
    if country is None and found not in allowed:
        msg = (
            f"coordinates {text!r} are nearest {name} ({found}), outside the corridor's "
            "countries (CN, VN)"
        )
        raise InvalidRequestError(msg)
    if country is not None and country not in allowed:
        msg = f"coordinates {text!r}: country {country!r} is not CN or VN"
        raise InvalidRequestError(msg)
    if country is not None and country != found:  # the side of the border meant, if near it
        town, km = gazetteer(net.dataset.data_dir).nearest(lat, lon, country)
        name = town.name
        for k, p in places:
            if net.places[p].country == country.lower() and k < km:
                km, name = k, net.places[p].name
        if km > MAX_TOWN_KM:
            msg = (
                f"coordinates {text!r}: the nearest town or place in {country} is {name}, "
                f"{km:,.0f} km away (at most {MAX_TOWN_KM:g} km): ',{country}' is for the border"
            )
            raise InvalidRequestError(msg)
    chosen = Country(country or found)
    site = _site(
        f"point_{lat:.5f}_{lon:.5f}".replace("-", "m"),
        f"{lat}, {lon}",
        chosen,
        lat=lat,
        lon=lon,
        source=f"estimate: coordinates as given; country {chosen} "
        + ("as given" if country else f"of the nearest town or place, {name} ({km:.1f} km)"),
    )
    return _snapped(net, site)


def _snapped(net: Network, site: Place) -> Place:
    """The network place of the site's country within ``snap_km`` of it, else the site."""
    rule = drayage_rules(net.dataset.data_dir).get(site.country)
    if rule is None:
        return site
    for km, place in _nearest_places(net, site):
        if km <= rule.snap_km:
            logger.debug("%s is %s (%.2f km)", site.name, place.id, km)
            return place
        break
    return site


def _nearest_places(net: Network, site: Place) -> list[tuple[float, Place]]:
    """The network places with road in the site's country, nearest first (straight km)."""
    found = [
        (straight_km(site.lat, site.lon, p.lat, p.lon), p)
        for p in net.places.values()
        if p.country is site.country and Mode.ROAD in p.modes
    ]
    return sorted(found, key=lambda item: (item[0], item[1].id))


def country_note(net: Network, site: Place) -> str | None:
    """A note when a point's nearest place of the other country is almost as close."""
    if not site.id.startswith("point_") or site.source.endswith("as given"):
        return None
    others = [
        straight_km(site.lat, site.lon, p.lat, p.lon)
        for p in net.places.values()
        if p.country is not site.country
    ]
    if others and min(others) <= AMBIGUOUS_KM:
        other = next(c for c in Country if c is not site.country)
        return (
            f"{site.name} is read as in {site.country} ({site.source.split('; ', 1)[1]}); a "
            f"place in {other} is {min(others):.1f} km away: add ',{other}' to the "
            "coordinates to start or end there instead"
        )
    return None


def drayage_arcs(
    net: Network, site: Place, cargo: CargoClass, *, origin: bool
) -> list[tuple[Vertex, Vertex, dict[str, Any]]]:
    """The arcs joining a site to the network for one request.

    From an origin: loading onto a truck at the site (the road tariff's fixed part), then
    an estimated drayage to each of the nearest places; to a destination, the reverse, then
    unloading. Only places of the site's country are joined (never across the border).

    Raises
    ------
    NoRouteError
        If no network place with road lies within ``max_km`` of the site in its country.
    """
    from corridor.service import _arc

    rule = drayage_rules(net.dataset.data_dir).get(site.country)
    if rule is None:
        msg = f"no drayage rule for {site.country} in {DRAYAGE_FILE}"
        raise DataError(msg, file=DRAYAGE_FILE)
    near = [(km, p) for km, p in _nearest_places(net, site) if km <= rule.max_km]
    if not near:
        msg = (
            f"no place of the network in {site.country} lies within {rule.max_km:g} km of "
            f"{site.name} (straight line) for the first or last mile by road"
        )
        raise NoRouteError(msg)
    profile = net.cargo_profiles[cargo]
    tariff = costs.find_tariff(net.tariffs, Mode.ROAD, site.country.value)
    here: Vertex = (site.id, ROAD)
    end: Vertex = (site.id, SOURCE if origin else SINK)
    common = {"mode": ROAD, "km": 0.0, "from_place": site.id, "to_place": site.id}
    arcs = []
    if origin:
        loading = costs.handling_figures(None, tariff, profile)
        arcs.append((end, here, _arc("access", site.id, loading, None, **common)))
    else:
        unloading = costs.handling_figures(None, None, profile)
        arcs.append((here, end, _arc("egress", site.id, unloading, None, **common)))
    for straight, place in near[: rule.candidates]:
        a, b = (site.id, place.id) if origin else (place.id, site.id)
        arcs.append(_drayage(net, rule, cargo, a, b, straight=straight))
    return arcs


def _drayage(
    net: Network, rule: DrayageRule, cargo: CargoClass, a: str, b: str, *, straight: float
) -> tuple[Vertex, Vertex, dict[str, Any]]:
    """The estimated drayage arc from ``a`` to ``b`` (place or site ids), ``straight`` km apart."""
    from corridor.service import _arc

    profile = net.cargo_profiles[cargo]
    tariff = costs.find_tariff(net.tariffs, Mode.ROAD, rule.country.value)
    km = straight * rule.circuity
    hours = km / rule.speed_kmh
    figures = costs._figures(  # where refrigeration CO2e is added, as for legs
        tariff.usd_per_teu_km * km * profile.tariff_multiplier,
        hours,
        hours * rule.p90_factor,
        costs.transport_emitted(km, net.emissions[Mode.ROAD], profile),
        profile,
    )
    attrs = _arc(
        DRAYAGE,
        f"{DRAYAGE}:{a}>{b}",
        figures,
        None,
        mode=ROAD,
        km=km,
        from_place=a,
        to_place=b,
        straight_km=straight,
        circuity=rule.circuity,
    )
    return (a, ROAD), (b, ROAD), attrs


def site_arrays(
    net: Network, origin: Place, destination: Place, cargo: CargoClass, month: int | None
) -> tuple[dict[str, Place], ServiceArrays]:
    """The sites among the two ends, and the service arrays a request on them is solved on.

    Without a site: the network's cached arrays; else a copy with each site's arcs
    (:func:`drayage_arcs`) appended, for this request only.
    """
    arrays = net.service_arrays(cargo, month)
    sites = {p.id: p for p in (origin, destination) if is_site(net, p)}
    if not sites:
        return sites, arrays
    extra = [arc for p in sites.values() for arc in drayage_arcs(net, p, cargo, origin=p is origin)]
    rule = drayage_rules(net.dataset.data_dir).get(origin.country)
    if len(sites) == 2 and origin.country is destination.country and rule is not None:
        straight = straight_km(origin.lat, origin.lon, destination.lat, destination.lon)
        if straight <= rule.max_km:  # door to door by one truck, as a drayage to a place
            extra.append(_drayage(net, rule, cargo, origin.id, destination.id, straight=straight))
    return sites, with_sites(arrays, extra)


def with_sites(
    arrays: ServiceArrays, arcs: list[tuple[Vertex, Vertex, dict[str, Any]]]
) -> ServiceArrays:
    """A copy of ``arrays`` with ``arcs`` (and their new vertices) appended; ``arrays`` is kept.

    Existing vertices and arcs keep their numbers, so masks and columns line up.
    """
    vertices = list(arrays.vertices)
    index = dict(arrays.index)
    for tail, head, _ in arcs:
        for vertex in (tail, head):
            if vertex not in index:
                index[vertex] = len(vertices)
                vertices.append(vertex)
    columns = {}
    for name, values in arrays.columns.items():
        extra = [float(d.get(name, 0.0) or 0.0) for _, _, d in arcs]
        if name in ARC_COLUMNS:
            extra = [float(d[name]) for _, _, d in arcs]
        columns[name] = np.concatenate([values, np.array(extra, dtype=values.dtype)])
    tails = np.array([index[t] for t, _, _ in arcs], dtype=np.int32)
    heads = np.array([index[h] for _, h, _ in arcs], dtype=np.int32)
    extended = ServiceArrays(
        n=len(vertices),
        tails=np.concatenate([arrays.tails, tails]),
        heads=np.concatenate([arrays.heads, heads]),
        columns=columns,
        vertices=vertices,
        index=index,
        arcs=[*arrays.arcs, *arcs],
    )
    # the arcs by ref, from the cached graph's (a loop over every arc otherwise)
    by_ref = {ref: list(found) for ref, found in arrays.by_ref.items()}
    for i, (_, _, data) in enumerate(arcs, start=len(arrays.arcs)):
        by_ref.setdefault(data["ref"], []).append(i)
    extended.__dict__["by_ref"] = by_ref  # functools.cached_property's slot
    return extended
