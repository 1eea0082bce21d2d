"""Links as drawn on maps and charts: each link's line, parallel links set apart.

Links between the same two places (road, metre-gauge rail and river Yen Bai – Viet Tri) would
hide one another, so in the drawing only each is shifted sideways by :data:`OFFSET_DEG` times
its place in the bundle, around the true line. Files and GeoDataFrames keep the true lines
(:meth:`corridor.network.Network.line`).
"""

from __future__ import annotations

import itertools
import math
import weakref
from collections import defaultdict
from typing import TYPE_CHECKING

import geopandas as gpd
from shapely.geometry import LineString

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.routing import Step

OFFSET_DEG = 0.04
"""Sideways shift between two parallel links, degrees of latitude (about 4.4 km: 4 pixels at
the zoom of a Kunming – Hai Phong map, enough for lines 3 pixels wide to show side by side)."""
MODE_ORDER = ("road", "rail_1000", "rail_1435", "river", "sea", "air")
"""Order of parallel links across the bundle, left to right facing the later place id."""

_DRAWN: weakref.WeakKeyDictionary[Network, dict[str, list[tuple[float, float]]]] = (
    weakref.WeakKeyDictionary()
)


def drawn_lines(network: Network) -> dict[str, list[tuple[float, float]]]:
    """Every leg's and crossing's line as drawn, (lon, lat) from its origin (Chinese place)."""
    if network not in _DRAWN:
        ends = {
            leg.id: (leg.origin, leg.destination, leg.mode.value) for leg in network.legs.values()
        }
        ends |= {c.id: (c.cn_place, c.vn_place, c.mode.value) for c in network.crossings.values()}
        bundles: dict[frozenset[str], list[str]] = defaultdict(list)
        for link, (a, b, _) in ends.items():
            bundles[frozenset((a, b))].append(link)
        drawn = {}
        for links in bundles.values():
            order = sorted(links, key=lambda link: (_rank(ends[link][2]), link))
            for i, link in enumerate(order):
                shift = (i - (len(order) - 1) / 2) * OFFSET_DEG
                a, b, _ = ends[link]
                first = min(a, b)  # the same side for every link of the bundle
                line = network.line(link, first)
                line = _offset(line, shift) if shift else line
                drawn[link] = line if first == a else line[::-1]
        _DRAWN[network] = drawn
    return _DRAWN[network]


def drawn_links(network: Network) -> gpd.GeoDataFrame:
    """:meth:`~corridor.network.Network.to_geodataframes` links with their drawn lines."""
    _, links = network.to_geodataframes()
    drawn = drawn_lines(network)
    return links.set_geometry([LineString(drawn[link]) for link in links.index], crs=links.crs)


def drawn_step(network: Network, step: Step) -> list[tuple[float, float]]:
    """A route step's drawn line, (lat, lon) for folium, in its direction of travel."""
    line = drawn_lines(network).get(step.ref)
    if line is None:  # not a link of this network: straight
        a, b = network.places[step.from_place], network.places[step.to_place]
        return [(a.lat, a.lon), (b.lat, b.lon)]
    points = [(lat, lon) for lon, lat in line]
    leg = network.legs.get(step.ref)
    origin = leg.origin if leg is not None else network.crossings[step.ref].cn_place
    return points if step.from_place == origin else points[::-1]


def _rank(mode: str) -> int:
    return MODE_ORDER.index(mode) if mode in MODE_ORDER else len(MODE_ORDER)


def _offset(line: list[tuple[float, float]], shift: float) -> list[tuple[float, float]]:
    """``line`` moved ``shift`` degrees to its left (negative: right), vertex by vertex.

    Each vertex moves along the mean of the normals of its segments, in a frame where a
    degree of longitude is shortened by the cosine of the latitude, so the shift is even.
    """
    scale = math.cos(math.radians(sum(lat for _, lat in line) / len(line)))
    xy = [(lon * scale, lat) for lon, lat in line]
    normals = []
    for (x1, y1), (x2, y2) in itertools.pairwise(xy):
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        normals.append((-(y2 - y1) / length, (x2 - x1) / length))
    moved = []
    for i, (x, y) in enumerate(xy):
        around = normals[max(i - 1, 0) : i + 1]
        nx = sum(n[0] for n in around) / len(around)
        ny = sum(n[1] for n in around) / len(around)
        norm = math.hypot(nx, ny) or 1.0
        moved.append(((x + shift * nx / norm) / scale, y + shift * ny / norm))
    return moved
