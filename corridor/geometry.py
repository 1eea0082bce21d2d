"""Leg lines: the polylines of ``data/leg_geometry.geojson``, read and checked against the legs.

A leg may carry a line (a GeoJSON ``LineString`` in WGS84, one feature per leg, its ``id``
the leg's id and its ``source`` property cited as in the CSV tables); a leg without one is
drawn straight between its places. The shipped lines are digitised through the towns a route
is published to pass (``data/tools/build_leg_geometry.py``). The loader refuses:

- a feature whose ``id`` is no leg (with did-you-mean), or a leg given two lines;
- a line whose ends are more than :data:`END_TOLERANCE_KM` from its leg's two places;
- a leg whose km is outside :data:`KM_TOLERANCE` times its line's length (both figures).

Lines are used to draw and export; costs and times still come from a leg's ``km``.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from corridor.distance import straight_km
from corridor.errors import DataError
from corridor.model import Leg, Place

LINES_FILE = "leg_geometry.geojson"
"""The file of leg lines in the data folder (optional: without it every leg is straight)."""
END_TOLERANCE_KM = 2.0
"""How far a line's first and last points may be from its leg's places, km: the ±2 km of the
place coordinates (a line drawn from a station a little off the town point is fine)."""
KM_TOLERANCE = (0.97, 1.5)
"""A leg's km must lie within these multiples of its line's length.

Below: a line through a route's towns cuts the bends between them, so the route is longer,
never shorter; 3 % is left for towns and places placed up to 2 km off the track. Above: on
the Hanoi – Lao Cai railway the chainage (282.7 km from Yen Vien to Lao Cai) is 1.10 times
the line through its stations and 1.18 on its worst section (Yen Bai – Viet Tri, through one
station); 1.5 leaves room for a sparse line through mountains but refuses a km typed for
another leg or a line through the wrong towns."""

Line = tuple[tuple[float, float], ...]
"""A polyline: (longitude, latitude) pairs in degrees, WGS84, from a leg's origin."""


def line_km(line: Iterable[tuple[float, float]]) -> float:
    """Length of a polyline of (lon, lat) points, km (the sum of its great-circle segments).

    Examples
    --------
    >>> round(line_km([(105.84117, 21.0245), (106.68345, 20.86481)]), 1)  # Hanoi - Haiphong
    89.3
    """
    points = list(line)
    return sum(
        straight_km(lat1, lon1, lat2, lon2)
        for (lon1, lat1), (lon2, lat2) in itertools.pairwise(points)
    )


def read_lines(
    folder: Path,
    legs: Mapping[str, Leg],
    places: Mapping[str, Place],
    check_source: Callable[[str], None],
) -> tuple[dict[str, Line], dict[str, str]]:
    """The lines of ``folder/leg_geometry.geojson`` by leg id, and each line's source.

    ``check_source`` raises ``ValueError`` for a ``source`` cell that cites no known key.
    No file: no lines.

    Raises
    ------
    DataError
        Naming the file, the feature's line in it (the shipped file has one feature per
        line) and the field at fault: for malformed JSON, a feature that is not a
        LineString of at least two points in range, an unknown leg (did you mean),
        a second line for a leg, a source without a known key, ends more than
        :data:`END_TOLERANCE_KM` from the leg's places, or a km outside
        :data:`KM_TOLERANCE` of the line's length.
    """
    path = folder / LINES_FILE
    if not path.is_file():
        return {}, {}
    from corridor.tables import read_text

    text = read_text(path, LINES_FILE)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(f"not valid JSON: {error.msg}", file=LINES_FILE, row=error.lineno) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise DataError("a GeoJSON FeatureCollection with 'features' expected", file=LINES_FILE)
    rows = _feature_lines(text, len(features))
    lines: dict[str, Line] = {}
    sources: dict[str, str] = {}
    for number, (feature, row) in enumerate(zip(features, rows, strict=True), 1):

        def fail(
            message: str, field: str, row: int | None = row, number: int = number
        ) -> DataError:
            return DataError(f"feature {number}: {message}", file=LINES_FILE, row=row, column=field)

        leg_id, line, source = _parse(feature, fail)
        if leg_id not in legs:
            close = difflib.get_close_matches(leg_id, list(legs), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise fail(f"no leg {leg_id!r} in legs.csv{hint}", "id")
        if leg_id in lines:
            raise fail(f"a second line for leg {leg_id!r}", "id")
        try:
            check_source(source)
        except ValueError as error:
            raise fail(str(error), "source") from None
        leg = legs[leg_id]
        _check_ends(leg, line, places, fail)
        _check_km(leg, line, fail)
        lines[leg_id] = line
        sources[leg_id] = source
    return lines, sources


def _feature_lines(text: str, count: int) -> list[int | None]:
    """The line of each feature in the file when it has one feature per line, else None."""
    starts = [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if line.lstrip().startswith('{"type": "Feature"')
    ]
    return list(starts) if len(starts) == count else [None] * count


def _parse(feature: Any, fail: Callable[[str, str], DataError]) -> tuple[str, Line, str]:  # noqa: ANN401 - parsed JSON
    """A feature's leg id, line and source, or the error naming the field at fault."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise fail("a GeoJSON Feature expected", "type")
    leg_id = feature.get("id")
    if not isinstance(leg_id, str) or not leg_id:
        raise fail("'id' must be a leg id", "id")
    properties = feature.get("properties") or {}
    source = properties.get("source") if isinstance(properties, dict) else None
    if not isinstance(source, str):
        raise fail("needs a 'source' property", "source")
    geometry = feature.get("geometry") or {}
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "LineString":
        raise fail("the geometry must be a LineString", "geometry")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        raise fail("a LineString needs at least two points", "geometry")
    points = []
    for point in coordinates:
        if (
            not isinstance(point, list)
            or len(point) < 2
            or not all(isinstance(x, int | float) and math.isfinite(x) for x in point[:2])
            or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90)
        ):
            raise fail(f"{point!r} is not a [longitude, latitude] point in range", "geometry")
        points.append((float(point[0]), float(point[1])))
    return leg_id, tuple(points), source


def _check_ends(
    leg: Leg, line: Line, places: Mapping[str, Place], fail: Callable[[str, str], DataError]
) -> None:
    """The line runs from the leg's origin to its destination, each within the tolerance."""
    for end, place_id in ((line[0], leg.origin), (line[-1], leg.destination)):
        place = places[place_id]
        off = straight_km(end[1], end[0], place.lat, place.lon)
        if off > END_TOLERANCE_KM:
            which = "starts" if place_id == leg.origin else "ends"
            raise fail(
                f"the line of {leg.id!r} {which} {off:.1f} km from {place_id!r} "
                f"(at most {END_TOLERANCE_KM:g} km; a line runs from the leg's origin "
                "to its destination)",
                "geometry",
            )


def _check_km(leg: Leg, line: Line, fail: Callable[[str, str], DataError]) -> None:
    """The leg's km is within :data:`KM_TOLERANCE` of the line's length."""
    length = line_km(line)
    low, high = KM_TOLERANCE
    if not low * length <= leg.km <= high * length:
        raise fail(
            f"leg {leg.id!r} is {leg.km:g} km in legs.csv but its line is {length:.1f} km: "
            f"the km must be {low:g}–{high:g} × the line's length "
            f"({low * length:.1f}–{high * length:.1f} km); correct the km or the line",
            "geometry",
        )
